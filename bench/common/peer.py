"""Driver helpers shared by the peer benchmarks (bench/*-peer/run.py): MetaNlp and a plain-PyTorch script run
side by side, each as a child process bounded by a timeout, their peak RSS measured the same way.

    import sys, os
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "common"))
    import peer
    peer.setup("my-peer")          # the prefix of messages and errors; exits on SIGTERM (children are killed)

Nothing here depends on torch, so the driver starts even where python3-torch is missing.
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

COMMON = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(COMMON))
DLL = os.path.join(REPO, "src", "MetaNlp.Cli", "bin", "Release", "net10.0", "MetaNlp.Cli.dll")
PYTHON = "/usr/bin/python3"

NAME = "peer"


def _on_sigterm(signum, frame):
    raise SystemExit(143)


def setup(name):
    """Names the benchmark in messages and turns SIGTERM into SystemExit, so run_child kills its child."""
    global NAME
    NAME = name
    signal.signal(signal.SIGTERM, _on_sigterm)


def log(msg=""):
    print(msg, flush=True)


def err(msg):
    print(f"[{NAME}] {msg}", file=sys.stderr, flush=True)


def die(msg):
    sys.exit(f"[{NAME}] {msg}")


def env_int(name, default):
    v = os.environ.get(name, "").strip()
    if not v:
        return default
    try:
        n = int(v)
    except ValueError:
        die(f"{name}={v!r} is not an integer")
    if n < 0:
        die(f"{name} must not be negative")
    return n


def timeout_scale():
    """TIMEOUT_SCALE (default 1.0): multiplies every child's time limit."""
    v = os.environ.get("TIMEOUT_SCALE", "").strip()
    try:
        scale = float(v) if v else 1.0
    except ValueError:
        die("TIMEOUT_SCALE must be a number")
    if not scale > 0:
        die("TIMEOUT_SCALE must be positive")
    return scale


def data_dir_from_args(doc):
    """The data folder: first argument, --data-dir, METANLP_DATA, else ../shared/datasets next to the repository.
    Exits when huffpost_bao/huffpost.json is not in it."""
    p = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("data_dir_pos", nargs="?", default=None, metavar="DATA_DIR")
    p.add_argument("--data-dir", default=None)
    args = p.parse_args()
    data_dir = (args.data_dir or args.data_dir_pos or os.environ.get("METANLP_DATA")
                or os.path.join(REPO, "..", "shared", "datasets"))
    data_dir = os.path.abspath(data_dir)
    data_file = os.path.join(data_dir, "huffpost_bao", "huffpost.json")
    if not os.path.isfile(data_file):
        die(f"HuffPost data not found: {data_file} (give the data dir as first argument, --data-dir, or METANLP_DATA)")
    return data_dir


def child_env(threads, data_dir):
    """The environment of every child: quiet dotnet, the thread count for OpenMP/MKL, the data folder."""
    env = dict(os.environ)
    env.update({
        "DOTNET_CLI_TELEMETRY_OPTOUT": "1",
        "DOTNET_NOLOGO": "1",
        "DOTNET_SKIP_FIRST_TIME_EXPERIENCE": "1",
        "OMP_NUM_THREADS": str(threads),
        "MKL_NUM_THREADS": str(threads),
        "METANLP_DATA": data_dir,
    })
    return env


def warn_if_busy():
    """The 1-minute load average now; warns when other work would distort the speeds."""
    load = os.getloadavg()[0]
    if load > 0.5 * (os.cpu_count() or 1):
        err(f"warning: 1-minute load average is {load:.2f} on {os.cpu_count()} cpus before the run: "
            f"other work on this machine will distort both sides' speeds")
    return load


def _killpg(pgid, sig):
    try:
        os.killpg(pgid, sig)  # the child's own session/process group (start_new_session)
    except ProcessLookupError:
        pass


def run_child(cmd, timeout_s, env, cwd=REPO):
    """Runs cmd with stdout/stderr to files; returns (rc, stdout, stderr, seconds, peak_rss_mb, timed_out).

    Peak RSS is ru_maxrss from os.wait4 on the child (KiB on Linux): the largest resident set of the child
    and of any descendants it waited for. Same method for every side. rc 124 means the time limit struck."""
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
    """Reports a failed child with the end of its output, and exits 1."""
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
    """The first of keys whose value is a number, as float; else None."""
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


def utc_now():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def build_metanlp(env, timeout_s):
    """Builds src/MetaNlp.Cli in Release and returns the command prefix ["dotnet", DLL].

    Driver testing only: METANLP_CMD replaces "dotnet <dll>" (shell-split) and skips the build. Returns
    (command, override or None)."""
    override = os.environ.get("METANLP_CMD", "").strip()
    if override:
        cmd = shlex.split(override)
        err(f"METANLP_CMD set: using {cmd} and skipping the build (driver testing only)")
        return cmd, override
    if shutil.which("dotnet") is None:
        die("dotnet not found on PATH (the .NET 10 SDK is needed)")
    log("building MetaNlp (dotnet build -c Release src/MetaNlp.Cli) ...")
    rc, so, se, secs, _, to = run_child(
        ["dotnet", "build", "-c", "Release", "src/MetaNlp.Cli", "-nologo", "-v", "q"], timeout_s, env)
    if rc != 0:
        fail("MetaNlp", "build", rc, so, se, to, timeout_s)
    if not os.path.isfile(DLL):
        die(f"build succeeded but {DLL} is missing")
    log(f"  built in {secs:.0f}s")
    return ["dotnet", DLL], None
