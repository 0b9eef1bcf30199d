"""What is compared for each row: the *distinguishing* content of its shape.

* chat (a non-null ``messages`` column): the contents of the turns whose role is in
  ``chat_roles`` (default user and assistant) - a system prompt shared by every
  conversation is not what tells two conversations apart;
* SFT pair (``instruction`` / ``input`` / ``output``, any non-null): the three fields;
* anything else: ``text_field``.

Turns and fields are joined with U+2029 (paragraph separator), which always ends a segment,
so a line never runs from one turn into the next.  Built as one DuckDB expression per batch
(JSON decoding of ``messages`` included), not a Python loop over rows.

Markup is read as the ingest reads it (:func:`curate.text.html.html_to_text`: entities decoded, tags
dropped), for matching only: a copy that went through an HTML form or a CRM export (``don&#39;t``,
``&amp;``, ``&quot;``, ``<p>``) is the same message, and ``&#39;`` is no number.  Only rows that may hold
markup (:data:`curate.text.html.MARKUP_HINT_RE2`) pay for it.
"""

from __future__ import annotations

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from curate.errors import CurateError
from curate.text.html import MARKUP_HINT_RE2, html_to_text

SFT_FIELDS = ("instruction", "input", "output")
# content as JSON: a string, or OpenAI's list of parts ([{"type": "text", "text": ...}, ...]), read as ingest reads it
# (curate.ingest.shapes.message_texts_sql: text parts joined by a newline).
# An assistant turn that calls tools ("content": null beside "tool_calls", or the older "function_call") is compared on
# the calls it makes: the function's name and arguments are that turn's training target, so two chats that call
# get_balance for two different accounts are two examples, not exact duplicates.
_MSG_JSON = '[{"role": "VARCHAR", "content": "JSON", "tool_calls": "JSON", "function_call": "JSON"}]'
_PARTS_TEXT = ("concat_ws(chr(10), CASE json_type(m.content) WHEN 'VARCHAR' THEN m.content->>'$' "
               "WHEN 'ARRAY' THEN array_to_string(json_extract_string(m.content, '$[*].text'), chr(10)) END, "
               "array_to_string(list_transform(json_extract(m.tool_calls, '$[*].function'), "
               "f -> concat(f->>'name', ' ', f->>'arguments')), chr(10)), "
               "concat(m.function_call->>'name', ' ', m.function_call->>'arguments'))")


def _unmarked(arr: pa.Array) -> pa.Array:
    """``arr`` with every value that may hold markup read as text (:func:`html_to_text`); nulls stay null."""
    hint = pc.fill_null(pc.match_substring_regex(arr, MARKUP_HINT_RE2), False)
    if not pc.any(hint).as_py():
        return arr
    values = arr.to_pylist()
    for i in pc.indices_nonzero(hint).to_pylist():
        values[i] = html_to_text(values[i])
    return pa.array(values, pa.string())


def _text(col, field: str) -> pa.Array:
    if isinstance(col, pa.ChunkedArray):
        col = col.combine_chunks() if col.num_chunks else pa.array([], col.type)
    if not (pa.types.is_string(col.type) or pa.types.is_large_string(col.type) or pa.types.is_null(col.type)
            or pa.types.is_string_view(col.type)):
        raise CurateError(f"dedup: column '{field}' holds {col.type}, not text")
    return pc.fill_null(col.cast(pa.string()), "")


def shape_columns(names, cfg) -> list[str]:
    """The columns :func:`match_text` reads from a table with these column names."""
    wanted = [cfg.text_field]
    if cfg.fields == "auto":
        wanted += [c for c in ("messages", *SFT_FIELDS) if c in names]
    return [c for c in dict.fromkeys(wanted) if c in names]


def _id_cfg(cfg):
    """The settings :func:`id_text` reads with: user turns only (when the compared roles include it)."""
    return cfg.model_copy(update={"chat_roles": [r for r in cfg.chat_roles if r == "user"] or list(cfg.chat_roles)})


def id_text(table: pa.Table, cfg) -> pa.Array:
    """What the *customer* wrote, where identifiers are read from: the user turns of a chat, the
    instruction and input of an SFT pair, else the compared text.  Replies are left out: an agent
    or a template hands out a fresh ticket number to every re-sent copy."""
    if "output" in table.column_names and cfg.fields == "auto":
        table = table.drop_columns(["output"])
    return match_text(table, _id_cfg(cfg))


def target_text(table: pa.Table, cfg) -> pa.Array | None:
    """What a row *trains the model to write*: the assistant turns of a chat (joined like
    :func:`match_text`), the output of an SFT pair (``''`` when missing); null for the other rows.
    ``None`` when no row can have one (``fields: text``, or no messages / SFT columns).  Same errors as
    :func:`match_text`."""
    if cfg.fields != "auto" or not any(c in table.column_names for c in ("messages", *SFT_FIELDS)):
        return None
    return _texts(table, [(cfg, "target")])[0]


def match_text(table: pa.Table, cfg) -> pa.Array:
    """The compared text of every row (string array, same length and order as ``table``).

    Raises :class:`CurateError` when the text column is missing or not text, or ``messages``
    is neither JSON text nor a list of {role, content}.
    """
    return _texts(table, [(cfg, "all")])[0]


def match_and_id_text(table: pa.Table, cfg) -> tuple[pa.Array, pa.Array]:
    """(:func:`match_text`, :func:`id_text`) of every row, from one DuckDB query (the JSON of ``messages``
    decoded once).  Same errors as :func:`match_text`."""
    out = _texts(table, [(cfg, "all"), (_id_cfg(cfg), "prompt" if cfg.fields == "auto" else "all")])
    return out[0], out[1]


def _texts(table: pa.Table, views: list) -> list[pa.Array]:
    """One string array per ``(cfg, part)`` of ``views``, from one query; part: "all" (the compared text),
    "prompt" (without an SFT output) or "target" (:func:`target_text`)."""
    cfg = views[0][0]
    names = table.column_names
    cols = shape_columns(names, cfg)
    has_shapes = any(c in cols for c in ("messages", *SFT_FIELDS))
    if cfg.text_field not in names and not has_shapes:
        raise CurateError(f"dedup: no column '{cfg.text_field}' in the input (columns: {', '.join(names)})")
    if not has_shapes:
        text = _unmarked(_text(table.column(cfg.text_field), cfg.text_field))
        return [text for _ in views]
    parts = {}
    for c in cols:
        col = table.column(c)
        if c == "messages":
            if isinstance(col, pa.ChunkedArray):
                col = col.combine_chunks() if col.num_chunks else pa.array([], col.type)
            if not (pa.types.is_list(col.type) or pa.types.is_large_list(col.type) or pa.types.is_null(col.type)):
                col = _text(col, c)
            parts[c] = col
        else:
            parts[c] = _text(col, c) if not pa.types.is_null(table.column(c).type) else pa.nulls(len(table), pa.string())
    src = pa.table(parts)
    exprs = [(_target_expr(parts, v) if part == "target" else
              _expr({c: a for c, a in parts.items() if not (part == "prompt" and c == "output")}, v)) + f" AS t{k}"
             for k, (v, part) in enumerate(views)]
    sql = f"SELECT {', '.join(exprs)} FROM src"
    # A cursor on DuckDB's default in-memory database: ~50x cheaper than a new connection per batch,
    # and private to this call (nothing registered outlives it).
    con = duckdb.default_connection().cursor()
    try:
        con.register("src", src)
        res = con.execute(sql).fetch_arrow_table()
    except duckdb.Error as exc:
        raise CurateError(f"dedup: cannot read the chat/SFT columns: {str(exc).splitlines()[0]}") from None
    finally:
        con.close()
    out = []
    for k in range(len(views)):
        col = res.column(f"t{k}")
        col = col.combine_chunks() if col.num_chunks else pa.array([], pa.string())
        out.append(_unmarked(col.cast(pa.string())))
    return out


def _target_expr(parts: dict, cfg) -> str:
    """The SQL expression of :func:`target_text` over the columns ``parts``: the rows :func:`_expr` reads as
    chats or SFT pairs give their assistant turns or their output, the other rows null."""
    sft = [f for f in SFT_FIELDS if f in parts and f != cfg.text_field]
    cases = _shape_cases(parts, "'assistant'", sft, "coalesce(\"output\", '')" if "output" in sft else "''")
    return f"CASE {' '.join(cases)} ELSE NULL END" if cases else "NULL"


def _expr(parts: dict, cfg) -> str:
    """The SQL expression of the compared text under ``cfg`` over the columns ``parts``."""
    cols = list(parts)
    roles = ", ".join("'" + r.replace("'", "''") + "'" for r in cfg.chat_roles) or "NULL"
    text = f'"{cfg.text_field}"' if cfg.text_field in cols else "''"
    cases = _shape_cases(parts, roles, [f for f in SFT_FIELDS if f in parts and f != cfg.text_field])
    return f"CASE {' '.join(cases)} ELSE coalesce({text}, '') END" if cases else f"coalesce({text}, '')"


def _shape_cases(parts: dict, roles: str, sft: list | tuple, sft_value: str | None = None) -> list[str]:
    """SQL ``WHEN`` cases: a chat row (``messages``) gives its turns of ``roles``; an SFT row (any of the SFT
    columns of ``parts`` non-empty) gives the fields ``sft`` joined, or ``sft_value``."""
    cases = []
    if "messages" in parts:
        m = parts["messages"]
        content = "m.content"
        if pa.types.is_null(m.type):
            msgs = None
        elif pa.types.is_string(m.type):
            content = _PARTS_TEXT
            # a value that is not a JSON array (a mixed column's plain string) is no chat: the row has no text
            # (a cheap look at the first character: the JSON is parsed once, by from_json)
            msgs = (f"CASE WHEN left(ltrim(messages), 1) = '[' "
                    f"THEN from_json(nullif(trim(messages), ''), '{_MSG_JSON}') END")
        else:
            msgs = "messages"
        if msgs:
            cases.append(f"WHEN {msgs} IS NOT NULL THEN coalesce(array_to_string(list_transform(list_filter({msgs}, "
                         f"m -> m.role IN ({roles})), m -> coalesce({content}, '')), chr(8233)), '')")
    if sft:
        cond = " OR ".join(f'nullif("{f}", \'\') IS NOT NULL' for f in sft)
        value = sft_value or f"concat_ws(chr(8233), {', '.join(chr(34) + f + chr(34) for f in sft)})"
        cases.append(f"WHEN {cond} THEN {value}")
    return cases
