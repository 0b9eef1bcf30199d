"""Lazy package exports: ``from curate.pii import get_detector`` works, but importing the
package (e.g. while the CLI or the stage registry starts) loads none of the heavy libraries."""

from __future__ import annotations

import importlib
from typing import Any, Callable


def lazy_exports(package: str, exports: dict[str, str]) -> Callable[[str], Any]:
    """Return a module ``__getattr__`` resolving ``name`` from ``exports[name]`` (a submodule) on first use."""

    def __getattr__(name: str) -> Any:
        if name not in exports:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        return getattr(importlib.import_module(f"{package}.{exports[name]}"), name)

    return __getattr__


def import_plugins(package: str, module: str) -> list[str]:
    """Import ``<package>.<sub>.<module>`` for every subpackage ``sub`` that has one; return their names.

    Plugin discovery: a capability registers itself when its module is imported (stages in
    ``stage.py``, snapshot overlays in ``overlay.py``), so the core names no capability.
    """
    import pkgutil

    found = []
    for sub in pkgutil.iter_modules(importlib.import_module(package).__path__):
        if not sub.ispkg:
            continue
        name = f"{package}.{sub.name}.{module}"
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        found.append(name)
    return found
