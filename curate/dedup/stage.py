"""Workspace stages: ``minhash`` (per document, cached) and ``dedup`` (global clustering).

Splitting the work this way makes dedup incremental: the runner stores each document's
sketch in the ``minhash`` signal (signature, exact key, segment keys and the settings that
made them) and, after a new ingest, sketches only the new documents; ``dedup`` then counts
boilerplate segments over every document, re-signs only the documents holding boilerplate,
and clusters (LSH grouping in DuckDB, exact verification of candidates on their texts).
"""

from __future__ import annotations

import itertools

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from curate.dedup.config import DedupConfig, DedupTableConfig, MinHashConfig
from curate.dedup.core import (
    OUTPUTS,
    Sketches,
    TextSource,
    _buffers,
    cluster,
    cluster_docs,
    clusters_to_arrow,
    sketch,
)
from curate.dedup.views import match_text, shape_columns
from curate.errors import CurateError
from curate.stage import Stage, StageContext, register_stage

_COUNTER = itertools.count()


def hex_hashes(h: np.ndarray) -> pa.Array:
    return pa.array([f"{x:016x}" for x in h.tolist()], pa.string())


def exact_keys(hashes) -> np.ndarray:
    """``dup_text_hash`` values (16 hex digits, :func:`hex_hashes`) back to uint64, vectorised."""
    arr = hashes.combine_chunks() if isinstance(hashes, pa.ChunkedArray) else hashes
    data, offsets = _buffers(arr)
    if len(arr) and not (np.diff(offsets) == 16).all():
        return np.array([int(h, 16) for h in arr.to_pylist()], np.uint64)
    digits = data.reshape(len(arr), 16).astype(np.uint64)
    nibbles = np.where(digits >= ord("a"), digits - ord("a") + 10, digits - ord("0"))
    shifts = np.arange(60, -1, -4, dtype=np.uint64)
    return np.bitwise_or.reduce(nibbles << shifts, axis=1) if len(arr) else np.zeros(0, np.uint64)


def _csr(offsets: np.ndarray, values: pa.Array) -> pa.Array:
    return pa.ListArray.from_arrays(pa.array(np.asarray(offsets, np.int32)), values)


def minhash_batch(batch: pa.Table, cfg: MinHashConfig, ctx: StageContext | None = None) -> pa.Table:
    """Per-document sketch: exact key, signature, distinct segment keys, the settings used."""
    sig, exact, seg, seg_off = sketch(match_text(batch, cfg), cfg)
    n, p = sig.shape
    return pa.table({
        "dup_text_hash": hex_hashes(exact),
        "dup_signature": _csr(np.arange(0, n * p + 1, p), pa.array(sig.ravel(), pa.uint32())),
        "dup_segments": _csr(seg_off, pa.array(seg, pa.uint64())),
        "dup_params": pa.array([cfg.model_dump_json()] * n, pa.string()),
    })


def dedup_inputs(cfg: DedupConfig) -> list[str]:
    """The sketches, and the text column verification re-reads (the one the minhash stage compared)."""
    return ["dup_text_hash", "dup_signature", "dup_segments", "dup_params", cfg.text_field]


def _columns(con: duckdb.DuckDBPyConnection, relation: str) -> set[str]:
    return {row[0] for row in con.execute(f'DESCRIBE "{relation}"').fetchall()}


def _checked_settings(con: duckdb.DuckDBPyConnection, relation: str) -> MinHashConfig:
    """The minhash settings every document was sketched with; a :class:`CurateError` when a document has no
    sketch, settings differ or signatures differ in length (checked in SQL: nothing is fetched per document)."""
    missing, nulls, distinct, params, widths = con.execute(
        f'SELECT count(*) FILTER (WHERE dup_signature IS NULL OR dup_text_hash IS NULL), '
        f'count(*) FILTER (WHERE dup_params IS NULL), count(DISTINCT dup_params), any_value(dup_params), '
        f'list(DISTINCT len(dup_signature)) FILTER (WHERE dup_signature IS NOT NULL) FROM "{relation}"').fetchone()
    if missing:
        raise CurateError(f"dedup: {missing} document(s) have no MinHash signature; run the 'minhash' stage first")
    if nulls or distinct != 1:
        raise CurateError("dedup: documents were sketched with different 'minhash' settings (or not at all); "
                          "rerun the 'minhash' stage")
    mh = MinHashConfig.model_validate_json(params)
    if set(widths or []) != {mh.num_perm}:
        raise CurateError("dedup: signatures of different lengths in the workspace; rerun the 'minhash' stage")
    return mh


def _on_ray(engine) -> bool:
    return getattr(engine, "name", None) == "ray"


def dedup_relation(con: duckdb.DuckDBPyConnection, relation: str, cfg: DedupConfig, engine=None) -> pa.Table:
    """Global stage: cluster every document from its stored sketch; doc_id + dup_* columns.

    ``engine``: the run's engine (:mod:`curate.engines`); on ``ray`` signatures, segment keys and texts stay on
    the cluster (:class:`curate.dedup.ray_dedup.RayDocs`: boilerplate, LSH grouping and verification run as Ray
    tasks) and the driver holds per-document numbers and pairs only; the clusters and keepers are the same.
    """
    cols = _columns(con, relation)
    earliest = [c for c in ("ingested_at", "source_row") if c in cols] + ["doc_id"]
    quality = []
    if "quality_ok" in cols:
        quality.append("CASE WHEN quality_ok THEN 0 ELSE 1 END")
    if "quality_flags" in cols:
        quality.append("coalesce(len(quality_flags), 0)")
    quality_sql = "".join(f", {q} AS _q{i}" for i, q in enumerate(quality))
    n = con.execute(f'SELECT count(*) FROM "{relation}"').fetchone()[0]
    if n == 0:
        return pa.table({"doc_id": pa.array([], pa.string()), **{k: pa.array([], t) for k, t in OUTPUTS.items()}})
    mh = _checked_settings(con, relation)
    if mh.text_field != cfg.text_field:
        # Verification, boilerplate re-signing and the 'longest' policy re-read the compared text: read from
        # another column (or from one this stage was not given) it would be empty, and no near duplicate found.
        raise CurateError(f"dedup: the signatures were made from '{mh.text_field}' (minhash text_field) but dedup "
                          f"reads '{cfg.text_field}'; give the dedup stage text_field: {mh.text_field}")
    full = DedupTableConfig(**(cfg.model_dump() | mh.model_dump()))
    ray = _on_ray(engine)
    sketch_sql = "" if ray else ", dup_signature, dup_segments"
    rel = con.execute(
        f'SELECT doc_id, dup_text_hash{sketch_sql}, '
        f'row_number() OVER (ORDER BY {", ".join(earliest)}) AS _earliest{quality_sql} '
        f'FROM "{relation}" ORDER BY doc_id').fetch_arrow_table()
    shape = shape_columns(cols, full)
    quality_keys = [rel.column(f"_q{i}").to_numpy() for i in range(len(quality))]
    if ray:
        c = _cluster_on_ray(con, relation, full, shape, rel, quality_keys, engine)
    else:
        c = _cluster_here(con, relation, full, shape, rel, quality_keys)
    doc_ids = rel.column("doc_id").combine_chunks().cast(pa.string())
    return pa.table({"doc_id": doc_ids, **clusters_to_arrow(c, doc_ids)})


def _shape_sql(shape: list[str]) -> str:
    return ", ".join(f'"{c}"' for c in shape)


def _cluster_here(con, relation: str, full: DedupTableConfig, shape: list[str], rel: pa.Table, quality_keys):
    """Local engine: sketches in memory, texts fetched from DuckDB as verification asks for them."""
    n = rel.num_rows
    sig = np.asarray(rel.column("dup_signature").combine_chunks().flatten(), np.uint32).reshape(n, full.num_perm).copy()
    segs = rel.column("dup_segments").combine_chunks()
    exact = exact_keys(rel.column("dup_text_hash"))
    # Compared texts stay in DuckDB; only the rows clustering asks for come out.
    src = f"_dedup_texts_{next(_COUNTER)}"
    con.execute(f'CREATE TEMP TABLE {src} AS SELECT row_number() OVER (ORDER BY doc_id) - 1 AS _pos, '
                f'{_shape_sql(shape)} FROM "{relation}"')
    try:
        def take(idx: np.ndarray) -> pa.Table:
            name = f"_dedup_take_{next(_COUNTER)}"
            con.register(name, pa.table({"_pos": pa.array(idx, pa.int64())}))
            try:
                part = con.execute(f"SELECT s.* EXCLUDE (_pos) FROM {src} s JOIN {name} USING (_pos) "
                                   f"ORDER BY _pos").fetch_arrow_table()
            finally:
                con.unregister(name)
            return part

        length = _lengths_sql(con, src, full, n)
        sk = Sketches(sig, exact, np.asarray(segs.values, np.uint64), np.asarray(segs.offsets, np.int64), length)
        return cluster(sk, TextSource(take), full, earliest=rel.column("_earliest").to_numpy(), quality=quality_keys)
    finally:
        con.execute(f"DROP TABLE IF EXISTS {src}")


def _cluster_on_ray(con, relation: str, full: DedupTableConfig, shape: list[str], rel: pa.Table, quality_keys,
                    engine):
    """Ray engine: the documents are staged for Ray tasks; the driver keeps per-document numbers and pairs."""
    from curate.dedup.ray_dedup import BLOCK_DOCS, RayDocs
    from curate.engines import BatchSource

    engine.connect()
    sql = (f'SELECT row_number() OVER (ORDER BY doc_id) - 1 AS _pos, {_shape_sql(shape)}, dup_signature, '
           f'dup_segments FROM "{relation}" ORDER BY doc_id')
    # The staged texts go under the private instance's 0700 folder when there is one: its watchdog removes
    # it even when the driver is killed. Else a 0700 temp folder (or the engine's shared staging_dir).
    folder = getattr(engine, "staging_dir", None) or getattr(engine, "spill_dir", None)
    docs = RayDocs.stage(BatchSource(con, sql, rel.num_rows, min(BLOCK_DOCS, 4096), own_cursor=False), shape,
                         full.num_perm, full, folder)
    try:
        return cluster_docs(docs, exact_keys(rel.column("dup_text_hash")), full, earliest=rel.column("_earliest").to_numpy(),
                            quality=quality_keys)
    finally:
        docs.close()


def _lengths_sql(con, src: str, cfg, n: int) -> np.ndarray:
    """Characters of each compared text, in canonical order (batch by batch: no full copy of the texts)."""
    out = np.empty(n, np.int64)
    reader = con.execute(f"SELECT * EXCLUDE (_pos) FROM {src} ORDER BY _pos").fetch_record_batch(65_536)
    pos = 0
    for batch in reader:
        view = match_text(pa.Table.from_batches([batch]), cfg)
        out[pos:pos + len(view)] = np.asarray(pc.fill_null(pc.utf8_length(view), 0).to_numpy(zero_copy_only=False))
        pos += len(view)
    return out


MINHASH = register_stage(Stage(
    name="minhash", kind="per_document", config_model=MinHashConfig, fn=minhash_batch,
    outputs={"dup_text_hash": pa.string(), "dup_signature": pa.list_(pa.uint32()),
             "dup_segments": pa.list_(pa.uint64()), "dup_params": pa.string()},
    raw_outputs=("dup_text_hash", "dup_signature", "dup_segments"),
    description="Per-document sketch for dedup: the compared content of the row's shape (chat turns of chat_roles, "
                "SFT instruction+input+output, or text) with markup read as text (entities, tags), folded (NFKC, "
                "case, digits of all scripts, elongations), "
                "one-permutation MinHash signature, exact-duplicate key and segment keys for the boilerplate "
                "detector; cached, so new ingests only sketch new documents.",
    # 3: character shingles glue conjuncts after the viramas of every script (curate.text), not a hand list.
    # 4: a row with no text to compare gets a reserved exact key (never a duplicate of another empty row).
    # 5: a chat turn's content given as OpenAI's list of parts is compared on its text parts (was its JSON text);
    #    an assistant turn that calls tools is compared on the calls (name + arguments; was empty: exact duplicates).
    # 6: markup is read as the ingest reads it before matching (entities decoded, tags dropped: curate.text.html).
    version="6",
))

DEDUP = register_stage(Stage(
    name="dedup", kind="global", config_model=DedupConfig, fn=dedup_relation,
    outputs=dict(OUTPUTS),
    # dup_shared quotes the raw text the pair shares (names, phone numbers): for the steward, in the raw zone.
    raw_outputs=("dup_shared",),
    inputs=dedup_inputs,
    optional_inputs=("quality_ok", "quality_flags", "source_row", "ingested_at"),
    description="Exact + near-duplicate clusters: boilerplate segments (in >= boilerplate_share of documents) set "
                "aside, LSH candidates grouped by a compiled hash table on all cores (on Ray: by a hash shuffle, "
                "verified by Ray tasks), verified on the exact Jaccard of the shingle sets; rows without text are "
                "never duplicates, nor near pairs under 16 words unless they share a strong identifier (phone, "
                "account, PAN: 9+ characters; e-mail/UPI address), nor chats / SFT pairs whose training targets "
                "(assistant turns / output, numbers and boilerplate aside) differ, nor pairs whose facts differ (each states "
                "a number the other does not, their negation words differ, or each names a kind, name or place the "
                "other does not spell - savings / current, Rahul / Priya, Mumbai / Delhi: dup_reason distinct_facts "
                "on the kept rows); "
                "every removed row names its keeper, estimated and exact similarity and the shared span.",
    # 3: no_text rows kept; near duplicates need 16 words on both sides.
    # 4: ... or a shared strong identifier; the compared text is re-read from minhash's text_field (was '' when
    #    the stage was not given that column: no near duplicate confirmed in the demo workspace).
    # 5: chats / SFT pairs whose targets (assistant turns / output) differ in content are never near duplicates.
    # 6: an SFT pair's all-boilerplate output (a frequent label) is keyed by its words: the same input with two labels
    # is kept (a conflict to see), not removed as a near duplicate.
    # 7: content parts read as text (see minhash 5), also in targets and explanations.
    # 8: near pairs whose facts differ (numbers, negations; curate.dedup.facts) are kept, dup_reason distinct_facts.
    # 9: ... or a swapped kind, name or place (curate.dedup.facts.names_apart); romanized Tamil negators.
    version="9",
))
