"""What produced an adapter: library versions (the code version is :func:`curate.provenance.code_version`)."""

from __future__ import annotations

import platform
from importlib import metadata

LIBRARIES = ("curate", "torch", "transformers", "peft", "bitsandbytes", "accelerate", "tokenizers", "datasets")


def library_versions() -> dict[str, str | None]:
    out: dict[str, str | None] = {"python": platform.python_version()}
    for name in LIBRARIES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = None
    return out
