"""`curate sample-data OUT_DIR`: write the bundled synthetic data set."""

from __future__ import annotations

from pathlib import Path

import click

from curate.cli.output import console, emit, json_option


@click.command("sample-data")
@click.argument("out_dir", type=click.Path(file_okay=False, path_type=Path))
@click.option("--n", "n", type=int, default=3000, show_default=True, help="Valid support tickets to generate.")
@click.option("--seed", type=int, default=7, show_default=True, help="Random seed; same seed, same bytes.")
@json_option
def sample_data_cmd(out_dir: Path, n: int, seed: int, as_json: bool) -> None:
    """Generate synthetic Indian support/banking data (six languages, PII, duplicates, bad rows) into OUT_DIR."""
    from curate.sampledata.generate import generate  # imported lazily: keeps `curate --help` fast

    manifest = generate(out_dir, n=n, seed=seed)

    def render(m: dict) -> None:
        console.print(f"[bold green]Wrote sample data[/] to {out_dir} (seed {m['seed']})")
        for name, info in m["files"].items():
            rows = info.get("valid_rows", info.get("rows", info.get("files")))
            console.print(f"  {name:<30} {rows} {'files' if name.endswith('/') else 'rows'}")
        console.print("  languages: " + ", ".join(f"{k}={v}" for k, v in m["languages"].items()))
        d = m["duplicates"]
        console.print(f"  planted: {sum(m['malformed'].values())} bad rows, {d['exact_dup_groups']} exact and "
                      f"{d['near_dup_groups']} near duplicate groups; ground truth in MANIFEST.json")

    emit(manifest, as_json, render)


commands = [sample_data_cmd]
