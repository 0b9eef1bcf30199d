"""What is compared for each row: the *distinguishing* content of its shape.

* chat (a non-null ``messages`` column): the contents of the turns whose role is in
  ``chat_roles`` (default user and assistant) - a system prompt shared by every
  conversation is not what tells two conversations apart;
* SFT pair (``instruction`` / ``input`` / ``output``, any non-null): the three fields;
* anything else: ``text_field``.

Turns and fields are joined with U+2029 (paragraph separator), which always ends a segment,
so a line never runs from one turn into the next.  Built as one DuckDB expression per batch
(JSON decoding of ``messages`` included), not a Python loop over rows.
"""

from __future__ import annotations

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from curate.errors import CurateError

SFT_FIELDS = ("instruction", "input", "output")
_MSG_JSON = '[{"role": "VARCHAR", "content": "VARCHAR"}]'


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


def match_text(table: pa.Table, cfg) -> pa.Array:
    """The compared text of every row (string array, same length and order as ``table``).

    Raises :class:`CurateError` when the text column is missing or not text, or ``messages``
    is neither JSON text nor a list of {role, content}.
    """
    return _texts(table, [(cfg, False)])[0]


def match_and_id_text(table: pa.Table, cfg) -> tuple[pa.Array, pa.Array]:
    """(:func:`match_text`, :func:`id_text`) of every row, from one DuckDB query (the JSON of ``messages``
    decoded once).  Same errors as :func:`match_text`."""
    out = _texts(table, [(cfg, False), (_id_cfg(cfg), cfg.fields == "auto")])
    return out[0], out[1]


def _texts(table: pa.Table, views: list) -> list[pa.Array]:
    """One string array per ``(cfg, without_output)`` of ``views``, from one query."""
    cfg = views[0][0]
    names = table.column_names
    cols = shape_columns(names, cfg)
    has_shapes = any(c in cols for c in ("messages", *SFT_FIELDS))
    if cfg.text_field not in names and not has_shapes:
        raise CurateError(f"dedup: no column '{cfg.text_field}' in the input (columns: {', '.join(names)})")
    if not has_shapes:
        text = _text(table.column(cfg.text_field), cfg.text_field)
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
    exprs = [_expr({c: a for c, a in parts.items() if not (drop and c == "output")}, v) + f" AS t{k}"
             for k, (v, drop) in enumerate(views)]
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
        out.append(col.cast(pa.string()))
    return out


def _expr(parts: dict, cfg) -> str:
    """The SQL expression of the compared text under ``cfg`` over the columns ``parts``."""
    cols = list(parts)
    roles = ", ".join("'" + r.replace("'", "''") + "'" for r in cfg.chat_roles) or "NULL"
    text = f'"{cfg.text_field}"' if cfg.text_field in cols else "''"
    cases = []
    if "messages" in parts:
        m = parts["messages"]
        if pa.types.is_null(m.type):
            msgs = None
        elif pa.types.is_string(m.type):
            # a value that is not a JSON array (a mixed column's plain string) is no chat: the row has no text
            # (a cheap look at the first character: the JSON is parsed once, by from_json)
            msgs = (f"CASE WHEN left(ltrim(messages), 1) = '[' "
                    f"THEN from_json(nullif(trim(messages), ''), '{_MSG_JSON}') END")
        else:
            msgs = "messages"
        if msgs:
            cases.append(f"WHEN {msgs} IS NOT NULL THEN coalesce(array_to_string(list_transform(list_filter({msgs}, "
                         f"m -> m.role IN ({roles})), m -> coalesce(m.content, '')), chr(8233)), '')")
    sft = [f for f in SFT_FIELDS if f in parts and f != cfg.text_field]
    if sft:
        cond = " OR ".join(f'nullif("{f}", \'\') IS NOT NULL' for f in sft)
        cases.append(f"WHEN {cond} THEN concat_ws(chr(8233), {', '.join(chr(34) + f + chr(34) for f in sft)})")
    return f"CASE {' '.join(cases)} ELSE coalesce({text}, '') END" if cases else f"coalesce({text}, '')"
