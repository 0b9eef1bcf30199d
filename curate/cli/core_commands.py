"""Workspace commands: init, ingest, run, stages, stage, snapshot …, quarantine, status."""

from __future__ import annotations

import json
from pathlib import Path

import click
import yaml
from rich.table import Table

from curate.cli.output import console, emit, json_option, progress_bar
from curate.errors import CurateError

workspace_option = click.option(
    "--workspace", "-w", "workspace", type=click.Path(file_okay=False), default=None,
    help="Workspace folder (default: $CURATE_WORKSPACE or the current folder).")


def _open(workspace, read_only: bool = False):
    from curate.workspace import open_workspace

    return open_workspace(workspace, read_only=read_only)


def _bar(enabled: bool = True):
    return lambda desc, total: progress_bar(desc, total, enabled=enabled)


def _table(title: str, columns: list[str], rows: list[list]) -> None:
    t = Table(title=title, show_lines=False)
    for c in columns:
        t.add_column(c)
    for r in rows:
        t.add_row(*[str(x) for x in r])
    console.print(t)


@click.command()
@click.argument("path", type=click.Path(file_okay=False))
@click.option("--catalog", metavar="URL",
              help="Team mode: a PostgreSQL catalog, postgresql://USER@HOST:PORT/DBNAME (password from "
                   "CURATE_CATALOG_PASSWORD or PATH/secrets/catalog.password, 0600). Default: embedded SQLite.")
@click.option("--data-path", type=click.Path(file_okay=False),
              help="Team mode: the shared folder for the Parquet files (default: PATH/lake/data).")
@click.option("--zone", type=click.Choice(["raw", "curated"]),
              help="Team mode: keep raw records apart. raw: a steward's workspace (documents, signals, snapshots; "
                   "approving publishes); curated: an annotator's or engineer's (approved snapshots only). "
                   "Grants: curate team grants.")
@json_option
def init(path, catalog, data_path, zone, as_json):
    """Create a workspace folder (DuckLake catalog + Parquet data; embedded, or a team's PostgreSQL)."""
    from curate.workspace import Workspace

    ws = Workspace.init(path, catalog=catalog, shared_data_path=data_path, zone=zone)
    info = ws.summary()
    ws.close()
    emit(info, as_json, lambda d: console.print(f"[green]workspace ready[/] at {d['path']}"))


@click.command()
@click.argument("sources", nargs=-1, required=True, type=click.Path())
@click.option("--format", "fmt", type=click.Choice(["jsonl", "json", "csv", "tsv", "parquet", "text", "hf"]),
              help="Input format (default: from the extension; folders are .txt files or a saved HF dataset).")
@click.option("--text-field", "text_fields", multiple=True, metavar="[SOURCE:]FIELD",
              help="Field holding the text (default: 'text', else SFT or chat shapes). SOURCE:FIELD applies to "
                   "one source only (e.g. feedback.csv:comment); repeat for several.")
@click.option("--id-field", help="Field with a stable record id (default: line number + content).")
@click.option("--on-id-conflict", type=click.Choice(["quarantine", "version"]), default="quarantine",
              show_default=True,
              help="With --id-field, a known id with new content: quarantine it with the reason, or keep it as a "
                   "new version of the record (own doc_id, linked in record_versions, shown by snapshot diff).")
@click.option("--source-name", help="Name recorded as the rows' source (default: the file name).")
@click.option("--max-record-bytes", type=int, default=1_000_000, show_default=True,
              help="Larger records are quarantined as oversize.")
@click.option("--max-depth", type=click.IntRange(1, 10_000), default=64, show_default=True,
              help="Records with JSON nested deeper are quarantined (later stages recurse over them).")
@workspace_option
@json_option
def ingest(sources, fmt, text_fields, id_field, on_id_conflict, source_name, max_record_bytes, max_depth, workspace, as_json):
    """Ingest files or folders into the workspace; bad rows go to quarantine with a reason.

    Idempotent: ingesting the same file again adds nothing; a row whose text or metadata changed is a new
    version. Files sharing a name in different folders are different sources. The summary counts
    ingested + duplicates + quarantined = rows read. A source whose every row was
    quarantined makes the command exit non-zero (after the summary), with the reason.
    """
    import dataclasses

    from curate.ingest.ingest import IngestOptions, all_quarantined_error, ingest_sources, text_field_per_source
    from curate.ingest.readers import check_source

    for src in sources:  # before the write lock: a FIFO would block while holding it
        check_source(Path(src), missing_ok=True)
    per_source = text_field_per_source(sources, text_fields)
    with _open(workspace) as ws:
        for src in sources:  # a missing source fails the command before any source is ingested
            check_source(Path(src))
        opts = IngestOptions(fmt=fmt, id_field=id_field, on_id_conflict=on_id_conflict, source_name=source_name, max_record_bytes=max_record_bytes,
                             max_depth=max_depth)
        results = []
        for src in sources:
            one = dataclasses.replace(opts, text_field=per_source[src])
            results += [r.as_dict() for r in ingest_sources(ws, [src], one, progress_factory=_bar(not as_json),
                                                                 namesakes=sources)]

    def render(rs):
        _table("ingest", ["source", "format", "read", "ingested", "duplicates", "quarantined"],
               [[r["source"], _format_label(r), r["rows_read"], r["ingested"], r["duplicates"], r["quarantined"]]
                for r in rs])
        for r in rs:
            if r.get("versions"):
                console.print(f"  {r['source']}: {r['versions']} of the ingested rows are new versions of stored "
                              "records (changed text or metadata; linked in record_versions)")
            for reason, n in sorted(r["reasons"].items()):
                console.print(f"  [yellow]quarantined[/] {n} × {reason}")

    emit(results, as_json, render)
    failed = all_quarantined_error(results)
    if failed:
        raise CurateError(failed)


def _format_label(result: dict) -> str:
    """``csv (semicolon)``: a delimited source's format with the delimiter that was sniffed and used."""
    from curate.ingest.delimiter import NAMES

    delim = result.get("delimiter")
    return f"{result['format']} ({NAMES.get(delim, repr(delim))})" if delim else result["format"]


engine_option = click.option("--engine", type=click.Choice(["local", "ray"]), default=None,
                             help="Where per-document stages run (default: the recipe's engine, else local).")
address_option = click.option("--address", default=None,
                              help="Ray cluster: local (a private instance), auto, HOST:PORT or ray://HOST:PORT.")


@click.command("run")
@click.argument("recipe", type=click.Path(dir_okay=False))
@engine_option
@address_option
@click.option("--workers", type=int, default=None, help="Processes (local) or Ray actors (default: cores).")
@workspace_option
@json_option
def run_cmd(recipe, engine, address, workers, workspace, as_json):
    """Run a recipe: sources → stages → snapshot (→ export), on the local or the Ray engine."""
    from curate.recipe import load_recipe, run_recipe

    load_recipe(recipe)  # validate before opening (and locking) the workspace
    with _open(workspace) as ws:
        summary = run_recipe(ws, recipe, progress_factory=_bar(not as_json),
                             log=(lambda s: None) if as_json else (lambda s: console.print(s)),
                             engine=engine, address=address, workers=workers)
    emit(summary, as_json, lambda d: console.print(
        f"[green]done[/]: snapshot {d['snapshot']['name']}@{d['snapshot']['version']}" if d["snapshot"]
        else "[green]done[/]"))


@click.command("stages")
@json_option
def stages_cmd(as_json):
    """List the registered stages, their kind, outputs and parameters."""
    from curate.stage import all_stages

    data = {n: {"kind": s.kind, "description": s.description, "outputs": list(s.outputs),
                "params": list(s.config_model.model_fields)} for n, s in all_stages().items()}
    emit(data, as_json, lambda d: _table("stages", ["stage", "kind", "outputs", "description"],
                                         [[n, v["kind"], ", ".join(v["outputs"]), v["description"]]
                                          for n, v in d.items()]))


def _parse_params(items: tuple[str, ...]) -> dict:
    params = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep:
            raise CurateError(f"bad --param '{item}': expected KEY=VALUE")
        params[key] = yaml.safe_load(value)
    return params


@click.command("stage")
@click.argument("name")
@click.option("--param", "-p", "params", multiple=True, help="KEY=VALUE (YAML value), repeatable.")
@click.option("--workers", type=int, default=None, help="Processes (local) or Ray actors (default: cores).")
@engine_option
@address_option
@workspace_option
@json_option
def stage_cmd(name, params, workers, engine, address, workspace, as_json):
    """Run one stage over the workspace (incremental and resumable), on the local or the Ray engine."""
    from curate.runner import run_stage

    if address and engine != "ray":
        raise CurateError("--address is for the ray engine (add --engine ray)")
    with _open(workspace) as ws:
        res = run_stage(ws, name, _parse_params(params), workers=workers, progress_factory=_bar(not as_json),
                        engine=engine, engine_options={"address": address} if engine == "ray" else None)

    def render(d: dict) -> None:
        console.print(f"stage [bold]{d['stage']}[/]: {d['computed']} computed, {d['cached']} cached of {d['total']}"
                      f" ({d['engine']}, {d['seconds']:.1f} s)"
                      + (f"; [yellow]{d['errors']} row(s) raised[/] (see {d['stage']}_error; held back from snapshots)"
                         if d["errors"] else ""))
        if (d.get("summary") or {}).get("message"):
            console.print(f"  {d['summary']['message']}")

    emit(res.as_dict(), as_json, render)


@click.group()
def snapshot():
    """Create, list, show, diff and export versioned snapshots."""


@snapshot.command("create")
@click.argument("name")
@click.option("--where", help="SQL filter over document and signal columns, e.g. \"dup_keep AND lang = 'hi'\".")
@click.option("--text", "text", type=click.Choice(["anonymized", "clean", "raw"]), default="anonymized",
              show_default=True, help="Which text variant the snapshot carries.")
@click.option("--no-labels", is_flag=True, help="Do not apply Label Studio corrections/rejections.")
@workspace_option
@json_option
def snapshot_create(name, where, text, no_labels, workspace, as_json):
    """Materialise a new immutable, numbered version of snapshot NAME."""
    with _open(workspace) as ws:
        m = ws.create_snapshot(name, where=where, text=text, apply_labels=not no_labels)
    emit(m.model_dump(mode="json"), as_json, lambda d: console.print(
        f"[green]snapshot {m.ref}[/]: {m.row_count} rows, text={m.text_variant}, held back {m.held_back}, "
        f"PII policy {'passed' if m.pii_policy_passed else '[red]not passed[/]'}, hash {m.content_hash[:12]}"))


@snapshot.command("list")
@workspace_option
@json_option
def snapshot_list(workspace, as_json):
    """List snapshots and versions."""
    from curate.approvals import approval_state

    with _open(workspace, read_only=True) as ws:
        ms = [m.model_dump(mode="json") | {"approval": approval_state(ws, m.ref)["state"]} for m in ws.snapshots()]
    emit(ms, as_json, lambda d: _table("snapshots", ["ref", "rows", "text", "PII ok", "approval", "created", "hash"],
                                       [[f"{m['name']}@{m['version']}", m["row_count"], m["text_variant"],
                                         m["pii_policy_passed"], m["approval"], m["created_at"][:19],
                                         m["content_hash"][:12]] for m in d]))


@snapshot.command("approve")
@click.argument("ref")
@click.option("--by", help="Who approves (default: your login name).")
@click.option("--note", help="A note kept with the approval.")
@click.option("--revoke", is_flag=True, help="Withdraw an approval (kept in the history).")
@workspace_option
@json_option
def snapshot_approve(ref, by, note, revoke, workspace, as_json):
    """Approve snapshot REF for export and training (steward). Needs a passing audit of that exact version;
    a later failed audit withdraws it. Exit 4 when refused."""
    from curate.approvals import approve

    with _open(workspace) as ws:
        state = approve(ws, ref, by=by, note=note, revoke=revoke)
    emit(state, as_json, lambda d: console.print(f"snapshot {d['snapshot']}: [bold]{d['state']}[/]"))


@snapshot.command("show")
@click.argument("ref")
@click.option("--rows", type=int, default=3, show_default=True, help="Sample rows to show.")
@workspace_option
@json_option
def snapshot_show(ref, rows, workspace, as_json):
    """Show a snapshot's manifest (NAME or NAME@VERSION) and a few rows."""
    with _open(workspace, read_only=True) as ws:
        snap = ws.snapshot(ref)
        sample = snap.relation().order("doc_id").limit(rows).fetch_arrow_table().to_pylist()
    data = {"manifest": snap.manifest.model_dump(mode="json"), "sample": sample}

    def render(d):
        console.print_json(json.dumps(d["manifest"], default=str))
        for r in d["sample"]:
            console.print(f"[dim]{r['doc_id']}[/] {str(r['text'])[:160]!r}")

    emit(data, as_json, render)


@snapshot.command("diff")
@click.argument("a")
@click.argument("b")
@workspace_option
@json_option
def snapshot_diff(a, b, workspace, as_json):
    """Added / removed / changed doc_ids between two snapshots."""
    with _open(workspace, read_only=True) as ws:
        d = ws.diff(a, b).as_dict()
    emit(d, as_json, lambda d: console.print(
        f"{d['a']} → {d['b']}: +{d['added']} added, -{d['removed']} removed, ~{d['changed']} changed, "
        f"{d['unchanged']} unchanged" + (f", {d['updated']} of the added are new versions of its records"
                                          if d.get("updated") else "")
        + (" (identical content)" if d["same_content"] else "")))


@snapshot.command("export")
@click.argument("ref")
@click.option("--format", "fmt", type=click.Choice(["jsonl", "parquet", "hf"]), default="jsonl", show_default=True)
@click.option("--split", "splits", default="train=0.9,validation=0.05,test=0.05", show_default=True)
@click.option("--output", "-o", "output", required=True, type=click.Path(file_okay=False))
@click.option("--allow-raw", is_flag=True, help="Override the PII guard for a snapshot with raw text (recorded).")
@click.option("--allow-unapproved", is_flag=True,
              help="Export a snapshot no steward has approved (recorded in export.json and the lineage).")
@click.option("--contamination", type=click.Choice(["refuse", "report", "ignore"]), default="refuse",
              show_default=True, help="Near-duplicates straddling splits.")
@click.option("--group-by", type=click.Choice(["cluster", "content", "doc_id"]), default=None,
              help="Split unit: near-duplicate cluster (keeps clusters on one side), exact content (keeps exact "
                   "copies on one side) or single document. Default: cluster when the snapshot has dup_cluster "
                   "(from the dedup stage), else content.")
@click.option("--layout", type=click.Choice(["auto", "text", "sft", "messages", "prompt-completion"]),
              default="auto", show_default=True,
              help="Training fields: text; instruction/input/output; messages (list of {role, content}); "
                   "prompt/completion (TRL); auto picks from the rows.")
@click.option("--columns", default="", help="Internal columns to add by name, e.g. lang,meta (default: none).")
@click.option("--with-signals", is_flag=True, help="Add every public column (signals, meta, source_uri, ...).")
@click.option("--skip-non-chat", is_flag=True,
              help="With --layout messages or prompt-completion: leave out the rows that hold no conversation "
                   "(counted in the summary and export.json) instead of refusing the export.")
@click.option("--overwrite", is_flag=True)
@workspace_option
@json_option
def snapshot_export(ref, fmt, splits, output, allow_raw, allow_unapproved, contamination, group_by, layout, columns,
                    with_signals, skip_non_chat, overwrite, workspace, as_json):
    """Export a snapshot with deterministic splits (HF: datasets.load_from_disk loads it).

    Trainer-ready: id, the training fields and split only, unless --columns / --with-signals.

    Only snapshots that passed the PII policy and that a steward approved (`snapshot approve`), unless an
    explicit, recorded override. Exit 4 when refused."""
    with _open(workspace) as ws:
        res = ws.export(ref, fmt, output, splits=splits, allow_raw=allow_raw, contamination=contamination,
                        group_by=group_by, overwrite=overwrite, allow_unapproved=allow_unapproved, layout=layout,
                        columns=columns, with_signals=with_signals, skip_non_chat=skip_non_chat)
    if res.note and not as_json:
        console.print(f"[yellow]note[/]: {res.note}")
    if res.empty_splits and not as_json:
        console.print(f"[yellow]note[/]: split(s) {', '.join(res.empty_splits)} got no row "
                      f"({sum(res.counts.values())} row(s) for these fractions): no file written for them, in any format")
    if res.left_out and not as_json:
        from curate.export_layout import NON_CHAT_REASON

        console.print(f"[yellow]left out[/] {res.left_out} row(s): {NON_CHAT_REASON} (--skip-non-chat)")
    emit(res.as_dict(), as_json, lambda d: console.print(
        f"[green]exported[/] {d['snapshot']} → {d['path']} ({d['layout']}: {', '.join(d['columns'])}) "
        + ", ".join(f"{k}={v}" for k, v in d["counts"].items())))


@click.command("quarantine")
@click.option("--limit", type=int, default=20, show_default=True)
@click.option("--source", help="Only rows from this source.")
@workspace_option
@json_option
def quarantine_cmd(limit, source, workspace, as_json):
    """Show quarantined rows with their reasons."""
    with _open(workspace, read_only=True) as ws:
        ws.require_raw("quarantine")  # a curated-zone workspace: one clear line, not a missing table
        where = "WHERE source = ?" if source else ""
        params = [source] if source else []
        counts = ws.con.execute(f"SELECT reason, count(*) FROM lake.quarantine {where} GROUP BY 1 ORDER BY 2 DESC",
                                params).fetchall()
        rows = ws.con.execute(f"SELECT source, source_row, reason, left(raw, 120) FROM lake.quarantine {where} "
                              f"ORDER BY source, source_row LIMIT ?", params + [limit]).fetchall()
    total = sum(n for _, n in counts)
    data = {"total": total, "shown": len(rows), "by_reason": dict(counts),
            "rows": [dict(zip(["source", "row", "reason", "raw"], r)) for r in rows]}

    def render(d):
        _table("quarantine", ["source", "row", "reason", "raw"],
               [[r["source"], r["row"], r["reason"], r["raw"]] for r in d["rows"]])
        if d["shown"] < d["total"]:
            console.print(f"showing {d['shown']} of {d['total']} quarantined rows (use --limit to see more)")

    emit(data, as_json, render)


@click.command("status")
@workspace_option
@json_option
def status_cmd(workspace, as_json):
    """Summarise the workspace: documents, quarantine, signals, snapshots."""
    with _open(workspace, read_only=True) as ws:
        s = ws.summary()
    emit(s, as_json, lambda d: console.print_json(json.dumps(d, default=str)))


commands = [init, ingest, run_cmd, stages_cmd, stage_cmd, snapshot, quarantine_cmd, status_cmd]
