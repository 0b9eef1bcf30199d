"""Reading user YAML files (policies, configs) with one-line errors instead of tracebacks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from curate.errors import CurateError


def read_yaml(path: str | Path, what: str = "file") -> Any:
    """Parse ``path``; a missing file or bad YAML becomes a :class:`CurateError` naming the file."""
    p = Path(path)
    if not p.exists():
        raise CurateError(f"{p}: no such {what}")
    try:
        return yaml.safe_load(p.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark else ""
        raise CurateError(f"{p}:{where} not valid YAML ({getattr(exc, 'problem', None) or str(exc).splitlines()[0]})") from None
