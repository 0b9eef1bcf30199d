"""``curate demo``: the end-to-end run that ``make demo`` starts."""

from __future__ import annotations

from pathlib import Path

import click

from curate.cli.output import console, emit, json_option, progress_bar


@click.command("demo")
@click.option("--output", "-o", type=click.Path(file_okay=False), default="demo-workspace", show_default=True,
              help="Folder for data, workspace, exports, reports and runs (replaced if it holds an earlier demo).")
@click.option("--n", type=int, default=3000, show_default=True, help="Support tickets to generate.")
@click.option("--no-train", is_flag=True, help="Skip the QLoRA training and evaluation step.")
@json_option
def demo_cmd(output, n, no_train, as_json):
    """Run the end-to-end demo on bundled synthetic data (offline, no servers)."""
    import warnings

    from curate.demo.run import run_demo

    # Library deprecation chatter (transformers, peft) is noise in a demo's output.
    warnings.filterwarnings("ignore", category=FutureWarning)
    warnings.filterwarnings("ignore", category=UserWarning)

    log = (lambda s: None) if as_json else (lambda s: console.print(s))
    summary = run_demo(Path(output), n=n, train=not no_train, log=log,
                       progress_factory=lambda d, t: progress_bar(d, t, enabled=not as_json))
    emit(summary, as_json, _render)


def _pct(d: dict) -> str:
    total = sum(d.values()) or 1
    return ", ".join(f"{k} {v / total:.0%}" for k, v in list(d.items())[:12])


def _render(s: dict) -> None:
    i, d = s["ingest"], s["dedup"]
    console.rule("[bold]curate demo")
    console.print(f"ingest: {i['rows_read']} rows read = {i['ingested']} ingested + {i['duplicates']} duplicates "
                  f"+ {i['quarantined']} quarantined")
    console.print(f"dedup: {d['removed']} of {d['documents']} documents removed ({d['exact']} exact, {d['near']} near)"
                  f"; quality flags on {s['quality']['flagged']}")
    console.print(f"languages: {_pct(s['languages'])}")
    console.print(f"scripts: {_pct(s['scripts'])}")
    console.print(f"romanized: {_pct(s['romanized'])}; code-mixed: {_pct(s['codemixed'])}")
    console.print("PII found: " + ", ".join(f"{k} {v}" for k, v in s["pii_entities"].items()))
    sn = s["snapshot"]
    console.print(f"snapshot {sn['ref']}: {sn['rows']} rows (anonymized, {sn['held_back']} held back), "
                  f"PII policy {'passed' if sn['pii_policy_passed'] else 'NOT passed'}")
    console.print(f"audit: {'passed' if s['audit']['passed'] else 'failed gates: ' + ', '.join(s['audit']['failed_gates'])}")
    console.rule("[bold]where things are")
    console.print(f"workspace     {s['output']}/workspace   (curate status -w …)")
    console.print(f"HF export     {s['export']['path']}")
    console.print(f"audit report  {s['audit']['report']}")
    if "train" in s:
        t = s["train"]
        console.print(f"QLoRA run     {t['adapter']}   (run id {t['run_id']})")
        console.print(f"eval report   {t['eval_report']}")
        o = t.get("eval_overall") or {}
        if o.get("base") and o.get("adapter"):
            console.print(f"eval ({o.get('n')} held-out pairs): loss base {o['base']['loss']:.2f} → adapter "
                          f"{o['adapter']['loss']:.2f}, chrF {o['base']['chrf']:.3f} → {o['adapter']['chrf']:.3f}")
    console.print(f"summary       {s['output']}/demo.json")


commands = [demo_cmd]
