"""How a record's main ``text`` is made from its shape — one definition for ingest and file mode.

Three shapes carry text (see ``schemas/document.schema.json``):

* ``text``  — the field itself;
* SFT       — ``instruction``, optional ``input``, ``output`` joined by a blank line
  (an empty ``input`` is left out): ``"instruction\\n\\ninput\\n\\noutput"``;
* chat      — ``messages`` ``[{role, content}, ...]``: the contents joined by one newline.

Records in other common fine-tuning formats are read as one of these (see "Other chat formats" below):
ShareGPT ``conversations``, ``prompt``/``completion``, and chat roles by another name (``human``/``gpt``,
``customer``/``agent`` ...).

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


def message_texts_sql(messages: str, key: str = "content") -> str:
    """SQL: the text of each message of the JSON array text ``messages`` (VARCHAR) as VARCHAR[] (``key``: where a
    message holds its content; ShareGPT's is ``value``).

    ``content`` as a string is itself; as a list of parts (OpenAI's ``[{"type": "text", "text": ...}, ...]``) the
    parts' ``text`` joined by a newline (image or audio parts add nothing); null or absent content (an assistant
    turn that only calls tools) is NULL, which the chat rendering skips."""
    return (f"list_transform(json_extract(({messages})::JSON, '$[*]'), x -> CASE json_type(x->'{key}') "
            f"WHEN 'VARCHAR' THEN x->>'{key}' "
            f"WHEN 'ARRAY' THEN array_to_string(json_extract_string(x->'{key}', '$[*].text'), chr(10)) END)")


def messages_ok_sql(messages: str) -> str:
    """SQL: whether every message of the JSON array text ``messages`` has content a chat may hold (BOOLEAN): a
    string, a list of parts, or null/absent beside ``tool_calls``/``function_call`` (OpenAI's tool-call turn)."""
    return (f"list_bool_and(list_transform(json_extract(({messages})::JSON, '$[*]'), x -> "
            f"json_type(x->'content') IN ('VARCHAR', 'ARRAY') OR (coalesce(json_type(x->'content'), 'NULL') = 'NULL' "
            f"AND ((x->'tool_calls') IS NOT NULL OR (x->'function_call') IS NOT NULL))))")


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
# ``ipython`` (tool results), OpenAI's ``developer`` (the system role of its newer models), support transcripts
# (customer, agent) and chat bots (bot).
ROLE_ALIASES = {
    "developer": "system",
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
    return (f"to_json(list_concat(json_extract(({first})::JSON, '$[*]'), "
            f"json_extract(({second})::JSON, '$[*]')))::VARCHAR")


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


def derive_text(table: pa.Table) -> pa.Array | None:
    """The ``text`` a workspace would store for each row of ``table``, from its SFT or chat columns.

    The shapes and their order are ingest's (first match per row): SFT (``instruction``/``output``,
    ``input`` optional), ``messages``, ShareGPT ``conversations``, ``prompt``/``completion`` (two strings
    render as SFT, two message lists as one chat).  Chat columns may be lists of structs or their JSON text.

    Args:
        table: rows with one or more of those columns.
    Returns:
        A string array (null where a row has no text), or None when the table has none of the shapes.
    Raises:
        CurateError: a row whose chat uses a role that is neither standard nor an alias (the reason ingest
            quarantines it with, and the 1-based record number).
    """
    import duckdb

    from curate.errors import CurateError

    cols = {f.name: f.type for f in table.schema}
    cases: list[tuple[str, str, str, str]] = []  # (row has the shape, its text, its roles, the field named)

    def col(name: str) -> str:
        return f'CAST("{name}" AS VARCHAR)' if name in cols else "NULL"

    if cols.keys() & {"instruction", "output"}:
        cases.append(("instruction IS NOT NULL OR output IS NOT NULL" if {"instruction", "output"} <= cols.keys()
                      else f"{next(c for c in ('instruction', 'output') if c in cols)} IS NOT NULL",
                      sft_text_sql(col("instruction"), col("input"), col("output")), "NULL", "''"))
    if "messages" in cols:
        cases.append(("messages IS NOT NULL", chat_text_sql(_texts(cols, "messages", "content")),
                      _items(cols, "messages", "role"), "'messages'"))
    if SHAREGPT_FIELD in cols:
        cases.append((f"{SHAREGPT_FIELD} IS NOT NULL", chat_text_sql(_texts(cols, SHAREGPT_FIELD, "value")),
                      _items(cols, SHAREGPT_FIELD, "from"), f"'{SHAREGPT_FIELD}'"))
    if cols.keys() & set(PROMPT_FIELDS):
        has = " OR ".join(f"{c} IS NOT NULL" for c in PROMPT_FIELDS if c in cols)
        if all(c in cols and _is_list(cols[c]) for c in PROMPT_FIELDS):
            cases.append((has, chat_text_sql(f"list_concat({_texts(cols, 'prompt', 'content')}, "
                                             f"{_texts(cols, 'completion', 'content')})"),
                          f"list_concat({_items(cols, 'prompt', 'role')}, {_items(cols, 'completion', 'role')})",
                          "'prompt/completion'"))
        else:
            cases.append((has, sft_text_sql(col("prompt"), "NULL", col("completion")), "NULL", "''"))
    if not cases:
        return None

    def pick(k: int) -> str:
        return "CASE " + " ".join(f"WHEN {c[0]} THEN {c[k]}" for c in cases) + " END"

    con = duckdb.connect()
    try:
        con.register("_t", table.select([c for c in ("instruction", "input", "output", "messages", SHAREGPT_FIELD,
                                                     *PROMPT_FIELDS) if c in cols]))
        out = con.execute(f"SELECT {pick(1)} AS text, {unknown_role_sql(pick(2))} AS bad FROM _t").fetch_arrow_table()
        bad = out["bad"].combine_chunks()
        if bad.null_count < len(bad):
            row = bad.is_valid().to_pylist().index(True)
            reason = con.execute(f"SELECT {unknown_role_reason_sql('?', pick(3))} FROM _t LIMIT 1 OFFSET {row}",
                                 [bad[row].as_py()]).fetchone()[0]
            raise CurateError(f"record {row + 1}: {reason}")
        return out["text"].combine_chunks()
    finally:
        con.close()


def _is_list(t: pa.DataType) -> bool:
    return pa.types.is_list(t) or pa.types.is_large_list(t)


def _texts(cols: dict[str, pa.DataType], name: str, key: str) -> str:
    """SQL: the text of every message of the chat column ``name`` (JSON text or a list of structs) as VARCHAR[],
    as ingest renders it (:func:`message_texts_sql`)."""
    t = cols[name]
    if pa.types.is_string(t) or pa.types.is_large_string(t):
        # a row whose value is not a JSON array (a mixed column's plain string) has no chat text: no text, like
        # any row without one, not an error for the whole file
        return f"CASE WHEN {_json_array(name)} THEN {message_texts_sql(name, key)} END"
    if _is_list(t):
        return message_texts_sql(f"to_json({name})::VARCHAR", key)
    return "NULL::VARCHAR[]"


def _json_array(name: str) -> str:
    """SQL: the VARCHAR column ``name`` holds a JSON array (not a mixed column's plain string)."""
    return f"coalesce(json_type(try_cast({name} AS JSON)) = 'ARRAY', FALSE)"


def _items(cols: dict[str, pa.DataType], name: str, key: str) -> str:
    """SQL: the ``key`` of every item of the chat column ``name`` as VARCHAR[] (JSON text or a list of structs;
    NULL when its items have no such key)."""
    t = cols[name]
    if pa.types.is_string(t) or pa.types.is_large_string(t):
        return f"CASE WHEN {_json_array(name)} THEN json_extract_string({name}, '$[*].{key}') END"
    if _is_list(t) and pa.types.is_struct(t.value_type) and t.value_type.get_field_index(key) >= 0:
        return f'list_transform({name}, m -> CAST(m."{key}" AS VARCHAR))'
    return "NULL::VARCHAR[]"
