#!/usr/bin/env python3
"""Writes accent-stripping.txt: for every code point that is not itself a non-spacing mark (Mn) and whose NFD
form changes once Mn characters are dropped, one line `CODE REPLACEMENT...` (hex code points; the replacement
may be empty). Hangul syllables are left out: BertTextNormalizer decomposes them algorithmically.

BERT uncased strips accents with NFD followed by dropping Mn. .NET cannot normalise strings when the app runs with
InvariantGlobalization (this repository does), so MetaNlp carries the table. Regenerate with the python3 standard
library:  python3 src/MetaNlp/Text/Resources/make_accent_table.py > src/MetaNlp/Text/Resources/accent-stripping.txt
"""
import unicodedata

print("# NFD without Mn, from Python's unicodedata (Unicode %s); see make_accent_table.py" % unicodedata.unidata_version)
for cp in range(0x110000):
    if 0xD800 <= cp <= 0xDFFF or 0xAC00 <= cp <= 0xD7A3:
        continue
    ch = chr(cp)
    if unicodedata.category(ch) == "Mn":
        continue
    stripped = "".join(c for c in unicodedata.normalize("NFD", ch) if unicodedata.category(c) != "Mn")
    if stripped != ch:
        print(" ".join(["%04X" % cp] + ["%04X" % ord(c) for c in stripped]))
