"""Text normalisation for *matching* only (the stored text is never changed).

Two documents that differ only in case, punctuation, whitespace, invisible joiners or the
spelling variants below should hash the same, so the whole batch goes through a handful of
vectorised Arrow kernels (one C++ pass each) instead of a Python loop:

1. Unicode NFC (for Devanagari/Bengali/Gurmukhi this also turns precomposed nukta letters
   into base + nukta, so both spellings converge).
2. Lower case (Latin, and romanized Indic / Hinglish).
3. Drop zero-width characters (ZWSP, ZWJ, ZWNJ, BOM, soft hyphen): rendering hints, not content.
4. Drop the nukta (़ and its Bengali/Gurmukhi/Gujarati/Oriya siblings) and fold chandrabindu
   into anusvara: writers use ज़/ज and ँ/ं interchangeably, so for near-duplicate purposes
   they are the same word.
5. Punctuation and symbols (including dandas ।॥) become spaces; whitespace runs collapse.

The result is a list of words per document (``utf8_split_whitespace``) and the words joined by
single spaces (whose hash is the exact-duplicate key).
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import xxhash

_INVISIBLE_AND_NUKTA = r"[\x{200B}-\x{200D}\x{2060}\x{FEFF}\x{00AD}\x{093C}\x{09BC}\x{0A3C}\x{0ABC}\x{0B3C}]"
_CHANDRABINDU = {"\u0901": "\u0902", "\u0981": "\u0982", "\u0a01": "\u0a02", "\u0a81": "\u0a82", "\u0b01": "\u0b02"}
_PUNCT_SYMBOL = r"[\pP\pS]+"


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
    x = pc.utf8_normalize(x, form="NFC")
    x = pc.utf8_lower(x)
    x = pc.replace_substring_regex(x, _INVISIBLE_AND_NUKTA, "")
    for src, dst in _CHANDRABINDU.items():
        x = pc.replace_substring(x, src, dst)
    return pc.replace_substring_regex(x, _PUNCT_SYMBOL, " ")


def words(texts) -> pa.ListArray:
    """Normalised words per document (list<string>)."""
    return pc.utf8_split_whitespace(normalize_texts(texts))


def text_hashes(word_lists: pa.ListArray) -> list[str]:
    """Exact-duplicate key: xxh64 (hex) of the normalised words joined by single spaces."""
    joined = pc.binary_join(word_lists, " ").to_pylist()
    return [xxhash.xxh64_hexdigest(t.encode("utf-8")) for t in joined]


def lengths(texts) -> np.ndarray:
    """Length in characters of the raw text (0 for missing), for the 'longest' keeper policy."""
    return pc.fill_null(pc.utf8_length(_as_string_array(texts)), 0).to_numpy(zero_copy_only=False).astype(np.int64)
