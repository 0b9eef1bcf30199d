"""``curate pii``: file mode (anonymize a file), ``scan`` (report only) and ``decrypt``.

``curate pii IN --output OUT`` and ``curate pii run IN --output OUT`` are the same command:
the group treats a first argument that is not a subcommand as the input file.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import click
import pyarrow as pa

from curate.cli.output import console, emit, json_option, progress_bar
from curate.errors import CurateError
from curate.filemode import read_table, write_table
from curate.pii.stage import SFT_FIELDS, PiiConfig, pii_secrets, run_rows
from curate.stage import SecretSources

CHUNK = 1000


class _DefaultToRun(click.Group):
    def parse_args(self, ctx, args):
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            args = ["run", *args]
        return super().parse_args(ctx, args)


def _chunk_job(payload):
    rows, cfg_json, fields, keys = payload
    cfg = PiiConfig.model_validate_json(cfg_json)
    return [(r.fields, r.entities, r.covered) for r in run_rows(rows, cfg, fields, keys=keys)]


def _process_file(src: str, text_field: str, policy: str | None, nlp: str, workers: int,
                  key_file: str | None = None):
    table = read_table(src)
    if text_field not in table.column_names:
        raise CurateError(f"{src}: no column '{text_field}' (columns: {', '.join(table.column_names)}); use --text-field")
    fields = [text_field] + [f for f in SFT_FIELDS if f in table.column_names and f != text_field]
    cfg = PiiConfig(text_field=text_field, policy_file=str(Path(policy).resolve()) if policy else None, nlp=nlp)
    cols = fields + [c for c in ("lang", "script") if c in table.column_names]
    rows = table.select(cols).to_pylist()
    # Keys are resolved once, here on the driver, and shipped to the workers as bytes.
    keys = pii_secrets(cfg, SecretSources(files={"hmac_key": key_file} if key_file else {}))
    run_rows(rows[:1], cfg, fields, keys=keys)  # fail early (bad policy) before forking workers
    chunks = [rows[i:i + CHUNK] for i in range(0, len(rows), CHUNK)]
    out = []
    with progress_bar("pii", len(rows)) as advance:
        if workers > 1 and len(chunks) > 1:
            with ProcessPoolExecutor(max_workers=workers) as pool:
                for res, chunk in zip(pool.map(_chunk_job, [(c, cfg.model_dump_json(), fields, keys) for c in chunks]), chunks):
                    out.extend(res)
                    advance(len(chunk))
        else:
            for c in chunks:
                out.extend(_chunk_job((c, cfg.model_dump_json(), fields, keys)))
                advance(len(c))
    return table, fields, out


def _summary(out, n_rows: int) -> dict:
    by_type = Counter(e["type"] for _, ents, _ in out for e in ents)
    return {"rows": n_rows, "entities": sum(by_type.values()), "by_type": dict(by_type.most_common()),
            "rows_with_pii": sum(1 for _, ents, _ in out if ents),
            "not_covered": sum(1 for *_, cov in out if not cov)}


def _render(data: dict) -> None:
    from rich.table import Table

    t = Table(title=f"PII: {data['entities']} entities in {data['rows_with_pii']}/{data['rows']} rows")
    t.add_column("type")
    t.add_column("count", justify="right")
    for k, v in data["by_type"].items():
        t.add_row(k, str(v))
    console.print(t)
    if data["not_covered"]:
        console.print(f"[yellow]{data['not_covered']} row(s) in scripts without name recognizers (pii_covered=false)")
    if data.get("output"):
        console.print(f"wrote {data['output']}")


_common = [
    click.option("--text-field", default="text", show_default=True, help="Column holding the main text."),
    click.option("--policy", "policy", type=click.Path(dir_okay=False), help="YAML policy file."),
    click.option("--nlp", type=click.Choice(["auto", "spacy", "none"]), default="auto", show_default=True,
                 help="spaCy for Latin-script names."),
    click.option("--workers", type=int, default=min(4, os.cpu_count() or 1), show_default=True),
    click.option("--key-file", type=click.Path(dir_okay=False),
                 help="HMAC key file (0600) for hashes and pseudonyms; read once, here, and sent to the workers."),
]


def _with_common(f):
    for opt in reversed(_common):
        f = opt(f)
    return f


@click.group("pii", cls=_DefaultToRun, invoke_without_command=False)
def pii_group() -> None:
    """Detect and anonymize Indian PII: curate pii IN --output OUT | scan IN | decrypt IN --output OUT."""


@pii_group.command("run")
@click.argument("src", type=click.Path(exists=True, dir_okay=False))
@click.option("--output", "-o", "dst", required=True, type=click.Path(dir_okay=False))
@_with_common
@json_option
def run_cmd(src, dst, text_field, policy, nlp, workers, key_file, as_json):
    """Anonymize SRC into OUT: text (and SFT/chat/meta fields) replaced, spans in a `pii` column."""
    table, fields, out = _process_file(src, text_field, policy, nlp, workers, key_file)
    for k, f in enumerate(fields):
        col = pa.array([res[0][f] for res in out], table.schema.field(f).type if pa.types.is_string(
            table.schema.field(f).type) or pa.types.is_large_string(table.schema.field(f).type) else pa.string())
        table = table.set_column(table.column_names.index(f), f, col)
    extra = {"pii": pa.array([json.dumps(ents, ensure_ascii=False) for _, ents, _ in out], pa.string()),
             "pii_covered": pa.array([cov for *_, cov in out], pa.bool_())}
    for name, col in extra.items():
        if name in table.column_names:
            table = table.set_column(table.column_names.index(name), name, col)
        else:
            table = table.append_column(name, col)
    write_table(table, dst)
    emit({**_summary(out, table.num_rows), "output": str(dst)}, as_json, _render)


@pii_group.command("scan")
@click.argument("src", type=click.Path(exists=True, dir_okay=False))
@_with_common
@json_option
def scan_cmd(src, text_field, policy, nlp, workers, key_file, as_json):
    """Report PII counts per type in SRC without changing anything."""
    table, _, out = _process_file(src, text_field, policy, nlp, workers, key_file)
    emit(_summary(out, table.num_rows), as_json, _render)


@pii_group.command("decrypt")
@click.argument("src", type=click.Path(exists=True, dir_okay=False))
@click.option("--output", "-o", "dst", required=True, type=click.Path(dir_okay=False))
@click.option("--field", "fields", multiple=True, help="Columns to decrypt (default: every string column).")
@json_option
def decrypt_cmd(src, dst, fields, as_json):
    """Re-identify <ENC:…> tokens (encrypt operator) with CURATE_PII_ENC_KEY. Authorised use only."""
    from curate.pii.operators import decrypt

    table = read_table(src)
    names = list(fields) or [n for n in table.column_names if pa.types.is_string(table.schema.field(n).type)]
    changed = 0
    for n in names:
        if n not in table.column_names:
            raise CurateError(f"{src}: no column '{n}'")
        vals = table.column(n).to_pylist()
        new = [decrypt(v) if isinstance(v, str) else v for v in vals]
        changed += sum(a != b for a, b in zip(vals, new))
        table = table.set_column(table.column_names.index(n), n, pa.array(new, pa.string()))
    write_table(table, dst)
    emit({"rows": table.num_rows, "values_decrypted": changed, "output": str(dst)}, as_json,
         lambda d: console.print(f"decrypted {d['values_decrypted']} value(s) → {d['output']}"))


commands = [pii_group]
