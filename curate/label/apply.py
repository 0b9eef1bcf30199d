"""Helpers for applying labels in snapshots (wired by the snapshot code, kept here next to the label formats).

``redact_spans`` rewrites a document's original text with the annotator-resolved PII spans
(``label_pii_spans``: JSON list of {start, end, type} in code-point offsets over the original
``text``), replacing each span by a typed placeholder. It is registered as a DuckDB scalar
function by :func:`register`, so a snapshot SELECT can say
``CASE WHEN label_pii_spans IS NOT NULL THEN label_redact(text, label_pii_spans) ELSE pii_text END``.
"""

from __future__ import annotations

import json


def redact_spans(text: str | None, spans_json: str | None, template: str = "<{type}>") -> str | None:
    if text is None or spans_json is None:
        return text
    spans = sorted(((int(s["start"]), int(s["end"]), str(s["type"])) for s in json.loads(spans_json)),
                   key=lambda s: (s[0], -s[1]))
    out, pos = [], 0
    for start, end, typ in spans:
        if start < pos:  # overlapping span: already covered by the previous replacement
            if end > pos:
                pos = end
            continue
        out.append(text[pos:start])
        out.append(template.format(type=typ))
        pos = end
    out.append(text[pos:])
    return "".join(out)


def register(con, name: str = "label_redact") -> None:
    """Make ``label_redact(text, spans_json)`` available in SQL on ``con``."""
    con.create_function(name, lambda text, spans: redact_spans(text, spans), ["VARCHAR", "VARCHAR"], "VARCHAR",
                        null_handling="special")
