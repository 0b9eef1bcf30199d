"""``curate pii``: file mode (anonymize a file), ``scan`` (report only) and ``decrypt``.

``curate pii IN --output OUT`` and ``curate pii run IN --output OUT`` are the same command:
the group treats a first argument that is not a subcommand as the input file.
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from pathlib import Path

import click
import pyarrow as pa

from curate.cli.output import console, emit, json_option, progress_bar
from curate.engines.pool import process_pool, stop_pool
from curate.errors import CurateError
from curate.filemode import _json_rows, check_output, json_text_column, read_table, source_text_field, write_table
from curate.pii.stage import PiiConfig, pii_secrets, policy_of, run_rows
from curate.stage import SecretSources

CHUNK = 1000


class _DefaultToRun(click.Group):
    def parse_args(self, ctx, args):
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            args = ["run", *args]
        return super().parse_args(ctx, args)


def _chunk_job(payload):
    rows, cfg_json, fields, json_fields, field_types, keys = payload
    cfg = PiiConfig.model_validate_json(cfg_json)
    return [(r.fields, r.entities, r.covered, r.reason, sorted(r.names_unchecked))
            for r in run_rows(rows, cfg, fields, json_fields, field_types, keys=keys)]


# Columns that carry curate's own signals, not record content.
_SIGNAL_COLUMNS = {"lang", "script", "pii", "pii_covered", "pii_reason", "pii_inserted"}
_DIGITS_ONLY = re.compile(r"\+?[0-9][0-9 \-]{5,22}")


def _value_type(values: list) -> str | None:
    """The identifier type of a column from its values alone, when at least 90 % of the non-empty values are
    valid numbers of one scheme: Indian phone numbers (phonenumbers), Aadhaar (stdnum Verhoeff) or payment
    cards (stdnum Luhn, 13–19 digits). Columns of other numbers (amounts, counts, order ids) return None."""
    import phonenumbers
    from stdnum import luhn
    from stdnum.in_ import aadhaar

    vals = [str(int(v)) if isinstance(v, float) and v.is_integer() else str(v) for v in values
            if v is not None and not isinstance(v, bool) and str(v).strip()]
    vals = [v.strip() for v in vals[:2000]]
    if len(vals) < 1 or not all(_DIGITS_ONLY.fullmatch(v) for v in vals):
        return None

    def share(ok) -> float:
        return sum(1 for v in vals if ok(v)) / len(vals)

    def phone(v: str) -> bool:
        try:
            n = phonenumbers.parse(v, "IN")
        except phonenumbers.NumberParseException:
            return False
        return n.country_code == 91 and phonenumbers.is_valid_number(n)

    digits = [re.sub(r"\D", "", v) for v in vals]
    if all(len(d) == 12 for d in digits) and share(lambda v: aadhaar.is_valid(re.sub(r"\D", "", v))) >= 0.9:
        return "IN_AADHAAR"
    if share(phone) >= 0.9:
        return "IN_PHONE"
    if all(13 <= len(d) <= 19 for d in digits) and share(lambda v: luhn.is_valid(re.sub(r"\D", "", v))) >= 0.9:
        return "CREDIT_CARD"
    return None


def select_columns(table: pa.Table, policy) -> tuple[list[str], list[str], dict[str, str]]:
    """Which columns file mode scans: every string column, every nested column (lists/structs: chat
    ``messages``, metadata objects), and numeric columns whose name (``mobile``, ``Aadhaar No.``,
    ``account_number``) or values (valid Indian phones, Aadhaar numbers, card numbers) identify them.

    Returns (fields, json_fields, field_types): field_types maps a column to the entity type of its whole
    value (by name first, then by values)."""
    from curate.pii.policy import key_entity

    fields: list[str] = []
    json_fields: list[str] = []
    types: dict[str, str] = {}
    for name in table.column_names:
        if name in _SIGNAL_COLUMNS:
            continue
        typ = table.schema.field(name).type
        if pa.types.is_dictionary(typ):  # Parquet's dictionary-encoded strings are strings
            typ = typ.value_type
        by_name = key_entity(name, policy.meta_keys)
        if pa.types.is_nested(typ):
            fields.append(name)
            json_fields.append(name)
        elif pa.types.is_string(typ) or pa.types.is_large_string(typ):
            fields.append(name)
            if name in ("messages", "meta") or _json_rows(table.schema.field(name), 0) is not None:
                json_fields.append(name)  # a mixed column's objects are parsed, so that their numbers stay numbers
        elif pa.types.is_integer(typ) or pa.types.is_floating(typ):
            # Every numeric column is scanned as its written digits (an Aadhaar or a card stored as a number
            # among other numbers); only values a recognizer matches change (see run_cmd / _column).
            fields.append(name)
        elif pa.types.is_decimal(typ):
            pass
        else:
            continue
        if name in json_fields:
            continue
        kind = by_name or _value_type(table.column(name).to_pylist())
        if kind is not None:
            if name not in fields:
                fields.append(name)
            types[name] = kind
    return fields, json_fields, types


def _process_file(src: str, text_field: str | None, policy: str | None, nlp: str, workers: int,
                  key_file: str | None = None):
    table = read_table(src)
    text_field = source_text_field(src, text_field)
    if text_field is not None and text_field not in table.column_names:
        raise CurateError(f"{src}: no column '{text_field}' (columns: {', '.join(table.column_names)}); use --text-field")
    cfg = PiiConfig(text_field=text_field or "text", policy_file=str(Path(policy).resolve()) if policy else None, nlp=nlp)
    fields, json_fields, field_types = select_columns(table, policy_of(cfg))
    cols = fields + [c for c in ("lang", "script") if c in table.column_names]
    rows = table.select(cols).to_pylist()
    maps = [f for f in fields if _has_map(table.schema.field(f).type)]
    for row in rows if maps else ():
        for f in maps:
            row[f] = _map_entries(row[f])
    # Keys are resolved once, here on the driver, and shipped to the workers as bytes.
    keys = pii_secrets(cfg, SecretSources(files={"hmac_key": key_file} if key_file else {}))
    run_rows(rows[:1], cfg, fields, json_fields, field_types, keys=keys)  # fail early (bad policy) before forking
    chunks = [rows[i:i + CHUNK] for i in range(0, len(rows), CHUNK)]
    job = (cfg.model_dump_json(), fields, json_fields, field_types, keys)
    out = []
    with progress_bar("pii", len(rows)) as advance:
        if workers > 1 and len(chunks) > 1:
            pool = process_pool(workers)  # workers die with this process; stopped on error/Ctrl-C
            finished = False
            try:
                for res, chunk in zip(pool.map(_chunk_job, [(c, *job) for c in chunks]), chunks):
                    out.extend(res)
                    advance(len(chunk))
                finished = True
            finally:
                stop_pool(pool, kill=not finished)
        else:
            for c in chunks:
                out.extend(_chunk_job((c, *job)))
                advance(len(c))
    return table, fields, field_types, out


def _summary(out, n_rows: int, fields: list[str], field_types: dict[str, str]) -> dict:
    from curate.pii.fields import parse_path

    # Each entity once per row (a value found again in another column is marked ``repeat`` by the stage).
    by_type = Counter(e["type"] for _, ents, *_ in out for e in ents if not e.get("repeat"))
    # by_column counts the same entities (each under the column it was first found in), so the per-column table
    # sums to ``entities``; it counted repeats too (a phone written twice in one text: by_type 6, the table 7).
    # Repeats are reported apart, per column.
    by_column: dict[str, Counter] = {}
    repeats: dict[str, Counter] = {}
    for _, ents, *_ in out:
        for e in ents:
            target = repeats if e.get("repeat") else by_column
            target.setdefault(str(parse_path(e["field"])[0]), Counter())[e["type"]] += 1
    reasons = Counter(reason for _, _, cov, reason, _ in out if not cov)
    unnamed = Counter(sc for *_, scripts in out for sc in scripts)
    return {"rows": n_rows, "entities": sum(by_type.values()), "by_type": dict(by_type.most_common()),
            "by_column": {c: dict(v.most_common()) for c, v in by_column.items()},
            "repeats": sum(sum(v.values()) for v in repeats.values()),
            "repeats_by_column": {c: dict(v.most_common()) for c, v in repeats.items()},
            "columns_scanned": fields, "columns_by_identity": field_types,
            "rows_with_pii": sum(1 for _, ents, *_ in out if ents),
            "not_covered": sum(reasons.values()), "not_covered_by_reason": dict(reasons.most_common()),
            "rows_names_unchecked_by_script": dict(unnamed.most_common())}


def _render(data: dict) -> None:
    from rich.table import Table

    t = Table(title=f"PII: {data['entities']} entities in {data['rows_with_pii']}/{data['rows']} rows")
    t.add_column("column")
    t.add_column("type")
    t.add_column("count", justify="right")
    for col, types in data["by_column"].items():
        for k, v in types.items():
            t.add_row(col, k, str(v))
    console.print(t)
    if data.get("repeats"):
        console.print(f"{data['repeats']} repeat(s) of these entities elsewhere in their rows (not counted again; "
                      "see repeats_by_column in --json)")
    if data["not_covered"]:
        why = ", ".join(f"{k} {v}" for k, v in data["not_covered_by_reason"].items())
        console.print(f"[yellow]{data['not_covered']} row(s) held back (pii_covered=false): {why}")
    if data["rows_names_unchecked_by_script"]:
        which = ", ".join(f"{k} {v}" for k, v in data["rows_names_unchecked_by_script"].items())
        console.print(f"[yellow]names not checked (no name recognizer for the script; identifiers were): {which} row(s)")
    if data.get("output"):
        console.print(f"wrote {data['output']}")


_common = [
    click.option("--text-field", default=None,
                 help="Column holding the main text (must exist when given; every string column is scanned anyway)."),
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
@click.argument("src", type=click.Path(dir_okay=False))
@click.option("--output", "-o", "dst", required=True, type=click.Path(dir_okay=False))
@_with_common
@json_option
def run_cmd(src, dst, text_field, policy, nlp, workers, key_file, as_json):
    """Anonymize SRC into OUT: every string column (text, SFT/chat fields, metadata, names, e-mails) and every
    numeric column (scanned as its digits; columns identified as phones/IDs/accounts are replaced whole), replaced
    in place. Every column keeps its type: a number whose replacement is not a number (a placeholder) becomes
    null; spans in a `pii` column, `pii_covered`/`pii_reason` per row."""
    check_output(dst)  # before the work, not after it
    table, fields, field_types, out = _process_file(src, text_field, policy, nlp, workers, key_file)
    for f in fields:
        new = [res[0][f] for res in out]
        old_values = table.column(f).to_pylist()
        if new == old_values:
            continue  # nothing found
        field, col = _column(table.schema.field(f), old_values, new)
        table = table.set_column(table.column_names.index(f), field, col)
    extra = {"pii": pa.array([json.dumps(ents, ensure_ascii=False) for _, ents, *_ in out], pa.string()),
             "pii_covered": pa.array([cov for _, _, cov, *_ in out], pa.bool_()),
             "pii_reason": pa.array([reason for _, _, _, reason, _ in out], pa.string())}
    for name, col in extra.items():
        if name in table.column_names:
            table = table.set_column(table.column_names.index(name), name, col)
        else:
            table = table.append_column(name, col)
    write_table(table, dst)
    emit({**_summary(out, table.num_rows, fields, field_types), "output": str(dst)}, as_json, _render)


_INTEGER = re.compile(r"[+-]?[0-9]+")


def _keep_kind(old, new):
    """``new`` with every number of ``old`` still a number: a replacement made of digits (a pseudonym of a
    phone or an Aadhaar) is that number, any other replacement (``<IN_PHONE>``, a mask) is null: the value is
    gone (the ``pii`` column says what stood there) and the column keeps its type."""
    if isinstance(old, dict) and isinstance(new, dict):
        return {k: _keep_kind(old.get(k), v) for k, v in new.items()}
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        return [_keep_kind(a, b) for a, b in zip(old, new)]
    if isinstance(old, (int, float)) and not isinstance(old, bool) and isinstance(new, str):
        t = new.strip()
        return type(old)(int(t)) if _INTEGER.fullmatch(t) else None
    return new


def _keys_changed(old, new) -> bool:
    """An object key of ``old`` is not in ``new`` (the stage renamed a key that held PII); map entries
    (``{"key", "value"}``, :func:`_map_entries`) are data, not field names."""
    if isinstance(old, dict) and isinstance(new, dict):
        return set(old) != set(new) or any(_keys_changed(old[k], new[k]) for k in old)
    if isinstance(old, list) and isinstance(new, list):
        return any(_keys_changed(a, b) for a, b in zip(old, new))
    return False


def _mixed_json(values: list, old_values: list, flags) -> list:
    """A mixed column's JSON rows (``curate.filemode.MIXED_JSON``) stay JSON of the same kind: numbers stay
    numbers (see :func:`_keep_kind`), objects and lists stay valid JSON."""
    out = list(values)
    for i, (o, n) in enumerate(zip(old_values, values)):
        if not flags[i] or n == o or o is None or n is None:
            continue
        try:
            parsed = json.loads(n)
        except (json.JSONDecodeError, TypeError):
            parsed = n  # a number replaced by a placeholder
        out[i] = json.dumps(_keep_kind(json.loads(o), parsed), ensure_ascii=False)
    return out


def _has_map(typ: pa.DataType) -> bool:
    if pa.types.is_map(typ):
        return True
    if pa.types.is_struct(typ):
        return any(_has_map(typ.field(i).type) for i in range(typ.num_fields))
    if pa.types.is_list(typ) or pa.types.is_large_list(typ) or pa.types.is_fixed_size_list(typ):
        return _has_map(typ.value_type)
    return False


def _map_entries(value):
    """A map value (Arrow gives ``[(key, value), …]``) as ``[{"key": k, "value": v}, …]``: the map's keys are
    scanned like its values (a map keyed by phone number holds PII in its keys), and Arrow rebuilds the map
    from these entries. Maps inside structs and lists are found too."""
    if isinstance(value, list) and value and all(isinstance(e, tuple) and len(e) == 2 for e in value):
        return [{"key": _map_entries(k), "value": _map_entries(v)} for k, v in value]
    if isinstance(value, list):
        return [_map_entries(v) for v in value]
    if isinstance(value, dict):
        return {k: _map_entries(v) for k, v in value.items()}
    return value


def _column(old: pa.Field, old_values: list, values: list) -> tuple[pa.Field, pa.Array]:
    """The anonymized values in the column's own type: text stays text, numbers stay numbers
    (:func:`_keep_kind`), nested columns keep their shape; a value that no longer fits the type (a number
    out of range) becomes null. A struct column whose field names held PII (a key renamed by the stage) cannot
    keep its type, whose field names are the raw keys: it becomes JSON text."""
    typ = old.type
    if pa.types.is_dictionary(typ):
        typ = typ.value_type
    flags = _json_rows(old, len(values))
    if flags is not None:
        values = _mixed_json(values, old_values, flags)
    elif not (pa.types.is_string(typ) or pa.types.is_large_string(typ)):
        values = [_keep_kind(o, n) for o, n in zip(old_values, values)]
    if pa.types.is_nested(typ) and any(_keys_changed(o, n) for o, n in zip(old_values, values)):
        return json_text_column(old.name, values)
    try:
        return old, pa.array(values, typ)
    except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError):
        ok = []
        for v in values:
            try:
                pa.array([v], typ)
                ok.append(v)
            except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError):
                ok.append(None)
        return old, pa.array(ok, typ)


@pii_group.command("scan")
@click.argument("src", type=click.Path(dir_okay=False))
@_with_common
@json_option
def scan_cmd(src, text_field, policy, nlp, workers, key_file, as_json):
    """Report PII counts per type in SRC without changing anything."""
    table, fields, field_types, out = _process_file(src, text_field, policy, nlp, workers, key_file)
    emit(_summary(out, table.num_rows, fields, field_types), as_json, _render)


@pii_group.command("decrypt")
@click.argument("src", type=click.Path(dir_okay=False))
@click.option("--output", "-o", "dst", required=True, type=click.Path(dir_okay=False))
@click.option("--field", "fields", multiple=True, help="Columns to decrypt (default: every string column).")
@json_option
def decrypt_cmd(src, dst, fields, as_json):
    """Re-identify <ENC:…> tokens (encrypt operator) with CURATE_PII_ENC_KEY. Authorised use only."""
    from curate.pii.operators import decrypt

    check_output(dst)
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
