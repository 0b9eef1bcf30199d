"""Typed results that still read like the dicts they replace.

Services return dataclasses (``help()`` and type checkers show their fields); callers written
against the old dict results keep working because a :class:`Result` is also a read-only mapping
(``res["counts"]``, ``dict(res)``, ``"path" in res``). ``as_dict()`` gives the plain dict to print as
JSON.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping
from typing import Any


class Result(Mapping):
    """Base of result dataclasses: attribute access, read-only ``[key]`` access and ``as_dict()``."""

    def __getitem__(self, key: str) -> Any:
        if key in self._names():
            return getattr(self, key)
        raise KeyError(key)

    def __iter__(self) -> Iterator[str]:
        return iter(self._names())

    def __len__(self) -> int:
        return len(self._names())

    def _names(self) -> tuple[str, ...]:
        return tuple(f.name for f in dataclasses.fields(self))  # type: ignore[arg-type]

    def as_dict(self) -> dict[str, Any]:
        """The fields as a plain (JSON-ready) dict."""
        return dataclasses.asdict(self)  # type: ignore[call-overload]
