"""Text normalisation for *matching* only (the stored text is never changed).

Two documents that differ only in case, punctuation, whitespace, invisible joiners or the
spelling variants below should hash the same, so the whole batch goes through a handful of
vectorised Arrow kernels (one C++ pass each) instead of a Python loop:

1. Unicode NFC (for Devanagari/Bengali/Gurmukhi this also turns precomposed nukta letters
   into base + nukta, so both spellings converge).
2. Lower case (Latin, and romanized Indic / Hinglish).
3. Drop zero-width characters (ZWSP, ZWJ, ZWNJ, BOM, soft hyphen): rendering hints, not content.
4. Drop the nukta (़ and its Bengali/Gurmukhi/Gujarati/Oriya siblings) and the nasal signs
   chandrabindu and anusvara: writers use ज़/ज and ँ/ं interchangeably (and often drop them),
   so for near-duplicate purposes they are the same word.  One regex pass does 3 and 4.
5. Everything that is not a letter, mark, number or ASCII whitespace (punctuation, symbols,
   dandas ।॥, Unicode spaces, control characters) becomes an ASCII space.  The negated class
   is ~3x faster in RE2 than listing the punctuation/symbol/separator classes.

The result is one string per document whose words are separated by ASCII whitespace bytes:
:mod:`curate.dedup.shingle` cuts words straight out of the Arrow buffer, and the hash of the
word sequence is the exact-duplicate key (so whitespace differences never matter).
"""

from __future__ import annotations

import unicodedata

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

# Zero-width characters; nukta of Devanagari/Bengali/Gurmukhi/Gujarati/Oriya; candrabindu + anusvara
# of the same scripts (U+0901-0902, 0981-0982, 0A01-0A02, 0A81-0A82, 0B01-0B02).
_DROP = (r"[\x{200B}-\x{200D}\x{2060}\x{FEFF}\x{00AD}\x{093C}\x{09BC}\x{0A3C}\x{0ABC}\x{0B3C}"
         r"\x{0901}\x{0902}\x{0981}\x{0982}\x{0A01}\x{0A02}\x{0A70}\x{0A81}\x{0A82}\x{0B01}\x{0B02}]+")
_SEPARATORS = r"[^\pL\pM\pN\s]+"


def _nfc_suspects() -> str:
    """RE2 class of the characters after which NFC may change a string.

    A string holding none of them is already NFC (Unicode's quick check answers YES), so
    only the rows that hold one pay for ``utf8_normalize``: characters that are not NFC on
    their own (e.g. precomposed nukta letters क़) and characters that compose with the one
    before them (e.g. Tamil ா, Bengali া, Latin combining accents).  Not covered: combining
    marks typed out of canonical order (NFC would reorder them), which editors do not produce.
    """
    codes = set()
    for c in range(0x80, 0x30000):
        if 0xD800 <= c < 0xE000:
            continue
        ch = chr(c)
        if not unicodedata.is_normalized("NFC", ch):
            codes.add(c)
        dec = unicodedata.decomposition(ch)
        if dec and not dec.startswith("<") and len(dec.split()) == 2:
            codes.add(int(dec.split()[1], 16))
    ranges, run = [], []
    for c in sorted(codes):
        if run and c == run[-1] + 1:
            run.append(c)
        else:
            if run:
                ranges.append((run[0], run[-1]))
            run = [c]
    if run:
        ranges.append((run[0], run[-1]))
    return "[" + "".join(f"\\x{{{a:X}}}" if a == b else f"\\x{{{a:X}}}-\\x{{{b:X}}}" for a, b in ranges) + "]"


_NFC_SUSPECTS = _nfc_suspects()


def _where_matching(x: pa.Array, pattern: str, fn) -> pa.Array:
    """Apply ``fn`` only to the rows that match ``pattern`` (a cheap scan skips the rest)."""
    mask = pc.match_substring_regex(x, pattern)
    hits = pc.sum(mask).as_py() or 0
    if hits == 0:
        return x
    if hits == len(x) - x.null_count:
        return fn(x)
    return pc.replace_with_mask(x, mask, fn(x.filter(mask)))


def _as_string_array(texts: pa.Array | pa.ChunkedArray | list) -> pa.Array:
    if isinstance(texts, list):
        texts = pa.array(texts, pa.string())
    if isinstance(texts, pa.ChunkedArray):
        texts = texts.combine_chunks() if texts.num_chunks else pa.array([], pa.string())
    if pa.types.is_large_string(texts.type) or pa.types.is_string_view(texts.type):
        texts = texts.cast(pa.string())
    # Missing text is matched as empty text.
    return pc.fill_null(texts, "")


def normalize_texts(texts) -> pa.Array:
    """Normalised text per document (string array, same length)."""
    x = _as_string_array(texts)
    x = _where_matching(x, _NFC_SUSPECTS, lambda a: pc.utf8_normalize(a, form="NFC"))
    x = pc.utf8_lower(x)
    x = _where_matching(x, _DROP, lambda a: pc.replace_substring_regex(a, _DROP, ""))
    return pc.replace_substring_regex(x, _SEPARATORS, " ")


def words(texts) -> list[list[str]]:
    """Normalised words per document (for inspection and tests; the hot path never splits in Python)."""
    return [t.split() for t in normalize_texts(texts).to_pylist()]


def lengths(texts) -> np.ndarray:
    """Length in characters of the raw text (0 for missing), for the 'longest' keeper policy."""
    if isinstance(texts, list):
        texts = pa.array(texts, pa.string())
    # utf8_length works chunk by chunk: no copy of the (possibly huge) text column.
    out = pc.fill_null(pc.utf8_length(texts), 0)
    return out.to_numpy() if isinstance(out, pa.ChunkedArray) else out.to_numpy(zero_copy_only=False)
