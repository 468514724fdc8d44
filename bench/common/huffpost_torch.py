"""HuffPost (Bao et al. 2020 split) and the Kim-CNN encoder in plain PyTorch, shared by the PyTorch sides of the
peer benchmarks (bench/protonet-peer/protonet_peer.py, bench/maml-peer/maml_peer.py).

Everything here must match MetaNlp exactly:
  data       $DATA/huffpost_bao/huffpost.json, train classes 0..19, test classes 25..40
  tokens     lower-case, re.findall(r"\\[/?E[12]\\]|\\w+|[^\\w\\s]"), truncated to 128 tokens
  vocabulary train classes' texts only, min count 1; 0 = <pad>, 1 = <unk>; descending count, then ordinal order
  batch      padded with id 0 to the longest text but at least 5 tokens (the widest filter); a text's length is its
             token count, at least 1 (an empty text is one padding token, as in MetaNlp's TokenBatch)
  encoder    embedding V x 300 (normal init) -> padded positions zeroed -> Conv1d(300, 100, k) k = 3, 4, 5 (bias)
             -> windows past a text's last full window masked with -1e9 -> max over time -> ReLU -> concat (300-d)

Plain PyTorch (written for Debian 12's python3-torch, PyTorch 1.13), no other dependency.
"""

import json
import math
import os
import random
from collections import Counter

import torch
import torch.nn.functional as F

from word_tokens import default_data_dir, tokenize  # noqa: F401 (default_data_dir: used by the peers)

MIN_BATCH_LEN = 5  # the widest filter
PAD, UNK = 0, 1
TRAIN_CLASSES = list(range(0, 20))
TEST_CLASSES = list(range(25, 41))
EMBED_DIM = 300
FILTERS = 100
KERNELS = (3, 4, 5)
OUTPUT_DIM = FILTERS * len(KERNELS)


def load_huffpost(data_dir):
    """Token lists and integer labels of every HuffPost text, in file order."""
    path = os.path.join(data_dir, "huffpost_bao", "huffpost.json")
    texts, labels = [], []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            row = json.loads(line)
            texts.append(tokenize(row["raw"]))
            labels.append(int(row["label"]))
    return texts, labels


def build_vocab(token_lists):
    counts = Counter()
    for toks in token_lists:
        counts.update(toks)
    # Descending frequency, then ordinal string order (Python compares code points; MetaNlp uses
    # string.CompareOrdinal; they agree except for characters outside the BMP, none in this file).
    ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    vocab = {"<pad>": PAD, "<unk>": UNK}
    for tok, _ in ordered:
        if tok not in vocab:
            vocab[tok] = len(vocab)
    return vocab


def load_ids(data_dir):
    """(ids, labels, vocab): every text as token ids under the vocabulary of the training classes' texts."""
    token_lists, labels = load_huffpost(data_dir)
    train_set = set(TRAIN_CLASSES)
    vocab = build_vocab([t for t, y in zip(token_lists, labels) if y in train_set])
    ids = [[vocab.get(tok, UNK) for tok in toks] for toks in token_lists]
    return ids, labels, vocab


def pad_batch(seqs):
    """(ids [B, T] int64 padded with PAD, lengths [B] int64) with T = max(5, longest) and lengths at least 1."""
    width = max(MIN_BATCH_LEN, max(len(s) for s in seqs))
    batch = torch.zeros(len(seqs), width, dtype=torch.long)  # PAD = 0
    for r, s in enumerate(seqs):
        if s:
            batch[r, : len(s)] = torch.tensor(s, dtype=torch.long)
    lengths = torch.tensor([max(1, len(s)) for s in seqs], dtype=torch.long)
    return batch, lengths


def lengths_of(ids):
    """Lengths of a padded id batch (real tokens never have id PAD), at least 1."""
    return ids.ne(PAD).sum(dim=1).clamp(min=1)


def kim_cnn(ids, lengths, table, conv_weights, conv_biases):
    """The Kim-CNN encoder as a function of explicit weights: ids [B, T] -> [B, 300].

    Padded positions are zeroed (a length counts an empty text as one padding token, which stays), and windows that
    start after a text's last full window are left out of the max, as in MetaNlp's CnnEncoder, so a text's vector
    does not depend on its batch's padding. `table` may be the whole V x 300 table or a task-local one."""
    width = ids.shape[1]
    mask = torch.arange(width).unsqueeze(0).lt(lengths.unsqueeze(1)).to(table.dtype)  # [B, T]
    x = (F.embedding(ids, table) * mask.unsqueeze(-1)).transpose(1, 2)  # [B, 300, T]
    pooled = []
    for k, weight, bias in zip(KERNELS, conv_weights, conv_biases):
        out = F.conv1d(x, weight, bias)  # [B, F, T-k+1]
        starts = torch.arange(out.shape[2]).unsqueeze(0)
        invalid = starts.gt((lengths - k).clamp(min=0).unsqueeze(1)).unsqueeze(1)  # [B, 1, windows]
        pooled.append(F.relu(out.masked_fill(invalid, -1e9).max(dim=2).values))
    return torch.cat(pooled, dim=1)  # [B, 300]


def init_kim_cnn(vocab_size):
    """Fresh weights as MetaNlp makes them: (table N(0, 1), [conv weight per width], [conv bias per width]);
    conv weights and biases uniform in +-1/sqrt(300 k) (PyTorch's default conv init). All require gradients."""
    table = torch.randn(vocab_size, EMBED_DIM).requires_grad_()
    weights, biases = [], []
    for k in KERNELS:
        bound = 1.0 / math.sqrt(EMBED_DIM * k)
        weights.append(torch.empty(FILTERS, EMBED_DIM, k).uniform_(-bound, bound).requires_grad_())
        biases.append(torch.empty(FILTERS).uniform_(-bound, bound).requires_grad_())
    return table, weights, biases


class EpisodeSampler:
    """Seeded N-way episodes: N distinct classes, then shots + queries distinct texts per class."""

    def __init__(self, labels, classes, ways, shots, queries, seed):
        self.by_class = {c: [] for c in classes}
        for i, y in enumerate(labels):
            if y in self.by_class:
                self.by_class[y].append(i)
        self.classes = list(classes)
        self.ways, self.shots, self.queries = ways, shots, queries
        self.rng = random.Random(seed)

    def sample_indices(self):
        """(support, query): text indices class by class (labels 0..N-1 in that order)."""
        chosen = self.rng.sample(self.classes, self.ways)
        picks = [self.rng.sample(self.by_class[c], self.shots + self.queries) for c in chosen]
        support = [p[j] for p in picks for j in range(self.shots)]
        query = [p[j] for p in picks for j in range(self.shots, self.shots + self.queries)]
        return support, query
