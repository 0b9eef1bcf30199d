"""curate's version, in a module of its own so the storage layer can record it without importing the package
``__init__`` (whose lazy ``Workspace`` export points above it)."""

__version__ = "0.1.0"
