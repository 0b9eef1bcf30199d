"""The lake: a workspace folder's storage, below every service.

One folder holds a DuckLake catalog and its Parquet data::

    WORKSPACE/                 0700: nobody but the owner reads the raw zone
      curate.json              format marker and creation info (names the catalog kind)
      lake/catalog.sqlite      DuckLake metadata in SQLite (workspaces made before: lake/catalog.ducklake)
      lake/data/               Parquet files written by DuckLake
      secrets/                 0700; tokens and keys, 0600 files (never in the lake)
      .lock                    advisory lock held by the one writer while it writes

DuckLake gives us versioned tables and multi-table transactions: a snapshot's rows and its
manifest are committed together or not at all, so a killed process never leaves a half-written
snapshot behind.

:class:`Lake` owns the connection, the writer lock, the core tables, signal tables and their
state (the config hash each signal was computed with), the joined document view and the lineage
(kinds: :class:`LineageKind`). Services (ingest, runner, snapshots, export, approvals, gc) take a
``Lake``; :class:`curate.workspace.Workspace` is the facade over them. This module imports
nothing of curate above :mod:`curate.errors`, :mod:`curate.dbutil`, :mod:`curate.locks` and :mod:`curate.provenance`
(checked by the import contract in ``pyproject.toml``).

Writers are serialized by ``.lock`` (taken at the first write, not at open, with a bounded,
visible wait), because DuckLake resolves concurrent commits by retrying and we want one committer.
"""

from __future__ import annotations

import enum
import json
import os
import re
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from curate._version import __version__
from curate.errors import CurateError, OperationalError, note_secrets_dir
from curate.locks import FileLock, PgAdvisoryLock
from curate.provenance import now
from curate.storage.catalog import (DEFAULT_CATALOG, FORMAT_VERSION, MARKER, ZONE_SCHEMAS, catalog_kind,
                                   catalog_password, connect_lake, is_raw_table, parse_catalog_url, read_marker,
                                   workspace_zone)

#: seconds a writer waits for another writer before giving up (``CURATE_LOCK_WAIT`` overrides; 0 = fail at once)
DEFAULT_LOCK_WAIT = 60.0


class LineageKind(enum.StrEnum):
    """What a lineage edge records: ``subject`` came from ``parent`` by this kind of step.

    The value is what the ``lineage`` table stores. ``curate/ARCHITECTURE.md`` lists the same values
    (a test compares them).
    """

    INGEST = "ingest"                        # ingest_id <- source file
    SNAPSHOT = "snapshot"                    # NAME@V <- previous version of NAME
    EXPORT = "export"                        # export folder <- NAME@V
    LABEL_PUSH = "label_push"                # label:PROJECT <- NAME@V sent to Label Studio
    LABEL_PULL = "label_pull"                # label:PROJECT -> labels signal, from the pushed snapshot
    AUGMENT = "augment"                      # derived snapshot <- NAME@V
    AUDIT = "audit"                          # audit report <- NAME@V (or run)
    APPROVAL = "approval"                    # approval:NAME@V <- NAME@V
    APPROVAL_REFUSED = "approval_refused"    # NAME@V: a steward's recorded refusal (the steward notebook)
    APPROVAL_OVERRIDE = "approval_override"  # training run <- unapproved NAME@V (recorded override)
    PII_OVERRIDE = "pii_override"            # training run <- snapshot that did not pass the PII policy
    RUN = "run"                              # training run <- NAME@V
    MERGE = "merge"                          # merged model folder <- run
    EVAL = "eval"                            # evaluation <- run


DOCUMENT_COLUMNS: dict[str, str] = {
    "doc_id": "VARCHAR",
    "text": "VARCHAR",
    "instruction": "VARCHAR",
    "input": "VARCHAR",
    "output": "VARCHAR",
    "messages": "VARCHAR",
    "meta": "VARCHAR",
    "source": "VARCHAR",
    "source_uri": "VARCHAR",
    "source_row": "BIGINT",
    "content_hash": "VARCHAR",
    "ingest_id": "VARCHAR",
    "ingested_at": "TIMESTAMP",
}

CORE_TABLES: dict[str, dict[str, str]] = {
    "documents": DOCUMENT_COLUMNS,
    # name -> value; "doc_id_salt": see Lake.doc_id_salt (raw zone: readers of the curated zone never see it)
    "settings": {"name": "VARCHAR", "value": "VARCHAR"},
    "quarantine": {
        "ingest_id": "VARCHAR", "source": "VARCHAR", "source_uri": "VARCHAR", "source_row": "BIGINT",
        "reason": "VARCHAR", "raw": "VARCHAR", "quarantined_at": "TIMESTAMP",
    },
    "ingests": {
        "ingest_id": "VARCHAR", "source": "VARCHAR", "source_uri": "VARCHAR", "format": "VARCHAR",
        "file_hash": "VARCHAR", "rows_read": "BIGINT", "ingested": "BIGINT", "duplicates": "BIGINT",
        "quarantined": "BIGINT", "started_at": "TIMESTAMP", "finished_at": "TIMESTAMP",
        "state": "VARCHAR",  # running (until the end, or a kill), done, interrupted (closed by the next writer)
    },
    "snapshot_manifests": {
        "name": "VARCHAR", "version": "INTEGER", "table_name": "VARCHAR", "manifest": "VARCHAR",
        "created_at": "TIMESTAMP",
    },
    "lineage": {
        "kind": "VARCHAR", "subject": "VARCHAR", "parent": "VARCHAR", "details": "VARCHAR",
        "created_at": "TIMESTAMP",
    },
    "signal_state": {
        "stage": "VARCHAR", "config_hash": "VARCHAR", "config": "VARCHAR", "kind": "VARCHAR",
        "updated_at": "TIMESTAMP",
    },
}
SIGNAL_PREFIX = "signal_"

_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")


def check_name(name: str, what: str = "name") -> str:
    """``name`` if it is a valid table/snapshot/signal name, else ``CurateError`` saying which rule."""
    if not _NAME_RE.match(name or ""):
        raise CurateError(f"invalid {what} '{name}': use letters, digits, '_', '-', '.' (max 100)")
    return name


def ident(name: str) -> str:
    """Quote an identifier for SQL."""
    return '"' + name.replace('"', '""') + '"'


def signal_table(name: str) -> str:
    """The lake table holding signal ``name`` (``signal_<name>``)."""
    return SIGNAL_PREFIX + name


_lock_wait_override: float | None = None


def set_default_lock_wait(seconds: float) -> None:
    """The wait of workspaces opened from now on in this process (the CLI's ``--wait``)."""
    global _lock_wait_override
    _lock_wait_override = max(0.0, float(seconds))


def _lock_wait_default() -> float:
    if _lock_wait_override is not None:
        return _lock_wait_override
    raw = os.environ.get("CURATE_LOCK_WAIT")
    if raw is None:
        return DEFAULT_LOCK_WAIT
    try:
        return max(0.0, float(raw))
    except ValueError:
        raise CurateError(f"CURATE_LOCK_WAIT must be a number of seconds, got {raw!r}") from None


class Lake:
    """A workspace folder's storage. ``Lake.init(path)`` creates one; ``Lake(path)`` opens it."""

    def __init__(self, path: str | Path, read_only: bool = False, wait: float | None = None):
        """Open a workspace.

        Opening never blocks: readers (and writers until their first write) work while another
        process writes. The writer lock is taken at the first write and held until :meth:`close`;
        a second writer waits up to ``wait`` seconds (default ``CURATE_LOCK_WAIT`` or 60), saying
        on stderr who holds it, then raises :class:`~curate.errors.WorkspaceLockedError`.

        Raises:
            CurateError: not a workspace, or a format this version does not read.
        """
        self.path = Path(path).resolve()
        marker = self.path / MARKER
        if not marker.exists():
            raise CurateError(f"{self.path} is not a curate workspace (run: curate init {path})")
        info = json.loads(marker.read_text())
        if info.get("format") != FORMAT_VERSION:
            raise CurateError(f"{self.path}: workspace format {info.get('format')} not supported by this curate")
        note_secrets_dir(self.path / "secrets")  # error messages never show what is in there
        self.read_only = read_only
        self.wait = _lock_wait_default() if wait is None else max(0.0, float(wait))
        self._writer_depth = 0
        self._release_at_zero = False
        _private_by_default(self.path)
        self.catalog = catalog_kind(self.path)
        self.zone = workspace_zone(self.path) if self.catalog == "postgres" else None
        # a workspace on read-only media (a mounted backup, a full remount): readers work, writes say why not
        self._readonly_media = bool(os.statvfs(self.path).f_flag & os.ST_RDONLY)
        self._lock: FileLock | PgAdvisoryLock
        if self.catalog == "postgres":
            spec = read_marker(self.path)["catalog"]
            self._lock = PgAdvisoryLock({k: spec.get(k) for k in ("host", "port", "dbname", "user")},
                                        catalog_password(self.path), str(self.path))
        else:
            self._lock = FileLock(self.path / ".lock")
        if self.catalog == "duckdb" and not read_only and not self._readonly_media:
            self._acquire_lock()  # a DuckDB-file catalog admits one process: lock before attaching
        self.con = connect_lake(self.path, read_only=read_only or self._readonly_media, catalog=self.catalog)
        if not read_only and not set(self._core_tables()).issubset(self.table_names()):
            with self.writer():
                self._ensure_core_tables()

    # -- lifecycle -----------------------------------------------------------------
    @classmethod
    def init(cls, path: str | Path, catalog: str | None = None, shared_data_path: str | Path | None = None,
             zone: str | None = None) -> Any:
        """Create a workspace (idempotent) and open it (as an instance of ``cls``).

        Args:
            path: the workspace folder (marker, secrets, and the catalog and data unless team mode).
            catalog: None for the embedded SQLite catalog, or ``postgresql://USER@HOST:PORT/DBNAME`` for a
                team catalog (password from ``CURATE_CATALOG_PASSWORD`` or ``secrets/catalog.password``).
            shared_data_path: team mode only: the folder every member mounts for the Parquet files
                (default: this workspace's ``lake/data``).
            zone: team mode only: ``raw`` (a steward: raw zone, publishes approved snapshots) or ``curated``
                (an annotator or engineer: approved snapshots only), each in its own PostgreSQL schema
                (:data:`~curate.storage.catalog.ZONE_SCHEMAS`) and data folder, so database grants keep raw
                records from a role; None keeps one catalog for everything.

        Raises:
            CurateError: folder not empty, bad catalog URL, catalog unreachable.
        """
        root = Path(path).resolve()
        os.umask(0o077)
        root.mkdir(parents=True, exist_ok=True)
        if not (root / MARKER).exists() and any(p.name not in {"lake", "secrets"} for p in root.iterdir()):
            raise CurateError(f"{root} exists and is not empty; choose a new folder for the workspace")
        os.chmod(root, 0o700)
        (root / "lake" / "data").mkdir(parents=True, exist_ok=True)
        secrets = root / "secrets"
        secrets.mkdir(exist_ok=True)
        os.chmod(secrets, 0o700)
        marker = root / MARKER
        if not marker.exists():
            spec: str | dict = DEFAULT_CATALOG
            if catalog:
                spec = parse_catalog_url(catalog)
                spec["data_path"] = str(Path(shared_data_path).resolve()) if shared_data_path else None
                if zone is not None:
                    if zone not in ZONE_SCHEMAS:
                        raise CurateError(f"unknown --zone {zone!r} (use {', '.join(ZONE_SCHEMAS)})")
                    if not shared_data_path:
                        raise CurateError("--zone needs --data-path: the zones' files live in a shared folder")
                    spec["zone"] = zone
                if shared_data_path:
                    Path(spec["data_path"]).mkdir(parents=True, exist_ok=True)
                    if zone:
                        (Path(spec["data_path"]) / zone).mkdir(exist_ok=True)
            elif zone is not None:
                raise CurateError("--zone is for team workspaces (with --catalog postgresql://...)")
            elif shared_data_path:
                raise CurateError("--data-path is for team workspaces (with --catalog postgresql://...)")
            marker.write_text(json.dumps({"format": FORMAT_VERSION, "created_at": now().isoformat(),
                                          "curate_version": __version__, "catalog": spec}, indent=2))
            gi = root / ".gitignore"
            gi.write_text("# a workspace holds raw PII: never commit it\n*\n")
        return cls(root)

    def _acquire_lock(self) -> None:
        """Take the writer lock, waiting up to ``self.wait`` seconds for the current holder."""
        self._lock.acquire(self.wait)

    def close(self) -> None:
        """Close the connection and release the writer lock (idempotent)."""
        if getattr(self, "con", None) is not None:
            self.con.close()
            self.con = None
        self._release_lock()

    def __enter__(self) -> Any:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self) -> None:  # pragma: no cover - best effort
        try:
            self.close()
        except Exception:
            pass

    @property
    def secrets_dir(self) -> Path:
        """``WORKSPACE/secrets`` (0700, created if missing); secret files in it are written 0600."""
        d = self.path / "secrets"
        d.mkdir(exist_ok=True)
        os.chmod(d, 0o700)
        return d

    def _core_tables(self) -> dict[str, dict[str, str]]:
        return {t: c for t, c in CORE_TABLES.items() if self.zone != "curated" or not is_raw_table(t)}

    def _ensure_core_tables(self, alias: str = "lake") -> None:
        for table, cols in self._core_tables().items():
            coldefs = ", ".join(f"{ident(c)} {t}" for c, t in cols.items())
            self.con.execute(f"CREATE TABLE IF NOT EXISTS {alias}.{table} ({coldefs})")

    def setting(self, name: str) -> str | None:
        """A workspace setting of the raw zone's ``settings`` table (None when unset)."""
        self.require_raw("documents")
        row = self.con.execute("SELECT value FROM lake.settings WHERE name = ?", [name]).fetchone()
        return None if row is None else row[0]

    def set_setting(self, name: str, value: str) -> None:
        """Set a workspace setting once (call under the writer lock)."""
        self.require_raw("documents")
        self.con.execute("INSERT INTO lake.settings VALUES (?, ?)", [name, value])

    def require_raw(self, what: str) -> None:
        """Refuse, in one line, what needs the raw zone in a curated-zone workspace.

        Raises:
            OperationalError: ``what`` is a raw-zone table and this workspace works in the curated zone (exit 5).
        """
        if self.zone == "curated" and is_raw_table(what):
            raise OperationalError(f"workspace {self.path} works in the curated zone: it has no access to raw "
                                   f"records ({what} is in the raw zone); approved snapshots are here — a data "
                                   "steward works with documents")

    # -- the writer lock -------------------------------------------------------------
    def require_writable(self) -> None:
        """Refuse writes on a read-only workspace; otherwise take (or keep) the writer lock.

        For services that write: outside :meth:`writer` the lock stays until :meth:`close`; the
        facade's write methods run inside :meth:`writer`, so a notebook or a long training run holds
        it only while it writes.

        Raises:
            CurateError: opened read-only.
            OperationalError: the workspace is on a read-only file system (exit 5).
            WorkspaceLockedError: another writer held the lock for longer than ``wait`` (exit 3).
        """
        self._refuse_writes()
        self._acquire_lock()

    _require_writable = require_writable  # the name services and scripts used before it was public

    def _refuse_writes(self) -> None:
        if self.read_only:
            raise CurateError("workspace opened read-only")
        if self._readonly_media:
            raise OperationalError(f"workspace {self.path} is on a read-only file system: nothing was written "
                                   "(remount it read-write, or copy the folder; reading commands work as they are)")

    @contextmanager
    def writer(self) -> Iterator[Any]:
        """Hold the writer lock for one operation (re-entrant); released when the outermost exits.

        A DuckDB-file catalog (older workspaces) keeps the lock from open to close, as before.
        """
        self._refuse_writes()
        if self._writer_depth == 0 and not self._lock.held:
            self._acquire_lock()
            self._release_at_zero = self.catalog != "duckdb"
        self._writer_depth += 1
        try:
            yield self
        finally:
            self._writer_depth -= 1
            if self._writer_depth == 0 and self._release_at_zero:
                self._release_at_zero = False
                self._release_lock()

    def _release_lock(self) -> None:
        self._lock.release()

    # -- tables --------------------------------------------------------------------
    def table_names(self) -> list[str]:
        """Names of the lake's tables, sorted."""
        rows = self.con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_catalog = 'lake' ORDER BY 1").fetchall()
        return [r[0] for r in rows]

    def has_table(self, name: str) -> bool:
        return name in self.table_names()

    def columns(self, table: str) -> list[str]:
        """Column names of lake table ``table``, in order ([] when it does not exist)."""
        rows = self.con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_catalog='lake' AND table_name=? "
            "ORDER BY ordinal_position", [table]).fetchall()
        return [r[0] for r in rows]

    def put_table(self, name: str, table: pa.Table, mode: str = "append") -> None:
        """Store an auxiliary table (runs, labels, label_tasks, audits …); ``mode``: append or replace."""
        check_name(name, "table name")
        self.require_raw(name)
        if mode not in ("append", "replace"):
            raise ValueError("mode must be 'append' or 'replace'")
        with self.writer():
            self._put_table(name, table, mode)

    def _put_table(self, name: str, table: pa.Table, mode: str) -> None:
        cur = self.con.cursor()
        cur.register("_put_src", table)
        try:
            if mode == "replace" or not self.has_table(name):
                cur.execute(f"CREATE OR REPLACE TABLE lake.{ident(name)} AS SELECT * FROM _put_src")
            else:
                cur.execute(f"INSERT INTO lake.{ident(name)} BY NAME SELECT * FROM _put_src")
        finally:
            cur.unregister("_put_src")
            cur.close()

    def get_table(self, name: str) -> pa.Table | None:
        """The whole lake table ``name``, or None when it does not exist."""
        self.require_raw(name)
        if not self.has_table(name):
            return None
        return self.con.execute(f"SELECT * FROM lake.{ident(name)}").fetch_arrow_table()

    def documents(self) -> pa.Table:
        """Every document (columns :data:`DOCUMENT_COLUMNS`), by doc_id."""
        self.require_raw("documents")
        return self.con.execute("SELECT * FROM lake.documents ORDER BY doc_id").fetch_arrow_table()

    def count(self, table: str) -> int:
        """Rows of lake table ``table``."""
        self.require_raw(table)
        return self.con.execute(f"SELECT count(*) FROM lake.{ident(table)}").fetchone()[0]

    # -- signals -------------------------------------------------------------------
    def signals(self) -> list[str]:
        """Names of the stored signals (tables ``signal_<name>``), sorted."""
        return [t[len(SIGNAL_PREFIX):] for t in self.table_names()
                if t.startswith(SIGNAL_PREFIX) and t != "signal_state"]

    def write_signal(self, name: str, table: pa.Table, replace: bool = False) -> None:
        """Store a sidecar signal table keyed by doc_id (appends unless ``replace``)."""
        if "doc_id" not in table.column_names:
            raise ValueError("a signal table needs a doc_id column")
        self.put_table(signal_table(check_name(name, "signal name")), table, mode="replace" if replace else "append")

    def read_signal(self, name: str) -> pa.Table | None:
        return self.get_table(signal_table(name))

    def drop_signal(self, name: str) -> None:
        """Drop signal ``name`` and its recorded state (the next run recomputes it)."""
        with self.writer():
            self.con.execute(f"DROP TABLE IF EXISTS lake.{ident(signal_table(name))}")
            self.con.execute("DELETE FROM lake.signal_state WHERE stage = ?", [name])

    def signal_config_hash(self, name: str) -> str | None:
        """The config hash signal ``name`` was computed with, or None when no run recorded one."""
        row = self.con.execute("SELECT config_hash FROM lake.signal_state WHERE stage = ?", [name]).fetchone()
        return None if row is None else row[0]

    def signal_config(self, name: str) -> dict | None:
        """The stage parameters signal ``name`` was computed with (as recorded by its run), or None."""
        row = self.con.execute("SELECT config FROM lake.signal_state WHERE stage = ?", [name]).fetchone()
        return json.loads(row[0]) if row and row[0] else None

    def record_signal_state(self, name: str, config_hash: str, config_json: str, kind: str,
                            con: duckdb.DuckDBPyConnection | None = None) -> None:
        """Record which config signal ``name`` is computed with (replacing the previous record).

        ``con``: the cursor of the caller's open transaction, so the state commits with the rows.
        """
        con = con or self.con
        con.execute("DELETE FROM lake.signal_state WHERE stage = ?", [name])
        con.execute("INSERT INTO lake.signal_state VALUES (?, ?, ?, ?, ?)",
                    [name, config_hash, config_json, kind, now()])

    # -- the document view ------------------------------------------------------------
    def view_sql(self, at_version: int | None = None, exclude_signal: str | None = None) -> str:
        """SQL for documents joined with every signal table: one row per document.

        Raises:
            CurateError: two signals hold a column of the same name.
        """
        self.require_raw("documents")
        at = f" AT (VERSION => {int(at_version)})" if at_version is not None else ""
        sql = f"SELECT * FROM lake.documents AS d{at}"  # DuckDB wants the alias before AT (...)
        seen = set(self.columns("documents"))
        for sig in self.signals():
            if sig == exclude_signal or (at and not self._existed(signal_table(sig), at)):
                continue
            cols = [c for c in self.columns(signal_table(sig)) if c != "doc_id"]
            clash = seen.intersection(cols)
            if clash:
                raise CurateError(f"signal '{sig}' repeats column(s) {sorted(clash)} of another signal")
            seen.update(cols)
            sql += f" LEFT JOIN lake.{ident(signal_table(sig))}{at} USING (doc_id)"
        return sql

    def _existed(self, table: str, at: str) -> bool:
        """Whether ``table`` existed at the DuckLake version in ``at`` (a signal made later is left out of a
        historical view)."""
        try:
            self.con.execute(f"SELECT 1 FROM lake.{ident(table)}{at} LIMIT 0")
            return True
        except duckdb.CatalogException:
            return False

    def view(self, columns: Iterable[str] | None = None) -> duckdb.DuckDBPyRelation:
        """Documents LEFT JOIN every signal table (one row per document), optionally only ``columns``."""
        sel = ", ".join(ident(c) for c in columns) if columns else "*"
        return self.con.sql(f"SELECT {sel} FROM ({self.view_sql()})")

    def view_columns(self) -> list[str]:
        return [d[0] for d in self.con.execute(f"SELECT * FROM ({self.view_sql()}) LIMIT 0").description]

    # -- ingests ---------------------------------------------------------------------
    def interrupted_ingests(self) -> list[dict]:
        """Ingests that did not finish: ``running`` (running now, or killed: the next writer closes it)
        or ``interrupted`` (closed with the counts it had committed). Re-running the ingest completes the data.

        Each: ``{ingest_id, source, source_uri, state, started_at, ingested, quarantined, completed_by}``, oldest
        first; ``completed_by``: the later ingest of the same file (path and bytes) that finished, which completed
        its data (None while none has).
        """
        try:
            rows = self.con.execute("""
                SELECT i.ingest_id, i.source, i.source_uri, i.state, i.started_at, i.ingested, i.quarantined,
                       (SELECT arg_min(d.ingest_id, d.started_at) FROM lake.ingests d WHERE d.state = 'done'
                          AND d.source_uri = i.source_uri AND d.file_hash = i.file_hash
                          AND d.started_at > i.started_at) AS completed_by
                FROM lake.ingests i WHERE i.state IN ('running', 'interrupted') ORDER BY i.started_at""").fetchall()
        except duckdb.BinderException:  # a workspace from before ingests had a state
            return []
        keys = ("ingest_id", "source", "source_uri", "state", "started_at", "ingested", "quarantined", "completed_by")
        return [dict(zip(keys, r)) for r in rows]

    # -- lineage -------------------------------------------------------------------
    def record_lineage(self, kind: LineageKind | str, subject: str, parent: str | None, details: dict | None = None,
                       con: duckdb.DuckDBPyConnection | None = None, at: datetime | None = None) -> None:
        """Record that ``subject`` came from ``parent`` by a step of ``kind`` (``details``: JSON-able).

        ``con``: the cursor of the caller's open transaction (the edge commits with what it describes);
        without it the edge is its own write, under the writer lock. ``at``: the edge's time (default now).

        Raises:
            ValueError: ``kind`` is not a :class:`LineageKind`.
        """
        kind = LineageKind(kind)
        row = [kind.value, subject, parent, json.dumps(details or {}, default=str, sort_keys=True), at or now()]
        if con is not None:
            con.execute("INSERT INTO lake.lineage VALUES (?, ?, ?, ?, ?)", row)
            return
        with self.writer():
            self.con.execute("INSERT INTO lake.lineage VALUES (?, ?, ?, ?, ?)", row)

    def lineage(self, subject: str | None = None) -> list[dict]:
        """Lineage edges ``{kind, subject, parent, details, created_at}`` (all, or those touching ``subject``),
        oldest first."""
        sql = "SELECT kind, subject, parent, details, created_at FROM lake.lineage"
        params: list[Any] = []
        if subject:
            sql += " WHERE subject = ? OR parent = ?"
            params = [subject, subject]
        rows = self.con.execute(sql + " ORDER BY created_at", params).fetchall()
        return [{"kind": k, "subject": s, "parent": p, "details": json.loads(d), "created_at": c}
                for k, s, p, d, c in rows]


def _private_by_default(root: Path) -> None:
    """Keep the raw zone private: files this process creates get no group/other access, and the
    workspace folder itself is 0700 (so even files made by an older version with 0644 cannot be
    reached by another local account). Process-wide umask on purpose: DuckLake creates the Parquet
    files itself and offers no mode option."""
    os.umask(0o077)
    try:
        if root.stat().st_mode & 0o077:
            os.chmod(root, 0o700)
    except PermissionError:  # not our folder (a shared team path): say so rather than fail
        print(f"warning: {root} is readable by other accounts and not owned by you", file=sys.stderr)
