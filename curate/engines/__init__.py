"""Engines map batches through a per-document stage; the runner owns everything else.

An engine gets a stage, its config, a :class:`~curate.stage.StageContext` (secrets already
resolved on the driver) and a :class:`BatchSource` (the pending rows the runner selected),
and yields result tables — ``doc_id`` + the stage's outputs + ``<stage>_error`` — in input
order. It never opens the workspace, commits or decides what is pending: the runner commits
what it yields, so every engine is resumable the same way (a killed run recomputes only the
rows whose results were not committed). Global stages run on the driver, next to DuckDB,
whatever the engine; a global stage that takes an ``engine`` parameter may hand parts of its work
to it (``dedup``: LSH grouping on Ray, :mod:`curate.dedup.ray_lsh`).

* ``local`` (:mod:`curate.engines.local`): in-process, or a process pool for larger runs.
* ``ray`` (:mod:`curate.engines.ray_engine`): Ray Data ``map_batches`` on a Ray cluster.
"""

from __future__ import annotations

import os
import resource
from dataclasses import dataclass, field
from typing import Iterator

import duckdb
import pyarrow as pa

from curate.errors import CurateError
from curate.stage import Stage, StageConfig, StageContext

ENGINES = ("local", "ray")


@dataclass
class BatchSource:
    """The pending rows of one stage run: a DuckDB query on the driver's connection.

    ``sql`` selects ``doc_id`` plus the stage's input columns in a stable order;
    ``count`` is its row count; ``batch_size`` the rows per batch handed to the stage;
    ``scratch`` a folder an engine may stage files in (inside the workspace), or ``None``;
    ``own_cursor``: read through a cursor of ``con`` (``False``: on ``con`` itself, whose temp views a
    cursor does not see; nothing else may use ``con`` meanwhile).
    """

    con: duckdb.DuckDBPyConnection
    sql: str
    count: int
    batch_size: int
    scratch: str | None = None
    own_cursor: bool = True

    def _cursor(self) -> duckdb.DuckDBPyConnection:
        return self.con.cursor() if self.own_cursor else self.con

    def _done(self, cur: duckdb.DuckDBPyConnection) -> None:
        if self.own_cursor:
            cur.close()

    def batches(self) -> Iterator[pa.Table]:
        """Stream the rows as Arrow tables of ``batch_size`` rows (bounded memory on the driver)."""
        cur = self._cursor()
        try:
            for batch in cur.execute(self.sql).fetch_record_batch(self.batch_size):
                yield pa.Table.from_batches([batch])
        finally:
            self._done(cur)

    def to_parquet(self, folder: str | os.PathLike, rows_per_file: int) -> list[str]:
        """Write the rows as numbered Parquet files under ``folder`` (in order); returns their paths.

        Row groups hold ``batch_size`` rows so a reader can hand out whole batches.
        """
        os.makedirs(folder, exist_ok=True)
        paths: list[str] = []
        cur = self._cursor()
        try:
            import pyarrow.parquet as pq

            writer = None
            rows_in_file = 0
            for batch in cur.execute(self.sql).fetch_record_batch(self.batch_size):
                if writer is None or rows_in_file >= rows_per_file:
                    if writer is not None:
                        writer.close()
                    paths.append(os.path.join(folder, f"part-{len(paths):06d}.parquet"))
                    writer = pq.ParquetWriter(paths[-1], batch.schema)
                    rows_in_file = 0
                writer.write_table(pa.Table.from_batches([batch]), row_group_size=self.batch_size)
                rows_in_file += batch.num_rows
            if writer is not None:
                writer.close()
        finally:
            self._done(cur)
        return paths


@dataclass
class WorkerStats:
    """Peak resident memory (KiB) per worker process that ran batches, keyed by ``host:pid``."""

    peak_rss_kib: dict[str, int] = field(default_factory=dict)

    def add(self, worker: str, rss_kib: int) -> None:
        self.peak_rss_kib[worker] = max(rss_kib, self.peak_rss_kib.get(worker, 0))


def worker_id_and_rss() -> tuple[str, int]:
    """This process's ``host:pid`` and its peak RSS in KiB (Linux ``ru_maxrss`` unit)."""
    return f"{os.uname().nodename}:{os.getpid()}", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


class Engine:
    """Base class: ``map_batches`` yields result tables in input order (see the module docstring)."""

    name = "engine"

    def __init__(self) -> None:
        self.worker_stats = WorkerStats()

    def map_batches(self, stage: Stage, cfg: StageConfig, ctx: StageContext,
                    source: BatchSource) -> Iterator[pa.Table]:  # pragma: no cover - interface
        raise NotImplementedError

    def describe(self) -> dict:
        return {"engine": self.name}

    def close(self) -> None:
        """Release what the engine holds (process pools, the Ray connection it opened)."""


def make_engine(name: str | Engine | None = None, **settings) -> Engine:
    """``local`` (default) or ``ray``; ``settings`` are the engine's keyword options
    (local: ``workers``, ``pool_min_docs``; ray: ``address``, ``workers``, ``staging_dir``,
    ``object_store_mb``).
    An :class:`Engine` instance is returned as is."""
    if isinstance(name, Engine):
        return name
    name = name or "local"
    if name == "local":
        from curate.engines.local import LocalEngine

        return LocalEngine(**settings)
    if name == "ray":
        from curate.engines.ray_engine import RayEngine

        return RayEngine(**settings)
    raise CurateError(f"unknown engine '{name}' (use {' or '.join(ENGINES)})")
