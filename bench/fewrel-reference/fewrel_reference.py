#!/usr/bin/python3
"""ProtoNet-CNN on the FewRel val_wiki split in plain PyTorch, with MetaNlp's bench recipe, over several training seeds.

The PyTorch reference of docs/BENCHMARKS.md (FewRel 5w5s 46.50 +- 0.63) is one run whose recipe is only partly written
down. This script trains the same model with the recipe of MetaNlp's `bench/protonet-accuracy/run fewrel-5` plus
WORD_DROPOUT / DROPOUT, in plain PyTorch, so the spread over training seeds of a plain implementation can be compared
with MetaNlp's own seeds, side by side on one machine.

  data       $DATA/fewrel/val_wiki.json; relations P25 P26 P40 P59 P155 P177 P206 P361 train, P364 P410 P412
             validation (3-way), P413 P463 P641 P921 P2094 test (MetaNlp's DatasetRegistry.FewRelSplit)
  text       the instance's tokens with "[E1] head [/E1]" and "[E2] tail [/E2]" markers (MetaNlp's FewRelLoader),
             then MetaNlp's word tokenizer (bench/common/word_tokens.py); vocabulary of the training relations' texts
  encoder    the Kim CNN of bench/common/huffpost_torch.py (300-d N(0, 1) table, 3/4/5 x 100, ReLU, max-pool); with
             --pooling entities, each filter's max over all windows, then over the windows that share a token with the
             head span [E1] .. [/E1], then with the tail span (MetaNlp's `--pooling entities`, EntitySpans), 900-d
  training   while training only: each real token becomes <unk> with probability WORD_DROPOUT, dropout DROPOUT on the
             sentence vector; 5-way 5-shot 5-query episodes, prototypes = mean support vector, logits = 10 x cosine,
             cross-entropy, Adam 1e-3, one episode per step; validation every 50 episodes on the same 250 3-way
             episodes, patience 6, at most 3,000 episodes, the best model kept
  test       1,000 5-way 5-shot 5-query episodes of the test relations (seed 2024), mean accuracy +- 1.96 std / sqrt(n)

Usage: fewrel_reference.py [--seeds 42,7,123] [--threads 1] [--word-dropout 0.2] [--dropout 0.5] [--pooling max|entities]
Prints one JSON line per seed and, last, one JSON line with every seed and their mean.
"""

import argparse
import copy
import datetime
import json
import math
import os
import sys
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "common"))
from fewrel_split import TEST, TRAIN, VALIDATION  # noqa: E402
from huffpost_torch import KERNELS, PAD, UNK, EpisodeSampler, build_vocab, init_kim_cnn, kim_cnn, pad_batch  # noqa: E402
from word_tokens import default_data_dir, tokenize  # noqa: E402

SHOTS, QUERIES, SCALE = 5, 5, 10.0
MARKERS = []  # vocabulary ids of [E1] [/E1] [E2] [/E2] under --pooling entities


def log(msg):
    print(f"[fewrel-reference] {msg}", file=sys.stderr, flush=True)


def span(entity):
    positions = entity[2][0]
    return min(positions), max(positions) + 1


def mark(tokens, head, tail):
    """MetaNlp's FewRelLoader.MarkEntities: at each boundary, inner spans close first and outer spans open first."""
    spans = [(head, "[E1]", "[/E1]", 0), (tail, "[E2]", "[/E2]", 1)]
    out = []
    for p in range(len(tokens) + 1):
        for s in sorted([s for s in spans if s[0][1] == p and s[0][0] < p], key=lambda s: (-s[0][0], -s[3])):
            out.append(s[2])
        for s in sorted([s for s in spans if s[0][0] == p and s[0][1] > p], key=lambda s: (-s[0][1], s[3])):
            out.append(s[1])
        if p < len(tokens):
            out.append(tokens[p])
    return " ".join(out)


def load(data_dir):
    with open(os.path.join(data_dir, "fewrel", "val_wiki.json"), encoding="utf-8") as f:
        data = json.load(f)
    texts, labels = [], []
    for relation, instances in data.items():
        for inst in instances:
            texts.append(tokenize(mark(inst["tokens"], span(inst["h"]), span(inst["t"]))))
            labels.append(relation)
    return texts, labels


def entity_span(seq, open_id, close_id):
    """[start, end) from the opening to the closing marker; a missing one opens the span to the text's edge."""
    start = seq.index(open_id) if open_id in seq else 0
    end = seq.index(close_id) + 1 if close_id in seq else len(seq)
    return start, max(end, start + 1)


def entity_pooled_cnn(batch, lengths, spans, table, conv_weights, conv_biases):
    """Each filter's max over all windows, then over the windows touching the head span, then the tail span: [B, 900]."""
    width = batch.shape[1]
    mask = torch.arange(width).unsqueeze(0).lt(lengths.unsqueeze(1)).to(table.dtype)
    x = (F.embedding(batch, table) * mask.unsqueeze(-1)).transpose(1, 2)
    bounds = [None]  # the whole text, then the head's and the tail's [start, end) as [B, 1] tensors
    for entity in spans:
        first, last = zip(*entity)
        bounds.append((torch.tensor(first).unsqueeze(1), torch.tensor(last).unsqueeze(1)))
    parts = [[], [], []]
    for k, weight, bias in zip(KERNELS, conv_weights, conv_biases):
        out = F.conv1d(x, weight, bias)  # [B, F, windows]
        starts = torch.arange(out.shape[2]).unsqueeze(0)
        invalid = starts.gt((lengths - k).clamp(min=0).unsqueeze(1))
        for part, bound in zip(parts, bounds):
            outside = invalid if bound is None else invalid | starts.ge(bound[1]) | (starts + k).le(bound[0])
            part.append(F.relu(out.masked_fill(outside.unsqueeze(1), -1e9).max(dim=2).values))
    return torch.cat([torch.cat(part, dim=1) for part in parts], dim=1)


def episode_loss_and_accuracy(weights, ids, ways, word_dropout, dropout, training):
    table, conv_w, conv_b = weights
    batch, lengths = pad_batch(ids)
    if training and word_dropout > 0:
        dropped = torch.rand(batch.shape).lt(word_dropout) & batch.ne(PAD)
        batch = batch.masked_fill(dropped, UNK)
    if MARKERS:  # spans from the text before word dropout, as MetaNlp's EntitySpans reads the batch's ids
        spans = [[entity_span(seq, MARKERS[0], MARKERS[1]) for seq in ids], [entity_span(seq, MARKERS[2], MARKERS[3]) for seq in ids]]
        vectors = entity_pooled_cnn(batch, lengths, spans, table, conv_w, conv_b)
    else:
        vectors = kim_cnn(batch, lengths, table, conv_w, conv_b)
    if dropout > 0:
        vectors = F.dropout(vectors, dropout, training)
    support, query = vectors[: ways * SHOTS], vectors[ways * SHOTS:]
    prototypes = support.view(ways, SHOTS, -1).mean(1)
    logits = SCALE * F.normalize(query, dim=1).matmul(F.normalize(prototypes, dim=1).t())
    targets = torch.arange(ways).repeat_interleave(QUERIES)
    return F.cross_entropy(logits, targets), logits.argmax(1).eq(targets).float().mean().item()


def evaluate(weights, ids, labels, classes, episodes, seed):
    sampler = EpisodeSampler(labels, classes, len(classes) if len(classes) < 5 else 5, SHOTS, QUERIES, seed)
    accuracies = []
    with torch.no_grad():
        for _ in range(episodes):
            support, query = sampler.sample_indices()
            _, acc = episode_loss_and_accuracy(weights, [ids[i] for i in support + query], sampler.ways, 0, 0, False)
            accuracies.append(acc)
    mean = sum(accuracies) / len(accuracies)
    std = math.sqrt(sum((a - mean) ** 2 for a in accuracies) / max(1, len(accuracies) - 1))
    return 100 * mean, 100 * 1.96 * std / math.sqrt(len(accuracies))


def run(seed, ids, labels, vocab_size, args):
    torch.manual_seed(seed)
    table, conv_w, conv_b = init_kim_cnn(vocab_size)
    params = [table] + conv_w + conv_b
    optimizer = torch.optim.Adam(params, lr=1e-3)
    sampler = EpisodeSampler(labels, TRAIN, 5, SHOTS, QUERIES, seed)
    best, best_episode, since, history = -1.0, 0, 0, []
    best_weights = None
    start = time.time()
    for episode in range(1, args.max_episodes + 1):
        support, query = sampler.sample_indices()
        loss, _ = episode_loss_and_accuracy((table, conv_w, conv_b), [ids[i] for i in support + query], 5,
                                            args.word_dropout, args.dropout, True)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if episode % args.val_every == 0:
            acc, _ = evaluate((table, conv_w, conv_b), ids, labels, VALIDATION, args.val_episodes, seed=1)
            history.append((episode, round(acc, 2)))
            if acc > best:
                best, best_episode, since = acc, episode, 0
                best_weights = copy.deepcopy([p.detach() for p in params])
            else:
                since += 1
                if since >= args.patience:
                    break
    train_seconds = time.time() - start
    weights = (best_weights[0], best_weights[1:4], best_weights[4:7])
    accuracy, ci95 = evaluate(weights, ids, labels, TEST, args.test_episodes, seed=2024)
    return {"seed": seed, "accuracy": round(accuracy, 2), "ci95": round(ci95, 2), "trained_episodes": episode,
            "best_validation": round(best, 2), "best_episode": best_episode, "train_seconds": round(train_seconds, 1)}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", default=default_data_dir())
    parser.add_argument("--seeds", default="42,7,123")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--word-dropout", type=float, default=0.2)
    parser.add_argument("--dropout", type=float, default=0.5)
    parser.add_argument("--max-episodes", type=int, default=3000)
    parser.add_argument("--val-every", type=int, default=50)
    parser.add_argument("--val-episodes", type=int, default=250)
    parser.add_argument("--patience", type=int, default=6)
    parser.add_argument("--test-episodes", type=int, default=1000)
    parser.add_argument("--pooling", choices=["max", "entities"], default="max")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    texts, labels = load(args.data_dir)
    train_set = set(TRAIN)
    vocab = build_vocab([t for t, y in zip(texts, labels) if y in train_set])
    ids = [[vocab.get(tok, UNK) for tok in t] for t in texts]
    log(f"{len(texts)} texts, vocabulary {len(vocab)}")
    if args.pooling == "entities":
        MARKERS.extend(vocab[m] for m in ["[E1]", "[/E1]", "[E2]", "[/E2]"])
    results = []
    for seed in [int(s) for s in args.seeds.split(",")]:
        result = run(seed, ids, labels, len(vocab), args)
        log(json.dumps(result))
        print(json.dumps(result), flush=True)
        results.append(result)
    mean = sum(r["accuracy"] for r in results) / len(results)
    print(json.dumps({"benchmark": "fewrel-reference", "date": datetime.date.today().isoformat(), "pytorch": torch.__version__,
                      "threads": args.threads, "word_dropout": args.word_dropout, "dropout": args.dropout, "pooling": args.pooling,
                      "seeds": results, "mean_accuracy": round(mean, 2)}))


if __name__ == "__main__":
    main()
