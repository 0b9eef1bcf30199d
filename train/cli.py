"""``curate train …`` and ``curate runs …``.

``curate train SNAPSHOT[@V] --base-model PATH --output runs/NAME`` trains (the group's
default command), while ``curate train merge RUN`` and ``curate train tiny-model OUT`` are
subcommands: ``DefaultGroup`` routes any first argument that is not a subcommand name to
``run``.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys

import click

from curate.cli.output import console, emit, json_option
from curate.errors import CurateError

workspace_option = click.option("--workspace", "-w", "workspace", default=None,
                                help="Workspace folder (default: $CURATE_WORKSPACE or the current folder).")


def open_ws(path: str | None):
    from curate import Workspace

    return Workspace(path or os.environ.get("CURATE_WORKSPACE") or ".")


class DefaultGroup(click.Group):
    """A group that runs ``default_cmd`` when the first argument is not one of its subcommands."""

    default_cmd = "run"

    def parse_args(self, ctx, args):
        if args and args[0] not in self.commands and args[0] not in ("-h", "--help"):
            args = [self.default_cmd, *args]
        return super().parse_args(ctx, args)


@click.group("train", cls=DefaultGroup)
def train_group() -> None:
    """Fine-tune on a snapshot: curate train SNAPSHOT[@V] --base-model PATH --output runs/NAME.

    Subcommands: run (the default), merge RUN, tiny-model OUT.
    """


@train_group.command("run")
@click.argument("snapshot")
@click.option("--base-model", required=True, help="Local model folder (offline) or a cached hub id.")
@click.option("--output", "-o", required=True, type=click.Path(), help="Run folder, e.g. runs/NAME (NAME = run id).")
@click.option("--config", "-c", "config_path", type=click.Path(exists=True, dir_okay=False),
              help="Training config YAML (schemas/train_config.schema.json).")
@click.option("--mode", type=click.Choice(["qlora", "lora", "full"]), help="Override config mode (default qlora).")
@click.option("--device", type=click.Choice(["auto", "cpu", "cuda"]), help="Override config device.")
@click.option("--epochs", type=float, help="Override training.epochs.")
@click.option("--max-steps", type=int, help="Override training.max_steps.")
@click.option("--learning-rate", "--lr", "lr", type=float, help="Override training.learning_rate.")
@click.option("--resume", is_flag=True, help="Resume the run in --output from its last checkpoint.")
@click.option("--allow-pii-unapproved", "--allow-unapproved", "allow_pii_unapproved", is_flag=True,
              help="Train on a snapshot that has not passed the PII policy or that no steward approved "
                   "(`curate snapshot approve`); the override is recorded.")
@click.option("--no-progress", is_flag=True, help="No progress bar.")
@workspace_option
@json_option
def train_run(snapshot, base_model, output, config_path, mode, device, epochs, max_steps, lr, resume,
              allow_pii_unapproved, no_progress, workspace, as_json) -> None:
    """Train a LoRA adapter (QLoRA by default) on SNAPSHOT[@VERSION] and record the run."""
    from rich.markup import escape

    from train.config import load_config
    from train.runs import execute_run, finish_run, prepare_run

    overrides: dict = {}
    if mode:
        overrides["mode"] = mode
    if device:
        overrides["device"] = device
    training = {k: v for k, v in {"epochs": epochs, "max_steps": max_steps, "learning_rate": lr}.items()
                if v is not None}
    if training:
        overrides["training"] = training
    cfg = load_config(config_path, overrides)
    # The workspace is held only to plan and to record: training itself can take hours and
    # must not lock out other writers (ingest, labelling) meanwhile.
    with open_ws(workspace) as ws:
        plan = prepare_run(ws, snapshot, base_model, output, cfg, allow_unapproved=allow_pii_unapproved,
                           resume=resume)
    if plan.pii_override:
        console.print(f"[yellow]warning:[/] {plan.snapshot_ref} has not passed the PII policy; override recorded")
    console.print(f"training run [bold]{plan.run_id}[/] on {plan.snapshot_ref} ({cfg.mode}) → {plan.output_dir}")
    try:
        # Trainer prints its logs on stdout; keep stdout for the result (--json stays parseable).
        with contextlib.redirect_stdout(sys.stderr):
            result = execute_run(plan, progress=not no_progress,
                                 notify=lambda line: console.print("[yellow]warning:[/] " + escape(line), highlight=False))
    except BaseException as exc:
        with open_ws(workspace) as ws:
            finish_run(ws, plan, error=f"{exc.__class__.__name__}: {str(exc).splitlines()[0] if str(exc) else ''}")
        raise
    with open_ws(workspace) as ws:
        run = finish_run(ws, plan, result)
    emit(_summary(run), as_json, _render_run)


@train_group.command("merge")
@click.argument("run_id", metavar="RUN")
@click.option("--output", "-o", type=click.Path(), help="Folder for the merged model (default RUN_DIR/merged).")
@click.option("--dtype", type=click.Choice(["auto", "bf16", "fp16", "fp32"]), default="auto",
              help="Weights of the merged model (auto: fp32 on CPU, bf16 on CUDA).")
@click.option("--device", type=click.Choice(["cpu", "cuda", "auto"]), default="cpu")
@workspace_option
@json_option
def train_merge(run_id, output, dtype, device, workspace, as_json) -> None:
    """Merge RUN's LoRA adapter into a full-precision copy of its base model, for serving."""
    from train.runs import merge_run

    with open_ws(workspace) as ws:
        info = merge_run(ws, run_id, output, dtype=dtype, device=device)
    emit(info, as_json, lambda d: console.print(f"merged model written to [bold]{d['path']}[/] ({d['dtype']})"))


@train_group.command("tiny-model")
@click.argument("out_dir", type=click.Path())
@click.option("--snapshot", help="Train the tokenizer on this snapshot's text (default: the newest snapshot a "
                                 "training run may read: anonymized, PII policy passed, approved).")
@click.option("--allow-pii-unapproved", "--allow-unapproved", "allow_pii_unapproved", is_flag=True,
              help="Train the tokenizer on a snapshot training could not read (or, without any, on the raw "
                   "documents); the override is recorded.")
@click.option("--vocab-size", type=int, default=2048, show_default=True)
@click.option("--hidden", type=int, default=64, show_default=True)
@click.option("--layers", type=int, default=2, show_default=True)
@workspace_option
@json_option
def train_tiny(out_dir, snapshot, allow_pii_unapproved, vocab_size, hidden, layers, workspace, as_json) -> None:
    """Build a small random-init Llama + tokenizer from workspace text (tests and demos; no download).

    The tokenizer learns only what a training run may read: its vocabulary is copied into every adapter.
    """
    from train.tiny import build_tiny_llama
    from train.tokenizer_corpus import tokenizer_corpus

    with open_ws(workspace) as ws:
        corpus = tokenizer_corpus(ws, out_dir, snapshot, allow_pii_unapproved)
    if corpus.override:
        console.print(f"[yellow]warning:[/] tokenizer trained on {corpus.source}, which training may not read "
                      "without an override; override recorded")
    if not corpus.texts:
        raise CurateError(f"no text to train a tokenizer on in {corpus.source}")
    path = build_tiny_llama(out_dir, corpus.texts, vocab_size=vocab_size, hidden=hidden, layers=layers)
    emit({"path": str(path), "texts": len(corpus.texts), "source": corpus.source, "override": corpus.override},
         as_json, lambda d: console.print(f"tiny model written to [bold]{d['path']}[/] (tokenizer trained on "
                                          f"{d['texts']} texts of {d['source']})"))


def _summary(run: dict) -> dict:
    keys = ("run_id", "status", "snapshot_ref", "snapshot_content_hash", "base_model", "mode", "started_at",
            "finished_at", "metrics", "data_report", "adapter_path", "adapter_sha256", "pii_override", "code_version", "error")
    return {k: run.get(k) for k in keys}


def _render_run(run: dict) -> None:
    m = run.get("metrics") or {}
    console.print(f"run [bold]{run['run_id']}[/] {run['status']} · {run['snapshot_ref']} · {run['mode']}")
    if m:
        console.print(f"  loss {m.get('first_logged_loss')} → {m.get('last_logged_loss')} · "
                      f"eval_loss {m.get('eval_loss')} · steps {m.get('global_steps')} · {m.get('runtime_s')} s")
    train_data = (run.get("data_report") or {}).get("train") or {}
    if train_data:
        packed = f", packed into {train_data['packed_sequences']}" if train_data.get("packed_sequences") else ""
        skipped = sum((train_data.get("skipped_by_reason") or {}).values())
        console.print(f"  data: {train_data['examples']} examples of {train_data['rows']} rows ("
                      f"{train_data['truncated']} truncated at {train_data['max_seq_len']} tokens, {skipped} rows "
                      f"skipped{packed})")
    if run.get("adapter_path"):
        console.print(f"  adapter {run['adapter_path']} (sha256 {str(run['adapter_sha256'])[:16]}…)")
    if run.get("error"):
        console.print(f"  [red]error:[/] {run['error']}")


@click.group("runs")
def runs_group() -> None:
    """Training runs recorded in the workspace."""


@runs_group.command("list")
@workspace_option
@json_option
def runs_list(workspace, as_json) -> None:
    """Every run, newest first."""
    from train.runs import list_runs

    with open_ws(workspace) as ws:
        runs = [_summary(r) for r in list_runs(ws)]

    def render(rows):
        from rich.table import Table

        t = Table("run", "status", "snapshot", "mode", "started", "eval_loss", "adapter sha256")
        for r in rows:
            t.add_row(r["run_id"], r["status"], r["snapshot_ref"], r["mode"], str(r["started_at"])[:19],
                      f"{(r['metrics'] or {}).get('eval_loss') or '–'}", (r["adapter_sha256"] or "–")[:12])
        console.print(t if rows else "no runs yet")

    emit(runs, as_json, render)


@runs_group.command("show")
@click.argument("run_id", metavar="RUN")
@workspace_option
@json_option
def runs_show(run_id, workspace, as_json) -> None:
    """Everything recorded about RUN: config, versions, metrics, adapter hash, lineage."""
    from train.runs import get_run

    with open_ws(workspace) as ws:
        run = get_run(ws, run_id)
        run["lineage"] = ws.lineage(run_id)
    emit(run, as_json, lambda r: click.echo(json.dumps(r, indent=2, default=str, ensure_ascii=False)))


commands = [train_group, runs_group]
