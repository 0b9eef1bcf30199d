"""curate: a data-first workbench for fine-tuning datasets (DuckDB + DuckLake)."""

from curate._version import __version__


def __getattr__(name):  # lazy: keep `import curate` cheap for stage worker processes
    if name == "Workspace":
        from curate.workspace import Workspace

        return Workspace
    raise AttributeError(name)


__all__ = ["Workspace", "__version__"]
