"""Raw zone apart: what a database role without raw access can still do, and how the steward feeds it.

A zoned team workspace keeps two DuckLake catalogs in one PostgreSQL database, each in its own schema
(:data:`curate.workspace.ZONE_SCHEMAS`) with its own data folder under the shared data path:

* **raw** (``curate_raw``, ``DATA_PATH/raw``): documents, quarantine, ingests, signals and every snapshot —
  the steward's workspace (``curate init --zone raw``).
* **curated** (``curate_curated``, ``DATA_PATH/curated``): approved snapshots (rows, manifest), their audits and
  approvals, and what readers record (runs, evaluations, lineage) — annotators' and engineers' workspaces
  (``curate init --zone curated``).

The database enforces the split: a reader role has no privilege on ``curate_raw`` (:func:`grant_statements`),
so it cannot attach the raw catalog at all, not merely "is not shown" it. The data folders need the same split
on the file system (``DATA_PATH/raw`` readable by the stewards' accounts only), which curate cannot set for
other accounts.

The steward's workspace publishes: approving a snapshot copies it into the curated zone
(:func:`sync_curated`), and later audits or revokes of a published snapshot follow it there, so a failed audit
stops readers' training too.
"""

from __future__ import annotations

from typing import Any

from curate.approvals import approval_state
from curate.dbutil import transaction
from curate.errors import CurateError

_ALIAS = "curated_zone"
#: tables copied per snapshot (rows whose ``snapshot`` column names it)
_PER_SNAPSHOT = ("audits", "approvals")
#: lineage kinds about a snapshot that readers see
_LINEAGE_KINDS = ("snapshot", "audit", "approval")


def _tables(con, alias: str) -> set[str]:
    return {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables WHERE table_catalog = ?",
                                      [alias]).fetchall()}


def sync_curated(ws: Any, ref: str) -> bool:
    """Publish snapshot ``ref`` from the raw zone into the curated zone, or bring its record there up to date.

    Copies the rows (a new table in the curated catalog, files under ``DATA_PATH/curated``) and the manifest
    when the snapshot is approved and not yet published; for a published one, replaces its audit and approval
    rows and its snapshot/audit/approval lineage with the raw zone's. One transaction in the curated catalog.

    Returns:
        True when the curated zone holds the snapshot afterwards; False outside a raw-zone workspace, or for
        a snapshot that is neither approved nor published.

    Raises:
        OperationalError: the role cannot reach the curated zone (exit 5).
    """
    if getattr(ws, "zone", None) != "raw":
        return False
    from curate.storage import CORE_TABLES, attach_zone, ident

    snap = ws.snapshot(ref)
    m = snap.manifest
    con = ws.con
    if _ALIAS not in {r[0] for r in con.execute("SELECT database_name FROM duckdb_databases()").fetchall()}:
        attach_zone(con, ws.path, "curated", _ALIAS)
    with ws.writer():
        have = _tables(con, _ALIAS)
        published = "snapshot_manifests" in have and con.execute(
            f"SELECT count(*) FROM {_ALIAS}.snapshot_manifests WHERE name = ? AND version = ?",
            [m.name, m.version]).fetchone()[0] > 0
        if not published and approval_state(ws, m.ref)["state"] != "approved":
            return False
        with transaction(con):
            for table in ("snapshot_manifests", "lineage"):
                cols = ", ".join(f"{ident(c)} {t}" for c, t in CORE_TABLES[table].items())
                con.execute(f"CREATE TABLE IF NOT EXISTS {_ALIAS}.{table} ({cols})")
            if not published:
                if m.table_name in have:
                    raise CurateError(f"the curated zone already has a table {m.table_name} without its manifest: "
                                      "ask an administrator to check the catalog")
                con.execute(f"CREATE TABLE {_ALIAS}.{ident(m.table_name)} AS SELECT * FROM lake.{ident(m.table_name)} "
                            "ORDER BY doc_id")
                con.execute(f"INSERT INTO {_ALIAS}.snapshot_manifests SELECT * FROM lake.snapshot_manifests "
                            "WHERE name = ? AND version = ?", [m.name, m.version])
            for table in _PER_SNAPSHOT:
                if not ws.has_table(table):
                    continue
                if table not in have:
                    con.execute(f"CREATE TABLE {_ALIAS}.{table} AS SELECT * FROM lake.{table} LIMIT 0")
                con.execute(f"DELETE FROM {_ALIAS}.{table} WHERE snapshot = ?", [m.ref])
                con.execute(f"INSERT INTO {_ALIAS}.{table} BY NAME SELECT * FROM lake.{table} WHERE snapshot = ?",
                            [m.ref])
            kinds = ", ".join(f"'{k}'" for k in _LINEAGE_KINDS)
            about = f"(subject = ? OR parent = ?) AND kind IN ({kinds})"
            con.execute(f"DELETE FROM {_ALIAS}.lineage WHERE {about}", [m.ref, m.ref])
            con.execute(f"INSERT INTO {_ALIAS}.lineage SELECT * FROM lake.lineage WHERE {about}", [m.ref, m.ref])
    return True


def grant_statements(stewards: list[str], readers: list[str]) -> list[str]:
    """The SQL an administrator runs once (as a superuser or the database owner) to set up the two zones.

    Stewards own both schemas; readers (annotators, engineers) get the curated schema only — reading the
    approved snapshots and recording their runs — and nothing on ``curate_raw``. Default privileges make the
    tables DuckLake creates later (by any of them) usable by the others.

    Raises:
        CurateError: no steward, or a role name that is not a plain identifier.
    """
    from curate.storage import ZONE_SCHEMAS

    if not stewards:
        raise CurateError("name at least one steward role (--steward)")
    for name in (*stewards, *readers):
        if not name.replace("_", "").isalnum() or name[0].isdigit():
            raise CurateError(f"role name {name!r}: use letters, digits and '_' (a plain PostgreSQL identifier)")
    raw, cur = ZONE_SCHEMAS["raw"], ZONE_SCHEMAS["curated"]
    owner = stewards[0]
    sql = [f"CREATE SCHEMA IF NOT EXISTS {raw} AUTHORIZATION {owner}",
           f"CREATE SCHEMA IF NOT EXISTS {cur} AUTHORIZATION {owner}",
           f"REVOKE ALL ON SCHEMA {raw} FROM PUBLIC",
           f"REVOKE ALL ON SCHEMA {cur} FROM PUBLIC"]
    everyone = list(dict.fromkeys([*stewards, *readers]))
    for role in stewards[1:]:
        sql += [f"GRANT ALL ON SCHEMA {raw} TO {role}", f"GRANT ALL ON ALL TABLES IN SCHEMA {raw} TO {role}",
                f"GRANT ALL ON ALL SEQUENCES IN SCHEMA {raw} TO {role}"]
    for role in everyone:
        sql += [f"GRANT USAGE, CREATE ON SCHEMA {cur} TO {role}",
                f"GRANT ALL ON ALL TABLES IN SCHEMA {cur} TO {role}",
                f"GRANT ALL ON ALL SEQUENCES IN SCHEMA {cur} TO {role}"]
    for creator in everyone:
        others = [r for r in everyone if r != creator]
        if others:
            sql += [f"ALTER DEFAULT PRIVILEGES FOR ROLE {creator} IN SCHEMA {cur} GRANT ALL ON TABLES TO {', '.join(others)}",
                    f"ALTER DEFAULT PRIVILEGES FOR ROLE {creator} IN SCHEMA {cur} GRANT ALL ON SEQUENCES TO "
                    f"{', '.join(others)}"]
    for creator in stewards:
        peers = [r for r in stewards if r != creator]
        if peers:
            sql.append(f"ALTER DEFAULT PRIVILEGES FOR ROLE {creator} IN SCHEMA {raw} GRANT ALL ON TABLES TO "
                       f"{', '.join(peers)}")
    return sql
