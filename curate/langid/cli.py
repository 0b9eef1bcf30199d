"""``curate langid IN --output OUT``: stateless file mode, plus a summary of the language mix."""

from __future__ import annotations

from collections import Counter

import click
import pyarrow as pa

from curate.cli.output import console, emit, json_option, progress_bar
from curate.filemode import run_stage_on_file, source_text_field
from curate.stage import get_stage


def summarize(table: pa.Table) -> dict:
    """Counts of lang, script, lang+script, romanized and code-mixed rows (and the top embedded languages)."""
    n = table.num_rows
    langs = Counter(table.column("lang").to_pylist())
    scripts = Counter(table.column("script").to_pylist())
    pairs = Counter(f"{l}-{s}" for l, s in zip(table.column("lang").to_pylist(), table.column("script").to_pylist()))
    romanized = sum(bool(x) for x in table.column("romanized").to_pylist())
    codemixed = sum(bool(x) for x in table.column("codemixed").to_pylist())
    embedded = Counter(e for e in table.column("embedded_lang").to_pylist() if e)
    return {"rows": n, "languages": dict(langs.most_common()), "scripts": dict(scripts.most_common()),
            "lang_script": dict(pairs.most_common()), "romanized": romanized, "codemixed": codemixed,
            "embedded": dict(embedded.most_common()), "und": langs.get("und", 0)}


def _render(data: dict) -> None:
    from rich.table import Table

    n = max(1, data["rows"])
    # the summary on its own line: as a table title it wrapped mid-phrase over the narrow table
    console.print(f"Language ID: {data['rows']} rows, {data['romanized']} romanized, {data['codemixed']} code-mixed")
    t = Table()
    t.add_column("language-script")
    t.add_column("rows", justify="right")
    t.add_column("share", justify="right")
    for k, v in data["lang_script"].items():
        t.add_row(k, str(v), f"{v / n:.1%}")
    console.print(t)
    if data["embedded"]:
        console.print("embedded languages in code-mixed rows: " + ", ".join(f"{k} {v}" for k, v in data["embedded"].items()))
    if data.get("output"):
        console.print(f"wrote {data['output']}")


@click.command("langid")
@click.argument("src", type=click.Path(dir_okay=False))
@click.option("--output", "-o", "dst", required=True, type=click.Path(dir_okay=False),
              help="Output file (.jsonl/.json/.csv/.tsv/.parquet); every input column is kept, in order.")
@click.option("--text-field", default="text", show_default=True, help="Column holding the text.")
@click.option("--min-chars", type=int, default=None, help="Fewer letters than this gives 'und' (default 3; 2 for text in one Indian script).")
@click.option("--min-score", type=float, default=None, help="lang_score below this gives 'und' (default 0.3), except short native-script text whose "
              "language is more probable than all others of its script.")
@json_option
def langid_cmd(src, dst, text_field, min_chars, min_score, as_json):
    """Identify language, script, romanization and code-mixing of every row of SRC."""
    stage = get_stage("langid")
    params = {"text_field": source_text_field(src, text_field)}
    if min_chars is not None:
        params["min_chars"] = min_chars
    if min_score is not None:
        params["min_score"] = min_score
    cfg = stage.make_config(params)
    with progress_bar("langid", None, enabled=not as_json) as advance:
        result = run_stage_on_file(stage, src, dst, cfg, progress=advance)
    data = summarize(result)
    data["output"] = str(dst)
    emit(data, as_json, _render)


commands = [langid_cmd]
