"""Match-only folding tables: what each code point becomes before tokens are hashed.

The stored text is never changed; these tables only decide which texts *match*.  For every
code point below :data:`TABLE_MAX` the table holds the folded sequence (0-4 code points),
each tagged with a class the tokenizer acts on:

* compatibility decomposition (NFKD, whose equivalence classes are exactly NFKC's):
  full-width ``１２３`` -> ``123``, ligature ``ﬁ`` -> ``fi``, ``①`` -> ``1``, math bold
  letters -> plain letters; decomposing instead of composing makes the fold a per-character
  table (NFKD needs no look at neighbours, NFC composition would);
* case folding (``str.casefold``: ``ß`` -> ``ss``);
* decimal digits of every script (Devanagari ``४``, Bengali ``৪``, Tamil ``௪``, Arabic-Indic
  ``٤`` ...) -> ASCII ``4``;
* dropped: format characters (ZWJ, ZWNJ, ZWSP, BOM, soft hyphen, bidi marks), variation
  selectors and emoji skin-tone modifiers, and the Indic nukta, anusvara and chandrabindu
  (writers use ज़/ज and ं/ँ interchangeably);
* everything that is not a letter, mark, number or symbol (``So``: emoji, ₹ is ``Sc`` and
  separates) becomes a word separator; ``. ! ? । ॥ …`` and line/paragraph breaks also end a
  segment (sentence), which the boilerplate detector counts.

Elongation (``pleaseeee``) is folded by the tokenizer: a letter or mark repeated right after
itself is dropped (digits never are: ``100`` stays ``100``).  Code points at or above
:data:`TABLE_MAX` (rare CJK extensions) are letters folded to themselves.
"""

from __future__ import annotations

import os
import unicodedata
from pathlib import Path

import numpy as np

from curate.text.digits import to_ascii_digits
from curate.text.scripts import VIRAMAS as TEXT_VIRAMAS

TABLE_MAX = 0x20000

# Classes (bits 24-26 of a table entry; the low 21 bits hold the folded code point).
LETTER, MARK, DIGIT, SYMBOL, SPACE, TERM, BREAK = 1, 2, 3, 4, 5, 6, 7
CLASS_SHIFT = 24
CP_MASK = (1 << 21) - 1

_DROP_INDIC = {0x093C, 0x09BC, 0x0A3C, 0x0ABC, 0x0B3C,                      # nukta
               0x0901, 0x0902, 0x0981, 0x0982, 0x0A01, 0x0A02, 0x0A70,      # candrabindu, anusvara, tippi
               0x0A81, 0x0A82, 0x0B01, 0x0B02}
_TERMINATORS = set(".!?\u0964\u0965\u061f\u06d4\u3002\u2026\u203c\u2047\u2048\u2049")
_BREAKS = set("\n\r\x0b\x0c\x85\u2028\u2029")
VIRAMAS = {ord(v) for v in TEXT_VIRAMAS}  # every script's (curate.text): glue a conjunct into one grapheme


def _classify(c: str) -> list[int]:
    """Table entries (class << 24 | code point) for one already-decomposed, case-folded character."""
    o = ord(c)
    if c in _BREAKS:
        return [BREAK << CLASS_SHIFT | 10]
    if c in _TERMINATORS:
        return [TERM << CLASS_SHIFT | 46]
    cat = unicodedata.category(c)
    if (o in _DROP_INDIC or cat == "Cf" or 0xFE00 <= o <= 0xFE0F or 0xE0100 <= o <= 0xE01EF
            or 0x1F3FB <= o <= 0x1F3FF):
        return []
    if cat == "Nd":
        return [DIGIT << CLASS_SHIFT | ord(to_ascii_digits(c))]
    if cat[0] == "N":
        return [DIGIT << CLASS_SHIFT | o] if unicodedata.digit(c, None) is None else \
            [DIGIT << CLASS_SHIFT | (48 + unicodedata.digit(c))]
    if cat[0] == "L":
        return [LETTER << CLASS_SHIFT | o]
    if cat[0] == "M":
        return [MARK << CLASS_SHIFT | o]
    if cat == "So":
        return [SYMBOL << CLASS_SHIFT | o]
    return [SPACE << CLASS_SHIFT | 32]


def _fold_char(cp: int) -> list[int]:
    ch = chr(cp)
    if ch in _TERMINATORS or ch in _BREAKS:   # before NFKD: '…' would become '...'
        return _classify(ch)
    s = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", ch).casefold())
    out: list[int] = []
    for c in s:
        out += _classify(c)
    return out


def build_tables() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(start int32[TABLE_MAX], length uint8[TABLE_MAX], data int32[...]) of the folded sequences."""
    start = np.zeros(TABLE_MAX, np.int32)
    length = np.zeros(TABLE_MAX, np.uint8)
    data: list[int] = []
    for cp in range(TABLE_MAX):
        if 0xD800 <= cp < 0xE000:
            seq = [SPACE << CLASS_SHIFT | 32]
        else:
            seq = _fold_char(cp)
        start[cp] = len(data)
        length[cp] = len(seq)
        data += seq
    return start, length, np.asarray(data, np.int32)


_TABLES: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None


def _cache_path() -> Path:
    """Where built tables are kept between processes: next to this module's bytecode, named by what they are built
    from (this module and curate.text's digit and virama rules, the Unicode database version), so a change of
    any of them builds anew."""
    import hashlib

    from curate.text import digits, scripts

    h = hashlib.sha256(unicodedata.unidata_version.encode())
    for mod in (__file__, digits.__file__, scripts.__file__):
        h.update(Path(mod).read_bytes())
    return Path(__file__).parent / "__pycache__" / f"fold-tables-{h.hexdigest()[:16]}.npz"


def _load_or_build() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The tables from the cache file when there is one (~1 ms), else built (~0.15-0.3 s of Python over every
    code point) and saved for the next process when the folder is writable (else just built: a read-only
    install loses only the time)."""
    import zipfile

    path = _cache_path()
    try:
        with np.load(path) as z:
            return z["start"], z["length"], z["data"]
    except (OSError, KeyError, ValueError, EOFError, zipfile.BadZipFile):   # none yet, or a damaged file
        pass
    start, length, data = build_tables()
    try:
        path.parent.mkdir(exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        with open(tmp, "wb") as fh:
            np.savez(fh, start=start, length=length, data=data)
        os.replace(tmp, path)   # atomic: a process reading meanwhile sees the whole file or none
    except OSError:
        pass
    return start, length, data


def tables() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The folding tables, built once (cached on disk between processes, :func:`_load_or_build`) and read-only."""
    global _TABLES
    if _TABLES is None:
        t = _load_or_build()
        for a in t:
            a.flags.writeable = False
        _TABLES = t
    return _TABLES


_SINGLE: np.ndarray | None = None


def single_table() -> np.ndarray:
    """int32[TABLE_MAX]: each code point's one folded entry (class << 24 | code point), -1 when it
    folds to nothing, -2 when it folds to several (then read :func:`tables`).  The tokenizer's one
    table load per code point; built once per process from :func:`tables`, read-only."""
    global _SINGLE
    if _SINGLE is None:
        start, length, data = tables()
        first = data[np.minimum(start, max(len(data) - 1, 0))]
        out = np.where(length == 1, first, np.where(length == 0, -1, -2)).astype(np.int32)
        out.flags.writeable = False
        _SINGLE = out
    return _SINGLE


def virama_table() -> np.ndarray:
    """Bool per folded code point < TABLE_MAX: a virama (glues the next consonant into a grapheme)."""
    out = np.zeros(TABLE_MAX, np.bool_)
    out[list(VIRAMAS)] = True
    return out
