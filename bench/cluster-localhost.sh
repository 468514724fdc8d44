#!/bin/bash
# Bounded multi-process run on 127.0.0.1 (docs/CLUSTER.md, docs/BENCHMARKS.md): 2 workers (one LibTorch thread each)
# and a coordinator, against one process with the same command on one thread and on two (the same cores as the
# workers). Prints episodes/s of each, the cluster's step costs and the speed-up projected to N machines from them.
# Run from the repository root after `dotnet build -c Release`;
# usage: bench/cluster-localhost.sh [maml|protonet|maml-minilm]. Outputs in $OUT (default /tmp/cluster-runs).
# maml and protonet: a small CNN over samples/intents.csv; maml-minilm: second-order MAML over MiniLM (its top layer
# trained, one inner step) on HuffPost 5-way 5-shot episodes (needs the data folder, METANLP_DATA).
# EPISODES (default 48) and META_BATCH (default 4) set the run's length and meta-batch.
set -u
CLI=${METANLP_CLI:-src/MetaNlp.Cli/bin/Release/net10.0/MetaNlp.Cli}
S=samples
ALGO=${1:-maml}
EPISODES=${EPISODES:-48}; META_BATCH=${META_BATCH:-4}
COMMON="--dataset-file $S/intents.csv --split $S/intents.split.json --algo $ALGO --encoder cnn --ways 3 --shots 2 --queries 3"
[ "$ALGO" = maml ] && COMMON="$COMMON --inner-steps 2"
[ "$ALGO" = maml-minilm ] && COMMON="--dataset huffpost --algo maml --encoder minilm --finetune-layers 1 --ways 5 --shots 5 --queries 5 --inner-steps 1"
COMMON="$COMMON --max-episodes $EPISODES --meta-batch $META_BATCH --val-every 0 --json"
OUT=${OUT:-/tmp/cluster-runs}; mkdir -p "$OUT"
# The two workers' gateways exactly (a listed gateway with no worker fills the coordinator's log with retries).
CONFIG=${CONFIG:-$OUT/localhost.json}
[ -f "$CONFIG" ] || echo '{ "clustering": "localhost", "primarySiloPort": 11111, "gateways": [30000, 30001], "responseTimeoutSeconds": 600 }' > "$CONFIG"
nice -n 10 timeout 1200 $CLI train $COMMON --threads 1 --out $OUT/$ALGO-single > $OUT/$ALGO-single.json 2> $OUT/$ALGO-single.err
nice -n 10 timeout 1200 $CLI train $COMMON --threads 2 --out $OUT/$ALGO-single2 > $OUT/$ALGO-single2.json 2> $OUT/$ALGO-single2.err
nice -n 10 timeout 1500 $CLI worker --cluster "$CONFIG" --silo-port 11111 --gateway-port 30000 --threads 1 > $OUT/w1.log 2>&1 & W1=$!
sleep 8
nice -n 10 timeout 1500 $CLI worker --cluster "$CONFIG" --silo-port 11112 --gateway-port 30001 --threads 1 > $OUT/w2.log 2>&1 & W2=$!
sleep 12
nice -n 10 timeout 1200 $CLI train $COMMON --threads 1 --out $OUT/$ALGO-cluster --cluster "$CONFIG" > $OUT/$ALGO-cluster.json 2> $OUT/$ALGO-cluster.err
echo "coordinator rc=$?"
kill $W1 $W2; wait $W1 $W2 2>/dev/null
python3 - "$OUT/$ALGO" "$META_BATCH" <<'PY'
import json, math, re, sys
base, batch = sys.argv[1], int(sys.argv[2])
one, two, cluster = (json.load(open(f"{base}-{k}.json")) for k in ("single", "single2", "cluster"))
line = next(l for l in open(f"{base}-cluster.err") if l.startswith("cluster:"))
step, computing = (float(x) for x in re.search(r"([\d.]+) s per step \(([\d.]+) s computing\)", line).groups())
mb = float(re.search(r"([\d.]+) MB sent and received per step", line).group(1))
print(f"episodes/s (after the warm-up): one process, 1 thread {one['episodes_per_second']}; 2 threads {two['episodes_per_second']}; "
      f"coordinator + 2 workers of 1 thread {cluster['episodes_per_second']}")
print(f"cluster against one process: {cluster['episodes_per_second'] / one['episodes_per_second']:.2f}x (1 thread), {cluster['episodes_per_second'] / two['episodes_per_second']:.2f}x (2 threads)")
print(f"cluster step: {step:.3f} s, of which {computing:.3f} s the slower worker's computing; {mb:.2f} MB per step")
task = 1 / one["episodes_per_second"]          # one task on one machine's thread, nothing else running beside it
coordination = step - computing                 # packing, summing, messaging (all steps, the first's model transfer included)
print(f"projection, each machine computing a task in {task:.3f} s, coordination {coordination:.3f} s per step (+ the bytes at 1 Gb/s):")
for n in (2, 3, 4, 8):
    projected = task * math.ceil(batch / n) + coordination
    wire = projected + mb * 8 / 1000
    print(f"  {n} machines: {task * batch / projected:.2f}x ({task * batch / wire:.2f}x over 1 Gb/s)")
PY
