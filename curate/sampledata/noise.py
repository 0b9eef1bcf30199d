"""Near-duplicate edits and deliberately broken JSONL lines (the ingest's bad-row kinds).

Each function returns what it did, so the manifest can state the ground truth rather than guess it.
"""

from __future__ import annotations

import json
import random
import re

from curate.sampledata.templates import NEAR_GREETINGS, WORD_SWAPS

_SAFE_WORD = re.compile(r"^[^\d@]{3,}$")  # never drop a word carrying a number or an e-mail/UPI id


def _whitespace(rng, text, lang):
    # A doubled space somewhere inside plus stray leading/trailing whitespace (copy-paste noise).
    words = text.split(" ")
    i = rng.randrange(len(words))
    words[i] = words[i] + " "
    return rng.choice([" ", "", "\n"]) + " ".join(words) + rng.choice(["  ", " ", "\n"])


def _punctuation(rng, text, lang):
    if text.endswith((".", "।")):
        return text[:-1] + rng.choice(["!!", "", "..."])
    return text + rng.choice([" !!", "...", " ?"])


def _word_swap(rng, text, lang):
    options = [(a, b) for a, b in WORD_SWAPS[lang] if a in text]
    if options:
        a, b = rng.choice(options)
        return text.replace(a, b, 1)
    words = text.split(" ")
    idx = [i for i, w in enumerate(words) if _SAFE_WORD.match(w)]
    if not idx:
        return text + " ."
    del words[rng.choice(idx)]
    return " ".join(words)


def _greeting(rng, text, lang):
    return rng.choice(NEAR_GREETINGS[lang]) + " " + text


NEAR_OPS = {"whitespace": _whitespace, "punctuation": _punctuation, "word_edit": _word_swap, "greeting": _greeting}


def near_duplicate(rng: random.Random, text: str, lang: str) -> tuple[str, list[str]]:
    """A variant of ``text`` with one or two small edits; returns (variant, names of the edits)."""
    ops = rng.sample(sorted(NEAR_OPS), rng.choice([1, 2, 2]))
    out = text
    for op in ops:
        out = NEAR_OPS[op](rng, out, lang)
    if out == text:  # an edit can be a no-op on odd text; make sure the variant differs
        out, ops = out + " !", ops + ["punctuation"]
    return out, ops


# ---------------------------------------------------------------- bad JSONL lines

BAD_KINDS = ["malformed_json", "missing_text_field", "null_text", "empty_text", "schema_violation",
             "invalid_utf8", "oversize"]
BAD_COUNTS = {"malformed_json": 3, "missing_text_field": 2, "null_text": 1, "empty_text": 2,
              "schema_violation": 1, "invalid_utf8": 2, "oversize": 1}
OVERSIZE_BYTES = 1_100_000  # over the 1,000,000-byte default record limit of the ingest


def bad_line(rng: random.Random, kind: str, record: dict, variant: int) -> bytes:
    """One broken JSONL line (without newline) of the given kind, built from a valid ``record``."""
    rec = dict(record)
    if kind == "malformed_json":
        good = json.dumps(rec, ensure_ascii=False)
        return [good[: len(good) // 2],                       # truncated mid-record
                good.replace('"ticket_id":', "ticket_id:", 1),  # unquoted key (JS-style)
                good.replace('"', "'")][variant % 3].encode()  # Python-style quotes
    if kind == "missing_text_field":
        rec.pop("text")
        if variant % 2:
            rec["body"] = record["text"]  # text under another key: needs --text-field body
    elif kind == "null_text":
        rec["text"] = None
    elif kind == "empty_text":
        rec["text"] = ["", "   \t "][variant % 2]
    elif kind == "schema_violation":
        rec["text"] = rng.randint(10 ** 6, 10 ** 7)
    elif kind == "invalid_utf8":
        # Legacy systems paste cp1252 text into UTF-8 logs: é and ’ become lone 0xE9 / 0x92 bytes.
        rec["text"] = "@@LEGACY@@"
        line = json.dumps(rec, ensure_ascii=False).encode()
        legacy = "Customer José D’Souza says café card swiped twice, pls refund".encode("cp1252")
        return line.replace(b"@@LEGACY@@", legacy)
    elif kind == "oversize":
        para = record["text"] + " "
        rec["text"] = (para * (OVERSIZE_BYTES // len(para.encode()) + 1))
    else:
        raise ValueError(kind)
    return json.dumps(rec, ensure_ascii=False).encode()
