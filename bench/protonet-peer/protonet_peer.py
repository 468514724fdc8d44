#!/usr/bin/python3
"""PyTorch peer of MetaNlp's Prototypical Network with a Kim-CNN encoder (HuffPost, Bao split).

Plain PyTorch (written for Debian 12's python3-torch, PyTorch 1.13): no other dependency. Data, tokens, vocabulary,
batches and the encoder come from bench/common/huffpost_torch.py (shared with bench/maml-peer).
Prints ONE JSON line with its figures on stdout; progress notes go to stderr.

Workload (must match MetaNlp's `train --algo protonet --encoder cnn` exactly):
  data       $DATA/huffpost_bao/huffpost.json, train classes 0..19, test classes 25..40
  tokens     lower-case, re.findall(r"\\[/?E[12]\\]|\\w+|[^\\w\\s]"), truncated to 128 tokens
  vocabulary train classes' texts only, min count 1; 0 = <pad>, 1 = <unk>; descending count, then ordinal order
  batch      support then query texts of one episode as one batch, padded with id 0 to the longest text, >= 5
  encoder    Embedding(V, 300) (normal init) -> Conv1d(300, 100, k) k = 3, 4, 5 (bias) -> ReLU
             -> max over each text's own windows (padding zeroed) -> concat (300-d); no dropout
  protonet   5-way 5-shot 25 queries, prototypes = mean support embedding, logits = -squared Euclidean distance,
             cross-entropy, Adam lr 1e-3, one episode per step
  timing     5 warm-up training episodes (not timed), TRAIN_EPISODES timed training episodes,
             EVAL_EPISODES timed evaluation episodes (no_grad) on the test classes

Usage: protonet_peer.py [DATA_DIR | --data-dir DATA_DIR] [--train-episodes N] [--eval-episodes M]
                        [--threads T] [--seed S] [--warmup W]
Environment defaults: METANLP_DATA, TRAIN_EPISODES (200), EVAL_EPISODES (200), THREADS (2), SEED (42).
"""

import argparse
import json
import math
import os
import platform
import resource
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "common"))
# bench/common/huffpost_torch.py: data, tokens, vocabulary, batches and the functional Kim CNN, shared with maml-peer.
from huffpost_torch import (EMBED_DIM, FILTERS, KERNELS, TEST_CLASSES, TRAIN_CLASSES,  # noqa: E402
                            default_data_dir, kim_cnn, lengths_of, load_ids, pad_batch)
import huffpost_torch  # noqa: E402


def log(msg):
    print(f"[protonet-peer/pytorch] {msg}", file=sys.stderr, flush=True)


class KimCnn(nn.Module):
    def __init__(self, vocab_size):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, EMBED_DIM)  # N(0, 1) init, no padding_idx
        self.convs = nn.ModuleList([nn.Conv1d(EMBED_DIM, FILTERS, k, bias=True) for k in KERNELS])

    def forward(self, ids):  # ids: [B, T] with T >= 5
        # The shared functional encoder with this module's weights (padding zeroed, windows past the end masked).
        return kim_cnn(ids, lengths_of(ids), self.embedding.weight,
                       [c.weight for c in self.convs], [c.bias for c in self.convs])


class EpisodeSampler(huffpost_torch.EpisodeSampler):
    def __init__(self, ids, labels, classes, ways, shots, queries, seed):
        super().__init__(labels, classes, ways, shots, queries, seed)
        self.ids = ids

    def sample(self):
        """Support then query texts of one episode as one batch, and the query labels."""
        support, query = self.sample_indices()
        batch, _ = pad_batch([self.ids[i] for i in support + query])
        query_labels = torch.arange(self.ways).repeat_interleave(self.queries)
        return batch, query_labels


def protonet_logits(model, batch, ways, shots):
    emb = model(batch)
    n_support = ways * shots
    prototypes = emb[:n_support].view(ways, shots, -1).mean(dim=1)  # [N, D]
    queries = emb[n_support:]  # [N*Q, D]
    dists = (queries.unsqueeze(1) - prototypes.unsqueeze(0)).pow(2).sum(dim=2)  # [N*Q, N]
    return -dists


def peak_rss_mb():
    # ru_maxrss is in KiB on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("data_dir_pos", nargs="?", default=None, metavar="DATA_DIR")
    p.add_argument("--data-dir", default=None)
    p.add_argument("--train-episodes", type=int, default=int(os.environ.get("TRAIN_EPISODES", 200)))
    p.add_argument("--eval-episodes", type=int, default=int(os.environ.get("EVAL_EPISODES", 200)))
    p.add_argument("--threads", type=int, default=int(os.environ.get("THREADS", 2)))
    p.add_argument("--seed", type=int, default=int(os.environ.get("SEED", 42)))
    p.add_argument("--warmup", type=int, default=5)
    p.add_argument("--ways", type=int, default=5)
    p.add_argument("--shots", type=int, default=5)
    p.add_argument("--queries", type=int, default=25)
    args = p.parse_args()
    data_dir = args.data_dir or args.data_dir_pos or default_data_dir()

    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(1)
    torch.manual_seed(args.seed)

    t0 = time.perf_counter()
    ids, labels, vocab = load_ids(data_dir)
    load_seconds = time.perf_counter() - t0
    log(f"torch {torch.__version__}, {len(ids)} texts, vocabulary {len(vocab)}, loaded in {load_seconds:.1f}s, "
        f"threads {args.threads}")

    model = KimCnn(len(vocab))
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    train_sampler = EpisodeSampler(ids, labels, TRAIN_CLASSES, args.ways, args.shots, args.queries, args.seed)

    def train_episode():
        batch, y = train_sampler.sample()
        logits = protonet_logits(model, batch, args.ways, args.shots)
        loss = F.cross_entropy(logits, y)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        return loss.item(), (logits.argmax(dim=1) == y).float().mean().item()

    model.train()
    for _ in range(args.warmup):
        train_episode()

    losses, train_accs = [], []
    t0 = time.perf_counter()
    for _ in range(args.train_episodes):
        loss, acc = train_episode()
        losses.append(loss)
        train_accs.append(acc)
    train_seconds = time.perf_counter() - t0
    log(f"train: {args.train_episodes} episodes in {train_seconds:.2f}s")

    # Evaluation: a fresh sampler seeded like a separate `eval --seed S` process.
    model.eval()
    eval_sampler = EpisodeSampler(ids, labels, TEST_CLASSES, args.ways, args.shots, args.queries, args.seed)
    accs = []
    t0 = time.perf_counter()
    with torch.no_grad():
        for _ in range(args.eval_episodes):
            batch, y = eval_sampler.sample()
            logits = protonet_logits(model, batch, args.ways, args.shots)
            accs.append((logits.argmax(dim=1) == y).float().mean().item())
    eval_seconds = time.perf_counter() - t0
    log(f"eval: {args.eval_episodes} episodes in {eval_seconds:.2f}s")

    n = len(accs)
    mean_acc = sum(accs) / n if n else float("nan")
    std = math.sqrt(sum((a - mean_acc) ** 2 for a in accs) / (n - 1)) if n > 1 else 0.0
    tail = max(1, len(losses) // 10)
    result = {
        "side": "pytorch",
        "torch_version": torch.__version__,
        "python": platform.python_version(),
        "threads": args.threads,
        "seed": args.seed,
        "ways": args.ways,
        "shots": args.shots,
        "queries": args.queries,
        "vocab_size": len(vocab),
        "warmup_episodes": args.warmup,
        "train_episodes": args.train_episodes,
        "train_seconds": round(train_seconds, 4),
        "train_episodes_per_second": round(args.train_episodes / train_seconds, 4) if train_seconds > 0 else None,
        "train_loss_last10pct": round(sum(losses[-tail:]) / tail, 4) if losses else None,
        "train_accuracy_last10pct": round(sum(train_accs[-tail:]) / tail, 4) if train_accs else None,
        "eval_episodes": n,
        "eval_seconds": round(eval_seconds, 4),
        "eval_episodes_per_second": round(n / eval_seconds, 4) if eval_seconds > 0 else None,
        "accuracy": round(mean_acc, 4),
        "ci95": round(1.96 * std / math.sqrt(n), 4) if n else None,
        "peak_rss_mb": round(peak_rss_mb(), 1),
    }
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
