"""Rewriting text by character spans (offsets in code points over the original text).

Used by snapshot creation to apply annotator-corrected PII spans (``label_pii_spans``) with
typed placeholders; registered in DuckDB as ``label_redact(text, spans_json)``.
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
