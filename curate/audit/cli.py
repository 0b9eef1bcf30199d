"""``curate audit``: audit a snapshot against a policy, or compare two snapshots (drift)."""

from __future__ import annotations

from typing import Any

import click

from curate.cli.output import console, emit, json_option, progress_bar
from curate.errors import CurateError, PolicyError, WorkspaceLockedError


def _open(path: str | None):
    from curate.workspace import open_workspace

    try:
        return open_workspace(path)
    except WorkspaceLockedError:
        # Another writer is busy: audit read-only and skip recording rather than refuse.
        return open_workspace(path, read_only=True)


@click.command("audit")
@click.argument("snapshot", required=False)
@click.option("--policy", "policy_path", type=click.Path(dir_okay=False), help="Audit policy (YAML) with the gates.")
@click.option("--output", "-o", "output", type=click.Path(file_okay=False), help="Folder for report.html, report.json, summary.md.")
@click.option("--compare", nargs=2, metavar="A B", default=None, help="Compare two snapshots (drift from A to B).")
@click.option("--workspace", "-w", "workspace", default=None, help="Workspace folder (default: $CURATE_WORKSPACE or .).")
@json_option
def audit_cmd(snapshot: str | None, policy_path: str | None, output: str | None, compare: tuple[str, str] | None,
              workspace: str | None, as_json: bool) -> None:
    """Audit SNAPSHOT[@VERSION]: composition, PII, representation, association, fairness, toxicity, data card.

    Exits non-zero when a policy gate fails (the report is written either way).
    """
    from curate.audit.runs import audit_snapshot, audit_steps, compare_snapshots
    from curate.audit.policy import load_policy

    if not snapshot and not compare:
        raise CurateError("name a snapshot to audit, or two with --compare A B")
    if snapshot and compare:
        raise CurateError("give either SNAPSHOT or --compare A B, not both")
    policy = load_policy(policy_path)
    ws = _open(workspace)
    try:
        if compare:
            with progress_bar(f"audit {compare[0]} -> {compare[1]}", 2 * audit_steps(), enabled=not as_json) as adv:
                drift = compare_snapshots(ws, compare[0], compare[1], policy, output, progress=adv)
            data: dict[str, Any] = {"a": drift["a"], "b": drift["b"], "language_tvd": drift["language_tvd"],
                                    "passed": drift["passed"], "failed_gates": drift["failed_gates"], "outputs": drift["outputs"]}
        else:
            with progress_bar(f"audit {snapshot}", audit_steps(), enabled=not as_json) as adv:
                result = audit_snapshot(ws, snapshot, policy, output, progress=adv)
            m = result.metrics
            data = {"snapshot": m["datacard"]["snapshot"], "passed": result.passed, "failed_gates": result.failed_gates,
                    "gates": m["gates"], "rows": m["composition"]["rows"], "outputs": m["outputs"]}
    finally:
        ws.close()

    def render(d: dict[str, Any]) -> None:
        head = f"{d.get('snapshot') or d['a'] + ' -> ' + d['b']}: " + ("[green]passed[/]" if d["passed"] else "[red]FAILED[/]")
        console.print(head)
        for g in d.get("gates", []):
            colour = {"pass": "green", "fail": "red"}.get(g["status"], "dim")
            console.print(f"  [{colour}]{g['status']:7}[/] {g['gate']}  value={g['value']} threshold={g['threshold']}")
        console.print(f"report: {d['outputs']['html']}")

    emit(data, as_json, render)
    if not data["passed"]:
        raise PolicyError(f"audit gate(s) failed: {', '.join(data['failed_gates'])} (report: {data['outputs']['html']})")


commands = [audit_cmd]
