"""Stateless file mode: run one stage over a file, keep every input column and row order.

``curate dedup|langid|pii IN --output OUT`` all go through :func:`run_stage_on_file`.
Formats are chosen by extension: .jsonl/.json, .csv, .tsv, .parquet.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Callable

import duckdb
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from curate.errors import CurateError, reader_error
from curate.stage import Stage, StageConfig, StageContext, call_stage, stage_context

FORMATS = {".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "json", ".csv": "csv", ".tsv": "tsv", ".parquet": "parquet"}


def format_of(path: str | Path) -> str:
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix == ".gz" and len(p.suffixes) >= 2:
        suffix = p.suffixes[-2].lower()
    if suffix not in FORMATS:
        raise CurateError(f"{path}: unsupported file type '{suffix}' (use .jsonl, .json, .csv, .tsv or .parquet)")
    return FORMATS[suffix]


# A column whose values have different JSON types (a string in one row, a number in the next) is
# carried as text: strings as they are, other values as their JSON text, so stages read it like any
# text column.  The field metadata keeps a bitmap of the rows that hold JSON, and JSON output writes
# those rows back as the values they were.
MIXED_JSON = b"curate.mixed_json"
# Field metadata: a bitmap of the rows that did not have the key at all (JSON/JSONL in, JSON/JSONL out).
ABSENT = b"curate.absent_key"


def read_table(path: str | Path) -> pa.Table:
    """Read a whole file into Arrow (file mode is for files that fit in memory).

    Formats by extension (.jsonl/.ndjson, .json, .csv, .tsv, .parquet; ``.gz`` of the text formats).
    JSON text may start with a UTF-8 BOM and use any line ends; CSV/TSV values stay text as written
    ("0042" stays "0042"); a field with mixed types becomes text (see ``MIXED_JSON``) and JSON output
    writes its original values back.

    Raises:
        CurateError: missing, unreadable, malformed or empty file (one line, naming the file and line;
            never quoting the file's values).
    """
    table = _read_any(path)
    if table.num_rows == 0:  # every command refuses an empty file the same way (nothing to write back)
        raise CurateError(f"{path}: the file holds no rows")
    return table


def _read_any(path: str | Path) -> pa.Table:
    from curate.ingest.readers import check_source, detect_encoding, is_json_document, json_document_records, open_binary

    path = Path(path)
    if not path.exists():
        raise CurateError(f"{path}: no such file")
    check_source(path)
    fmt = format_of(path)
    try:
        if fmt == "parquet":
            return pq.read_table(path)
        if fmt in ("csv", "tsv"):  # ; and | too: the delimiter is sniffed (curate.ingest.delimiter)
            from curate.ingest.readers import sniff_delimiter

            return _read_csv(path, sniff_delimiter(path, fmt))
        with open_binary(path) as fh:
            data = fh.read()
        text = data.decode(detect_encoding(data[: 1 << 16], partial=False))
        text = text.lstrip("\ufeff")
        body = text.lstrip()
        document = None
        if fmt == "json" and (body.startswith("[") or (body.startswith("{") and is_json_document(body[:4096].encode()))):
            # an array, an export wrapper {"data": [...]} or a pretty-printed object (as ingest reads them); an
            # object that does not parse as one document is read as JSON Lines below, naming its bad line
            try:
                document = json_document_records(json.loads(text, parse_constant=_not_json))
            except json.JSONDecodeError:
                if body.startswith("["):
                    raise
        if document is not None:
            rows = document
        else:
            rows = []
            # Only \n, \r\n and \r end a record, as in ingest: str.splitlines() also cuts at U+2028, U+2029,
            # U+0085 ..., which a JSON string may hold as they are ("para one\u2028para two" became two bad lines).
            for n, line in enumerate(_LINE_ENDS.split(text), 1):
                if line.strip():
                    try:
                        rows.append(_loads_once(line))
                    except json.JSONDecodeError as exc:
                        raise CurateError(f"{path}:{n}: malformed JSON ({exc.msg})") from None
                    except _DuplicateKey:
                        raise CurateError(f"{path}:{n}: a key appears twice in the record (which value is meant is "
                                          "ambiguous; ingest quarantines it)") from None
        bad = next((i for i, r in enumerate(rows) if not isinstance(r, dict)), None)
        if bad is not None:
            kind = {list: "array", str: "string", bool: "boolean", int: "number", float: "number"}.get(
                type(rows[bad]), "null")
            raise CurateError(f"{path}: record {bad + 1} is a JSON {kind}, not an object")
        return _rows_to_table(rows)
    except RecursionError:
        raise CurateError(f"{path}: JSON nested too deeply to read") from None
    except (pa.ArrowException, UnicodeDecodeError, json.JSONDecodeError, OSError, EOFError, ValueError,
            TypeError, OverflowError) as exc:
        raise CurateError(f"{path}: cannot read {fmt}: {reader_error(exc)}") from None


class _DuplicateKey(ValueError):
    pass


_LINE_ENDS = re.compile(r"\r\n|\r|\n")


def _not_json(name: str):
    """``parse_constant``: NaN and Infinity are not JSON (ingest quarantines them as malformed JSON), and written
    back they would make the output unreadable to any strict JSON reader."""
    raise json.JSONDecodeError(f"{name} is not JSON", name, 0)


def _loads_once(line: str) -> Any:
    """``json.loads`` that refuses a top-level key written twice (Python keeps the last value, DuckDB the first)."""
    seen: list[bool] = []

    def pairs(items: list) -> dict:
        seen.append(len({k for k, _ in items}) != len(items))
        return dict(items)

    value = json.loads(line, object_pairs_hook=pairs, parse_constant=_not_json)
    if seen and seen[-1]:  # the outermost object is built last
        raise _DuplicateKey
    return value


def _read_csv(path: Path, delimiter: str) -> pa.Table:
    from curate.ingest.readers import _line_numbers, csv_header, header_columns

    data, encoding = _arrow_owned_utf8(path)
    bad: list = []

    def on_invalid(row) -> str:
        bad.append(row)
        return "skip"

    def big_blocks(fn):
        """``fn(read_options)``, again with the whole file (in memory already) as one block when a record is longer
        than Arrow's block (1 MiB: "straddling object straddles two block boundaries")."""
        try:
            return fn(None)
        except pa.ArrowInvalid as exc:
            if "straddl" not in str(exc):
                raise
            bad.clear()
            return fn(pacsv.ReadOptions(block_size=min(data.size + 1, (1 << 31) - 1)))

    def read(column_types=None) -> pa.Table:
        return big_blocks(lambda opts: pacsv.read_csv(
            pa.BufferReader(data), read_options=opts,
            parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True, invalid_row_handler=on_invalid),
            convert_options=pacsv.ConvertOptions(strings_can_be_null=False, column_types=column_types)))

    names = big_blocks(lambda opts: csv_header(lambda: pacsv.open_csv(
        pa.BufferReader(data), read_options=opts,
        parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True,
                                         invalid_row_handler=lambda row: "skip"))))
    columns = header_columns(path, names)   # an empty name is column_<position>; a name given twice is refused
    # No type sniffing: identifiers such as "0042" or PIN "011001" keep their leading zeros.
    table = read({n: pa.string() for n in names}).rename_columns(columns)
    if bad:
        # File mode writes every row back, so a malformed row stops it (ingest quarantines it instead).
        # The message names the line and the counts, never the row's values.
        row = bad[0]
        line = row.number if (row.number or 0) > 0 else _line_numbers(path, encoding, [(row.text or "").splitlines()[0] if row.text else ""])[0]
        where = f"line {line}" if line else "a row"
        raise CurateError(f"{path}: {where} has {row.actual_columns} columns, the header {row.expected_columns}"
                          f"{f' ({len(bad)} malformed rows in all)' if len(bad) > 1 else ''}")
    return table


def _arrow_owned_utf8(path: Path) -> tuple[pa.Buffer, str]:
    """The whole file as UTF-8 (BOM dropped, gzip undone) in memory Arrow owns, and the file's own encoding.

    Arrow's threaded CSV reader may drop its input on a worker thread after ``read_csv`` returned; a
    Python file object (or a transcoding stream, or bytes Python owns) then needs the GIL to be freed,
    and at interpreter exit that aborts the process ("terminate called without an active exception",
    exit 134) instead of the one-line error's exit 2. Nothing here is a Python object.
    """
    from curate.ingest.readers import detect_encoding, open_binary

    with open_binary(path) as fh:
        raw = fh.read()
    encoding = detect_encoding(raw[: 1 << 16])
    text = raw.decode("utf-8-sig" if encoding in ("utf-8", "utf-8-sig") else encoding)
    out = pa.BufferOutputStream()
    out.write(text.encode("utf-8"))
    return out.getvalue(), encoding


def _rows_to_table(rows: list[dict[str, Any]]) -> pa.Table:
    """Rows to columns: the union of every row's keys in first-seen order, null where a row lacks one.

    ``pa.Table.from_pylist`` is not used: it takes the columns of the first row only and silently
    drops keys that appear later.  A column Arrow cannot hold as written (mixed JSON types, or
    objects whose key sets differ, which a struct would pad with null keys) is carried as text,
    see ``MIXED_JSON``.
    """
    import base64

    import numpy as np

    names: list[str] = list(dict.fromkeys(k for r in rows for k in r))
    arrays, fields = [], []
    for name in names:
        values = [r.get(name) for r in rows]
        meta = {}
        absent = np.array([name not in r for r in rows], dtype=bool)
        if absent.any():  # a key some rows never had: written back without it, not as "key": null
            meta[ABSENT] = base64.b64encode(np.packbits(absent))
        try:
            arr = pa.array(values)
            if pa.types.is_nested(arr.type) and arr.to_pylist() != values:
                raise ValueError("nested values change shape in Arrow")
            fields.append(pa.field(name, arr.type, metadata=meta or None))
        except (pa.ArrowException, TypeError, OverflowError, ValueError):
            field, arr = json_text_column(name, values, meta)
            fields.append(field)
        arrays.append(arr)
    return pa.Table.from_arrays(arrays, schema=pa.schema(fields))


def json_text_column(name: str, values: list[Any], metadata: dict | None = None) -> tuple[pa.Field, pa.Array]:
    """A column of values Arrow cannot hold as one type, as text: strings as they are, every other value as
    JSON text, flagged (``MIXED_JSON``, beside any other ``metadata``) so that JSON output writes it back as the
    value it was."""
    import base64

    import numpy as np

    is_json = np.array([v is not None and not isinstance(v, str) for v in values], dtype=bool)
    arr = pa.array([json.dumps(v, ensure_ascii=False) if j else v for v, j in zip(values, is_json)], pa.string())
    meta = {**(metadata or {}), MIXED_JSON: base64.b64encode(np.packbits(is_json))}
    return pa.field(name, pa.string(), metadata=meta), arr


def _json_rows(field: pa.Field, n: int, key: bytes = MIXED_JSON):
    """Which rows of a mixed column hold JSON text (None for an ordinary column); with ``key`` :data:`ABSENT`,
    which rows lacked the key."""
    if not (field.metadata and field.metadata.get(key)):
        return None
    import base64

    import numpy as np

    return np.unpackbits(np.frombuffer(base64.b64decode(field.metadata[key]), dtype=np.uint8))[:n]


def source_text_field(src: str | Path, text_field: str | None) -> str | None:
    """The column ``--text-field`` names for the input ``src``: ingest's per-source form ``FILE:FIELD`` is taken when
    ``FILE`` is this input (its name or the path as given), so a command copied from an ingest works on the same file;
    anything else (a column whose own name holds a colon) is the column's name as it is."""
    if text_field and ":" in text_field:
        prefix, field = text_field.rsplit(":", 1)
        if field and prefix in (Path(src).name, str(src)):
            return field
    return text_field


def check_output(path: str | Path) -> str:
    """Check an output file's name before any work: a known format, not compressed, in a folder that exists.

    A missing folder is an error rather than created (as ``cp`` or ``sort -o`` do): a mistyped path should
    not quietly grow a folder tree somewhere else.  Returns the format.

    Raises:
        CurateError: unknown extension, ``.gz``, or the parent folder does not exist (exit 2).
    """
    path = Path(path)
    fmt = format_of(path)
    if path.suffix.lower() == ".gz":
        raise CurateError(f"{path}: compressed output is not written; name an uncompressed file")
    require_folder(path)
    return fmt


def require_folder(path: str | Path) -> None:
    """Raise CurateError (exit 2) when the folder that would hold ``path`` does not exist."""
    parent = Path(path).parent
    if not parent.is_dir():
        raise CurateError(f"{path}: the folder {parent} does not exist (create it first)")


def write_table(table: pa.Table, path: str | Path) -> None:
    """Write atomically: a temp file renamed into place, so a crash leaves no half-written output.

    Raises:
        CurateError: see :func:`check_output`.
    """
    path = Path(path)
    fmt = check_output(path)
    tmp = path.with_name(f".{path.name}.tmp")
    if fmt == "parquet":
        pq.write_table(table, tmp)
    elif fmt in ("csv", "tsv"):
        flat = _stringify_nested(table)
        pacsv.write_csv(flat, tmp, write_options=pacsv.WriteOptions(delimiter="\t" if fmt == "tsv" else ","))
    else:
        rows = table.to_pylist()
        for f in table.schema:  # mixed-type fields go back out as the values they were
            flags = _json_rows(f, len(rows))
            if flags is not None and len(flags) == len(rows):
                for row, is_json in zip(rows, flags):
                    if is_json and row.get(f.name) is not None:
                        try:
                            row[f.name] = json.loads(row[f.name])
                        except json.JSONDecodeError:
                            pass  # a stage rewrote the JSON text (e.g. PII redaction inside a number): keep its text
            absent = _json_rows(f, len(rows), ABSENT)
            if absent is not None and len(absent) == len(rows):
                for row, gone in zip(rows, absent):
                    if gone and row.get(f.name) is None:
                        del row[f.name]
        with open(tmp, "w", encoding="utf-8") as fh:
            if fmt == "json":
                json.dump(rows, fh, ensure_ascii=False, default=str)
            else:
                for row in rows:
                    fh.write(json.dumps(row, ensure_ascii=False, default=str))
                    fh.write("\n")
    tmp.replace(path)


def _stringify_nested(table: pa.Table) -> pa.Table:
    """CSV cannot hold lists or structs: write them as JSON text."""
    cols = []
    for name in table.column_names:
        col = table.column(name)
        if pa.types.is_nested(col.type):
            col = pa.array([None if v is None else json.dumps(v, ensure_ascii=False, default=str) for v in col.to_pylist()], pa.string())
        cols.append(col)
    return pa.table(cols, names=table.column_names)


def stage_input(table: pa.Table, config: StageConfig) -> pa.Table:
    """The table a stage sees: the text field derived the way the workspace derives ``text``
    (``curate.ingest.shapes``) when an SFT or chat file has none; the derived column is not written out."""
    tf = getattr(config, "text_field", "text")
    if tf not in table.column_names:
        from curate.ingest.shapes import derive_text

        text = derive_text(table)
        if text is not None:
            table = table.append_column(tf, text)
    return table


def apply_stage(stage: Stage, table: pa.Table, config: StageConfig, progress: Callable[[int], None] | None = None,
                batch_size: int = 2048, ctx: StageContext | None = None) -> pa.Table:
    """Run a stage over an in-memory table and return its output columns (same length and order).

    ``ctx``: the stage context; by default its secrets are resolved here, on the driver, from
    the stage's file-mode sources (see ``curate.stage.stage_context``).
    """
    table = stage_input(table, config)
    missing = [c for c in stage.inputs(config) if c not in table.column_names]
    if missing:
        raise CurateError(f"stage '{stage.name}' needs column(s) {', '.join(missing)}; the input has {', '.join(table.column_names)}")
    if stage.kind == "per_document":
        ctx = ctx or stage_context(stage, config)
        if stage.setup is not None:
            ctx = ctx.with_state(stage.setup(config, ctx))
        parts = []
        for start in range(0, table.num_rows, batch_size):
            batch = table.slice(start, batch_size)
            out = call_stage(stage, config, ctx, batch)
            if out.num_rows != batch.num_rows:
                raise RuntimeError(f"stage '{stage.name}' returned {out.num_rows} rows for {batch.num_rows}")
            parts.append(out)
            if progress:
                progress(batch.num_rows)
        if not parts:
            return stage.output_schema().empty_table()
        return pa.concat_tables(parts)
    con = duckdb.connect()
    inputs = table.select(stage.inputs(config))
    inputs = inputs.append_column("doc_id", pa.array([str(i) for i in range(table.num_rows)], pa.string()))
    con.register("stage_input", inputs)
    out = stage.fn(con, "stage_input", config)
    con.close()
    # Global stages return doc_id + outputs in any order: restore input order.
    order = {d: i for i, d in enumerate(out.column("doc_id").to_pylist())}
    idx = pa.array([order[str(i)] for i in range(table.num_rows)])
    return out.take(idx).drop_columns(["doc_id"])


def run_stage_on_file(stage: Stage, src: str | Path, dst: str | Path, config: StageConfig,
                      progress: Callable[[int], None] | None = None) -> pa.Table:
    check_output(dst)  # before the work, not after it
    table = read_table(src)
    out = apply_stage(stage, table, config, progress=progress)
    result = table
    for name in out.column_names:
        if name in result.column_names:
            result = result.set_column(result.column_names.index(name), name, out.column(name))
        else:
            result = result.append_column(name, out.column(name))
    write_table(result, dst)
    return result
