"""The local engine: in-process for small runs, a spawn-context process pool for larger ones.

The pool's workers die with the driver (``kill -9`` included) and are terminated when the run
stops early (error, Ctrl-C, SIGTERM): see :mod:`curate.engines.pool`.

Results come back in input order whatever the pool does, so a pooled run writes exactly the
rows a serial run writes. Each worker process runs ``stage.setup`` once (first batch) and
keeps the state for the rest of the run.
"""

from __future__ import annotations

import os
from concurrent.futures import FIRST_COMPLETED, wait
from typing import Iterator

import pyarrow as pa

from curate.engines import BatchSource, Engine, worker_id_and_rss
from curate.engines.pool import process_pool, stop_pool
from curate.stage import Stage, StageConfig, StageContext, apply_batch

# Below this many pending documents a pool costs more (process start, imports) than it saves.
POOL_MIN_DOCS = 4000

# Per worker process: (stage name, config json) -> context with the stage's set-up state.
_WORKER_CTX: dict[tuple[str, str], StageContext] = {}


def _set_up(stage: Stage, cfg: StageConfig, ctx: StageContext) -> StageContext:
    key = (stage.name, cfg.model_dump_json())
    ready = _WORKER_CTX.get(key)
    if ready is None:
        ready = ctx.with_state(stage.setup(cfg, ctx)) if stage.setup is not None else ctx
        _WORKER_CTX.clear()  # one stage at a time per worker: do not keep models of earlier stages
        _WORKER_CTX[key] = ready
    return ready


def _work(stage: Stage, cfg: StageConfig, ctx: StageContext, batch: pa.Table) -> tuple[pa.Table, str, int]:
    """Worker entry point (module level, so it pickles)."""
    out = apply_batch(stage, cfg, _set_up(stage, cfg, ctx), batch)
    return (out, *worker_id_and_rss())


class LocalEngine(Engine):
    """``workers``: processes (default: cores, at most 4); ``pool_min_docs``: below this, run in-process."""

    name = "local"

    def __init__(self, workers: int | None = None, pool_min_docs: int | None = None):
        super().__init__()
        self.workers = workers if workers is not None else min(os.cpu_count() or 1, 4)
        self.pool_min_docs = POOL_MIN_DOCS if pool_min_docs is None else pool_min_docs

    def describe(self) -> dict:
        return {"engine": self.name, "workers": self.workers}

    def map_batches(self, stage: Stage, cfg: StageConfig, ctx: StageContext,
                    source: BatchSource) -> Iterator[pa.Table]:
        if self.workers <= 1 or source.count < self.pool_min_docs:
            for batch in source.batches():
                out, worker, rss = _work(stage, cfg, ctx, batch)
                self.worker_stats.add(worker, rss)
                yield out
            _WORKER_CTX.clear()  # in-process: release the models with the run
            return
        pool = process_pool(self.workers)  # workers die with this process (curate.engines.pool)
        finished = False
        try:
            inflight = []
            # Results are yielded in input order, so output is identical to a serial run.
            for batch in source.batches():
                inflight.append(pool.submit(_work, stage, cfg, ctx, batch))
                while len(inflight) >= self.workers * 2:
                    wait([inflight[0]], return_when=FIRST_COMPLETED)
                    yield self._done(inflight.pop(0).result())
            for fut in inflight:
                yield self._done(fut.result())
            finished = True
        finally:
            # An error, Ctrl-C/SIGTERM or an abandoned generator (GeneratorExit) stops the workers now
            # instead of letting them finish queued batches nobody will commit.
            stop_pool(pool, kill=not finished)

    def _done(self, result: tuple[pa.Table, str, int]) -> pa.Table:
        out, worker, rss = result
        self.worker_stats.add(worker, rss)
        return out
