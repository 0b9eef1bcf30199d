"""An ordered parallel map with a bounded window, for the ingest pipeline's per-chunk work.

The ingest prepares chunks (compiled scan, then one DuckDB query on the worker's own cursor; both
release the GIL) in several threads, while one writer commits them strictly in file order.  Results
come back in the order of the input whatever the thread count, so what is stored never depends on it.
"""

from __future__ import annotations

import os
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Callable, Iterable, Iterator, TypeVar

T = TypeVar("T")
R = TypeVar("R")

THREADS_ENV = "CURATE_INGEST_THREADS"
MAX_DEFAULT_THREADS = 4


def default_threads() -> int:
    """Worker threads for an ingest: ``$CURATE_INGEST_THREADS``, else the cores, at most 4.

    Why at most 4: each worker holds a chunk (32 MiB of records) and its prepared rows (~2x that), and
    every worker's DuckDB query already runs on all of DuckDB's threads; more workers only add memory
    once the single writer (Parquet insert + commit, in file order) is the slowest stage.

    Raises:
        ValueError: the variable is set but is not a positive integer.
    """
    value = os.environ.get(THREADS_ENV)
    if value:
        n = int(value)
        if n < 1:
            raise ValueError(f"{THREADS_ENV}={value}: must be a positive integer")
        return n
    return max(1, min(os.cpu_count() or 1, MAX_DEFAULT_THREADS))


def ordered_map(fn: Callable[[T], R], items: Iterable[T], threads: int) -> Iterator[R]:
    """``fn(item)`` for each item in ``threads`` worker threads, yielded in the order of ``items``.

    At most ``threads + 1`` items are taken from ``items`` and not yet yielded (bounded memory): while
    the consumer handles result *i*, the workers compute *i+1 … i+threads*.  An exception in ``fn``
    is raised at its item's turn; when the consumer stops early (an error, a kill signal), items not
    started are cancelled and the running ones finish before this generator closes.  ``threads=1``
    still runs ``fn`` in one worker, overlapping the consumer.
    """
    if threads < 1:
        raise ValueError("threads must be >= 1")
    pool = ThreadPoolExecutor(threads, thread_name_prefix="curate-ingest-worker")
    window: deque[Future] = deque()
    try:
        for item in items:
            window.append(pool.submit(fn, item))
            if len(window) > threads:
                yield window.popleft().result()
        while window:
            yield window.popleft().result()
    finally:
        for fut in window:
            fut.cancel()
        pool.shutdown(wait=True)
