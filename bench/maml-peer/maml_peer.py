#!/usr/bin/python3
"""PyTorch peer of MetaNlp's second-order MAML with a Kim-CNN encoder (HuffPost, Bao split).

Plain PyTorch (written for Debian 12's python3-torch, PyTorch 1.13): no other dependency. Data, tokens, vocabulary,
batches and the functional encoder come from bench/common/huffpost_torch.py (shared with bench/protonet-peer).
Prints ONE JSON line with its figures on stdout; progress notes go to stderr.

Workload (must match MetaNlp's `train --algo maml --encoder cnn --meta-batch 4 --inner-steps 5 --inner-lr 0.1`):
  data       HuffPost training classes 0..19, tokens and vocabulary as MetaNlp (see huffpost_torch.py)
  task       5 classes, 5 support + 15 query texts per class; the support batch and the query batch are padded
             separately (each to its own longest text, at least 5 tokens)
  encoder    Kim CNN run functionally on explicit weights (table, 3 conv weights, 3 conv biases): embedding
             (F.embedding), padding zeroed, Conv1d 300 -> 100 for widths 3, 4, 5, windows past a text's end masked
             with -1e9, max over time, ReLU, concat -> 300-d; no dropout
  head       one shared row w [300] and bias b [1] (zeros) as meta-parameters; per task W = w expanded to [5, 300],
             B = b expanded to [5]; logits = F.linear(features, W, B)
  inner      5 steps of plain SGD (lr 0.1) on the support cross-entropy, adapting every encoder weight and W, B,
             gradients from torch.autograd.grad(..., create_graph=True) (second order); new w = w - 0.1 g
  outer      task loss = query cross-entropy with the adapted weights; mean of 4 task losses, one backward,
             Adam lr 1e-3 over table, convs, w, b; zero_grad(set_to_none=True)
  variants   --variant whole: the inner loop adapts the whole V x 300 table (what learn2learn and higher do);
             --variant local: it adapts only the rows the task uses (MetaNlp's task-local rows: unique ids of the
             task's support + query texts, pad and unk first; local table = table.index_select(0, rows); ids
             renumbered), the same meta-gradient at a fraction of the cost
  timing     exactly as MetaNlp's trainer: a meta-step is timed when at least 5 tasks are done before it, so with
             meta-batch 4 the first 2 steps (8 tasks) are warm-up; the timed part of a step is sampling, batching,
             inner loops, backward, optimizer step and reading the loss

  tasks      with --tasks FILE, the tasks of MetaNlp's own run, in its order (the JSON lines of `metanlp datasets
             episodes` with the same data, shape and seed; each text tokenized here, its label's index in the
             episode's class list); without it, this script's own seeded sampler

Usage: maml_peer.py [DATA_DIR | --data-dir DATA_DIR] --max-tasks N [--variant whole|local] [--threads T] [--seed S] [--tasks FILE]
       maml_peer.py --check [--variant ...]   one task both ways: the whole-table and task-local meta-gradients must
                                              agree (prints the largest difference; exit 1 if they do not)
Environment defaults: METANLP_DATA, THREADS (2), SEED (42).
"""

import argparse
import json
import os
import platform
import resource
import sys
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "common"))
from huffpost_torch import (OUTPUT_DIM, PAD, TRAIN_CLASSES, UNK, EpisodeSampler,  # noqa: E402
                            default_data_dir, init_kim_cnn, kim_cnn, load_ids, pad_batch, tokenize)

UNTIMED_BELOW = 5  # MetaNlp's MetaTrainer.WarmUpEpisodes: a step is timed once this many tasks are done


def log(msg):
    print(f"[maml-peer/pytorch] {msg}", file=sys.stderr, flush=True)


def peak_rss_mb():
    # ru_maxrss is in KiB on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


class Maml:
    """Meta-parameters (table, convs, shared head row and bias) and the second-order task loss."""

    def __init__(self, vocab_size, ways, inner_steps, inner_lr, variant):
        self.table, self.conv_weights, self.conv_biases = init_kim_cnn(vocab_size)
        self.head_w = torch.zeros(OUTPUT_DIM, requires_grad=True)
        self.head_b = torch.zeros(1, requires_grad=True)
        self.ways, self.inner_steps, self.inner_lr, self.variant = ways, inner_steps, inner_lr, variant

    def parameters(self):
        return [self.table, *self.conv_weights, *self.conv_biases, self.head_w, self.head_b]

    @staticmethod
    def logits(weights, ids, lengths):
        table, cw, cb, head_w, head_b = weights[0], weights[1:4], weights[4:7], weights[7], weights[8]
        return F.linear(kim_cnn(ids, lengths, table, cw, cb), head_w, head_b)

    def task_loss(self, support_seqs, support_labels, query_seqs, query_labels, variant=None):
        variant = variant or self.variant
        if variant == "local":
            # Task-local rows (MetaNlp's TaskVocabulary): pad and unk first, then each new id in order of appearance.
            local = {PAD: 0, UNK: 1}
            rows = [PAD, UNK]
            for seq in support_seqs + query_seqs:
                for t in seq:
                    if t not in local:
                        local[t] = len(rows)
                        rows.append(t)
            support_seqs = [[local[t] for t in s] for s in support_seqs]
            query_seqs = [[local[t] for t in s] for s in query_seqs]
            table = self.table.index_select(0, torch.tensor(rows, dtype=torch.long))
        else:
            table = self.table
        s_ids, s_len = pad_batch(support_seqs)
        q_ids, q_len = pad_batch(query_seqs)
        weights = [table, *self.conv_weights, *self.conv_biases,
                   self.head_w.unsqueeze(0).expand(self.ways, OUTPUT_DIM), self.head_b.expand(self.ways)]
        for _ in range(self.inner_steps):
            loss = F.cross_entropy(self.logits(weights, s_ids, s_len), support_labels)
            grads = torch.autograd.grad(loss, weights, create_graph=True)
            weights = [w - self.inner_lr * g for w, g in zip(weights, grads)]
        return F.cross_entropy(self.logits(weights, q_ids, q_len), query_labels)


def read_tasks(path, vocab):
    """MetaNlp's tasks from `metanlp datasets episodes` JSON lines, as (support ids, labels, query ids, labels)."""
    tasks = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            episode = json.loads(line)
            index = {label: i for i, label in enumerate(episode["classes"])}

            def part(name):
                examples = episode[name]
                seqs = [[vocab.get(tok, UNK) for tok in tokenize(e["text"])] for e in examples]
                return seqs, torch.tensor([index[e["label"]] for e in examples], dtype=torch.long)
            support, support_y = part("support")
            query, query_y = part("query")
            tasks.append((support, support_y, query, query_y))
    return tasks


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("data_dir_pos", nargs="?", default=None, metavar="DATA_DIR")
    p.add_argument("--data-dir", default=None)
    p.add_argument("--variant", choices=("whole", "local"), default="local")
    p.add_argument("--max-tasks", type=int, default=208, help="tasks in all, warm-up included (MetaNlp's --max-episodes)")
    p.add_argument("--meta-batch", type=int, default=4)
    p.add_argument("--inner-steps", type=int, default=5)
    p.add_argument("--inner-lr", type=float, default=0.1)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--ways", type=int, default=5)
    p.add_argument("--shots", type=int, default=5)
    p.add_argument("--queries", type=int, default=15)
    p.add_argument("--threads", type=int, default=int(os.environ.get("THREADS", 2)))
    p.add_argument("--seed", type=int, default=int(os.environ.get("SEED", 42)))
    p.add_argument("--check", action="store_true", help="compare the two variants' meta-gradients on one task")
    p.add_argument("--tasks", default=None, help="JSON lines of `metanlp datasets episodes`: train on MetaNlp's own tasks")
    args = p.parse_args()
    data_dir = args.data_dir or args.data_dir_pos or default_data_dir()

    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(1)
    torch.manual_seed(args.seed)

    t0 = time.perf_counter()
    ids, labels, vocab = load_ids(data_dir)
    log(f"torch {torch.__version__}, {len(ids)} texts, vocabulary {len(vocab)}, loaded in "
        f"{time.perf_counter() - t0:.1f}s, threads {args.threads}, variant {args.variant}")

    model = Maml(len(vocab), args.ways, args.inner_steps, args.inner_lr, args.variant)
    sampler = EpisodeSampler(labels, TRAIN_CLASSES, args.ways, args.shots, args.queries, args.seed)
    support_labels = torch.arange(args.ways).repeat_interleave(args.shots)
    query_labels = torch.arange(args.ways).repeat_interleave(args.queries)

    def sample_task():
        support, query = sampler.sample_indices()
        return [ids[i] for i in support], support_labels, [ids[i] for i in query], query_labels

    if args.tasks:
        shared = read_tasks(args.tasks, vocab)
        if len(shared) < args.max_tasks:
            sys.exit(f"[maml-peer/pytorch] {args.tasks} holds {len(shared)} tasks, fewer than --max-tasks {args.max_tasks}")
        sample_task = iter(shared).__next__  # noqa: F811 (MetaNlp's tasks, in its order)

    if args.check:
        task = sample_task()
        # A non-zero head, so that every weight's meta-gradient is non-trivial.
        with torch.no_grad():
            model.head_w.normal_(0, 0.1)
            model.head_b.fill_(0.1)
        params = model.parameters()
        grads = {}
        for variant in ("whole", "local"):
            loss = model.task_loss(*task, variant=variant)
            grads[variant] = (loss.item(), torch.autograd.grad(loss, params))
        (lw, gw), (ll, gl) = grads["whole"], grads["local"]
        diff = max((a - b).abs().max().item() for a, b in zip(gw, gl))
        scale = max(a.abs().max().item() for a in gw)
        ok = abs(lw - ll) <= 1e-5 * max(1.0, abs(lw)) and diff <= 1e-4 * max(1.0, scale)
        print(json.dumps({"check": "whole vs local meta-gradient", "loss_whole": lw, "loss_local": ll,
                          "max_abs_grad_diff": diff, "max_abs_grad": scale, "ok": ok}), flush=True)
        sys.exit(0 if ok else 1)

    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
    done = 0
    timed_tasks = 0
    timed_seconds = 0.0
    task_losses = []
    steps = 0
    while done < args.max_tasks:
        timed = done >= UNTIMED_BELOW
        batch = min(args.meta_batch, args.max_tasks - done)
        t0 = time.perf_counter()
        optimizer.zero_grad(set_to_none=True)
        total = None
        losses = []
        for _ in range(batch):
            loss = model.task_loss(*sample_task())
            losses.append(loss.detach())
            total = loss if total is None else total + loss
        mean = total * (1.0 / batch)
        mean.backward()
        optimizer.step()
        step_loss = mean.item()
        elapsed = time.perf_counter() - t0
        if timed:
            timed_seconds += elapsed
            timed_tasks += batch
        if step_loss != step_loss or abs(step_loss) == float("inf"):
            sys.exit(f"[maml-peer/pytorch] the training loss became {step_loss} at task {done + batch}")
        task_losses.extend(l.item() for l in losses)
        done += batch
        steps += 1
        if steps % 10 == 0:
            log(f"{done}/{args.max_tasks} tasks, loss {step_loss:.4f}, "
                f"{timed_tasks / timed_seconds if timed_seconds > 0 else 0:.2f} tasks/s")
    log(f"train: {timed_tasks} timed tasks in {timed_seconds:.2f}s")

    tail = max(1, len(task_losses) // 10)
    result = {
        "side": "pytorch",
        "variant": args.variant,
        "torch_version": torch.__version__,
        "python": platform.python_version(),
        "threads": args.threads,
        "seed": args.seed,
        "ways": args.ways, "shots": args.shots, "queries": args.queries,
        "meta_batch": args.meta_batch, "inner_steps": args.inner_steps, "inner_lr": args.inner_lr,
        "vocab_size": len(vocab),
        "tasks": done,
        "timed_tasks": timed_tasks,
        "train_seconds": round(timed_seconds, 4),
        "tasks_per_second": round(timed_tasks / timed_seconds, 4) if timed_seconds > 0 else None,
        "query_loss_last10pct": round(sum(task_losses[-tail:]) / tail, 4) if task_losses else None,
        "task_losses": [round(l, 6) for l in task_losses],
        "peak_rss_mb": round(peak_rss_mb(), 1),
    }
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
