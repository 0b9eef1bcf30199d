"""User SQL: filters people type or share (``--where``, a recipe's ``where``, ``label push --where``).

Two fences, each enough on its own for the forms we know:

1. :func:`parse_where` accepts exactly one SQL expression (DuckDB's own parser, via
   ``json_serialize_sql``): no second statement, set operation, clause, subquery, or function
   that reads the environment or settings; the expression is re-rendered canonically (comments gone).
2. :func:`select_keys` evaluates it in a **confined connection** (:func:`confined_connection`): a
   separate in-memory DuckDB with no catalog attached, ``enable_external_access=false`` (no file,
   glob, ATTACH, COPY, extension load or ``getenv``), no spill folder, Python replacement scans off,
   and its configuration locked (``SET``/``PRAGMA`` refused). The rows it sees are handed over as
   Arrow batches holding only the key and the columns the expression names, so even an expression
   that slipped past the parser can reach neither the lake (raw zone, secrets) nor the machine.

The caller then selects by key in its own connection (``doc_id IN (SELECT doc_id FROM <keys>)``):
user text never reaches the connection that holds the workspace.
"""

from __future__ import annotations

import json
from typing import Any, Iterator

import duckdb
import pyarrow as pa

from curate.errors import CurateError, describe_db_error

_WHERE_TABLE = "__curate_where__"
_WHERE_PREFIX = f"SELECT * FROM {_WHERE_TABLE} WHERE "
#: Scalar functions that read the environment or settings: a filter has no business with them (the confined
#: connection has no environment to read either; this names the problem instead of "unknown function").
DENIED_FUNCTIONS = frozenset({"getenv", "current_setting", "duckdb_secrets", "which_secret", "getvariable",
                              "current_database", "current_schema", "current_schemas", "current_user",
                              "session_user", "user", "version"})
#: rows per Arrow batch handed to the confined connection (bounds its memory whatever the workspace size)
BATCH_ROWS = 65_536
#: the confined connection's memory cap (no spill folder: a filter that needs more fails, it writes nothing)
MEMORY_LIMIT = "2GB"


def confined_connection() -> duckdb.DuckDBPyConnection:
    """A fresh in-memory DuckDB for user SQL: JSON functions loaded, then external access off and settings locked.

    Returns a connection with no catalog, no files, no spill folder (``temp_directory=''``), no Python
    replacement scans and ``lock_configuration=true`` (every later ``SET``/``PRAGMA`` is refused).
    """
    import duckdb_ext

    con = duckdb.connect(config={"extension_directory": duckdb_ext.get_extension_dir(),
                                 "autoinstall_known_extensions": False, "autoload_known_extensions": False})
    try:
        con.execute("LOAD json")  # json_serialize_sql and the json_* functions filters use on meta
        try:  # cosmetic only; inside Jupyter DuckDB refuses any progress-bar change without ipywidgets
            con.execute("SET enable_progress_bar = false")
        except duckdb.InvalidInputException:
            pass
        for setting in ("SET temp_directory = ''",
                        f"SET memory_limit = '{MEMORY_LIMIT}'", "SET python_enable_replacements = false",
                        "SET allow_community_extensions = false", "SET enable_external_access = false",
                        "SET lock_configuration = true"):
            con.execute(setting)
    except duckdb.Error:  # pragma: no cover - these settings exist in the pinned DuckDB
        con.close()
        raise
    return con


def _walk(node: Any) -> Iterator[dict]:
    if isinstance(node, dict):
        yield node
        for v in node.values():
            yield from _walk(v)
    elif isinstance(node, list):
        for v in node:
            yield from _walk(v)


def parse_where(where: str, con: duckdb.DuckDBPyConnection | None = None) -> tuple[str, list[str]]:
    """Parse a filter as exactly one SQL expression.

    Args:
        where: the user's text.
        con: a confined connection to parse in (a fresh one when None).

    Returns:
        ``(canonical SQL of the expression, names the expression refers to)`` — the canonical form is
        DuckDB's own rendering, fully parenthesised, comments gone. The names include every part of
        each column reference (``s.f`` gives ``s`` and ``f``) and lambda parameters; callers intersect
        them with the columns they have.

    Raises:
        CurateError: (exit 2) naming the kind of problem, never quoting the text: empty, a syntax
            error, a parenthesis escape such as ``1=1) OR (1=1``, a second statement, set operations,
            ORDER/LIMIT/GROUP clauses, subqueries (which could read files or tables) and functions that
            read the environment or settings.
    """
    if not where or not where.strip():
        raise CurateError("bad --where: the filter is empty")
    own = con is None
    con = con or confined_connection()
    try:
        raw = con.execute("SELECT json_serialize_sql(?)", [_WHERE_PREFIX + where]).fetchone()[0]
        tree = json.loads(raw)
        if tree.get("error"):
            pos = tree.get("position")
            at = f" at character {int(pos) - len(_WHERE_PREFIX) + 1}" if str(pos or "").isdigit() else ""
            kind = "a syntax error" if tree.get("error_type") == "parser" else "not a single expression"
            raise CurateError(f"bad --where: {kind}{at}; it must be one SQL expression over the columns")
        stmts = tree.get("statements") or []
        node = stmts[0].get("node", {}) if len(stmts) == 1 else {}
        plain = (node.get("type") == "SELECT_NODE" and not node.get("modifiers")
                 and not node.get("cte_map", {}).get("map")
                 and not node.get("group_expressions") and not node.get("group_sets") and node.get("having") is None
                 and node.get("qualify") is None and node.get("sample") is None
                 and node.get("from_table", {}).get("table_name") == _WHERE_TABLE
                 and node.get("from_table", {}).get("type") == "BASE_TABLE"
                 and [e.get("class") for e in node.get("select_list", [])] == ["STAR"]
                 and node.get("where_clause") is not None)
        if not plain:
            raise CurateError("bad --where: it must be one SQL expression over the columns "
                              "(no statements, set operations, GROUP/ORDER/LIMIT clauses)")
        expr = node["where_clause"]
        names: list[str] = []
        # A lambda's parameters (x in x -> length(x) > 6) are not columns.
        params = {name for n in _walk(expr) if n.get("class") == "LAMBDA" for m in _walk(n.get("lhs"))
                  if m.get("class") == "COLUMN_REF" for name in m.get("column_names") or []}
        for n in _walk(expr):
            if n.get("class") == "SUBQUERY":
                raise CurateError("bad --where: subqueries are not allowed; filter on the document and signal "
                                  "columns")
            if n.get("class") == "FUNCTION" and str(n.get("function_name", "")).lower() in DENIED_FUNCTIONS:
                raise CurateError(f"bad --where: function {n['function_name']}() is not allowed in a filter")
            if n.get("class") == "COLUMN_REF":
                # The column itself: in st.f the rest names a struct field (and _curate_where.c a column).
                parts = [p for p in n.get("column_names") or [] if p != _WHERE_TABLE][:1]
                for name in parts:
                    if name not in names and name not in params:
                        names.append(name)
        sql = con.execute("SELECT json_deserialize_sql(?::JSON)", [raw]).fetchone()[0]
    except duckdb.Error as exc:  # pragma: no cover - json_serialize_sql reports parse errors in its result
        raise CurateError(f"bad --where: {describe_db_error(exc)}") from None
    finally:
        if own:
            con.close()
    if not sql.startswith(_WHERE_PREFIX):  # pragma: no cover - DuckDB renders the prefix it parsed
        raise CurateError("bad --where: it must be one SQL expression over the columns")
    return sql[len(_WHERE_PREFIX):], names


def _refused(exc: duckdb.Error, columns: list[str], unknown: list[str] = (), available: list[str] = ()
             ) -> CurateError:
    first = (str(exc).splitlines() or [""])[0].lower()
    if isinstance(exc, duckdb.PermissionException) or "configuration has been locked" in first:
        return CurateError("bad --where: it reaches files, extensions or settings, which a filter may not; "
                           "filter on the document and signal columns")
    if isinstance(exc, duckdb.BinderException) and unknown:
        # Name the columns that are not there (DuckDB's message names a candidate instead, never the culprit).
        return CurateError(f"bad --where: unknown column{'s' if len(unknown) > 1 else ''} "
                           f"{', '.join(repr(u) for u in unknown)} (columns: {', '.join(available)})")
    return CurateError(f"bad --where: {describe_db_error(exc, columns)}")


def select_keys(source: duckdb.DuckDBPyRelation, where: str, key: str = "doc_id") -> pa.Table:
    """The ``key`` values of the rows of ``source`` that a user filter selects, evaluated confined.

    Args:
        source: any relation with a ``key`` column (the workspace view, a snapshot), in its own connection.
        where: the user's filter text (parsed with :func:`parse_where` first).
        key: the column that identifies a row.

    Returns:
        A one-column table (``key``), in ``source`` order. Streaming: ``source`` is read in batches of
        :data:`BATCH_ROWS` rows holding only ``key`` and the columns the filter names, and each batch is
        filtered in one :func:`confined_connection`, so memory stays bounded.

    Raises:
        CurateError: (exit 2) the filter is not one expression, names an unknown column or function,
            fails on a value (the message names the kind and the columns, never the value), or tries
            to reach files, extensions or settings.
    """
    con = confined_connection()
    try:
        canonical, names = parse_where(where, con)
        have = {c.lower(): c for c in source.columns}
        wanted = [key] + [have[n.lower()] for n in dict.fromkeys(names) if n.lower() in have
                          and have[n.lower()] != key]
        columns = [c for c in wanted if c != key]
        unknown = [n for n in dict.fromkeys(names) if n.lower() not in have]
        cols_sql = ", ".join('"' + c.replace('"', '""') + '"' for c in wanted)
        reader = source.project(cols_sql).fetch_record_batch(BATCH_ROWS)
        out: list[pa.Array] = []
        first = True
        for batch in reader:
            out.extend(_filter_batch(con, batch, canonical, key, columns, unknown, source.columns))
            first = False
        if first:  # no rows: still bind the expression, so an unknown column is an error, not an empty selection
            _filter_batch(con, pa.RecordBatch.from_pylist([], schema=reader.schema), canonical, key, columns,
                          unknown, source.columns)
        key_type = reader.schema.field(key).type
        return pa.table({key: pa.chunked_array(out, type=key_type)})
    finally:
        con.close()


def _filter_batch(con: duckdb.DuckDBPyConnection, batch: pa.RecordBatch, canonical: str, key: str,
                  columns: list[str], unknown: list[str] = (), available: list[str] = ()) -> list[pa.Array]:
    con.register(_WHERE_TABLE, batch)
    try:
        got = con.execute(f'SELECT "{key}" FROM {_WHERE_TABLE} WHERE {canonical}').fetch_arrow_table()
    except duckdb.Error as exc:
        raise _refused(exc, columns, unknown, available) from None
    finally:
        con.unregister(_WHERE_TABLE)
    return list(got.column(0).chunks)
