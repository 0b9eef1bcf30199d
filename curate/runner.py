"""The runner: decide what is pending, hand it to an engine, commit what comes back.

* Per-document stages: the runner selects the documents without a signal row yet, an
  engine (:mod:`curate.engines`: ``local`` process pool or ``ray``) maps them through the
  stage, and the runner — the only committer — inserts the results every few batches, each
  insert a DuckLake transaction. A kill (of the driver or of a worker) loses at most the
  batches in flight; a rerun computes only the documents that have no signal row yet
  (resume). The same rule makes runs incremental: after a new ingest only new documents
  are computed.
* Secrets are resolved here, on the driver (workspace secrets folder), and reach the stage
  as bytes in its :class:`~curate.stage.StageContext`; nothing goes through the environment.
* A row that makes the stage raise is stored with null outputs and ``<stage>_error`` set
  (see :func:`curate.stage.apply_batch`); the rest of its batch goes on, and snapshots hold
  such rows back.
* A change of stage config, stage version or signal contract invalidates the cached signal:
  the table is dropped and recomputed, so signals always match their recorded config.
* Global stages (e.g. LSH clustering) see every document at once, run on the driver next to
  DuckDB whatever the engine, and replace their signal table in one transaction.
* Every run records statistics (rows, seconds, row errors, flag counts, worker peak memory)
  in the ``stage_runs`` table and in its :class:`StageRunResult`.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import asdict, dataclass, field
from typing import Callable

import pyarrow as pa
import pyarrow.compute as pc

from curate.dbutil import transaction
from curate.engines import BatchSource, Engine, WorkerStats, make_engine
from curate.errors import CurateError
from curate.stage import (SecretSources, Stage, StageConfig, get_stage, signal_schema, stage_context,
                          takes_engine)
from curate.storage import Lake, ident, now, signal_table

RECORD_COLUMNS = ("doc_id", "text", "instruction", "input", "output", "messages", "meta")
DEFAULT_BATCH_SIZE = 1000
# Results are committed every this many batches.
COMMIT_EVERY_BATCHES = 8
# Bumped when the layout of signal tables changes (2: per-document signals carry <stage>_error).
SIGNAL_CONTRACT = 2
# Below this many pending documents the local engine runs in-process (see curate.engines.local).
POOL_MIN_DOCS = 4000


@dataclass
class StageRunResult:
    """What one stage run did. ``seconds``: wall time of the run; ``errors``: rows stored with
    ``<stage>_error``; ``flags``: counts of true booleans and of list values among the rows
    computed in this run (e.g. ``quality_flags=too_short``); ``workers``: peak RSS (KiB) per
    worker process (``host:pid``)."""

    stage: str
    kind: str
    computed: int
    cached: int
    total: int
    recomputed_for_new_config: bool
    summary: dict | None = None  # the stage's own summary of its signal (Stage.summarize), e.g. rows held back
    engine: str = "local"
    seconds: float = 0.0
    errors: int = 0
    flags: dict[str, int] = field(default_factory=dict)
    workers: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return asdict(self)

    @property
    def docs_per_s(self) -> float:
        return self.computed / self.seconds if self.seconds > 0 else 0.0


def config_hash(stage: Stage, cfg: StageConfig) -> str:
    payload = json.dumps({"stage": stage.name, "version": stage.version, "config": cfg.model_dump(mode="json"),
                          "contract": SIGNAL_CONTRACT}, sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()[:16]


def _check_outputs(stage: Stage, out: pa.Table) -> pa.Table:
    missing = [c for c in stage.outputs if c not in out.column_names]
    if missing:
        raise RuntimeError(f"stage '{stage.name}' did not produce declared column(s) {missing}")
    cols = ["doc_id", *stage.outputs]
    return out.select(cols).cast(pa.schema([("doc_id", pa.string())] + list(stage.output_schema())))


def count_flags(stage: Stage, out: pa.Table, into: dict[str, int]) -> None:
    """Add this table's flag counts to ``into``: true values of boolean outputs, values of list outputs."""
    for name, typ in stage.outputs.items():
        col = out.column(name)
        if pa.types.is_boolean(typ):
            into[name] = into.get(name, 0) + int(pc.sum(col.cast(pa.int64())).as_py() or 0)
        elif pa.types.is_list(typ) and pa.types.is_string(typ.value_type):
            for item in pc.value_counts(pc.list_flatten(col)).to_pylist():
                if item["values"] is not None:
                    key = f"{name}={item['values']}"
                    into[key] = into.get(key, 0) + item["counts"]


def _invalidate_if_config_changed(ws: Lake, stage: Stage, chash: str) -> bool:
    recorded = ws.signal_config_hash(stage.name)
    if recorded is not None and recorded != chash:
        ws.drop_signal(stage.name)
        return True
    if recorded is None and ws.has_table(signal_table(stage.name)):
        ws.drop_signal(stage.name)  # a table from an unrecorded run: not trusted
        return True
    return False


def _record_state(ws: Lake, stage: Stage, cfg: StageConfig, chash: str) -> None:
    ws.record_signal_state(stage.name, chash, cfg.model_dump_json(), stage.kind)


def _record_run(ws: Lake, result: StageRunResult, engine: dict) -> None:
    ws.put_table("stage_runs", pa.table({
        "stage": [result.stage], "engine": [result.engine], "finished_at": [now()],
        "computed": [result.computed], "cached": [result.cached], "seconds": [result.seconds],
        "errors": [result.errors], "stats": [json.dumps({"flags": result.flags, "workers": result.workers,
                                                         "settings": engine}, sort_keys=True)],
    }))


def _input_columns(ws: Lake, stage: Stage, cfg: StageConfig) -> list[str]:
    available = set(ws.view_columns())
    needed = list(dict.fromkeys([*RECORD_COLUMNS, *stage.inputs(cfg)]))
    missing = [c for c in needed if c not in available]
    if missing:
        raise CurateError(f"stage '{stage.name}' needs column(s) {', '.join(missing)}; "
                          "run the stage that produces them first")
    optional = [c for c in stage.optional_inputs if c in available and c not in needed]
    return needed + optional


def run_stage(ws: Lake, name: str, params: dict | None = None, workers: int | None = None,
              batch_size: int = DEFAULT_BATCH_SIZE, progress_factory=None,
              on_commit: Callable[[int], None] | None = None, engine: str | Engine | None = None,
              engine_options: dict | None = None) -> StageRunResult:
    """Run stage ``name`` over the workspace's pending documents.

    ``engine``: ``"local"`` (default), ``"ray"`` or an :class:`~curate.engines.Engine`;
    ``engine_options``: its settings (ray: ``address``, ``staging_dir``); ``workers``: worker
    processes (local pool size, Ray actors). Raises :class:`CurateError` for bad parameters,
    missing input columns, a missing key, or an unreachable Ray cluster.
    """
    ws.require_writable()
    stage = get_stage(name)
    cfg = stage.make_config(params)
    chash = config_hash(stage, cfg)
    changed = _invalidate_if_config_changed(ws, stage, chash)
    started = time.perf_counter()
    opts = dict(engine_options or {})
    if workers is not None:
        opts["workers"] = workers
    engine_name = engine.name if isinstance(engine, Engine) else (engine or "local")
    if engine_name == "local":
        opts.setdefault("pool_min_docs", POOL_MIN_DOCS)
    if stage.kind == "global":
        # A global stage runs on the driver; one that takes an engine may distribute parts of it (dedup's LSH).
        eng = make_engine(engine, **opts) if takes_engine(stage.fn) and engine_name != "local" else None
        try:
            result = _run_global(ws, stage, cfg, chash, changed, eng)
            engine_info = {"engine": "driver"} if eng is None else {**eng.describe(), "driver": True}
        finally:
            if eng is not None and not isinstance(engine, Engine):
                eng.close()
    else:
        eng = make_engine(engine, **opts)
        eng.worker_stats = WorkerStats()  # an engine shared by a recipe's stages reports each run on its own
        try:
            # The one place secrets are read: on the driver, from the workspace's secrets folder.
            ctx = stage_context(stage, cfg, SecretSources(folder=ws.secrets_dir))
            result = _run_per_document(ws, stage, cfg, ctx, chash, changed, eng, batch_size, progress_factory,
                                       on_commit)
            result.workers = dict(eng.worker_stats.peak_rss_kib)
            engine_info = eng.describe()
        finally:
            if not isinstance(engine, Engine):
                eng.close()
    if stage.summarize is not None:
        result.summary = stage.summarize(ws.con, f"lake.{ident('signal_' + stage.name)}")
    result.engine = engine_info["engine"]
    result.seconds = round(time.perf_counter() - started, 3)
    _record_run(ws, result, engine_info)
    return result


def _run_global(ws: Lake, stage: Stage, cfg: StageConfig, chash: str, changed: bool,
                engine: Engine | None = None) -> StageRunResult:
    cols = _input_columns(ws, stage, cfg)
    con = ws.con
    con.execute(f"CREATE OR REPLACE TEMP VIEW stage_input AS SELECT {', '.join(ident(c) for c in cols)} "
                f"FROM ({ws.view_sql(exclude_signal=stage.name)})")
    extra = {"engine": engine} if engine is not None else {}
    out = _check_outputs(stage, stage.fn(con, "stage_input", cfg, **extra))
    total = ws.count("documents")
    if out.num_rows != total:
        raise RuntimeError(f"global stage '{stage.name}' returned {out.num_rows} rows for {total} documents")
    with transaction(con):
        con.register("_stage_out", out)
        con.execute(f"CREATE OR REPLACE TABLE lake.{ident('signal_' + stage.name)} AS SELECT * FROM _stage_out")
        con.unregister("_stage_out")
        _record_state(ws, stage, cfg, chash)
    result = StageRunResult(stage.name, stage.kind, total, 0, total, changed)
    count_flags(stage, out, result.flags)
    return result


def pending_source(ws: Lake, stage: Stage, cfg: StageConfig, batch_size: int) -> BatchSource:
    """The documents without a row in the stage's signal table, with the stage's input columns, by doc_id."""
    table = f"signal_{stage.name}"
    cols = _input_columns(ws, stage, cfg)
    sql = (f"SELECT {', '.join(ident(c) for c in cols)} FROM ({ws.view_sql(exclude_signal=stage.name)}) v "
           f"WHERE NOT EXISTS (SELECT 1 FROM lake.{ident(table)} s WHERE s.doc_id = v.doc_id) ORDER BY doc_id")
    count = ws.con.execute(f"SELECT count(*) FROM ({sql})").fetchone()[0]
    return BatchSource(ws.con, sql, count, batch_size, scratch=str(ws.path / "tmp"))


def _run_per_document(ws: Lake, stage, cfg, ctx, chash, changed, engine: Engine, batch_size, progress_factory,
                      on_commit):
    table = f"signal_{stage.name}"
    con = ws.con
    schema = signal_schema(stage)
    if not ws.has_table(table):
        with transaction(con):
            con.register("_empty", schema.empty_table())
            con.execute(f"CREATE TABLE lake.{ident(table)} AS SELECT * FROM _empty")
            con.unregister("_empty")
            _record_state(ws, stage, cfg, chash)
    total = ws.count("documents")
    source = pending_source(ws, stage, cfg, batch_size)
    result = StageRunResult(stage.name, stage.kind, 0, total - source.count, total, changed)
    if source.count == 0:
        return result
    writer = con.cursor()
    buffered: list[pa.Table] = []

    def flush() -> None:
        if not buffered:
            return
        out = pa.concat_tables(buffered).select(schema.names).cast(schema)
        writer.register("_stage_out", out)
        writer.execute(f"INSERT INTO lake.{ident(table)} SELECT * FROM _stage_out")  # one transaction
        writer.unregister("_stage_out")
        result.computed += out.num_rows
        result.errors += out.num_rows - out.column(stage.error_column).null_count
        count_flags(stage, out, result.flags)
        buffered.clear()
        if on_commit:
            on_commit(result.computed)

    bar = progress_factory(f"stage {stage.name}", source.count) if progress_factory else None
    advance = bar.__enter__() if bar else (lambda n: None)
    results = engine.map_batches(stage, cfg, ctx, source)
    try:
        for out in results:
            buffered.append(out)
            advance(out.num_rows)
            if sum(t.num_rows for t in buffered) >= batch_size * COMMIT_EVERY_BATCHES:
                flush()
        flush()
    finally:
        if hasattr(results, "close"):  # a generator: stop the engine's workers now, also after a failed commit
            results.close()
        if bar:
            bar.__exit__(None, None, None)
        writer.close()
    return result
