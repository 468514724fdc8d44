"""Load phases against a running MetaNlp service: classify requests of 1 and 32 texts from CLIENTS threads, each with
its own keep-alive connection, bounded by a request count and a duration. Every text sent is distinct (a sample
sentence with a running number), so the encoder runs for each one. With --memory-texts N (and --pid, the server's
process id) a memory phase follows: N more new texts in requests of 32, the server's resident memory (VmRSS) read
every --memory-every texts and set against a bound: the RSS before the phase plus --cache-mb. Prints one line per phase (and per memory sample) and, last,
one JSON object with every phase."""
import argparse
import csv
import datetime
import http.client
import json
import os
import platform
import statistics
import threading
import time
import urllib.parse


def request(connection, method, path, body=None, key=None):
    headers = {"Content-Type": "application/json"}
    if key:
        headers["X-Api-Key"] = key
    connection.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
    response = connection.getresponse()
    return response.status, response.read()


def cpu_seconds(pid):
    """User plus system CPU seconds of process pid (all its threads), from /proc/PID/stat."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def phase(url, classifier, texts, batch, clients, max_requests, max_seconds, pid=None):
    host = urllib.parse.urlparse(url)
    latencies, errors, lock = [], [], threading.Lock()
    issued = [0]
    deadline = time.perf_counter() + max_seconds

    def client(index):
        connection = http.client.HTTPConnection(host.hostname, host.port, timeout=120)
        i = index
        while True:
            with lock:
                if issued[0] >= max_requests or time.perf_counter() > deadline:
                    break
                issued[0] += 1
            # Every text is new (a running number appended), so a server-side cache of sentence vectors never answers.
            body = {"texts": [f"{texts[(i + j) % len(texts)]} ({index}-{i + j})" for j in range(batch)]}
            i += batch
            start = time.perf_counter()
            try:
                status, _ = request(connection, "POST", f"/api/classifiers/{classifier}/classify", body)
            except (OSError, http.client.HTTPException) as e:
                status = repr(e)
                connection = http.client.HTTPConnection(host.hostname, host.port, timeout=120)
            elapsed = time.perf_counter() - start
            with lock:
                if status == 200:
                    latencies.append(elapsed)
                else:
                    errors.append(status)
        connection.close()

    threads = [threading.Thread(target=client, args=(c,)) for c in range(clients)]
    server_cpu, client_cpu = (cpu_seconds(pid) if pid else None), time.process_time()
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - start
    client_cpu = time.process_time() - client_cpu
    server_cpu = cpu_seconds(pid) - server_cpu if pid else None
    latencies.sort()
    q = lambda p: latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000 if latencies else None
    return {"texts_per_request": batch, "clients": clients, "requests": len(latencies) + len(errors), "errors": len(errors),
            "seconds": round(wall, 2), "requests_per_second": round(len(latencies) / wall, 1), "texts_per_second": round(len(latencies) * batch / wall, 1),
            "p50_ms": round(q(0.50), 2) if latencies else None, "p99_ms": round(q(0.99), 2) if latencies else None,
            "mean_ms": round(statistics.fmean(latencies) * 1000, 2) if latencies else None,
            # Where the 2 cores went: the server's CPU per text answered, and the load generator's own CPU (same machine).
            "server_cpu_ms_per_text": round(server_cpu * 1000 / (len(latencies) * batch), 3) if server_cpu is not None and latencies else None,
            "server_cpu_seconds": round(server_cpu, 2) if server_cpu is not None else None, "client_cpu_seconds": round(client_cpu, 2)}


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        return next(int(l.split()[1]) for l in f if l.startswith("VmRSS:")) / 1024


def memory_phase(url, classifier, texts, clients, total, every, pid, cache_mb, length):
    """Classifies `total` new texts (never sent before) in requests of 32 and samples the server's RSS every `every` texts."""
    host = urllib.parse.urlparse(url)
    lock, sent, errors = threading.Lock(), [0], []
    samples = [{"texts": 0, "seconds": 0.0, "rss_mb": round(rss_mb(pid), 1)}]
    bound_mb = round(samples[0]["rss_mb"] + cache_mb * 1.048576, 1) if cache_mb is not None else None
    print(f"memory: {samples[0]['rss_mb']} MB RSS before, bound {bound_mb} MB", flush=True)
    start = time.perf_counter()
    next_sample = [every]

    def client(index):
        connection = http.client.HTTPConnection(host.hostname, host.port, timeout=300)
        while True:
            with lock:
                if sent[0] >= total:
                    break
                first = sent[0]
                sent[0] += 32
            body = {"texts": [padded(f"{texts[(first + j) % len(texts)]} (memory {first + j})", length) for j in range(32)]}
            try:
                status, _ = request(connection, "POST", f"/api/classifiers/{classifier}/classify", body)
            except (OSError, http.client.HTTPException) as e:
                status = repr(e)
                connection = http.client.HTTPConnection(host.hostname, host.port, timeout=300)
            with lock:
                if status != 200:
                    errors.append(status)
                if first + 32 >= next_sample[0]:
                    next_sample[0] += every
                    sample = {"texts": first + 32, "seconds": round(time.perf_counter() - start, 1), "rss_mb": round(rss_mb(pid), 1)}
                    samples.append(sample)
                    print(f"memory: {sample['texts']:7d} texts, {sample['seconds']:7.1f} s, {sample['rss_mb']:7.1f} MB RSS (bound {bound_mb} MB)", flush=True)
        connection.close()

    threads = [threading.Thread(target=client, args=(c,)) for c in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    peak = max(s["rss_mb"] for s in samples)
    return {"phase": "memory", "texts": sent[0], "text_characters": length, "clients": clients, "errors": len(errors), "cache_mib": cache_mb, "bound_mb": bound_mb,
            "peak_rss_mb": peak, "final_rss_mb": samples[-1]["rss_mb"], "within_bound": bound_mb is None or peak <= bound_mb,
            "seconds": round(time.perf_counter() - start, 1), "samples": samples}


def padded(text, length):
    """The text repeated with spaces up to `length` characters (0: as it is)."""
    if length <= 0:
        return text
    return (text + " ") * (length // (len(text) + 1)) + text[: length % (len(text) + 1)]


def main():
    parser = argparse.ArgumentParser()
    for name in ("--url", "--key", "--support", "--queries"):
        parser.add_argument(name, required=True)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--server-threads", type=int, default=2)
    parser.add_argument("--memory-texts", type=int, default=0, help="new texts of the memory phase (0: no memory phase)")
    parser.add_argument("--memory-every", type=int, default=2048, help="texts between two RSS samples")
    parser.add_argument("--memory-length", type=int, default=0, help="characters per text in the memory phase (0: the sample sentences as they are)")
    parser.add_argument("--pid", type=int, help="the server's process id (for its RSS and CPU time)")
    parser.add_argument("--cache-mb", type=float, help="the memory the server's caches may take (MiB): the bound is the RSS after warm-up plus this")
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 32], help="texts per request of each throughput phase")
    parser.add_argument("--skip-throughput", action="store_true", help="run only the memory phase")
    args = parser.parse_args()
    with open(args.support, newline="", encoding="utf-8") as f:
        examples = [{"text": r["text"], "label": r["label"]} for r in csv.DictReader(f)]
    with open(args.queries, newline="", encoding="utf-8") as f:
        texts = [r["text"] for r in csv.DictReader(f)]
    host = urllib.parse.urlparse(args.url)
    connection = http.client.HTTPConnection(host.hostname, host.port, timeout=120)
    status, body = request(connection, "POST", "/api/classifiers", {"name": "load", "examples": examples}, key=args.key)
    if status != 201:
        raise SystemExit(f"creating the classifier failed: {status} {body[:300]!r}")
    classifier = json.loads(body)["id"]
    request(connection, "POST", f"/api/classifiers/{classifier}/classify", {"texts": texts[:1]})   # adapts once before timing
    results = []
    for batch in (() if args.skip_throughput else args.sizes):
        result = phase(args.url, classifier, texts, batch, args.clients, args.requests, args.seconds, args.pid)
        print(f"{batch:2d} text(s)/request: {result['requests_per_second']} requests/s, p50 {result['p50_ms']} ms, p99 {result['p99_ms']} ms, "
              f"{result['errors']} errors ({result['requests']} requests in {result['seconds']} s, {args.clients} clients); "
              f"server CPU {result['server_cpu_ms_per_text']} ms per text, load generator CPU {result['client_cpu_seconds']} s", flush=True)
        results.append(result)
    if args.memory_texts > 0:
        results.append(memory_phase(args.url, classifier, texts, args.clients, args.memory_texts, args.memory_every, args.pid, args.cache_mb, args.memory_length))
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.processor())
    print(json.dumps({"benchmark": "service-load", "date": datetime.date.today().isoformat(), "machine": f"{os.cpu_count()} cores, {cpu}",
                      "base_model": json.loads(body)["baseModel"], "server_threads": args.server_threads, "phases": results}))


if __name__ == "__main__":
    main()
