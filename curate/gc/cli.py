"""``curate check`` and ``curate gc``."""

from __future__ import annotations

import click

from curate.cli.core_commands import _open, workspace_option
from curate.cli.output import console, emit, json_option
from curate.errors import OperationalError


@click.command("check")
@workspace_option
@json_option
def check_cmd(workspace, as_json):
    """Integrity check: every referenced data file exists, every snapshot matches its manifest."""
    from curate.gc import check

    with _open(workspace, read_only=True) as ws:
        report = check(ws)

    def render(d):
        state = "[green]ok[/]" if d["ok"] else "[red]damaged[/]"
        console.print(f"workspace {state}: {d['tables']} tables, {len(d['missing_files'])} missing data file(s), "
                      f"{len(d['snapshot_problems'])} snapshot problem(s), {d['orphaned_files']} orphaned file(s)"
                      + (" (curate gc removes them)" if d["orphaned_files"] else ""))
        for f in d["missing_files"][:20]:
            console.print(f"  missing {f}")
        for p in d["snapshot_problems"]:
            console.print(f"  {p}")

    emit(report, as_json, render)
    if not report["ok"]:
        raise OperationalError(f"workspace damaged: {len(report['missing_files'])} missing data file(s), "
                               f"{len(report['snapshot_problems'])} snapshot problem(s); restore the files from a backup")


@click.command("gc")
@click.option("--dry-run", is_flag=True, help="Only count what would be deleted.")
@workspace_option
@json_option
def gc_cmd(dry_run, workspace, as_json):
    """Delete data files no snapshot references (left by failed or interrupted writes) and staging folders
    of killed exports."""
    from curate.gc import gc

    with _open(workspace) as ws:
        res = gc(ws, dry_run=dry_run)
    emit(res, as_json, lambda d: console.print(
        f"{'would delete' if d['dry_run'] else 'deleted'} {d['orphaned']} orphaned and {d['scheduled']} "
        f"expired file(s), {d['export_folders']} staging folder(s) of killed exports, {d['bytes'] / 1e6:.1f} MB"))


commands = [check_cmd, gc_cmd]
