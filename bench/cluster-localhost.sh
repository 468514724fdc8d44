#!/bin/bash
# Bounded multi-process run on 127.0.0.1 (docs/CLUSTER.md, docs/BENCHMARKS.md): 2 workers and a coordinator,
# against one process with the same command. Run from the repository root after `dotnet build -c Release`;
# usage: bench/cluster-localhost.sh [maml|protonet]. Outputs in $OUT (default /tmp/cluster-runs).
set -u
CLI=${METANLP_CLI:-src/MetaNlp.Cli/bin/Release/net10.0/MetaNlp.Cli}
S=samples
ALGO=${1:-maml}
COMMON="--dataset-file $S/intents.csv --split $S/intents.split.json --algo $ALGO --encoder cnn --ways 3 --shots 2 --queries 3 --max-episodes 48 --meta-batch 4 --val-every 0 --threads 1 --json"
[ "$ALGO" = maml ] && COMMON="$COMMON --inner-steps 2"
OUT=${OUT:-/tmp/cluster-runs}; CONFIG=${CONFIG:-samples/cluster/localhost.json}; mkdir -p "$OUT"
nice -n 10 timeout 300 $CLI train $COMMON --out $OUT/$ALGO-single > $OUT/$ALGO-single.json 2> $OUT/$ALGO-single.err
nice -n 10 timeout 400 $CLI worker --cluster "$CONFIG" --silo-port 11111 --gateway-port 30000 --threads 1 > $OUT/w1.log 2>&1 & W1=$!
sleep 8
nice -n 10 timeout 400 $CLI worker --cluster "$CONFIG" --silo-port 11112 --gateway-port 30001 --threads 1 > $OUT/w2.log 2>&1 & W2=$!
sleep 12
nice -n 10 timeout 300 $CLI train $COMMON --out $OUT/$ALGO-cluster --cluster "$CONFIG" > $OUT/$ALGO-cluster.json 2> $OUT/$ALGO-cluster.err
echo "coordinator rc=$?"
kill $W1 $W2; wait $W1 $W2 2>/dev/null
