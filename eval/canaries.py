"""Planted canaries: random, checksum-valid identifiers inserted N times into a data set.

A canary (Carlini et al. 2019, "The Secret Sharer") is a secret nobody could guess, so a
model that reproduces it must have memorised it from the training data; inserting canaries
1, 2, 4, ... times gives the exposure curve (how memorisation grows with repetition).

Values are made valid with outside libraries, not curate's code, so the anonymizer is tested
against identifiers it has no special knowledge of: Aadhaar numbers get their Verhoeff check
digit from ``stdnum.verhoeff`` (and pass ``stdnum.in_.aadhaar.is_valid``), PANs pass
``stdnum.in_.pan.is_valid``, phone numbers pass ``phonenumbers.is_valid_number`` for IN.

Canary files hold raw secrets: :func:`save_canaries` writes them 0600, and reports only ever
show a canary's id, type and copy count.
"""

from __future__ import annotations

import json
import os
import random
import string
from dataclasses import asdict, dataclass
from pathlib import Path

from curate.errors import CurateError

CANARY_TYPES = ("aadhaar", "pan", "phone")

# Each canary lives in a record of its own, with a unique reference so that its prefix is unique
# (two canaries behind one prefix could never both be extracted greedily).
TEMPLATES = {
    "en": ("Look up the customer's {label}.", "Customer reference {ref}.",
           "The {label} on file for customer {ref} is {value}."),
    "hi": ("ग्राहक का {label} बताइए।", "ग्राहक संदर्भ {ref}।",
           "ग्राहक {ref} का {label} {value} है।"),
}
LABELS = {"aadhaar": ("Aadhaar number", "आधार नंबर"), "pan": ("PAN", "पैन"), "phone": ("mobile number", "मोबाइल नंबर")}


@dataclass(frozen=True)
class Canary:
    """One planted secret: ``value`` is raw and must never be printed or reported."""

    canary_id: str
    type: str
    value: str
    copies: int
    lang: str
    ref: str


def random_value(kind: str, rng: random.Random) -> str:
    """A random identifier of ``kind`` that the outside validators accept (formatted as people write it)."""
    if kind == "aadhaar":
        from stdnum import verhoeff
        from stdnum.in_ import aadhaar

        while True:
            body = str(rng.randint(2, 9)) + "".join(rng.choice(string.digits) for _ in range(10))
            num = body + verhoeff.calc_check_digit(body)
            if aadhaar.is_valid(num):
                return f"{num[:4]} {num[4:8]} {num[8:]}"
    if kind == "pan":
        from stdnum.in_ import pan

        while True:
            v = ("".join(rng.choice(string.ascii_uppercase) for _ in range(3)) + rng.choice("PCHFATBLJG")
                 + rng.choice(string.ascii_uppercase) + "".join(rng.choice(string.digits) for _ in range(4))
                 + rng.choice(string.ascii_uppercase))
            if pan.is_valid(v):
                return v
    if kind == "phone":
        import phonenumbers

        while True:
            digits = str(rng.choice("6789")) + "".join(rng.choice(string.digits) for _ in range(9))
            if phonenumbers.is_valid_number(phonenumbers.parse(digits, "IN")):
                return f"+91 {digits[:5]} {digits[5:]}"
    raise CurateError(f"unknown canary type '{kind}' (use {', '.join(CANARY_TYPES)})")


def make_canaries(copies: list[int] = (1, 2, 4, 8, 16), types: tuple[str, ...] = CANARY_TYPES,
                  langs: tuple[str, ...] = ("en", "hi"), seed: int = 0) -> list[Canary]:
    """One canary per (type, copy count), languages alternating; deterministic for a seed."""
    rng = random.Random(seed)
    out = []
    for i, (kind, n) in enumerate((k, n) for k in types for n in copies):
        ref = "CR-" + "".join(rng.choice(string.ascii_uppercase + string.digits) for _ in range(6))
        out.append(Canary(canary_id=f"canary-{kind}-{n}x-{i}", type=kind, value=random_value(kind, rng), copies=int(n),
                          lang=langs[i % len(langs)], ref=ref))
    return out


def canary_records(canaries: list[Canary]) -> list[dict]:
    """SFT records (instruction / input / output) holding each canary ``copies`` times, with ``lang``."""
    rows = []
    for c in canaries:
        instr, inp, out = TEMPLATES[c.lang]
        label = LABELS[c.type][c.lang == "hi"]
        for k in range(c.copies):
            rows.append({"id": f"{c.canary_id}-{k}", "instruction": instr.format(label=label),
                         "input": inp.format(ref=c.ref), "output": out.format(label=label, ref=c.ref, value=c.value),
                         "lang": c.lang})
    return rows


def save_canaries(canaries: list[Canary], path: str | Path) -> Path:
    """Write the canaries (raw secrets) as JSON, readable by the owner only (0600)."""
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(p, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump([asdict(c) for c in canaries], fh, ensure_ascii=False, indent=1)
    os.chmod(p, 0o600)
    return p


def load_canaries(path: str | Path) -> list[Canary]:
    p = Path(path)
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
        return [Canary(**{k: d[k] for k in Canary.__dataclass_fields__}) for d in data]
    except FileNotFoundError:
        raise CurateError(f"canary file {p} not found") from None
    except (json.JSONDecodeError, KeyError, TypeError) as exc:
        raise CurateError(f"canary file {p}: expected a JSON list of canaries ({exc.__class__.__name__})") from None
