"""The figures table of docs/RELIABILITY.md from the last line of bench/fault-injection/run (stdin or a file)."""
import json
import sys

lines = [l for l in (open(sys.argv[1]) if len(sys.argv) > 1 else sys.stdin) if l.startswith("{")]
r = json.loads(lines[-1])
rows = []


def row(category, tried, crashes="0", fives="-", lost="-", held="", note=""):
    rows.append(f"| {category} | {tried} | {crashes} | {fives} | {lost} | {held} | {note} |")


for config, t in r.get("train", {}).items():
    row(f"training, kill -9 + `--resume` ({config})", f"{t['runs']} runs, {t['kills']} kills ({t['kills_at_first_model']} at the first model.ckpt, "
        f"{t['kills_during_checkpoint_write']} inside a checkpoint write), {t['resumes']} resumes", t["crashes"], "-", "-",
        f"{t['resumes_ok']} resumes ran; {t['checkpoint_loads'] - t['checkpoint_load_failures']} of {t['checkpoint_loads']} checkpoint loads; "
        f"{t['stale_tmp_after_finish']} .tmp left; history equal to the uninterrupted run {t['history_equal']} of {t['history_equal'] + t['history_different']}",
        f"**{t['resumes_refused']} resumes refused** (kill before the first train-state.ckpt)" if t["resumes_refused"] else "")
files = r.get("files", {}).get("per_kind", {})
for kind, s in files.items():
    justified = {k: v for k, v in s.items() if k.startswith("ok_") and v and isinstance(v, int)}
    n = lambda k: f"{s.get(k, 0)} clean error{'' if s.get(k, 0) == 1 else 's'}"
    held = f"{n('clean')} naming the file"
    if s.get("clean_other"):
        held += f", {n('clean_other')} naming the content"
    if justified:
        held += ", exit 0: " + ", ".join(f"{v} {k[3:].replace('_', ' ')}" for k, v in justified.items())
    bad = []
    for k in ("ok", "unclean", "hang"):
        if s.get(k):
            bad.append(f"**{s[k]} {k}**")
    row(f"damaged file: {kind}", s["tried"], s.get("crash", 0), s.get("5xx", "-"), "-", held, ", ".join(bad))
if "cli" in r:
    c = r["cli"]
    row("CLI option fuzzer (train, eval, predict)", c["tried"], f"**{c['crash']}**" if c["crash"] else 0, "-", "-",
        f"{c['clean']} clean errors, {c['ok']} valid runs", ", ".join(f"**{c[k]} {k}**" for k in ("unclean", "hang") if c[k]))
if "http" in r:
    h = r["http"]
    row("HTTP body fuzzer", h["tried"], h["server_died"], h["5xx"], "-",
        f"{h['4xx']} 4xx, {h['2xx']} 2xx; " + ", ".join(f"{k}: {v}" for k, v in sorted(h["statuses"].items())),
        f"{h['connection_errors']} connection errors; healthy after: {h['healthy_after']}")
if "service" in r:
    s = r["service"]
    row("service, kill -9 under writes", f"{s['kills']} kills, {s['writes_sent']} writes", 0, s["5xx"], s["acknowledged_lost"],
        f"{s['writes_acknowledged']} acknowledged ({s['acknowledged_creates']} creates, {s['acknowledged_added_examples']} added examples), all present after restart",
        f"{s['restarts_failed']} failed restarts")
print("| category | inputs tried | crashes | 5xx | acknowledged writes lost | held | not held |")
print("|---|---|---|---|---|---|---|")
print("\n".join(rows))
print(f"\nSeed {r['seed']}, rounds {r['rounds']}, {r['date']}, {r['machine']}, {r['seconds']} s; {len(r['failures'])} failure lines.")
