"""Pure metric functions: each takes the audit's DuckDB connection (with ``audit_docs`` and ``audit_hits``)
and returns a JSON-able dict. None of them touches the workspace."""
