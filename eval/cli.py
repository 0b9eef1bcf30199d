"""``curate eval RUN``: base versus adapter on held-out data, HTML + JSON report, optional gates."""

from __future__ import annotations

import contextlib
import sys

import click

from curate.cli.output import console, emit, json_option, progress_bar


@click.command("eval")
@click.argument("run_id", metavar="RUN")
@click.option("--split", default="test", show_default=True, help="Split of the run's export (or 'all' with --snapshot).")
@click.option("--snapshot", help="Evaluate on another snapshot instead of the run's own held-out split.")
@click.option("--reference", type=click.Path(exists=True, dir_okay=False),
              help="General text file for the forgetting check (perplexity base vs adapter).")
@click.option("--gate", "gates", multiple=True,
              help="e.g. adapter_beats_base:0.0, adapter_beats_base.rouge_l:0.05, min.format_adherence:0.9, "
                   "max_forgetting:0.1, every_language.adapter_beats_base:0 (repeatable; failing → exit 4).")
@click.option("--max-samples", type=int, default=200, show_default=True)
@click.option("--max-new-tokens", type=int, default=128, show_default=True)
@click.option("--batch-size", type=int, default=8, show_default=True)
@click.option("--required-key", "required_keys", multiple=True,
              help="Key a JSON answer must have (default: keys common to all JSON references).")
@click.option("--device", type=click.Choice(["auto", "cpu", "cuda"]), default="auto")
@click.option("--output", "-o", type=click.Path(), help="Report folder (default RUN_DIR/eval/SPLIT).")
@click.option("--workspace", "-w", "workspace", default=None,
              help="Workspace folder (default: $CURATE_WORKSPACE or the current folder).")
@json_option
def eval_command(run_id, split, snapshot, reference, gates, max_samples, max_new_tokens, batch_size, required_keys,
                 device, output, workspace, as_json) -> None:
    """Compare RUN's adapter with its base model, per language and overall."""
    from eval.config import EvalConfig
    from eval.runner import eval_run, raise_failed_gates
    from train.cli import open_ws

    cfg = EvalConfig(max_samples=max_samples, max_new_tokens=max_new_tokens, batch_size=batch_size,
                     required_keys=list(required_keys) or None, device=device)
    with open_ws(workspace) as ws, progress_bar("evaluating base, adapter", 2, not as_json) as advance, \
            contextlib.redirect_stdout(sys.stderr):
        report = eval_run(ws, run_id, split=split, snapshot=snapshot, reference=reference, gates=list(gates),
                          output=output, cfg=cfg, progress=advance, raise_on_gate=False)
    emit({k: report[k] for k in ("run", "eval_snapshot", "split", "n_items", "metrics", "gates", "paths")
          if k in report} | ({"forgetting": report["forgetting"]} if "forgetting" in report else {}), as_json, _render)
    raise_failed_gates(report)  # after printing: a failed gate still shows its numbers, then exits 4


def _render(rep: dict) -> None:
    from rich.table import Table

    names = [k for k in rep["metrics"]["overall"]["adapter"] if k != "perplexity"]
    t = Table("language", "n", *[f"{k} base→adapter" for k in names])
    for lang, m in rep["metrics"].items():
        t.add_row(lang, str(m["n"]), *[_pair(m["base"].get(k), m["adapter"].get(k)) for k in names])
    console.print(t)
    if rep.get("forgetting"):
        f = rep["forgetting"]
        console.print(f"forgetting: reference perplexity {f['base_perplexity']:.3g} → {f['adapter_perplexity']:.3g}")
    for g in rep["gates"]:
        console.print(f"gate {g['gate']}: {'[green]passed' if g['passed'] else '[red]FAILED'}[/] (value {g['value']})")
    console.print(f"report: {rep['paths']['html']}")


def _pair(a, b) -> str:
    f = lambda v: "–" if v is None else f"{v:.3f}"  # noqa: E731
    return f"{f(a)} → {f(b)}"


commands = [eval_command]
