"""``curate label serve|stop|push|pull|status``: the Label Studio loop from the command line."""

from __future__ import annotations

import os

import click

from curate.cli.output import console, emit, json_option, progress_bar
from curate.errors import CurateError, validation_message

workspace_option = click.option(
    "--workspace", "-w", "workspace", type=click.Path(file_okay=False), default=None,
    help="Workspace folder (default: $CURATE_WORKSPACE or the current folder).")
url_option = click.option("--url", default=None,
                          help="An existing Label Studio server (token from $LABEL_STUDIO_API_KEY); "
                               "default: the server `curate label serve` started for the workspace.")


def _open(workspace: str | None, read_only: bool = False):
    from curate import Workspace

    return Workspace(workspace or os.environ.get("CURATE_WORKSPACE") or ".", read_only=read_only)


def _conn(ws, url):
    from curate.label.client import resolve

    return resolve(ws.secrets_dir, url)


@click.group("label")
def label() -> None:
    """Label Studio loop: serve, push snapshot rows with predictions, pull annotations back, agreement."""


@label.command("serve")
@click.option("--port", type=int, default=8080, show_default=True)
@click.option("--timeout", type=float, default=240.0, show_default=True, help="Seconds to wait until healthy.")
@workspace_option
@json_option
def serve_cmd(port, timeout, workspace, as_json):
    """Start Label Studio on 127.0.0.1 for this workspace (admin user and token kept in its secrets/)."""
    from curate.label.server import CREDENTIALS_FILE, serve

    ws = _open(workspace)
    try:
        secrets_dir, data_dir = ws.secrets_dir, ws.path / "label-studio"
    finally:
        ws.close()  # do not hold the workspace lock while Label Studio starts
    if not as_json:  # a fresh data folder takes about a minute (Label Studio migrates its database first)
        console.print(f"starting Label Studio on port {port} (or finding it running); a first start takes about "
                      "a minute")
    with progress_bar("waiting for Label Studio (s)", int(timeout), enabled=not as_json) as advance:
        info, started = serve(secrets_dir, data_dir, port=port, timeout=timeout, progress=advance)
    out = {"url": info.url, "pid": info.pid, "started": started, "username": info.username,
           "credentials_file": str(secrets_dir / CREDENTIALS_FILE), "log": info.log_file}

    def render(d):
        verb = "started" if d["started"] else "already running"
        console.print(f"Label Studio {verb} at [bold]{d['url']}[/bold] (pid {d['pid']})")
        console.print(f"log in as {d['username']}; password and API token are in {d['credentials_file']}")

    emit(out, as_json, render)


@label.command("stop")
@workspace_option
@json_option
def stop_cmd(workspace, as_json):
    """Stop the Label Studio server this workspace started."""
    from curate.label.server import stop

    ws = _open(workspace)
    try:
        secrets_dir = ws.secrets_dir
    finally:
        ws.close()
    stopped = stop(secrets_dir)
    emit({"stopped": stopped}, as_json, lambda d: console.print("stopped" if d["stopped"] else "not running"))


@label.command("push")
@click.argument("snapshot")
@click.option("--task", type=click.Choice(["pii", "lang", "sft", "classify"]), required=True)
@click.option("--where", help="SQL filter over the snapshot's columns, e.g. \"lang_score < 0.8\".")
@click.option("--sample", type=int, help="Push N items chosen by --strategy (deterministic for a --seed).")
@click.option("--strategy", type=click.Choice(["uncertainty", "random", "stratified"]), default="random",
              show_default=True)
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--stratify-by", help="Column for --strategy stratified (default: lang, else source).")
@click.option("--labels", help="Comma-separated label set (--task classify).")
@click.option("--project", help="Project title (default: '<snapshot name> · <task>').")
@click.option("--prediction-column", help="Column with a predicted label (--task classify).")
@click.option("--score-column", help="Column with the prediction's confidence (--task classify).")
@click.option("--overlap", type=int, default=1, show_default=True,
              help="Annotators per task (Label Studio's 'maximum annotations'); >1 to measure agreement.")
@click.option("--reviewer", help="E-mail of a reviewer whose annotation wins over the majority.")
@click.option("--batch-size", type=int, default=5000, show_default=True, help="Tasks per import call.")
@url_option
@workspace_option
@json_option
def push_cmd(snapshot, task, where, sample, strategy, seed, stratify_by, labels, project, prediction_column,
             score_column, overlap, reviewer, batch_size, url, workspace, as_json):
    """Create/update a project from SNAPSHOT[@V] and import its rows as tasks with predictions."""
    from pydantic import ValidationError

    from curate.label.push import PushOptions, push

    try:
        opts = PushOptions(task=task, where=where, sample=sample, strategy=strategy, seed=seed,
                           stratify_by=stratify_by, labels=labels.split(",") if labels else None, project=project,
                           prediction_column=prediction_column, score_column=score_column, overlap=overlap,
                           reviewer=reviewer, batch_size=batch_size)
    except ValidationError as exc:
        raise CurateError(validation_message(exc, option=True)) from None
    ws = _open(workspace)
    try:
        conn = _conn(ws, url)
        with progress_bar("push", None, enabled=not as_json) as advance:
            res = push(ws, conn, snapshot, opts, progress=advance)
    finally:
        ws.close()

    def render(d):
        console.print(f"project {d['project_id']} '{d['title']}': imported {d['imported']} of {d['selected']} "
                      f"selected ({d['already_present']} already there) in {d['seconds']}s")
        console.print(f"open {d['url']}")

    emit(res, as_json, render)


@label.command("pull")
@click.argument("project")
@click.option("--reviewer", help="E-mail of a reviewer whose annotation wins (stored for the project).")
@url_option
@workspace_option
@json_option
def pull_cmd(project, reviewer, url, workspace, as_json):
    """Export PROJECT's annotations into the `labels` table and refresh the `labels` signal."""
    from curate.label.pull import pull

    ws = _open(workspace)
    try:
        res = pull(ws, _conn(ws, url), project, reviewer=reviewer)
    finally:
        ws.close()

    def render(d):
        console.print(f"project {d['project_id']} '{d['title']}': {d['annotations']} annotations on "
                      f"{d['tasks_annotated']} tasks; new {d['new']}, changed {d['changed']}, deleted {d['deleted']}, "
                      f"unchanged {d['unchanged']}; labels signal: {d['signal_rows']} documents ({d['seconds']}s)")

    emit(res, as_json, render)


@label.command("status")
@click.argument("project")
@url_option
@workspace_option
@json_option
def status_cmd(project, url, workspace, as_json):
    """Progress, inter-annotator agreement and disagreements of PROJECT (as of the last pull)."""
    from curate.label.status import project_status

    ws = _open(workspace, read_only=True)
    try:
        try:
            conn = _conn(ws, url)
        except CurateError:
            conn = None  # offline: report from the last pull only
        server = conn.url if conn else _offline_server(ws, url)
        res = project_status(ws, server, project, conn)
    finally:
        ws.close()
    emit(res, as_json, _render_status)


def _offline_server(ws, url):
    from curate.label.server import read_info

    if url:
        return url.rstrip("/")
    info = read_info(ws.secrets_dir)
    if info is None:
        raise CurateError("no Label Studio server known to this workspace: pass --url")
    return info.url


def _render_status(d):
    from rich.table import Table

    live = d.get("live") or {}
    console.print(f"[bold]{d['title']}[/bold] (project {d['project_id']}, {d['task']}, from {d['snapshot']})")
    console.print(f"pushed {d['tasks_pushed']} tasks; annotated {d['tasks_annotated']} "
                  f"({d['annotations']} annotations) as of last pull {d['last_pull']}"
                  + (f"; server now: {live.get('annotated_tasks')} annotated of {live.get('tasks')}"
                     if "tasks" in live else ""))
    if d["by_annotator"]:
        console.print("by annotator: " + ", ".join(f"{k} {v}" for k, v in d["by_annotator"].items()))
    ag = d["agreement"]
    val = ag.get("value")
    console.print(f"agreement ({ag.get('measure', 'n/a')}): {'n/a' if val is None else f'{val:.3f}'} over "
                  f"{ag['items_with_2plus']} items with 2+ annotators; resolution: {d['rule']}"
                  + (f" (reviewer {d['reviewer']})" if d.get("reviewer") else ""))
    console.print(f"outcomes: {d['by_status']}; disagreements {d['disagreement_count']}, unresolved {d['unresolved']}")
    if d["disagreements"]:
        t = Table(title="disagreements")
        for c in ("task", "doc_id", "votes", "resolved"):
            t.add_column(c)
        for x in d["disagreements"][:20]:
            t.add_row(str(x["task_id"]), x["doc_id"] or "", "; ".join(f"{k}: {v}" for k, v in x["votes"].items())[:120],
                      str(x["resolved"])[:60])
        console.print(t)


commands = [label]
