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
import gzip
import json
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import duckdb
import numpy as np
import pyarrow as pa

from curate.errors import CurateError, reader_error

CHUNK_BYTES = 32 * 1024 * 1024  # records per DuckLake commit, in bytes
READ_BYTES = 4 * 1024 * 1024
CHUNK_RECORDS = 50_000
# DuckDB's streamed read_csv result holds memory that grows with the file (measured peak RSS of an ingest:
# 597 MiB at 55 MiB, 1,176-1,270 MiB at 229 MiB of CSV), so larger files take the Arrow reader (bounded,
# ~8 % more CPU).
CSV_FAST_MAX_BYTES = 256 * 1024 * 1024
CHUNK_SCHEMA = pa.schema([("source_row", pa.int64()), ("raw", pa.string()), ("error", pa.string())])


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
    if suffix == ".gz" and len(path.suffixes) >= 2:
        suffix = path.suffixes[-2].lower()  # tickets.jsonl.gz: gzip is undone while reading
    mapping = {".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "json", ".csv": "csv", ".tsv": "tsv",
               ".parquet": "parquet", ".txt": "text"}
    if suffix not in mapping:
        raise CurateError(f"{path}: cannot tell the format from '{suffix}'; pass --format")
    if suffix == ".json":
        # A .json file may still be JSON Lines: look at the first non-space character, and for an object at its
        # first line (a pretty-printed object or an export wrapper {"data": [...]} is one document).
        with open_binary(path) as fh:
            head = fh.read(4096).lstrip(codecs.BOM_UTF8).lstrip()
        return "json" if head[:1] == b"[" or (head[:1] == b"{" and is_json_document(head)) else "jsonl"
    return mapping[suffix]


def is_json_document(head: bytes) -> bool:
    """Whether text starting with "{" is one JSON document over several lines rather than JSON Lines: its first
    line is not a whole JSON value. A first line longer than ``head`` is read as JSON Lines (a long record)."""
    first, newline, _ = head.partition(b"\n")
    if not newline:
        return False
    try:
        json.loads(first.decode("utf-8", "replace"))
    except ValueError:
        return True
    return False


def json_document_records(doc: Any) -> list | None:
    """The records of a whole JSON document: an array's items; for an object holding exactly one array of
    objects (an export wrapper: ``{"data": [...]}``, ``{"version": 2, "rows": [...]}``) that array's items; any
    other object is one record. None for a scalar."""
    if isinstance(doc, list):
        return doc
    if isinstance(doc, dict):
        arrays = [v for v in doc.values() if isinstance(v, list) and v and all(isinstance(x, dict) for x in v)]
        return arrays[0] if len(arrays) == 1 else [doc]
    return None


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

    results = from_bytes(sample)
    best = results.best()
    guess = best.encoding if best else "utf-8"
    if best is not None and guess != "cp1252" and any(
            "cp1252" in m.could_be_from_charset and (m.chaos, m.coherence) == (best.chaos, best.coherence)
            for m in results):
        # A tie (same chaos and coherence): Windows-1252, the code page of Excel's "CSV" on Western Windows, rather
        # than the first of its equals (cp1250 read "Crème brûlée" as "Crčme brűlée").
        guess = "cp1252"
    if guess.replace("-", "_").startswith(("utf_16", "utf_32")) and b"\x00" not in sample:
        # A guess on a few bytes: BOM-less UTF-16/32 text always holds NUL bytes (ASCII, line ends), so without
        # any it would glue lines together ("#\n#\x01\xf9" became one row): read bytes one by one instead.
        try:
            sample.decode("cp1252")
            return "cp1252"
        except UnicodeDecodeError:
            return "latin-1"
    return guess


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


def _lines_to_chunk(lines: list[bytes] | pa.Array, first_row: int, max_bytes: int | None = None) -> pa.Table:
    """Turn raw lines (bytes, or an Arrow binary array) into a chunk; lines that are not valid
    UTF-8 get an error instead.

    A line over ``max_bytes`` keeps only its first 2 KiB (the quarantine needs a sample, not 60 MB).
    """
    import pyarrow.compute as pc

    if isinstance(lines, pa.Array):
        if max_bytes is not None and len(lines) and pc.max(pc.binary_length(lines)).as_py() > max_bytes:
            lines = lines.to_pylist()  # rare: fall back to the per-line path below
        else:
            binary = lines
    if isinstance(lines, list):
        if max_bytes is not None and any(len(ln) > max_bytes for ln in lines):
            return _mixed_chunk(lines, first_row, max_bytes)
        binary = pa.array(lines, pa.binary())
    rows = pa.array(np.arange(first_row, first_row + len(lines), dtype=np.int64))
    try:
        raw = binary.cast(pa.large_string() if pa.types.is_large_binary(binary.type) else pa.string())
        raw = raw.cast(pa.string())  # validates UTF-8 for the whole chunk in C++
        errors = pa.nulls(len(lines), pa.string())
    except pa.ArrowInvalid:
        texts, errs = [], []
        for line in (lines.to_pylist() if isinstance(lines, pa.Array) else lines):
            try:
                texts.append(line.decode("utf-8"))
                errs.append(None)
            except UnicodeDecodeError as exc:
                texts.append(_escaped(line))
                errs.append(f"undecodable bytes: not valid UTF-8 at byte {exc.start}")
        raw, errors = pa.array(texts, pa.string()), pa.array(errs, pa.string())
    return pa.Table.from_arrays([rows, raw, errors], schema=CHUNK_SCHEMA)


def _mixed_chunk(lines: list[bytes], first_row: int, max_bytes: int) -> pa.Table:
    parts = []
    start = 0
    for i, ln in enumerate(lines + [None]):
        if ln is None or len(ln) > max_bytes:
            if i > start:
                parts.append(_lines_to_chunk(lines[start:i], first_row + start))
            if ln is not None:
                parts.append(_oversize_chunk(first_row + i, ln[:2048], len(ln), max_bytes))
            start = i + 1
    return pa.concat_tables(parts)


def open_binary(path: Path):
    """Open a file for reading bytes; gzip-compressed content (by magic bytes) is decompressed on the fly."""
    with open(path, "rb") as fh:
        magic = fh.read(2)
    return gzip.open(path, "rb") if magic == b"\x1f\x8b" else open(path, "rb")


def arrow_input(path: Path) -> pa.NativeFile:
    """The file as an Arrow stream, gzip undone by Arrow (by magic bytes, as :func:`open_binary`).

    Arrow's readers may drop their input on one of Arrow's threads; a Python file object then needs the GIL to be
    freed, and at interpreter exit that aborts the process ("terminate called without an active exception", exit 134
    instead of a one-line error's 2). A native stream holds no Python object."""
    with open(path, "rb") as fh:
        gz = fh.read(2) == b"\x1f\x8b"
    return pa.input_stream(str(path), compression="gzip" if gz else None)


def check_source(path: Path, missing_ok: bool = False) -> None:
    """Refuse what cannot be read as data before anything is locked or opened for reading.

    A FIFO or a device would block (or never end) inside the read while the workspace's
    write lock is held; only regular files and folders are sources.

    Raises:
        CurateError: the path does not exist, or is not a regular file or folder.
    """
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        if missing_ok:  # reported later, after the workspace itself was found valid
            return
        raise CurateError(f"{path}: no such file or folder") from None
    except OSError as exc:
        raise CurateError(f"{path}: cannot read ({exc.strerror})") from None
    if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
        kind = ("a FIFO (named pipe)" if stat.S_ISFIFO(mode) else "a character device" if stat.S_ISCHR(mode)
                else "a block device" if stat.S_ISBLK(mode) else "a socket" if stat.S_ISSOCK(mode) else "not a regular file")
        raise CurateError(f"{path}: is {kind}; only regular files and folders can be read")


_DEPTH_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')


def json_depth(text: str) -> int:
    """Deepest nesting of ``[`` / ``{`` in JSON text, ignoring brackets inside strings."""
    depth = deepest = 0
    for m in _DEPTH_TOKENS.finditer(text):
        c = m.group()
        if c in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif c in "]}":
            depth -= 1
    return deepest


def _reject_constant(name: str):
    raise ValueError(f"{name} is not JSON")


def _strict_json_error(text: str) -> str | None:
    try:
        json.loads(text, parse_constant=_reject_constant)
    except RecursionError:
        return None  # the depth check names it
    except ValueError:
        return "malformed JSON"
    return None


def flag_records(chunk: pa.Table, max_depth: int, strict_json: bool = False) -> pa.Table:
    """Mark records no later step can hold safely, for every reader alike.

    * a NUL character: DuckDB hands string values to DuckLake's catalog queries as SQL
      text, where a NUL ends the statement (``Failed to get data file list``), so a NUL must
      never be stored; the raw sample keeps it visible as the four characters ``\\x00``;
    * JSON nested deeper than ``max_depth``: later stages recurse over ``meta`` (Python's
      ``json`` stops near 1,000 levels), so one such record would stop every run.  Only
      records with more than ``max_depth`` brackets are scanned, so the common case is one
      vectorised count per chunk;
    * with ``strict_json``: JSON that DuckDB's parser accepts but the standard does not (a trailing
      comma, ``NaN``/``Infinity``).  Only lines where a regex finds such a spot are parsed again.

    The JSONL fast path (:func:`raw_lines`) finds the same candidates in DuckDB and numpy and
    settles each with :func:`flag_row`, so both paths give the same reasons.
    """
    import pyarrow.compute as pc

    raw, err = chunk["raw"], chunk["error"]
    has_nul = pc.match_substring_regex(raw, r"\x00")  # the regex kernel is ~20x faster than the plain one here
    deep_candidates = pc.greater(pc.count_substring_regex(raw, r"[\[{]"), max_depth)
    lax = (pc.match_substring_regex(raw, LAX_JSON_RE2) if strict_json
           else pa.nulls(len(raw), pa.bool_()).fill_null(False))
    if not (pc.any(has_nul).as_py() or pc.any(deep_candidates).as_py() or pc.any(lax).as_py()):
        return chunk
    raws, errs = raw.to_pylist(), err.to_pylist()
    nul, cand, lax = has_nul.to_pylist(), deep_candidates.to_pylist(), lax.to_pylist()
    for i in range(len(raws)):
        if nul[i] or cand[i] or lax[i]:
            raws[i], errs[i] = flag_row(raws[i], errs[i], max_depth, nul[i], cand[i], lax[i])
    return pa.Table.from_arrays([chunk["source_row"], pa.array(raws, pa.string()), pa.array(errs, pa.string())],
                                schema=CHUNK_SCHEMA)


# Where DuckDB's JSON parser is laxer than the standard: a comma before a closing bracket, NaN, Infinity.
LAX_JSON_RE2 = r",\s*[}\]]|NaN|Infinity"
LAX_COMMA_RE2 = r",\s*[}\]]"  # without the words: RE2 then skips to each comma with memchr


def flag_row(raw: str, err: str | None, max_depth: int, nul: bool, deep: bool, lax: bool) -> tuple[str, str | None]:
    """Settle one candidate record of :func:`flag_records`: its (raw sample, error)."""
    if nul:
        raw = raw.replace("\x00", "\\x00")
        if err is None:
            err = "binary data: NUL byte in record"
    if deep and err is None:
        d = json_depth(raw)
        if d > max_depth:
            err = f"nesting too deep: {d} levels > limit {max_depth}"
    if lax and err is None:
        err = _strict_json_error(raw)
    return raw, err


@dataclass(frozen=True)
class LineBlock:
    """Whole lines of a UTF-8 JSONL file, each ending in ``\\n`` (no ``\\r`` left); ``first_row`` is
    the line number of the first.  Blank lines are still in (they keep the numbering)."""

    first_row: int
    data: bytes


@dataclass(frozen=True)
class RawLines:
    """A :class:`LineBlock` as an Arrow table (``source_row``, ``raw``) over the block's own bytes.

    No Python object per line and no copy: the offsets come from one numpy scan for ``\\n``, so each
    ``raw`` value still ends with its ``\\n``; UTF-8 was validated in C++.  The compiled scan
    (:mod:`curate.ingest.jsonscan`) takes the plainly valid records; blank lines, NULs, non-standard
    JSON and deep nesting among the others are found in DuckDB next (see ``curate.ingest.ingest``).
    """

    table: pa.Table
    nbytes: int


def raw_lines(block: LineBlock, max_depth: int, max_bytes: int) -> RawLines | list[pa.Table]:
    """The fast path's view of a block, or flagged chunks (the per-line path) when it is not valid UTF-8."""
    data = block.data
    a = np.frombuffer(data, np.uint8)
    ends = np.flatnonzero(a == 10) + 1
    offsets = np.empty(len(ends) + 1, np.int32)
    offsets[0] = 0
    offsets[1:] = ends
    raw = pa.Array.from_buffers(pa.string(), len(ends), [None, pa.py_buffer(offsets), pa.py_buffer(data)])
    try:
        raw.validate(full=True)  # UTF-8, in C++
    except pa.ArrowInvalid:
        lines = _split_block(data[:-1])
        return [flag_records(c, max_depth, strict_json=True) for c in _nonblank_chunk(lines, block.first_row, max_bytes)]
    rows = pa.array(np.arange(block.first_row, block.first_row + len(ends), dtype=np.int64))
    return RawLines(pa.Table.from_arrays([rows, raw], names=["source_row", "raw"]), len(data))


def read_jsonl(path: Path, max_bytes: int = 1_000_000) -> Iterator[pa.Table]:
    """JSON Lines as chunks (the per-line path; ingest takes :func:`read_jsonl_blocks` directly)."""
    for item in read_jsonl_blocks(path, max_bytes):
        if isinstance(item, LineBlock):
            yield from _nonblank_chunk(_split_block(item.data[:-1]), item.first_row, max_bytes)
        else:
            yield item


def read_jsonl_blocks(path: Path, max_bytes: int = 1_000_000) -> Iterator[LineBlock | pa.Table]:
    """JSON Lines, one record per line; ``\\n``, ``\\r\\n`` and lone ``\\r`` all end a line.

    A gzip-compressed file (``.jsonl.gz`` or gzip magic bytes) is read transparently.  A
    line longer than ``max_bytes`` is never held whole: the reader keeps its first 2 KiB
    for the quarantine and skips to the next line end, so memory stays bounded by the
    block size whatever the line length.  A lone ``\\r`` cannot occur inside a valid JSON
    string (control characters must be escaped), so splitting on it never cuts a record.
    """
    with open_binary(path) as fh:
        encoding = detect_encoding(fh.read(1 << 16))
    if encoding not in ("utf-8", "utf-8-sig"):
        yield from _read_jsonl_text(path, encoding)
        return
    row = 1
    tail = b""
    skipping: tuple[int, bytes, int] | None = None  # (row, head, bytes so far) of an oversize line
    drop_lf = False  # the oversize line ended with "\r" at a block end: a "\n" next belongs to it
    # Small reads, big chunks: lines gather until CHUNK_BYTES (one DuckLake commit each), while a
    # read never holds more than READ_BYTES of a line that turns out to be oversize.
    pending: list[bytes] = []
    pending_bytes, pending_row = 0, 1

    def flush() -> Iterator[LineBlock]:
        nonlocal pending, pending_bytes
        if pending:
            data = pending[0] if len(pending) == 1 else b"".join(pending)
            pending, pending_bytes = [], 0
            yield LineBlock(pending_row, data)

    with open_binary(path) as fh:
        first = True
        while True:
            block = fh.read(READ_BYTES)
            eof = not block
            if first and block.startswith(codecs.BOM_UTF8):
                block = block[3:]
            first = False
            if drop_lf and block.startswith(b"\n"):
                block = block[1:]
            drop_lf = False
            if skipping is not None:
                # Inside an oversize line: drop bytes until its end, keep nothing but the count.
                m = _EOL.search(block)
                if m is None and not eof:
                    skipping = (skipping[0], skipping[1], skipping[2] + len(block))
                    continue
                end = m.start() if m else 0
                r0, head, n = skipping
                yield from flush()
                yield _oversize_chunk(r0, head, n + end, max_bytes)
                skipping = None
                row = r0 + 1
                if m is None:
                    break
                drop_lf = m.group() == b"\r" and m.end() == len(block)
                block = block[m.end():]
                if not block:
                    continue
            elif eof:
                break
            block = tail + block
            hold = b""
            if block.endswith(b"\r") and not eof:
                block, hold = block[:-1], b"\r"
            if b"\r" in block:
                block = block.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
            cut = block.rfind(b"\n")
            if cut < 0:
                tail = block + hold
            else:
                tail = block[cut + 1:] + hold
                body = block[:cut + 1]
                if not pending:
                    pending_row = row
                pending.append(body)
                pending_bytes += cut
                row += body.count(b"\n")
                if pending_bytes >= CHUNK_BYTES:
                    yield from flush()
            del block
            if len(tail) > max_bytes + 2:
                skipping, tail = (row, tail[:2048], len(tail)), b""
        yield from flush()
        if tail:
            yield LineBlock(row, tail + b"\n")


_EOL = re.compile(rb"\r\n|\r|\n")


def _split_block(body: bytes) -> pa.Array:
    """The lines of a block as one Arrow binary array, split in C++ (no Python object per line:
    3x less CPU than ``bytes.split`` + ``pa.array`` on 1 KB records)."""
    import pyarrow.compute as pc

    return pc.split_pattern(pa.array([body], pa.large_binary()), pattern=b"\n").flatten()


def _oversize_chunk(row: int, head: bytes, nbytes: int, max_bytes: int) -> pa.Table:
    raw = _escaped(head).replace("\x00", "\\x00") + " …"
    return pa.Table.from_arrays([pa.array([row], pa.int64()), pa.array([raw], pa.string()),
                                 pa.array([f"oversize record: {nbytes} bytes > limit {max_bytes}"], pa.string())],
                                schema=CHUNK_SCHEMA)


def _nonblank_chunk(lines: list[bytes], first_row: int, max_bytes: int | None = None) -> Iterator[pa.Table]:
    """Blank lines are not records; drop them but keep true line numbers."""
    chunk = _lines_to_chunk(lines, first_row, max_bytes)
    mask = pa.compute.greater(pa.compute.utf8_length(pa.compute.utf8_trim_whitespace(chunk["raw"])), 0)
    chunk = chunk.filter(mask)
    if chunk.num_rows:
        yield chunk


def _read_jsonl_text(path: Path, encoding: str) -> Iterator[pa.Table]:
    import io

    chunks = _ChunkBuilder()
    # newline="" splits on "\n", "\r\n" and a lone "\r", like the UTF-8 path.
    with io.TextIOWrapper(open_binary(path), encoding=encoding, errors="surrogateescape", newline="") as fh:
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


def read_json_array(path: Path, max_bytes: int = 1_000_000) -> Iterator[pa.Table]:
    """A JSON document is parsed whole (use JSON Lines for data that does not fit in memory): an array of
    records, an export wrapper holding one, or one object (:func:`json_document_records`). A document starting
    with "{" that does not parse is read as JSON Lines, so a bad first record is quarantined, not the file."""
    with open_binary(path) as fh:
        data = fh.read()
    encoding = detect_encoding(data[: 1 << 16])
    try:
        items = json_document_records(json.loads(data.decode(encoding)))
    except RecursionError:
        raise CurateError(f"{path}: JSON nested too deeply to read; use JSON Lines to isolate such records") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        if data.lstrip(codecs.BOM_UTF8).lstrip()[:1] == b"{":
            yield from read_jsonl(path, max_bytes)
            return
        raise CurateError(f"{path}: not a valid JSON array ({exc}); use JSON Lines to isolate bad records") from None
    if items is None:
        raise CurateError(f"{path}: expected a JSON array of records")
    for start in range(0, len(items), CHUNK_RECORDS):
        part = items[start:start + CHUNK_RECORDS]
        try:
            raws = [json.dumps(x, ensure_ascii=False) for x in part]
        except RecursionError:
            raise CurateError(f"{path}: JSON nested too deeply to read; use JSON Lines to isolate such records") from None
        yield pa.Table.from_arrays([pa.array(range(start + 1, start + 1 + len(part)), pa.int64()), pa.array(raws),
                                    pa.nulls(len(part), pa.string())], schema=CHUNK_SCHEMA)


def _gathered(batches: Iterator[pa.RecordBatch]) -> Iterator[list[pa.RecordBatch]]:
    """Small reader batches (Arrow's CSV reader yields ~8 MiB) gathered up to CHUNK_RECORDS rows or
    CHUNK_BYTES: each chunk is one DuckLake commit, and a commit per 8 MiB cost ~1.4x the CPU (measured)."""
    group: list[pa.RecordBatch] = []
    rows = nbytes = 0
    for batch in batches:
        if batch.num_rows == 0:
            continue
        group.append(batch)
        rows += batch.num_rows
        nbytes += batch.nbytes
        if rows >= CHUNK_RECORDS or nbytes >= CHUNK_BYTES:
            yield group
            group, rows, nbytes = [], 0, 0
    if group:
        yield group


def _arrow_batches_to_chunks(batches: Iterator[pa.RecordBatch], first_row: int = 1) -> Iterator[pa.Table]:
    """Render Arrow record batches as JSON object text, one per row, in DuckDB."""
    con = duckdb.connect()
    row = first_row
    for group in _gathered(batches):
        tbl = pa.Table.from_batches(group)
        con.register("_batch", tbl)
        raw = con.execute("SELECT to_json(_batch)::VARCHAR AS raw FROM _batch").fetch_arrow_table()["raw"]
        con.unregister("_batch")
        n = tbl.num_rows
        yield pa.Table.from_arrays([pa.array(range(row, row + n), pa.int64()), raw.combine_chunks(),
                                    pa.nulls(n, pa.string())], schema=CHUNK_SCHEMA)
        row += n
    con.close()


def read_delimited(path: Path, delimiter: str, fast: bool = True) -> Iterator[pa.Table]:
    """CSV/TSV with a header row; every value stays the text the file holds ("0042" stays "0042").

    The fast path (``fast``, UTF-8 files up to ``CSV_FAST_MAX_BYTES`` that DuckDB's parallel reader takes
    without a single rejected row) reads with :func:`_duckdb_delimited_chunks`; any other file — a malformed row, an
    unclosed quote, another encoding, gzip — takes the Arrow reader below, so every bad row keeps
    its reason and physical line. Both number the good records 1, 2, ... in file order.

    Rows with the wrong number of fields are quarantined with their physical line number.
    A quote that is never closed would make the parser swallow the rest of the file into one
    value; that line is quarantined ("unterminated quote") and the lines after it are read
    again one by one, so the rows behind it are not lost.  A header that names a column twice
    is refused (its values could not be told apart).
    """
    import pyarrow.csv as pacsv

    kind = "TSV" if delimiter == "\t" else "CSV"
    with open_binary(path) as fh:
        head = fh.read(1 << 16)
    encoding = detect_encoding(head)
    if not head.removeprefix(codecs.BOM_UTF8).strip():
        return  # an empty file holds no rows, as an empty JSONL file (Arrow: "Empty CSV file")
    arrow_encoding = encoding.replace("utf-8-sig", "utf8")
    bad: list[tuple[str, str]] = []

    def on_invalid(row) -> str:
        bad.append((row.text or "", f"malformed {kind} row: expected {row.expected_columns} "
                                    f"columns, got {row.actual_columns}"))
        return "skip"

    def open_reader(column_types=None):
        return pacsv.open_csv(
            arrow_input(path),
            read_options=pacsv.ReadOptions(encoding=arrow_encoding, block_size=8 << 20),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True,
                                             invalid_row_handler=on_invalid),
            convert_options=pacsv.ConvertOptions(strings_can_be_null=False, column_types=column_types,
                                                 auto_dict_encode=False),
        )

    try:
        names = csv_header(open_reader)
        columns = header_columns(path, names)
        bad.clear()
        # Every column read as text: a CSV has no types, and type sniffing would turn "0042" into 42.
    except (pa.ArrowInvalid, UnicodeDecodeError, OSError) as exc:
        raise CurateError(f"{path}: cannot read as {kind}: {reader_error(exc)}") from None
    if fast and columns == names and encoding in ("utf-8", "utf-8-sig") and path.stat().st_size <= CSV_FAST_MAX_BYTES:
        fast_chunks = _duckdb_delimited_chunks(path, delimiter, names)
        if fast_chunks is not None:
            yield from fast_chunks
            return
    # A UTF-8 file is read as bytes and checked per value: one record with invalid bytes is quarantined
    # ("undecodable bytes", as in JSONL), where Arrow's string conversion refused the whole file.
    utf8 = arrow_encoding in ("utf-8", "utf8")
    try:
        reader = open_reader({n: pa.binary() if utf8 else pa.string() for n in names})
    except (pa.ArrowInvalid, UnicodeDecodeError, OSError) as exc:
        raise CurateError(f"{path}: cannot read as {kind}: {reader_error(exc)}") from None
    schema = pa.schema([(n, pa.string()) for n in columns])
    last: list[pa.RecordBatch] = []
    undecodable: dict[int, str] = {}  # record number -> reason
    converted = 0

    def as_text(batch: pa.RecordBatch) -> pa.RecordBatch:
        nonlocal converted
        cols = []
        for name, col in zip(columns, batch.columns):
            try:
                cols.append(col.cast(pa.string()))
            except pa.ArrowInvalid:  # rare: find the values that are not UTF-8
                values = []
                for i, v in enumerate(col.to_pylist()):
                    try:
                        values.append(v.decode("utf-8"))
                    except UnicodeDecodeError:
                        values.append(_escaped(v))
                        undecodable.setdefault(converted + i + 1,
                                               f"undecodable bytes: not valid UTF-8 in column {name!r}")
                cols.append(pa.array(values, pa.string()))
        converted += batch.num_rows
        return pa.RecordBatch.from_arrays(cols, schema=schema)

    def batches() -> Iterator[pa.RecordBatch]:
        try:
            for batch in reader:
                if last:
                    yield last.pop()
                last.append(as_text(batch))
        except (pa.ArrowInvalid, UnicodeDecodeError, OSError) as exc:
            raise CurateError(f"{path}: cannot read as {kind}: {reader_error(exc)}") from None
        if last:
            batch = last.pop()
            batch = _cut_swallowed_tail(path, batch, bad, kind)
            if batch.num_rows:
                yield batch

    rows = 0
    for chunk in _arrow_batches_to_chunks(batches()):
        rows += chunk.num_rows
        if undecodable:
            errs = [undecodable.pop(r, None) for r in chunk["source_row"].to_pylist()]
            if any(errs):
                chunk = chunk.set_column(2, "error", pa.array(errs, pa.string()))
        yield chunk
    if bad:
        yield _bad_csv_rows(path, encoding, bad, columns, delimiter, kind)


def header_columns(path: Path, names: list[str]) -> list[str]:
    """A CSV header's column names as the rows will carry them: an empty name becomes ``column_<position>``
    (1-based), as Excel writes trailing empty columns ("id,text,,"), so the file is read and nothing is lost.

    Raises :class:`CurateError` when a name is given twice (the values could not be told apart)."""
    columns = [n if n.strip() else f"column_{i}" for i, n in enumerate(names, 1)]
    dups = sorted({n for n in columns if columns.count(n) > 1})
    if dups:
        raise CurateError(f"{path}: the header names column(s) {', '.join(repr(d) for d in dups)} more than "
                          f"once; rename them so each column has its own name")
    return columns


def csv_header(open_reader) -> list[str]:
    """The column names of a CSV from a streaming reader that is closed at once.

    A streaming reader left open (or dropped while its read-ahead runs on Arrow's I/O threads) can abort the
    process at exit ("terminate called without an active exception"), seen under load in the CLI's error paths.
    """
    reader = open_reader()
    try:
        return reader.schema.names
    finally:
        reader.close()


def _duckdb_delimited_chunks(path: Path, delimiter: str, names: list[str]) -> Iterator[pa.Table] | None:
    """A clean UTF-8 CSV/TSV as chunks from DuckDB's parallel ``read_csv(all_varchar)``, or None.

    None (take the Arrow reader) when the file is gzip-compressed, when DuckDB sees other column names
    than Arrow's header, or when one check pass over the whole file rejects any row (wrong number of
    fields, unclosed quote, invalid UTF-8, over-long line): only the Arrow reader knows each bad row's
    reason and physical line.  Values stay text as written; an empty field is ``""`` (as in the Arrow
    reader), not null.
    """
    with open(path, "rb") as fh:
        if fh.read(2) == b"\x1f\x8b":
            return None
    cols = "{" + ", ".join(f"{_sql_literal(n)}: 'VARCHAR'" for n in names) + "}"
    delim = _sql_literal(delimiter)
    src = (f"read_csv({_sql_literal(str(path))}, header=true, auto_detect=false, delim={delim}, quote='\"', "
           f"escape='\"', columns={cols}, all_varchar=true, store_rejects=true)")
    # No progress bar: a pass over a large file would draw one on the user's stdout.
    con = duckdb.connect()
    try:
        con.execute("SET enable_progress_bar = false")
        # Every column is read (a bare count(*) skips the field checks), so each bad row lands in reject_errors.
        con.execute(f"SELECT count(COLUMNS(*)) FROM {src}").fetchall()
        if con.execute("SELECT count(*) FROM reject_errors").fetchone()[0]:
            con.close()
            return None
        reader = con.execute(f"SELECT to_json(t)::VARCHAR AS raw FROM (SELECT coalesce(COLUMNS(*), '') FROM {src}) t"
                             ).fetch_record_batch(CHUNK_RECORDS)
    except duckdb.Error:
        con.close()
        return None
    return _numbered(reader, con)


def _numbered(reader, con) -> Iterator[pa.Table]:
    """Record batches of ``raw`` JSON text as chunks numbered 1, 2, ... (closes ``con`` at the end)."""
    row = 1
    try:
        for batch in reader:
            n = batch.num_rows
            if n:
                yield pa.Table.from_arrays([pa.array(np.arange(row, row + n, dtype=np.int64)), batch.column(0),
                                            pa.nulls(n, pa.string())], schema=CHUNK_SCHEMA)
                row += n
    finally:
        con.close()


def _sql_literal(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def _cut_swallowed_tail(path: Path, batch: pa.RecordBatch, bad: list, kind: str) -> pa.RecordBatch:
    """Find a last record whose quoted value ran to the end of the file without a closing quote.

    Such a value is the record's last (an unclosed quote in an earlier column leaves the record short of
    columns, a malformed row), holds a line break, and the file does not end with the quote that would
    close it.  The record is moved to ``bad`` (as its raw text, marked ``unterminated``) for line-wise recovery.
    """
    n = batch.num_rows
    if n == 0:
        return batch
    values = [batch.column(i)[n - 1].as_py() for i in range(batch.num_columns)]
    last = values[-1] or ""
    if "\n" not in last and "\r" not in last:  # a closed multi-line value in an earlier column is fine
        return batch
    with open_binary(path) as fh:
        try:
            fh.seek(-64, 2)
        except (OSError, ValueError):
            fh.seek(0)
        end = fh.read().rstrip()
    if end.endswith(b'"'):
        return batch
    bad.append((None, values))
    return batch.slice(0, n - 1)


def _bad_csv_rows(path: Path, encoding: str, bad: list, names: list[str], delimiter: str, kind: str) -> pa.Table:
    """Quarantine rows for the malformed records, with physical line numbers; rows swallowed by an
    unterminated quote are read again line by line (Python's csv module, strict quoting)."""
    import csv

    out: list[tuple[int, str, str | None]] = []
    texts = []
    for text, reason in bad:
        if text is None:  # a swallowed tail: rebuild its text from the values
            texts.append((_join_csv(reason, delimiter), "tail"))
        else:
            texts.append((text, reason))
    firsts = [t.replace("\r\n", "\n").replace("\r", "\n").split("\n", 1)[0] for t, _ in texts]
    lines = _line_numbers(path, encoding, firsts)
    for (text, reason), first, line in zip(texts, firsts, lines):
        parts = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        # Only a first line with an odd number of quotes opened a field it did not close.
        swallowed = len(parts) > 1 and (reason == "tail" or first.count('"') % 2 == 1)
        if not swallowed:
            out.append((line or -1, text, reason))
            continue
        out.append((line or -1, first, f"unterminated quote: a quoted {kind} field opened on this line is "
                                       f"never closed (the lines after it were read one by one)"))
        for k, part in enumerate(parts[1:], 1):
            if not part.strip():
                continue
            row = (line or -1) + k if line else -1
            try:
                fields = next(csv.reader([part], delimiter=delimiter, strict=True))
            except csv.Error:
                out.append((row, part, f"unterminated quote: a quoted {kind} field is never closed"))
                continue
            if len(fields) != len(names):
                out.append((row, part, f"malformed {kind} row: expected {len(names)} columns, got {len(fields)}"))
            else:
                out.append((row, json.dumps(dict(zip(names, fields)), ensure_ascii=False), None))
    return pa.Table.from_arrays([pa.array([o[0] for o in out], pa.int64()), pa.array([o[1] for o in out], pa.string()),
                                 pa.array([o[2] for o in out], pa.string())], schema=CHUNK_SCHEMA)


def _join_csv(values: list, delimiter: str) -> str:
    """The text of a record from its values (for a swallowed tail: the first value opened the quote)."""
    out = []
    for v in values:
        v = v or ""
        out.append('"' + v if ("\n" in v or "\r" in v) else v)
    return delimiter.join(out)


def _line_numbers(path: Path, encoding: str, needles: list[str]) -> list[int | None]:
    """Physical line numbers of lines that start with each needle, found in file order (streamed)."""
    enc = "utf-8" if encoding in ("utf-8", "utf-8-sig") else encoding
    out: list[int | None] = []
    with open_binary(path) as fh:
        buf, base, pos = b"\n", 0, 0  # a leading "\n" lets every match be anchored at a line start
        for text in needles:
            try:
                needle = b"\n" + text.encode(enc)
            except (UnicodeEncodeError, LookupError):
                out.append(None)
                continue
            while True:
                i = buf.find(needle, pos)
                if i >= 0:
                    out.append(base + buf.count(b"\n", 0, i + 1))
                    pos = i + 1
                    break
                block = fh.read(CHUNK_BYTES)
                if not block:
                    out.append(None)
                    break
                keep = max(pos, len(buf) - len(needle) + 1, 0)  # no match can start before this
                base += buf.count(b"\n", 0, keep)
                buf, pos = buf[keep:] + block, 0
    return out


def read_parquet(path: Path) -> Iterator[pa.Table]:
    import pyarrow.parquet as pq

    try:
        pf = pq.ParquetFile(path)
    except (pa.ArrowInvalid, OSError) as exc:
        raise CurateError(f"{path}: not a readable Parquet file (truncated or corrupt: "
                          f"{str(exc).splitlines()[0]})") from None

    def batches() -> Iterator[pa.RecordBatch]:
        try:
            yield from pf.iter_batches(batch_size=CHUNK_RECORDS)
        except (pa.ArrowException, OSError) as exc:
            raise CurateError(f"{path}: Parquet data is truncated or corrupt ({str(exc).splitlines()[0]}); "
                              "rows read before the damage were kept") from None

    yield from _arrow_batches_to_chunks(batches())


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


def sniff_delimiter(path: str | Path, fmt: str = "csv") -> str:
    """The delimiter of the CSV/TSV file ``path``, from its head (see :mod:`curate.ingest.delimiter`; ``fmt``
    ``csv`` or ``tsv`` names the preferred one). An unreadable head gives the preferred one (the reader
    then reports the problem itself)."""
    from curate.ingest.delimiter import HEAD_BYTES, default_delimiter, sniff_delimiter_text

    preferred = default_delimiter(fmt)
    try:
        with open_binary(Path(path)) as fh:
            head = fh.read(HEAD_BYTES + 1)
        sample = head[:HEAD_BYTES]
        text = sample.decode(detect_encoding(sample), errors="replace")
    except (OSError, EOFError, LookupError, ValueError):
        return preferred
    return sniff_delimiter_text(text, preferred, complete=len(head) <= HEAD_BYTES)


def read_source(path: Path, fmt: str, max_bytes: int) -> Iterator[pa.Table]:
    if fmt == "jsonl":
        return read_jsonl(path, max_bytes)
    if fmt == "json":
        return read_json_array(path, max_bytes)
    if fmt in ("csv", "tsv"):
        return read_delimited(path, sniff_delimiter(path, fmt))
    if fmt == "parquet":
        return read_parquet(path)
    if fmt == "text":
        return read_text_folder(path, max_bytes)
    if fmt == "hf":
        return read_hf(path)
    raise CurateError(f"unknown format '{fmt}'")
