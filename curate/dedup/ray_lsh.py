"""LSH candidate pairs on a Ray cluster: band keys on the workers, buckets by Ray Data's hash shuffle.

The same candidates as :func:`curate.dedup.lsh.candidate_pairs` (DuckDB on the driver), so
clusters and keepers do not depend on the engine:

1. The input: blocks of ``(row, sig)`` records in Ray's object store. The Ray engine's dedup
   (:class:`curate.dedup.ray_dedup.RayDocs`) makes them on the workers, one per staged block of
   documents, via :func:`grouped_pairs`; :func:`candidate_pairs_ray` cuts a signature matrix the
   caller holds (``sig[rows]``) into blocks of :data:`BLOCK_ROWS` rows.
2. ``map_batches`` (workers): each block becomes ``(band, key, row)`` records, one per row and
   band, with :func:`curate.dedup.minhash.band_keys` — the band hash the local path uses.
3. ``repartition(P, keys=["band", "key"], sort=True)``: Ray Data's hash shuffle puts every
   record of a bucket ``(band, band hash)`` into the same partition, sorted by ``(band, key)``
   (what ``groupby(["band", "key"]).map_groups`` does, without one Python call per bucket:
   most of the tens of millions of buckets have one member).
4. ``map_batches(batch_size=None)`` (workers, one call per partition): runs of equal
   ``(band, key)`` with more than one member are buckets; members sorted by row are paired with
   :func:`curate.dedup.lsh._pairs_from_buckets` (star + window chain, as locally) and returned
   as distinct int64 codes ``i * n + j``.
5. The driver streams the codes back and takes the distinct sorted set — the local path's output.

Memory: each worker holds one block (``BLOCK_ROWS`` x bands records) or one partition
(records / P; P grows with the records so a partition stays near :data:`RECORDS_PER_PARTITION`);
the driver holds the candidate codes. Shuffle volume: 18 bytes per record (int16 band, uint64
key, int64 row), i.e. ``18 x bands`` bytes per document, plus the signatures read once
(``4 x num_perm`` bytes per document). Verification, similarities and shared spans run as Ray
tasks too (:mod:`curate.dedup.ray_dedup`); keepers are chosen on the driver from the pairs.
"""

from __future__ import annotations

import time

import numpy as np
import pyarrow as pa

from curate.dedup.lsh import _pairs_from_buckets
from curate.dedup.minhash import band_keys

#: signature rows per input block (one map task): 128-slot signatures make a 25 MB block
BLOCK_ROWS = 50_000
#: target records per shuffle partition (18 bytes each: ~36 MB)
RECORDS_PER_PARTITION = 2_000_000
#: bytes per shuffled record: int16 band + uint64 band hash + int64 row
RECORD_BYTES = 18
#: what the last :func:`candidate_pairs_ray` call moved (for benchmarks and the cost model): ``rows``,
#: ``bands``, ``partitions``, ``records``, ``shuffle_bytes`` (records x RECORD_BYTES), ``signature_bytes``
#: (shipped to the workers), ``pairs`` (distinct candidates), ``seconds``
LAST_RUN: dict = {}


def _band_records(block: pa.Table, bands: int, rows_per_band: int) -> pa.Table:
    """Worker: ``(row, sig)`` block -> ``(band, key, row)`` records, one per row and band."""
    rows = block.column("row").to_numpy()
    sig_col = block.column("sig").combine_chunks()
    width = sig_col.type.list_size
    sig = np.asarray(sig_col.flatten(), np.uint32).reshape(len(rows), width)
    keys = band_keys(sig, np.arange(len(rows)), range(bands), rows_per_band)  # (rows x bands)
    return pa.table({
        "band": pa.array(np.tile(np.arange(bands, dtype=np.int16), len(rows))),
        "key": pa.array(keys.ravel()),
        "row": pa.array(np.repeat(rows, bands)),
    })


def _bucket_pair_codes(part: pa.Table, window: int, n: int) -> pa.Table:
    """Worker: one shuffle partition (every record of its buckets) -> distinct candidate pair codes."""
    if part.num_rows == 0:
        return pa.table({"code": pa.array([], pa.int64())})
    band = part.column("band").to_numpy()
    key = part.column("key").to_numpy()
    row = part.column("row").to_numpy()
    order = np.lexsort((row, key, band))  # by bucket, members by row (the local path's ORDER BY row)
    band, key, row = band[order], key[order], row[order]
    starts = np.flatnonzero(np.r_[True, (band[1:] != band[:-1]) | (key[1:] != key[:-1])])
    sizes = np.diff(np.r_[starts, len(row)])
    multi = sizes > 1
    if not multi.any():
        return pa.table({"code": pa.array([], pa.int64())})
    take = np.flatnonzero(np.repeat(multi, sizes))  # members of the multi-member buckets, in bucket order
    offsets = np.r_[0, np.cumsum(sizes[multi])].astype(np.int64)
    i, j = _pairs_from_buckets(row[take].astype(np.int64), offsets, window)
    return pa.table({"code": pa.array(np.unique(i * n + j))})


def candidate_pairs_ray(sig: np.ndarray, rows: np.ndarray, bands: int, rows_per_band: int,
                        window: int = 32, partitions: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Distinct pairs (i < j) of ``rows`` whose signatures share a band, grouped on the connected Ray cluster.

    Same inputs and output as :func:`curate.dedup.lsh.candidate_pairs` (without the DuckDB
    connection); ``partitions``: shuffle partitions (default: by volume, at least twice the
    cluster's CPUs). Needs ``ray.init`` done (the Ray engine connects first).
    """
    import ray.data

    started = time.perf_counter()
    rows = np.asarray(rows, np.int64)
    n = len(sig)
    if len(rows) < 2:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    num_perm = sig.shape[1]
    blocks = []
    for s in range(0, len(rows), BLOCK_ROWS):
        r = rows[s:s + BLOCK_ROWS]
        flat = pa.array(np.ascontiguousarray(sig[r]).ravel(), pa.uint32())
        blocks.append(pa.table({"row": pa.array(r), "sig": pa.FixedSizeListArray.from_arrays(flat, num_perm)}))
    # into the object store: the driver's copies can go
    return grouped_pairs(lambda: ray.data.from_arrow(blocks), len(rows), n, bands, rows_per_band,
                         window, partitions, started, signature_bytes=len(rows) * num_perm * 4)


def grouped_pairs(blocks, count: int, n: int, bands: int, rows_per_band: int, window: int = 32,
                  partitions: int | None = None, started: float | None = None,
                  signature_bytes: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Steps 2-5 on the Ray dataset ``blocks()`` makes: ``(row, sig)`` tables of ``count`` rows (``sig``: fixed-size
    lists of uint32) with rows < ``n``; returns the distinct candidate pairs (i < j), sorted.
    ``signature_bytes``: what reaching the workers cost the signatures (for :data:`LAST_RUN`)."""
    import ray

    from curate.engines.ray_engine import quiet_ray_data

    started = time.perf_counter() if started is None else started
    records = count * bands
    cpus = max(1, int(ray.cluster_resources().get("CPU", 1)))
    parts = partitions or max(2 * cpus, -(-records // RECORDS_PER_PARTITION))
    with quiet_ray_data():
        ds = (blocks().map_batches(_band_records, fn_kwargs={"bands": bands, "rows_per_band": rows_per_band},
                                   batch_format="pyarrow", batch_size=None)
              .repartition(parts, keys=["band", "key"], sort=True)
              .map_batches(_bucket_pair_codes, fn_kwargs={"window": window, "n": n},
                           batch_format="pyarrow", batch_size=None))
        codes = [np.asarray(b.column("code").to_numpy()) for b in ds.iter_batches(batch_format="pyarrow",
                                                                                   batch_size=None)]
    # Distinct codes sorted in place (np.unique would hold two more copies of every candidate's code).
    code = np.concatenate(codes) if codes else np.zeros(0, np.int64)
    del codes
    code.sort()
    code = code[np.r_[True, code[1:] != code[:-1]]] if len(code) else code
    LAST_RUN.clear()
    LAST_RUN.update(rows=count, bands=bands, partitions=parts, records=records,
                    shuffle_bytes=records * RECORD_BYTES, signature_bytes=signature_bytes,
                    pairs=len(code), seconds=round(time.perf_counter() - started, 3))
    i = code // n
    code -= i * n   # in place: j
    return i, code
