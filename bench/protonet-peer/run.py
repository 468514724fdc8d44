#!/usr/bin/python3
"""Driver of the protonet-peer benchmark: MetaNlp vs plain PyTorch 1.13, side by side, same workload.

Called by ./run (which installs python3-torch when missing). Builds MetaNlp (Release), runs
  1. MetaNlp:  dotnet MetaNlp.Cli.dll train ... --json   then   dotnet MetaNlp.Cli.dll eval ... --json
  2. PyTorch:  /usr/bin/python3 protonet_peer.py ...
each as a child process bounded by a timeout, measures each child's peak RSS the same way (ru_maxrss of
os.wait4 on the child), and prints a short summary then, as the LAST line, one JSON object.

Usage: run.py [DATA_DIR | --data-dir DATA_DIR]
Environment: TRAIN_EPISODES (200), EVAL_EPISODES (200), THREADS (2), SEED (42), METANLP_DATA,
             TIMEOUT_SCALE (1.0, multiplies every child's time limit),
             EMBEDDING_UPDATES (MetaNlp's --embedding-updates: sparse or dense; default the CLI's, sparse).
Driver testing only: METANLP_CMD replaces "dotnet <dll>" (shell-split) and skips the build.
"""

import json
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "common"))
import peer  # noqa: E402  (bench/common/peer.py: run_child, last_json, fail, ...)
from peer import PYTHON, fail, last_json, log, num, ratio, rnd, run_child  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
WARMUP = 5
WAYS, SHOTS, QUERIES = 5, 5, 25


def main():
    peer.setup("protonet-peer")
    data_dir = peer.data_dir_from_args(__doc__)
    train_eps = peer.env_int("TRAIN_EPISODES", 200)
    eval_eps = peer.env_int("EVAL_EPISODES", 200)
    threads = peer.env_int("THREADS", 2) or 1
    seed = peer.env_int("SEED", 42)
    # MetaNlp's word-table updates: "" leaves the CLI's default (sparse), or "sparse" / "dense" (--embedding-updates).
    embedding_updates = os.environ.get("EMBEDDING_UPDATES", "")
    if embedding_updates not in ("", "sparse", "dense"):
        print(f"protonet-peer: EMBEDDING_UPDATES must be sparse or dense, not {embedding_updates!r}", file=sys.stderr)
        sys.exit(2)
    scale = peer.timeout_scale()

    # Time limits per child (defaults: 210 + 110 + 260 s, so under 10 minutes even if every side is slow;
    # PyTorch needs about 35 s for the default workload on 2 threads of this machine).
    t_train = scale * (60 + 0.75 * (train_eps + WARMUP))
    t_eval = scale * (60 + 0.25 * eval_eps)
    t_torch = scale * (60 + 0.75 * (train_eps + WARMUP) + 0.25 * eval_eps)
    t_build = scale * 900

    env = peer.child_env(threads, data_dir)
    workload = {
        "dataset": "huffpost (Bao split: train classes 0-19, test 25-40)",
        "algo": "protonet", "encoder": "kim-cnn (embedding V x 300 random, conv 3x100 k=3,4,5, relu, max-pool)",
        "ways": WAYS, "shots": SHOTS, "queries": QUERIES, "texts_per_episode": WAYS * (SHOTS + QUERIES),
        "max_tokens": 128, "optimizer": "adam lr 1e-3, one episode per step",
        "warmup_episodes": WARMUP, "train_episodes": train_eps, "eval_episodes": eval_eps, "seed": seed,
        "metanlp_embedding_updates": embedding_updates or "default (sparse)",
    }
    load_before = peer.warn_if_busy()
    log(f"protonet-peer: HuffPost 5-way 5-shot 25 queries, {train_eps} train + {eval_eps} eval episodes, "
        f"{threads} threads, seed {seed}, data {data_dir}")

    metanlp, metanlp_cmd_override = peer.build_metanlp(env, t_build)

    tmp = tempfile.mkdtemp(prefix="protonet-peer-")
    try:
        def stage(name, cmd, limit, required):
            """One MetaNlp child: its last JSON line, which must carry `required`, and its peak RSS."""
            log(f"MetaNlp {name} (limit {limit:.0f}s) ...")
            rc, so, se, _, rss, to = run_child(cmd, limit, env)
            if rc != 0:
                fail("MetaNlp", name, rc, so, se, to, limit)
            result = last_json(so)
            missing = [k for k in required if result is None or num(result, k) is None]
            if missing:
                fail("MetaNlp", f"{name} (JSON lacks {', '.join(missing)})", rc, so, se, to, limit)
            log(f"  {json.dumps(result)}")
            return result, rss

        mt, rss_train = stage("train", metanlp + [
            "train", "--data-dir", data_dir, "--dataset", "huffpost", "--algo", "protonet", "--encoder", "cnn",
            "--ways", str(WAYS), "--shots", str(SHOTS), "--queries", str(QUERIES),
            # The PyTorch side's work: squared Euclidean prototypes and no word dropout (HuffPost's CNN recipe, which
            # the CLI would otherwise take, is cosine with word dropout 0.3).
            "--distance", "euclidean", "--word-dropout", "0",
            "--max-episodes", str(train_eps), "--val-every", "0", "--threads", str(threads),
            "--seed", str(seed), "--out", tmp, "--json"]
            + (["--embedding-updates", embedding_updates] if embedding_updates else []), t_train, ["episodes_per_second"])
        model = os.path.join(tmp, "model.ckpt")
        if not os.path.isfile(model):
            fail("MetaNlp", f"train (no checkpoint at {model})", 0, "", "", False, t_train)
        me, rss_eval = stage("eval", metanlp + [
            "eval", "--model", model, "--data-dir", data_dir, "--episodes", str(eval_eps),
            "--threads", str(threads), "--seed", str(seed), "--json"], t_eval, ["episodes_per_second", "accuracy", "ci95"])
        # MetaNlp reports accuracy and its interval in percent.
        m_train_eps = num(mt, "episodes_per_second")
        m_eval_eps = num(me, "episodes_per_second")
        m_acc = num(me, "accuracy") / 100.0
        m_ci = num(me, "ci95") / 100.0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    # ---- PyTorch ----
    torch_cmd = [PYTHON, os.path.join(HERE, "protonet_peer.py"), "--data-dir", data_dir,
                 "--train-episodes", str(train_eps), "--eval-episodes", str(eval_eps),
                 "--threads", str(threads), "--seed", str(seed), "--warmup", str(WARMUP)]
    log(f"PyTorch ({train_eps} + {eval_eps} episodes, limit {t_torch:.0f}s) ...")
    rc, so, se, secs, rss_torch, to = run_child(torch_cmd, t_torch, env)
    if rc != 0:
        fail("PyTorch", "protonet_peer.py", rc, so, se, to, t_torch)
    pt = last_json(so)
    if pt is None:
        fail("PyTorch", "protonet_peer.py (no JSON object on stdout)", rc, so, se, to, t_torch)
    log(f"  {json.dumps(pt)}")

    m = {
        "train_eps": rnd(m_train_eps), "eval_eps": rnd(m_eval_eps),
        "peak_rss_mb": rnd(max(rss_train, rss_eval), 1),
        "train_peak_rss_mb": rnd(rss_train, 1), "eval_peak_rss_mb": rnd(rss_eval, 1),
        "accuracy": rnd(m_acc, 4), "ci95": rnd(m_ci, 4),
        "train_episodes": mt.get("episodes"), "train_seconds": mt.get("train_seconds"),
        "eval_episodes": me.get("episodes"), "eval_seconds": me.get("seconds"),
    }
    if metanlp_cmd_override:
        m["command_override"] = metanlp_cmd_override
    t = {
        "train_eps": rnd(pt.get("train_episodes_per_second")), "eval_eps": rnd(pt.get("eval_episodes_per_second")),
        "peak_rss_mb": rnd(rss_torch, 1), "accuracy": rnd(pt.get("accuracy"), 4), "ci95": rnd(pt.get("ci95"), 4),
        "train_episodes": pt.get("train_episodes"), "train_seconds": pt.get("train_seconds"),
        "eval_episodes": pt.get("eval_episodes"), "eval_seconds": pt.get("eval_seconds"),
        "vocab_size": pt.get("vocab_size"), "torch_version": pt.get("torch_version"),
    }
    ratios = {
        "train_speed": ratio(m["train_eps"], t["train_eps"]),
        "eval_speed": ratio(m["eval_eps"], t["eval_eps"]),
        "peak_rss": ratio(m["peak_rss_mb"], t["peak_rss_mb"]),
    }
    result = {
        "benchmark": "protonet-peer", "workload": workload, "metanlp": m, "pytorch": t, "ratios": ratios,
        "threads": threads,
        "date": peer.utc_now(),
        "machine": peer.machine(),
        "load_avg_1min": {"before": round(load_before, 2), "after": round(os.getloadavg()[0], 2)},
    }

    log("")
    log(f"{'':22}{'MetaNlp':>12}{'PyTorch':>12}{'ratio':>9}")
    log(f"{'train episodes/s':22}{m['train_eps']:>12.2f}{t['train_eps']:>12.2f}{ratios['train_speed'] or 0:>9.2f}")
    log(f"{'eval episodes/s':22}{m['eval_eps']:>12.2f}{t['eval_eps']:>12.2f}{ratios['eval_speed'] or 0:>9.2f}")
    log(f"{'peak RSS MB':22}{m['peak_rss_mb']:>12.0f}{t['peak_rss_mb']:>12.0f}{ratios['peak_rss'] or 0:>9.2f}")
    log(f"{'eval accuracy':22}{m['accuracy'] * 100:>11.1f}%{t['accuracy'] * 100:>11.1f}%")
    log("(speed ratios > 1: MetaNlp faster; RSS ratio < 1: MetaNlp smaller)")
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
