"""MinHash signatures for a whole batch at once, and LSH band keys.

MinHash (Broder 1997): for a random hash function h, the probability that two sets have the
same minimum ``min h(S)`` equals their Jaccard similarity.  With ``num_perm`` independent
functions the fraction of equal minima estimates the Jaccard similarity with standard error
``sqrt(J (1 - J) / num_perm)``.

Hash family: multiply-shift (Dietzfelbinger 1996), ``h(x) = (a*x + b) >> 32`` with random
64-bit odd ``a`` and 64-bit ``b`` over 32-bit keys ``x`` — strongly universal like
datasketch's ``(a*x + b) mod p`` but without the modulo, which is the slowest numpy
operation on uint64.  Because ``>> 32`` is monotone, the minimum is taken over the full
64-bit products and shifted once at the end.

The work is a dense ``(perms x shingles)`` matrix op per chunk of permutations followed by
``np.minimum.reduceat`` over each document's shingle range: no Python per document.

LSH banding (Indyk-Motwani): the signature is cut into ``b`` bands of ``r`` rows; two
documents become candidates when any band matches exactly, with probability
``1 - (1 - J^r)^b``.  ``b`` and ``r`` come from datasketch's optimiser, which minimises the
weighted false-positive and false-negative areas around the threshold.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from curate.dedup.shingle import _GOLDEN, splitmix64

EMPTY = np.uint32(0xFFFFFFFF)
_PERM_CHUNK = 4          # perms per pass: keeps the (chunk x shingles) buffer in cache
_DOC_CHUNK_SHINGLES = 1 << 19


class MinHasher:
    """Permutation parameters fixed by ``seed``: same seed and num_perm, same signatures."""

    def __init__(self, num_perm: int = 128, seed: int = 1):
        rng = np.random.default_rng(seed)
        self.num_perm = num_perm
        self.a = rng.integers(1, 2**63, num_perm, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
        self.b = rng.integers(0, 2**63, num_perm, dtype=np.uint64) * np.uint64(2)

    def signatures(self, keys: np.ndarray, offsets: np.ndarray) -> np.ndarray:
        """(docs x num_perm) uint32 signatures for shingle keys in CSR layout; empty docs get all-ones."""
        n_docs = len(offsets) - 1
        sig = np.full((n_docs, self.num_perm), EMPTY, np.uint32)
        lens = np.diff(offsets)
        nonempty = np.flatnonzero(lens > 0)
        # Process documents in chunks so the temporary buffer stays small whatever the batch.
        first = offsets[nonempty]
        lo = 0
        while lo < len(nonempty):
            hi = max(int(np.searchsorted(first, first[lo] + _DOC_CHUNK_SHINGLES, side="left")), lo + 1)
            docs = nonempty[lo:hi]
            x = keys[offsets[docs[0]]:offsets[docs[-1] + 1]]
            sig[docs] = self._chunk(x, first[lo:hi] - first[lo])
            lo = hi
        return sig

    def _chunk(self, x: np.ndarray, starts: np.ndarray) -> np.ndarray:
        out = np.empty((self.num_perm, len(starts)), np.uint32)
        buf = np.empty((_PERM_CHUNK, len(x)), np.uint64)
        with np.errstate(over="ignore"):
            for j in range(0, self.num_perm, _PERM_CHUNK):
                c = min(_PERM_CHUNK, self.num_perm - j)
                view = buf[:c]
                np.multiply(x[None, :], self.a[j:j + c, None], out=view)
                view += self.b[j:j + c, None]
                out[j:j + c] = np.minimum.reduceat(view, starts, axis=1) >> np.uint64(32)
        return out.T


@lru_cache(maxsize=64)
def lsh_params(threshold: float, num_perm: int, false_positive_weight: float = 0.5,
               false_negative_weight: float = 0.5) -> tuple[int, int]:
    """(bands, rows) minimising the weighted error around ``threshold`` (datasketch's maths)."""
    # Imported here: datasketch pulls in scipy.integrate (~1 s), which signing workers never need.
    from datasketch.lsh import _optimal_param

    return _optimal_param(threshold, num_perm, false_positive_weight, false_negative_weight)


def band_keys(sig: np.ndarray, rows: np.ndarray, bands, rows_per_band: int) -> np.ndarray:
    """(len(rows) x len(bands)) uint64 hash of each band's slots; equal bands give equal keys."""
    bands = list(bands)
    out = np.empty((len(rows), len(bands)), np.uint64)
    with np.errstate(over="ignore"):
        for col, j in enumerate(bands):
            block = sig[rows, j * rows_per_band:(j + 1) * rows_per_band]
            h = np.full(len(rows), np.uint64(j + 1) * _GOLDEN, np.uint64)
            for k in range(rows_per_band):
                h = splitmix64(h * _GOLDEN ^ block[:, k].astype(np.uint64))
            out[:, col] = h
    return out


def estimated_jaccard(sig: np.ndarray, i: np.ndarray, j: np.ndarray, chunk: int = 1 << 16) -> np.ndarray:
    """Fraction of equal signature slots for each pair (i[k], j[k])."""
    out = np.empty(len(i), np.float64)
    for s in range(0, len(i), chunk):
        a, b = sig[i[s:s + chunk]], sig[j[s:s + chunk]]
        out[s:s + chunk] = (a == b).mean(axis=1)
    return out
