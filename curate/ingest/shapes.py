"""How a record's main ``text`` is made from its shape — one definition for ingest and file mode.

Three shapes carry text (see ``schemas/document.schema.json``):

* ``text``  — the field itself;
* SFT       — ``instruction``, optional ``input``, ``output`` joined by a blank line
  (an empty ``input`` is left out): ``"instruction\\n\\ninput\\n\\noutput"``;
* chat      — ``messages`` ``[{role, content}, ...]``: the contents joined by one newline.

The functions return DuckDB SQL expressions over given sub-expressions, so the workspace's
ingest (over JSON values) and file mode (over Arrow columns) render text identically.
"""

from __future__ import annotations

import pyarrow as pa

SFT_FIELDS = ("instruction", "input", "output")


def sft_text_sql(instruction: str, input_: str, output: str) -> str:
    """SQL for the SFT rendering; arguments are SQL expressions of type VARCHAR (NULL allowed)."""
    return f"concat_ws(chr(10) || chr(10), {instruction}, nullif({input_}, ''), {output})"


def chat_text_sql(contents: str) -> str:
    """SQL for the chat rendering; ``contents`` is a SQL expression of type VARCHAR[] (message contents)."""
    return f"array_to_string({contents}, chr(10))"


def derive_text(table: pa.Table) -> pa.Array | None:
    """The ``text`` a workspace would store for each row of ``table``, from its SFT or chat columns.

    Args:
        table: rows with ``instruction``/``output`` (``input`` optional) or ``messages`` columns;
            ``messages`` may be a list of ``{role, content}`` structs or its JSON text.
    Returns:
        A string array (null where a row has no text), or None when the table has neither shape.
    """
    import duckdb

    cols = set(table.column_names)
    if cols & {"instruction", "output"}:
        def col(name: str) -> str:
            return f'CAST("{name}" AS VARCHAR)' if name in cols else "NULL"
        expr = sft_text_sql(col("instruction"), col("input"), col("output"))
        if "messages" in cols:  # a file mixing both shapes: SFT rows first, chat rows otherwise
            expr = f"coalesce(CASE WHEN instruction IS NOT NULL OR output IS NOT NULL THEN {expr} END, {_chat(table)})"
    elif "messages" in cols:
        expr = _chat(table)
    else:
        return None
    con = duckdb.connect()
    try:
        con.register("_t", table.select([c for c in ("instruction", "input", "output", "messages") if c in cols]))
        return con.execute(f"SELECT {expr} AS text FROM _t").fetch_arrow_table()["text"].combine_chunks()
    finally:
        con.close()


def _chat(table: pa.Table) -> str:
    t = table.schema.field("messages").type
    if pa.types.is_string(t) or pa.types.is_large_string(t):
        contents = "json_extract_string(messages, '$[*].content')"
    else:
        contents = "list_transform(messages, m -> CAST(m.content AS VARCHAR))"
    return chat_text_sql(contents)
