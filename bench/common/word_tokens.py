"""MetaNlp's word tokenizer rule and data folder, in plain Python with no dependency, for the bench scripts.

tokens  re.findall(r"\\[/?E[12]\\]|\\w+|[^\\w\\s]") on the text as written, then every token but the entity markers
        lower-cased (as MetaNlp's WordTokenizer), truncated to 128 tokens (MetaNlp's default max length)
data    $METANLP_DATA, else ../shared/datasets beside the repository
"""

import os
import re

TOKEN_RE = re.compile(r"\[/?E[12]\]|\w+|[^\w\s]")
MARKER_RE = re.compile(r"\[/?E[12]\]")
MAX_TOKENS = 128


def default_data_dir():
    env = os.environ.get("METANLP_DATA")
    if env:
        return env
    repo_root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    return os.path.normpath(os.path.join(repo_root, "..", "shared", "datasets"))


def tokenize(text):
    return [t if MARKER_RE.fullmatch(t) else t.lower() for t in TOKEN_RE.findall(text)[:MAX_TOKENS]]
