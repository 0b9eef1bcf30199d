"""HTML remnants -> text: the one HTML-to-text of curate (ingest and the clean stage both call it).

Exports from CRMs, help desks and web forms leave tags and entities in text fields. Block-level ends
(``<br>``, ``</p>``, ``</div>``, ``</li>``, ``</tr>``, ``</h1>`` ...) become line breaks; ``<script>`` and
``<style>`` elements and comments are dropped with their content; other tags are dropped; entities,
named and numeric (``&amp;``, ``&#2325;``, ``&#x92A;``), are decoded with :func:`html.unescape`, except
``&nbsp;``, which becomes a plain space: in exported text it is spacing markup, not a deliberate no-break.
Text without ``<`` or ``&`` is returned as is (the common case costs one scan). Whitespace is left
alone: collapsing it is a separate step of the caller.

This is a remnant stripper, not a browser: a lone ``<`` that does not start a tag (``a < b``, ``<3``)
and text that only looks like an entity without its ``;`` are kept.
"""

from __future__ import annotations

import html
import re

__all__ = ["html_to_text", "MARKUP_HINT_RE2"]

_TAG = re.compile(r"<(script|style)\b[^>]*>.*?</\1\s*>|<!--.*?-->|<[A-Za-z/!][^>]*>", re.S | re.I)
_BLOCK_END = re.compile(r"<\s*(br|/p|/div|/li|/tr|/h[1-6])\b[^>]*>", re.I)
_ENTITY = re.compile(r"&(#\d+|#x[0-9a-fA-F]+|[A-Za-z]{2,8});")

# RE2 (DuckDB) test for "may hold markup": a tag start or an entity; rows without it skip html_to_text.
MARKUP_HINT_RE2 = r"<[A-Za-z!/]|&(#[0-9]+|#x[0-9a-fA-F]+|[A-Za-z]{2,8});"


def html_to_text(text: str) -> str:
    """``text`` without tags, with block ends as ``\\n`` and entities decoded (see the module docstring)."""
    if "<" not in text and "&" not in text:
        return text
    text = _BLOCK_END.sub("\n", text)
    text = _TAG.sub("", text)
    return _ENTITY.sub(_entity, text)


def _entity(m: re.Match) -> str:
    return " " if m.group(1) == "nbsp" else html.unescape(m.group(0))
