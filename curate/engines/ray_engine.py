"""The Ray engine: the same per-document stages, mapped by Ray Data on a Ray cluster.

How a run goes (the runner around it is the same as for the local engine):

1. The driver writes the pending rows (``doc_id`` + the stage's inputs, by ``doc_id``) as
   Parquet files into a staging folder — by default inside the workspace; on a multi-node
   cluster give ``staging_dir`` on storage every node mounts.
2. ``ray.data.from_items(<staged file paths>)`` → ``map_batches(_StageActor,
   batch_format="pyarrow")``: a pool of actors, each running ``stage.setup`` once (models,
   lexicons), then reading its staged files and running :func:`curate.stage.apply_batch` per
   batch (per-row isolation included). The stage object,
   its config and its :class:`~curate.stage.StageContext` (secrets as bytes, resolved on the
   driver) are pickled to the actors, so every worker on every node pseudonymises with the
   same key; no environment variable is involved.
3. Results stream back in input order (``preserve_order``) and the runner commits them on the
   driver, a DuckLake transaction every few batches: one committer, so a killed worker never
   leaves a partial signal. Ray restarts a killed actor and retries its batch
   (``max_restarts``/``max_task_retries`` are Ray Data's defaults, unlimited); a killed driver
   loses only uncommitted batches and a rerun computes the rest.

``curate`` (same version) must be importable on every Ray node. Addresses: ``local`` (default:
a private Ray instance on this machine with ``workers`` CPUs), ``auto`` (the cluster started
with ``ray start`` on this machine), ``HOST:PORT`` (a cluster's GCS) or ``ray://HOST:PORT``
(Ray Client). An unreachable address is a one-line :class:`CurateError`.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import socket
import tempfile
import uuid
import warnings
from pathlib import Path
from typing import Iterator

import pyarrow as pa

from curate.engines import BatchSource, Engine, worker_id_and_rss
from curate.engines.pool import start_reaper, stop_reaper
from curate.errors import CurateError
from curate.stage import Stage, StageConfig, StageContext, apply_batch

_WORKER_COL = "__curate_worker"
_RSS_COL = "__curate_rss_kib"
# Staged input files hold this many batches each (read tasks hand out whole files).
_BATCHES_PER_FILE = 8


class _StageActor:
    """One Ray actor: set up once, then map batches (Ray Data constructs it on the worker)."""

    def __init__(self, stage: Stage, cfg: StageConfig, ctx: StageContext, batch_size: int):
        self.stage, self.cfg, self.batch_size = stage, cfg, batch_size
        self.ctx = ctx.with_state(stage.setup(cfg, ctx)) if stage.setup is not None else ctx

    def __call__(self, files: pa.Table) -> pa.Table:
        """``files``: rows of staged Parquet paths; returns their results, batch by batch, in order."""
        import pyarrow.parquet as pq

        parts = []
        for path in files.column("path").to_pylist():
            for batch in pq.ParquetFile(path).iter_batches(batch_size=self.batch_size):
                parts.append(apply_batch(self.stage, self.cfg, self.ctx, pa.Table.from_batches([batch])))
        out = pa.concat_tables(parts)
        worker, rss = worker_id_and_rss()
        return (out.append_column(_WORKER_COL, pa.array([worker] * out.num_rows, pa.string()))
                .append_column(_RSS_COL, pa.array([rss] * out.num_rows, pa.int64())))


def _rows_per_file(count: int, batch_size: int, actors: int) -> int:
    """Whole batches per staged file: up to ``_BATCHES_PER_FILE``, fewer when that would leave an actor idle."""
    per_actor = -(-count // (2 * actors))  # at least two files per actor when there is enough work
    batches = max(1, min(_BATCHES_PER_FILE, -(-per_actor // batch_size)))
    return batches * batch_size


def _host_port(address: str) -> tuple[str, int] | None:
    rest = address.split("://", 1)[1] if "://" in address else address
    host, sep, port = rest.rpartition(":")
    if not sep or not port.isdigit():
        return None
    return host, int(port)


def check_reachable(address: str, timeout: float = 5.0) -> None:
    """Fail fast, in one line, when nothing listens at ``HOST:PORT`` (Ray itself retries for a minute)."""
    hp = _host_port(address)
    if hp is None:
        raise CurateError(f"bad Ray address '{address}': use local, auto, HOST:PORT or ray://HOST:PORT")
    try:
        socket.create_connection(hp, timeout=timeout).close()
    except OSError as exc:
        raise CurateError(f"Ray is not reachable at {address}: {exc.strerror or type(exc).__name__}") from None


# A new private instance gets token authentication (good: other local users cannot submit work to it) and
# Ray announces that on stderr with a WARNING, which is noise to the CLI's user.
_TOKEN_AUTH_LOGGER = "ray._private.authentication.authentication_token_setup"


@contextlib.contextmanager
def _quiet_logger(name: str, level: int = logging.ERROR):
    log = logging.getLogger(name)
    saved = log.level
    log.setLevel(level)
    try:
        yield
    finally:
        log.setLevel(saved)


@contextlib.contextmanager
def quiet_ray_data(preserve_order: bool | None = None):
    """Ray Data without its progress bars and INFO/WARNING lines on the CLI's stderr (the runner draws its
    own bar); ``preserve_order``: set the execution option for the block. Everything is restored after."""
    from ray.data import DataContext

    dctx = DataContext.get_current()
    saved = (dctx.execution_options.preserve_order, dctx.enable_progress_bars)
    with _quiet_logger("ray.data"), warnings.catch_warnings():  # the logger first: turning the bars off logs a warning
        # A run with fewer staged files than actors is fine (a small run); Ray Data says so in a UserWarning.
        warnings.filterwarnings("ignore", message="The minimum number of concurrent actors", category=UserWarning)
        dctx.enable_progress_bars = False
        if preserve_order is not None:
            dctx.execution_options.preserve_order = preserve_order
        try:
            yield dctx
        finally:
            dctx.execution_options.preserve_order, dctx.enable_progress_bars = saved


def _user_error(exc: BaseException) -> CurateError | None:
    """The CurateError a stage raised on a worker, if Ray wrapped one (RayTaskError, UserCodeException)."""
    seen = set()
    todo = [exc]
    while todo:
        e = todo.pop()
        if e is None or id(e) in seen:
            continue
        seen.add(id(e))
        if isinstance(e, CurateError):
            return e
        todo += [e.__cause__, e.__context__, getattr(e, "cause", None)]
    return None


class RayEngine(Engine):
    """``address``: see the module docstring; ``workers``: actors (default: the cluster's CPUs, at
    most 8 per node here); ``staging_dir``: where pending rows are staged (default: the workspace);
    ``object_store_mb``: object store size of the private (``local``) instance."""

    name = "ray"

    def __init__(self, address: str | None = None, workers: int | None = None, staging_dir: str | None = None,
                 object_store_mb: int | None = None):
        super().__init__()
        self.object_store_mb = object_store_mb  # private instance only (default: Ray's, 30 % of RAM)
        self.address = address or "local"
        self.workers = workers
        self.staging_dir = staging_dir
        self._owned = False
        self._private_dir: str | None = None
        self._reaper = None

    def describe(self) -> dict:
        return {"engine": self.name, "address": self.address, "workers": self.workers}

    def connect(self) -> None:
        try:
            import ray
        except ImportError:  # pragma: no cover - ray is in the lock file
            raise CurateError("the ray engine needs Ray: pip install 'ray[data]==2.60.0'") from None
        # Ray's usage statistics (sent to Anyscale unless opted out) stay off unless the user opted in. Off,
        # Ray Data also starts no driver thread polling a Prometheus at localhost:9090 every 10 s: without
        # one it logged a connection traceback each time, onto the CLI's stderr, and formatting those
        # tracebacks (ast.parse in a second thread) raced CPython 3.11's AST state: "SystemError: AST
        # constructor recursion depth mismatch" in the main thread's own ast.parse (pytest's rewriting).
        os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
        if ray.is_initialized():
            return
        kwargs: dict = dict(log_to_driver=False, logging_level=logging.ERROR, configure_logging=False)
        if self.address == "local":
            # Ray Data puts each stage's constructor arguments — the context with the PII key bytes — and
            # the batches (raw text) into the object store, which spills to disk under memory pressure,
            # by default into Ray's world-readable session folder. Our private instance spills into a
            # 0700 folder of its own instead, removed by close().
            self._private_dir = tempfile.mkdtemp(prefix="curate-ray-")
            kwargs.update(address="local", include_dashboard=False,
                          num_cpus=self.workers or min(os.cpu_count() or 1, 8),
                          object_spilling_directory=self._private_dir)
            if self.object_store_mb:
                kwargs["object_store_memory"] = self.object_store_mb * 2**20
        else:
            if self.address != "auto":
                check_reachable(self.address)
            kwargs["address"] = self.address
        if self.address == "local":
            # Not every process of a private instance dies with the driver (agents and idle workers
            # outlived a kill -9 by minutes): a watchdog ends them (curate.engines.pool.start_reaper).
            # It also removes the private spill folder, which may hold key bytes.
            self._reaper = start_reaper(remove=self._private_dir)
        try:
            with _quiet_logger(_TOKEN_AUTH_LOGGER):
                ray.init(**kwargs)
        except (ConnectionError, RuntimeError, ValueError, TimeoutError) as exc:
            self.close()
            first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
            raise CurateError(f"Ray is not reachable at {self.address}: {first}") from None
        self._owned = True

    @property
    def spill_dir(self) -> str | None:
        """Where our private Ray instance spills objects (0700; ``None`` on an external cluster)."""
        return self._private_dir

    def _remove_private_dir(self) -> None:
        if self._private_dir is not None:
            shutil.rmtree(self._private_dir, ignore_errors=True)
            self._private_dir = None

    def close(self) -> None:
        if self._owned:
            import ray

            ray.shutdown()
            self._owned = False
        self._remove_private_dir()
        stop_reaper(self._reaper)
        self._reaper = None

    def _actors(self) -> int:
        if self.workers:
            return self.workers
        import ray

        return max(1, int(ray.cluster_resources().get("CPU", 1)))

    def map_batches(self, stage: Stage, cfg: StageConfig, ctx: StageContext,
                    source: BatchSource) -> Iterator[pa.Table]:
        self.connect()
        import ray.data
        from ray.data import ActorPoolStrategy

        base = Path(self.staging_dir or source.scratch or ".")
        folder = base / f"ray-{stage.name}-{uuid.uuid4().hex[:12]}"
        # Results in input order, like the local engine.
        with contextlib.ExitStack() as stack:
            stack.callback(shutil.rmtree, folder, ignore_errors=True)
            stack.enter_context(quiet_ray_data(preserve_order=True))
            actors = self._actors()
            paths = source.to_parquet(folder, rows_per_file=_rows_per_file(source.count, source.batch_size, actors))
            # The actors read the staged files themselves: a Ray Data read operator would need CPU
            # slots of its own, which a pool holding every CPU of a small cluster never frees.
            ds = ray.data.from_items([{"path": str(p)} for p in paths], override_num_blocks=len(paths)).map_batches(
                _StageActor, fn_constructor_args=(stage, cfg, ctx, source.batch_size), batch_format="pyarrow",
                batch_size=1, num_cpus=1,
                # Two files in flight per actor: one running, one queued; the rest wait for a free actor,
                # so an actor that set up first does not take every file of a small run.
                compute=ActorPoolStrategy(size=actors, max_tasks_in_flight_per_actor=2))
            try:
                for out in ds.iter_batches(batch_format="pyarrow", batch_size=None):
                    workers = out.column(_WORKER_COL).to_pylist()
                    rss = out.column(_RSS_COL).to_pylist()
                    for w, r in set(zip(workers, rss)):
                        self.worker_stats.add(w, r)
                    yield out.drop_columns([_WORKER_COL, _RSS_COL])
            except Exception as exc:
                user = _user_error(exc)
                if user is not None:
                    raise CurateError(str(user)) from None
                raise
