"""Consistent pseudonyms: the same real value always maps to the same realistic fake value.

The fake is drawn from a random generator seeded with HMAC(key, type + normalised value),
so it is stable across documents, runs and processes, cannot be recomputed without the
key, and looks like the original: a checksum-valid Aadhaar in the same grouping and
digit script, a PAN with the same holder type, a name from the same script.
"""

from __future__ import annotations

import hashlib
import hmac
import random
import re
import string

from curate.pii import checksums
from curate.pii.lexicon import fake_names
from curate.text.digits import digit_set, render_digits, to_ascii_digits
from curate.text.scripts import dominant_script


def normalise(entity: str, value: str) -> str:
    v = to_ascii_digits(value).strip()
    if entity == "PERSON":
        return " ".join(v.lower().split())
    if entity in ("EMAIL_ADDRESS", "IN_UPI", "URL"):
        return v.lower()
    return re.sub(r"[\s\-().]", "", v).upper()


def digest(key: bytes, entity: str, value: str) -> bytes:
    return hmac.new(key, f"{entity}\x00{normalise(entity, value)}".encode(), hashlib.sha256).digest()


def _rng(key: bytes, entity: str, value: str, attempt: int = 0) -> random.Random:
    d = digest(key, entity, value)
    return random.Random(int.from_bytes(d, "big") + attempt)


def _reshape(template: str, fake: str) -> str:
    """Pour the characters of ``fake`` into the alphanumeric slots of ``template`` (keeps separators)."""
    it = iter(fake)
    out = [next(it, c) if c.isalnum() else c for c in template]
    return "".join(out)


def _shape_fake(value: str, rng: random.Random, keep: int = 0) -> str:
    """Replace letters by letters and digits by digits (same case), keeping the first ``keep`` alphanumerics."""
    out, seen = [], 0
    for c in value:
        if c.isalnum():
            seen += 1
            if seen <= keep:
                out.append(c)
            elif c.isdigit():
                out.append(str(rng.randint(0, 9)))
            elif c.isupper():
                out.append(rng.choice(string.ascii_uppercase))
            else:
                out.append(rng.choice(string.ascii_lowercase))
        else:
            out.append(c)
    return "".join(out)


def _person(value: str, rng: random.Random) -> str:
    names = fake_names()
    script = dominant_script(value) or "Latn"
    given, surnames = names.get(script, names["Latn"])
    n = len(value.split())
    fake = rng.choice(given) if n == 1 else f"{rng.choice(given)} {rng.choice(surnames)}"
    if value.isupper() and script == "Latn":
        fake = fake.upper()
    return fake


def _fake(entity: str, value: str, rng: random.Random) -> str:
    ascii_value = to_ascii_digits(value)
    digits = re.sub(r"\D", "", ascii_value)
    if entity == "PERSON":
        return _person(value, rng)
    if entity == "IN_AADHAAR":
        return _reshape(ascii_value, checksums.make_aadhaar(rng))
    if entity == "IN_VID":
        return _reshape(ascii_value, checksums.make_vid(rng))
    if entity == "CREDIT_CARD" and digits:
        return _reshape(ascii_value, checksums.make_card(rng, prefix=digits[0], length=len(digits)))
    if entity == "IN_PAN":
        fake = checksums.make_pan(rng, holder=ascii_value[3].upper())
        return fake.lower() if ascii_value.islower() else fake
    if entity == "IN_GSTIN":
        state = int(ascii_value[:2]) if ascii_value[:2].isdigit() and 1 <= int(ascii_value[:2]) <= 38 else 27
        return checksums.make_gstin(rng, state=state, pan=checksums.make_pan(rng, ascii_value[5].upper()))
    if entity == "IN_PHONE":
        # Keep the country/trunk prefix and the kind of number: the last 10 digits are the national number.
        nsn_start = len(digits) - 10
        fake = digits[:max(nsn_start, 0)]
        first = digits[nsn_start] if nsn_start >= 0 else "9"
        if first in "6789":
            fake += rng.choice("6789") + "".join(str(rng.randint(0, 9)) for _ in range(9))
        else:  # landline: keep the area code (first 3 digits of the national number)
            fake += digits[nsn_start:nsn_start + 3] + str(rng.randint(2, 9)) + "".join(str(rng.randint(0, 9)) for _ in range(6))
        return _reshape(ascii_value, fake)
    if entity == "EMAIL_ADDRESS":
        given = rng.choice(fake_names()["Latn"][0]).lower()
        return f"{given}.{rng.randrange(16**4):04x}@example.com"
    if entity == "IN_UPI":
        handle = value.rsplit("@", 1)[-1]
        given = rng.choice(fake_names()["Latn"][0]).lower()
        return f"{given}{rng.randint(10, 99)}@{handle}"
    if entity == "IP_ADDRESS":
        if ":" in value:
            return "2001:db8::" + ":".join(f"{rng.randrange(65536):x}" for _ in range(2))
        return f"10.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"
    if entity == "URL":
        return f"https://example.com/{rng.randrange(16**8):08x}"
    if entity in ("IN_DRIVING_LICENCE", "IN_VEHICLE_REGISTRATION"):
        return _shape_fake(ascii_value, rng, keep=2)  # keep the state code
    if entity == "IN_IFSC":
        return ascii_value[:4] + "0" + _shape_fake(ascii_value[5:], rng)  # keep the bank, fake the branch
    if entity == "IN_PIN_CODE":
        return _shape_fake(ascii_value, rng, keep=1)  # keep the postal region
    return _shape_fake(ascii_value, rng)


def pseudonym(key: bytes, entity: str, value: str) -> str:
    """A realistic fake for ``value``; never equal to it; digits in the original's digit script."""
    digits = digit_set(value)
    for attempt in range(8):
        fake = _fake(entity, value, _rng(key, entity, value, attempt))
        if normalise(entity, fake) != normalise(entity, value):
            return render_digits(fake, digits)
    return f"<{entity}>"  # pragma: no cover - eight collisions in a row
