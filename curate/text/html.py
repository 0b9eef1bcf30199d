"""HTML remnants -> text: the one HTML-to-text of curate (ingest and the clean stage both call it).

Exports from CRMs, help desks and web forms leave tags and entities in text fields. Block-level ends
(``<br>``, ``</p>``, ``</div>``, ``</li>``, ``</tr>``, ``</h1>`` ...) become line breaks; ``<script>`` and
``<style>`` elements and comments are dropped with their content; other tags are dropped; entities,
named and numeric (``&amp;``, ``&#2325;``, ``&#x92A;``), are decoded with :func:`html.unescape`, except
``&nbsp;``, which becomes a plain space: in exported text it is spacing markup, not a deliberate no-break.
Text without ``<`` or ``&`` is returned as is (the common case costs one scan). Whitespace is left
alone: collapsing it is a separate step of the caller.

This is a remnant stripper, not a browser: a lone ``<`` that does not start a tag (``a < b``, ``<3``)
and text that only looks like an entity without its ``;`` are kept. Only the elements of HTML (the WHATWG
element index, plus the obsolete ``font``/``center``/``tt``/``big``/``strike`` and Office's ``o:p``) are tags:
``<NAME>``, ``<PHONE>``, ``<otp>``, ``<customer_name>`` are placeholders of pre-masked data and SMS templates, and
stay (stripping them changed training targets: "Dear <name>, your OTP is <otp>." became "Dear , your OTP is ."), as
do upper-case element names used as placeholders (``<ADDRESS>``, ``<TIME>``: see :func:`_tag`).
``<s>`` and ``</s>`` stay too: in training data they are a tokenizer's sequence markers far more often than
strike-through.
"""

from __future__ import annotations

import html
import re

__all__ = ["html_to_text", "MARKUP_HINT_RE2"]

_ELEMENTS = (
    "a abbr address area article aside audio b base bdi bdo big blockquote body br button canvas caption center cite "
    "code col colgroup data datalist dd del details dfn dialog div dl dt em embed fieldset figcaption figure font "
    "footer form h1 h2 h3 h4 h5 h6 head header hgroup hr html i iframe img input ins kbd label legend li link main map "
    "mark menu meta meter nav noscript object ol optgroup option output p param picture pre progress q rp rt ruby "
    "samp script search section select slot small source span strike strong style sub summary sup table tbody td "
    "template textarea tfoot th thead time title tr track tt u ul var video wbr o:p"
).split()
# An element name, then the end of the name (space, "/", ">"): "<p>", "</div >", "<br/>", '<a href="…">'.
_NAMES = "(?:" + "|".join(re.escape(e) for e in sorted(_ELEMENTS, key=len, reverse=True)) + ")"
_NAME = _NAMES + r"(?=[\s/>])"
_TAG = re.compile(rf"<(script|style)\b[^>]*>.*?</\1\s*>|<!--.*?-->|<!DOCTYPE[^>]*>|</?{_NAME}[^>]*>", re.S | re.I)
_BLOCK_END = re.compile(r"<\s*(br|/p|/div|/li|/tr|/h[1-6])\b[^>]*>", re.I)
_ENTITY = re.compile(r"&(#\d+|#x[0-9a-fA-F]+|[A-Za-z]{2,8});")

# RE2 (DuckDB) test for "may hold markup": an HTML element's tag, a comment or an entity; rows without it skip
# html_to_text (and the whitespace tidying that comes with it).
MARKUP_HINT_RE2 = "(?i)</?" + _NAMES + r"[\s/>]|<!|&(#[0-9]+|#x[0-9a-fA-F]+|[A-Za-z]{2,8});"


def html_to_text(text: str) -> str:
    """``text`` without tags, with block ends as ``\\n`` and entities decoded (see the module docstring)."""
    if "<" not in text and "&" not in text:
        return text
    text = _BLOCK_END.sub("\n", text)
    text = _TAG.sub(lambda m: _tag(m, text), text)
    return _ENTITY.sub(_entity, text)


def _tag(m: re.Match, text: str) -> str:
    """"" for a tag, the tag itself for a placeholder written like one: an upper-case word of three letters or more
    without attributes and never closed (``<ADDRESS>``, ``<TIME>``, ``<CODE>`` — curate's own anonymization writes
    ``<ADDRESS>``), while ``<TABLE>…</TABLE>`` and ``<B>`` are markup."""
    tag = m.group(0)
    name = tag[1:-1]
    if name.isupper() and name.isalpha() and len(name) > 2 and f"</{name}" not in text:
        return tag
    return ""


def _entity(m: re.Match) -> str:
    return " " if m.group(1) == "nbsp" else html.unescape(m.group(0))
