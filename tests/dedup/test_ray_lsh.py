"""The worker side of the Ray LSH grouping, without Ray: band records, then buckets per shuffle partition.

A shuffle is simulated the way Ray's hash shuffle behaves — every record of a bucket lands in
one partition, in arbitrary order — and the union of the partitions' pairs is compared with
(1) brute force: every pair of rows whose signatures agree on a whole band (slot by slot, no
hashing), and (2) the local path (DuckDB grouping) when buckets outgrow the pairing window.
The real Ray cluster runs the same functions in tests/engines/test_ray_dedup.py.
"""

from __future__ import annotations

import itertools

import duckdb
import numpy as np
import pyarrow as pa

from curate.dedup.lsh import candidate_pairs
from curate.dedup.ray_lsh import _band_records, _bucket_pair_codes

BANDS, R = 8, 4


def _families(rng, families: int, size: int, copy_share: float) -> np.ndarray:
    """Signatures in families: each member copies each band of its family's base with ``copy_share``."""
    base = rng.integers(0, 2**32, (families, BANDS * R), dtype=np.uint64).astype(np.uint32)
    out = []
    for f in range(families):
        for _ in range(size):
            s = rng.integers(0, 2**32, BANDS * R, dtype=np.uint64).astype(np.uint32)
            for b in range(BANDS):
                if rng.random() < copy_share:
                    s[b * R:(b + 1) * R] = base[f, b * R:(b + 1) * R]
            out.append(s)
    sig = np.stack(out)
    return sig[rng.permutation(len(sig))]


def _shuffled_pairs(sig: np.ndarray, rows: np.ndarray, window: int, parts: int, rng) -> set[tuple[int, int]]:
    blocks = [pa.table({"row": pa.array(rows[s:s + 37]),
                        "sig": pa.FixedSizeListArray.from_arrays(pa.array(sig[rows[s:s + 37]].ravel()), sig.shape[1])})
              for s in range(0, len(rows), 37)]
    records = pa.concat_tables([_band_records(b, BANDS, R) for b in blocks])
    assert records.num_rows == len(rows) * BANDS
    band = records.column("band").to_numpy().astype(np.uint64)
    key = records.column("key").to_numpy()
    part = ((key ^ (band * np.uint64(0x9E3779B97F4A7C15))) % np.uint64(parts)).astype(np.int64)
    codes = []
    for p in range(parts):
        idx = rng.permutation(np.flatnonzero(part == p))  # a partition's records arrive in any order
        codes.append(_bucket_pair_codes(records.take(pa.array(idx)), window, len(sig)).column("code").to_numpy())
    code = np.concatenate(codes)  # a pair sharing several bands comes from several partitions: a set
    return {(int(c // len(sig)), int(c % len(sig))) for c in code}


def test_partition_pairs_are_every_pair_sharing_a_band():
    rng = np.random.default_rng(7)
    sig = _families(rng, families=30, size=6, copy_share=0.4)
    rows = np.sort(rng.choice(len(sig), len(sig) - 10, replace=False))  # some rows are not banded
    brute = {(int(i), int(j)) for i, j in itertools.combinations(rows, 2)
             if any((sig[i, b * R:(b + 1) * R] == sig[j, b * R:(b + 1) * R]).all() for b in range(BANDS))}
    assert len(brute) > 100
    for parts in (1, 3, 16):
        assert _shuffled_pairs(sig, rows, window=32, parts=parts, rng=rng) == brute


def test_big_buckets_give_the_local_paths_pairs():
    rng = np.random.default_rng(11)
    # Families of 90 with most bands shared: buckets far larger than the window, paired star + chain.
    sig = _families(rng, families=4, size=90, copy_share=0.7)
    rows = np.arange(len(sig))
    con = duckdb.connect()
    i, j = candidate_pairs(con, sig, rows, BANDS, R, window=5)
    local = set(zip(i.tolist(), j.tolist()))
    assert len(local) < 4 * 90 * 89 / 2  # the window really truncated the buckets
    assert _shuffled_pairs(sig, rows, window=5, parts=7, rng=rng) == local


def test_no_shared_band_no_pairs():
    rng = np.random.default_rng(3)
    sig = rng.integers(0, 2**32, (50, BANDS * R), dtype=np.uint64).astype(np.uint32)
    assert _shuffled_pairs(sig, np.arange(50), window=32, parts=4, rng=rng) == set()
    empty = _band_records(pa.table({"row": pa.array([], pa.int64()),
                                    "sig": pa.FixedSizeListArray.from_arrays(pa.array([], pa.uint32()), BANDS * R)}),
                          BANDS, R)
    assert _bucket_pair_codes(empty, 32, 50).num_rows == 0
