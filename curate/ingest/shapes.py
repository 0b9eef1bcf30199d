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


# --- Other chat formats -------------------------------------------------------------------------------------------
# Besides ``messages`` with the standard roles, records in the common fine-tuning formats are read as chats (or SFT):
#
# * ShareGPT  ``{"conversations": [{"from": "human", "value": "..."}, ...]}`` (FastChat, Axolotl, LLaMA-Factory);
# * prompt/completion ``{"prompt": "...", "completion": "..."}`` — two strings are an SFT record (instruction,
#   output); two lists of messages (TRL's conversational prompt-completion) are one chat, prompt turns first;
# * roles by another name (``human``/``gpt``, ``customer``/``agent``, ``user``/``model`` ...; any case).
#
# A converted record keeps what it was in ``meta`` under SOURCE_SHAPE_KEY: ``{"format": ..., "roles": [the
# original role of each turn], "prompt_turns": n}`` (only the keys that apply); the raw line stays in the file
# its provenance names.  A role that is neither standard nor an alias quarantines the record, naming it.

STANDARD_ROLES = ("system", "user", "assistant", "tool")
# Lower-cased alias -> standard role. Sources: ShareGPT/FastChat (human, gpt), Gemini (model), OpenAssistant
# (prompter), LLaMA-Factory (observation: a tool's result), OpenAI's legacy ``function`` role and Llama 3's
# ``ipython`` (tool results), support transcripts (customer, agent) and chat bots (bot).
ROLE_ALIASES = {
    "human": "user", "customer": "user", "prompter": "user",
    "gpt": "assistant", "chatgpt": "assistant", "bot": "assistant", "model": "assistant", "agent": "assistant",
    "function": "tool", "observation": "tool", "ipython": "tool",
}
SOURCE_SHAPE_KEY = "_source_shape"
SHAREGPT_FIELD = "conversations"
PROMPT_FIELDS = ("prompt", "completion")


def accepted_roles() -> str:
    """The roles a chat may use, for messages: ``system, user, assistant, tool, or an alias: human, ...``."""
    return f"{', '.join(STANDARD_ROLES)}, or an alias: {', '.join(ROLE_ALIASES)}; any case"


def role_sql(role: str) -> str:
    """SQL: the standard role for the VARCHAR expression ``role`` (an alias mapped, any case, outer spaces
    ignored); NULL for an unknown role."""
    pairs = [(r, r) for r in STANDARD_ROLES] + list(ROLE_ALIASES.items())
    whens = " ".join(f"WHEN '{a}' THEN '{r}'" for a, r in pairs)
    return f"CASE lower(trim({role})) {whens} END"


def turns_sql(value: str, role_key: str, content_key: str, map_roles: bool) -> str:
    """SQL: the JSON array ``value`` (VARCHAR) as a compact JSON array of ``{"role", "content", ...}`` (VARCHAR).

    Each turn's ``role_key``/``content_key`` become ``role``/``content`` (first, in that order; the role mapped
    to its standard name when ``map_roles``); its other keys follow as they were (numbers written by value).
    """
    role = f"x->>'{role_key}'"
    if map_roles:
        role = f"coalesce({role_sql(role)}, {role})"
    drop = "'{\"" + role_key + "\":null,\"" + content_key + "\":null}'"
    return (f"to_json(list_transform(json_extract(({value})::JSON, '$[*]'), x -> json_merge_patch("
            f"json_object('role', {role}, 'content', x->'{content_key}'), json_merge_patch(x, {drop}))))::VARCHAR")


def concat_turns_sql(first: str, second: str) -> str:
    """SQL: two JSON arrays (VARCHAR) as one compact JSON array (VARCHAR)."""
    return f"to_json(list_concat(json_extract(({first})::JSON, '$[*]'), json_extract(({second})::JSON, '$[*]')))::VARCHAR"


def unknown_role_sql(roles: str) -> str:
    """SQL: the first role of the VARCHAR[] ``roles`` that is neither standard nor an alias (NULL: none)."""
    return f"list_filter({roles}, r -> r IS NOT NULL AND {role_sql('r')} IS NULL)[1]"


def unknown_role_reason_sql(role: str, field: str) -> str:
    """SQL: the quarantine reason for the unknown role ``role`` (a VARCHAR expression) of a chat read from
    ``field`` (a VARCHAR expression: ``messages``, ``conversations`` ...)."""
    accepted = accepted_roles().replace("'", "''")
    return f"'schema violation: ' || {field} || ' with unknown role ''' || {role} || ''' (accepted: {accepted})'"


def with_source_shape_sql(meta: str, info: str) -> str:
    """SQL: the JSON object text ``meta`` with ``SOURCE_SHAPE_KEY: info`` added last (``info`` a JSON text;
    NULL leaves ``meta`` as it is). Spliced as text, so the numbers ``meta`` holds stay as written."""
    add = f"'\"{SOURCE_SHAPE_KEY}\":' || {info}"
    return (f"CASE WHEN {info} IS NULL THEN {meta} WHEN {meta} IS NULL OR {meta} = '{{}}' THEN '{{' || {add} || '}}' "
            f"ELSE substr({meta}, 1, length({meta}) - 1) || ',' || {add} || '}}' END")
