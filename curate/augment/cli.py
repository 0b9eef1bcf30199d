"""``curate augment counterfactual SNAPSHOT --axis gender``."""

from __future__ import annotations

import click

from curate.cli.output import console, emit, json_option


@click.group("augment")
def augment_group() -> None:
    """Create augmented snapshots (counterfactual swaps)."""


@augment_group.command("counterfactual")
@click.argument("snapshot")
@click.option("--axis", default="gender", show_default=True, help="Identity axis to swap.")
@click.option("--name", default=None, help="Name of the new snapshot (default: <snapshot>_cf_<axis>).")
@click.option("--only-swapped", is_flag=True, help="Keep only the swapped copies, not the original rows.")
@click.option("--workspace", "-w", default=None, help="Workspace folder (default: $CURATE_WORKSPACE or .).")
@json_option
def counterfactual_cmd(snapshot: str, axis: str, name: str | None, only_swapped: bool, workspace: str | None, as_json: bool) -> None:
    """Add swapped copies of SNAPSHOT's rows (he↔she, लड़का↔लड़की, bhai↔behen, names) as a new snapshot."""
    from curate.augment.counterfactual import counterfactual_snapshot
    from curate.workspace import open_workspace

    with open_workspace(workspace) as ws:
        res = counterfactual_snapshot(ws, snapshot, axis=axis, name=name, include_originals=not only_swapped)
    emit(res, as_json, lambda r: console.print(
        f"created [bold]{r['snapshot']}[/] from {r['parent']}: {r['swapped_rows']} swapped copies, {r['output_rows']} rows"))


commands = [augment_group]
