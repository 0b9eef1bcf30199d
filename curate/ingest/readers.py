"""Source readers: every format becomes a stream of record chunks.

A chunk is an Arrow table with three columns:

* ``source_row`` – 1-based line number (JSONL) or record number (other formats)
* ``raw``        – the record as JSON object text (or the undecodable line, escaped)
* ``error``      – why the record cannot be used at all (null when it can)

Everything after reading (field mapping, NFC, HTML, hashing, quarantine) is one SQL
pass in DuckDB over these chunks, so all formats share one code path and the hot
path stays vectorised.  Readers only hold one chunk in memory at a time.
"""

from __future__ import annotations

import codecs
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import duckdb
import pyarrow as pa

from curate.errors import CurateError

CHUNK_BYTES = 32 * 1024 * 1024
CHUNK_RECORDS = 50_000
CHUNK_SCHEMA = pa.schema([("source_row", pa.int64()), ("raw", pa.string()), ("error", pa.string())])


@dataclass(frozen=True)
class Source:
    uri: str
    fmt: str


def detect_format(path: Path, fmt: str | None = None) -> str:
    if fmt:
        if fmt not in FORMAT_READERS:
            raise CurateError(f"unknown format '{fmt}' (use one of: {', '.join(FORMAT_READERS)})")
        return fmt
    if path.is_dir():
        if (path / "dataset_dict.json").exists() or (path / "dataset_info.json").exists() or (path / "state.json").exists():
            return "hf"
        return "text"
    suffix = "".join(path.suffixes[-1:]).lower()
    mapping = {".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "json", ".csv": "csv", ".tsv": "tsv",
               ".parquet": "parquet", ".txt": "text"}
    if suffix not in mapping:
        raise CurateError(f"{path}: cannot tell the format from '{suffix}'; pass --format")
    if suffix == ".json":
        # A .json file may still be JSON Lines: look at the first non-space character.
        with open(path, "rb") as fh:
            head = fh.read(4096).lstrip(codecs.BOM_UTF8).lstrip()
        return "json" if head[:1] == b"[" else "jsonl"
    return mapping[suffix]


def detect_encoding(sample: bytes, partial: bool | None = None) -> str:
    """Name the text encoding of a file from its first bytes.

    UTF-8 (with or without BOM) and UTF-16 with BOM are decided exactly; anything
    else is left to charset-normalizer.  A sample that is valid UTF-8 except for a
    truncated last character still counts as UTF-8.
    """
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        sample.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        partial = len(sample) >= (1 << 16) if partial is None else partial
        if partial and exc.start >= len(sample) - 3 and exc.reason == "unexpected end of data":
            return "utf-8"
        # A few bad lines in an otherwise UTF-8 file are bad rows, not another encoding.
        lines = sample.split(b"\n")
        if len(lines) >= 10 and sum(map(_is_utf8, lines)) / len(lines) > 0.9:
            return "utf-8"
    from charset_normalizer import from_bytes

    best = from_bytes(sample).best()
    return best.encoding if best else "utf-8"


def _is_utf8(b: bytes) -> bool:
    try:
        b.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False


def _escaped(b: bytes) -> str:
    return b.decode("utf-8", errors="backslashreplace")


class _ChunkBuilder:
    """Collects (row, raw, error) records from a Python-level reader into bounded chunks."""

    def __init__(self, size: int = CHUNK_RECORDS):
        self.size = size
        self.rows: list[int] = []
        self.raws: list[str] = []
        self.errs: list[str | None] = []

    def add(self, row: int, raw: str, err: str | None) -> pa.Table | None:
        self.rows.append(row)
        self.raws.append(raw)
        self.errs.append(err)
        return self.flush() if len(self.rows) >= self.size else None

    def flush(self) -> pa.Table | None:
        if not self.rows:
            return None
        chunk = pa.Table.from_arrays([pa.array(self.rows, pa.int64()), pa.array(self.raws, pa.string()),
                                      pa.array(self.errs, pa.string())], schema=CHUNK_SCHEMA)
        self.rows, self.raws, self.errs = [], [], []
        return chunk


def _lines_to_chunk(lines: list[bytes], first_row: int) -> pa.Table:
    """Turn raw lines into a chunk; lines that are not valid UTF-8 get an error instead."""
    rows = pa.array(range(first_row, first_row + len(lines)), pa.int64())
    binary = pa.array(lines, pa.binary())
    try:
        raw = binary.cast(pa.string())  # validates UTF-8 for the whole chunk in C++
        errors = pa.nulls(len(lines), pa.string())
    except pa.ArrowInvalid:
        texts, errs = [], []
        for line in lines:
            try:
                texts.append(line.decode("utf-8"))
                errs.append(None)
            except UnicodeDecodeError as exc:
                texts.append(_escaped(line))
                errs.append(f"undecodable bytes: not valid UTF-8 at byte {exc.start}")
        raw, errors = pa.array(texts, pa.string()), pa.array(errs, pa.string())
    return pa.Table.from_arrays([rows, raw, errors], schema=CHUNK_SCHEMA)


def read_jsonl(path: Path) -> Iterator[pa.Table]:
    with open(path, "rb") as fh:
        encoding = detect_encoding(fh.read(1 << 16))
    if encoding not in ("utf-8", "utf-8-sig"):
        yield from _read_jsonl_text(path, encoding)
        return
    row = 1
    tail = b""
    with open(path, "rb") as fh:
        first = True
        while True:
            block = fh.read(CHUNK_BYTES)
            if not block:
                break
            if first and block.startswith(codecs.BOM_UTF8):
                block = block[3:]
            first = False
            block = tail + block
            lines = block.split(b"\n")
            tail = lines.pop()
            yield from _nonblank_chunk(lines, row)
            row += len(lines)
        if tail:
            yield from _nonblank_chunk([tail], row)


def _nonblank_chunk(lines: list[bytes], first_row: int) -> Iterator[pa.Table]:
    """Blank lines are not records; drop them but keep true line numbers."""
    chunk = _lines_to_chunk([ln.rstrip(b"\r") for ln in lines], first_row)
    mask = pa.compute.greater(pa.compute.utf8_length(pa.compute.utf8_trim_whitespace(chunk["raw"])), 0)
    chunk = chunk.filter(mask)
    if chunk.num_rows:
        yield chunk


def _read_jsonl_text(path: Path, encoding: str) -> Iterator[pa.Table]:
    chunks = _ChunkBuilder()
    with open(path, encoding=encoding, errors="surrogateescape", newline="") as fh:
        for n, line in enumerate(fh, 1):
            line = line.rstrip("\r\n")
            if not line.strip():
                continue
            try:
                line.encode("utf-8")
                full = chunks.add(n, line, None)
            except UnicodeEncodeError:
                full = chunks.add(n, line.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace"),
                                  f"undecodable bytes: not valid {encoding}")
            if full is not None:
                yield full
    last = chunks.flush()
    if last is not None:
        yield last


def read_json_array(path: Path) -> Iterator[pa.Table]:
    """A JSON array is parsed whole (use JSON Lines for data that does not fit in memory)."""
    with open(path, "rb") as fh:
        data = fh.read()
    encoding = detect_encoding(data[: 1 << 16])
    try:
        items = json.loads(data.decode(encoding))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CurateError(f"{path}: not a valid JSON array ({exc}); use JSON Lines to isolate bad records") from None
    if not isinstance(items, list):
        raise CurateError(f"{path}: expected a JSON array of records")
    for start in range(0, len(items), CHUNK_RECORDS):
        part = items[start:start + CHUNK_RECORDS]
        raws = [json.dumps(x, ensure_ascii=False) for x in part]
        yield pa.Table.from_arrays([pa.array(range(start + 1, start + 1 + len(part)), pa.int64()), pa.array(raws),
                                    pa.nulls(len(part), pa.string())], schema=CHUNK_SCHEMA)


def _arrow_batches_to_chunks(batches: Iterator[pa.RecordBatch], first_row: int = 1) -> Iterator[pa.Table]:
    """Render Arrow record batches as JSON object text, one per row, in DuckDB."""
    con = duckdb.connect()
    row = first_row
    for batch in batches:
        if batch.num_rows == 0:
            continue
        tbl = pa.Table.from_batches([batch])
        con.register("_batch", tbl)
        raw = con.execute("SELECT to_json(_batch)::VARCHAR AS raw FROM _batch").fetch_arrow_table()["raw"]
        con.unregister("_batch")
        n = batch.num_rows
        yield pa.Table.from_arrays([pa.array(range(row, row + n), pa.int64()), raw.combine_chunks(),
                                    pa.nulls(n, pa.string())], schema=CHUNK_SCHEMA)
        row += n
    con.close()


def read_delimited(path: Path, delimiter: str) -> Iterator[pa.Table]:
    import pyarrow.csv as pacsv

    with open(path, "rb") as fh:
        encoding = detect_encoding(fh.read(1 << 16))
    bad: list[tuple[int | None, str, str]] = []

    def on_invalid(row) -> str:
        bad.append((row.number, row.text or "",
                    f"malformed {'TSV' if delimiter == chr(9) else 'CSV'} row: expected {row.expected_columns} "
                    f"columns, got {row.actual_columns}"))
        return "skip"

    try:
        reader = pacsv.open_csv(
            path,
            read_options=pacsv.ReadOptions(encoding=encoding.replace("utf-8-sig", "utf8"), block_size=8 << 20),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True,
                                             invalid_row_handler=on_invalid),
            convert_options=pacsv.ConvertOptions(strings_can_be_null=False, column_types=None,
                                                 auto_dict_encode=False),
        )
    except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
        raise CurateError(f"{path}: cannot read as {'TSV' if delimiter == chr(9) else 'CSV'}: "
                          f"{str(exc).splitlines()[0]}") from None
    # Keep every column as text: a CSV has no types, and "007" must stay "007".
    names = reader.schema.names
    schema = pa.schema([(n, pa.string()) for n in names])

    def batches() -> Iterator[pa.RecordBatch]:
        for batch in reader:
            yield pa.RecordBatch.from_arrays([b.cast(pa.string()) for b in batch.columns], schema=schema)

    row = 1
    for chunk in _arrow_batches_to_chunks(batches()):
        yield chunk
        row += chunk.num_rows
    if bad:
        # Bad rows keep their physical line number (pyarrow reports it) for the quarantine.
        yield pa.Table.from_arrays([pa.array([b[0] if b[0] is not None else -1 for b in bad], pa.int64()),
                                    pa.array([b[1] for b in bad]), pa.array([b[2] for b in bad])],
                                   schema=CHUNK_SCHEMA)


def read_parquet(path: Path) -> Iterator[pa.Table]:
    import pyarrow.parquet as pq

    try:
        pf = pq.ParquetFile(path)
    except pa.ArrowInvalid as exc:
        raise CurateError(f"{path}: not a Parquet file ({exc})") from None
    yield from _arrow_batches_to_chunks(pf.iter_batches(batch_size=CHUNK_RECORDS))


def read_text_folder(path: Path, max_bytes: int) -> Iterator[pa.Table]:
    files = sorted(p for p in (path.rglob("*.txt") if path.is_dir() else [path]) if p.is_file())
    if not files:
        raise CurateError(f"{path}: no .txt files found")
    chunks = _ChunkBuilder(size=5000)
    for n, f in enumerate(files, 1):
        data = f.read_bytes()
        rel = str(f.relative_to(path)) if path.is_dir() else f.name
        err = None
        if len(data) > max_bytes:
            text, err = _escaped(data[:2048]), f"oversize record: {len(data)} bytes > limit {max_bytes}"
        else:
            enc = detect_encoding(data[: 1 << 16])
            try:
                text = data.decode(enc)
            except (UnicodeDecodeError, LookupError):
                text, err = _escaped(data), f"undecodable bytes: not valid {enc}"
        full = chunks.add(n, json.dumps({"text": text, "file": rel}, ensure_ascii=False), err)
        if full is not None:
            yield full
    last = chunks.flush()
    if last is not None:
        yield last


def read_hf(path: Path) -> Iterator[pa.Table]:
    """A Hugging Face dataset saved with ``save_to_disk`` (Dataset or DatasetDict)."""
    import datasets

    try:
        ds = datasets.load_from_disk(str(path))
    except Exception as exc:  # datasets raises several types for a bad folder
        raise CurateError(f"{path}: not a saved Hugging Face dataset ({exc})") from None
    parts = ds.items() if isinstance(ds, datasets.DatasetDict) else [(None, ds)]
    row = 1
    for split, part in parts:
        table = part.data.table
        if split is not None:
            table = table.append_column("split", pa.array([split] * table.num_rows, pa.string()))
        for chunk in _arrow_batches_to_chunks(iter(table.to_batches(max_chunksize=CHUNK_RECORDS)), first_row=row):
            yield chunk
            row += chunk.num_rows


FORMAT_READERS = {"jsonl": None, "json": None, "csv": None, "tsv": None, "parquet": None, "text": None, "hf": None}


def read_source(path: Path, fmt: str, max_bytes: int) -> Iterator[pa.Table]:
    if fmt == "jsonl":
        return read_jsonl(path)
    if fmt == "json":
        return read_json_array(path)
    if fmt == "csv":
        return read_delimited(path, ",")
    if fmt == "tsv":
        return read_delimited(path, "\t")
    if fmt == "parquet":
        return read_parquet(path)
    if fmt == "text":
        return read_text_folder(path, max_bytes)
    if fmt == "hf":
        return read_hf(path)
    raise CurateError(f"unknown format '{fmt}'")
