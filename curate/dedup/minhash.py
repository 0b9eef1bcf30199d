"""MinHash signatures (one-permutation hashing), LSH band keys and estimates.

MinHash (Broder 1997): for a random hash function h, the probability that two sets have the
same minimum ``min h(S)`` equals their Jaccard similarity.  Classic MinHash evaluates ``k``
hash functions per shingle; **one-permutation hashing** (Li, Owen & Zhang 2012) hashes each
shingle once, splits the hash range into ``k`` bins and keeps each bin's minimum, and
**optimal densification** (Shrivastava 2017) fills the bins a small set leaves empty by
copying the first non-empty bin along a fixed random probe order.  The fraction of equal
bins is then an unbiased estimate of the Jaccard similarity with a variance close to ``k``
independent permutations - at 1/k of the hashing work (:func:`curate.dedup.kernels.sign`).

LSH banding (Indyk-Motwani): the signature is cut into ``b`` bands of ``r`` rows; two
documents become candidates when any band matches exactly, with probability
``1 - (1 - J^r)^b``.  ``b`` and ``r`` come from datasketch's optimiser, which minimises the
weighted false-positive and false-negative areas around the threshold.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from curate.dedup.kernels import EMPTY, GOLDEN

__all__ = ["EMPTY", "band_keys", "estimated_jaccard", "lsh_params", "probe_table", "seed_key"]


def seed_key(seed: int) -> np.uint64:
    """The 64-bit value xored into every shingle hash for ``seed``: :func:`curate.dedup.kernels.mix` in Python
    integers (calling the compiled one from here loaded a cached kernel, ~40 ms per process, for one number)."""
    m = 2**64 - 1
    x = (seed * int(GOLDEN) + 0x632BE59BD9B4E019) & m
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & m
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & m
    return np.uint64(x ^ (x >> 31))


@lru_cache(maxsize=16)
def probe_table(k: int, seed: int) -> np.ndarray:
    """(k x k) int64: for each bin, a fixed random order of all bins (densification probes)."""
    rng = np.random.default_rng([seed, k, 0xD3])
    out = np.stack([rng.permutation(k) for _ in range(k)]).astype(np.int64)
    out.flags.writeable = False
    return out


@lru_cache(maxsize=64)
def lsh_params(threshold: float, num_perm: int, false_positive_weight: float = 0.5,
               false_negative_weight: float = 0.5) -> tuple[int, int]:
    """(bands, rows) with ``bands * rows <= num_perm`` minimising the weighted error around ``threshold``.

    A pair with Jaccard similarity ``s`` shares at least one of ``b`` bands of ``r`` rows with probability
    ``P(s) = 1 - (1 - s**r)**b`` (the LSH S-curve: Leskovec, Rajaraman & Ullman, *Mining of Massive
    Datasets*, 3rd ed., section 3.4.2). The error weighed is the false-positive area ``∫_0^t P(s) ds`` plus
    the false-negative area ``∫_t^1 (1 - P(s)) ds``, the objective datasketch's ``MinHashLSH`` optimises;
    ties go to the first (fewest bands, then fewest rows), as there. Both integrands are polynomials of
    degree ``r * b <= num_perm``, so Gauss-Legendre quadrature with ``num_perm // 2 + 1`` nodes (exact up to
    degree ``2n - 1``) computes them exactly, for all ``(b, r)`` at once.
    """
    x, w = np.polynomial.legendre.leggauss(num_perm // 2 + 1)
    pairs = np.array([(b, r) for b in range(1, num_perm + 1) for r in range(1, num_perm // b + 1)], np.float64)
    b, r = pairs[:, :1], pairs[:, 1:]
    t = threshold
    s_fp = (x + 1) * t / 2                 # nodes mapped onto [0, t]
    s_fn = t + (x + 1) * (1 - t) / 2       # … and onto [t, 1]
    false_pos = (1 - (1 - s_fp ** r) ** b) @ w * (t / 2)
    false_neg = ((1 - s_fn ** r) ** b) @ w * ((1 - t) / 2)
    best = int(np.argmin(false_pos * false_positive_weight + false_neg * false_negative_weight))
    return int(pairs[best, 0]), int(pairs[best, 1])


def band_keys(sig: np.ndarray, rows: np.ndarray, bands, rows_per_band: int) -> np.ndarray:
    """(len(rows) x len(bands)) uint64 hash of each band's slots; equal bands give equal keys."""
    bands = list(bands)
    out = np.empty((len(rows), len(bands)), np.uint64)
    with np.errstate(over="ignore"):
        for col, j in enumerate(bands):
            block = sig[rows, j * rows_per_band:(j + 1) * rows_per_band]
            h = np.full(len(rows), np.uint64(j + 1) * GOLDEN, np.uint64)
            for k in range(rows_per_band):
                h = _mix_np(h * GOLDEN ^ block[:, k].astype(np.uint64))
            out[:, col] = h
    return out


def _mix_np(x: np.ndarray) -> np.ndarray:
    x = x ^ (x >> np.uint64(30))
    x = x * np.uint64(0xBF58476D1CE4E5B9)
    x = x ^ (x >> np.uint64(27))
    x = x * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


def estimated_jaccard(sig: np.ndarray, i: np.ndarray, j: np.ndarray, chunk: int = 1 << 16) -> np.ndarray:
    """Fraction of equal signature slots for each pair (i[k], j[k])."""
    out = np.empty(len(i), np.float64)
    for s in range(0, len(i), chunk):
        a, b = sig[i[s:s + chunk]], sig[j[s:s + chunk]]
        out[s:s + chunk] = (a == b).mean(axis=1)
    return out
