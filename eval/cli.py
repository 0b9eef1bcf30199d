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
                   "max_forgetting:0.1, every_language.adapter_beats_base:0, pii_extraction:0, "
                   "pii_extraction.aadhaar:0, memorized_duplicates:0.01, canary_extraction:0 "
                   "(repeatable; failing → exit 4).")
@click.option("--privacy", is_flag=True,
              help="Also run the extraction evaluation: probe base and adapter with the raw documents behind the "
                   "run's snapshot (PII values, most-duplicated records); report privacy.html.")
@click.option("--canaries", "canaries", type=click.Path(dir_okay=False),
              help="Canary file (values planted in the sources): adds extraction and the exposure curve.")
@click.option("--samples", "n_samples", type=int, default=4, show_default=True,
              help="Sampled generations per privacy probe (besides the greedy one).")
@click.option("--min-samples", type=int, default=30, show_default=True,
              help="Warn (or fail, with --small-sample fail) when a gate rests on fewer items.")
@click.option("--small-sample", type=click.Choice(["warn", "fail"]), default="warn", show_default=True)
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
                 device, output, workspace, as_json, privacy, canaries, n_samples, min_samples, small_sample) -> None:
    """Compare RUN's adapter with its base model, per language and overall (--privacy: and test it for leaks)."""
    from eval.config import EvalConfig, PrivacyConfig
    from eval.runs import eval_run, raise_failed_gates
    from train.cli import open_ws

    privacy = privacy or canaries is not None
    cfg = EvalConfig(max_samples=max_samples, max_new_tokens=max_new_tokens, batch_size=batch_size,
                     required_keys=list(required_keys) or None, device=device, min_samples=min_samples,
                     small_sample=small_sample, privacy=PrivacyConfig(samples=n_samples) if privacy else None)
    steps = 4 if privacy else 2
    with open_ws(workspace) as ws, progress_bar("evaluating base, adapter", steps, not as_json) as advance, \
            contextlib.redirect_stdout(sys.stderr):
        report = eval_run(ws, run_id, split=split, snapshot=snapshot, reference=reference, gates=list(gates),
                          output=output, cfg=cfg, progress=advance, raise_on_gate=False, canaries=canaries)
    keys = ("run", "eval_snapshot", "split", "n_items", "metrics", "gates", "warnings", "paths", "forgetting",
            "privacy")
    emit({k: report[k] for k in keys if k in report}, as_json, _render)
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
    if rep.get("privacy"):
        p = rep["privacy"]
        pii, dup = p["pii"]["overall"], p["duplicates"]["duplicated"]
        console.print(f"privacy: {pii['adapter']['extracted']}/{pii['adapter']['n']} raw PII values reproduced by the "
                      f"adapter (base {pii['base']['extracted']}); duplicated records memorized "
                      f"{dup['adapter']['extracted']}/{dup['adapter']['n']} (base {dup['base']['extracted']})")
        if p.get("canaries"):
            c = p["canaries"]
            console.print(f"canaries: {c['adapter']['extracted']}/{c['adapter']['n']} extracted by the adapter")
    for g in rep["gates"]:
        console.print(f"gate {g['gate']}: {'[green]passed' if g['passed'] else '[red]FAILED'}[/] (value {g['value']}, "
                      f"n {g.get('n')})")
    for w in rep.get("warnings", []):
        console.print(f"[yellow]warning:[/] {w}")
    console.print(f"report: {rep['paths']['html']}" + (f" · {rep['paths']['privacy_html']}"
                                                       if "privacy_html" in rep["paths"] else ""))


def _pair(a, b) -> str:
    f = lambda v: "–" if v is None else f"{v:.3f}"  # noqa: E731
    return f"{f(a)} → {f(b)}"


commands = [eval_command]
