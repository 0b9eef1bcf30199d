"""Indic-aware text cleaning.

Rules, in order (each one is a separate function so it can be tested on its own):

1. HTML remnants: tags and entities (``&nbsp;``, ``&#2325;``) left by exports from CRMs
   (:func:`curate.text.html.html_to_text`).
2. Unicode NFC.  For Devanagari, Bengali and Gurmukhi the precomposed nukta letters
   (क़ U+0958 …) are composition *exclusions*: NFC always yields base + nukta (क + ़),
   so two spellings of the same word become one string.
3. Invisible characters: zero-width space, BOM, soft hyphen, word joiner, bidi marks
   and other format/control characters are removed (tab and newline kept).
4. ZWJ/ZWNJ: kept only where they change rendering, i.e. right after a virama
   (halant) inside an Indic word (e.g. Malayalam chillus, Devanagari half forms,
   Bengali ya-phala); anywhere else they are noise and are removed.
5. Look-alikes: Devanagari danda written as ASCII '|' between Indic words becomes '।';
   Latin lookalike digits are left alone (PII relies on them).
6. Whitespace: runs of spaces/tabs collapse to one space, more than two newlines to
   two, and lines are trimmed.
"""

from __future__ import annotations

import re
import unicodedata

from curate.text.html import html_to_text
from curate.text.nfc import nfc
from curate.text.scripts import INDIC_BLOCKS_RANGE, VIRAMAS

ZWJ, ZWNJ = "\u200d", "\u200c"
_INVISIBLE = {"\u200b", "\ufeff", "\u00ad", "\u2060", "\u200e", "\u200f", "\u202a", "\u202b", "\u202c",
              "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069"}
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_MANY_NEWLINES = re.compile(r"\n{3,}")
_INDIC_PIPE = re.compile(rf"(?<=[{INDIC_BLOCKS_RANGE}])\s*\|\s*(?=[{INDIC_BLOCKS_RANGE}]|\s*$)", re.M)


def remove_invisible(text: str) -> str:
    out = []
    for ch in text:
        if ch in _INVISIBLE:
            continue
        if ch in "\n\t" or ch in (ZWJ, ZWNJ):
            out.append(ch)
            continue
        cat = unicodedata.category(ch)
        if cat == "Cc" or (cat == "Cf" and ch not in (ZWJ, ZWNJ)):
            continue
        out.append(ch)
    return "".join(out)


def fix_joiners(text: str) -> str:
    if ZWJ not in text and ZWNJ not in text:
        return text
    out = []
    for i, ch in enumerate(text):
        if ch in (ZWJ, ZWNJ):
            prev = text[i - 1] if i else ""
            nxt = text[i + 1] if i + 1 < len(text) else ""
            # Meaningful only after a virama and before a letter of the same word.
            if prev in VIRAMAS or (prev in (ZWJ, ZWNJ) and i > 1 and text[i - 2] in VIRAMAS):
                if nxt and not nxt.isspace():
                    out.append(ch)
                    continue
                if ch == ZWJ and prev in VIRAMAS:  # Malayalam chillu spelled virama + ZWJ at word end
                    out.append(ch)
            continue
        out.append(ch)
    return "".join(out)


def fix_dandas(text: str) -> str:
    return _INDIC_PIPE.sub(" । ", text).replace("  ", " ") if "|" in text else text


def collapse_whitespace(text: str) -> str:
    lines = [_SPACES.sub(" ", line).strip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    return _MANY_NEWLINES.sub("\n\n", "\n".join(lines)).strip()


def clean_text(text: str | None) -> str | None:
    if text is None:
        return None
    text = html_to_text(text)
    text = nfc(text)
    text = remove_invisible(text)
    text = fix_joiners(text)
    text = fix_dandas(text)
    return collapse_whitespace(text)
