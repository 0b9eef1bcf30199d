"""Rewriting text by character spans (offsets in code points over the original text).

Used by snapshot creation to apply annotator-corrected PII spans (``label_pii_spans``) with
typed placeholders; registered in DuckDB as ``label_redact(text, spans_json)`` for the main
text the spans were marked on, and ``label_redact_in(value, text, spans_json, is_json)`` for
every other field (SFT fields, chat messages, metadata): each span's string, taken from the
text, is replaced wherever it occurs in the field as a whole word, because a name or number
the annotator marked in the text is the same person's data in ``messages`` or ``output``.
"""

from __future__ import annotations

import json
from typing import Any

import regex

from curate.text.jsonleaves import map_leaves


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


_WORD = r"[\p{L}\p{M}\p{N}]"


def _needles(text: str, spans_json: str) -> list[tuple[Any, str]]:
    """(compiled whole-word pattern, placeholder) per distinct span string, longest first."""
    found: dict[str, str] = {}
    for sp in json.loads(spans_json):
        piece = text[int(sp["start"]):int(sp["end"])].strip()
        # One- or two-letter strings ("A", "Om" as a fragment) would hit ordinary words everywhere.
        if sum(ch.isalnum() for ch in piece) >= 3 and piece not in found:
            found[piece] = f"<{sp['type']}>"
    return [(regex.compile(rf"(?<!{_WORD}){regex.escape(p)}(?!{_WORD})"), t)
            for p, t in sorted(found.items(), key=lambda kv: -len(kv[0]))]


def _sub(value: str, needles) -> str:
    for rx, token in needles:
        value = rx.sub(token, value)
    return value


def redact_in(value: str | None, text: str | None, spans_json: str | None, is_json: bool = False) -> str | None:
    """``value`` with every string that the spans mark in ``text`` replaced by its typed placeholder.

    ``is_json``: ``value`` is JSON (chat messages, metadata); every string inside is rewritten and the JSON
    re-serialised (keys are kept). Text that is not valid JSON is treated as plain text."""
    if value is None or text is None or spans_json is None:
        return value
    needles = _needles(text, spans_json)
    if not needles:
        return value
    if is_json:
        try:
            obj = json.loads(value)
        except json.JSONDecodeError:
            obj = None
        if isinstance(obj, (dict, list)):
            def leaf(v: Any) -> Any:
                if isinstance(v, str):
                    return _sub(v, needles)
                if isinstance(v, (int, float)) and not isinstance(v, bool):
                    new = _sub(str(v), needles)
                    return v if new == str(v) else new
                return v

            return json.dumps(map_leaves(obj, leaf), ensure_ascii=False)
    return _sub(value, needles)


def register(con, name: str = "label_redact") -> None:
    """Make ``label_redact(text, spans_json)`` and ``label_redact_in(value, text, spans_json, is_json)``
    available in SQL on ``con``."""
    con.create_function(name, lambda text, spans: redact_spans(text, spans), ["VARCHAR", "VARCHAR"], "VARCHAR",
                        null_handling="special")
    con.create_function(f"{name}_in", lambda value, text, spans, is_json: redact_in(value, text, spans, bool(is_json)),
                        ["VARCHAR", "VARCHAR", "VARCHAR", "BOOLEAN"], "VARCHAR", null_handling="special")
