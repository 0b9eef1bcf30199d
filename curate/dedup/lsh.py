"""LSH candidate pairs: band keys grouped in DuckDB, then verified on the signatures.

Buckets are ``(band, key)``; documents sharing a bucket are candidates.  Pairs are made
without a quadratic self-join: inside a bucket (members numbered by position) each member
is paired with the first member and with the next ``window`` members, all by *equality*
joins on position, so a bucket of 100,000 near-identical templates costs ~window x 100,000
pairs instead of 5 * 10^9.  Near-duplicate clusters are still connected because the pairs
form a chain through every bucket.

Candidates are then verified: the estimated Jaccard similarity (share of equal signature
slots over all ``num_perm`` values, not just the matching band) must reach the threshold,
so documents that share a few sentences (and hence a band by chance) stay apart.
"""

from __future__ import annotations

import itertools

import duckdb
import numpy as np
import pyarrow as pa

from curate.dedup.minhash import estimated_jaccard

_COUNTER = itertools.count()

_PAIRS_SQL = """
WITH multi AS (
    SELECT band, key FROM {buckets} GROUP BY band, key HAVING count(*) > 1
), members AS (
    SELECT b.band, b.key, b.row,
           row_number() OVER (PARTITION BY b.band, b.key ORDER BY b.row) AS pos
    FROM {buckets} b JOIN multi m ON b.band = m.band AND b.key = m.key
), offsets AS (
    SELECT range AS off FROM range(1, {window} + 1)
), pairs AS (
    SELECT x.row AS i, y.row AS j
    FROM members x CROSS JOIN offsets o
    JOIN members y ON y.band = x.band AND y.key = x.key AND y.pos = x.pos + o.off
    UNION ALL
    SELECT f.row AS i, y.row AS j
    FROM members f JOIN members y ON y.band = f.band AND y.key = f.key AND f.pos = 1 AND y.pos > 1
)
SELECT DISTINCT i, j FROM pairs
"""


def candidate_pairs(con: duckdb.DuckDBPyConnection, rows: np.ndarray, keys: np.ndarray,
                    window: int = 32) -> tuple[np.ndarray, np.ndarray]:
    """Distinct pairs (i < j) of ``rows`` that share a band key. ``keys`` is (len(rows) x bands)."""
    n, bands = keys.shape
    if n < 2:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    table = pa.table({
        "band": pa.array(np.repeat(np.arange(bands, dtype=np.int16)[None, :], n, axis=0).ravel()),
        "key": pa.array(keys.ravel()),
        "row": pa.array(np.repeat(np.asarray(rows, np.int64), bands)),
    })
    name = f"_lsh_buckets_{next(_COUNTER)}"
    con.register(name, table)
    try:
        res = con.execute(_PAIRS_SQL.format(buckets=name, window=int(window))).fetch_arrow_table()
    finally:
        con.unregister(name)
    i = res.column("i").to_numpy()
    j = res.column("j").to_numpy()
    if len(i):
        # DISTINCT gives no order: sort for deterministic downstream processing.
        order = np.lexsort((j, i))
        i, j = i[order], j[order]
    return i, j


def verified_pairs(sig: np.ndarray, i: np.ndarray, j: np.ndarray, threshold: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Candidates whose estimated Jaccard similarity reaches ``threshold``: (i, j, similarity)."""
    sim = estimated_jaccard(sig, i, j)
    ok = sim >= threshold - 1e-12
    return i[ok], j[ok], sim[ok]
