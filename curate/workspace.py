"""The workspace: one folder holding a DuckLake catalog (DuckDB file) and its Parquet data.

Layout::

    WORKSPACE/                 0700: nobody but the owner reads the raw zone
      curate.json              format marker and creation info (names the catalog kind)
      lake/catalog.sqlite      DuckLake metadata in SQLite (workspaces made before: lake/catalog.ducklake)
      lake/data/               Parquet files written by DuckLake
      secrets/                 0700; tokens and keys, 0600 files (never in the lake)
      .lock                    advisory lock held by the one writer while it writes

DuckLake gives us versioned tables and multi-table transactions: a snapshot's rows
and its manifest are committed together or not at all, so a killed process never
leaves a half-written snapshot behind.

Why SQLite for the catalog: a DuckDB-file catalog can be opened by one process at a
time (even a read-only attach is refused while a writer has it), so a running stage
locked out ``status``, ``snapshot list``, audits and notebooks. DuckLake's SQLite catalog
lets any number of local processes attach; readers see the last committed DuckLake
snapshot and never wait (measured in ``tests/test_workspace.py``). Writers are still
serialized by ``.lock`` (taken at the first write, not at open, with a bounded, visible
wait), because DuckLake resolves concurrent commits by retrying and we want one
committer. Older workspaces keep their DuckDB catalog (one process at a time).
"""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path
from contextlib import contextmanager
from typing import Any, Iterable, Iterator

import duckdb
import pyarrow as pa

from curate import __version__
from curate.dbutil import quiet
from curate.errors import CurateError, OperationalError, WorkspaceLockedError, note_secrets_dir
from curate.locks import FileLock, PgAdvisoryLock
from curate.provenance import now

FORMAT_VERSION = 1
MARKER = "curate.json"
#: catalog kind -> catalog file under lake/ (see the module docstring for why SQLite is the default)
CATALOG_FILES = {"sqlite": "catalog.sqlite", "duckdb": "catalog.ducklake"}
DEFAULT_CATALOG = "sqlite"
#: seconds a writer waits for another writer before giving up (``CURATE_LOCK_WAIT`` overrides; 0 = fail at once)
DEFAULT_LOCK_WAIT = 60.0
#: team mode with zones: zone -> the PostgreSQL schema holding its DuckLake catalog (its Parquet files go to
#: ``DATA_PATH/<zone>``). ``raw``: documents, quarantine, signals, every snapshot (the steward's workspace);
#: ``curated``: approved snapshots with their manifests, audits and approvals, and what readers record (runs,
#: lineage). A database role without privileges on ``curate_raw`` cannot read a raw record (see curate.zones).
ZONE_SCHEMAS = {"raw": "curate_raw", "curated": "curate_curated"}
#: tables of the raw zone (plus every ``signal_*`` table): a curated-zone workspace has none of them
RAW_TABLES = frozenset({"documents", "quarantine", "ingests", "signal_state"})

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

_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")


def check_name(name: str, what: str = "name") -> str:
    if not _NAME_RE.match(name or ""):
        raise CurateError(f"invalid {what} '{name}': use letters, digits, '_', '-', '.' (max 100)")
    return name


def ident(name: str) -> str:
    """Quote an identifier for SQL."""
    return '"' + name.replace('"', '""') + '"'


def _marker(root: Path) -> dict:
    try:
        return json.loads((root / MARKER).read_text())
    except (OSError, ValueError):
        return {}


def catalog_kind(root: Path) -> str:
    """The catalog a workspace was created with: ``sqlite`` (default), ``postgres`` (team mode) or
    ``duckdb`` (workspaces made before SQLite became the default)."""
    spec = _marker(root).get("catalog")
    if isinstance(spec, dict):
        return spec.get("kind", "postgres")
    if spec in CATALOG_FILES:
        return spec
    return "duckdb" if (root / "lake" / CATALOG_FILES["duckdb"]).exists() else DEFAULT_CATALOG


def parse_catalog_url(url: str) -> dict:
    """``postgresql://USER@HOST:PORT/DBNAME`` -> the team catalog spec stored in ``curate.json``.

    A password in the URL is refused: it would land in the marker file and in shell history.

    Raises:
        CurateError: not a PostgreSQL URL, or it carries a password.
    """
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    if parts.scheme not in ("postgresql", "postgres") or not parts.path.strip("/"):
        raise CurateError("--catalog must look like postgresql://USER@HOST:PORT/DBNAME")
    if parts.password:
        raise CurateError("--catalog must not contain a password: put it in CURATE_CATALOG_PASSWORD "
                          "or in WORKSPACE/secrets/catalog.password (0600)")
    return {"kind": "postgres", "host": parts.hostname or "127.0.0.1", "port": parts.port or 5432,
            "dbname": parts.path.strip("/"), "user": parts.username}


def catalog_password(root: Path) -> str | None:
    """The team catalog's password: ``CURATE_CATALOG_PASSWORD``, else ``secrets/catalog.password``
    (must be 0600), else None (libpq's own ~/.pgpass still applies). Never logged."""
    env = os.environ.get("CURATE_CATALOG_PASSWORD")
    if env:
        return env
    f = root / "secrets" / "catalog.password"
    if f.exists():
        if f.stat().st_mode & 0o077:
            raise CurateError(f"{f} is readable by other accounts: chmod 600 it")
        return f.read_text().strip()
    return None


def data_path(root: Path, zone: str | None = None) -> Path:
    """Where the Parquet files live: ``lake/data`` in the folder, or a team's shared data path
    (``DATA_PATH/<zone>`` for a zoned team workspace; ``zone`` defaults to the workspace's own)."""
    spec = _marker(root).get("catalog")
    if isinstance(spec, dict) and spec.get("data_path"):
        zone = zone or spec.get("zone")
        return Path(spec["data_path"]) / zone if zone else Path(spec["data_path"])
    return root / "lake" / "data"


def workspace_zone(root: Path) -> str | None:
    """``raw`` (a steward's zoned team workspace), ``curated`` (a reader's) or None (no zones: one catalog)."""
    spec = _marker(root).get("catalog")
    return spec.get("zone") if isinstance(spec, dict) else None


def is_raw_table(name: str) -> bool:
    return name in RAW_TABLES or name.startswith("signal_")


def _sql_str(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def connect_lake(root: Path, read_only: bool = False, catalog: str | None = None) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with the workspace's DuckLake attached as ``lake``.

    Extensions come from the ``duckdb-ext`` wheels in site-packages; autoinstall is
    off so nothing is ever fetched from the network. The data path is passed as the
    workspace's *current* location with ``OVERRIDE_DATA_PATH`` (DuckLake stores file paths
    relative to it), so a workspace folder can be moved, copied or mounted elsewhere.

    Raises:
        CurateError: the data folder is missing.
        WorkspaceLockedError: a DuckDB-file catalog is held by another process.
    """
    import duckdb_ext

    kind = catalog or catalog_kind(root)
    con = duckdb.connect(config={"extension_directory": duckdb_ext.get_extension_dir(),
                                 "autoinstall_known_extensions": False, "autoload_known_extensions": False})
    con.execute("LOAD json")
    con.execute("LOAD ducklake")
    if kind in ("sqlite", "postgres"):
        con.execute(f"LOAD {kind}")
    quiet(con)

    data = data_path(root)
    opts = f"DATA_PATH {_sql_str(str(data) + '/')}, OVERRIDE_DATA_PATH true"
    if kind == "postgres":
        spec = _marker(root)["catalog"]
        _create_pg_secret(con, spec, catalog_password(root))
        target, opts = _pg_target(spec, spec.get("zone"), data)
        if not data.is_dir():
            con.close()
            raise CurateError(f"workspace {root}: shared data path {data} is missing or not mounted")
    else:
        catalog_file = root / "lake" / CATALOG_FILES[kind]
        target = ("ducklake:sqlite:" if kind == "sqlite" else "ducklake:") + str(catalog_file)
        if kind == "sqlite" and not read_only:
            _sqlite_wal(catalog_file)
        elif kind == "sqlite" and catalog_file.exists() and os.statvfs(catalog_file.parent).f_flag & os.ST_RDONLY:
            # SQLite cannot open a WAL database where it cannot create its -shm file: read a private copy
            target = "ducklake:sqlite:" + str(_private_copy(catalog_file))
        if catalog_file.exists() and not data.is_dir():
            con.close()
            raise CurateError(f"workspace {root}: data folder lake/data is missing (restore it from a backup "
                              "or copy the whole workspace folder)")
    if read_only:
        opts += ", READ_ONLY"
    try:
        con.execute(f"ATTACH {_sql_str(target)} AS lake ({opts})")
    except duckdb.Error as exc:
        con.close()
        msg = str(exc)
        if "lock" in msg.lower():
            raise WorkspaceLockedError(f"workspace {root} is in use by another process (DuckDB lock held); "
                                       "wait for it to finish and retry") from None
        if kind == "postgres":
            denied = _pg_zone_denied(root, spec)
            if denied:
                raise OperationalError(denied) from None
            # the driver's message can quote the connection string; name the place, not the values
            raise CurateError(f"workspace {root}: cannot attach the team catalog "
                              f"(database {spec['dbname']!r} on {spec['host']}:{spec['port']}): check that the "
                              "server runs, the database exists and the password is set") from None
        raise
    return con


def _pg_target(spec: dict, zone: str | None, data: Path) -> tuple[str, str]:
    """ATTACH target and options of a team catalog (of one zone, when zoned); credentials via the secret."""
    opts = (f"DATA_PATH {_sql_str(str(data) + '/')}, OVERRIDE_DATA_PATH true, "
            "METADATA_PARAMETERS MAP {'SECRET': 'curate_catalog'}")
    if zone:
        opts += f", METADATA_SCHEMA {_sql_str(ZONE_SCHEMAS[zone])}"
    return f"ducklake:postgres:dbname={spec['dbname']}", opts


def attach_zone(con: duckdb.DuckDBPyConnection, root: Path, zone: str, alias: str) -> None:
    """Attach another zone of a zoned team workspace to ``con`` as ``alias`` (the steward publishes approved
    snapshots into the curated zone this way).

    Raises:
        OperationalError: this workspace's database role has no access to that zone.
    """
    spec = _marker(root)["catalog"]
    data = data_path(root, zone)
    data.mkdir(parents=True, exist_ok=True)
    target, opts = _pg_target(spec, zone, data)
    try:
        con.execute(f"ATTACH {_sql_str(target)} AS {alias} ({opts})")
    except duckdb.Error:
        denied = _pg_zone_denied(root, spec, zone)
        raise OperationalError(denied or f"workspace {root}: cannot attach the {zone} zone of the team catalog") \
            from None


def _pg_zone_denied(root: Path, spec: dict, zone: str | None = None) -> str | None:
    """Why a zoned attach failed, when the reason is the role's privileges (DuckLake only says the load failed)."""
    zone = zone or spec.get("zone")
    if not zone:
        return None
    try:
        import psycopg

        with psycopg.connect(host=spec["host"], port=spec["port"], dbname=spec["dbname"], user=spec.get("user"),
                             password=catalog_password(root), connect_timeout=10) as conn:
            schema = ZONE_SCHEMAS[zone]
            row = conn.execute("SELECT current_user, n.oid IS NOT NULL, has_schema_privilege(current_user, n.oid, "
                               "'USAGE') FROM (SELECT 1) x LEFT JOIN pg_namespace n ON n.nspname = %s",
                               [schema]).fetchone()
    except Exception:  # the server is not reachable: the caller's generic message says what to check
        return None
    user, exists, usage = row
    if exists and not usage:
        what = "raw records (documents, quarantine, signals)" if zone == "raw" else "the curated zone"
        return (f"database role {user!r} has no access to the {zone} zone (schema {schema}): it cannot read "
                f"{what}; work in a curated-zone workspace (curate init --zone curated) or ask a data steward")
    return None


def _private_copy(catalog_file: Path) -> Path:
    """Copy a catalog on read-only media (with its WAL, if any) to a private temporary folder."""
    import atexit
    import shutil
    import tempfile

    tmp = Path(tempfile.mkdtemp(prefix="curate-ro-catalog-"))
    atexit.register(shutil.rmtree, tmp, True)
    for suffix in ("", "-wal"):
        src = catalog_file.with_name(catalog_file.name + suffix)
        if src.exists():
            shutil.copy2(src, tmp / src.name)
    return tmp / catalog_file.name


def _sqlite_wal(catalog_file: Path) -> None:
    """Put the SQLite catalog in WAL mode (persistent, so once is enough; cheap to repeat).

    In SQLite's default rollback-journal mode an open read transaction blocks a commit ("database
    is locked"): a stage reading pending rows on one cursor while committing on another, or a
    long reader in another process, would make the writer fail. In WAL mode readers and the one
    writer do not block each other.
    """
    import sqlite3

    catalog_file.parent.mkdir(parents=True, exist_ok=True)
    try:
        with sqlite3.connect(catalog_file, timeout=30) as db:
            if db.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
                db.execute("PRAGMA journal_mode=WAL")
        db.close()
    except sqlite3.Error:
        pass  # a read-only or full folder: the write that follows fails with the operational error itself


def _create_pg_secret(con: duckdb.DuckDBPyConnection, spec: dict, password: str | None) -> None:
    """A temporary (in-memory, never persisted) DuckDB secret with the team catalog's credentials,
    so they stay out of the ATTACH string and out of any error message that quotes it."""
    fields = {"HOST": spec["host"], "PORT": int(spec["port"]), "DATABASE": spec["dbname"]}
    if spec.get("user"):
        fields["USER"] = spec["user"]
    if password:
        fields["PASSWORD"] = password
    body = ", ".join(f"{k} {v}" if isinstance(v, int) else f"{k} {_sql_str(str(v))}" for k, v in fields.items())
    con.execute(f"CREATE TEMPORARY SECRET curate_catalog (TYPE postgres, {body})")


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


class Workspace:
    """A curate workspace. ``Workspace.init(path)`` creates one; ``Workspace(path)`` opens it."""

    def __init__(self, path: str | Path, read_only: bool = False, wait: float | None = None):
        """Open a workspace.

        Opening never blocks: readers (and writers until their first write) work while another
        process writes. The writer lock is taken at the first write and held until :meth:`close`;
        a second writer waits up to ``wait`` seconds (default ``CURATE_LOCK_WAIT`` or 60), saying
        on stderr who holds it, then raises :class:`WorkspaceLockedError`.
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
            spec = _marker(self.path)["catalog"]
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
             zone: str | None = None) -> "Workspace":
        """Create a workspace (idempotent).

        Args:
            path: the workspace folder (marker, secrets, and the catalog and data unless team mode).
            catalog: None for the embedded SQLite catalog, or ``postgresql://USER@HOST:PORT/DBNAME`` for a
                team catalog (password from ``CURATE_CATALOG_PASSWORD`` or ``secrets/catalog.password``).
            shared_data_path: team mode only: the folder every member mounts for the Parquet files
                (default: this workspace's ``lake/data``).
            zone: team mode only: ``raw`` (a steward: raw zone, publishes approved snapshots) or ``curated``
                (an annotator or engineer: approved snapshots only), each in its own PostgreSQL schema
                (:data:`ZONE_SCHEMAS`) and data folder, so database grants keep raw records from a role;
                None keeps one catalog for everything.

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
        if getattr(self, "con", None) is not None:
            self.con.close()
            self.con = None
        self._release_lock()

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

    def _core_tables(self) -> dict[str, dict[str, str]]:
        return {t: c for t, c in _CORE_TABLES.items() if self.zone != "curated" or not is_raw_table(t)}

    def _ensure_core_tables(self, alias: str = "lake") -> None:
        for table, cols in self._core_tables().items():
            coldefs = ", ".join(f"{ident(c)} {t}" for c, t in cols.items())
            self.con.execute(f"CREATE TABLE IF NOT EXISTS {alias}.{table} ({coldefs})")

    def require_raw(self, what: str) -> None:
        """Refuse, in one line, what needs the raw zone in a curated-zone workspace (exit 5)."""
        if self.zone == "curated" and is_raw_table(what):
            raise OperationalError(f"workspace {self.path} works in the curated zone: it has no access to raw "
                                   f"records ({what} is in the raw zone); approved snapshots are here — a data "
                                   "steward works with documents")

    def _require_writable(self) -> None:
        """Refuse writes on a read-only workspace; otherwise take (or keep) the writer lock.

        Outside :meth:`writer` the lock stays until :meth:`close`; the facade's write methods run
        inside :meth:`writer`, so a notebook or a long training run holds it only while it writes.
        """
        self._refuse_writes()
        self._acquire_lock()

    def _refuse_writes(self) -> None:
        if self.read_only:
            raise CurateError("workspace opened read-only")
        if self._readonly_media:
            raise OperationalError(f"workspace {self.path} is on a read-only file system: nothing was written "
                                   "(remount it read-write, or copy the folder; reading commands work as they are)")

    @contextmanager
    def writer(self) -> Iterator["Workspace"]:
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
        self.require_raw(name)
        if not self.has_table(name):
            return None
        return self.con.execute(f"SELECT * FROM lake.{ident(name)}").fetch_arrow_table()

    def documents(self) -> pa.Table:
        self.require_raw("documents")
        return self.con.execute("SELECT * FROM lake.documents ORDER BY doc_id").fetch_arrow_table()

    def count(self, table: str) -> int:
        self.require_raw(table)
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
        with self.writer():
            self.con.execute(f"DROP TABLE IF EXISTS lake.{ident('signal_' + name)}")
            self.con.execute("DELETE FROM lake.signal_state WHERE stage = ?", [name])

    def view_sql(self, at_version: int | None = None, exclude_signal: str | None = None) -> str:
        """SQL for documents joined with every signal table: one row per document."""
        self.require_raw("documents")
        at = f" AT (VERSION => {int(at_version)})" if at_version is not None else ""
        sql = f"SELECT * FROM lake.documents AS d{at}"  # DuckDB wants the alias before AT (...)
        seen = set(self.columns("documents"))
        for sig in self.signals():
            if sig == exclude_signal or (at and not self._existed(f"signal_{sig}", at)):
                continue
            cols = [c for c in self.columns(f"signal_{sig}") if c != "doc_id"]
            clash = seen.intersection(cols)
            if clash:
                raise CurateError(f"signal '{sig}' repeats column(s) {sorted(clash)} of another signal")
            seen.update(cols)
            sql += f" LEFT JOIN lake.{ident('signal_' + sig)}{at} USING (doc_id)"
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
        sel = ", ".join(ident(c) for c in columns) if columns else "*"
        return self.con.sql(f"SELECT {sel} FROM ({self.view_sql()})")

    def view_columns(self) -> list[str]:
        return [d[0] for d in self.con.execute(f"SELECT * FROM ({self.view_sql()}) LIMIT 0").description]

    # -- lineage -------------------------------------------------------------------
    def record_lineage(self, kind: str, subject: str, parent: str | None, details: dict | None = None) -> None:
        with self.writer():
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

        with self.writer():
            return ingest_sources(self, sources, **kwargs)

    def run_stage(self, stage: str, params: dict | None = None, **kwargs):
        from curate.runner import run_stage

        with self.writer():
            return run_stage(self, stage, params or {}, **kwargs)

    def create_snapshot(self, name: str, **kwargs):
        from curate.snapshots import create_snapshot

        with self.writer():
            return create_snapshot(self, name, **kwargs)

    def create_snapshot_from_table(self, name: str, table: pa.Table, parent_ref: str | None = None,
                                   recipe: dict | None = None, text_variant: str | None = None):
        from curate.snapshots import create_snapshot_from_table

        with self.writer():
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

    def sync_curated(self, ref: str) -> bool:
        """Raw zone of a zoned team workspace: copy snapshot ``ref`` — rows, manifest, audits, approvals — into the
        curated zone once a steward approved it, and keep its audits and approvals current there afterwards (a
        failed audit or a revoke reaches the readers). Anywhere else: nothing. Returns whether it published."""
        from curate.team.zones import sync_curated

        return sync_curated(self, ref)

    def export(self, ref: str, fmt: str, out_dir: str | Path, **kwargs) -> dict:
        from curate.export import export_snapshot

        return export_snapshot(self, ref, fmt, out_dir, **kwargs)

    def interrupted_ingests(self) -> list[dict]:
        """Ingests that did not finish: ``running`` (running now, or killed: the next writer closes it)
        or ``interrupted`` (closed with the counts it had committed). Re-running the ingest completes the data."""
        try:
            rows = self.con.execute("SELECT ingest_id, source, source_uri, state, started_at, ingested, quarantined "
                                    "FROM lake.ingests WHERE state IN ('running', 'interrupted') "
                                    "ORDER BY started_at").fetchall()
        except duckdb.BinderException:  # a workspace from before ingests had a state
            return []
        keys = ("ingest_id", "source", "source_uri", "state", "started_at", "ingested", "quarantined")
        return [dict(zip(keys, r)) for r in rows]

    def summary(self) -> dict:
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
        }


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


def open_workspace(path: str | Path | None = None, read_only: bool = False) -> Workspace:
    """Open the workspace named on the command line, in $CURATE_WORKSPACE, or the current folder."""
    target = path or os.environ.get("CURATE_WORKSPACE") or "."
    return Workspace(target, read_only=read_only)
