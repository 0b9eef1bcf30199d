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


_TOKEN_RE = re.compile("|".join(f"({_char_class(i)})" for i in range(1, len(SCRIPTS))))


def tokenize(norm_text: str) -> list[tuple[str, str]]:
    """(token, script) pairs for a normalised text; digits, punctuation and emoji are not tokens."""
    return [(m.group(), SCRIPTS[m.lastindex]) for m in _TOKEN_RE.finditer(norm_text)]


_NUMBER_RE = re.compile(r"\d+")


def count_numbers(norm_text: str) -> int:
    """Number tokens (any script's digits): language-independent tokens for the code-mixing index."""
    return len(_NUMBER_RE.findall(norm_text))
