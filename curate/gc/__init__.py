"""Workspace integrity check and garbage collection.

A write that fails half-way (disk full, a killed process) never becomes visible: DuckLake
commits the catalog last. But the Parquet files it had already written stay in
``lake/data`` as *orphans* that no snapshot references. :func:`gc` removes them with
DuckLake's own cleanup (``ducklake_delete_orphaned_files``, which subtracts every file the
catalog knows — current and historical snapshots, files scheduled for deletion — from the
data folder listing) and deletes files already scheduled for deletion
(``ducklake_cleanup_old_files``; DuckLake schedules only files that no remaining lake
snapshot references). It expires no lake snapshot, so time travel and every curate
snapshot keep their files. It also removes the hidden staging folders that killed exports left beside
their output (see :mod:`curate.export_staging`).

:func:`check` verifies that every data file the catalog references exists, that every
snapshot's table exists with the row count of its manifest, and counts orphans.
"""

from __future__ import annotations

from pathlib import Path

from curate.storage import Lake, ident


def orphaned_files(ws: Lake) -> list[str]:
    """Files in ``lake/data`` that the DuckLake catalog does not know (dry run of DuckLake's cleanup)."""
    rows = ws.con.execute("SELECT * FROM ducklake_delete_orphaned_files('lake', dry_run => true, cleanup_all => true)"
                          ).fetchall()
    return sorted(r[0] for r in rows)


def scheduled_files(ws: Lake) -> list[str]:
    """Files DuckLake scheduled for deletion (no remaining lake snapshot references them)."""
    rows = ws.con.execute("SELECT * FROM ducklake_cleanup_old_files('lake', dry_run => true, cleanup_all => true)"
                          ).fetchall()
    return sorted(r[0] for r in rows)


def check(ws: Lake) -> dict:
    """Integrity report: ``{"ok", "tables", "missing_files", "snapshot_problems", "orphaned_files"}``.

    ``ok`` is false when a referenced data file is missing or a snapshot's table is missing or
    holds another row count than its manifest. Orphans do not make a workspace inconsistent
    (nothing references them); ``curate gc`` removes them.
    """
    from curate.snapshots import list_snapshots

    con = ws.con
    missing: list[str] = []
    tables = ws.table_names()
    for t in tables:
        for data_file, delete_file in con.execute(
                "SELECT data_file, delete_file FROM ducklake_list_files('lake', ?)", [t]).fetchall():
            for f in (data_file, delete_file):
                if f and not Path(f).exists():
                    missing.append(f)
    problems: list[str] = []
    if not missing:
        for m in list_snapshots(ws):
            if m.table_name not in tables:
                problems.append(f"{m.ref}: table missing")
                continue
            n = con.execute(f"SELECT count(*) FROM lake.{ident(m.table_name)}").fetchone()[0]
            if n != m.row_count:
                problems.append(f"{m.ref}: {n} rows, manifest says {m.row_count}")
    orphans = orphaned_files(ws)
    return {"ok": not missing and not problems, "tables": len(tables), "missing_files": sorted(missing),
            "snapshot_problems": problems, "orphaned_files": len(orphans)}


def gc(ws: Lake, dry_run: bool = False) -> dict:
    """Delete orphaned and scheduled-for-deletion data files, and staging folders of killed exports.

    Returns ``{"orphaned", "scheduled", "export_folders", "bytes", "dry_run"}`` (counts; bytes freed).
    Needs the workspace open for writing (the write lock guarantees no other writer has
    uncommitted files in flight, which would otherwise look orphaned). Export staging folders are
    removed only when the workspace recorded them and their process is gone
    (:func:`curate.export_staging.clean_export_leftovers`).
    """
    from curate.export_staging import clean_export_leftovers

    ws.require_writable()
    orphans, scheduled = orphaned_files(ws), scheduled_files(ws)
    size = sum(Path(f).stat().st_size for f in orphans + scheduled if Path(f).exists())
    exports = clean_export_leftovers(ws.path, dry_run=dry_run)
    size += exports["bytes"]
    if not dry_run:
        if orphans:
            ws.con.execute("SELECT count(*) FROM ducklake_delete_orphaned_files('lake', cleanup_all => true)")
        if scheduled:
            ws.con.execute("SELECT count(*) FROM ducklake_cleanup_old_files('lake', cleanup_all => true)")
    return {"orphaned": len(orphans), "scheduled": len(scheduled), "export_folders": exports["folders"],
            "bytes": size, "dry_run": dry_run}
