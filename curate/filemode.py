"""Stateless file mode: run one stage over a file, keep every input column and row order.

``curate dedup|langid|pii IN --output OUT`` all go through :func:`run_stage_on_file`.
Formats are chosen by extension: .jsonl/.json, .csv, .tsv, .parquet.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable

import duckdb
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from curate.errors import CurateError
from curate.stage import Stage, StageConfig, StageContext, call_stage, stage_context

FORMATS = {".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "json", ".csv": "csv", ".tsv": "tsv", ".parquet": "parquet"}


def format_of(path: str | Path) -> str:
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise CurateError(f"{path}: unsupported file type '{suffix}' (use .jsonl, .json, .csv, .tsv or .parquet)")
    return FORMATS[suffix]


def read_table(path: str | Path) -> pa.Table:
    """Read a whole file into Arrow (file mode is for files that fit in memory)."""
    path = Path(path)
    if not path.exists():
        raise CurateError(f"{path}: no such file")
    fmt = format_of(path)
    try:
        if fmt == "parquet":
            return pq.read_table(path)
        if fmt in ("csv", "tsv"):
            return pacsv.read_csv(
                path,
                parse_options=pacsv.ParseOptions(delimiter="\t" if fmt == "tsv" else ",", newlines_in_values=True),
                convert_options=pacsv.ConvertOptions(strings_can_be_null=False),
            )
        rows: list[dict[str, Any]] = []
        with open(path, encoding="utf-8") as fh:
            if fmt == "json":
                data = json.load(fh)
                if not isinstance(data, list):
                    raise CurateError(f"{path}: a .json file must hold an array of objects")
                rows = data
            else:
                for n, line in enumerate(fh, 1):
                    if line.strip():
                        try:
                            rows.append(json.loads(line))
                        except json.JSONDecodeError as exc:
                            raise CurateError(f"{path}:{n}: malformed JSON ({exc.msg})") from None
        return pa.Table.from_pylist(rows)
    except (pa.ArrowInvalid, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CurateError(f"{path}: cannot read {fmt}: {str(exc).splitlines()[0]}") from None


def _jsonable(value: Any) -> Any:
    return value


def write_table(table: pa.Table, path: str | Path) -> None:
    """Write atomically: a temp file renamed into place, so a crash leaves no half-written output."""
    path = Path(path)
    fmt = format_of(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    if fmt == "parquet":
        pq.write_table(table, tmp)
    elif fmt in ("csv", "tsv"):
        flat = _stringify_nested(table)
        pacsv.write_csv(flat, tmp, write_options=pacsv.WriteOptions(delimiter="\t" if fmt == "tsv" else ","))
    else:
        rows = table.to_pylist()
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


def apply_stage(stage: Stage, table: pa.Table, config: StageConfig, progress: Callable[[int], None] | None = None,
                batch_size: int = 2048, ctx: StageContext | None = None) -> pa.Table:
    """Run a stage over an in-memory table and return its output columns (same length and order).

    ``ctx``: the stage context; by default its secrets are resolved here, on the driver, from
    the stage's file-mode sources (see ``curate.stage.stage_context``).
    """
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
