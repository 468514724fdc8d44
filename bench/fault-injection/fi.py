"""Fault injection against the `metanlp` command and service (issue 19): kill -9 during training and checkpoint
writes, corrupted / truncated / foreign versions of every file kind the project reads, a seeded fuzzer over CLI
options and HTTP request bodies, and kill -9 of the server under a write load with a check of every acknowledged
write. Everything is seeded (--seed); --rounds scales how much is tried. Prints one line per finding and per phase
and, last, one JSON object with the figures. Only the standard library."""
import argparse
import datetime
import http.client
import json
import os
import platform
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse

A = None            # parsed arguments
RNG = None          # the seeded generator
CLI = None          # ["dotnet", DLL]
WORK = None
FAILURES = []       # one dict per failure found: phase, what, outcome, repro


def log(*parts):
    print(*parts, flush=True)


# ---------------------------------------------------------------- running the command and judging the outcome

STACK = re.compile(r"^\s+at \S+.*\(|^\s+at \S+\.\S+", re.M)


def run_cli(args, timeout=60, stdin=None, env=None):
    """(rc, stdout, stderr, seconds); rc is None on timeout (the process group is killed)."""
    start = time.monotonic()
    p = subprocess.Popen(CLI + args, stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, start_new_session=True)
    try:
        out, err = p.communicate(input=stdin.encode() if stdin is not None else None, timeout=timeout)
        rc = p.returncode
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        out, err = p.communicate()
        rc = None
    return rc, out.decode("utf-8", "replace"), err.decode("utf-8", "replace"), time.monotonic() - start


def judge(rc, out, err, names=()):
    """crash: a signal or an exit >= 128 (abort 134, segfault 139) or an unhandled-exception stack trace;
    hang: past the time limit; clean: exit 2 with one error line (naming one of `names`, when given: else clean_other,
    a one-line error about the content, such as a class name the damage changed); unclean: another non-zero exit,
    or several error lines; ok: exit 0. Informational lines (note:, warning:, "Resuming the run ...") are allowed."""
    text = out + "\n" + err
    if rc is None:
        return "hang"
    if rc < 0 or rc >= 128:
        return "crash"
    if STACK.search(text) or "Unhandled exception" in text:
        return "crash"
    if rc == 0:
        return "ok"
    lines = [l for l in err.strip().splitlines() if l.strip()]
    errors = [l for l in lines if l.lower().startswith("error")]
    if rc == 2 and len(errors) == 1 and len(lines) <= 3:
        if names and not any(n in errors[0] for n in names):
            return "clean_other"
        return "clean"
    return "unclean"


def short(err, n=220):
    lines = [l for l in err.strip().splitlines() if l.strip() and not l.startswith("note:")]
    s = " | ".join(lines[:3])
    return s[:n] + ("..." if len(s) > n else "")


def fail(phase, what, outcome, repro, detail=""):
    FAILURES.append({"phase": phase, "what": what, "outcome": outcome, "repro": repro, "detail": detail})
    log(f"  FAILURE [{phase}] {what}: {outcome} {detail[:300]}")


# ---------------------------------------------------------------- phase 1: kill -9 during training and checkpoint writes

def train_args(out, extra=()):
    """A small, fast run: 3-way 2-shot CNN ProtoNet on samples/intents.csv, a checkpoint every 5 episodes."""
    return ["train", "--dataset-file", A.csv, "--split", A.split, "--algo", "protonet", "--encoder", "cnn", "--filters", "16",
            "--embedding-dim", "32", "--ways", "3", "--shots", "2", "--queries", "2", "--max-episodes", str(A.episodes),
            "--val-every", "100", "--val-episodes", "10", "--patience", "1000", "--checkpoint-every", "5", "--threads", "1",
            "--seed", str(A.seed), "--out", out, "--json", *extra]


def tmp_files(folder):
    return sorted(f for f in os.listdir(folder) if f.endswith(".tmp")) if os.path.isdir(folder) else []


def predictions(model):
    rc, out, err, _ = run_cli(["predict", "--model", model, "--support", A.support, "--threads", "1", "--json",
                               "--text", "pay my gas bill", "--text", "say it in german", "--text", "where can I leave the car"])
    return rc, out, err


def history_of(out):
    try:
        return json.loads(out.strip().splitlines()[-1])["history"]
    except Exception:
        return None


TRAIN_CONFIGS = [("no dropout", ["--dropout", "0", "--word-dropout", "0"]), ("recipe dropouts", [])]


def phase_train():
    log("== training: kill -9 at random points and during checkpoint writes, then --resume")
    out = {}
    for name, extra in TRAIN_CONFIGS:
        out[name] = train_config(name, extra)
    return out


def train_config(config, extra):
    log(f"  -- {config} ({' '.join(extra) or 'the recipe: dropout and word dropout 0.2'})")
    stats = {"runs": 0, "kills": 0, "kills_at_first_model": 0, "kills_during_checkpoint_write": 0, "resumes": 0, "resumes_ok": 0, "resumes_refused": 0, "workaround_model_removed": 0, "crashes": 0,
             "stale_tmp_after_finish": 0, "checkpoint_loads": 0, "checkpoint_load_failures": 0,
             "history_equal": 0, "history_different": 0, "predictions_equal": 0, "predictions_different": 0}
    base = os.path.join(WORK, "train-base-" + str(len(extra)))
    t0 = time.monotonic()
    rc, out, err, secs = run_cli(train_args(base, extra), timeout=600)
    if rc != 0:
        fail("train", "uninterrupted run", judge(rc, out, err), " ".join(train_args("OUT", extra)), short(err))
        return stats
    base_hist = history_of(out)
    _, base_pred, _ = predictions(os.path.join(base, "model.ckpt"))
    base_pred = json.loads(base_pred)["predictions"] if base_pred.strip() else None
    log(f"  uninterrupted run: {secs:.1f} s, {len(base_hist)} validations")
    A.model = A.model or os.path.join(base, "model.ckpt")
    for r in range(A.train_runs):
        stats["runs"] += 1
        folder = os.path.join(WORK, f"train-kill-{len(extra)}-{r}")
        for k in range(A.kills):
            args = train_args(folder, extra) + (["--resume"] if k > 0 else [])
            p = subprocess.Popen(CLI + args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
            # start 0: killed the moment the first model.ckpt shows (the validation of the starting weights saves it,
            # before the first train-state.ckpt); then alternately at a random time and inside a checkpoint write
            during_write = k % 2 == 0 and k > 0
            seen = False
            if k == 0:
                model = os.path.join(folder, "model.ckpt")
                deadline = time.monotonic() + secs * 2 + 10
                while time.monotonic() < deadline and p.poll() is None and not os.path.exists(model):
                    time.sleep(0.0005)
                stats["kills_at_first_model"] += p.poll() is None
            elif during_write:   # kill as soon as a checkpoint's temporary file shows: inside a write
                deadline = time.monotonic() + secs * 2 + 10
                while time.monotonic() < deadline and p.poll() is None:
                    if tmp_files(folder):
                        seen = True
                        break
                    time.sleep(0.0005)
                if not seen:
                    time.sleep(RNG.uniform(0.2, secs))
            else:
                time.sleep(RNG.uniform(0.3, secs * 1.05))
            finished = p.poll() is not None
            if not finished:
                os.killpg(p.pid, signal.SIGKILL)
                stats["kills"] += 1
                if during_write and seen:
                    stats["kills_during_checkpoint_write"] += 1
            p.wait()
            err = p.stderr.read().decode("utf-8", "replace")
            if k > 0:
                stats["resumes"] += 1
                if finished and p.returncode != 0:
                    stats["crashes"] += judge(p.returncode, "", err) == "crash"
                    stats["resumes_refused"] += 1
                    fail("train", f"resume after kill (run {r}, start {k}, {config})", f"exit {p.returncode}",
                         " ".join(args).replace(WORK, "$WORK"), short(err).replace(WORK, "$WORK"))
                    if "already holds a training run" in err and not os.path.exists(os.path.join(folder, "train-state.ckpt")):
                        # killed after the first model.ckpt and before the first train-state.ckpt: neither --resume nor
                        # a new run accepts the folder. A user's way out: remove the model and start again.
                        os.remove(os.path.join(folder, "model.ckpt"))
                        stats["workaround_model_removed"] += 1
                        finished = False
                else:
                    stats["resumes_ok"] += 1   # finished with exit 0, or still running when killed
            model = os.path.join(folder, "model.ckpt")
            if os.path.exists(model):
                stats["checkpoint_loads"] += 1
                rc, _, perr = predictions(model)
                if rc != 0:
                    stats["checkpoint_load_failures"] += 1
                    fail("train", f"model.ckpt after a kill (run {r}, start {k})", judge(rc, "", perr, ("model.ckpt",)),
                         f"metanlp predict --model {model} --support samples/support.csv --text x", short(perr))
            if finished:
                break
        # to the end
        args = train_args(folder, extra) + ["--resume"]
        rc, out, err, _ = run_cli(args, timeout=900)
        stats["resumes"] += 1
        if rc != 0:
            stats["crashes"] += judge(rc, out, err) == "crash"
            fail("train", f"final resume (run {r})", judge(rc, out, err), " ".join(args).replace(WORK, "$WORK"), short(err))
            continue
        stats["resumes_ok"] += 1
        left = tmp_files(folder)
        if left:
            stats["stale_tmp_after_finish"] += len(left)
            fail("train", f"temporary files after the finished run {r}", "stale .tmp", "", ", ".join(left))
        hist = history_of(out)
        if hist == base_hist:
            stats["history_equal"] += 1
        else:
            stats["history_different"] += 1
            diff = [(a, b) for a, b in zip(hist or [], base_hist) if a != b][:2]
            fail("train", f"history after kills (run {r}, {config})", "differs from the uninterrupted run", " ".join(args),
                 f"{len(hist or [])} vs {len(base_hist)} validations; first differences {diff}")
        rc, p2, perr = predictions(os.path.join(folder, "model.ckpt"))
        stats["checkpoint_loads"] += 1
        if rc != 0:
            stats["checkpoint_load_failures"] += 1
        elif base_pred is not None and json.loads(p2)["predictions"] == base_pred:
            stats["predictions_equal"] += 1
        else:
            stats["predictions_different"] += 1
            fail("train", f"predictions of the resumed model (run {r}, {config})", "differ from the uninterrupted run's", "")
        rc, out, err, _ = run_cli(["eval", "--model", os.path.join(folder, "model.ckpt"), "--dataset-file", A.csv, "--split", A.split,
                                   "--episodes", "20", "--threads", "1", "--json"], timeout=300)
        stats["checkpoint_loads"] += 1
        if rc != 0:
            stats["checkpoint_load_failures"] += 1
            fail("train", f"eval of the resumed model (run {r})", judge(rc, out, err), "metanlp eval --model ...", short(err))
        shutil.rmtree(folder, ignore_errors=True)
        log(f"  run {r}: {stats}")
    stats["seconds"] = round(time.monotonic() - t0, 1)
    return stats


# ---------------------------------------------------------------- phase 2: damaged, truncated and foreign files

PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6300010000050001"
                    "0d0a2db40000000049454e44ae426082")


def mutations(data, text_kind):
    """(name, bytes or None for a directory) for one valid file's content."""
    n = len(data)
    out = [("zero-length", b""), ("truncated-half", data[: n // 2]), ("truncated-tail", data[: max(0, n - RNG.randint(1, 64))]),
           ("random-bytes", bytes(RNG.getrandbits(8) for _ in range(min(n, 65536)))), ("png", PNG),
           ("foreign-json", b'{"model": [1, 2, 3], "weights": {"a": null}, "train": 5}\n'), ("directory", None)]
    for i in range(A.bitflips):
        b = bytearray(data)
        pos = RNG.randrange(n)
        b[pos] ^= 1 << RNG.randrange(8)
        out.append((f"bitflip@{pos}", bytes(b)))
    b = bytearray(data)
    pos = RNG.randrange(max(1, n - 2000))
    b[pos:pos + 2000] = bytes(RNG.getrandbits(8) for _ in range(len(b[pos:pos + 2000])))
    out.append((f"overwrite-2000@{pos}", bytes(b)))
    if text_kind:
        try:
            out.append(("utf16", data.decode("utf-8").encode("utf-16")))
        except UnicodeDecodeError:
            pass
        out.append(("latin1-junk", data[: n // 3] + "caf\u00e9 \u00e9t\u00e9".encode("latin-1") + data[n // 3:]))
        out.append(("nul-bytes", data[: n // 2] + b"\x00" * 64 + data[n // 2:]))
    return out


def still_text(content):
    try:
        content.decode("utf-8")
        return b"\x00" not in content
    except UnicodeDecodeError:
        return False


def place(path, content):
    if os.path.isdir(path):
        shutil.rmtree(path)
    elif os.path.exists(path):
        os.remove(path)
    if content is None:
        os.makedirs(path)
    else:
        with open(path, "wb") as f:
            f.write(content)


def file_kinds():
    """(kind, valid file, path the command reads, command builder, text kind, folder to copy fresh per try)."""
    d = os.path.join(WORK, "files")
    os.makedirs(d, exist_ok=True)
    rows = []
    with open(A.csv, encoding="utf-8") as f:
        import csv
        rows = list(csv.DictReader(f))
    jsonl = os.path.join(d, "intents.jsonl")
    with open(jsonl, "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps({"text": r["text"], "label": r["label"]}) + "\n")
    split = json.load(open(A.split))
    split_lines = os.path.join(d, "split.txt")
    with open(split_lines, "w") as f:
        for k in ("train", "val", "test"):
            f.write(f"{k}: {', '.join(split[k])}\n")
    ev = ["--algo", "protonet", "--encoder", "boe", "--embedding-dim", "32", "--episodes", "5", "--ways", "3", "--shots", "2",
          "--queries", "2", "--threads", "1", "--json"]
    kinds = [
        ("model.ckpt", A.model, True, False, lambda p: ["predict", "--model", p, "--support", A.support, "--text", "pay my bill", "--threads", "1", "--json"]),
        ("train-state.ckpt", None, True, False, None),   # filled below: a killed run's state, read by --resume
        ("dataset CSV", A.csv, True, True, lambda p: ["eval", "--dataset-file", p, "--split", A.split] + ev),
        ("dataset JSONL", jsonl, True, True, lambda p: ["eval", "--dataset-file", p, "--format", "jsonl", "--split", A.split] + ev),
        ("split JSON", A.split, True, True, lambda p: ["eval", "--dataset-file", A.csv, "--split", p] + ev),
        ("split lines", split_lines, True, True, lambda p: ["eval", "--dataset-file", A.csv, "--split", p] + ev),
        ("support CSV (predict)", A.support, True, True, lambda p: ["predict", "--model", A.model, "--support", p, "--text", "pay my bill", "--threads", "1", "--json"]),
    ]
    # registry datasets read from the data folder: a copy of each in a private data folder
    data = os.path.join(d, "data")
    for name, folder, main in (("fewrel", "fewrel", "val_wiki.json"), ("huffpost", "huffpost_bao", "huffpost.json")):
        src = os.path.join(A.data, folder)
        if os.path.isdir(src):
            shutil.copytree(src, os.path.join(data, folder), dirs_exist_ok=True)
            kinds.append((f"registry {name} ({main})", os.path.join(data, folder, main), True, True,
                          lambda p, name=name: ["eval", "--dataset", name, "--data-dir", data] + ev))
    return kinds


def killed_state():
    """A run folder holding a killed run's train-state.ckpt (no temporary files)."""
    folder = os.path.join(WORK, "files", "state-run")
    p = subprocess.Popen(CLI + train_args(folder), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    state = os.path.join(folder, "train-state.ckpt")
    while p.poll() is None and not os.path.exists(state):
        time.sleep(0.01)
    time.sleep(0.3)
    if p.poll() is None:
        os.killpg(p.pid, signal.SIGKILL)
    p.wait()
    for t in tmp_files(folder):
        os.remove(os.path.join(folder, t))
    return folder


def phase_files():
    log("== files: truncated, bit-flipped, zero-length, random, foreign versions of every file kind read")
    t0 = time.monotonic()
    per_kind = {}
    state_folder = killed_state()
    for kind, valid, _, text_kind, command in file_kinds() + [("train-state.ckpt", os.path.join(state_folder, "train-state.ckpt"), True, False, None)]:
        if valid is None:
            continue
        data = open(valid, "rb").read()
        s = per_kind.setdefault(kind, {"tried": 0, "clean": 0, "clean_other": 0, "ok": 0, "ok_still_valid_text": 0, "ok_utf16_bom": 0,
                                       "ok_registry_lenient_utf8": 0, "crash": 0, "hang": 0, "unclean": 0})
        for name, content in mutations(data, text_kind):
            if kind == "train-state.ckpt":
                folder = os.path.join(WORK, "files", "state-try")
                shutil.rmtree(folder, ignore_errors=True)
                shutil.copytree(state_folder, folder)
                target = os.path.join(folder, "train-state.ckpt")
                place(target, content)
                args = train_args(folder) + ["--resume"]
            elif kind.startswith("registry"):
                target = valid                       # the private data folder's copy, put back after the try
                place(target, content)
                args = command(target)
            else:
                target = os.path.join(WORK, "files", "try", os.path.basename(valid))
                os.makedirs(os.path.dirname(target), exist_ok=True)
                place(target, content)
                args = command(target)
            rc, out, err, _ = run_cli(args, timeout=A.file_timeout)
            if kind.startswith("registry"):
                place(valid, data)
            verdict = judge(rc, out, err, (os.path.basename(target), target))
            s["tried"] += 1
            if verdict == "ok" and content is not None and text_kind:
                if still_text(content):
                    verdict = "ok_still_valid_text"      # the damage left valid UTF-8 text: a different, valid file
                elif name == "utf16":
                    verdict = "ok_utf16_bom"             # a byte-order mark: .NET reads UTF-16 correctly
                elif kind.startswith("registry"):
                    verdict = "ok_registry_lenient_utf8"  # registry files: invalid bytes become U+FFFD (DatasetFiles.ReadLines)
            s[verdict] += 1
            if verdict.startswith("ok_"):
                s.setdefault("exit_0", []).append(f"{name}: {verdict[3:]}")
            if verdict in ("crash", "hang", "unclean", "ok"):
                fail("files", f"{kind}: {name}", f"{verdict} (exit {rc})", "metanlp " + " ".join(args).replace(WORK, "$WORK"), short(err or out))
        log(f"  {kind}: {s}")
    per_kind["model.ckpt (serve --model)"] = phase_serve_model()
    per_kind["service database (serve --db)"] = phase_database()
    return {"per_kind": per_kind, "seconds": round(time.monotonic() - t0, 1)}


# ---------------------------------------------------------------- the service

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


SERVERS = []


class Server:
    def __init__(self, db, model=None, extra=()):
        SERVERS.append(self)
        self.port = free_port()
        self.db = db
        env = dict(os.environ, METANLP_API_KEYS="fi-key")
        self.log_path = db + f".{self.port}.log"
        self.log = open(self.log_path, "wb")
        self.p = subprocess.Popen(CLI + ["serve", "--urls", f"http://127.0.0.1:{self.port}", "--db", db, "--model", f"base={model or A.model}",
                                         "--threads", "1", "--rate-limit", "0", *extra],
                                  stdout=self.log, stderr=subprocess.STDOUT, env=env, start_new_session=True)

    def wait(self, seconds=90):
        """True when /health answers; False when the process ended first."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.p.poll() is not None:
                return False
            try:
                c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                c.request("GET", "/health")
                c.getresponse().read()
                return True
            except OSError:
                time.sleep(0.2)
        return False

    def output(self):
        self.log.flush()
        return open(self.log_path, encoding="utf-8", errors="replace").read()

    def kill(self, sig=signal.SIGKILL):
        if self.p.poll() is None:
            os.killpg(self.p.pid, sig)
        try:
            self.p.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.p.pid, signal.SIGKILL)
            self.p.wait()
        self.log.close()


def call(port, method, path, body=None, key="fi-key", raw=None, ctype="application/json", timeout=60):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    headers = {}
    if ctype:
        headers["Content-Type"] = ctype
    if key:
        headers["X-Api-Key"] = key
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    c.request(method, path, body=data, headers=headers)
    r = c.getresponse()
    content = r.read()
    c.close()
    return r.status, content


SUPPORT = [{"text": "pay my electricity bill", "label": "bill"}, {"text": "can you pay the phone bill", "label": "bill"},
           {"text": "switch the language to spanish", "label": "language"}, {"text": "talk to me in french", "label": "language"}]


def phase_serve_model():
    """Damaged base-model checkpoints given to `serve --model`: the start must stop with one line naming the file."""
    s = {"tried": 0, "clean": 0, "clean_other": 0, "ok": 0, "crash": 0, "hang": 0, "unclean": 0, "5xx": 0}
    d = os.path.join(WORK, "serve-model")
    os.makedirs(d, exist_ok=True)
    data = open(A.model, "rb").read()
    for name, content in mutations(data, False):
        target = os.path.join(d, "model.ckpt")
        place(target, content)
        db = os.path.join(d, f"s{s['tried']}.db")
        srv = Server(db, model=target)
        started = srv.wait(60)
        s["tried"] += 1
        repro = f"metanlp serve --db x.db --model base=DAMAGED.ckpt  # {name} of a trained model.ckpt"
        if not started:
            rc = srv.p.poll()
            out = srv.output()
            srv.kill()
            verdict = judge(rc, "", out, ("model.ckpt",))
            s[verdict] += 1
            if verdict not in ("clean", "clean_other"):
                fail("files", f"model.ckpt (serve --model): {name}", f"{verdict} (exit {rc})", repro, short(out))
            continue
        st, body = call(srv.port, "POST", "/api/classifiers", {"name": "m", "examples": SUPPORT})
        srv.kill()
        s["ok"] += 1
        if st >= 500:
            s["5xx"] += 1
        fail("files", f"model.ckpt (serve --model): {name}", f"the server started on a damaged checkpoint (create answered {st})", repro)
    log(f"  model.ckpt (serve --model): {s}")
    return s


def phase_database():
    log("== files: the service's SQLite database")
    s = {"tried": 0, "clean": 0, "ok": 0, "ok_data_intact": 0, "ok_empty_file_is_new_db": 0, "crash": 0, "hang": 0, "unclean": 0, "5xx": 0}
    d = os.path.join(WORK, "db")
    os.makedirs(d, exist_ok=True)
    valid = os.path.join(d, "valid.db")
    srv = Server(valid)
    if not srv.wait():
        fail("files", "service database: making the valid database", "server did not start", "", srv.output()[-400:])
        srv.kill()
        return s
    ids = []
    for i in range(3):
        st, body = call(srv.port, "POST", "/api/classifiers", {"name": f"db-{i}", "examples": SUPPORT + [{"text": f"extra text {i} " * 20, "label": "bill"}]})
        ids.append(json.loads(body)["id"])
    srv.kill(signal.SIGTERM)    # a clean stop: the WAL is checkpointed into the file
    for extra in ("-wal", "-shm"):
        if os.path.exists(valid + extra):
            os.remove(valid + extra)
    data = open(valid, "rb").read()
    for name, content in mutations(data, False):
        target = os.path.join(d, "try.db")
        for extra in ("", "-wal", "-shm"):
            if os.path.isdir(target + extra):
                shutil.rmtree(target + extra)
            elif os.path.exists(target + extra):
                os.remove(target + extra)
        place(target, content)
        srv = Server(target)
        started = srv.wait(60)
        s["tried"] += 1
        repro = f"metanlp serve --db DAMAGED.db --model base=MODEL  # {name} of a database with 3 classifiers"
        if not started:
            rc = srv.p.poll()
            out = srv.output()
            srv.kill()
            verdict = judge(rc, "", out, ("try.db",))
            s[verdict] += 1
            if verdict != "clean":
                fail("files", f"service database: {name}", f"{verdict} (exit {rc})", repro, short(out))
            continue
        # it started: every read must be a 2xx/4xx and the data must be the data written
        statuses = []
        intact = True
        try:
            st, body = call(srv.port, "GET", "/api/classifiers?limit=1000")
            statuses.append(st)
            listed = [c["id"] for c in json.loads(body)] if st == 200 else []
            for cid in ids:
                st, body = call(srv.port, "GET", f"/api/classifiers/{cid}")
                statuses.append(st)
                intact &= st == 200
                st, body = call(srv.port, "POST", f"/api/classifiers/{cid}/classify", {"texts": ["pay it"]})
                statuses.append(st)
            st, _ = call(srv.port, "POST", "/api/classifiers", {"name": "after", "examples": SUPPORT})
            statuses.append(st)
            intact &= sorted(listed) == sorted(ids)
        except (OSError, http.client.HTTPException) as e:
            statuses.append(repr(e))
        srv.kill()
        fives = [x for x in statuses if not isinstance(x, int) or x >= 500]
        s["5xx"] += len(fives)
        if fives:
            s["unclean"] += 1
            fail("files", f"service database: {name}", f"started, then {fives}", repro)
        elif intact:
            s["ok_data_intact"] += 1                # the damage hit unused bytes: integrity check passed, every row read back
        elif name == "zero-length" and statuses[:1] == [200] and all(x == 404 for x in statuses[1:-1]):
            s["ok_empty_file_is_new_db"] += 1       # SQLite reads an empty file as a new, empty database
        else:
            s["ok"] += 1
            fail("files", f"service database: {name}", "started on a damaged file and answered with data that differs", repro, str(statuses))
    log(f"  service database: {s}")
    return s


# ---------------------------------------------------------------- phase 3: CLI option fuzzer

VALUES = ["-1", "0", "1", "-0", "2147483647", "2147483648", "-2147483648", "9223372036854775807", "99999999999999999999",
          "NaN", "nan", "Infinity", "-Infinity", "1e308", "1e-320", "-1e-9", "", " ", "abc", "\u0661\u0662", "\U0001F4A5",
          "0x10", " 5", "5 ", "1,000", "1_000", "3.5", "--", "-", "\u00a0", "\u200b", "null", "true", "../../etc/passwd",
          "/dev/null", "/", "x" * 5000, "\x01"]
NUMERIC = ["--ways", "--shots", "--queries", "--max-episodes", "--meta-batch", "--lr", "--inner-lr", "--inner-steps",
           "--test-inner-steps", "--embedding-dim", "--filters", "--hidden-size", "--layers", "--heads", "--dropout",
           "--word-dropout", "--cosine-scale", "--weight-decay", "--clip-grad", "--val-every", "--val-episodes", "--patience",
           "--checkpoint-every", "--contrastive-epochs", "--contrastive-lr", "--seed", "--threads", "--entity-positions",
           "--routing-iterations", "--hidden-cache-mb", "--split-index", "--finetune-layers"]
CHOICE = ["--encoder", "--algo", "--distance", "--format", "--text-column", "--label-column", "--pooling", "--tokenizer",
          "--embeddings", "--inner-optimizer", "--outer-optimizer", "--siamese-loss", "--relation-loss", "--classes",
          "--dataset", "--dataset-file", "--split", "--train-classes", "--data-dir", "--init-model", "--episodes"]
FLAGS = ["--resume", "--first-order", "--fce", "--freeze-embeddings", "--skip-small-classes", "--json", "--hidden-cache-float16"]


def base_command(cmd, out):
    data = ["--dataset-file", A.csv, "--split", A.split, "--encoder", "boe", "--embedding-dim", "16", "--ways", "3", "--shots", "2",
            "--queries", "2", "--threads", "1"]
    if cmd == "train":
        return ["train"] + data + ["--algo", "protonet", "--max-episodes", "20", "--val-every", "10", "--val-episodes", "5", "--out", out]
    if cmd == "eval":
        return ["eval"] + data + ["--algo", "protonet", "--episodes", "5"]
    return ["predict", "--model", A.model, "--support", A.support, "--threads", "1", "--text", "pay my bill"]


def phase_cli():
    log("== CLI option fuzzer")
    t0 = time.monotonic()
    s = {"tried": 0, "ok": 0, "clean": 0, "clean_other": 0, "crash": 0, "hang": 0, "unclean": 0}
    for i in range(A.cli_cases):
        cmd = RNG.choice(["train", "eval", "predict"])
        out = os.path.join(WORK, "cli", f"run-{i}")
        args = base_command(cmd, out)
        for _ in range(RNG.randint(1, 3)):
            roll = RNG.random()
            if cmd == "predict":
                opt = RNG.choice(["--model", "--support", "--text", "--threads", "--json", "--bogus"])
            elif roll < 0.6:
                opt = RNG.choice(NUMERIC)
            elif roll < 0.9:
                opt = RNG.choice(CHOICE)
            else:
                opt = RNG.choice(FLAGS + ["--bogus", "-x"])
            how = RNG.random()
            if opt in FLAGS or opt == "--json":
                args.append(opt) if how < 0.8 else args.extend([opt, RNG.choice(VALUES)])
            elif how < 0.08:
                args.append(opt)                     # the value left out (last on the line)
                break
            else:
                args.extend([opt, RNG.choice(VALUES)])
        rc, o, e, secs = run_cli(args, timeout=A.cli_timeout, stdin="" if cmd == "predict" else None)
        verdict = judge(rc, o, e)
        s["tried"] += 1
        s[verdict] += 1
        shown = " ".join(repr(a) if (not a or any(c.isspace() or ord(c) < 32 or ord(c) > 126 for c in a) or len(a) > 60) and not a.startswith("/") else a for a in args)
        shown = shown.replace(WORK, "$WORK").replace(A.root + "/", "")
        if verdict in ("crash", "unclean"):
            fail("cli", f"{cmd} fuzz case {i}", f"{verdict} (exit {rc})", "metanlp " + shown[:600], short(e or o))
        elif verdict == "hang":
            log(f"  case {i}: ran past {A.cli_timeout} s (killed; long work accepted, not counted as a crash): metanlp {shown[:300]}")
        shutil.rmtree(out, ignore_errors=True)
    s["seconds"] = round(time.monotonic() - t0, 1)
    log(f"  CLI: {s}")
    return s


# ---------------------------------------------------------------- phase 4: HTTP body fuzzer

def random_json(depth=0):
    r = RNG.random()
    if depth > 3 or r < 0.35:
        return RNG.choice([None, True, False, 0, -1, 2 ** 63, 1e308, -0.0, 3.5, "", " ", "x", "\u200b", "\U0001F4A5" * 3,
                           "a" * RNG.choice([10, 2001, 70000]), "\ud800"[:0] + "\\ud800", "'; DROP TABLE classifiers; --", "NaN"])
    if r < 0.65:
        return [random_json(depth + 1) for _ in range(RNG.randint(0, 5))]
    keys = ["name", "examples", "text", "label", "texts", "add", "remove", "threshold", "baseModel", "top", "zzz", ""]
    return {RNG.choice(keys): random_json(depth + 1) for _ in range(RNG.randint(0, 5))}


def mutate_valid(kind, cid):
    body = {"create": {"name": "n", "threshold": 0.5, "examples": list(SUPPORT)},
            "patch": {"add": [{"text": "new one", "label": "bill"}], "remove": []},
            "classify": {"texts": ["pay my bill", "in french please"]},
            "explain": {"text": "pay my bill", "top": 3}}[kind]
    body = json.loads(json.dumps(body))
    for _ in range(RNG.randint(1, 3)):
        target = body
        path = list(body.keys())
        k = RNG.choice(path)
        v = target[k]
        if isinstance(v, list) and v and RNG.random() < 0.6:
            j = RNG.randrange(len(v))
            if isinstance(v[j], dict) and RNG.random() < 0.7:
                v[j][RNG.choice(list(v[j].keys()) + ["extra"])] = random_json(2)
            else:
                v[j] = random_json(2)
        else:
            target[k] = random_json(1)
    return body


def http_case(i, cid):
    kind = RNG.choice(["create", "patch", "classify", "explain", "list", "get", "delete"])
    method, path = {"create": ("POST", "/api/classifiers"), "patch": ("PATCH", f"/api/classifiers/{cid}/examples"),
                    "classify": ("POST", f"/api/classifiers/{cid}/classify"), "explain": ("POST", f"/api/classifiers/{cid}/explain"),
                    "list": ("GET", "/api/classifiers"), "get": ("GET", f"/api/classifiers/{cid}"),
                    "delete": ("DELETE", "/api/classifiers/" + RNG.choice(["nope", "%00", "..%2f..", "x" * 300]))}[kind]
    if kind == "list":
        path += "?" + "&".join(f"{RNG.choice(['offset', 'limit', 'x'])}={urllib.parse.quote(RNG.choice(VALUES))}" for _ in range(RNG.randint(0, 2)))
        return method, path, None, "application/json", kind
    if kind in ("get", "delete"):
        return method, path, None, "application/json", kind
    roll = RNG.random()
    ctype = "application/json"
    if roll < 0.35:
        raw = json.dumps(mutate_valid(kind, cid)).encode()
    elif roll < 0.55:
        raw = json.dumps(random_json()).encode()
    elif roll < 0.63:
        raw = bytes(RNG.getrandbits(8) for _ in range(RNG.randint(1, 400)))                  # random bytes, mostly invalid UTF-8
    elif roll < 0.70:
        raw = json.dumps(mutate_valid(kind, cid)).encode().replace(b"bill", b"b\xff\xfel")   # invalid UTF-8 inside a string
    elif roll < 0.76:
        full = json.dumps(mutate_valid(kind, cid)).encode()
        raw = full[: RNG.randrange(len(full))]                                                 # truncated JSON
    elif roll < 0.81:
        raw = b"[" * 5000 + b"]" * 5000 if RNG.random() < 0.5 else b'{"texts":' * 3000      # deep nesting
    elif roll < 0.86:
        n = RNG.choice([900_000, 1_100_000, 3_000_000])                                       # around and over the 1 MB limit
        raw = json.dumps({"texts": ["word " * 300] * (n // 1500)}).encode() if kind == "classify" else (b'{"name":"' + b"a" * n + b'"}')
    elif roll < 0.92:
        raw = json.dumps(mutate_valid(kind, cid)).encode()
        ctype = RNG.choice(["text/plain", "", "application/json; charset=latin1", "multipart/form-data", "application/xml"])
    else:
        raw = json.dumps(mutate_valid(kind, cid)).encode().replace(b'"', b"'")
    return method, path, raw, ctype, kind


def phase_http():
    log("== HTTP body fuzzer")
    t0 = time.monotonic()
    s = {"tried": 0, "2xx": 0, "4xx": 0, "5xx": 0, "connection_errors": 0, "server_died": 0}
    d = os.path.join(WORK, "http")
    os.makedirs(d, exist_ok=True)
    srv = Server(os.path.join(d, "fuzz.db"))
    if not srv.wait():
        fail("http", "start", "server did not start", "", srv.output()[-400:])
        return s
    st, body = call(srv.port, "POST", "/api/classifiers", {"name": "fuzz", "examples": SUPPORT})
    cid = json.loads(body)["id"]
    statuses = {}
    for i in range(A.http_cases):
        method, path, raw, ctype, kind = http_case(i, cid)
        key = RNG.choice(["fi-key", "fi-key", "fi-key", None, "wrong", "fi-key\u00e9".encode("utf-8").decode("latin-1")])
        try:
            st, content = call(srv.port, method, path, raw=raw, ctype=ctype, key=key)
        except (OSError, http.client.HTTPException) as e:
            st, content = repr(e)[:80], b""
        s["tried"] += 1
        statuses[str(st)] = statuses.get(str(st), 0) + 1
        if isinstance(st, int) and st < 300:
            s["2xx"] += 1
        elif isinstance(st, int) and st < 500:
            s["4xx"] += 1
        elif isinstance(st, int):
            s["5xx"] += 1
            fail("http", f"{kind} fuzz case {i}", f"HTTP {st}", f"{method} {path} body[:200]={raw[:200]!r}", content[:300].decode("utf-8", "replace"))
        else:
            s["connection_errors"] += 1
            if srv.p.poll() is not None:
                s["server_died"] += 1
                fail("http", f"{kind} fuzz case {i}", "server died", f"{method} {path} body[:200]={raw[:200]!r}", srv.output()[-500:])
                break
            # a reset after a refused oversized body is how Kestrel answers 413 sometimes; a reset otherwise is noted
            if not (raw and len(raw) > 1_000_000):
                fail("http", f"{kind} fuzz case {i}", f"connection error {st}", f"{method} {path} body[:200]={raw[:200]!r}")
    alive = srv.p.poll() is None
    st, _ = call(srv.port, "GET", "/health") if alive else (None, b"")
    s["healthy_after"] = st == 200
    stack = srv.output().count("\n   at ")
    s["stack_trace_lines_in_log"] = stack
    srv.kill()
    s["statuses"] = statuses
    s["seconds"] = round(time.monotonic() - t0, 1)
    log(f"  HTTP: {s}")
    return s


# ---------------------------------------------------------------- phase 5: kill -9 of the server under writes

def phase_service_kills():
    log("== service: kill -9 under a write load, restart, every acknowledged write checked")
    t0 = time.monotonic()
    s = {"kills": 0, "writes_sent": 0, "writes_acknowledged": 0, "acknowledged_lost": 0, "5xx": 0, "restarts_failed": 0, "other_errors": 0}
    d = os.path.join(WORK, "svc")
    os.makedirs(d, exist_ok=True)
    db = os.path.join(d, "writes.db")
    acked_creates = {}      # id -> name
    acked_adds = []         # (id, text)
    lock = threading.Lock()
    counter = [0]
    for round_ in range(A.service_kills):
        srv = Server(db)
        if not srv.wait():
            s["restarts_failed"] += 1
            fail("service", f"restart {round_}", "server did not start after kill -9", f"metanlp serve --db {db}", srv.output()[-400:])
            srv.kill()
            break
        stop = threading.Event()

        def writer(w):
            mine = []
            while not stop.is_set():
                with lock:
                    counter[0] += 1
                    n = counter[0]
                try:
                    if not mine or RNG.random() < 0.3:
                        name = f"w{w}-{n}"
                        ex = SUPPORT + [{"text": f"create {n} text {j}", "label": "bill"} for j in range(RNG.randint(0, 20))]
                        with lock:
                            s["writes_sent"] += 1
                        st, body = call(srv.port, "POST", "/api/classifiers", {"name": name, "examples": ex}, timeout=30)
                        if st == 201:
                            cid = json.loads(body)["id"]
                            mine.append(cid)
                            with lock:
                                acked_creates[cid] = name
                                s["writes_acknowledged"] += 1
                    else:
                        cid = RNG.choice(mine)
                        texts = [f"added {n} number {j}" for j in range(RNG.randint(1, 5))]
                        with lock:
                            s["writes_sent"] += 1
                        st, body = call(srv.port, "PATCH", f"/api/classifiers/{cid}/examples",
                                        {"add": [{"text": t, "label": "language"} for t in texts]}, timeout=30)
                        if st == 200:
                            with lock:
                                acked_adds.extend((cid, t) for t in texts)
                                s["writes_acknowledged"] += 1
                    if st >= 500:
                        with lock:
                            s["5xx"] += 1
                        fail("service", "write under load", f"HTTP {st}", "", body[:300].decode("utf-8", "replace"))
                    elif st >= 300:
                        with lock:
                            s["other_errors"] += 1
                except (OSError, http.client.HTTPException):
                    if stop.is_set() or srv.p.poll() is not None:
                        return
                    time.sleep(0.05)

        threads = [threading.Thread(target=writer, args=(w,)) for w in range(A.writers)]
        for t in threads:
            t.start()
        time.sleep(RNG.uniform(1.0, A.service_seconds))
        srv.kill()          # kill -9 in the middle of the writes
        s["kills"] += 1
        stop.set()
        for t in threads:
            t.join()
    # verify every acknowledged write on a fresh start
    srv = Server(db)
    if not srv.wait():
        s["restarts_failed"] += 1
        fail("service", "final restart", "server did not start", f"metanlp serve --db {db}", srv.output()[-400:])
        srv.kill()
        return s
    present = {}
    for cid in acked_creates:
        st, body = call(srv.port, "GET", f"/api/classifiers/{cid}")
        if st == 200:
            present[cid] = {e["text"] for e in json.loads(body)["examples"]}
        elif st >= 500:
            s["5xx"] += 1
    lost_creates = [c for c in acked_creates if c not in present]
    lost_adds = [(c, t) for c, t in acked_adds if c in present and t not in present[c]]
    s["acknowledged_lost"] = len(lost_creates) + len(lost_adds)
    s["acknowledged_creates"] = len(acked_creates)
    s["acknowledged_added_examples"] = len(acked_adds)
    if s["acknowledged_lost"]:
        fail("service", "acknowledged writes after kill -9", f"{len(lost_creates)} creates and {len(lost_adds)} added examples lost", "",
             str((lost_creates[:3], lost_adds[:3])))
    st, _ = call(srv.port, "GET", "/health")
    s["healthy_after"] = st == 200
    srv.kill(signal.SIGTERM)
    s["seconds"] = round(time.monotonic() - t0, 1)
    log(f"  service kills: {s}")
    return s


def cpu_model():
    try:
        return next(l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name"))
    except (OSError, StopIteration):
        return platform.processor() or "unknown CPU"


def main():
    global A, RNG, CLI, WORK
    p = argparse.ArgumentParser()
    p.add_argument("--dll", required=True)
    p.add_argument("--root", required=True)
    p.add_argument("--work", required=True)
    p.add_argument("--data", required=True)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--rounds", type=int, default=1)
    p.add_argument("--phases", default="train,files,cli,http,service")
    p.add_argument("--memory", default="", help="the last line of bench/service-load's memory phase, when it ran")
    A = p.parse_args()
    A.csv = os.path.join(A.root, "samples", "intents.csv")
    A.split = os.path.join(A.root, "samples", "intents.split.json")
    A.support = os.path.join(A.root, "samples", "support.csv")
    A.episodes = 1000
    A.kills = 5
    A.train_runs = 2 * A.rounds
    A.bitflips = 3 * A.rounds
    A.file_timeout = 120
    A.cli_cases = 300 * A.rounds
    A.cli_timeout = 30
    A.http_cases = 3000 * A.rounds
    A.service_kills = 10 * A.rounds
    A.service_seconds = 4.0
    A.writers = 2
    RNG = random.Random(A.seed)
    CLI = ["dotnet", A.dll]
    WORK = A.work
    phases = A.phases.split(",")
    result = {"seed": A.seed, "rounds": A.rounds, "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
              "machine": f"{platform.machine()}, {os.cpu_count()} cores, {cpu_model()}, {platform.system()} {platform.release()}"}
    start = time.monotonic()
    A.model = None
    if "train" in phases:
        result["train"] = phase_train()
    if A.model is None:   # a quick model for the other phases
        run_cli(train_args(os.path.join(WORK, "model")), timeout=600)
        A.model = os.path.join(WORK, "model", "model.ckpt")
    if "files" in phases:
        result["files"] = phase_files()
    if "cli" in phases:
        result["cli"] = phase_cli()
    if "http" in phases:
        result["http"] = phase_http()
    if "service" in phases:
        result["service"] = phase_service_kills()
    if A.memory and os.path.exists(A.memory):
        try:
            result["memory"] = json.loads(open(A.memory).read())
        except ValueError:
            result["memory"] = "bench/service-load gave no JSON line"
    result["failures"] = FAILURES
    result["seconds"] = round(time.monotonic() - start, 1)
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    try:
        main()
    finally:
        for server in SERVERS:     # never leave a server behind, whatever happened
            if server.p.poll() is None:
                os.killpg(server.p.pid, signal.SIGKILL)
