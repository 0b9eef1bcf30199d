"""The workspace: one folder holding a DuckLake catalog (DuckDB file) and its Parquet data.

Layout::

    WORKSPACE/
      curate.json              format marker and creation info
      lake/catalog.ducklake    DuckLake metadata (a DuckDB database)
      lake/data/               Parquet files written by DuckLake
      secrets/                 0700; tokens and keys, 0600 files (never in the lake)
      .lock                    advisory lock held by the one writer

DuckLake gives us versioned tables and multi-table transactions: a snapshot's rows
and its manifest are committed together or not at all, so a killed process never
leaves a half-written snapshot behind.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable

import duckdb
import pyarrow as pa

from curate import __version__
from curate.dbutil import quiet
from curate.errors import CurateError, WorkspaceLockedError, note_secrets_dir

FORMAT_VERSION = 1
MARKER = "curate.json"

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

_CORE_TABLES = {
    "documents": DOCUMENT_COLUMNS,
    "quarantine": {
        "ingest_id": "VARCHAR", "source": "VARCHAR", "source_uri": "VARCHAR", "source_row": "BIGINT",
        "reason": "VARCHAR", "raw": "VARCHAR", "quarantined_at": "TIMESTAMP",
    },
    "ingests": {
        "ingest_id": "VARCHAR", "source": "VARCHAR", "source_uri": "VARCHAR", "format": "VARCHAR",
        "file_hash": "VARCHAR", "rows_read": "BIGINT", "ingested": "BIGINT", "duplicates": "BIGINT",
        "quarantined": "BIGINT", "started_at": "TIMESTAMP", "finished_at": "TIMESTAMP",
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

_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")


def now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def check_name(name: str, what: str = "name") -> str:
    if not _NAME_RE.match(name or ""):
        raise CurateError(f"invalid {what} '{name}': use letters, digits, '_', '-', '.' (max 100)")
    return name


def ident(name: str) -> str:
    """Quote an identifier for SQL."""
    return '"' + name.replace('"', '""') + '"'


def connect_lake(root: Path, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with the workspace's DuckLake attached as ``lake``.

    Extensions come from the ``duckdb-ext`` wheels in site-packages; autoinstall is
    off so nothing is ever fetched from the network.
    """
    import duckdb_ext

    con = duckdb.connect(config={"extension_directory": duckdb_ext.get_extension_dir(),
                                 "autoinstall_known_extensions": False, "autoload_known_extensions": False})
    con.execute("LOAD json")
    con.execute("LOAD ducklake")
    quiet(con)

    catalog = root / "lake" / "catalog.ducklake"
    data = root / "lake" / "data"
    opts = f"DATA_PATH '{data}/'"
    if read_only:
        opts += ", READ_ONLY"
    try:
        con.execute(f"ATTACH 'ducklake:{catalog}' AS lake ({opts})")
    except duckdb.IOException as exc:
        msg = str(exc)
        if "lock" in msg.lower():
            raise WorkspaceLockedError(f"workspace {root} is in use by another process (DuckDB lock held)") from None
        raise
    return con


class Workspace:
    """A curate workspace. ``Workspace.init(path)`` creates one; ``Workspace(path)`` opens it."""

    def __init__(self, path: str | Path, read_only: bool = False):
        self.path = Path(path).resolve()
        marker = self.path / MARKER
        if not marker.exists():
            raise CurateError(f"{self.path} is not a curate workspace (run: curate init {path})")
        info = json.loads(marker.read_text())
        if info.get("format") != FORMAT_VERSION:
            raise CurateError(f"{self.path}: workspace format {info.get('format')} not supported by this curate")
        note_secrets_dir(self.path / "secrets")  # error messages never show what is in there
        self.read_only = read_only
        self._lock_fh = None
        if not read_only:
            self._acquire_lock()
        self.con = connect_lake(self.path, read_only=read_only)
        if not read_only:
            self._ensure_core_tables()

    # -- lifecycle -----------------------------------------------------------------
    @classmethod
    def init(cls, path: str | Path) -> "Workspace":
        root = Path(path).resolve()
        root.mkdir(parents=True, exist_ok=True)
        (root / "lake" / "data").mkdir(parents=True, exist_ok=True)
        secrets = root / "secrets"
        secrets.mkdir(exist_ok=True)
        os.chmod(secrets, 0o700)
        marker = root / MARKER
        if not marker.exists():
            if any(p.name not in {"lake", "secrets"} for p in root.iterdir()):
                raise CurateError(f"{root} exists and is not empty; choose a new folder for the workspace")
            marker.write_text(json.dumps({"format": FORMAT_VERSION, "created_at": now().isoformat(),
                                          "curate_version": __version__}, indent=2))
            gi = root / ".gitignore"
            gi.write_text("# a workspace holds raw PII: never commit it\n*\n")
        return cls(root)

    def _acquire_lock(self) -> None:
        fh = open(self.path / ".lock", "a+")
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            fh.seek(0)
            holder = fh.read().strip() or "another process"
            fh.close()
            raise WorkspaceLockedError(f"workspace {self.path} is open for writing by {holder}; "
                                       "wait for it to finish or open read-only") from None
        fh.seek(0)
        fh.truncate()
        fh.write(f"pid {os.getpid()}")
        fh.flush()
        self._lock_fh = fh

    def close(self) -> None:
        if getattr(self, "con", None) is not None:
            self.con.close()
            self.con = None
        if self._lock_fh is not None:
            fcntl.flock(self._lock_fh, fcntl.LOCK_UN)
            self._lock_fh.close()
            self._lock_fh = None

    def __enter__(self) -> "Workspace":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __del__(self) -> None:  # pragma: no cover - best effort
        try:
            self.close()
        except Exception:
            pass

    @property
    def secrets_dir(self) -> Path:
        d = self.path / "secrets"
        d.mkdir(exist_ok=True)
        os.chmod(d, 0o700)
        return d

    def _ensure_core_tables(self) -> None:
        for table, cols in _CORE_TABLES.items():
            coldefs = ", ".join(f"{ident(c)} {t}" for c, t in cols.items())
            self.con.execute(f"CREATE TABLE IF NOT EXISTS lake.{table} ({coldefs})")

    def _require_writable(self) -> None:
        if self.read_only:
            raise CurateError("workspace opened read-only")

    # -- tables --------------------------------------------------------------------
    def table_names(self) -> list[str]:
        rows = self.con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_catalog = 'lake' ORDER BY 1").fetchall()
        return [r[0] for r in rows]

    def has_table(self, name: str) -> bool:
        return name in self.table_names()

    def columns(self, table: str) -> list[str]:
        rows = self.con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_catalog='lake' AND table_name=? "
            "ORDER BY ordinal_position", [table]).fetchall()
        return [r[0] for r in rows]

    def put_table(self, name: str, table: pa.Table, mode: str = "append") -> None:
        """Store an auxiliary table (runs, labels, label_tasks, audits …)."""
        self._require_writable()
        check_name(name, "table name")
        if mode not in ("append", "replace"):
            raise ValueError("mode must be 'append' or 'replace'")
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
        if not self.has_table(name):
            return None
        return self.con.execute(f"SELECT * FROM lake.{ident(name)}").fetch_arrow_table()

    def documents(self) -> pa.Table:
        return self.con.execute("SELECT * FROM lake.documents ORDER BY doc_id").fetch_arrow_table()

    def count(self, table: str) -> int:
        return self.con.execute(f"SELECT count(*) FROM lake.{ident(table)}").fetchone()[0]

    # -- signals -------------------------------------------------------------------
    def signals(self) -> list[str]:
        return [t[len("signal_"):] for t in self.table_names() if t.startswith("signal_") and t != "signal_state"]

    def write_signal(self, name: str, table: pa.Table, replace: bool = False) -> None:
        """Store a sidecar signal table keyed by doc_id (appends unless ``replace``)."""
        if "doc_id" not in table.column_names:
            raise ValueError("a signal table needs a doc_id column")
        self.put_table(f"signal_{check_name(name, 'signal name')}", table, mode="replace" if replace else "append")

    def read_signal(self, name: str) -> pa.Table | None:
        return self.get_table(f"signal_{name}")

    def drop_signal(self, name: str) -> None:
        self._require_writable()
        self.con.execute(f"DROP TABLE IF EXISTS lake.{ident('signal_' + name)}")
        self.con.execute("DELETE FROM lake.signal_state WHERE stage = ?", [name])

    def view_sql(self, at_version: int | None = None, exclude_signal: str | None = None) -> str:
        """SQL for documents joined with every signal table: one row per document."""
        at = f" AT (VERSION => {int(at_version)})" if at_version is not None else ""
        sql = f"SELECT * FROM lake.documents{at} AS d"
        seen = set(self.columns("documents"))
        for sig in self.signals():
            if sig == exclude_signal:
                continue
            cols = [c for c in self.columns(f"signal_{sig}") if c != "doc_id"]
            clash = seen.intersection(cols)
            if clash:
                raise CurateError(f"signal '{sig}' repeats column(s) {sorted(clash)} of another signal")
            seen.update(cols)
            sql += f" LEFT JOIN lake.{ident('signal_' + sig)}{at} USING (doc_id)"
        return sql

    def view(self, columns: Iterable[str] | None = None) -> duckdb.DuckDBPyRelation:
        sel = ", ".join(ident(c) for c in columns) if columns else "*"
        return self.con.sql(f"SELECT {sel} FROM ({self.view_sql()})")

    def view_columns(self) -> list[str]:
        return [d[0] for d in self.con.execute(f"SELECT * FROM ({self.view_sql()}) LIMIT 0").description]

    # -- lineage -------------------------------------------------------------------
    def record_lineage(self, kind: str, subject: str, parent: str | None, details: dict | None = None) -> None:
        self._require_writable()
        self.con.execute("INSERT INTO lake.lineage VALUES (?, ?, ?, ?, ?)",
                         [kind, subject, parent, json.dumps(details or {}, default=str, sort_keys=True), now()])

    def lineage(self, subject: str | None = None) -> list[dict]:
        sql = "SELECT kind, subject, parent, details, created_at FROM lake.lineage"
        params: list[Any] = []
        if subject:
            sql += " WHERE subject = ? OR parent = ?"
            params = [subject, subject]
        rows = self.con.execute(sql + " ORDER BY created_at", params).fetchall()
        return [{"kind": k, "subject": s, "parent": p, "details": json.loads(d), "created_at": c}
                for k, s, p, d, c in rows]

    # -- snapshots, export, ingest (implemented in their own modules) -------------------
    def ingest(self, sources, **kwargs):
        from curate.ingest.ingest import ingest_sources

        return ingest_sources(self, sources, **kwargs)

    def run_stage(self, stage: str, params: dict | None = None, **kwargs):
        from curate.runner import run_stage

        return run_stage(self, stage, params or {}, **kwargs)

    def create_snapshot(self, name: str, **kwargs):
        from curate.snapshots import create_snapshot

        return create_snapshot(self, name, **kwargs)

    def create_snapshot_from_table(self, name: str, table: pa.Table, parent_ref: str | None = None,
                                   recipe: dict | None = None, text_variant: str | None = None):
        from curate.snapshots import create_snapshot_from_table

        return create_snapshot_from_table(self, name, table, parent_ref=parent_ref, recipe=recipe,
                                          text_variant=text_variant)

    def snapshot(self, name: str, version: int | None = None):
        from curate.snapshots import get_snapshot

        return get_snapshot(self, name, version)

    def snapshots(self):
        from curate.snapshots import list_snapshots

        return list_snapshots(self)

    def diff(self, a: str, b: str) -> dict:
        from curate.snapshots import diff_snapshots

        return diff_snapshots(self, a, b)

    def export(self, ref: str, fmt: str, out_dir: str | Path, **kwargs) -> dict:
        from curate.export import export_snapshot

        return export_snapshot(self, ref, fmt, out_dir, **kwargs)

    def summary(self) -> dict:
        return {
            "path": str(self.path),
            "documents": self.count("documents"),
            "quarantined": self.count("quarantine"),
            "ingests": self.count("ingests"),
            "signals": {s: self.count(f"signal_{s}") for s in self.signals()},
            "snapshots": [m.ref for m in self.snapshots()],
        }


def open_workspace(path: str | Path | None = None, read_only: bool = False) -> Workspace:
    """Open the workspace named on the command line, in $CURATE_WORKSPACE, or the current folder."""
    target = path or os.environ.get("CURATE_WORKSPACE") or "."
    return Workspace(target, read_only=read_only)
