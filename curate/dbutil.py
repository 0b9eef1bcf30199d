"""Small DuckDB helpers shared by the core and the stage packages."""

from __future__ import annotations

import duckdb


def quiet(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """Turn off DuckDB's progress bar: it draws on stdout for long queries and would corrupt --json output."""
    try:
        con.execute("SET enable_progress_bar = false")
    except duckdb.InvalidInputException:
        pass  # Jupyter without ipywidgets refuses the change; the bar is already off there
    return con
