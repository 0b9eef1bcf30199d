"""Exact + near-duplicate clustering over precomputed signatures, and the file-mode entry point.

Pipeline (every step vectorised or in DuckDB):

1. Exact duplicates: documents with the same normalised-text hash form a group; only the
   first member of each group enters LSH (its signature is identical to the others').
2. Near duplicates: LSH band keys of the group representatives, candidate pairs from DuckDB,
   each verified on the full signature (:mod:`curate.dedup.lsh`).
3. Connected components over exact + verified edges (:mod:`curate.dedup.cluster`).
4. One keeper per component by policy; every other member records why it goes
   (``exact``: same normalised text as the keeper, else ``near``) and its estimated
   similarity to the keeper.

Determinism: the caller passes documents in a canonical order (input row order in file
mode, doc_id order in the workspace); every step above depends only on that order and on
the signatures, which do not depend on batch boundaries.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from curate.dedup.cluster import choose_keepers, components
from curate.dedup.config import DedupConfig, DedupTableConfig
from curate.dedup.lsh import candidate_pairs, verified_pairs
from curate.dedup.minhash import MinHasher, lsh_params
from curate.dedup.normalize import lengths
from curate.dedup.shingle import shingle_batch
from curate.errors import CurateError

OUTPUTS = {"dup_cluster": pa.string(), "dup_keep": pa.bool_(), "dup_reason": pa.string(),
           "dup_similarity": pa.float64()}


@dataclass
class Clusters:
    """Per document: its keeper's index (itself when unique), reason code and similarity."""

    keeper: np.ndarray        # int64
    size: np.ndarray          # members in the document's cluster (1 = unique)
    exact: np.ndarray         # bool: same normalised text as the keeper
    similarity: np.ndarray    # float64, estimated Jaccard with the keeper
    candidate_pairs: int = 0
    verified_pairs: int = 0
    bands: int = 0
    rows: int = 0


def _group_ids(keys) -> np.ndarray:
    """Dense id per distinct key (Arrow arrays or anything numpy can hold)."""
    if isinstance(keys, pa.ChunkedArray):
        keys = keys.combine_chunks()
    if isinstance(keys, pa.Array):
        return pc.dictionary_encode(keys).indices.to_numpy(zero_copy_only=False).astype(np.int64)
    return np.unique(np.asarray(keys), return_inverse=True)[1].astype(np.int64).ravel()


def cluster_signatures(sig: np.ndarray, text_hash, length: np.ndarray, cfg: DedupConfig,
                       earliest: np.ndarray | None = None, quality: list[np.ndarray] | None = None,
                       con: duckdb.DuckDBPyConnection | None = None) -> Clusters:
    """Cluster documents given in canonical order.

    ``sig``: (n x num_perm) uint32.  ``text_hash``: exact-duplicate keys (any hashable values).
    ``length``: text lengths.  ``earliest``: ingest-order rank (default: position).
    ``quality``: sort keys, best first, for the ``best_quality`` policy.
    """
    n, num_perm = sig.shape
    pos = np.arange(n, dtype=np.int64)
    gid = _group_ids(text_hash) if n else np.zeros(0, np.int64)
    # Representative of each exact group: its first document.
    first_of_group = np.full(gid.max() + 1 if n else 0, n, np.int64)
    np.minimum.at(first_of_group, gid, pos)
    rep = first_of_group[gid]
    reps = np.flatnonzero(rep == pos)

    if cfg.bands is not None:
        bands, rows = cfg.bands, cfg.rows
        if bands * rows > num_perm:
            raise CurateError(f"dedup: bands x rows = {bands * rows} exceeds the signature length {num_perm}")
    else:
        bands, rows = lsh_params(cfg.threshold, num_perm, cfg.false_positive_weight, cfg.false_negative_weight)
    own = con is None
    if own:
        con = duckdb.connect()
        # DuckDB draws a progress bar on stdout for long queries: it would corrupt --json output.
        con.execute("SET enable_progress_bar = false")
    try:
        ci, cj = candidate_pairs(con, sig, reps, bands, rows, cfg.bucket_window)
    finally:
        if own:
            con.close()
    vi, vj, _ = verified_pairs(sig, ci, cj, cfg.threshold)

    dup = np.flatnonzero(rep != pos)
    labels = components(n, np.concatenate([dup, vi]), np.concatenate([rep[dup], vj]))

    earliest = pos if earliest is None else np.asarray(earliest)
    if cfg.keep == "earliest":
        keys = [earliest, pos]
    elif cfg.keep == "longest":
        keys = [-np.asarray(length, np.int64), earliest, pos]
    else:
        keys = [*(quality or []), -np.asarray(length, np.int64), earliest, pos]
    keeper = choose_keepers(labels, keys)
    size = np.bincount(labels, minlength=n)[labels]
    exact = gid == gid[keeper]
    similarity = np.ones(n)
    near = np.flatnonzero(~exact)
    if len(near):
        similarity[near] = (sig[near] == sig[keeper[near]]).mean(axis=1)
    return Clusters(keeper, size, exact, similarity, len(ci), len(vi), bands, rows)


def clusters_to_arrow(c: Clusters, doc_ids: list[str]) -> dict[str, pa.Array]:
    """The four signal columns; ``dup_cluster`` is the keeper's doc_id (null for unique documents)."""
    n = len(doc_ids)
    if n == 0:
        return {k: pa.array([], t) for k, t in OUTPUTS.items()}
    in_cluster = c.size > 1
    is_keeper = c.keeper == np.arange(n)
    ids = np.asarray(doc_ids, dtype=object)
    cluster = np.where(in_cluster, ids[c.keeper], None)
    reason = np.where(is_keeper | ~in_cluster, None, np.where(c.exact, "exact", "near"))
    return {
        "dup_cluster": pa.array(cluster.tolist(), pa.string()),
        "dup_keep": pa.array(is_keeper),
        "dup_reason": pa.array(reason.tolist(), pa.string()),
        "dup_similarity": pa.array(np.where(in_cluster, np.round(c.similarity, 4), np.nan), pa.float64(),
                                   mask=~in_cluster),
    }


def signatures_for(texts, cfg) -> tuple[np.ndarray, np.ndarray]:
    """MinHash signatures and exact-duplicate keys for raw texts (one vectorised batch)."""
    keys, offsets, exact = shingle_batch(texts, cfg.shingle, cfg.ngram)
    return MinHasher(cfg.num_perm, cfg.seed).signatures(keys, offsets), exact


def dedup_table(table: pa.Table, cfg: DedupTableConfig | dict | None = None, batch_size: int = 1024,
                progress=None, workers: int | None = None) -> pa.Table:
    """Add dup_cluster, dup_keep, dup_reason, dup_similarity to a table (rows and columns kept).

    Cluster ids are 1-based row numbers of the keeper ("row:17"), so they read well in a file.
    The earliest policy keeps the first row.
    """
    if cfg is None:
        cfg = DedupTableConfig()
    elif isinstance(cfg, dict):
        from pydantic import ValidationError

        try:
            cfg = DedupTableConfig(**cfg)
        except ValidationError as exc:
            first = exc.errors()[0]
            raise CurateError(f"dedup: bad parameter '{'.'.join(map(str, first['loc']))}': {first['msg']}") from None
    if cfg.text_field not in table.column_names:
        raise CurateError(f"dedup: no column '{cfg.text_field}' in the input (columns: {', '.join(table.column_names)})")
    col = table.column(cfg.text_field)
    if not (pa.types.is_string(col.type) or pa.types.is_large_string(col.type) or pa.types.is_null(col.type)):
        raise CurateError(f"dedup: column '{cfg.text_field}' holds {col.type}, not text")
    col = col.cast(pa.string())
    n = table.num_rows
    # Batches keep the shingle buffers small (cache, memory); two threads overlap them because
    # Arrow kernels and large numpy ufuncs release the GIL. Results are collected in order.
    starts = range(0, n, batch_size)
    sigs, hashes = [], []
    workers = workers or min(2, os.cpu_count() or 1)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for start, (s, h) in zip(starts, pool.map(lambda st: signatures_for(col.slice(st, batch_size), cfg), starts)):
            sigs.append(s)
            hashes.append(h)
            if progress:
                progress(min(batch_size, n - start))
    sig = np.concatenate(sigs) if sigs else np.zeros((0, cfg.num_perm), np.uint32)
    hashes = np.concatenate(hashes) if hashes else np.zeros(0, np.uint64)
    c = cluster_signatures(sig, hashes, lengths(col), cfg)
    out = table
    for name, arr in clusters_to_arrow(c, [f"row:{i + 1}" for i in range(n)]).items():
        if name in out.column_names:
            out = out.set_column(out.column_names.index(name), name, arr)
        else:
            out = out.append_column(name, arr)
    return out
