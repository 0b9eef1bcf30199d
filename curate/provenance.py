"""When and by what code something was made: the one clock and the one code version of curate.

Snapshot manifests, training and evaluation runs, label records and lineage all stamp their rows with
:func:`now` and record :func:`code_version`, so provenance reads the same everywhere.
"""

from __future__ import annotations

import subprocess
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path

from curate._version import __version__

__all__ = ["now", "code_version"]


def now() -> datetime:
    """The current time in UTC as a naive ``datetime`` (DuckDB ``TIMESTAMP`` columns hold UTC without a zone)."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


@lru_cache(maxsize=1)
def _git_state(root: str) -> tuple[str, bool] | None:
    try:
        sha = subprocess.run(["git", "-C", root, "rev-parse", "--short=12", "HEAD"], capture_output=True,
                             text=True, timeout=5).stdout.strip()
        if not sha:
            return None
        dirty = subprocess.run(["git", "-C", root, "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True, timeout=5).stdout.strip()
        return sha, bool(dirty)
    except (OSError, subprocess.SubprocessError):
        return None


def code_version() -> str:
    """curate's version plus the git commit of a checkout: ``0.1.0+g1a2b3c4d5e6f`` (``.dirty`` when tracked
    files differ from it); just ``0.1.0`` when installed without git. Cached per process: the code a
    process runs does not change while it runs."""
    state = _git_state(str(Path(__file__).resolve().parent.parent))
    if state is None:
        return __version__
    sha, dirty = state
    return f"{__version__}+g{sha}{'.dirty' if dirty else ''}"
