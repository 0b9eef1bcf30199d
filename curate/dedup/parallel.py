"""Thread count and an order-keeping thread map for the compiled (``nogil``) dedup kernels.

Every parallel step cuts its work into pieces whose boundaries depend only on the input size
(never on the thread count) and joins the pieces' results in piece order, so the dup_* columns
are the same with 1 thread or 64 (``tests/dedup/test_parallel.py``).
"""

from __future__ import annotations

import os
import threading
import time
from contextlib import contextmanager
from concurrent.futures import ThreadPoolExecutor
from typing import Callable, Iterable, TypeVar

T = TypeVar("T")
R = TypeVar("R")

#: Environment variable that caps the threads of the dedup kernels (default: every core this process may use).
THREADS_ENV = "CURATE_DEDUP_THREADS"


def threads(n: int | None = None) -> int:
    """Threads to use: ``n`` when given (>= 1), else ``$CURATE_DEDUP_THREADS``, else the cores this process
    may run on (``os.sched_getaffinity``, so a container's or ``taskset``'s limit is respected)."""
    if n:
        return max(1, int(n))
    env = os.environ.get(THREADS_ENV, "").strip()
    if env.isdigit() and int(env) > 0:
        return int(env)
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):   # not Linux
        return max(1, os.cpu_count() or 1)


_LOCAL = threading.local()
#: Wall seconds the calling thread spent in :func:`pmap` (and :func:`parallel_section`) outside any other
#: parallel step: the part of a run that more cores would shorten (``benchmarks/dedup.py --scaling``).
PARALLEL_SECONDS = [0.0]
#: ... and the CPU seconds of the whole process during those steps (all threads).
PARALLEL_CPU_SECONDS = [0.0]


@contextmanager
def parallel_section():
    """Marks a parallel step: its wall time counts in :data:`PARALLEL_SECONDS`, and :func:`pmap` calls made
    from inside it (on any thread) run serially instead of starting threads of their own."""
    if getattr(_LOCAL, "inside", False):
        yield
        return
    _LOCAL.inside = True
    t0, c0 = time.perf_counter(), time.process_time()
    try:
        yield
    finally:
        PARALLEL_SECONDS[0] += time.perf_counter() - t0
        PARALLEL_CPU_SECONDS[0] += time.process_time() - c0
        _LOCAL.inside = False


def _inside(fn: Callable[[T], R]) -> Callable[[T], R]:
    def run(x: T) -> R:
        _LOCAL.inside = True
        return fn(x)
    return run


def pmap(fn: Callable[[T], R], items: Iterable[T], n: int | None = None) -> list[R]:
    """``[fn(x) for x in items]``, on up to :func:`threads` threads; results in item order.  Called from
    inside another parallel step it runs serially (no threads of threads)."""
    items = list(items)
    k = min(threads(n), len(items))
    if getattr(_LOCAL, "inside", False):
        return [fn(x) for x in items]
    with parallel_section():
        if k <= 1:
            return [fn(x) for x in items]
        return list(_pool(k).map(_inside(fn), items))


_POOLS: dict[int, ThreadPoolExecutor] = {}
_POOLS_LOCK = threading.Lock()


def _pool(k: int) -> ThreadPoolExecutor:
    """A long-lived pool of ``k`` threads: the same threads (and so the same malloc arenas) serve every step;
    fresh threads per step spread freed memory over new arenas (measured: +150 MiB peak at 1M documents)."""
    with _POOLS_LOCK:
        pool = _POOLS.get(k)
        if pool is None:
            pool = _POOLS[k] = ThreadPoolExecutor(max_workers=k, thread_name_prefix=f"curate-dedup-{k}")
        return pool


def _libc_trim():
    try:
        import ctypes

        return ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):   # not glibc
        return None


_TRIM = _libc_trim()


def release_memory() -> None:
    """Hand freed memory back to the OS: glibc's (``malloc_trim``; a no-op elsewhere) — arrays allocated on pool
    threads and freed on another stay in their threads' malloc arenas otherwise — and Arrow's default pool
    (``release_unused``): mimalloc keeps the pages of freed Parquet batches, ~70 MB after one pass over 200k
    documents, more with every re-read of the candidates' texts."""
    if _TRIM is not None:
        _TRIM(0)
    import pyarrow as pa   # already imported by every caller; kept local so this module stays dependency-free

    pa.default_memory_pool().release_unused()


def pieces(total: int, size: int) -> list[tuple[int, int]]:
    """``[(start, stop), ...]`` cutting ``range(total)`` into pieces of ``size`` (the last may be shorter):
    boundaries depend on ``total`` and ``size`` only."""
    return [(s, min(total, s + size)) for s in range(0, total, max(1, size))]
