"""Workspace stages: ``minhash`` (per document, cached) and ``dedup`` (global clustering).

Splitting the work this way makes dedup incremental: the runner stores each document's
signature in the ``minhash`` signal and, after a new ingest, computes signatures only for
the new documents; ``dedup`` then re-clusters everything from the stored signatures (LSH
grouping in DuckDB plus verification), which costs a fraction of signing.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pyarrow as pa

from curate.dedup.config import DedupConfig, MinHashConfig
from curate.dedup.core import OUTPUTS, cluster_signatures, clusters_to_arrow, signatures_for
from curate.errors import CurateError
from curate.stage import Stage, StageContext, register_stage


def hex_hashes(h: np.ndarray) -> pa.Array:
    return pa.array([f"{x:016x}" for x in h.tolist()], pa.string())


def minhash_batch(batch: pa.Table, cfg: MinHashConfig, ctx: StageContext | None = None) -> pa.Table:
    sig, exact = signatures_for(batch.column(cfg.text_field), cfg)
    n, p = sig.shape
    offsets = pa.array(np.arange(0, n * p + 1, p, dtype=np.int32))
    return pa.table({"dup_text_hash": hex_hashes(exact),
                     "dup_signature": pa.ListArray.from_arrays(offsets, pa.array(sig.ravel(), pa.uint32()))})


def dedup_inputs(cfg: DedupConfig) -> list[str]:
    return ["dup_text_hash", "dup_signature"]


def _columns(con: duckdb.DuckDBPyConnection, relation: str) -> set[str]:
    return {row[0] for row in con.execute(f'DESCRIBE "{relation}"').fetchall()}


def dedup_relation(con: duckdb.DuckDBPyConnection, relation: str, cfg: DedupConfig) -> pa.Table:
    """Global stage: cluster every document from its stored signature; doc_id + dup_* columns."""
    cols = _columns(con, relation)
    text = cfg.text_field if cfg.text_field in cols else "text"
    earliest = [c for c in ("ingested_at", "source_row") if c in cols] + ["doc_id"]
    quality = []
    if "quality_ok" in cols:
        quality.append("CASE WHEN quality_ok THEN 0 ELSE 1 END")
    if "quality_flags" in cols:
        quality.append("coalesce(len(quality_flags), 0)")
    quality_sql = "".join(f", {q} AS _q{i}" for i, q in enumerate(quality))
    rel = con.execute(
        f'SELECT doc_id, dup_text_hash, dup_signature, length(coalesce(CAST("{text}" AS VARCHAR), \'\')) AS _len, '
        f'row_number() OVER (ORDER BY {", ".join(earliest)}) AS _earliest{quality_sql} '
        f'FROM "{relation}" ORDER BY doc_id').fetch_arrow_table()
    n = rel.num_rows
    if n == 0:
        return pa.table({"doc_id": pa.array([], pa.string()), **{k: pa.array([], t) for k, t in OUTPUTS.items()}})
    sig_col = rel.column("dup_signature").combine_chunks()
    if sig_col.null_count or rel.column("dup_text_hash").null_count:
        raise CurateError(f"dedup: {sig_col.null_count} document(s) have no MinHash signature; run the 'minhash' stage first")
    widths = np.diff(np.asarray(sig_col.offsets))
    if len(set(widths.tolist())) != 1:
        raise CurateError("dedup: signatures of different lengths in the workspace; rerun the 'minhash' stage")
    sig = np.asarray(sig_col.flatten(), np.uint32).reshape(n, int(widths[0]))
    c = cluster_signatures(sig, rel.column("dup_text_hash").combine_chunks(), rel.column("_len").to_numpy(), cfg,
                           earliest=rel.column("_earliest").to_numpy(),
                           quality=[rel.column(f"_q{i}").to_numpy() for i in range(len(quality))], con=con)
    doc_ids = rel.column("doc_id").combine_chunks().cast(pa.string())
    return pa.table({"doc_id": doc_ids, **clusters_to_arrow(c, doc_ids)})


MINHASH = register_stage(Stage(
    name="minhash", kind="per_document", config_model=MinHashConfig, fn=minhash_batch,
    outputs={"dup_text_hash": pa.string(), "dup_signature": pa.list_(pa.uint32())},
    description="MinHash signature and exact-duplicate hash per document (Indic-aware normalisation, "
                "word or grapheme n-gram shingles); cached, so new ingests only sign new documents.",
))

DEDUP = register_stage(Stage(
    name="dedup", kind="global", config_model=DedupConfig, fn=dedup_relation,
    outputs=dict(OUTPUTS),
    inputs=dedup_inputs,
    optional_inputs=("quality_ok", "quality_flags", "source_row", "ingested_at"),
    description="Exact + near-duplicate clusters from MinHash signatures (LSH buckets grouped in DuckDB, pairs "
                "verified on the full signature, connected components); one deterministic keeper per cluster.",
))
