"""Where a workspace's lake lives and how it is attached: the marker file, the catalog kind and the
DuckDB connection with DuckLake attached as ``lake``.

Storage layer: imports nothing of curate above :mod:`curate.errors` and :mod:`curate.dbutil`.

Why SQLite for the catalog: a DuckDB-file catalog can be opened by one process at a time (even a
read-only attach is refused while a writer has it), so a running stage locked out ``status``,
``snapshot list``, audits and notebooks. DuckLake's SQLite catalog lets any number of local
processes attach; readers see the last committed DuckLake snapshot and never wait (measured in
``tests/test_workspace.py``). Older workspaces keep their DuckDB catalog (one process at a time).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import duckdb

from curate.dbutil import quiet
from curate.errors import CurateError, OperationalError, WorkspaceLockedError

FORMAT_VERSION = 1
MARKER = "curate.json"
#: catalog kind -> catalog file under lake/ (see the module docstring for why SQLite is the default)
CATALOG_FILES = {"sqlite": "catalog.sqlite", "duckdb": "catalog.ducklake"}
DEFAULT_CATALOG = "sqlite"
#: team mode with zones: zone -> the PostgreSQL schema holding its DuckLake catalog (its Parquet files go to
#: ``DATA_PATH/<zone>``). ``raw``: documents, quarantine, signals, every snapshot (the steward's workspace);
#: ``curated``: approved snapshots with their manifests, audits and approvals, and what readers record (runs,
#: lineage). A database role without privileges on ``curate_raw`` cannot read a raw record (see curate.team.zones).
ZONE_SCHEMAS = {"raw": "curate_raw", "curated": "curate_curated"}
#: tables of the raw zone (plus every ``signal_*`` table): a curated-zone workspace has none of them
RAW_TABLES = frozenset({"documents", "quarantine", "ingests", "signal_state", "settings"})


def read_marker(root: Path) -> dict:
    """The parsed ``curate.json`` of a workspace folder, or ``{}`` when it is missing or unreadable."""
    try:
        return json.loads((root / MARKER).read_text())
    except (OSError, ValueError):
        return {}


def catalog_kind(root: Path) -> str:
    """The catalog a workspace was created with: ``sqlite`` (default), ``postgres`` (team mode) or
    ``duckdb`` (workspaces made before SQLite became the default)."""
    spec = read_marker(root).get("catalog")
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
    spec = read_marker(root).get("catalog")
    if isinstance(spec, dict) and spec.get("data_path"):
        zone = zone or spec.get("zone")
        return Path(spec["data_path"]) / zone if zone else Path(spec["data_path"])
    return root / "lake" / "data"


def workspace_zone(root: Path) -> str | None:
    """``raw`` (a steward's zoned team workspace), ``curated`` (a reader's) or None (no zones: one catalog)."""
    spec = read_marker(root).get("catalog")
    return spec.get("zone") if isinstance(spec, dict) else None


def is_raw_table(name: str) -> bool:
    """Whether lake table ``name`` belongs to the raw zone (:data:`RAW_TABLES` and every signal table)."""
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
        spec = read_marker(root)["catalog"]
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
    spec = read_marker(root)["catalog"]
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
