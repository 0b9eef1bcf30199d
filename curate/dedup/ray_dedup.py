"""Dedup on a Ray cluster whose driver holds no signatures, segment keys or texts.

:func:`curate.dedup.core.cluster_docs` asks its documents five questions; :class:`RayDocs` answers
them with Ray tasks next to the data, so the driver keeps only per-document numbers (exact-group
ids, keep-policy keys, lengths, segments set aside) and pairs:

* **Staging**: the driver streams the documents (``_pos``, the shape columns, ``dup_signature``,
  ``dup_segments``) in canonical order from DuckDB into Parquet files of :data:`BLOCK_DOCS`
  consecutive positions each (:meth:`curate.engines.BatchSource.to_parquet`; one batch in memory).
* **Boilerplate** (``boilerplate``): a task per file counts the segment keys of its exact-group
  representatives and measures the compared texts; Ray Data's ``groupby("key").sum`` adds the
  counts up over the cluster and only keys at or above the cut reach the driver. A second task per
  file signs its representatives holding boilerplate again (:func:`curate.dedup.core.resign`) and
  keeps the block's signatures in the object store.
* **Candidates**: the representatives' signatures go from those blocks into the LSH hash shuffle
  (:func:`curate.dedup.ray_lsh.grouped_pairs`); the driver receives the distinct pairs (8 bytes each).
* **Verification** (``pairs``, ``estimated``, ``spans``): pairs sorted by their first document are
  cut into tasks of at most :data:`PAIRS_PER_TASK` pairs whose first documents share a block. For
  each task, per block holding its documents, a task reads those rows (only their Parquet row
  groups) with their signatures; the verification task joins them and runs the local
  :class:`~curate.dedup.core.Verifier` — estimated Jaccard, exact Jaccard of the shingle sets,
  identifier check, shared spans — so results are those of the local engine by construction. Only
  per-pair numbers come back; the driver submits a bounded number of tasks at a time, so its
  temporaries are one task's.

Data moved per verification task: the rows (shape columns + signature) of its documents. Tasks are
retried by Ray when a worker dies (``max_retries``); the staged files are removed when the stage ends.
On a multi-node cluster the staging folder must be storage every node mounts (the engine's ``staging_dir``).
"""

from __future__ import annotations

import itertools
import shutil
import tempfile
import time

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from curate.dedup.core import (
    TextSource,
    Verifier,
    _has_shingles,
    boilerplate_cut,
    boilerplate_holders,
    estimated_jaccard,
    rep_segment_counts,
    resign,
)
from curate.dedup.views import match_text

#: consecutive canonical positions per staged file (one task's block)
BLOCK_DOCS = 50_000
#: pairs per verification task at most (a task holds its block and the partner rows of these pairs)
PAIRS_PER_TASK = 250_000
#: what the last :class:`RayDocs` did (benchmarks, cost model): ``blocks``, ``partner_rows`` (rows read for a
#: verification task from a block other than its own), ``verify_pairs``, ``seconds`` per step
LAST_RUN: dict = {}


def _matrix(col) -> np.ndarray:
    """Signatures of a list / fixed-size-list column as an (n, width) uint32 matrix."""
    col = col.combine_chunks() if isinstance(col, pa.ChunkedArray) else col
    n = len(col)
    flat = np.asarray(col.flatten(), np.uint32)
    return flat.reshape(n, len(flat) // n if n else 0)


def _sig_table(sig: np.ndarray) -> pa.Table:
    flat = pa.array(np.ascontiguousarray(sig).ravel(), pa.uint32())
    return pa.table({"sig": pa.FixedSizeListArray.from_arrays(flat, sig.shape[1])})


def _scan_block(path: str, shape: list[str], is_rep: np.ndarray, cfg) -> tuple[pa.Table, np.ndarray]:
    """Task: (segment key counts over the block's representatives, characters of each compared text)."""
    t = pq.read_table(path, columns=[*shape, "dup_segments"])
    segs = t.column("dup_segments").combine_chunks()
    keys, counts = rep_segment_counts(np.asarray(segs.values, np.uint64), np.asarray(segs.offsets, np.int64), is_rep)
    view = match_text(t.select(shape), cfg)
    import pyarrow.compute as pc

    length = np.asarray(pc.fill_null(pc.utf8_length(view), 0).to_numpy(zero_copy_only=False), np.int64)
    return pa.table({"key": pa.array(keys, pa.uint64()), "count": pa.array(counts, pa.int64())}), length


def _prepare_block(path: str, shape: list[str], base: int, is_rep: np.ndarray, boiler: np.ndarray, cfg):
    """Task: the block's signatures with boilerplate set aside (kept in the object store), the band input
    (``row``, ``sig`` of representatives with shingles) and the segments set aside per document."""
    t = pq.read_table(path, columns=[*shape, "dup_signature", "dup_segments"])
    sig = _matrix(t.column("dup_signature")).copy()
    excluded = np.zeros(t.num_rows, np.int32)
    if len(boiler):
        segs = t.column("dup_segments").combine_chunks()
        holds = boilerplate_holders(np.asarray(segs.values, np.uint64), np.asarray(segs.offsets, np.int64), boiler)
        todo = np.flatnonzero(is_rep & holds)
        resign(sig, todo, TextSource.of(t.select(shape)), cfg, boiler, excluded)
    reps = np.flatnonzero(is_rep)
    band = reps[_has_shingles(sig, reps)]
    band_input = _sig_table(sig[band]).add_column(0, "row", pa.array(band + base, pa.int64()))
    return _sig_table(sig), band_input, (excluded, len(band))


def _at_least(counts: pa.Table, cut: int) -> pa.Table:
    """Keys whose summed count reaches ``cut`` (after ``groupby("key").sum("count")``)."""
    import pyarrow.compute as pc

    total = counts.column(counts.column_names[-1])
    return counts.select(["key"]).filter(pc.greater_equal(total, cut))


def _take_rows(path: str, shape: list[str], sigs: pa.Table, local: np.ndarray) -> pa.Table:
    """Task: rows ``local`` (sorted, distinct) of a block: ``_pos``, shape columns, ``sig``. Only the row groups
    holding them are read."""
    f = pq.ParquetFile(path)
    starts = np.r_[0, np.cumsum([f.metadata.row_group(g).num_rows for g in range(f.num_row_groups)])]
    group = np.searchsorted(starts, local, "right") - 1
    groups = np.unique(group)
    read = f.read_row_groups(groups.tolist(), columns=["_pos", *shape])
    base = np.r_[0, np.cumsum(np.diff(starts)[groups])][np.searchsorted(groups, group)]  # group's first row in `read`
    return read.take(pa.array(base + local - starts[group])).append_column("sig", sigs.column("sig").take(local))


def _check_block(a: np.ndarray, b: np.ndarray, mode: str, min_estimate: float | None, cfg, boiler: np.ndarray,
                 shape: list[str], *rows: pa.Table):
    """Task: the rows of the documents of the pairs (from :func:`_take_rows`, one table per block); per pair
    (a[k], b[k]) by mode: ``pairs`` -> (exact Jaccard, why no near duplicate: core.SAME / APART / FACTS),
    ``estimated`` -> estimated
    Jaccard, ``spans`` -> shared span excerpts."""
    t = pa.concat_tables([r.cast(rows[0].schema) for r in rows])
    pos = np.asarray(t.column("_pos").to_numpy(), np.int64)
    order = np.argsort(pos, kind="stable")
    t, pos = t.take(pa.array(order)), pos[order]
    sig = _matrix(t.column("sig"))
    if mode == "estimated":
        return estimated_jaccard(sig, np.searchsorted(pos, a), np.searchsorted(pos, b))
    texts = t.select(shape)
    verifier = Verifier(TextSource(lambda idx: texts.take(pa.array(np.searchsorted(pos, idx)))), cfg, boiler,
                        threads=1)
    if mode == "spans":
        return verifier.span_list(a, b)
    return verifier.checked(_LocalRows(sig, pos), a, b, min_estimate)


class _LocalRows:
    """Rows of a block's signature matrix addressed by global position (what ``estimated_jaccard`` indexes)."""

    def __init__(self, sig: np.ndarray, pos: np.ndarray):
        self.sig, self.pos = sig, pos

    def __getitem__(self, idx):
        return self.sig[np.searchsorted(self.pos, idx)]


class RayDocs:
    """The documents of a workspace relation, staged for Ray tasks (see the module docstring).

    ``files``: staged Parquet files, file ``k`` holding positions ``[starts[k], starts[k + 1])``;
    ``shape``: the compared columns; ``num_perm``: signature width. Call :meth:`close` to drop the
    object-store blocks and staged files.
    """

    def __init__(self, files: list[str], starts: np.ndarray, shape: list[str], num_perm: int, cfg,
                 folder: str | None = None):
        self.files, self.starts, self.shape, self.num_perm, self.cfg = files, starts, shape, num_perm, cfg
        self.n = int(starts[-1])
        n = self.n
        self.folder = folder
        self.length = np.zeros(n, np.int64)
        self.boiler = np.zeros(0, np.uint64)
        self._sigs: list = []   # per block: ObjectRef of its signature table
        self._bands: list = []  # per block: ObjectRef of its band input
        self._band_rows = 0
        LAST_RUN.clear()
        LAST_RUN.update(blocks=len(files), partner_rows=0, verify_pairs=0, seconds={})

    @classmethod
    def stage(cls, source, shape: list[str], num_perm: int, cfg, folder: str | None) -> RayDocs:
        """Stage ``source`` (a :class:`curate.engines.BatchSource` selecting ``_pos``, ``shape``,
        ``dup_signature``, ``dup_segments`` in canonical order) under ``folder`` (default: a private temp folder)."""
        started = time.perf_counter()
        target = tempfile.mkdtemp(prefix="curate-dedup-", dir=folder)   # 0700: it holds the texts
        try:
            files = source.to_parquet(target, rows_per_file=BLOCK_DOCS)
        except BaseException:
            shutil.rmtree(target, ignore_errors=True)
            raise
        rows = [pq.ParquetFile(f).metadata.num_rows for f in files]
        docs = cls(files, np.r_[0, np.cumsum(rows)].astype(np.int64), shape, num_perm, cfg, target)
        docs._timed("stage", started)
        return docs

    def _timed(self, step: str, started: float) -> None:
        LAST_RUN["seconds"][step] = round(LAST_RUN["seconds"].get(step, 0) + time.perf_counter() - started, 3)

    def _bounds(self, k: int) -> tuple[int, int]:
        return int(self.starts[k]), int(self.starts[k + 1])

    def _block_of(self, pos: np.ndarray) -> np.ndarray:
        return np.searchsorted(self.starts, pos, "right") - 1

    def close(self) -> None:
        self._sigs, self._bands = [], []
        if self.folder:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None

    def boilerplate(self, reps: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        import ray
        import ray.data

        from curate.engines.ray_engine import quiet_ray_data

        started = time.perf_counter()
        is_rep = np.zeros(self.n, bool)
        is_rep[reps] = True
        scan = ray.remote(num_returns=2)(_scan_block)
        counts, lengths = [], []
        for k, path in enumerate(self.files):
            lo, hi = self._bounds(k)
            c, ln = scan.remote(path, self.shape, is_rep[lo:hi], self.cfg)
            counts.append(c)
            lengths.append(ln)
        cut = boilerplate_cut(self.cfg, len(reps))
        boiler = np.zeros(0, np.uint64)
        if cut is not None:
            with quiet_ray_data():
                ds = (ray.data.from_arrow_refs(counts).groupby("key").sum("count")
                      .map_batches(_at_least, fn_kwargs={"cut": cut}, batch_format="pyarrow", batch_size=None))
                kept = [b.column("key").to_numpy() for b in ds.iter_batches(batch_format="pyarrow", batch_size=None)
                        if b.num_rows]
            boiler = np.sort(np.concatenate(kept)).astype(np.uint64) if kept else boiler
        for k, ln in enumerate(ray.get(lengths)):
            lo, hi = self._bounds(k)
            self.length[lo:hi] = ln
        del counts
        self._timed("boilerplate_count", started)
        started = time.perf_counter()
        prep = ray.remote(num_returns=3)(_prepare_block)
        excluded_refs = []
        for k, path in enumerate(self.files):
            lo, hi = self._bounds(k)
            s, bnd, ex = prep.remote(path, self.shape, lo, is_rep[lo:hi], boiler, self.cfg)
            self._sigs.append(s)
            self._bands.append(bnd)
            excluded_refs.append(ex)
        excluded = np.zeros(self.n, np.int32)
        self._band_rows = 0
        for k, (ex, band_rows) in enumerate(ray.get(excluded_refs)):
            lo, hi = self._bounds(k)
            excluded[lo:hi] = ex
            self._band_rows += band_rows
        self.boiler = boiler
        self._timed("resign", started)
        return boiler, excluded

    def candidates(self, reps: np.ndarray, bands: int, rows: int, window: int) -> tuple[np.ndarray, np.ndarray]:
        import ray.data

        from curate.dedup.ray_lsh import grouped_pairs

        started = time.perf_counter()
        count = self._band_rows
        if count < 2:
            return np.zeros(0, np.int64), np.zeros(0, np.int64)
        out = grouped_pairs(lambda: ray.data.from_arrow_refs(self._bands), count, self.n, bands, rows, window,
                            started=started, signature_bytes=count * self.num_perm * 4)
        self._bands = []   # the band input is not needed again
        self._timed("candidates", started)
        return out

    def _run(self, a: np.ndarray, b: np.ndarray, mode: str, min_estimate: float | None = None) -> tuple:
        """(order, per-task results of ``_check_block``): the results, concatenated, belong to the pairs
        ``(a[order], b[order])`` (``order`` ``None``: as given, ``a`` was sorted)."""
        import ray

        started = time.perf_counter()
        a, b = np.asarray(a, np.int64), np.asarray(b, np.int64)
        order = None
        if len(a) > 1 and not (a[1:] >= a[:-1]).all():  # candidate pairs come sorted: no copies then
            order = np.argsort(a, kind="stable")
            a, b = a[order], b[order]
        # Tasks: runs of at most PAIRS_PER_TASK pairs whose first documents share a block. The driver's
        # temporaries are one task's; a bounded number of tasks is in flight.
        cuts = np.unique(np.r_[np.searchsorted(a, self.starts[1:-1]), np.arange(0, len(a), PAIRS_PER_TASK), len(a)])
        take, check = ray.remote(_take_rows), ray.remote(_check_block)
        limit = 2 * max(1, int(ray.cluster_resources().get("CPU", 1)))
        running: dict = {}
        results: dict = {}
        for lo, hi in itertools.pairwise(cuts):
            ca, cb = a[lo:hi], b[lo:hi]
            docs = np.unique(np.concatenate([ca, cb]))
            src = self._block_of(docs)
            bounds = np.flatnonzero(np.r_[True, src[1:] != src[:-1], True])
            rows = [take.remote(self.files[src[x]], self.shape, self._sigs[src[x]], docs[x:y] - self.starts[src[x]])
                    for x, y in itertools.pairwise(bounds)]
            LAST_RUN["partner_rows"] += int((src != self._block_of(ca[:1])[0]).sum())
            running[check.remote(ca, cb, mode, min_estimate, self.cfg, self.boiler, self.shape, *rows)] = int(lo)
            while len(running) >= limit:
                self._collect(running, results, 1)
        self._collect(running, results, len(running))
        LAST_RUN["verify_pairs"] += len(a)
        self._timed(mode, started)
        return order, [results[k] for k in sorted(results)]

    @staticmethod
    def _collect(running: dict, results: dict, count: int) -> None:
        import ray

        if not count:
            return
        done, _ = ray.wait(list(running), num_returns=count)
        for ref in done:
            results[running.pop(ref)] = ray.get(ref)

    @staticmethod
    def _place(out, order: np.ndarray | None, values) -> None:
        if order is None:
            out[:] = values
        else:
            out[order] = values

    def pairs(self, a: np.ndarray, b: np.ndarray, min_estimate: float | None = None) -> tuple[np.ndarray, np.ndarray]:
        jac, disjoint = np.zeros(len(a)), np.zeros(len(a), np.uint8)
        if len(a):
            order, results = self._run(a, b, "pairs", min_estimate)
            self._place(jac, order, np.concatenate([r[0] for r in results]))
            self._place(disjoint, order, np.concatenate([r[1] for r in results]))
        return jac, disjoint

    def estimated(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        out = np.zeros(len(a))
        if len(a):
            order, results = self._run(a, b, "estimated")
            self._place(out, order, np.concatenate(results))
        return out

    def spans(self, a: np.ndarray, b: np.ndarray) -> list:
        out: list = [None] * len(a)
        if len(a):
            order, results = self._run(a, b, "spans")
            where = range(len(a)) if order is None else order.tolist()
            for k, text in zip(where, (x for r in results for x in r)):
                out[k] = text
        return out
