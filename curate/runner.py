"""The runner: stream documents out of DuckDB, through a stage, into a signal table.

* Per-document stages run batch by batch, in a process pool when there is enough
  work to pay for it.  Results are committed every few batches; each commit is a
  DuckLake transaction, so a kill loses at most the batches in flight and a rerun
  computes only the documents that have no signal row yet (resume).  The same
  rule makes runs incremental: after a new ingest only new documents are computed.
* A change of stage config or stage version invalidates the cached signal: the
  table is dropped and recomputed, so signals always match their recorded config.
* Global stages (e.g. LSH clustering) see every document at once and replace their
  signal table in one transaction.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing as mp
import os
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import asdict, dataclass
from typing import Callable

import pyarrow as pa

from curate.dbutil import transaction
from curate.errors import CurateError
from curate.stage import Stage, StageConfig, get_stage
from curate.workspace import Workspace, ident, now

RECORD_COLUMNS = ("doc_id", "text", "instruction", "input", "output", "messages", "meta")
DEFAULT_BATCH_SIZE = 1000
# Below this many pending documents a pool costs more (process start, imports) than it saves.
POOL_MIN_DOCS = 4000


@dataclass
class StageRunResult:
    stage: str
    kind: str
    computed: int
    cached: int
    total: int
    recomputed_for_new_config: bool
    summary: dict | None = None  # the stage's own summary of its signal (Stage.summarize), e.g. rows held back

    def as_dict(self) -> dict:
        return asdict(self)


def config_hash(stage: Stage, cfg: StageConfig) -> str:
    payload = json.dumps({"stage": stage.name, "version": stage.version, "config": cfg.model_dump(mode="json")},
                         sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()[:16]


def _apply_batch(stage_name: str, cfg_json: str, batch: pa.Table) -> pa.Table:
    """Worker entry point: module-level so it pickles; the stage is looked up by name."""
    stage = get_stage(stage_name)
    cfg = stage.config_model.model_validate_json(cfg_json)
    out = stage.fn(batch, cfg)
    if out.num_rows != batch.num_rows:
        raise RuntimeError(f"stage '{stage_name}' returned {out.num_rows} rows for {batch.num_rows}")
    return out.append_column("doc_id", batch.column("doc_id"))


def _check_outputs(stage: Stage, out: pa.Table) -> pa.Table:
    missing = [c for c in stage.outputs if c not in out.column_names]
    if missing:
        raise RuntimeError(f"stage '{stage.name}' did not produce declared column(s) {missing}")
    cols = ["doc_id", *stage.outputs]
    return out.select(cols).cast(pa.schema([("doc_id", pa.string())] + list(stage.output_schema())))


def _invalidate_if_config_changed(ws: Workspace, stage: Stage, chash: str) -> bool:
    row = ws.con.execute("SELECT config_hash FROM lake.signal_state WHERE stage = ?", [stage.name]).fetchone()
    if row is not None and row[0] != chash:
        ws.drop_signal(stage.name)
        return True
    if row is None and ws.has_table(f"signal_{stage.name}"):
        ws.drop_signal(stage.name)  # a table from an unrecorded run: not trusted
        return True
    return False


def _record_state(ws: Workspace, stage: Stage, cfg: StageConfig, chash: str) -> None:
    ws.con.execute("DELETE FROM lake.signal_state WHERE stage = ?", [stage.name])
    ws.con.execute("INSERT INTO lake.signal_state VALUES (?, ?, ?, ?, ?)",
                   [stage.name, chash, cfg.model_dump_json(), stage.kind, now()])


def _input_columns(ws: Workspace, stage: Stage, cfg: StageConfig) -> list[str]:
    available = set(ws.view_columns())
    needed = list(dict.fromkeys([*RECORD_COLUMNS, *stage.inputs(cfg)]))
    missing = [c for c in needed if c not in available]
    if missing:
        raise CurateError(f"stage '{stage.name}' needs column(s) {', '.join(missing)}; "
                          "run the stage that produces them first")
    optional = [c for c in stage.optional_inputs if c in available and c not in needed]
    return needed + optional


def run_stage(ws: Workspace, name: str, params: dict | None = None, workers: int | None = None,
              batch_size: int = DEFAULT_BATCH_SIZE, progress_factory=None,
              on_commit: Callable[[int], None] | None = None) -> StageRunResult:
    ws._require_writable()
    stage = get_stage(name)
    cfg = stage.make_config(params)
    chash = config_hash(stage, cfg)
    changed = _invalidate_if_config_changed(ws, stage, chash)
    # Stages that need a secret (e.g. the PII stage's HMAC key) keep it in this workspace's secrets
    # folder (0700, never in the lake); worker processes inherit the variable.
    previous = os.environ.get("CURATE_SECRETS_DIR")
    os.environ["CURATE_SECRETS_DIR"] = str(ws.secrets_dir)
    try:
        if stage.kind == "global":
            result = _run_global(ws, stage, cfg, chash, changed)
        else:
            result = _run_per_document(ws, stage, cfg, chash, changed, workers, batch_size, progress_factory, on_commit)
        if stage.summarize is not None:
            result.summary = stage.summarize(ws.con, f"lake.{ident('signal_' + stage.name)}")
        return result
    finally:
        if previous is None:
            os.environ.pop("CURATE_SECRETS_DIR", None)
        else:
            os.environ["CURATE_SECRETS_DIR"] = previous


def _run_global(ws: Workspace, stage: Stage, cfg: StageConfig, chash: str, changed: bool) -> StageRunResult:
    cols = _input_columns(ws, stage, cfg)
    con = ws.con
    con.execute(f"CREATE OR REPLACE TEMP VIEW stage_input AS SELECT {', '.join(ident(c) for c in cols)} "
                f"FROM ({ws.view_sql(exclude_signal=stage.name)})")
    out = _check_outputs(stage, stage.fn(con, "stage_input", cfg))
    total = ws.count("documents")
    if out.num_rows != total:
        raise RuntimeError(f"global stage '{stage.name}' returned {out.num_rows} rows for {total} documents")
    with transaction(con):
        con.register("_stage_out", out)
        con.execute(f"CREATE OR REPLACE TABLE lake.{ident('signal_' + stage.name)} AS SELECT * FROM _stage_out")
        con.unregister("_stage_out")
        _record_state(ws, stage, cfg, chash)
    return StageRunResult(stage.name, stage.kind, total, 0, total, changed)


def _run_per_document(ws, stage, cfg, chash, changed, workers, batch_size, progress_factory, on_commit):
    table = f"signal_{stage.name}"
    con = ws.con
    if not ws.has_table(table):
        with transaction(con):
            schema = pa.schema([("doc_id", pa.string())] + list(stage.output_schema()))
            con.register("_empty", schema.empty_table())
            con.execute(f"CREATE TABLE lake.{ident(table)} AS SELECT * FROM _empty")
            con.unregister("_empty")
            _record_state(ws, stage, cfg, chash)
    cols = _input_columns(ws, stage, cfg)
    total = ws.count("documents")
    pending_sql = (f"SELECT {', '.join(ident(c) for c in cols)} FROM ({ws.view_sql(exclude_signal=stage.name)}) v "
                   f"WHERE NOT EXISTS (SELECT 1 FROM lake.{ident(table)} s WHERE s.doc_id = v.doc_id) ORDER BY doc_id")
    pending = con.execute(f"SELECT count(*) FROM ({pending_sql})").fetchone()[0]
    result = StageRunResult(stage.name, stage.kind, 0, total - pending, total, changed)
    if pending == 0:
        return result
    workers = workers if workers is not None else min(os.cpu_count() or 1, 4)
    use_pool = workers > 1 and pending >= POOL_MIN_DOCS
    reader = con.cursor().execute(pending_sql).fetch_record_batch(batch_size)
    writer = con.cursor()
    cfg_json = cfg.model_dump_json()
    buffered: list[pa.Table] = []

    def flush() -> None:
        if not buffered:
            return
        out = _check_outputs(stage, pa.concat_tables(buffered))
        writer.register("_stage_out", out)
        writer.execute(f"INSERT INTO lake.{ident(table)} SELECT * FROM _stage_out")
        writer.unregister("_stage_out")
        result.computed += out.num_rows
        buffered.clear()
        if on_commit:
            on_commit(result.computed)

    def handle(out: pa.Table, advance) -> None:
        buffered.append(out)
        advance(out.num_rows)
        if sum(t.num_rows for t in buffered) >= batch_size * 8:
            flush()

    ctx = progress_factory(f"stage {stage.name}", pending) if progress_factory else None
    advance = ctx.__enter__() if ctx else (lambda n: None)
    try:
        if not use_pool:
            for batch in reader:
                handle(_apply_batch(stage.name, cfg_json, pa.Table.from_batches([batch])), advance)
        else:
            with ProcessPoolExecutor(max_workers=workers, mp_context=mp.get_context("spawn")) as pool:
                inflight = []
                # Results are written in input order, so output is identical to a serial run.
                for batch in reader:
                    inflight.append(pool.submit(_apply_batch, stage.name, cfg_json, pa.Table.from_batches([batch])))
                    while len(inflight) >= workers * 2:
                        wait([inflight[0]], return_when=FIRST_COMPLETED)
                        handle(inflight.pop(0).result(), advance)
                for fut in inflight:
                    handle(fut.result(), advance)
        flush()
    finally:
        if ctx:
            ctx.__exit__(None, None, None)
        writer.close()
    return result
