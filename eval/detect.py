"""An independent sweep for PII values in raw text, for the extraction evaluation.

Deliberately *not* curate's PII engine: if the evaluation shared the anonymizer's code, a
value the anonymizer misses would also be missing from the probes, and a leak of exactly
that value could never be observed.  The sweep uses outside validators:

* ``aadhaar``: 12 digits (optionally grouped 4-4-4 by spaces or hyphens), validated by
  ``stdnum.in_.aadhaar`` (Verhoeff checksum, first digit 2-9, not a palindrome);
* ``pan``: ``AAAAA9999A`` validated by ``stdnum.in_.pan`` (holder-type letter);
* ``phone``: ``phonenumbers.PhoneNumberMatcher`` with region IN and leniency VALID;
* ``email``: a plain address pattern (local@domain.tld);
* ``account``: 9-18 digits within 40 characters after an account keyword (English,
  Hindi, Hinglish), not already an Aadhaar or phone number.

Indic digits (Devanagari, Bengali, Tamil, ... any Unicode decimal digit) are read as their
ASCII values; they are single code points, so offsets stay valid.  Names are not swept here
(no checksum to validate them); :func:`engine_names` adds PERSON spans from curate's engine.

Returned offsets are ``[start, end)`` character offsets into the given string.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

TYPES = ("aadhaar", "pan", "phone", "email", "account", "name")

_AADHAAR = re.compile(r"(?<![\d\w])(\d{4})[ -]?(\d{4})[ -]?(\d{4})(?![\d\w])")
_PAN = re.compile(r"(?<![A-Za-z0-9])[A-Z]{5}[0-9]{4}[A-Z](?![A-Za-z0-9])")
_EMAIL = re.compile(r"(?<![\w.+-])[A-Za-z0-9][A-Za-z0-9._%+-]*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_ACCOUNT_KEY = re.compile(r"(?i)(account|a/c|acct|khata|खाता|खाते|अकाउंट)")
_ACCOUNT = re.compile(r"(?<!\d)\d{9,18}(?!\d)")


@dataclass(frozen=True)
class Finding:
    type: str
    start: int
    end: int
    value: str


def ascii_digits(text: str) -> str:
    """Every Unicode decimal digit replaced by its ASCII digit (same length, same offsets)."""
    return "".join(str(unicodedata.digit(ch)) if not ch.isascii() and unicodedata.decimal(ch, None) is not None
                   else ch for ch in text)


def _aadhaar(text: str) -> list[Finding]:
    from stdnum.in_ import aadhaar

    out = []
    for m in _AADHAAR.finditer(text):
        seps = {text[m.end(1):m.start(2)], text[m.end(2):m.start(3)]}
        if len(seps) > 1:  # "1234 5678-9012": mixed separators are not an Aadhaar layout
            continue
        if aadhaar.is_valid("".join(m.groups())):
            out.append(Finding("aadhaar", m.start(), m.end(), ""))
    return out


def _pan(text: str) -> list[Finding]:
    from stdnum.in_ import pan

    return [Finding("pan", m.start(), m.end(), "") for m in _PAN.finditer(text) if pan.is_valid(m.group())]


def _phone(text: str) -> list[Finding]:
    import phonenumbers

    return [Finding("phone", m.start, m.end, "")
            for m in phonenumbers.PhoneNumberMatcher(text, "IN", leniency=phonenumbers.Leniency.VALID)]


def _email(text: str) -> list[Finding]:
    return [Finding("email", m.start(), m.end(), "") for m in _EMAIL.finditer(text)]


def _account(text: str, taken: list[Finding]) -> list[Finding]:
    out = []
    for k in _ACCOUNT_KEY.finditer(text):
        window_end = min(len(text), k.end() + 40)
        m = _ACCOUNT.search(text, k.end(), window_end)
        if m and not any(f.start < m.end() and m.start() < f.end for f in taken + out):
            out.append(Finding("account", m.start(), m.end(), ""))
    return out


def sweep(text: str) -> list[Finding]:
    """Every PII value the sweep finds in ``text``, sorted by offset; overlapping finds keep the first type
    in the order aadhaar, pan, phone, email, account (checksummed types win)."""
    if not text:
        return []
    norm = ascii_digits(text)
    found: list[Finding] = []
    for f in _aadhaar(norm) + _pan(norm) + _email(norm) + _phone(norm):
        if not any(f.start < g.end and g.start < f.end for g in found):
            found.append(f)
    found += _account(norm, found)
    return sorted((Finding(f.type, f.start, f.end, text[f.start:f.end]) for f in found), key=lambda f: f.start)


def engine_names(texts: list[str], params: dict | None = None) -> list[list[Finding]]:
    """PERSON spans from curate's PII engine (the ``pii`` stage in file mode), per text.

    Names have no checksum an outside library could validate, so this one type comes from the
    engine; the report says which detector found each value.  ``params``: the pii stage's
    parameters (default ``nlp: none``: lexicon and context recognizers only, no spaCy model).
    """
    import json

    import pyarrow as pa

    from curate.filemode import apply_stage
    from curate.stage import get_stage

    stage = get_stage("pii")
    cfg = stage.make_config({"nlp": "none", **(params or {})})
    out = apply_stage(stage, pa.table({"text": pa.array(texts, pa.string())}), cfg)
    result = []
    for text, ents in zip(texts, out.column("pii_entities").to_pylist()):
        spans = []
        for e in json.loads(ents or "[]"):
            if e.get("field", "text") == "text" and str(e.get("type", e.get("entity_type", ""))).upper() == "PERSON":
                s, t = int(e["start"]), int(e["end"])
                spans.append(Finding("name", s, t, text[s:t]))
        result.append(spans)
    return result
