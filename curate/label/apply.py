"""Applying labels in snapshots: the span rewriting lives in core (:mod:`curate.spans`), which the
snapshot code uses; it is re-exported here next to the label formats it reads."""

from curate.spans import redact_spans, register

__all__ = ["redact_spans", "register"]
