"""Ingestion: sources → documents + quarantine, one SQL pass per chunk.

Every record read ends in exactly one of three buckets, and the summary says how
many: ``ingested`` (new document), ``duplicates`` (its doc_id is already in the
workspace, e.g. the same file ingested again) or ``quarantined`` (with a reason
and the raw content).  ``rows_read = ingested + duplicates + quarantined``.

Each chunk of a source is committed in its own DuckLake transaction (bounded memory);
a crash or kill mid-file keeps the committed chunks, and re-running the same ingest
completes the file without duplicating anything (committed rows count as duplicates).
"""

from __future__ import annotations

import json
import queue
import threading
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

import pyarrow as pa
import xxhash

from curate.dbutil import transaction
from curate.errors import CurateError
from curate.ingest.nfc import needs_nfc_pattern
from curate.ingest.readers import check_source, detect_format, flag_records, read_source
from curate.ingest.shapes import SFT_FIELDS, chat_text_sql, sft_text_sql
from curate.storage import Lake, LineageKind, now

DEFAULT_MAX_RECORD_BYTES = 1_000_000
DEFAULT_MAX_DEPTH = 64


@dataclass
class IngestOptions:
    fmt: str | None = None
    text_field: str | None = None  # None: "text", else SFT or chat shapes are recognised
    id_field: str | None = None
    source_name: str | None = None
    max_record_bytes: int = DEFAULT_MAX_RECORD_BYTES
    max_depth: int = DEFAULT_MAX_DEPTH  # deeper JSON nesting is quarantined (later stages recurse over it)


@dataclass
class IngestResult:
    source: str
    source_uri: str
    format: str
    ingest_id: str
    rows_read: int = 0
    ingested: int = 0
    duplicates: int = 0
    quarantined: int = 0
    reasons: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return asdict(self)


def _path_literal(field_name: str) -> str:
    return "'$.\"" + field_name.replace("'", "''").replace('"', '\\"') + "\"'"


def _sql_str(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


# A character that shows: anything but separators/spaces, controls, format characters, variation
# selectors and the letters that render blank.
_VISIBLE = r"[^\s\p{Z}\p{Cc}\p{Cf}\x{FE00}-\x{FE0F}\x{E0100}-\x{E01EF}\x{115F}\x{1160}\x{3164}\x{FFA0}\x{2800}\x{034F}]"


def build_prepare_sql(opts: IngestOptions, source: str, ingest_id: str) -> str:
    """The one SQL statement that validates, maps and normalises a chunk (registered as ``_chunk``)."""
    tf = opts.text_field or "text"
    tp = _path_literal(tf)
    explicit = opts.text_field is not None
    drop_text = _sql_str(json.dumps({tf: None}))
    drop_sft = _sql_str(json.dumps({k: None for k in SFT_FIELDS}))
    drop_chat = _sql_str(json.dumps({"messages": None}))
    id_expr = f"json_extract_string(j, {_path_literal(opts.id_field)})" if opts.id_field else "NULL"
    shape_sft = "NULL" if explicit else (
        "CASE WHEN instr_t IS NOT NULL OR out_t IS NOT NULL THEN 'sft' "
        "WHEN msg_t IS NOT NULL THEN 'chat' END")
    maxb = int(opts.max_record_bytes)
    if opts.id_field:
        # An id seen before (earlier in this file, or already stored) with other content is an update,
        # not a duplicate: it is quarantined as a conflict so it is never silently dropped.
        id_name = opts.id_field.replace("'", "''")
        conflict_sql = f"""SELECT k.* REPLACE (coalesce(k.reason, CASE
            WHEN coalesce(d.content_hash, k.first_hash) <> k.content_hash
            THEN 'id conflict: {id_name} already ingested with different content' END) AS reason)
  FROM (SELECT *, first(CASE WHEN reason IS NULL THEN content_hash END ORDER BY (reason IS NOT NULL), source_row)
                    OVER (PARTITION BY doc_id) AS first_hash FROM keyed) k
  LEFT JOIN (SELECT doc_id, content_hash FROM lake.documents
             WHERE doc_id IN (SELECT doc_id FROM keyed WHERE rec_id IS NOT NULL)) d ON d.doc_id = k.doc_id"""
    else:
        conflict_sql = "SELECT * FROM keyed"
    return f"""
WITH base AS (
  -- json_valid parses without building a copy; the JSON functions below read the text directly
  -- (DuckDB evaluates a CASE branch only for the rows that take it, so invalid rows are never parsed again).
  SELECT source_row, raw, error, strlen(raw) AS nbytes,
         CASE WHEN error IS NULL AND strlen(raw) <= {maxb} AND json_valid(raw) THEN raw END AS j
  FROM _chunk
), typed AS (
  -- Checking the first byte for an object saves a full JSON parse per row.
  SELECT *, CASE WHEN j IS NULL THEN NULL WHEN left(ltrim(j::VARCHAR), 1) = chr(123) THEN 'OBJECT' ELSE json_type(j) END AS jt,
         json_extract(j, {tp}) AS text_j
  FROM base
), typed2 AS (
  -- The type of the text value is read off its first character, and the string is unescaped from the
  -- small extracted value, not from the whole record again.
  SELECT *, CASE WHEN text_j IS NULL THEN NULL
                 WHEN left(text_j::VARCHAR, 1) = '"' THEN 'VARCHAR'
                 ELSE json_type(text_j) END AS text_t,
            CASE WHEN left(text_j::VARCHAR, 1) = '"' THEN text_j->>'$' END AS text_v
  FROM typed
), fields AS (
  -- The SFT/chat fields are only looked up for records without a text field: most rows parse the JSON twice, not ten times.
  SELECT *,
         CASE WHEN text_t IS NULL THEN json_type(j, '$.instruction') END AS instr_t,
         CASE WHEN text_t IS NULL THEN json_extract_string(j, '$.instruction') END AS instr_v,
         CASE WHEN text_t IS NULL THEN json_type(j, '$.input') END AS in_t,
         CASE WHEN text_t IS NULL THEN json_extract_string(j, '$.input') END AS in_v,
         CASE WHEN text_t IS NULL THEN json_type(j, '$.output') END AS out_t,
         CASE WHEN text_t IS NULL THEN json_extract_string(j, '$.output') END AS out_v,
         CASE WHEN text_t IS NULL THEN json_type(j, '$.messages') END AS msg_t,
         {id_expr} AS rec_id
  FROM typed2
), shaped AS (
  SELECT *, CASE WHEN jt = 'OBJECT' AND text_t IS NOT NULL AND text_t <> 'NULL' THEN 'text'
                 WHEN jt = 'OBJECT' THEN {shape_sft} END AS shape
  FROM fields
), mapped AS (
  SELECT *,
    CASE shape
      WHEN 'text' THEN text_v
      WHEN 'sft' THEN {sft_text_sql("instr_v", "in_v", "out_v")}
      WHEN 'chat' THEN {chat_text_sql("json_extract_string(j, '$.messages[*].content')")}
    END AS text0,
    CASE WHEN shape = 'chat' THEN json_extract(j, '$.messages')::VARCHAR END AS messages0
  FROM shaped
), checked AS (
  SELECT *, curate_norm(text0) AS text1,
    CASE
      WHEN error IS NOT NULL THEN error
      WHEN nbytes > {maxb} THEN 'oversize record: ' || nbytes || ' bytes > limit {maxb}'
      WHEN j IS NULL THEN 'malformed JSON'
      WHEN jt <> 'OBJECT' THEN 'schema violation: record is a JSON ' || lower(jt) || ', not an object'
      WHEN shape IS NULL AND text_t = 'NULL' THEN 'missing text: field ''{tf}'' is null'
      WHEN shape IS NULL THEN 'missing text field ''{tf}''{'' if explicit else ' (and no instruction/output or messages)'}'
      WHEN shape = 'text' AND text_t <> 'VARCHAR'
        THEN 'schema violation: field ''{tf}'' is ' || CASE WHEN text_t IN ('UBIGINT', 'BIGINT', 'DOUBLE') THEN 'a number' ELSE lower(text_t) END || ', expected a string'
      WHEN shape = 'sft' AND (coalesce(instr_t, 'VARCHAR') <> 'VARCHAR' OR coalesce(out_t, 'NULL') <> 'VARCHAR'
                              OR coalesce(in_t, 'VARCHAR') NOT IN ('VARCHAR', 'NULL'))
        THEN 'schema violation: SFT record needs string instruction and output (input optional)'
      WHEN strpos(text0, chr(0)) > 0 THEN 'binary data: NUL character (U+0000) in the text'
      WHEN shape = 'chat' AND (msg_t <> 'ARRAY' OR json_array_length(j, '$.messages') = 0
             OR len(list_filter(json_extract_string(j, '$.messages[*].content'), x -> x IS NOT NULL))
                <> json_array_length(j, '$.messages')
             OR len(list_filter(json_extract_string(j, '$.messages[*].role'),
                    x -> x IN ('system', 'user', 'assistant', 'tool'))) <> json_array_length(j, '$.messages'))
        THEN 'schema violation: messages must be a non-empty array of {{role, content}} with role system/user/assistant/tool'
    END AS reason0
  FROM mapped
), final AS (
  -- Empty: nothing visible left, i.e. only whitespace, format characters (zero-width space/joiners,
  -- BOM, bidi marks), controls, variation selectors and the blank letters (Hangul fillers, braille blank).
  SELECT *, coalesce(reason0, CASE WHEN text1 IS NULL OR NOT regexp_matches(text1, '{_VISIBLE}') THEN 'empty text' END) AS reason,
         md5(concat_ws(chr(31), text1, coalesce(messages0, ''))) AS content_hash
  FROM checked
), keyed AS (
  SELECT *, substr(md5({_sql_str(source)} || chr(31) ||
      CASE WHEN rec_id IS NOT NULL THEN 'id:' || rec_id ELSE source_row::VARCHAR || chr(31) || content_hash END), 1, 20)
    AS doc_id
  FROM final
), resolved AS (
  {conflict_sql}
)
SELECT
  reason, source_row,
  CASE WHEN reason IS NULL THEN NULL WHEN nbytes > {maxb} THEN left(raw, 2048) || ' …' ELSE raw END AS raw,
  doc_id,
  text1 AS text,
  CASE WHEN shape = 'sft' THEN curate_norm(instr_v) END AS instruction,
  CASE WHEN shape = 'sft' THEN curate_norm(in_v) END AS input,
  CASE WHEN shape = 'sft' THEN curate_norm(out_v) END AS output,
  CASE WHEN shape = 'chat' THEN curate_nfc(messages0) END AS messages,
  CASE shape WHEN 'text' THEN json_merge_patch(j, {drop_text})
             WHEN 'sft' THEN json_merge_patch(j, {drop_sft})
             WHEN 'chat' THEN json_merge_patch(j, {drop_chat}) END::VARCHAR AS meta,
  content_hash
FROM resolved
"""


# HTML → text only where markup is present, and NFC only where it can change the
# string (see curate.ingest.nfc): most rows skip both.
_NORM_MACRO = r"""
CREATE OR REPLACE MACRO curate_nfc(s) AS
  CASE WHEN regexp_matches(s, '@NFC@') THEN nfc_normalize(s) ELSE s END;
CREATE OR REPLACE MACRO curate_norm(s) AS
  CASE WHEN s IS NULL THEN NULL
       -- One regex pass decides whether the row needs any work at all.
       WHEN NOT regexp_matches(s, '<[A-Za-z!/]|&(amp|lt|gt|quot|apos|nbsp|#[0-9]+);|@NFC@') THEN s
       WHEN regexp_matches(s, '<[A-Za-z!/][^>]*>|&(amp|lt|gt|quot|apos|nbsp|#[0-9]+);') THEN
         trim(regexp_replace(regexp_replace(
           replace(replace(replace(replace(replace(replace(
             regexp_replace(regexp_replace(regexp_replace(curate_nfc(s),
               '<(script|style)[^>]*>[^<]*</(script|style)>', ' ', 'gi'),
               '<br\s*/?>|</p>|</div>|</li>|</tr>|</h[1-6]>', chr(10), 'gi'),
               '<[^>]+>', '', 'g'),
             '&nbsp;', ' '), '&lt;', '<'), '&gt;', '>'), '&quot;', '"'), '&#39;', ''''), '&amp;', '&'),
           '[ \t]+', ' ', 'g'), ' ?\n ?', chr(10), 'g'))
       ELSE nfc_normalize(s) END
"""


def _file_hash(path: Path) -> str:
    h = xxhash.xxh3_128()
    if path.is_dir():
        for f in sorted(p for p in path.rglob("*") if p.is_file()):
            h.update(str(f.relative_to(path)).encode())
            h.update(f.read_bytes())
        return h.hexdigest()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 22), b""):
            h.update(block)
    return h.hexdigest()


def _source_size(path: Path) -> int:
    if path.is_dir():
        return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
    return path.stat().st_size


def ingest_file(ws: Lake, path: Path, opts: IngestOptions,
                progress: Callable[[int], None] | None = None) -> IngestResult:
    check_source(path)
    fmt = detect_format(path, opts.fmt)
    source = opts.source_name or path.name
    ingest_id = uuid.uuid4().hex[:16]
    result = IngestResult(source=source, source_uri=str(path.resolve()), format=fmt, ingest_id=ingest_id)
    started = now()
    con = ws.con
    con.execute(_NORM_MACRO.replace("@NFC@", needs_nfc_pattern()))
    prepare_sql = build_prepare_sql(opts, source, ingest_id)
    file_hash = _file_hash(path)
    strict = fmt == "jsonl"  # other readers produce their JSON text themselves
    chunks = (flag_records(c, opts.max_depth, strict_json=strict) for c in read_source(path, fmt, opts.max_record_bytes))
    for chunk in prefetch(chunks):
        # One transaction per chunk: DuckLake keeps a transaction's new data in memory until it commits,
        # so a whole-file transaction would grow with the file. A kill loses at most the chunk in
        # flight; re-running the ingest completes the file, because committed rows count as duplicates.
        with transaction(con):
            result.rows_read += chunk.num_rows
            # Small record batches let DuckDB spread one chunk over all its threads (measured 1.6x on 2 cores).
            con.register("_chunk", pa.Table.from_batches(chunk.to_batches(max_chunksize=4096)))
            # A temp table keeps the prepared rows in DuckDB's own format (no Arrow round trip).
            con.execute(f"CREATE OR REPLACE TEMP TABLE _prepared AS {prepare_sql}")
            con.unregister("_chunk")
            ts = now()
            inserted = _insert_documents(con, source, result.source_uri, ingest_id, ts)
            con.execute("""
                INSERT INTO lake.quarantine
                SELECT ?, ?, ?, source_row, reason, raw, ? FROM _prepared p WHERE reason IS NOT NULL
                  AND NOT EXISTS (SELECT 1 FROM lake.quarantine q WHERE q.source = ? AND q.source_row = p.source_row
                                  AND md5(q.raw) = md5(p.raw))
            """, [ingest_id, source, result.source_uri, ts, source])
            # Rows already quarantined by an earlier ingest still count as quarantined, not lost.
            bad = 0
            for reason, n in con.execute(
                    "SELECT regexp_replace(reason, '[0-9]+ bytes', 'N bytes'), count(*) FROM _prepared "
                    "WHERE reason IS NOT NULL GROUP BY 1").fetchall():
                result.reasons[reason] = result.reasons.get(reason, 0) + n
                bad += n
            con.execute("DROP TABLE _prepared")
        result.ingested += inserted
        result.quarantined += bad
        result.duplicates += chunk.num_rows - inserted - bad
        if progress:
            progress(_approx_bytes(chunk))
    with transaction(con):
        con.execute("INSERT INTO lake.ingests VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [ingest_id, source, result.source_uri, fmt, file_hash, result.rows_read, result.ingested,
                     result.duplicates, result.quarantined, started, now()])
        ws.record_lineage(LineageKind.INGEST, f"ingest:{ingest_id}", result.source_uri, result.as_dict(), con=con)
    return result


def prefetch(chunks: Iterable[pa.Table], depth: int = 2) -> Iterator[pa.Table]:
    """Read the next chunks in a thread while DuckDB (which releases the GIL) processes this one.

    Memory stays bounded: at most ``depth`` chunks wait in the queue.
    """
    q: queue.Queue = queue.Queue(maxsize=depth)
    done = object()
    stop = threading.Event()

    def produce() -> None:
        try:
            for item in chunks:
                if stop.is_set():
                    return
                q.put(item)
            q.put(done)
        except BaseException as exc:  # re-raised in the consumer
            q.put(exc)

    worker = threading.Thread(target=produce, daemon=True, name="curate-ingest-reader")
    worker.start()
    try:
        while True:
            item = q.get()
            if item is done:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        while worker.is_alive():  # unblock a producer waiting on a full queue
            try:
                q.get_nowait()
            except queue.Empty:
                worker.join(0.05)


def _insert_documents(con, source: str, source_uri: str, ingest_id: str, ts) -> int:
    return con.execute("""
        INSERT INTO lake.documents (doc_id, text, instruction, input, output, messages, meta, source, source_uri,
                                    source_row, content_hash, ingest_id, ingested_at)
        SELECT doc_id, text, instruction, input, output, messages, meta, ?, ?, source_row, content_hash, ?, ?
        FROM _prepared p
        WHERE reason IS NULL AND doc_id NOT IN (SELECT doc_id FROM lake.documents)
        QUALIFY row_number() OVER (PARTITION BY doc_id ORDER BY source_row) = 1
    """, [source, source_uri, ingest_id, ts]).fetchone()[0]


def _approx_bytes(chunk: pa.Table) -> int:
    return chunk.column("raw").nbytes + chunk.num_rows


def text_field_per_source(sources: list[str], text_fields: Iterable[str]) -> dict[str, str | None]:
    """Resolve ``--text-field`` values (``FIELD`` or ``SOURCE:FIELD``) to one field per source.

    ``SOURCE`` is a source as given or its file name.  A plain ``FIELD`` applies to every source
    without its own; none means the default (``text``, else SFT or chat shapes).

    Raises:
        CurateError: two plain fields, or a ``SOURCE:`` that names no given source.
    """
    plain: list[str] = []
    named: dict[str, str] = {}
    for value in text_fields:
        left, sep, right = value.rpartition(":")
        hits = [s for s in sources if sep and right and left in (s, Path(s).name)]
        if hits:
            for s in hits:
                named[s] = right
        elif sep and left and any(left == Path(s).name or left == s for s in sources):
            raise CurateError(f"--text-field {value}: no field after ':'")
        elif sep and left and (Path(left).suffix or "/" in left):
            raise CurateError(f"--text-field {value}: '{left}' is not one of the sources given")
        else:
            plain.append(value)
    if len(plain) > 1:
        raise CurateError(f"--text-field given {len(plain)} times without a source; use SOURCE:FIELD for each")
    return {s: named.get(s, plain[0] if plain else None) for s in sources}


def all_quarantined_error(results: list[dict]) -> str | None:
    """The message for sources whose every row was quarantined (None when each source kept a row).

    Such a run should not look like success: the usual cause is a wrong ``--text-field``.
    """
    bad = [r for r in results if r["rows_read"] and r["ingested"] + r["duplicates"] == 0]
    if not bad:
        return None
    parts = []
    for r in bad:
        reason, _ = max(r["reasons"].items(), key=lambda kv: kv[1]) if r["reasons"] else ("unknown", 0)
        parts.append(f"{r['source']}: all {r['rows_read']} rows were quarantined (most: {reason})")
    return "; ".join(parts) + " — check --text-field/--format, or see `curate quarantine`"


def ingest_sources(ws: Lake, sources: Iterable[str | Path], opts: IngestOptions | None = None,
                   progress_factory=None, **kwargs) -> list[IngestResult]:
    """Ingest several files or folders; each is its own transaction."""
    ws.require_writable()
    opts = opts or IngestOptions(**kwargs)
    paths = [Path(src) for src in sources]
    for path in paths:  # every source is checked before the first is read
        check_source(path)
    results = []
    for path in paths:
        if progress_factory:
            with progress_factory(f"ingest {path.name}", _source_size(path)) as advance:
                results.append(ingest_file(ws, path, opts, progress=advance))
        else:
            results.append(ingest_file(ws, path, opts))
    return results
