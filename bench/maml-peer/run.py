#!/usr/bin/python3
"""Driver of the maml-peer benchmark: MetaNlp's second-order MAML vs plain PyTorch 1.13, side by side.

Called by ./run (which installs python3-torch when missing). Builds MetaNlp (Release), then runs, one after the other,
  1. MetaNlp:          dotnet MetaNlp.Cli.dll train --algo maml ... --batch-tasks true --json  (task-batched inner loops)
  1b. MetaNlp, seq.:   the same with --batch-tasks false (one task after another; skipped with SEQUENTIAL=0)
  2. PyTorch, whole:   /usr/bin/python3 maml_peer.py --variant whole ...  (inner loop adapts the whole word table)
  3. PyTorch, local:   /usr/bin/python3 maml_peer.py --variant local ...  (only the task's rows, as MetaNlp does)
each as a child process bounded by a timeout, measures each child's peak RSS the same way (ru_maxrss of
os.wait4 on the child), and prints a short summary then, as the LAST line, one JSON object.

Usage: run.py [DATA_DIR | --data-dir DATA_DIR]
Environment: TRAIN_TASKS (80), THREADS (2), SEED (42), SEQUENTIAL (1: also run MetaNlp one task at a time), METANLP_DATA,
             TIMEOUT_SCALE (1.0, multiplies every child's time limit).
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
WAYS, SHOTS, QUERIES = 5, 5, 15
META_BATCH, INNER_STEPS, INNER_LR = 4, 5, 0.1
# MetaNlp times a meta-step once 5 tasks are done before it: with meta-batch 4 the first 2 steps (8 tasks) are
# warm-up. Both sides run WARMUP_TASKS + TRAIN_TASKS tasks and report timed tasks / timed seconds.
WARMUP_TASKS = 8
# Each child's time limit: LIMIT_BASE_S for start-up, loading and warm-up plus LIMIT_PER_TASK_S per task, times
# TIMEOUT_SCALE. On this machine (2 vCPUs) with other jobs running, a task took up to 9 s in MetaNlp and in PyTorch
# (whole table), and a 24-task MetaNlp process 241 s in all; an idle machine is several times faster.
LIMIT_BASE_S = 180
LIMIT_PER_TASK_S = 10


def last_tenth_loss(metrics_path, total_tasks):
    """MetaNlp's mean query loss over about the last 10% of tasks, from its metrics.jsonl: each line holds the mean
    training (query) loss of the meta-steps since the previous line, one line per 10 tasks, so the window starts at a
    line boundary. Returns (loss, first task of the window) or (None, None) when the file has no loss line."""
    try:
        with open(metrics_path, encoding="utf-8") as f:
            lines = [json.loads(line) for line in f if line.strip()]
    except OSError:
        return None, None
    points = [(p["episode"], p["trainLoss"]) for p in lines if "trainLoss" in p and "valAccuracy" not in p]
    if not points:
        return None, None, []
    start = total_tasks - max(10, total_tasks // 10)
    window = [(e, l) for e, l in points if e > start] or points[-1:]
    first = ([e for e, _ in points if e <= window[0][0] - 1] or [0])[-1] + 1
    # Each line's tasks: from the task after the line before to its own episode.
    ends = [e for e, _ in points]
    spans = [((ends[ends.index(e) - 1] if ends.index(e) > 0 else 0) + 1, e) for e, _ in window]
    return round(sum(l for _, l in window) / len(window), 4), first, spans


def same_window_loss(task_losses, spans):
    """The PyTorch side's per-task losses averaged as MetaNlp's metrics lines average them: the mean of each line's
    tasks (its meta-steps are all full, so the mean of the steps' means), then the mean over the lines."""
    if not task_losses or not spans or spans[-1][1] > len(task_losses):
        return None
    means = [sum(task_losses[a - 1:b]) / (b - a + 1) for a, b in spans]
    return round(sum(means) / len(means), 4)


def main():
    peer.setup("maml-peer")
    data_dir = peer.data_dir_from_args(__doc__)
    train_tasks = peer.env_int("TRAIN_TASKS", 80)
    if train_tasks < 1:
        peer.die("TRAIN_TASKS must be at least 1")
    threads = peer.env_int("THREADS", 2) or 1
    seed = peer.env_int("SEED", 42)
    scale = peer.timeout_scale()
    total_tasks = WARMUP_TASKS + train_tasks

    t_metanlp = t_torch = scale * (LIMIT_BASE_S + LIMIT_PER_TASK_S * total_tasks)
    t_build = scale * 900

    env = peer.child_env(threads, data_dir)
    workload = {
        "dataset": "huffpost (Bao split: train classes 0-19)",
        "algo": "maml (second order)",
        "encoder": "kim-cnn (embedding V x 300 random, conv 3x100 k=3,4,5, max-pool, relu), adapted in the inner loop",
        "head": "one shared zero-initialised row and bias, expanded to 5 classes, adapted in the inner loop",
        "ways": WAYS, "shots": SHOTS, "queries": QUERIES, "texts_per_task": WAYS * (SHOTS + QUERIES),
        "max_tokens": 128, "inner": f"{INNER_STEPS} steps of SGD lr {INNER_LR} on the support loss, create_graph",
        "outer": f"adam lr 1e-3, mean query loss of {META_BATCH} tasks per step",
        "warmup_tasks": WARMUP_TASKS, "train_tasks": train_tasks, "seed": seed,
        "pytorch_tasks": "MetaNlp's (metanlp datasets episodes)" if peer.env_int("SHARED_TASKS", 1) else "its own sampler",
    }
    load_before = peer.warn_if_busy()
    log(f"maml-peer: HuffPost 5-way 5-shot 15 queries, MAML {INNER_STEPS} inner steps, meta-batch {META_BATCH}, "
        f"{WARMUP_TASKS} warm-up + {train_tasks} timed tasks per side, {threads} threads, seed {seed}, data {data_dir}")

    metanlp, metanlp_cmd_override = peer.build_metanlp(env, t_build)

    # ---- MetaNlp, task-batched inner loops and one task after another (the default) ----
    def metanlp_side(batch_tasks):
        tmp = tempfile.mkdtemp(prefix="maml-peer-")
        label = "batched" if batch_tasks else "sequential"
        try:
            cmd = metanlp + [
                "train", "--dataset", "huffpost", "--data-dir", data_dir, "--algo", "maml", "--encoder", "cnn",
                "--ways", str(WAYS), "--shots", str(SHOTS), "--queries", str(QUERIES),
                "--meta-batch", str(META_BATCH), "--inner-steps", str(INNER_STEPS), "--inner-lr", str(INNER_LR),
                "--batch-tasks", "true" if batch_tasks else "false",
                # The HuffPost CNN recipe trains with word dropout 0.3; the PyTorch peer has none, and random draws
                # would also make the batched and sequential runs diverge, so it is off here.
                "--word-dropout", "0",
                "--max-episodes", str(total_tasks), "--val-every", "0", "--threads", str(threads),
                "--seed", str(seed), "--out", tmp, "--json"]
            log(f"MetaNlp, {label} ({total_tasks} tasks, limit {t_metanlp:.0f}s) ...")
            rc, so, se, m_secs, m_rss, to = run_child(cmd, t_metanlp, env)
            if rc != 0:
                fail(f"MetaNlp ({label})", "train", rc, so, se, to, t_metanlp)
            mt = last_json(so)
            if mt is None or num(mt, "episodes_per_second") is None:
                fail(f"MetaNlp ({label})", "train (no JSON with episodes_per_second on stdout)", rc, so, se, to,
                     t_metanlp)
            log(f"  {json.dumps(mt)}")
            query_loss, loss_from, spans = last_tenth_loss(os.path.join(tmp, "metrics.jsonl"), total_tasks)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        m_tps = num(mt, "episodes_per_second")
        m_train_s = num(mt, "train_seconds")
        side = {
            "tasks_per_second": rnd(m_tps), "peak_rss_mb": rnd(m_rss, 1),
            "tasks": mt.get("episodes"),
            "timed_tasks": round(m_tps * m_train_s) if m_tps is not None and m_train_s is not None else None,
            "train_seconds": mt.get("train_seconds"), "process_seconds": rnd(m_secs, 1),
            "batch_tasks": batch_tasks, "query_loss_last10pct": query_loss, "query_loss_from_task": loss_from,
            "loss_spans": spans,
        }
        if metanlp_cmd_override:
            side["command_override"] = metanlp_cmd_override
        return side

    m = metanlp_side(True)
    ms = metanlp_side(False) if peer.env_int("SEQUENTIAL", 1) else None

    # ---- The tasks MetaNlp trained on, for the PyTorch side (SHARED_TASKS=0: its own sampler) ----
    tasks_file = None
    if peer.env_int("SHARED_TASKS", 1):
        cmd = metanlp + ["datasets", "episodes", "--dataset", "huffpost", "--data-dir", data_dir,
                         "--ways", str(WAYS), "--shots", str(SHOTS), "--queries", str(QUERIES),
                         "--seed", str(seed), "--count", str(total_tasks)]
        rc, so, se, _, _, to = run_child(cmd, t_build, env)
        if rc != 0:
            fail("MetaNlp", "datasets episodes", rc, so, se, to, t_build)
        fd, tasks_file = tempfile.mkstemp(prefix="maml-peer-tasks-", suffix=".jsonl")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(so)

    # ---- PyTorch, both variants ----
    def torch_side(variant):
        cmd = [PYTHON, os.path.join(HERE, "maml_peer.py"), "--data-dir", data_dir, "--variant", variant,
               "--max-tasks", str(total_tasks), "--meta-batch", str(META_BATCH), "--inner-steps", str(INNER_STEPS),
               "--inner-lr", str(INNER_LR), "--ways", str(WAYS), "--shots", str(SHOTS), "--queries", str(QUERIES),
               "--threads", str(threads), "--seed", str(seed)] + (["--tasks", tasks_file] if tasks_file else [])
        log(f"PyTorch, {variant} table ({total_tasks} tasks, limit {t_torch:.0f}s) ...")
        rc, so, se, secs, rss, to = run_child(cmd, t_torch, env)
        if rc != 0:
            fail(f"PyTorch ({variant})", "maml_peer.py", rc, so, se, to, t_torch)
        pt = last_json(so)
        if pt is None or num(pt, "tasks_per_second") is None:
            fail(f"PyTorch ({variant})", "maml_peer.py (no JSON with tasks_per_second on stdout)", rc, so, se, to,
                 t_torch)
        log(f"  {json.dumps(pt)}")
        return {
            "tasks_per_second": rnd(num(pt, "tasks_per_second")), "peak_rss_mb": rnd(rss, 1),
            "tasks": pt.get("tasks"), "timed_tasks": pt.get("timed_tasks"), "train_seconds": pt.get("train_seconds"),
            "process_seconds": rnd(secs, 1), "query_loss_last10pct": pt.get("query_loss_last10pct"),
            # Over MetaNlp's window and averaged its way: comparable with MetaNlp's figure when both trained on the same tasks.
            "query_loss_metanlp_window": same_window_loss(pt.get("task_losses"), m.get("loss_spans")),
            "vocab_size": pt.get("vocab_size"), "torch_version": pt.get("torch_version"),
        }

    try:
        whole = torch_side("whole")
        local = torch_side("local")
    finally:
        if tasks_file:
            os.remove(tasks_file)

    ratios = {
        "batched_vs_sequential": ratio(m["tasks_per_second"], ms["tasks_per_second"]) if ms else None,
        "speed_vs_whole": ratio(m["tasks_per_second"], whole["tasks_per_second"]),
        "speed_vs_local": ratio(m["tasks_per_second"], local["tasks_per_second"]),
        "peak_rss_vs_whole": ratio(m["peak_rss_mb"], whole["peak_rss_mb"]),
        "peak_rss_vs_local": ratio(m["peak_rss_mb"], local["peak_rss_mb"]),
    }
    result = {
        "benchmark": "maml-peer", "workload": workload,
        "metanlp": m, "metanlp_sequential": ms, "pytorch_whole": whole, "pytorch_local": local, "ratios": ratios,
        "threads": threads, "date": peer.utc_now(), "machine": peer.machine(),
        "load_avg_1min": {"before": round(load_before, 2), "after": round(os.getloadavg()[0], 2)},
    }

    def f(x, spec):
        return format(x, spec) if x is not None else "-"

    log("")
    seq = ms or {}
    log(f"{'':16}{'MetaNlp':>10}{'MN seq':>10}{'PT whole':>10}{'PT local':>10}{'vs whole':>10}{'vs local':>10}")
    log(f"{'tasks/s':16}{f(m['tasks_per_second'], '.3f'):>10}{f(seq.get('tasks_per_second'), '.3f'):>10}"
        f"{f(whole['tasks_per_second'], '.3f'):>10}{f(local['tasks_per_second'], '.3f'):>10}"
        f"{f(ratios['speed_vs_whole'], '.2f'):>10}{f(ratios['speed_vs_local'], '.2f'):>10}")
    log(f"{'peak RSS MB':16}{f(m['peak_rss_mb'], '.0f'):>10}{f(seq.get('peak_rss_mb'), '.0f'):>10}"
        f"{f(whole['peak_rss_mb'], '.0f'):>10}{f(local['peak_rss_mb'], '.0f'):>10}"
        f"{f(ratios['peak_rss_vs_whole'], '.2f'):>10}{f(ratios['peak_rss_vs_local'], '.2f'):>10}")
    def same_window(side):
        value = side.get("query_loss_metanlp_window")
        return value if value is not None else side.get("query_loss_last10pct")
    log(f"{'query loss':16}{f(m['query_loss_last10pct'], '.3f'):>10}{f(seq.get('query_loss_last10pct'), '.3f'):>10}"
        f"{f(same_window(whole), '.3f'):>10}{f(same_window(local), '.3f'):>10}"
        f"   (mean query loss of tasks {m.get('query_loss_from_task')} to {total_tasks}, as MetaNlp's metrics lines average it)")
    log("(MetaNlp: task-batched inner loops; MN seq: one task after another, --batch-tasks false; "
        "speed ratios > 1: MetaNlp faster; RSS ratios < 1: MetaNlp smaller)")
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
