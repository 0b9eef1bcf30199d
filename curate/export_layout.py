"""The columns of an export: the training fields a trainer reads as they are, internal columns on request.

Layouts (``layout``), each plus ``id`` (the keyed doc_id) and ``split``:

* ``text`` — ``text`` (language-modelling format; SFT and chat rows carry their rendering).
* ``sft`` — ``instruction``, ``input``, ``output`` (Alpaca / Axolotl ``alpaca`` format), and ``system`` when records
  carry a system prompt (LLaMA-Factory's alpaca column; it stays in ``meta`` at ingest).
* ``messages`` — ``messages``: ``list<struct<role: string, content: string, ...>>`` (TRL's and Axolotl's
  conversational format; every other key a message holds in any row, e.g. ``name``, ``tool_calls``,
  ``tool_call_id``, follows role and content, null where a message lacks it); an SFT row becomes
  ``[system: its system prompt (when it has one), user: instruction\\n\\ninput, assistant: output]``, the same
  conversation ``train.data.row_to_messages`` builds.
* ``prompt-completion`` — ``prompt`` (the conversation before the last assistant turn) and ``completion``
  (that turn), both conversational lists: TRL's prompt-completion format, on which SFTTrainer computes the
  loss on the completion only.
* ``auto`` (default) — from the rows: all chats → ``messages``; all SFT → ``sft``; chats and SFT mixed →
  ``messages``; otherwise (any row without a training target) ``text``, plus ``messages`` (null on the
  rows that are neither chats nor SFT records) when some rows are, so their roles, their instruction/output
  turns and an SFT record's system prompt are not lost: ``auto`` never drops a training field.

``messages`` and ``prompt-completion`` refuse rows that hold no conversation (plain text without an instruction and
an output) unless ``skip_non_chat`` (``--skip-non-chat``): then those rows are left out and counted, never dropped
without a word (:func:`conversation_mask`).

Turns keep only their own keys in the files: when some turns carry keys others lack (``tool_calls``, ``name``,
``tool_call_id`` ...), JSONL writes each turn as it is, and Parquet/HF store the column as ``datasets``' own
``List(Json())`` (:func:`sparse_conversations`) — what ``datasets.load_dataset("json")`` makes of such a JSONL —
so a turn without tool calls has no ``"tool_calls": null`` that a chat template would read as present.

Other columns travel only when asked for by name (``columns``) or all at once (``with_signals``); a chat's
``messages`` is the native list in every layout. Columns that fingerprint raw text never leave (they are
already dropped by :func:`curate.export.public_table`; asking for one is an error).
"""

from __future__ import annotations

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from curate.errors import CurateError

LAYOUTS = ("auto", "text", "sft", "messages", "prompt-completion")
CONVERSATIONAL = ("messages", "prompt-completion")  # layouts whose every row must be a conversation
CONVERSATION_COLUMNS = ("messages", "prompt", "completion")
NON_CHAT_REASON = "no conversation: neither messages nor an instruction with an output"
MESSAGE_TYPE = pa.list_(pa.struct([("role", pa.string()), ("content", pa.string())]))
# Record fields the layouts are built from; the rest of a row is "internal" (signals, provenance).
_RECORD = ("text", "instruction", "input", "output", "messages")

# A row's shape. SFT needs a non-empty output and a prompt (what train.data.row_to_messages requires).
_IS_CHAT = "messages IS NOT NULL"
_IS_SFT = ("(messages IS NULL AND coalesce(output, '') <> '' "
           "AND (coalesce(instruction, '') <> '' OR coalesce(input, '') <> ''))")
_BASE_MESSAGE = {"role": "VARCHAR", "content": "VARCHAR"}
# An SFT record's system prompt: its ``system`` field (LLaMA-Factory's and ShareGPT-style Alpaca records carry one),
# kept in ``meta`` at ingest.
_SFT_SYSTEM = "nullif(json_extract_string(meta, '$.system'), '')"
# An SFT row as the same conversation (built as JSON, so it takes the chats' message type, extra keys null), its
# system prompt first when it has one.
_SFT_TURNS = ("json_object('role', 'user', 'content', concat_ws(chr(10) || chr(10), nullif(instruction, ''), "
              "nullif(input, ''))), json_object('role', 'assistant', 'content', output)")
_SFT_JSON = (f"CASE WHEN {_SFT_SYSTEM} IS NOT NULL THEN json_array(json_object('role', 'system', 'content', "
             f"{_SFT_SYSTEM}), {_SFT_TURNS}) ELSE json_array({_SFT_TURNS}) END")
# 1-based index of the last assistant turn (0 when there is none).
_LAST_ASSISTANT = ("CASE WHEN list_position(list_reverse(list_transform(_conv, m -> m.role)), 'assistant') IS NULL "
                   "THEN 0 ELSE len(_conv) + 1 - list_position(list_reverse(list_transform(_conv, m -> m.role)), "
                   "'assistant') END")


def _parts_as_text(turns: str) -> str:
    """SQL: the parsed turns ``turns`` of the row's ``messages`` with a content that is a list of parts (OpenAI's
    ``[{"type": "text", "text": ...}, ...]``) as its text parts joined by a newline, as ingest, dedup and training
    read it: ``content`` is a string for every trainer (cast to VARCHAR, the list was its JSON text, which a chat
    template renders and the model learns verbatim). Image or audio parts add nothing."""
    part = "json_extract(messages::JSON, '$[' || (i - 1) || '].content')"
    return (f"CASE WHEN regexp_matches(messages, '\"content\"\\s*:\\s*\\[') THEN list_transform({turns}, (m, i) -> "
            f"struct_update(m, content := CASE json_type({part}) WHEN 'ARRAY' THEN "
            f"array_to_string(json_extract_string({part}, '$[*].text'), chr(10)) ELSE m.content END)) ELSE {turns} END")


def message_structure(con: duckdb.DuckDBPyConnection) -> str:
    """The JSON structure (``from_json`` type) of one message of the registered ``_rows``' ``messages``.

    ``role`` and ``content`` come first, as strings; every other key a message holds in any row (``name``,
    ``tool_calls``, ``tool_call_id``, ...) follows with the type DuckDB infers over all rows (``JSON`` text
    where rows disagree or the value is always null), so no key is silently dropped.
    """
    import json

    row = con.execute("SELECT json_group_structure(messages::JSON) FROM _rows WHERE messages IS NOT NULL").fetchone()
    merged = json.loads(row[0]) if row and row[0] else None
    item = merged[0] if isinstance(merged, list) and merged and isinstance(merged[0], dict) else {}
    out = dict(_BASE_MESSAGE)
    for key, typ in item.items():
        if key not in out:
            out[key] = _json_type(typ)
    return json.dumps(out)


def _json_type(typ):
    """A json_group_structure type as a from_json type: NULL (never seen with a value) becomes JSON."""
    if typ == "NULL":
        return "JSON"
    if isinstance(typ, list):
        return [_json_type(typ[0])] if typ else ["JSON"]
    if isinstance(typ, dict):
        return {k: _json_type(v) for k, v in typ.items()} or "JSON"
    return typ


def _col(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _shapes(con: duckdb.DuckDBPyConnection, cols: list[str]) -> tuple[int, int, int]:
    """(rows, chats, SFT rows) of the registered ``_rows``."""
    if not {"messages", "instruction", "input", "output"} <= set(cols):
        n = con.execute("SELECT count(*) FROM _rows").fetchone()[0]
        chats = con.execute(f"SELECT count(*) FROM _rows WHERE {_IS_CHAT}").fetchone()[0] if "messages" in cols else 0
        return n, chats, 0
    return con.execute(f"SELECT count(*), count(*) FILTER ({_IS_CHAT}), count(*) FILTER ({_IS_SFT}) FROM _rows"
                       ).fetchone()


def choose_layout(n: int, chats: int, sft: int) -> str:
    """The ``auto`` layout for ``n`` rows of which ``chats`` are chats and ``sft`` instruction records."""
    if n and chats == n:
        return "messages"
    if n and sft == n:
        return "sft"
    if n and chats + sft == n:
        return "messages"
    return "text"


def layout_columns(layout: str) -> tuple[str, ...]:
    return {"text": ("text",), "sft": ("instruction", "input", "output"), "messages": ("messages",),
            "prompt-completion": ("prompt", "completion")}[layout]


def trainer_table(table: pa.Table, layout: str = "auto", columns: list[str] | tuple[str, ...] = (),
                  with_signals: bool = False) -> tuple[pa.Table, str]:
    """``table`` (public rows with ``doc_id`` and ``split``) in ``layout``; returns it and the layout used.

    Column order: ``id``, the layout's fields, ``split``, then the requested columns in the order given
    (``with_signals``: every other column in the table's order). Row order is kept.

    Raises:
        CurateError: unknown layout or column; a layout some rows cannot fill (e.g. ``sft`` with chat rows,
            ``messages`` with rows that hold no conversation).
    """
    if layout not in LAYOUTS:
        raise CurateError(f"unknown export layout '{layout}' (use {', '.join(LAYOUTS)})")
    cols = table.column_names
    for c in (*_RECORD, "meta"):  # every layout's SQL may name every record field; a snapshot without one has nulls
        if c not in cols:
            table = table.append_column(c, pa.nulls(table.num_rows, pa.string()))
    con = duckdb.connect()
    try:
        con.register("_rows", table)
        n, chats, sft = _shapes(con, table.column_names)
        msg_type = "'[" + message_structure(con).replace("'", "''") + "]'"
        chat_list = _parts_as_text(f"from_json(messages, {msg_type})")
        sft_list = f"from_json({_SFT_JSON}, {msg_type})"
        conversation = f"CASE WHEN {_IS_CHAT} THEN {chat_list} WHEN {_IS_SFT} THEN {sft_list} END"
        chosen = choose_layout(n, chats, sft) if layout == "auto" else layout
        no_target = n - chats - sft
        if chosen == "sft" and sft != n:
            raise CurateError(f"layout 'sft' needs instruction records: {n - sft} of {n} rows are chats or plain text "
                              "(use --layout messages or text)")
        if chosen in CONVERSATIONAL and no_target:
            raise CurateError(f"layout '{chosen}' needs conversations: {no_target} of {n} rows hold neither messages "
                              "nor an instruction with an output "
                              "(use --layout text, or --skip-non-chat to leave them out, counted)")
        fields = layout_columns(chosen)
        if chosen == "sft" and con.execute(f"SELECT count(*) FILTER ({_SFT_SYSTEM} IS NOT NULL) FROM _rows"
                                           ).fetchone()[0]:
            fields = (*fields, "system")  # LLaMA-Factory's alpaca column; the other layouts put it first in the turns
        mixed = layout == "auto" and chosen == "text" and bool(chats or sft)
        if mixed:
            # A snapshot mixing chats or SFT records with rows that have no target: they keep their conversation
            # (roles, tool calls; an SFT record's instruction/output turns and its system prompt) beside their
            # text instead of being flattened without a word: auto never loses a training field.
            fields = (*fields, "messages")
        extra = _extra_columns(cols, fields, columns, with_signals)
        exprs = {"id": "doc_id", "text": "text", "instruction": "instruction", "input": "input", "output": "output",
                 "system": _SFT_SYSTEM,
                 "messages": (conversation if chosen == "messages" or mixed
                              else f"CASE WHEN {_IS_CHAT} THEN {chat_list} END"),
                 "prompt": "list_slice(_conv, 1, _last - 1)", "completion": "list_slice(_conv, _last, _last)",
                 "split": "split"}
        select = ", ".join(f"{exprs.get(c, _col(c))} AS {_col(c)}" for c in ("id", *fields, "split", *extra))
        sql = (f"WITH c AS (SELECT *, {conversation} AS _conv FROM _rows), "
               f"l AS (SELECT *, {_LAST_ASSISTANT} AS _last FROM c) SELECT {select} FROM l")
        out = con.execute(sql).fetch_arrow_table()
    finally:
        con.close()
    if chosen == "prompt-completion":
        bad = pc.sum(pc.equal(pc.list_value_length(out.column("completion")), 0)).as_py()
        if bad:
            raise CurateError(f"layout 'prompt-completion' needs an assistant turn: {bad} chat(s) have none")
    return _typed(out), chosen


def _extra_columns(cols: list[str], fields: tuple[str, ...], columns, with_signals: bool) -> list[str]:
    taken = set(fields) | {"doc_id", "split", "id"}
    available = [c for c in cols if c not in taken]
    if with_signals:
        return available
    out = []
    for c in columns:
        if c in taken or c in out:
            continue
        if c not in available:
            from curate.snapshots import is_fingerprint

            why = ("holds raw text or a fingerprint of it and never leaves the raw zone" if is_fingerprint(c)
                   else f"is not a column of this snapshot (available: {', '.join(available) or 'none'})")
            raise CurateError(f"export column '{c}' {why}")
        out.append(c)
    return out


def _typed(table: pa.Table) -> pa.Table:
    """Conversational columns as ``list<struct<role: string, content: string, ...>>`` (exactly
    :data:`MESSAGE_TYPE` when the messages hold no other key; DuckDB names its list child ``element``/``l``;
    datasets and TRL read the same either way, but one schema everywhere)."""
    fields = []
    for f in table.schema:
        if f.name in ("messages", "prompt", "completion") and pa.types.is_list(f.type):
            extra = [c for c in f.type.value_type if c.name not in ("role", "content")]
            f = pa.field(f.name, pa.list_(pa.struct([*MESSAGE_TYPE.value_type, *extra])))
        fields.append(f)
    return table.cast(pa.schema(fields))


def conversation_mask(table: pa.Table) -> pa.Array:
    """Bool per row of ``table``: True where the row is a conversation (a chat, or SFT with a prompt and a
    non-empty output: what the ``messages`` layout can write), the same test the layouts use."""
    cols = table.column_names
    sub = table.select([c for c in _RECORD if c in cols])
    for c in _RECORD:
        if c not in cols:
            sub = sub.append_column(c, pa.nulls(table.num_rows, pa.string()))
    con = duckdb.connect()
    try:
        con.register("_rows", sub)
        return con.execute(f"SELECT coalesce({_IS_CHAT} OR {_IS_SFT}, false) AS ok FROM _rows"
                           ).fetch_arrow_table()["ok"].combine_chunks()
    finally:
        con.close()


def _extra_keys(t: pa.DataType) -> bool:
    return pa.types.is_list(t) and pa.types.is_struct(t.value_type) and any(
        f.name not in ("role", "content") for f in t.value_type)


def unpadded(turns: list[dict] | None) -> list[dict] | None:
    """A conversation's turns without the keys Arrow's struct padded in: null values beyond role and content."""
    if turns is None:
        return None
    return [{k: v for k, v in m.items() if v is not None or k in ("role", "content")} for m in turns]


def sparse_conversations(table: pa.Table) -> pa.Table:
    """Conversation columns whose turns carry keys beyond role and content as ``list<arrow.json>`` (each turn
    its own JSON object, :func:`unpadded`): ``datasets`` reads it as ``List(Json())``. Others are unchanged."""
    import json

    for name in CONVERSATION_COLUMNS:
        if name not in table.column_names or not _extra_keys(table.schema.field(name).type):
            continue
        rows = [unpadded(v) for v in table.column(name).to_pylist()]
        texts = pa.array([None if r is None else [json.dumps(m, ensure_ascii=False) for m in r] for r in rows],
                         pa.list_(pa.string()))
        col = pa.ListArray.from_arrays(texts.offsets, pa.ExtensionArray.from_storage(pa.json_(), texts.values),
                                       mask=texts.is_null())
        table = table.set_column(table.column_names.index(name), name, col)
    return table
