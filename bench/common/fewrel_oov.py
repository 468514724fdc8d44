"""How much of the FewRel val_wiki split's validation and test text lies outside the training vocabulary.

Tokens follow MetaNlp's word tokenizer (bench/common/word_tokens.py); the vocabulary is every token of the 8 training
relations (the split of docs/BENCHMARKS.md, "Benchmark protocols"), as in `metanlp train --dataset fewrel`.
    python3 bench/common/fewrel_oov.py            # reads $METANLP_DATA, else ../shared/datasets
"""

import json
import os

from fewrel_split import TEST, TRAIN, VALIDATION
from word_tokens import default_data_dir, tokenize

SPLIT = {"train": TRAIN, "val": VALIDATION, "test": TEST}


def texts(data, relations):
    # The entity markers MetaNlp's FewRel loader adds are in every split's vocabulary, so plain tokens give the same counts.
    for relation in relations:
        for instance in data[relation]:
            yield tokenize(" ".join(instance["tokens"]))


def main():
    with open(os.path.join(default_data_dir(), "fewrel", "val_wiki.json"), encoding="utf-8") as f:
        data = json.load(f)
    vocabulary = {token for tokens in texts(data, SPLIT["train"]) for token in tokens}
    print(f"training vocabulary: {len(vocabulary)} words")
    for split in ("val", "test"):
        running = unknown = 0
        distinct, distinct_unknown = set(), set()
        for tokens in texts(data, SPLIT[split]):
            running += len(tokens)
            unknown += sum(token not in vocabulary for token in tokens)
            distinct.update(tokens)
            distinct_unknown.update(token for token in tokens if token not in vocabulary)
        print(f"{split}: {100 * len(distinct_unknown) / len(distinct):.1f} % of distinct words and "
              f"{100 * unknown / running:.1f} % of running words are out of vocabulary")


if __name__ == "__main__":
    main()
