"""LSH candidate pairs: band keys grouped per band (compiled, one thread per band) or in DuckDB.

Buckets are ``(band, key)``; documents sharing a bucket are candidates.  :func:`candidate_pairs_local`
(the one clustering uses) sorts each band's keys in a compiled kernel, bands spread over threads;
:func:`candidate_pairs` groups them in DuckDB (one hash aggregate, spilling to disk if it must) and
returns the member list of every bucket with more than one member.  Both give the same pairs.  Pairs are then made without a quadratic blow-up:
inside a bucket each member is paired with the first member and with the next ``window``
members, so a bucket of 100,000 near-identical templates costs ~window x 100,000 pairs
instead of 5 * 10^9.  Near-duplicate clusters stay connected because the pairs form a chain
through every bucket.

Candidates are then verified: the estimated Jaccard similarity (share of equal signature
slots over all ``num_perm`` values, not just the matching band) must reach the threshold,
so documents that share a few sentences (and hence a band by chance) stay apart.
"""

from __future__ import annotations

import itertools

import duckdb
import numpy as np
import pyarrow as pa

from curate.dedup.kernels import band_pairs
from curate.dedup.minhash import band_keys, estimated_jaccard
from curate.dedup.parallel import pmap, release_memory
from curate.dedup.parallel import threads as _threads

_COUNTER = itertools.count()

# One hash aggregate: the members of every bucket that has more than one.
_BUCKETS_SQL = "SELECT list(row ORDER BY row) AS members FROM {buckets} GROUP BY band, key HAVING count(*) > 1"


def _pairs_from_buckets(values: np.ndarray, offsets: np.ndarray, window: int) -> tuple[np.ndarray, np.ndarray]:
    """Pairs (first member, each other) and (member, each of the next ``window`` members), vectorised."""
    lens = np.diff(offsets)
    bucket = np.repeat(np.arange(len(lens)), lens)
    pos = np.arange(len(values)) - offsets[:-1][bucket]
    left, right = [], []
    rest = pos > 0
    left.append(values[offsets[:-1][bucket[rest]]])     # star: first member -> everyone
    right.append(values[rest])
    for d in range(1, window + 1):                      # chain: member -> next d-th member
        ok = pos + d < lens[bucket]
        if not ok.any():
            break
        idx = np.flatnonzero(ok)
        left.append(values[idx])
        right.append(values[idx + d])
    i = np.concatenate(left)
    j = np.concatenate(right)
    lo, hi = np.minimum(i, j), np.maximum(i, j)
    keep = lo != hi
    return lo[keep], hi[keep]


_ROWS_PER_QUERY = 2_000_000   # band keys grouped per query: bounds DuckDB's hash table
_LOCAL_BYTES = 256 << 20      # compiled grouping: memory of the bands grouped at once


def candidate_pairs(con: duckdb.DuckDBPyConnection, sig: np.ndarray, rows: np.ndarray, bands: int, rows_per_band: int,
                    window: int = 32) -> tuple[np.ndarray, np.ndarray]:
    """Distinct pairs (i < j) of ``rows`` whose signatures (``sig[rows]``) share a band.

    Bands are grouped a few at a time so that neither the band keys nor DuckDB's hash table
    ever hold more than ~2 M entries, whatever the corpus size.
    """
    rows = np.asarray(rows, np.int64)
    n = len(rows)
    if n < 2:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    per_query = max(1, min(bands, _ROWS_PER_QUERY // n))
    codes = []
    for first in range(0, bands, per_query):
        group = range(first, min(bands, first + per_query))
        keys = band_keys(sig, rows, group, rows_per_band)
        table = pa.table({
            "band": pa.array(np.tile(np.arange(len(group), dtype=np.int16), n)),
            "key": pa.array(keys.ravel()),
            "row": pa.array(np.repeat(rows, len(group))),
        })
        del keys
        name = f"_lsh_buckets_{next(_COUNTER)}"
        con.register(name, table)
        try:
            members = con.execute(_BUCKETS_SQL.format(buckets=name)).fetch_arrow_table().column("members")
        finally:
            con.unregister(name)
        del table
        members = members.combine_chunks() if members.num_chunks else pa.array([], pa.list_(pa.int64()))
        if len(members) == 0:
            continue
        offsets = np.asarray(members.offsets, np.int64)
        i, j = _pairs_from_buckets(np.asarray(members.values, np.int64), offsets - offsets[0], window)
        # Distinct pairs as one int64 code each (i < j < len(sig)), merged across band groups.
        codes.append(np.unique(i * len(sig) + j))
    if not codes:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    code = np.unique(np.concatenate(codes))   # sorted: everything downstream is deterministic
    return code // len(sig), code % len(sig)


def candidate_pairs_local(sig: np.ndarray, rows: np.ndarray, bands: int, rows_per_band: int, window: int = 32,
                          threads: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """:func:`candidate_pairs` without DuckDB: each band's keys are sorted in a compiled kernel
    (:func:`curate.dedup.kernels.band_pairs`), bands run on up to ``threads`` threads (default: all cores,
    :func:`curate.dedup.parallel.threads`).  Same pairs, sorted by (i, j); memory: one band's keys and pairs
    per thread (~8 bytes per row plus 8 per pair), never all bands' keys at once.
    """
    rows = np.sort(np.asarray(rows, np.int64))
    if len(rows) < 2:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    n = len(sig)
    # A band's table takes ~40 bytes per row (plus its pairs): bands at once are capped to stay near
    # _LOCAL_BYTES, whatever the core count (1M rows: 6 bands at a time).
    at_once = max(1, min(_threads(threads), _LOCAL_BYTES // (40 * len(rows))))
    code = np.zeros(0, np.int64)
    for first in range(0, bands, at_once):
        # Merged as they come: a near-duplicate pair shares most bands, so keeping every band's pairs until the
        # end would hold each of them up to ``bands`` times.
        part = pmap(lambda b: band_pairs(sig, rows, b, rows_per_band, window, n),
                    range(first, min(bands, first + at_once)), at_once)
        code = np.unique(np.concatenate([code, *part]))
        del part
        release_memory()
    return code // n, code % n


def verified_pairs(sig: np.ndarray, i: np.ndarray, j: np.ndarray, threshold: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Candidates whose estimated Jaccard similarity reaches ``threshold``: (i, j, similarity)."""
    sim = estimated_jaccard(sig, i, j)
    ok = sim >= threshold - 1e-12
    return i[ok], j[ok], sim[ok]
