"""Per-document quality metrics, computed in one pass over the distinct characters.

Character classes come from ``unicodedata`` and scripts (ISO 15924 codes: ``Deva``, ``Taml``, ``Latn``,
``Olck``, ``Mtei`` …) from :mod:`curate.text.scripts`, both cached per code point, so a document costs
one ``Counter`` over its characters plus work per *distinct* character. Digits in every script count as
digits (Indic digits ०-९, ০-৯ … included).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from functools import lru_cache

from curate.text.scripts import script_of_char

# Lines that carry no content of their own: mail/chat signatures, disclaimers, web chrome.
BOILERPLATE = re.compile(
    r"^\s*(sent from my|get outlook for|regards|best regards|thanks and regards|warm regards|"
    r"this (e-?mail|message) (is|and any attachments) (confidential|intended)|please do not reply|"
    r"do not reply to this|unsubscribe|click here|all rights reserved|copyright|©|terms (and|&) conditions|"
    r"privacy policy|cookie|follow us on|share this|read more|powered by|disclaimer|"
    r"धन्यवाद\s*[,।]?\s*$|सर्वाधिकार सुरक्षित|यह एक स्वचालित संदेश है|कृपया इस ईमेल का उत्तर न दें)",
    re.IGNORECASE)
MAX_SCAN_CHARS = 50_000   # repetition statistics on the first 50k characters bound the cost


@lru_cache(maxsize=65536)
def _char_class(ch: str) -> tuple[str, str | None]:
    """(class, script): class is letter, mark, digit, symbol, space or other; ISO 15924 script for letters and
    marks (``Zyyy`` for a letter or mark of no script, e.g. a combining accent)."""
    cat = unicodedata.category(ch)
    if cat[0] in "LM":
        return ("letter" if cat[0] == "L" else "mark"), script_of_char(ch)
    if cat == "Nd" or cat == "No":
        return "digit", None
    if cat[0] in "PS":
        return "symbol", None
    if cat[0] == "Z" or ch in "\t\n\r\x0b\x0c":
        return "space", None
    return "other", None


def _dup_share(items: list) -> float:
    if len(items) < 2:
        return 0.0
    return 1.0 - len(set(items)) / len(items)


def measure(text: str | None) -> dict:
    """Metrics for one document (all shares in [0, 1])."""
    text = text or ""
    counts = Counter(text)
    letters = digits = symbols = spaces = 0
    scripts: Counter = Counter()
    for ch, n in counts.items():
        cls, script = _char_class(ch)
        if cls in ("letter", "mark"):
            letters += n
            scripts[script] += n
        elif cls == "digit":
            digits += n
        elif cls == "symbol":
            symbols += n
        elif cls == "space":
            spaces += n
    nonspace = max(len(text) - spaces, 0)
    dominant, dominant_n = scripts.most_common(1)[0] if scripts else (None, 0)
    head = text[:MAX_SCAN_CHARS]
    words = head.split()
    compact = " ".join(words)
    lines = [ln.strip() for ln in head.splitlines() if ln.strip()]
    return {
        "chars": nonspace,
        "words": len(text.split()) if len(text) > MAX_SCAN_CHARS else len(words),
        "length": len(text),
        "word_repetition": round(_dup_share([tuple(words[i:i + 3]) for i in range(len(words) - 2)]), 4),
        "char_repetition": round(_dup_share([compact[i:i + 10] for i in range(len(compact) - 9)]), 4),
        "line_repetition": round(_dup_share(lines), 4) if len(lines) >= 3 else 0.0,
        "symbol_ratio": round(symbols / nonspace, 4) if nonspace else 0.0,
        "digit_ratio": round(digits / nonspace, 4) if nonspace else 0.0,
        "script": dominant,
        "other_script": round(1 - dominant_n / letters, 4) if letters else 0.0,
        "boilerplate_lines": round(sum(1 for ln in lines if BOILERPLATE.search(ln)) / len(lines), 4) if lines else 0.0,
    }
