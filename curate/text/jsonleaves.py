"""Map a function over the leaves of parsed JSON (dicts and lists kept as they are)."""

from __future__ import annotations

from typing import Any, Callable


def map_leaves(obj: Any, fn: Callable[[Any], Any]) -> Any:
    """``obj`` (as ``json.loads`` returns it) with every value that is not a dict or a list replaced by
    ``fn(value)``; keys and nesting unchanged. Recursion depth = nesting depth (ingest caps it)."""
    if isinstance(obj, dict):
        return {k: map_leaves(v, fn) for k, v in obj.items()}
    if isinstance(obj, list):
        return [map_leaves(v, fn) for v in obj]
    return fn(obj)
