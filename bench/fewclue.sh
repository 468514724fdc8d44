#!/usr/bin/env bash
# FewCLUE with a character-level CNN (docs/BENCHMARKS.md, "Chinese: FewCLUE"): for each split k = 1..5, fine-tune
# cosine ProtoNet-CNN on train_(k-1) (episodes of all classes), keep the weights best on dev_(k-1), then score all
# five models on test_public (metanlp eval --all-splits: mean and standard deviation over the splits). Also the
# floor: the frozen MiniLM with cosine prototypes.
# Usage: bench/fewclue.sh TASK WAYS EPISODES OUTDIR [VAL_EVERY (50)] [VAL_EPISODES (20)]
set -euo pipefail
task=$1 ways=$2 episodes=$3 out=$4 val_every=${5:-50} val_episodes=${6:-20}
metanlp=${METANLP:-metanlp}
mkdir -p "$out"
for k in 1 2 3 4 5; do
  timeout 1200 "$metanlp" train --dataset "fewclue-$task" --split-index "$k" --algo protonet --distance cosine --encoder cnn \
    --tokenizer chars --word-dropout 0.2 --ways "$ways" --max-episodes "$episodes" --val-every "$val_every" --val-episodes "$val_episodes" --patience 3 \
    --threads 1 --seed 42 --out "$out/$task-$k" > "$out/$task-$k.log" 2>&1
done
"$metanlp" eval --dataset "fewclue-$task" --all-splits --model "$out/$task-{split}/model.ckpt" --threads 1 --json > "$out/$task-cnn.json"
"$metanlp" eval --dataset "fewclue-$task" --all-splits --model minilm --threads 1 --json > "$out/$task-minilm.json"
