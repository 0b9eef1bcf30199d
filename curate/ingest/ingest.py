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
import re
import threading
import uuid
from contextlib import closing
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

import numpy as np
import pyarrow as pa
import pyarrow.compute  # noqa: F401 - pa.compute
import xxhash

from curate.dbutil import quiet, transaction
from curate.keyed import keyed_id, workspace_key
from curate.errors import CurateError
from curate.ingest.jsonscan import TYPE_NAMES, scan
from curate.ingest.ordered import default_threads, ordered_map
from curate.ingest.readers import (CHUNK_SCHEMA, LAX_COMMA_RE2, LineBlock, RawLines, check_source, detect_format,
                                   flag_records, flag_row, raw_lines, read_jsonl_blocks, read_source)
from curate.ingest.shapes import (PROMPT_FIELDS, SFT_FIELDS, SHAREGPT_FIELD, chat_text_sql, concat_turns_sql,
                                  message_texts_sql, messages_ok_sql, role_sql,
                                  sft_text_sql, turns_sql, unknown_role_reason_sql, unknown_role_sql,
                                  with_source_shape_sql)
from curate.storage import Lake, LineageKind, now
from curate.text.html import MARKUP_HINT_RE2, html_to_text
from curate.text.nfc import needs_nfc_pattern

DEFAULT_MAX_RECORD_BYTES = 1_000_000
DEFAULT_MAX_DEPTH = 64


@dataclass
class IngestOptions:
    fmt: str | None = None
    text_field: str | None = None  # None: "text", else SFT or chat shapes are recognised
    id_field: str | None = None
    # With id_field, a known id whose content changed: "quarantine" it as a conflict with its reason,
    # or keep it as a new "version" (own doc_id, linked to the record in lake.record_versions).
    on_id_conflict: str = "quarantine"
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
    versions: int = 0  # of the ingested rows, new versions of a known id (on_id_conflict="version")
    delimiter: str | None = None  # CSV/TSV: the delimiter sniffed and used (curate.ingest.delimiter)

    def as_dict(self) -> dict:
        return asdict(self)


def _path_literal(field_name: str) -> str:
    return "'$.\"" + field_name.replace("'", "''").replace('"', '\\"') + "\"'"


def _sql_str(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


# A character that shows: anything but separators/spaces, controls, format characters, variation
# selectors and the letters that render blank.
_VISIBLE = r"[^\s\p{Z}\p{Cc}\p{Cf}\x{FE00}-\x{FE0F}\x{E0100}-\x{E01EF}\x{115F}\x{1160}\x{3164}\x{FFA0}\x{2800}\x{034F}]"


def record_hash_sql(content_hash: str, meta: str) -> str:
    """SQL: a row's record hash, MD5 (hex) of its ``content_hash`` and its ``meta`` JSON text.

    It is what the ingest-level duplicate check compares: a row is a duplicate of a stored one only when the
    whole record (text, messages *and* metadata) is the same; ``content_hash`` alone (text + messages, what
    dedup and exports read) would call a row whose status changed from ``open`` to ``closed`` a duplicate
    and drop it."""
    return f"md5(concat_ws(chr(31), {content_hash}, coalesce({meta}, '')))"


def _json_type_sql(value: str) -> str:
    """SQL: the JSON type of an extracted JSON value (NULL when absent) from its first character:
    VARCHAR, OBJECT, ARRAY, NULL, BOOLEAN or NUMBER (no second parse)."""
    return (f"CASE WHEN {value} IS NULL THEN NULL ELSE CASE left({value}::VARCHAR, 1) WHEN '\"' THEN 'VARCHAR' "
            f"WHEN '{{' THEN 'OBJECT' WHEN '[' THEN 'ARRAY' WHEN 'n' THEN 'NULL' WHEN 't' THEN 'BOOLEAN' "
            f"WHEN 'f' THEN 'BOOLEAN' ELSE 'NUMBER' END END")


def doc_id_salt(ws: Lake) -> str:
    """The secret prefixed to what a ``doc_id`` hashes, fixed at the first ingest into the workspace (the raw
    zone's ``settings`` table): 32 hex characters derived from the workspace key (``secrets/pii.key``, the key of
    the export's keyed ids), so two workspaces that share the key — a team's stewards, a local and a Ray
    workspace — give the same file the same doc_ids.

    Without it a doc_id is ``md5(source, id)`` of the ``--id-field`` value (a mobile or account number: every
    10-digit phone is hashed in seconds) or ``md5(source, row, md5(text))``, and doc_ids leave the raw zone in
    snapshots, the curated zone and audit reports. A workspace that already holds documents without a salt keeps
    ``""``: its doc_ids stay what they were, so a re-ingest is still recognised (``curate status`` says
    "unkeyed"). Call under the writer lock (ingest holds it)."""
    salt = ws.setting("doc_id_salt")
    if salt is None:
        if ws.con.execute("SELECT count(*) > 0 FROM lake.documents").fetchone()[0]:
            salt = ""
        else:
            salt = keyed_id(workspace_key(ws.secrets_dir), "doc_id", purpose="doc_id_salt", chars=32)
        ws.set_setting("doc_id_salt", salt)
    return salt


def build_prepare_sql(opts: IngestOptions, source: str, ingest_id: str, salt: str = "") -> str:
    """The one SQL statement that validates, maps and normalises a chunk (registered as ``_chunk``); ``salt``:
    the workspace's doc_id salt (:func:`doc_id_salt`), prefixed to what a doc_id hashes."""
    tf = opts.text_field or "text"
    tp = _path_literal(tf)
    explicit = opts.text_field is not None
    drop_text = _sql_str(json.dumps({tf: None}))
    drop_sft = _sql_str(json.dumps({k: None for k in SFT_FIELDS}))
    drop_chat = _sql_str(json.dumps({"messages": None}))
    drop_sharegpt = _sql_str(json.dumps({SHAREGPT_FIELD: None}))
    drop_pc = _sql_str(json.dumps({k: None for k in PROMPT_FIELDS}))
    # The shape without a text field, first match wins (see curate.ingest.shapes): SFT, messages, ShareGPT,
    # prompt/completion.
    shape_sft = "NULL" if explicit else (
        "CASE WHEN instr_t IS NOT NULL OR out_t IS NOT NULL THEN 'sft' "
        "WHEN msg_t IS NOT NULL THEN 'chat' WHEN conv_t IS NOT NULL THEN 'sharegpt' "
        "WHEN pr_t IS NOT NULL OR co_t IS NOT NULL THEN 'prompt-completion' END")
    maxb = int(opts.max_record_bytes)
    if opts.id_field:
        # An id seen before (earlier in this file, or already stored) with other content is an update,
        # not a duplicate: it is quarantined as a conflict, or kept as a new version under its own doc_id
        # (source + id + content: ingesting the same update again is a duplicate), never dropped.
        # "Other content" is the whole record (record_hash_sql: text, messages and metadata): a changed status
        # is an update too.
        id_name = opts.id_field.replace("'", "''")
        changed = "k.reason IS NULL AND coalesce(d.record_hash, k.first_hash) <> k.record_hash"
        conflict = f"'id conflict: {id_name} already ingested with different content'"
        if opts.on_id_conflict == "version":
            doc_expr = (f"CASE WHEN {changed} THEN substr(md5({_sql_str(salt + source)} || chr(31) || 'id:' || k.rec_id "
                        f"|| chr(31) || k.record_hash), 1, 20) ELSE k.doc_id END")
            reason_expr, version_expr = "k.reason", f"CASE WHEN {changed} THEN k.doc_id END"
        else:
            doc_expr, version_expr = "k.doc_id", "NULL::VARCHAR"
            reason_expr = f"coalesce(k.reason, CASE WHEN {changed} THEN {conflict} END)"
        conflict_sql = f"""SELECT k.* EXCLUDE (doc_id, reason), {doc_expr} AS doc_id, {reason_expr} AS reason,
         {version_expr} AS version_of
  FROM (SELECT *, first(CASE WHEN reason IS NULL THEN record_hash END ORDER BY (reason IS NOT NULL), source_row)
                    OVER (PARTITION BY doc_id) AS first_hash FROM hashed) k
  LEFT JOIN (SELECT doc_id, {record_hash_sql("content_hash", "meta")} AS record_hash FROM lake.documents
             WHERE doc_id IN (SELECT doc_id FROM hashed WHERE rec_id IS NOT NULL)) d ON d.doc_id = k.doc_id"""
    else:
        conflict_sql = "SELECT *, NULL::VARCHAR AS version_of FROM hashed"
    # One parse per record for every field the shapes read (json_extract with a list of paths); types
    # are read off each extracted value's first character, and strings are unescaped from the small
    # extracted value, not from the whole record again.
    paths = [tp] if explicit else [tp, "'$.instruction'", "'$.input'", "'$.output'", "'$.messages'",
                                   _path_literal(SHAREGPT_FIELD), *map(_path_literal, PROMPT_FIELDS)]
    id_expr = "NULL"
    if opts.id_field:
        paths.append(_path_literal(opts.id_field))
        id_expr = f"v[{len(paths)}]->>'$'"
    other = ("conv_t", "cv", "pr_t", "prv", "co_t", "cov")  # ShareGPT and prompt/completion: types and JSON values
    sft_fields = ", ".join(f"NULL::VARCHAR AS {n}" for n in ("instr_t", "instr_v", "in_t", "in_v", "out_t", "out_v", "msg_t",
                                                             *other))
    sft_fields += ", NULL::JSON AS mv"
    if not explicit:
        # Only for records without a text field (a record with one is a text record whatever else it holds).
        sft_fields = ", ".join(f"CASE WHEN text_t IS NULL THEN {e} END AS {n}" for n, e in (
            ("instr_t", _json_type_sql("v[2]")), ("instr_v", "v[2]->>'$'"), ("in_t", _json_type_sql("v[3]")),
            ("in_v", "v[3]->>'$'"), ("out_t", _json_type_sql("v[4]")), ("out_v", "v[4]->>'$'"), ("mv", "v[5]"),
            ("msg_t", _json_type_sql("v[5]")), ("conv_t", _json_type_sql("v[6]")), ("cv", "v[6]::VARCHAR"),
            ("pr_t", _json_type_sql("v[7]")), ("prv", "v[7]::VARCHAR"), ("co_t", _json_type_sql("v[8]")),
            ("cov", "v[8]::VARCHAR")))
    unknown_role_field = (f"CASE src_fmt WHEN 'sharegpt' THEN '{SHAREGPT_FIELD}' "
                          "WHEN 'prompt-completion' THEN 'prompt/completion' ELSE 'messages' END")
    meta_sql = with_source_shape_sql("CASE WHEN kmeta IS NOT NULL THEN kmeta WHEN regexp_matches(meta0, '[0-9][.eE]') "
                                     "THEN curate_raw_numbers(meta0, j, meta_drop) ELSE meta0 END", "shape_info")
    return f"""
WITH base AS (
  -- The per-record path (records the compiled scan left alone, see curate.ingest.jsonscan): json_valid
  -- parses without building a copy (DuckDB evaluates a CASE branch only for the rows that take it, so
  -- invalid rows are never parsed again).
  SELECT source_row, raw, error, strlen(raw) AS nbytes,
         CASE WHEN error IS NULL AND strlen(raw) <= {maxb} AND json_valid(raw) THEN raw END AS j
  FROM _chunk
), parsed AS (
  -- Checking the first byte for an object saves a full JSON parse per row.
  SELECT *, CASE WHEN j IS NULL THEN NULL WHEN starts_with(j, chr(123)) OR left(ltrim(j), 1) = chr(123) THEN 'OBJECT'
                 ELSE json_type(j) END AS jt,
         CASE WHEN j IS NOT NULL THEN json_extract(j, [{", ".join(paths)}]) END AS v
  FROM base
), typed AS (
  -- A top-level key written twice: DuckDB reads the first value, most parsers the last; which one the writer
  -- meant is unknown, so the record is quarantined rather than stored with one of them (the compiled scan leaves
  -- such records here).
  SELECT *, jt = 'OBJECT' AND len(json_keys(j)) <> len(list_distinct(json_keys(j))) AS dupkey,
         v[1] AS text_j, {_json_type_sql("v[1]")} AS text_t,
         CASE WHEN left(v[1]::VARCHAR, 1) = '"' THEN v[1]->>'$' END AS text_v
  FROM parsed
), fields AS (
  SELECT *, {sft_fields}, {id_expr} AS rec_id
  FROM typed
), records AS (
  SELECT source_row, raw, error, nbytes, j IS NOT NULL AS valid, jt, text_t, text_v, instr_t, instr_v, in_t, in_v,
         out_t, out_v, msg_t, mv::VARCHAR AS mv, conv_t, cv, pr_t, prv, co_t, cov, rec_id, j, NULL::VARCHAR AS kmeta,
         NULL::BOOLEAN AS knfc, dupkey
  FROM fields
  UNION ALL
  -- The fast path: records the compiled scan took, with their fields, types, meta and NFC pre-check (it takes
  -- no ShareGPT or prompt/completion record: those have no shape it knows, see curate.ingest.jsonscan).
  SELECT source_row, raw, NULL, 0, true, 'OBJECT', {_type_code_sql("t_text")}, text_v, {_type_code_sql("t_instr")},
         instr_v, {_type_code_sql("t_in")}, in_v, {_type_code_sql("t_out")}, out_v, {_type_code_sql("t_msg")}, mv,
         NULL, NULL, NULL, NULL, NULL, NULL, rec_id, NULL, kmeta, nfc, false
  FROM _fast
), shaped0 AS (
  SELECT *, CASE WHEN jt = 'OBJECT' AND text_t IS NOT NULL AND text_t <> 'NULL' THEN 'text'
                 WHEN jt = 'OBJECT' THEN {shape_sft} END AS shape0,
         pr_t = 'ARRAY' AND co_t = 'ARRAY' AS pc_chat
  FROM records
), shaped AS (
  -- ShareGPT becomes a chat (from/value -> role/content); prompt/completion an SFT record (two strings) or a
  -- chat (two message lists, prompt turns first). src_fmt keeps the format the record came in.
  SELECT * EXCLUDE (shape0, instr_t, instr_v, out_t, out_v, msg_t, mv),
    CASE WHEN shape0 = 'sharegpt' OR (shape0 = 'prompt-completion' AND pc_chat) THEN 'chat'
         WHEN shape0 = 'prompt-completion' THEN 'sft' ELSE shape0 END AS shape,
    CASE WHEN shape0 IN ('sharegpt', 'prompt-completion') THEN shape0 END AS src_fmt,
    CASE WHEN shape0 = 'prompt-completion' THEN pr_t ELSE instr_t END AS instr_t,
    CASE WHEN shape0 = 'prompt-completion' AND pr_t = 'VARCHAR' THEN prv::JSON->>'$' ELSE instr_v END AS instr_v,
    CASE WHEN shape0 = 'prompt-completion' THEN co_t ELSE out_t END AS out_t,
    CASE WHEN shape0 = 'prompt-completion' AND co_t = 'VARCHAR' THEN cov::JSON->>'$' ELSE out_v END AS out_v,
    CASE WHEN shape0 = 'sharegpt' THEN conv_t WHEN shape0 = 'prompt-completion' AND pc_chat THEN 'ARRAY'
         ELSE msg_t END AS msg_t,
    CASE WHEN shape0 = 'sharegpt' AND conv_t = 'ARRAY' THEN {turns_sql("cv", "from", "value", False)}
         WHEN shape0 = 'prompt-completion' AND pc_chat THEN {concat_turns_sql("prv", "cov")}
         ELSE mv END AS mv
  FROM shaped0
), chat AS (
  -- The messages value (already cut out of the record) is parsed for its contents and roles; roles by
  -- another name are mapped to the standard ones (msg_r: as written, msg_rs: standard).
  SELECT *, CASE WHEN shape = 'chat' AND msg_t = 'ARRAY' THEN {message_texts_sql("mv")} END AS msg_c,
            CASE WHEN shape = 'chat' AND msg_t = 'ARRAY' THEN {messages_ok_sql("mv")} END AS msg_ok,
            CASE WHEN shape = 'chat' AND msg_t = 'ARRAY' THEN json_extract_string(mv, '$[*].role') END AS msg_r,
            list_transform(msg_r, r -> {role_sql("r")}) AS msg_rs
  FROM shaped
), mapped AS (
  SELECT *,
    CASE shape
      WHEN 'text' THEN text_v
      WHEN 'sft' THEN {sft_text_sql("instr_v", "in_v", "out_v")}
      WHEN 'chat' THEN {chat_text_sql("msg_c")}
    END AS text0,
    CASE WHEN shape <> 'chat' THEN NULL
         WHEN src_fmt IS NULL AND msg_rs IS NOT DISTINCT FROM msg_r THEN mv
         ELSE {turns_sql("mv", "role", "content", True)} END AS messages0,
    -- What a converted record was (meta's _source_shape, see curate.ingest.shapes): its format, the roles as written, the prompt's turns.
    CASE WHEN src_fmt IS NOT NULL OR msg_rs IS DISTINCT FROM msg_r THEN
      -- (json_merge_patch onto an empty object leaves out the keys that do not apply, null here)
      json_merge_patch('{{}}', json_object('format', coalesce(src_fmt, 'messages'),
                  'roles', CASE WHEN shape = 'chat' AND msg_rs IS DISTINCT FROM msg_r THEN msg_r END,
                  'prompt_turns', CASE WHEN shape = 'chat' AND src_fmt = 'prompt-completion'
                                       THEN json_array_length(prv) END))::VARCHAR
    END AS shape_info
  FROM chat
), checked AS (
  SELECT *, curate_norm(text0, knfc) AS text1,
    CASE
      WHEN error IS NOT NULL THEN error
      WHEN nbytes > {maxb} THEN 'oversize record: ' || nbytes || ' bytes > limit {maxb}'
      WHEN NOT valid THEN 'malformed JSON'
      WHEN jt <> 'OBJECT' THEN 'schema violation: record is a JSON ' || CASE jt WHEN 'VARCHAR' THEN 'string'
        WHEN 'ARRAY' THEN 'array' WHEN 'BOOLEAN' THEN 'boolean' WHEN 'NULL' THEN 'null' ELSE 'number' END
        || ', not an object'
      WHEN dupkey THEN 'schema violation: a key appears twice in the record (which value is meant is ambiguous)'
      WHEN shape IS NULL AND text_t = 'NULL' THEN 'missing text: field ''{tf}'' is null'
      WHEN shape IS NULL THEN 'missing text field ''{tf}''{'' if explicit else ' (and no instruction/output, messages, conversations or prompt/completion)'}'
      WHEN shape = 'text' AND text_t <> 'VARCHAR'
        THEN 'schema violation: field ''{tf}'' is ' || CASE WHEN text_t = 'NUMBER' THEN 'a number' ELSE lower(text_t) END || ', expected a string'
      WHEN shape = 'sft' AND src_fmt IS NOT NULL AND (instr_t IS DISTINCT FROM 'VARCHAR' OR out_t IS DISTINCT FROM 'VARCHAR')
        THEN 'schema violation: prompt/completion record needs two strings or two lists of messages'
      WHEN shape = 'sft' AND (coalesce(instr_t, 'VARCHAR') <> 'VARCHAR' OR coalesce(out_t, 'NULL') <> 'VARCHAR'
                              OR coalesce(in_t, 'VARCHAR') NOT IN ('VARCHAR', 'NULL'))
        THEN 'schema violation: SFT record needs string instruction and output (input optional)'
      WHEN strpos(text0, chr(0)) > 0 THEN 'binary data: NUL character (U+0000) in the text'
      WHEN shape = 'chat' AND {unknown_role_sql("msg_r")} IS NOT NULL THEN {unknown_role_reason_sql(unknown_role_sql("msg_r"), unknown_role_field)}
      WHEN shape = 'chat' AND (msg_t <> 'ARRAY' OR len(msg_c) = 0 OR NOT coalesce(msg_ok, FALSE)
             OR len(list_filter(msg_rs, x -> x IS NOT NULL)) <> len(msg_c))
        THEN CASE src_fmt WHEN 'sharegpt' THEN 'schema violation: conversations must be a non-empty array of {{from, value}} with a known role'
                          ELSE 'schema violation: messages must be a non-empty array of {{role, content}} with role system/user/assistant/tool' END
    END AS reason0
  FROM mapped
), final AS (
  -- Empty: nothing visible left, i.e. only whitespace, format characters (zero-width space/joiners,
  -- BOM, bidi marks), controls, variation selectors and the blank letters (Hangul fillers, braille blank).
  SELECT *, coalesce(reason0, CASE WHEN text1 IS NULL OR NOT regexp_matches(text1, '{_VISIBLE}') THEN 'empty text' END) AS reason,
         md5(concat_ws(chr(31), text1, coalesce(messages0, ''))) AS content_hash
  FROM checked
), keyed AS (
  SELECT *, substr(md5({_sql_str(salt + source)} || chr(31) ||
      CASE WHEN rec_id IS NOT NULL THEN 'id:' || rec_id ELSE source_row::VARCHAR || chr(31) || content_hash END), 1, 20)
    AS doc_id
  FROM final
), metad AS (
  -- meta: the fast path wrote it (numbers as written); on the per-record path it is DuckDB's record less
  -- the shape's fields (meta_drop, a JSON merge patch).
  SELECT *, CASE WHEN kmeta IS NULL THEN json_merge_patch(j, meta_drop)::VARCHAR END AS meta0
  FROM (SELECT *, CASE WHEN src_fmt = 'sharegpt' THEN {drop_sharegpt} WHEN src_fmt IS NOT NULL THEN {drop_pc}
                       WHEN shape = 'text' THEN {drop_text} WHEN shape = 'sft' THEN {drop_sft}
                       WHEN shape = 'chat' THEN {drop_chat} END AS meta_drop
        FROM keyed)
), hashed AS (
  -- DuckDB's JSON writer prints a float by value (1.10 -> 1.1, 1E5 -> 100000.0): where the per-record path's
  -- meta may hold one, the numbers are put back as the record wrote them (curate_raw_numbers, Python, only those rows).
  SELECT *, {record_hash_sql("content_hash", "meta1")} AS record_hash
  FROM (SELECT *, {meta_sql} AS meta1 FROM metad)
), resolved AS (
  {conflict_sql}
)
SELECT
  reason, source_row,
  CASE WHEN reason IS NULL THEN NULL WHEN nbytes > {maxb} THEN left(raw, 2048) || ' …' ELSE rtrim(raw, chr(10)) END AS raw,
  doc_id,
  text1 AS text,
  CASE WHEN shape = 'sft' THEN curate_norm(instr_v, knfc) END AS instruction,
  CASE WHEN shape = 'sft' THEN curate_norm(in_v, knfc) END AS input,
  CASE WHEN shape = 'sft' THEN curate_norm(out_v, knfc) END AS output,
  CASE WHEN shape = 'chat' THEN CASE WHEN knfc = false THEN messages0 ELSE curate_nfc(messages0) END END AS messages,
  meta1 AS meta,
  content_hash, version_of, record_hash
FROM resolved
"""


def _type_code_sql(column: str) -> str:
    """SQL: the JSON type name (as :func:`_json_type_sql` gives it) of a type code of the compiled scan."""
    names = " ".join(f"WHEN {code} THEN '{name}'" for code, name in enumerate(TYPE_NAMES) if name)
    return f"CASE {column} {names} END"


# HTML → text (curate.text.html, registered as a Python UDF) only where markup may be present, and NFC
# only where it can change the string (see curate.text.nfc): most rows skip both.
_NORM_MACRO = r"""
CREATE OR REPLACE MACRO curate_nfc(s) AS
  CASE WHEN regexp_matches(s, '@NFC@') THEN nfc_normalize(s) ELSE s END;
-- maybe_nfc: the compiled scan's NFC pre-check (the same test as the regex), NULL where it did not run.
CREATE OR REPLACE MACRO curate_norm(s, maybe_nfc) AS
  CASE WHEN s IS NULL THEN NULL
       -- Markup needs a "<" or "&": two memchr-speed scans spare most rows the markup regex.
       WHEN (contains(s, '<') OR contains(s, '&')) AND regexp_matches(s, '@MARKUP@') THEN
         trim(regexp_replace(regexp_replace(curate_html_to_text(curate_nfc(s)), '[ \t]+', ' ', 'g'),
                             ' ?\n ?', chr(10), 'g'))
       WHEN CASE WHEN maybe_nfc IS NULL THEN regexp_matches(s, '@NFC@') ELSE maybe_nfc END THEN nfc_normalize(s)
       ELSE s END
"""


def _register_html_to_text(con) -> None:
    """Make :func:`curate.text.html.html_to_text` and :func:`raw_numbers` callable from SQL as
    ``curate_html_to_text`` and ``curate_raw_numbers`` (once per connection)."""
    from duckdb.typing import VARCHAR

    for name, fn, args in (("curate_html_to_text", html_to_text, [VARCHAR]),
                           ("curate_raw_numbers", raw_numbers, [VARCHAR, VARCHAR, VARCHAR])):
        try:
            con.create_function(name, fn, args, VARCHAR, side_effects=False)
        except Exception as exc:  # duckdb raises NotImplementedException when the name is already registered
            if "already" not in str(exc):
                raise


# A JSON string or a JSON number, in the order they appear (strings are matched so digits in them are skipped).
_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|-?[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?')


class _RawNumber(str):
    """A JSON number kept as the text the record wrote."""


def _raw_numbers_in(value) -> Iterator[str]:
    if isinstance(value, _RawNumber):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _raw_numbers_in(v)
    elif isinstance(value, list):
        for v in value:
            yield from _raw_numbers_in(v)


def raw_numbers(meta: str, record: str, dropped: str) -> str:
    """``meta`` (DuckDB's JSON text of ``record`` less the keys of the JSON object ``dropped``) with every
    number written as in ``record`` (``1.10`` stays ``1.10``, ``1E5`` stays ``1E5``).

    The record's numbers are read with Python's parser (numbers kept as their text), in document order
    after the dropped keys are removed, and replace ``meta``'s numbers one by one.  When the two do not
    line up (e.g. a key repeated in the record, which the parsers resolve differently) ``meta`` is
    returned unchanged: values by value rather than a guess.
    """
    try:
        obj = json.loads(record, parse_float=_RawNumber, parse_int=_RawNumber)
    except (ValueError, RecursionError):
        return meta
    if not isinstance(obj, dict):
        return meta
    for key in json.loads(dropped):
        obj.pop(key, None)
    want = list(_raw_numbers_in(obj))
    spots = [m for m in _JSON_TOKEN.finditer(meta) if m.group()[0] != '"']
    if len(spots) != len(want):
        return meta
    out, pos = [], 0
    for m, text in zip(spots, want):
        out += [meta[pos:m.start()], text]
        pos = m.end()
    return "".join(out) + meta[pos:]


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


def source_label(con, path: Path, file_hash: str, namesakes: Iterable[Path] = ()) -> str:
    """The ``source`` of a file or folder ingested without ``--source-name``: its name, made distinct from
    other files of the same name (per-branch exports ``b1/tickets.csv``, ``b3/tickets.csv``).

    A doc_id hashes the source, so two files sharing a base name must not share a source: their rows at the
    same line with the same text would count as duplicates of each other (and, with an id field, as id
    conflicts).  In order:

    1. a source an earlier ingest of this path (``source_uri``) had: a re-ingest of the same file, changed or
       not, keeps its source, hence its doc_ids;
    2. a source an earlier ingest of the same bytes (``file_hash``) had under this name: the same export
       copied or moved elsewhere is still a duplicate;
    3. the shortest ending of the resolved path (``tickets.csv``, ``b3/tickets.csv``, ``exports/b3/tickets.csv``
       …) that no earlier ingest uses and that tells it from ``namesakes`` (other paths of the same command).

    Workspaces ingested before this rule keep their labels: their ingests had the base name, found by 1 or 2.
    """
    name, uri = path.name, str(path.resolve())
    known = con.execute("SELECT source, source_uri, file_hash FROM lake.ingests WHERE source = ? "
                        "OR ends_with(source, ?) ORDER BY started_at DESC", [name, "/" + name]).fetchall()
    for src, src_uri, _ in known:
        if src_uri == uri:
            return src
    for src, _, src_hash in known:
        if src_hash == file_hash:
            return src
    taken = {src for src, _, _ in known}
    parts = Path(uri).parts
    others = [Path(p).resolve().parts for p in namesakes if Path(p).name == name and str(Path(p).resolve()) != uri]
    for k in range(1, len(parts) + 1):
        label = "/".join(parts[-k:]).lstrip("/") or uri
        if label not in taken and all(o[-k:] != parts[-k:] for o in others):
            return label
    return uri


def ingest_file(ws: Lake, path: Path, opts: IngestOptions,
                progress: Callable[[int], None] | None = None, threads: int | None = None,
                namesakes: Iterable[Path] = ()) -> IngestResult:
    """Ingest one file or folder (see the module docstring); ``threads``: workers that prepare chunks
    (default :func:`curate.ingest.ordered.default_threads`); what is stored never depends on it;
    ``namesakes``: the other sources of the same command (see :func:`source_label`)."""
    check_source(path)
    threads = default_threads() if threads is None else threads
    if opts.on_id_conflict not in ID_CONFLICT_CHOICES:
        raise CurateError(f"on_id_conflict '{opts.on_id_conflict}': use one of {', '.join(ID_CONFLICT_CHOICES)}")
    fmt = detect_format(path, opts.fmt)
    con = ws.con
    file_hash = _file_hash(path)
    repaired = repair_interrupted_ingests(con)
    source = opts.source_name or source_label(con, path, file_hash, namesakes)
    ingest_id = uuid.uuid4().hex[:16]
    result = IngestResult(source=source, source_uri=str(path.resolve()), format=fmt, ingest_id=ingest_id)
    if fmt in ("csv", "tsv"):  # the reader sniffs the same (curate.ingest.readers.read_source)
        from curate.ingest.readers import sniff_delimiter

        result.delimiter = sniff_delimiter(path, fmt)
    _register_html_to_text(con)
    con.execute(_NORM_MACRO.replace("@NFC@", needs_nfc_pattern()).replace("@MARKUP@", MARKUP_HINT_RE2))
    prepare_sql = build_prepare_sql(opts, source, ingest_id, doc_id_salt(ws))
    versioned = bool(opts.id_field) and opts.on_id_conflict == "version"
    if versioned:
        con.execute(f"CREATE TABLE IF NOT EXISTS lake.record_versions ({_VERSION_COLUMNS})")
    # A source with no stored document cannot collide with one: its chunks skip the look-up of stored doc_ids
    # (which lists every data file of the table once per chunk). With an id field, later lines may repeat an id.
    fresh = not opts.id_field and con.execute("SELECT count(*) = 0 FROM lake.documents WHERE source = ?",
                                              [source]).fetchone()[0]
    _begin_ingest(ws, con, result, file_hash, repaired)
    try:
        _commit_chunks(ws, con, path, fmt, opts, prepare_sql, threads, result, fresh, versioned, progress)
    except BaseException:
        _close_stopped(con, ingest_id)
        raise
    with transaction(con):
        con.execute("UPDATE lake.ingests SET rows_read = ?, ingested = ?, duplicates = ?, quarantined = ?, "
                    "finished_at = ?, state = 'done' WHERE ingest_id = ?",
                    [result.rows_read, result.ingested, result.duplicates, result.quarantined, now(), ingest_id])
        con.execute("UPDATE lake.lineage SET details = ? WHERE kind = 'ingest' AND subject = ?",
                    [json.dumps({**result.as_dict(), "state": "done", "repaired": repaired}), f"ingest:{ingest_id}"])
    return result


def _commit_chunks(ws: Lake, con, path: Path, fmt: str, opts: IngestOptions, prepare_sql: str, threads: int,
                   result: IngestResult, fresh: bool, versioned: bool, progress) -> None:
    """Prepare the source's chunks and commit each in its own transaction, counting into ``result``."""
    source, ingest_id = result.source, result.ingest_id
    # closing(): an error here stops the workers now, not when the traceback lets go of the generator.
    with closing(_prepared_chunks(con, path, fmt, opts, prepare_sql, threads)) as prepared_chunks:
        for prepared in prepared_chunks:
            # One transaction per chunk: DuckLake keeps a transaction's new data in memory until it commits,
            # so a whole-file transaction would grow with the file. A kill loses at most the chunk in
            # flight; re-running the ingest completes the file, because committed rows count as duplicates.
            # Chunks are committed here, one at a time and in file order, whatever the number of workers.
            with transaction(con):
                if prepared.table is None:  # keyed: prepared now, after the commit of the chunk before
                    prepared.table, prepared.rows = _prepare(con, prepared.scanned, prepare_sql, opts.max_depth)
                    prepared.scanned = None
                rows = prepared.rows
                result.rows_read += rows
                # Small record batches: DuckDB spreads the insert (Parquet encoding) over its threads.
                con.register("_prepared", pa.Table.from_batches(prepared.table.to_batches(max_chunksize=4096),
                                                                prepared.table.schema))
                ts = now()
                if not opts.id_field and not fresh:
                    changed = _changed_records(con, source)
                    if changed is not None:
                        con.unregister("_prepared")
                        con.register("_prepared", changed)
                        con.execute(f"CREATE TABLE IF NOT EXISTS lake.record_versions ({_VERSION_COLUMNS})")
                        result.versions += _record_versions(con, source, ingest_id, ts)
                if versioned:  # before the documents: it tells new versions from stored ones by doc_id
                    result.versions += _record_versions(con, source, ingest_id, ts)
                inserted = _insert_documents(con, source, result.source_uri, ingest_id, ts, keyed=bool(opts.id_field),
                                              fresh=fresh)
                # Rows already quarantined by an earlier ingest still count as quarantined, not lost.
                bad = 0
                for reason, n in con.execute(
                        "SELECT regexp_replace(reason, '[0-9]+ bytes', 'N bytes'), count(*) FROM _prepared "
                        "WHERE reason IS NOT NULL GROUP BY 1").fetchall():
                    result.reasons[reason] = result.reasons.get(reason, 0) + n
                    bad += n
                if bad:  # the look-up of earlier quarantined rows reads the quarantine table: only when needed
                    con.execute("""
                        INSERT INTO lake.quarantine
                        SELECT ?, ?, ?, source_row, reason, raw, ? FROM _prepared p WHERE reason IS NOT NULL
                          AND NOT EXISTS (SELECT 1 FROM lake.quarantine q WHERE q.source = ?
                                          AND q.source_row = p.source_row AND md5(q.raw) = md5(p.raw))
                    """, [ingest_id, source, result.source_uri, ts, source])
                con.unregister("_prepared")
            result.ingested += inserted
            result.quarantined += bad
            result.duplicates += rows - inserted - bad
            if progress:
                progress(prepared.nbytes)


def _ensure_state_column(con) -> None:
    """Workspaces made before ingests had a ``state`` get the column (their rows read as finished)."""
    cols = {r[0] for r in con.execute("SELECT column_name FROM duckdb_columns() WHERE database_name = 'lake' "
                                      "AND table_name = 'ingests'").fetchall()}
    if "state" not in cols:
        con.execute("ALTER TABLE lake.ingests ADD COLUMN state VARCHAR")


def _begin_ingest(ws: Lake, con, result: IngestResult, file_hash: str, repaired: list[str]) -> None:
    """Provenance first (issue 20): the ``ingests`` row (state ``running``) and the lineage entry are
    committed before the first chunk, so every committed document's ``ingest_id`` has both, even
    when the process is killed; the end of the ingest fills in the counts and ``done``."""
    with transaction(con):
        con.execute("INSERT INTO lake.ingests (ingest_id, source, source_uri, format, file_hash, rows_read, ingested, "
                    "duplicates, quarantined, started_at, finished_at, state) "
                    "VALUES (?, ?, ?, ?, ?, 0, 0, 0, 0, ?, NULL, 'running')",
                    [result.ingest_id, result.source, result.source_uri, result.format, file_hash, now()])
        ws.record_lineage(LineageKind.INGEST, f"ingest:{result.ingest_id}", result.source_uri,
                          {**result.as_dict(), "state": "running", "repaired": repaired}, con=con)


def repair_interrupted_ingests(con) -> list[str]:
    """Close the ``ingests`` rows a killed process left ``running``; returns their ingest ids.

    Called by a writer (it holds the workspace's writer lock, so no other ingest can be running):
    each such row becomes ``interrupted`` with the documents and quarantined rows it committed
    (``rows_read`` and ``duplicates`` stay null: what it read past its last commit is unknown), and
    its lineage entry says the same.  Re-running the ingest then completes the data: committed rows
    count as duplicates and keep the first ingest id.
    """
    _ensure_state_column(con)
    stale = [r[0] for r in con.execute("SELECT ingest_id FROM lake.ingests WHERE state = 'running' "
                                       "ORDER BY started_at").fetchall()]
    if not stale:
        return []
    with transaction(con):
        for ingest_id in stale:
            _mark_interrupted(con, ingest_id)
    return stale


def _mark_interrupted(con, ingest_id: str) -> None:
    """Close one ``running`` ingests row as ``interrupted`` (see :func:`repair_interrupted_ingests`), in the
    caller's transaction."""
    docs = con.execute("SELECT count(*) FROM lake.documents WHERE ingest_id = ?", [ingest_id]).fetchone()[0]
    bad = con.execute("SELECT count(*) FROM lake.quarantine WHERE ingest_id = ?", [ingest_id]).fetchone()[0]
    ts = now()
    con.execute("UPDATE lake.ingests SET rows_read = NULL, ingested = ?, duplicates = NULL, quarantined = ?, "
                "finished_at = ?, state = 'interrupted' WHERE ingest_id = ? AND state = 'running'",
                [docs, bad, ts, ingest_id])
    row = con.execute("SELECT details FROM lake.lineage WHERE kind = 'ingest' AND subject = ?",
                      [f"ingest:{ingest_id}"]).fetchone()
    details = json.loads(row[0]) if row else {}
    details.update(state="interrupted", ingested=docs, quarantined=bad, rows_read=None, duplicates=None,
                   repaired_at=ts.isoformat())
    con.execute("UPDATE lake.lineage SET details = ? WHERE kind = 'ingest' AND subject = ?",
                [json.dumps(details), f"ingest:{ingest_id}"])


def _close_stopped(con, ingest_id: str) -> None:
    """An ingest stopped by Ctrl-C, SIGTERM or SIGHUP (or an error) closes its own row as ``interrupted`` on the
    way out, so ``curate status`` does not show it ``running`` until the next writer repairs it.  Best effort: a
    ``kill -9`` or a broken connection leaves it to :func:`repair_interrupted_ingests`."""
    try:
        with transaction(con):
            _mark_interrupted(con, ingest_id)
    except Exception:  # noqa: BLE001 - the original error is what the user must see
        pass


def _source_items(path: Path, fmt: str, opts: IngestOptions) -> Iterator[pa.Table | LineBlock]:
    """What the reader thread yields: JSONL as :class:`LineBlock` (bytes, cut at line ends) or, for JSONL
    that is not UTF-8, chunks; other formats as chunks.  :func:`_item_chunks` finishes each one (in a
    worker)."""
    if fmt != "jsonl":
        yield from read_source(path, fmt, opts.max_record_bytes)
        return
    yield from read_jsonl_blocks(path, opts.max_record_bytes)


def _item_chunks(item: pa.Table | LineBlock, fmt: str, opts: IngestOptions) -> list[pa.Table | RawLines]:
    """The chunks of one reader item: a UTF-8 JSONL block as :class:`RawLines` (the fast path: lines split
    and checked in C++/DuckDB), anything else as flagged per-record chunks."""
    if isinstance(item, LineBlock):
        fast = raw_lines(item, opts.max_depth, opts.max_record_bytes)
        return [fast] if isinstance(fast, RawLines) else fast
    return [flag_records(item, opts.max_depth, strict_json=fmt == "jsonl")]


def _chunks(path: Path, fmt: str, opts: IngestOptions) -> Iterator[pa.Table | RawLines]:
    """The chunks of a source, in order (see :func:`_item_chunks`)."""
    for item in _source_items(path, fmt, opts):
        yield from _item_chunks(item, fmt, opts)


# Whitespace-only lines are not records (Arrow's utf8_trim_whitespace set: ASCII spaces, NEL, Unicode Z*).
_BLANK_RE2 = r"[\s\x0B\x{85}\p{Z}]*"


def _register_chunk(con, chunk: pa.Table | RawLines, max_depth: int) -> int:
    """Make the view ``_chunk`` (source_row, raw, error) over a chunk; returns its number of records.

    For :class:`RawLines` (the lines the compiled scan left) one parallel DuckDB scan finds the few
    lines that need Python — blank lines (dropped), NULs, JSON the standard rejects and lines with
    more brackets than the depth limit (settled by :func:`flag_row`, as in :func:`flag_records`);
    every other line goes to the prepare SQL untouched (only its ``\\n`` is cut).
    """
    if not isinstance(chunk, RawLines):
        # Small record batches let DuckDB spread one chunk over all its threads (measured 1.6x on 2 cores).
        con.register("_chunk", pa.Table.from_batches(chunk.to_batches(max_chunksize=4096)))
        return chunk.num_rows
    con.register("_lines", pa.Table.from_batches(chunk.table.to_batches(max_chunksize=4096)))
    lax = f"(contains(raw, 'NaN') OR contains(raw, 'Infinity') OR regexp_matches(raw, '{LAX_COMMA_RE2}'))"
    blank = f"(NOT starts_with(raw, '{{') AND regexp_full_match(raw, '{_BLANK_RE2}'))"
    # More brackets than the depth limit: a candidate for json_depth (brackets in strings do not count).
    deep = f"(strlen(raw) - strlen(replace(replace(raw, '{{', ''), '[', '')) > {int(max_depth)})"
    found = con.execute(f"SELECT source_row, rtrim(raw, chr(10)), contains(raw, chr(0)), {lax}, {blank}, {deep} "
                        f"FROM _lines WHERE contains(raw, chr(0)) OR {lax} OR {blank} OR {deep}").fetchall()
    fixes = []
    dropped = 0
    for row, raw, nul, is_lax, is_blank, is_deep in found:
        if is_blank:
            fixes.append((row, None, None, True))
            dropped += 1
            continue
        raw2, err = flag_row(raw, None, max_depth, nul, is_deep, is_lax)
        if err is not None or raw2 != raw:
            fixes.append((row, raw2, err, False))
    if fixes:
        cols = list(zip(*fixes))
        con.register("_fix", pa.table({"source_row": pa.array(cols[0], pa.int64()), "fraw": pa.array(cols[1], pa.string()),
                                       "ferror": pa.array(cols[2], pa.string()), "fdrop": pa.array(cols[3], pa.bool_())}))
        # A UNION ALL, not a LEFT JOIN: the prepare SQL over a join result cost 1.6-2x the CPU (measured).
        con.execute("""CREATE OR REPLACE TEMP VIEW _chunk AS
            SELECT source_row, rtrim(raw, chr(10)) AS raw, NULL::VARCHAR AS error FROM _lines
            WHERE source_row NOT IN (SELECT source_row FROM _fix)
            UNION ALL SELECT source_row, fraw, ferror FROM _fix WHERE NOT fdrop""")
    else:
        con.execute("CREATE OR REPLACE TEMP VIEW _chunk AS "
                    "SELECT source_row, rtrim(raw, chr(10)) AS raw, NULL::VARCHAR AS error FROM _lines")
    return chunk.table.num_rows - dropped


@dataclass
class Scanned:
    """A chunk after the compiled scan: ``fast`` the records it took (see :func:`curate.ingest.jsonscan.scan`,
    plus ``source_row`` and ``raw``), ``slow`` the others for the per-record path (None when none)."""

    fast: pa.Table
    slow: pa.Table | RawLines | None
    nbytes: int


def _scan(chunk: pa.Table | RawLines, opts: IngestOptions) -> Scanned:
    """Run the compiled scan over a chunk (it releases the GIL)."""
    explicit = opts.text_field is not None
    fields = [opts.text_field or "text", *((None,) * 4 if explicit else (*SFT_FIELDS, "messages")), opts.id_field]
    table = chunk.table if isinstance(chunk, RawLines) else chunk
    skip = None if isinstance(chunk, RawLines) else np.asarray(table["error"].is_valid())
    taken, fast = scan(table["raw"], skip, fields, explicit, opts.max_depth, opts.max_record_bytes)
    if taken.all():
        slow = None
        keep = table
    else:
        mask = pa.array(taken)
        keep = table.filter(mask)
        rest = table.filter(pa.compute.invert(mask))
        slow = RawLines(rest, chunk.nbytes) if isinstance(chunk, RawLines) else rest
    fast = fast.append_column("source_row", keep["source_row"]).append_column("raw", keep["raw"])
    return Scanned(fast, slow, _approx_bytes(chunk))


def _merged(parts: list[Scanned]) -> Scanned:
    """One chunk of several scanned parts (a reader item that became several chunks: rare)."""
    if len(parts) == 1:
        return parts[0]
    fast = pa.concat_tables([p.fast for p in parts])
    slows = [p.slow for p in parts if p.slow is not None]
    if not slows:
        slow = None
    elif all(isinstance(x, RawLines) for x in slows):
        slow = RawLines(pa.concat_tables([x.table for x in slows]), sum(x.nbytes for x in slows))
    else:  # the parts of one reader item are all of one kind (a block that is not UTF-8: flagged chunks)
        slow = pa.concat_tables(slows)
    return Scanned(fast, slow, sum(p.nbytes for p in parts))


_EMPTY_CHUNK = CHUNK_SCHEMA.empty_table()


def _register_scanned(con, chunk: Scanned, max_depth: int) -> int:
    """Make ``_fast`` (the scanned records) and ``_chunk`` (the others, see :func:`_register_chunk`);
    returns the number of records."""
    # Small record batches let DuckDB spread one chunk over all its threads (measured 1.6x on 2 cores).
    con.register("_fast", pa.Table.from_batches(chunk.fast.to_batches(max_chunksize=4096), chunk.fast.schema))
    if chunk.slow is None:
        con.register("_chunk", _EMPTY_CHUNK)
        return chunk.fast.num_rows
    return chunk.fast.num_rows + _register_chunk(con, chunk.slow, max_depth)


def _unregister_chunk(con) -> None:
    con.execute("DROP VIEW IF EXISTS _chunk")
    for name in ("_chunk", "_lines", "_fix", "_fast"):
        try:
            con.unregister(name)
        except Exception:  # noqa: BLE001 - not registered for this kind of chunk
            pass


def _prepare(cur, chunk: Scanned, prepare_sql: str, max_depth: int) -> tuple[pa.Table, int]:
    """The prepare SQL over one scanned chunk on the cursor ``cur``: (its rows as Arrow, records read)."""
    rows = _register_scanned(cur, chunk, max_depth)
    try:
        table = cur.execute(prepare_sql).fetch_arrow_table()
    finally:
        _unregister_chunk(cur)
    return table, rows


@dataclass
class Prepared:
    """A chunk ready for the writer: ``table`` the prepare SQL's rows (None while a keyed chunk waits
    for the commit of the chunk before: then ``scanned`` holds it), ``rows`` the records read."""

    table: pa.Table | None
    rows: int
    nbytes: int
    scanned: Scanned | None = None


def _prepared_chunks(con, path: Path, fmt: str, opts: IngestOptions, prepare_sql: str,
                     threads: int) -> Iterator[Prepared]:
    """The source's chunks, prepared, in file order.

    Without an id field a chunk's prepared rows depend on nothing stored, so ``threads`` workers each
    finish reader items (line split, UTF-8 check), scan them and run the prepare SQL on their own
    cursor (DuckDB and the scan release the GIL), while the caller commits the chunks before.  With an
    id field the prepare SQL reads the documents committed by the chunks before (id conflicts): the
    workers only scan, and the caller prepares each chunk after the commit of the one before.

    The DuckLake INSERT (Parquet writing) stays with the caller: a transaction per worker, committed in
    order, fails on the SQLite catalog ("database is locked": a commit after another connection's).
    """
    keyed = bool(opts.id_field)
    cursors: list = []
    local = threading.local()

    def work(item) -> Prepared:
        scanned = _merged([_scan(c, opts) for c in _item_chunks(item, fmt, opts)])
        if keyed:
            return Prepared(None, 0, scanned.nbytes, scanned)
        cur = getattr(local, "cur", None)
        if cur is None:
            # A cursor has its own settings (DuckDB 1.x starts cursors without the bar; quiet() makes sure a
            # slow prepare never draws one on stdout, e.g. into --json output).
            cur = local.cur = quiet(con.cursor())
            cursors.append(cur)
            _register_html_to_text(cur)
        table, rows = _prepare(cur, scanned, prepare_sql, opts.max_depth)
        return Prepared(table, rows, scanned.nbytes)

    try:
        yield from ordered_map(work, prefetch(_source_items(path, fmt, opts)), threads)
    finally:
        for cur in cursors:
            cur.close()


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


ID_CONFLICT_CHOICES = ("quarantine", "version")
_VERSION_COLUMNS = ("doc_id VARCHAR, record_doc_id VARCHAR, previous_doc_id VARCHAR, version INTEGER, "
                    "source VARCHAR, ingest_id VARCHAR, created_at TIMESTAMP")


def _record_versions(con, source: str, ingest_id: str, ts) -> int:
    """Link the chunk's new versions to their record in ``lake.record_versions``; returns how many.

    ``record_doc_id`` is the doc_id of the record's first version (version 1, not listed here);
    ``previous_doc_id`` the version before (an earlier line of this chunk, else the latest stored).
    """
    return con.execute("""
        INSERT INTO lake.record_versions
        WITH new AS (
          SELECT doc_id, version_of, source_row FROM _prepared
          WHERE reason IS NULL AND version_of IS NOT NULL AND doc_id NOT IN (SELECT doc_id FROM lake.documents)
          QUALIFY row_number() OVER (PARTITION BY doc_id ORDER BY source_row) = 1
        ), last AS (
          SELECT record_doc_id, arg_max(doc_id, version) AS doc_id, max(version) AS version FROM lake.record_versions
          WHERE record_doc_id IN (SELECT version_of FROM new) GROUP BY record_doc_id
        )
        SELECT n.doc_id, n.version_of, coalesce(lag(n.doc_id) OVER w, l.doc_id, n.version_of),
               coalesce(l.version, 1) + row_number() OVER w, ?, ?, ?
        FROM new n LEFT JOIN last l ON l.record_doc_id = n.version_of
        WINDOW w AS (PARTITION BY n.version_of ORDER BY n.source_row)
    """, [source, ingest_id, ts]).fetchone()[0]


def _changed_records(con, source: str) -> pa.Table | None:
    """Without an id field: the chunk (``_prepared``) with its changed records given their own doc_id, or
    None when it has none.

    Such a doc_id hashes (source, line, content), so a row whose line and text match a stored document of the
    source but whose record differs (its metadata: ``status`` ``open`` → ``closed``) has the stored doc_id.
    It is no duplicate: it becomes a new version of that document (doc_id = hash of the stored doc_id and its
    record hash, ``version_of`` = the stored doc_id, linked in ``lake.record_versions``), so ingesting the
    changed file again finds it stored, and the unchanged file still finds its first version.
    """
    lo, hi = con.execute("SELECT min(source_row), max(source_row) FROM _prepared").fetchone()
    if lo is None:
        return None
    stored = (f"SELECT doc_id, {record_hash_sql('content_hash', 'meta')} AS stored_hash FROM lake.documents "
              "WHERE source = ? AND source_row BETWEEN ? AND ?")
    if not con.execute(f"SELECT count(*) FROM _prepared p JOIN ({stored}) s USING (doc_id) "
                       "WHERE p.reason IS NULL AND s.stored_hash <> p.record_hash", [source, lo, hi]).fetchone()[0]:
        return None
    new = "p.reason IS NULL AND s.stored_hash <> p.record_hash"
    return con.execute(f"""
        SELECT p.* REPLACE (CASE WHEN {new} THEN substr(md5(p.doc_id || chr(31) || p.record_hash), 1, 20)
                                 ELSE p.doc_id END AS doc_id,
                            CASE WHEN {new} THEN p.doc_id END AS version_of)
        FROM _prepared p LEFT JOIN ({stored}) s ON s.doc_id = p.doc_id
        ORDER BY p.source_row""", [source, lo, hi]).fetch_arrow_table()


def _insert_documents(con, source: str, source_uri: str, ingest_id: str, ts, keyed: bool = False,
                      fresh: bool = False) -> int:
    """Insert the chunk's new documents (the first line of each doc_id not stored yet); returns how many.

    ``fresh``: the source had no stored document when its ingest began (and no id field), so nothing
    stored can share a doc_id with this chunk.

    Without an id field a doc_id hashes (source, line, content), so a stored twin has the same source
    and line: the anti-join reads only the stored rows of this source in the chunk's line range, which
    DuckLake's per-file min/max statistics narrow to the files that can hold them (an ingest no longer
    rereads every doc_id it committed before, once per chunk).
    """
    params: list = []
    if keyed:
        # Several lines may share an id: the first line of each doc_id, from a narrow aggregate (a window
        # would carry every text through a sort).
        where = ("AND doc_id NOT IN (SELECT doc_id FROM lake.documents) AND (doc_id, source_row) IN "
                 "(SELECT (doc_id, min(source_row)) FROM _prepared WHERE reason IS NULL GROUP BY doc_id)")
    elif fresh:
        where = ""
    else:  # the doc_id hashes the line number: no two lines of a chunk share one
        lo, hi = con.execute("SELECT min(source_row), max(source_row) FROM _prepared").fetchone()
        where = ("AND doc_id NOT IN (SELECT doc_id FROM lake.documents WHERE source = ? "
                 "AND source_row BETWEEN ? AND ?)")
        params = [source, lo, hi]
    return con.execute(f"""
        INSERT INTO lake.documents (doc_id, text, instruction, input, output, messages, meta, source, source_uri,
                                    source_row, content_hash, ingest_id, ingested_at)
        SELECT doc_id, text, instruction, input, output, messages, meta, ?, ?, source_row, content_hash, ?, ?
        FROM _prepared p
        WHERE reason IS NULL {where}
    """, [source, source_uri, ingest_id, ts, *params]).fetchone()[0]


def _approx_bytes(chunk: pa.Table | RawLines) -> int:
    if isinstance(chunk, RawLines):
        return chunk.nbytes
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
                   progress_factory=None, namesakes: Iterable[str | Path] = (), **kwargs) -> list[IngestResult]:
    """Ingest several files or folders; each is its own transaction.  Sources of the same name get labels
    that tell them apart (see :func:`source_label`; ``namesakes``: more paths of the same command)."""
    ws.require_raw("documents")  # a curated-zone (team) workspace holds no raw records
    ws.require_writable()
    opts = opts or IngestOptions(**kwargs)
    paths = [Path(src) for src in sources]
    for path in paths:  # every source is checked before the first is read
        check_source(path)
    namesakes = [*paths, *map(Path, namesakes)]
    results = []
    for path in paths:
        if progress_factory:
            with progress_factory(f"ingest {path.name}", _source_size(path)) as advance:
                results.append(ingest_file(ws, path, opts, progress=advance, namesakes=namesakes))
        else:
            results.append(ingest_file(ws, path, opts, namesakes=namesakes))
    return results
