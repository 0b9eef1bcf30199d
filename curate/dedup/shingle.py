"""Shingles: the set of overlapping token n-grams that MinHash compares.

Tokens are either normalised words (default; good for every script that separates words
with spaces, which covers all Indic scripts and code-mixed Hinglish) or grapheme clusters
(``char`` mode, for short or unsegmented text).  Grapheme clusters are never split: a base
letter keeps its combining marks (matras, nukta, anusvara) and a virama glues the next
consonant into the same cluster (conjuncts such as क्ष), so an n-gram boundary never cuts
a syllable in half.

Everything after tokenisation is vectorised over the whole batch:

* words are cut straight out of the normalised Arrow string buffer (single spaces separate
  them) and hashed with a polynomial byte hash in numpy: no per-word Python, and a
  document gets the same shingles whatever batch it arrives in;
* n-gram hashes are built by mixing neighbouring token hashes over the flat token array;
* documents shorter than ``n`` tokens get one shingle made of all their tokens.

Output: a flat ``uint64`` array of 32-bit shingle keys plus per-document offsets
(CSR layout), ready for :mod:`curate.dedup.minhash`.
"""

from __future__ import annotations

import re
import sys
import unicodedata

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from curate.dedup.normalize import normalize_texts

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
VIRAMAS = "\u094d\u09cd\u0a4d\u0acd\u0b4d\u0bcd\u0c4d\u0ccd\u0d4d\u0dca\ua8c4\u1b44"


def _mark_class() -> str:
    ranges = [(0x0300, 0x036F), (0x0483, 0x0489), (0x0591, 0x05C7), (0x0610, 0x065F), (0x0670, 0x0670),
              (0x06D6, 0x06ED), (0x0900, 0x0DFF), (0x1AB0, 0x1CFF), (0x1DC0, 0x1DFF), (0x20D0, 0x20FF),
              (0xA8E0, 0xA8FF), (0xFE20, 0xFE2F), (0x11000, 0x1107F)]
    chars = [chr(c) for lo, hi in ranges for c in range(lo, hi + 1) if unicodedata.category(chr(c)).startswith("M")]
    return "".join(re.escape(c) for c in chars)


_M = _mark_class()
# A cluster: orphan marks, or a base character + its marks, extended across virama + consonant.
GRAPHEME = re.compile(f"[{_M}]+|[^{_M}][{_M}]*(?:(?<=[{VIRAMAS}])[^\\s{_M}][{_M}]*)*", re.S)


def graphemes(text: str) -> list[str]:
    """Split text into grapheme clusters (Indic conjuncts kept whole)."""
    return GRAPHEME.findall(text)


def splitmix64(x: np.ndarray) -> np.ndarray:
    """Finaliser of SplitMix64: a cheap, well-mixed bijection on uint64 (wrapping arithmetic)."""
    x = x ^ (x >> np.uint64(30))
    x = x * np.uint64(0xBF58476D1CE4E5B9)
    x = x ^ (x >> np.uint64(27))
    x = x * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


_BYTE_BASE = 0x100000001B3 * 0x9E37 | 1           # odd, hence invertible modulo 2**64
_BYTE_BASE_INV = pow(_BYTE_BASE, -1, 2**64)


_POWERS: tuple[np.ndarray, np.ndarray] = (np.zeros(0, np.uint64), np.zeros(0, np.uint64))
_POWERS_CACHE_MAX = 1 << 23   # 8 Mi positions = 2 x 64 MiB; longer buffers compute their own


def _powers(n: int) -> tuple[np.ndarray, np.ndarray]:
    """(B**(i+1), B**-(i+1)) for i < n, cached across batches (read-only once built)."""
    global _POWERS
    if len(_POWERS[0]) >= n:
        return _POWERS
    size = max(n, min(2 * len(_POWERS[0]), _POWERS_CACHE_MAX), 1 << 16)
    with np.errstate(over="ignore"):
        fwd = np.cumprod(np.full(size, np.uint64(_BYTE_BASE), np.uint64))
        inv = np.cumprod(np.full(size, np.uint64(_BYTE_BASE_INV), np.uint64))
    fwd.flags.writeable = False
    inv.flags.writeable = False
    if size <= _POWERS_CACHE_MAX:
        _POWERS = (fwd, inv)     # one tuple assignment: threads see the old or the new pair
    return fwd, inv


def _span_hashes(buf: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Hash each byte span ``buf[starts[k]:ends[k]]`` with a handful of whole-buffer numpy passes.

    Polynomial hash ``P = sum((byte_i + 1) * B**i) mod 2**64`` over the span, read off prefix
    sums of the whole buffer: ``(H[end] - H[start]) * B**-start`` (B is odd, so invertible),
    then finished with SplitMix64 and the length.  Deterministic across batches, machines and
    library versions, and no Python call per word.
    """
    if len(starts) == 0:
        return np.zeros(0, np.uint64)
    n = len(buf)
    powers, inverse = _powers(n)
    with np.errstate(over="ignore"):
        terms = buf.astype(np.uint64)
        terms += np.uint64(1)
        terms *= powers[:n]
        prefix = np.zeros(n + 1, np.uint64)
        np.cumsum(terms, out=prefix[1:])
        del terms
        h = (prefix[ends] - prefix[starts]) * inverse[starts]
        return splitmix64(h ^ ((ends - starts).astype(np.uint64) * _GOLDEN))


def _string_buffers(arr: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """(bytes, offsets[len+1]) of a string array without copying."""
    arr = arr.cast(pa.string())
    offsets = np.frombuffer(arr.buffers()[1], np.int32)[arr.offset:arr.offset + len(arr) + 1].astype(np.int64)
    data = np.frombuffer(arr.buffers()[2], np.uint8) if arr.buffers()[2] is not None else np.zeros(0, np.uint8)
    return data, offsets


def word_hashes(norm: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """Hash of every word of normalised texts (words separated by ASCII whitespace).

    Returns (flat word hashes, per-document offsets into them).
    """
    data, offsets = _string_buffers(norm)
    lo, hi = int(offsets[0]), int(offsets[-1])
    buf = data[lo:hi]
    offsets = offsets - lo
    # ASCII whitespace: tab, newline, vertical tab, form feed, carriage return, space.
    is_space = (buf == 0x20) | ((buf >= 0x09) & (buf <= 0x0D))
    # A word starts at a document start or after a space, and ends before a space or the document end.
    edge_start = np.zeros(len(buf) + 1, bool)
    edge_start[offsets[:-1]] = True
    edge_end = np.zeros(len(buf) + 1, bool)
    edge_end[offsets[1:]] = True
    prev_space = np.concatenate([[True], is_space[:-1]])
    next_space = np.concatenate([is_space[1:], [True]])
    starts = np.flatnonzero(~is_space & (prev_space | edge_start[:-1]))
    ends = np.flatnonzero(~is_space & (next_space | edge_end[1:])) + 1
    h = _span_hashes(buf, starts, ends)
    doc_offsets = np.searchsorted(starts, offsets)
    return h, doc_offsets


def sequence_hashes(h: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """One hash per document of its token sequence (order-sensitive): the exact-duplicate key."""
    lens = np.diff(offsets)
    out = np.zeros(len(lens), np.uint64)
    if len(h):
        doc = np.repeat(np.arange(len(lens)), lens)
        within = np.arange(len(h), dtype=np.uint64) - offsets[:-1][doc].astype(np.uint64)
        with np.errstate(over="ignore"):
            terms = splitmix64(h + within * _GOLDEN)
            nz = np.flatnonzero(lens > 0)
            out[nz] = np.add.reduceat(terms, offsets[:-1][nz])
    return splitmix64(out ^ lens.astype(np.uint64))


def string_hashes(flat: pa.Array) -> np.ndarray:
    """Hash of each string of a flat string array (empty strings hash to a constant)."""
    data, offsets = _string_buffers(flat)
    lens = np.diff(offsets)
    out = np.full(len(lens), splitmix64(np.zeros(1, np.uint64))[0], np.uint64)
    nz = np.flatnonzero(lens > 0)
    out[nz] = _span_hashes(data, offsets[:-1][nz], offsets[1:][nz])
    return out


def ngram_shingles(h: np.ndarray, offsets: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Hash every token n-gram of every document: (flat 32-bit keys as uint64, offsets[len+1]).

    ``h`` holds token hashes, ``offsets`` each document's token range (CSR layout).
    """
    offsets = np.asarray(offsets, np.int64)
    starts, lens = offsets[:-1], np.diff(offsets)
    total = len(h)
    # grams[k-1][i] = hash of the k tokens starting at flat position i (garbage past a doc's end,
    # but those positions are never read).
    grams = [splitmix64(h)]
    padded = np.concatenate([h, np.zeros(n, np.uint64)])
    with np.errstate(over="ignore"):
        for k in range(1, n):
            grams.append(splitmix64(grams[-1] * _GOLDEN ^ padded[k:k + total]))
    counts = np.where(lens >= n, lens - n + 1, (lens > 0).astype(np.int64))
    out_offsets = np.zeros(len(lens) + 1, np.int64)
    np.cumsum(counts, out=out_offsets[1:])
    doc_of_slot = np.repeat(np.arange(len(lens)), counts)
    pos = np.arange(out_offsets[-1], dtype=np.int64) - out_offsets[:-1][doc_of_slot] + starts[doc_of_slot]
    keys = grams[n - 1][pos] if total else np.zeros(0, np.uint64)
    short = np.flatnonzero((lens > 0) & (lens < n))
    for k in np.unique(lens[short]):
        docs = short[lens[short] == k]
        keys[out_offsets[docs]] = grams[k - 1][starts[docs]]
    # MinHash below uses a universal family over 32-bit keys: keep the well-mixed high half.
    return keys >> np.uint64(32), out_offsets


def grapheme_hashes(norm: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """Hash of every grapheme cluster of normalised texts (spaces kept as tokens so word edges count)."""
    tokens = pa.array([graphemes(" ".join(t.split())) for t in norm.to_pylist()], pa.list_(pa.string()))
    offsets = np.asarray(tokens.offsets, np.int64)
    return string_hashes(pc.list_flatten(tokens)), offsets - offsets[0]


def shingle_batch(texts, mode: str = "word", n: int = 3) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Shingle keys + offsets for a batch of raw texts, plus each text's exact-duplicate hash."""
    norm = normalize_texts(texts)
    wh, woffsets = word_hashes(norm)
    h, offsets = (wh, woffsets) if mode == "word" else grapheme_hashes(norm)
    keys, offsets = ngram_shingles(h, offsets, n)
    return keys, offsets, sequence_hashes(wh, woffsets)


if sys.byteorder != "little":  # pragma: no cover - hashes are defined on little-endian integers
    raise ImportError("curate.dedup assumes a little-endian machine")
