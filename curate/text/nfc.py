"""Unicode NFC, the form curate stores text in: :func:`nfc`, and a fast pre-check usable inside DuckDB's RE2 regexes.

Full NFC normalisation costs ~30 µs per KB of Indic text (utf8proc in DuckDB, or
CPython's ``unicodedata``) and dominated ingest time.  Almost all real text is
already NFC, and a string can only change under NFC if it contains

* a character whose NFC quick-check is *No* (e.g. precomposed क़ U+0958, which NFC
  decomposes, or singletons such as the Ohm sign),
* a canonical pair that composes (e.g. Bengali ে + া → ো, न + ़ → ऩ, e + ◌́ → é; Hangul
  jamo sequences); the second half alone (NFC quick-check *Maybe*) is not enough, so
  ordinary Bengali or Tamil text with া or ா is not sent to the slow path, or
* two adjacent combining marks (canonical combining class > 0) that may need reordering,
  or a mark after a precomposed letter whose decomposition ends in a mark (ȩ + ◌́).

:func:`needs_nfc_pattern` builds one RE2 pattern matching exactly those situations, so
``CASE WHEN regexp_matches(s, pattern) THEN nfc_normalize(s) ELSE s END`` equals
``nfc_normalize(s)`` while skipping the expensive call for the common case.
"""

from __future__ import annotations

import functools
import unicodedata

_MAX_CP = 0x30000  # BMP and the supplementary planes that hold letters; beyond is unassigned/private


def _ranges(cps: list[int]) -> str:
    out, start, prev = [], None, None
    for cp in sorted(cps):
        if start is None:
            start = prev = cp
        elif cp == prev + 1:
            prev = cp
        else:
            out.append((start, prev))
            start = prev = cp
    if start is not None:
        out.append((start, prev))
    return "".join(f"\\x{{{a:04X}}}" if a == b else f"\\x{{{a:04X}}}-\\x{{{b:04X}}}" for a, b in out)


@functools.lru_cache(maxsize=1)
def _nfc_sets() -> tuple[frozenset, frozenset, frozenset, dict]:
    """(unstable, marks, ends_in_mark, firsts): the code point sets the pre-check is made of (see the module doc);
    ``firsts`` maps the second code point of each composing pair to the set of its possible first ones."""
    unstable, marks, ends_in_mark = set(), set(), set()
    firsts: dict[int, set[int]] = {}
    for cp in range(_MAX_CP):
        ch = chr(cp)
        if 0xD800 <= cp <= 0xDFFF:
            continue
        if not unicodedata.is_normalized("NFC", ch):
            unstable.add(cp)
        decomp = unicodedata.decomposition(ch)
        if decomp and not decomp.startswith("<"):
            parts = decomp.split()
            # A pair composes unless the precomposed form is excluded (NFC of it is not itself).
            if len(parts) == 2 and unicodedata.normalize("NFC", ch) == ch:
                firsts.setdefault(int(parts[1], 16), set()).add(int(parts[0], 16))
        if unicodedata.combining(ch):
            marks.add(cp)
        full = unicodedata.normalize("NFD", ch)
        if len(full) > 1 and unicodedata.combining(full[-1]):
            ends_in_mark.add(cp)  # e.g. ȩ: a following mark may need reordering against its cedilla
    unstable.update(range(0x1161, 0x1176))  # Hangul medial vowels compose with a leading jamo
    unstable.update(range(0x11A8, 0x11C3))  # … and trailing consonants with an LV syllable
    return frozenset(unstable), frozenset(marks), frozenset(ends_in_mark), firsts


@functools.lru_cache(maxsize=1)
def needs_nfc_pattern() -> str:
    unstable, marks, ends_in_mark, firsts = _nfc_sets()
    m = _ranges(sorted(marks))
    pairs = "|".join(f"[{_ranges(sorted(a))}]\\x{{{b:04X}}}" for b, a in sorted(firsts.items()))
    return f"[{_ranges(sorted(unstable))}]|[{m}{_ranges(sorted(ends_in_mark))}][{m}]|{pairs}"


# Bits of :func:`nfc_tables`' per-code-point flags.
NFC_UNSTABLE, NFC_MARK, NFC_ENDS_IN_MARK, NFC_PAIR_SECOND, NFC_PAIR_FIRST = 1, 2, 4, 8, 16
NFC_TABLE_SIZE = _MAX_CP


@functools.lru_cache(maxsize=1)
def nfc_tables():
    """The pre-check of :func:`needs_nfc_pattern` as lookup tables for compiled code.

    Returns ``(flags, pairs)``: ``flags`` a uint8 array over code points ``0 .. NFC_TABLE_SIZE - 1``
    (bits ``NFC_UNSTABLE``, ``NFC_MARK``, ``NFC_ENDS_IN_MARK``, ``NFC_PAIR_SECOND``, ``NFC_PAIR_FIRST``; code points
    beyond never need NFC), ``pairs`` the sorted int64 keys ``second << 21 | first`` of the
    composing pairs.  A string needs NFC only if a code point is unstable, a mark follows a mark or
    a letter ending in one, or two adjacent code points form a pair.
    """
    import numpy as np

    unstable, marks, ends_in_mark, firsts = _nfc_sets()
    flags = np.zeros(_MAX_CP, np.uint8)
    flags[list(unstable)] |= NFC_UNSTABLE
    flags[list(marks)] |= NFC_MARK
    flags[list(ends_in_mark)] |= NFC_ENDS_IN_MARK
    flags[list(firsts)] |= NFC_PAIR_SECOND
    flags[sorted({a for firsts_b in firsts.values() for a in firsts_b})] |= NFC_PAIR_FIRST
    pairs = np.array(sorted((b << 21) | a for b, firsts_b in firsts.items() for a in firsts_b), np.int64)
    return flags, pairs


def nfc(text: str) -> str:
    """``text`` in Unicode Normalization Form C (canonical composition); already-NFC text is returned as is.

    NFC is the form curate stores text in. For Devanagari, Bengali and Gurmukhi the precomposed nukta
    letters (क़ U+0958 …) are composition exclusions: NFC yields base + nukta (क + ़), so two spellings of
    one word become one string. ``is_normalized`` is a quick check that avoids building a new string.
    """
    return text if unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)
