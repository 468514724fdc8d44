#!/usr/bin/python3
"""Driver of the protonet-peer benchmark: MetaNlp vs plain PyTorch 1.13, side by side, same workload.

Called by ./run (which installs python3-torch when missing). Builds MetaNlp (Release), runs
  1. MetaNlp:  dotnet MetaNlp.Cli.dll train ... --json   then   dotnet MetaNlp.Cli.dll eval ... --json
  2. PyTorch:  /usr/bin/python3 protonet_peer.py ...
each as a child process bounded by a timeout, measures each child's peak RSS the same way (ru_maxrss of
os.wait4 on the child), and prints a short summary then, as the LAST line, one JSON object.

Usage: run.py [DATA_DIR | --data-dir DATA_DIR]
Environment: TRAIN_EPISODES (200), EVAL_EPISODES (200), THREADS (2), SEED (42), METANLP_DATA,
             TIMEOUT_SCALE (1.0, multiplies every child's time limit).
Driver testing only: METANLP_CMD replaces "dotnet <dll>" (shell-split) and skips the build.
"""

import argparse
import datetime
import json
import os
import platform
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
DLL = os.path.join(REPO, "src", "MetaNlp.Cli", "bin", "Release", "net10.0", "MetaNlp.Cli.dll")
PYTHON = "/usr/bin/python3"
WARMUP = 5
WAYS, SHOTS, QUERIES = 5, 5, 25


def log(msg=""):
    print(msg, flush=True)


def err(msg):
    print(f"[protonet-peer] {msg}", file=sys.stderr, flush=True)


def env_int(name, default):
    v = os.environ.get(name, "").strip()
    if not v:
        return default
    try:
        n = int(v)
    except ValueError:
        sys.exit(f"[protonet-peer] {name}={v!r} is not an integer")
    if n < 0:
        sys.exit(f"[protonet-peer] {name} must not be negative")
    return n


def _killpg(pgid, sig):
    try:
        os.killpg(pgid, sig)  # the child's own session/process group (start_new_session)
    except ProcessLookupError:
        pass


def run_child(cmd, timeout_s, env, cwd=REPO):
    """Runs cmd with stdout/stderr to files; returns (rc, stdout, stderr, seconds, peak_rss_mb, timed_out).

    Peak RSS is ru_maxrss from os.wait4 on the child (KiB on Linux): the largest resident set of the child
    and of any descendants it waited for. Same method for both sides. rc 124 means the time limit struck."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as errf:
        t0 = time.monotonic()
        proc = subprocess.Popen(cmd, stdout=out, stderr=errf, stdin=subprocess.DEVNULL, env=env, cwd=cwd,
                                start_new_session=True)
        deadline = t0 + timeout_s
        timed_out = killed = False
        kill_at = None
        try:
            while True:
                pid, status, rusage = os.wait4(proc.pid, os.WNOHANG)
                if pid == proc.pid:
                    break
                now = time.monotonic()
                if not timed_out and now > deadline:
                    timed_out, kill_at = True, now + 5.0
                    _killpg(proc.pid, signal.SIGTERM)
                elif timed_out and not killed and now > kill_at:
                    killed = True
                    _killpg(proc.pid, signal.SIGKILL)
                time.sleep(0.05)
        except BaseException:  # Ctrl-C or SIGTERM on the driver: take the child down with it
            _killpg(proc.pid, signal.SIGKILL)
            try:
                os.wait4(proc.pid, 0)
            except ChildProcessError:
                pass
            proc.returncode = -9
            raise
        seconds = time.monotonic() - t0
        rc = os.waitstatus_to_exitcode(status)
        proc.returncode = rc  # reaped here: keep Popen from waiting again
        if timed_out:
            rc = 124
        out.seek(0)
        errf.seek(0)
        stdout = out.read().decode("utf-8", "replace")
        stderr = errf.read().decode("utf-8", "replace")
    return rc, stdout, stderr, seconds, rusage.ru_maxrss / 1024.0, timed_out


def last_json(stdout):
    """The last line of stdout that parses as a JSON object, or None."""
    for line in reversed(stdout.splitlines()):
        line = line.strip()
        if not line.startswith("{"):
            continue
        try:
            obj = json.loads(line)
        except ValueError:
            continue
        if isinstance(obj, dict):
            return obj
    return None


def tail(text, n=40):
    lines = text.rstrip().splitlines()
    return "\n".join(lines[-n:])


def fail(side, what, rc, stdout, stderr, timed_out, timeout_s):
    why = f"timed out after {timeout_s:.0f}s" if timed_out else f"exit code {rc}"
    err(f"{side}: {what} failed ({why})")
    if stderr.strip():
        print(f"----- {side} stderr (last 40 lines) -----", file=sys.stderr)
        print(tail(stderr), file=sys.stderr)
    if stdout.strip():
        print(f"----- {side} stdout (last 40 lines) -----", file=sys.stderr)
        print(tail(stdout), file=sys.stderr)
    sys.exit(1)


def num(obj, *keys):
    for k in keys:
        v = obj.get(k)
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            return float(v)
    return None


def ratio(a, b):
    if a is None or b is None or b == 0:
        return None
    return round(a / b, 3)


def rnd(x, d=3):
    return None if x is None else round(x, d)


def machine():
    cpu = None
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    u = platform.uname()
    return f"{u.system} {u.release} {u.machine}; {cpu or 'unknown cpu'}; {os.cpu_count()} cpus"


def _on_sigterm(signum, frame):
    raise SystemExit(143)


def main():
    signal.signal(signal.SIGTERM, _on_sigterm)
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("data_dir_pos", nargs="?", default=None, metavar="DATA_DIR")
    p.add_argument("--data-dir", default=None)
    args = p.parse_args()

    data_dir = (args.data_dir or args.data_dir_pos or os.environ.get("METANLP_DATA")
                or os.path.join(REPO, "..", "shared", "datasets"))
    data_dir = os.path.abspath(data_dir)
    data_file = os.path.join(data_dir, "huffpost_bao", "huffpost.json")
    if not os.path.isfile(data_file):
        sys.exit(f"[protonet-peer] HuffPost data not found: {data_file} (give the data dir as first argument, "
                 f"--data-dir, or METANLP_DATA)")

    train_eps = env_int("TRAIN_EPISODES", 200)
    eval_eps = env_int("EVAL_EPISODES", 200)
    threads = env_int("THREADS", 2) or 1
    seed = env_int("SEED", 42)
    try:
        scale = float(os.environ.get("TIMEOUT_SCALE", "1") or 1)
    except ValueError:
        sys.exit("[protonet-peer] TIMEOUT_SCALE must be a number")

    # Time limits per child (defaults: 210 + 110 + 260 s, so under 10 minutes even if every side is slow;
    # PyTorch needs about 35 s for the default workload on 2 threads of this machine).
    t_train = scale * (60 + 0.75 * (train_eps + WARMUP))
    t_eval = scale * (60 + 0.25 * eval_eps)
    t_torch = scale * (60 + 0.75 * (train_eps + WARMUP) + 0.25 * eval_eps)
    t_build = scale * 900

    env = dict(os.environ)
    env.update({
        "DOTNET_CLI_TELEMETRY_OPTOUT": "1",
        "DOTNET_NOLOGO": "1",
        "DOTNET_SKIP_FIRST_TIME_EXPERIENCE": "1",
        "OMP_NUM_THREADS": str(threads),
        "MKL_NUM_THREADS": str(threads),
        "METANLP_DATA": data_dir,
    })

    workload = {
        "dataset": "huffpost (Bao split: train classes 0-19, test 25-40)",
        "algo": "protonet", "encoder": "kim-cnn (embedding V x 300 random, conv 3x100 k=3,4,5, relu, max-pool)",
        "ways": WAYS, "shots": SHOTS, "queries": QUERIES, "texts_per_episode": WAYS * (SHOTS + QUERIES),
        "max_tokens": 128, "optimizer": "adam lr 1e-3, one episode per step",
        "warmup_episodes": WARMUP, "train_episodes": train_eps, "eval_episodes": eval_eps, "seed": seed,
    }
    load_before = os.getloadavg()[0]
    if load_before > 0.5 * (os.cpu_count() or 1):
        err(f"warning: 1-minute load average is {load_before:.2f} on {os.cpu_count()} cpus before the run: "
            f"other work on this machine will distort both sides' speeds")
    log(f"protonet-peer: HuffPost 5-way 5-shot 25 queries, {train_eps} train + {eval_eps} eval episodes, "
        f"{threads} threads, seed {seed}, data {data_dir}")

    # ---- MetaNlp: build ----
    metanlp_cmd_override = os.environ.get("METANLP_CMD", "").strip()
    if metanlp_cmd_override:
        metanlp = shlex.split(metanlp_cmd_override)
        err(f"METANLP_CMD set: using {metanlp} and skipping the build (driver testing only)")
    else:
        if shutil.which("dotnet") is None:
            sys.exit("[protonet-peer] dotnet not found on PATH (the .NET 10 SDK is needed)")
        log("building MetaNlp (dotnet build -c Release src/MetaNlp.Cli) ...")
        rc, so, se, secs, _, to = run_child(
            ["dotnet", "build", "-c", "Release", "src/MetaNlp.Cli", "-nologo", "-v", "q"], t_build, env)
        if rc != 0:
            fail("MetaNlp", "build", rc, so, se, to, t_build)
        if not os.path.isfile(DLL):
            sys.exit(f"[protonet-peer] build succeeded but {DLL} is missing")
        log(f"  built in {secs:.0f}s")
        metanlp = ["dotnet", DLL]

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
            "--max-episodes", str(train_eps), "--val-every", "0", "--threads", str(threads),
            "--seed", str(seed), "--out", tmp, "--json"], t_train, ["episodes_per_second"])
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
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "machine": machine(),
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
