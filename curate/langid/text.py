"""Normalisation and tokenisation for language ID.

* NFC, so precomposed and decomposed forms (nukta letters, Bengali য়) score alike.
* ZWJ/ZWNJ removed: they change rendering, not language, and writers use them inconsistently.
* Farsi yeh (U+06CC) mapped to Arabic yeh (U+064A), as langdetect does, because the
  Perso-Arabic profiles we reuse were built that way.
* Latin lower-cased.

Tokens are maximal runs of letters of one script (one regex alternative per script,
so ``m.lastindex`` *is* the script id and mixed-script words split at the boundary).
"""

from __future__ import annotations

import re
import unicodedata

from curate.langid.scripts import SCRIPTS, TABLE

_ZW = dict.fromkeys([0x200C, 0x200D, 0x200B, 0xFEFF, 0x00AD])
_MAP = {0x06CC: 0x064A, **_ZW}


def normalize(text: str) -> str:
    return unicodedata.normalize("NFC", text).translate(_MAP).lower()


def _char_class(script_id: int) -> str:
    """A regex character class of every BMP code point whose script id is ``script_id``."""
    idx = (TABLE == script_id).nonzero()[0]
    parts: list[str] = []
    start = prev = int(idx[0])
    for cp in list(map(int, idx[1:])) + [-1]:
        if cp == prev + 1:
            prev = cp
            continue
        parts.append(re.escape(chr(start)) if start == prev else f"{re.escape(chr(start))}-{re.escape(chr(prev))}")
        start = prev = cp
    return "[" + "".join(parts) + "]+"


# One alternative per script: ``m.lastindex`` is the script id (used to split mixed-script runs).
_SPLIT_RE = re.compile("|".join(f"({_char_class(i)})" for i in range(1, len(SCRIPTS))))
# Any letter of any script: the fast path.
_LETTERS_RE = re.compile("[" + "".join(_char_class(i)[1:-2] for i in range(1, len(SCRIPTS))) + "]+")
_SCRIPT_OF = TABLE.tobytes()  # code point -> script id, as bytes for fast indexing from Python


def tokenize(norm_text: str) -> list[tuple[str, str]]:
    """(token, script) pairs for a normalised text; digits, punctuation and emoji are not tokens.

    A token is a maximal run of letters of one script. Runs are found with one regex; the rare
    run whose first and last letters differ in script is split by the per-script regex.
    """
    out: list[tuple[str, str]] = []
    table = _SCRIPT_OF
    for tok in _LETTERS_RE.findall(norm_text):
        a = ord(tok[0])
        b = ord(tok[-1])
        sa = table[a] if a < 0x10000 else 0
        if len(tok) == 1 or sa == (table[b] if b < 0x10000 else 0):
            out.append((tok, SCRIPTS[sa]))
        else:
            out.extend((m.group(), SCRIPTS[m.lastindex]) for m in _SPLIT_RE.finditer(tok))
    return out
