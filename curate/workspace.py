"""The workspace facade: one object for notebooks, the CLI and capability packages.

:class:`Workspace` is a :class:`~curate.storage.Lake` (connection, writer lock, tables, signals,
the document view, lineage: see :mod:`curate.storage`) plus one method per service — ingest,
stage runs, snapshots, diff, export — each with the service's own typed signature, run under the
writer lock. Dependencies point one way: this module imports the services; no service imports it
(they take a ``Lake``), so there is no import cycle (checked by the import contract in
``pyproject.toml`` and ``tests/test_architecture.py``).
"""

from __future__ import annotations

import duckdb

import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from curate.export import ExportResult, export_snapshot
from curate.ingest.ingest import IngestOptions, IngestResult, ingest_sources
from curate.runner import DEFAULT_BATCH_SIZE, StageRunResult, run_stage
from curate.snapshots import (
    Manifest,
    Snapshot,
    SnapshotDiff,
    create_snapshot,
    create_snapshot_from_table,
    diff_snapshots,
    get_snapshot,
    list_snapshots,
)
from curate.storage import (  # noqa: F401 - re-exported: the names callers imported from here before the split
    DOCUMENT_COLUMNS,
    RAW_TABLES,
    ZONE_SCHEMAS,
    Lake,
    LineageKind,
    attach_zone,
    check_name,
    connect_lake,
    data_path,
    ident,
    is_raw_table,
    now,
    set_default_lock_wait,
    workspace_zone,
)

if TYPE_CHECKING:
    from curate.engines import Engine

ProgressFactory = Callable[[str, "int | None"], Any]


class Workspace(Lake):
    """A curate workspace. ``Workspace.init(path)`` creates one; ``Workspace(path)`` opens it.

    Storage methods (``con``, ``writer()``, ``put_table``, ``view``, ``write_signal``, ``lineage`` …)
    come from :class:`~curate.storage.Lake`; the methods below call the services under the writer lock.
    """

    # -- ingest, stages -------------------------------------------------------------
    def ingest(self, sources: Iterable[str | Path], opts: IngestOptions | None = None, *,
               fmt: str | None = None, text_field: str | None = None, id_field: str | None = None,
               source_name: str | None = None, max_record_bytes: int | None = None, max_depth: int | None = None,
               on_id_conflict: str | None = None, progress_factory: ProgressFactory | None = None,
               ) -> list[IngestResult]:
        """Ingest files or folders (see :func:`curate.ingest.ingest.ingest_sources`); one result per source.

        ``opts`` or the keyword options (not both): ``fmt`` (default: from the extension), ``text_field``
        (default ``text``, else SFT/chat shapes), ``id_field``, ``source_name``, ``max_record_bytes``,
        ``max_depth``, ``on_id_conflict`` (``quarantine`` or ``version``: a known id with new content).
        Bad rows go to quarantine with a reason.
        """
        given = {k: v for k, v in dict(fmt=fmt, text_field=text_field, id_field=id_field, source_name=source_name,
                                       max_record_bytes=max_record_bytes, max_depth=max_depth,
                                       on_id_conflict=on_id_conflict).items()
                 if v is not None}
        if opts is not None and given:
            raise TypeError("pass either opts or keyword options, not both")
        with self.writer():
            return ingest_sources(self, sources, opts or IngestOptions(**given), progress_factory=progress_factory)

    def run_stage(self, stage: str, params: dict | None = None, *, workers: int | None = None,
                  batch_size: int = DEFAULT_BATCH_SIZE, progress_factory: ProgressFactory | None = None,
                  on_commit: Callable[[int], None] | None = None, engine: str | Engine | None = None,
                  engine_options: dict | None = None) -> StageRunResult:
        """Run stage ``stage`` over the pending documents (see :func:`curate.runner.run_stage`)."""
        with self.writer():
            return run_stage(self, stage, params or {}, workers=workers, batch_size=batch_size,
                             progress_factory=progress_factory, on_commit=on_commit, engine=engine,
                             engine_options=engine_options)

    # -- snapshots --------------------------------------------------------------------
    def create_snapshot(self, name: str, where: str | None = None, text: str = "anonymized",
                        recipe: dict | None = None, allow_raw: bool = False, apply_labels: bool = True,
                        parent: str | None = None, pre_commit: Callable[[Manifest], None] | None = None,
                        ) -> Manifest:
        """Materialise a new version of snapshot ``name`` (see :func:`curate.snapshots.create_snapshot`).

        ``where``: one SQL expression over document and signal columns; ``text``: ``anonymized`` (PII
        stage variant; uncovered rows held back), ``clean`` or ``raw``; ``apply_labels``: registered
        overlays (labels) apply.
        """
        with self.writer():
            return create_snapshot(self, name, where=where, text=text, recipe=recipe, allow_raw=allow_raw,
                                   apply_labels=apply_labels, parent=parent, pre_commit=pre_commit)

    def create_snapshot_from_table(self, name: str, table: pa.Table, parent_ref: str | None = None,
                                   recipe: dict | None = None, text_variant: str | None = None) -> Manifest:
        """A snapshot from rows computed outside the view (see :func:`curate.snapshots.create_snapshot_from_table`)."""
        with self.writer():
            return create_snapshot_from_table(self, name, table, parent_ref=parent_ref, recipe=recipe,
                                              text_variant=text_variant)

    def snapshot(self, name: str, version: int | None = None) -> Snapshot:
        """Snapshot ``name`` (``NAME@V`` accepted; latest version by default)."""
        return get_snapshot(self, name, version)

    def snapshots(self) -> list[Manifest]:
        """Every snapshot version's manifest, by name and version."""
        return list_snapshots(self)

    def diff(self, a: str, b: str, sample: int = 5) -> SnapshotDiff:
        """Rows added, removed, changed and updated from snapshot ``a`` to ``b``
        (a :class:`~curate.snapshots.SnapshotDiff`)."""
        return diff_snapshots(self, a, b, sample=sample)

    def sync_curated(self, ref: str) -> bool:
        """Raw zone of a zoned team workspace: copy snapshot ``ref`` — rows, manifest, audits, approvals — into the
        curated zone once a steward approved it, and keep its audits and approvals current there afterwards (a
        failed audit or a revoke reaches the readers). Anywhere else: nothing. Returns whether it published."""
        from curate.team.zones import sync_curated

        return sync_curated(self, ref)

    # -- export -----------------------------------------------------------------------
    def export(self, ref: str, fmt: str, out_dir: str | Path, splits: str | dict | None = None,
               allow_raw: bool = False, contamination: str = "refuse", group_by: str | None = None,
               seed: int = 0, overwrite: bool = False, allow_unapproved: bool = False, layout: str = "auto",
               columns: list[str] | tuple[str, ...] | str | None = None, with_signals: bool = False,
               skip_non_chat: bool = False) -> ExportResult:
        """Export snapshot ``ref`` with deterministic splits, trainer-ready (``layout``: training fields;
        ``columns``/``with_signals``: more columns; ``skip_non_chat``: leave out, counted, the rows a
        conversational layout cannot hold); see :func:`curate.export.export_snapshot`."""
        return export_snapshot(self, ref, fmt, out_dir, splits=splits, allow_raw=allow_raw,
                               contamination=contamination, group_by=group_by, seed=seed, overwrite=overwrite,
                               allow_unapproved=allow_unapproved, layout=layout, columns=columns,
                               with_signals=with_signals, skip_non_chat=skip_non_chat)

    def summary(self) -> dict:
        """``{path, documents, quarantined, ingests, interrupted_ingests: [...], signals: {name: rows},
        snapshots: [NAME@V]}``; a curated-zone workspace: ``{path, zone, snapshots}``."""
        if self.zone == "curated":
            return {"path": str(self.path), "zone": "curated (no access to raw records)",
                    "snapshots": [m.ref for m in self.snapshots()]}
        return {
            "path": str(self.path),
            "documents": self.count("documents"),
            "quarantined": self.count("quarantine"),
            "ingests": self.count("ingests"),
            "interrupted_ingests": self.interrupted_ingests(),
            "signals": {s: self.count(f"signal_{s}") for s in self.signals()},
            "snapshots": [m.ref for m in self.snapshots()],
            "doc_ids": self._doc_id_keying(),
        }

    def _doc_id_keying(self) -> str:
        """Whether this workspace's doc_ids are keyed (see :meth:`curate.storage.Lake.doc_id_salt`)."""
        try:
            row = self.con.execute("SELECT value FROM lake.settings WHERE name = 'doc_id_salt'").fetchone()
        except duckdb.Error:  # a workspace made before the settings table, opened read-only
            row = None
        if row is None:
            return "not set yet (keyed from the first ingest)" if not self.count("documents") else \
                "unkeyed (made before doc_id salts; re-ingest into a new workspace to key them)"
        return "keyed" if row[0] else "unkeyed (made before doc_id salts; re-ingest into a new workspace to key them)"


def open_workspace(path: str | Path | None = None, read_only: bool = False) -> Workspace:
    """Open the workspace named on the command line, in $CURATE_WORKSPACE, or the current folder."""
    target = path or os.environ.get("CURATE_WORKSPACE") or "."
    return Workspace(target, read_only=read_only)
