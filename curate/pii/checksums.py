"""Check-digit algorithms and synthetic generators for Indian identifiers.

Pure Python, no dependencies: the PII recognizers use the validators to tell a
real-looking identifier from a look-alike number (order ids, amounts), and the
sample-data generator uses the ``fake_*`` functions to plant identifiers that
pass those same checks.

Identifiers covered
-------------------
* **Aadhaar** (12 digits) and **Virtual ID / VID** (16 digits): the last digit is
  a Verhoeff check digit; Aadhaar never starts with 0 or 1.
* **PAN** (``AAAAA9999A``): structure only. The 4th letter is the holder type;
  the 10th letter is a check character whose algorithm the Income Tax
  department has not published, so it cannot be verified offline.
* **GSTIN** (15 chars): 2-digit state code + the holder's PAN + entity number
  + ``Z`` (reserved) + a mod-36 check character (Luhn mod N, N = 36).
* **Card numbers** etc.: Luhn (mod 10).

Every validator accepts the forms people actually write: spaces and hyphens
between groups are ignored, and Indic-script digits (Devanagari ``२३४५``,
Bengali, Tamil, ...) are mapped to ASCII first.
"""

from __future__ import annotations

import random
import re

__all__ = [
    "normalize_digits", "verhoeff_checksum", "verhoeff_valid", "luhn_checksum", "luhn_valid",
    "aadhaar_valid", "vid_valid", "pan_valid", "gstin_check_char", "gstin_valid", "ifsc_valid",
    "PAN_HOLDER_TYPES", "GST_STATE_CODES",
    "fake_aadhaar", "fake_vid", "fake_pan", "fake_gstin", "fake_ifsc", "fake_card_number",
]

# --------------------------------------------------------------------------- digits

# Unicode decimal digit blocks used in Indian text; each block's zero is at the listed code point
# and the nine digits follow it contiguously.
_INDIC_ZEROS = (
    0x0966,  # Devanagari  ०
    0x09E6,  # Bengali     ০
    0x0A66,  # Gurmukhi    ੦
    0x0AE6,  # Gujarati    ૦
    0x0B66,  # Odia        ୦
    0x0BE6,  # Tamil       ௦
    0x0C66,  # Telugu      ౦
    0x0CE6,  # Kannada     ೦
    0x0D66,  # Malayalam   ൦
)
_DIGIT_MAP = {zero + i: str(i) for zero in _INDIC_ZEROS for i in range(10)}
_SEPARATORS = re.compile(r"[\s\-\u00a0\u2009\u202f]+")


def normalize_digits(text: str) -> str:
    """Map Indic-script digits to ASCII and drop spaces/hyphens (group separators).

    ``"२३४५ ६७८९-०१२३"`` → ``"234567890123"``.
    """
    return _SEPARATORS.sub("", text.translate(_DIGIT_MAP))


# --------------------------------------------------------------------------- Verhoeff

# Verhoeff's scheme works in the dihedral group D5 (symmetries of a pentagon, 10 elements).
# _D is its multiplication table: _D[j][k] = j * k in D5. Unlike addition mod 10, D5 is not
# commutative, which is what lets the scheme catch every adjacent transposition.
_D = (
    (0, 1, 2, 3, 4, 5, 6, 7, 8, 9),
    (1, 2, 3, 4, 0, 6, 7, 8, 9, 5),
    (2, 3, 4, 0, 1, 7, 8, 9, 5, 6),
    (3, 4, 0, 1, 2, 8, 9, 5, 6, 7),
    (4, 0, 1, 2, 3, 9, 5, 6, 7, 8),
    (5, 9, 8, 7, 6, 0, 4, 3, 2, 1),
    (6, 5, 9, 8, 7, 1, 0, 4, 3, 2),
    (7, 6, 5, 9, 8, 2, 1, 0, 4, 3),
    (8, 7, 6, 5, 9, 3, 2, 1, 0, 4),
    (9, 8, 7, 6, 5, 4, 3, 2, 1, 0),
)
# _P[i] is the permutation applied to a digit at position i (counted from the right, mod 8):
# _P[i] = σ^i with σ = (0 1 5 8 9 4 2 7)(3 6). Permuting by position is what detects
# transpositions; σ has order 8, hence the table repeats every 8 positions.
_P = (
    (0, 1, 2, 3, 4, 5, 6, 7, 8, 9),
    (1, 5, 7, 6, 2, 8, 3, 0, 9, 4),
    (5, 8, 0, 3, 7, 9, 6, 1, 4, 2),
    (8, 9, 1, 6, 0, 4, 3, 5, 2, 7),
    (9, 4, 5, 3, 1, 2, 6, 8, 7, 0),
    (4, 2, 8, 6, 5, 7, 3, 9, 0, 1),
    (2, 7, 9, 3, 8, 0, 6, 4, 1, 5),
    (7, 0, 4, 6, 9, 1, 3, 2, 5, 8),
)
# _INV[j] is the inverse of j in D5 (j * _INV[j] = 0).
_INV = (0, 4, 3, 2, 1, 5, 6, 7, 8, 9)


def _ascii_digits(s: str) -> list[int] | None:
    s = normalize_digits(s)
    if not s or not s.isascii() or not s.isdigit():
        return None
    return [ord(ch) - 48 for ch in s]


def verhoeff_checksum(digits: str) -> int:
    """The Verhoeff check digit to append to ``digits``.

    Walk the digits right to left; the check digit will sit at position 0, so the
    existing digits start at position 1. With c = 0, for the digit n at position i:
    ``c = d(c, p(i mod 8, n))``. The check digit is ``inv(c)``, which makes the product
    over the completed number the identity 0. Example: ``"236"`` → 3 (``"2363"`` is valid).
    """
    ds = _ascii_digits(digits)
    if ds is None:
        raise ValueError(f"not a digit string: {digits!r}")
    c = 0
    for i, n in enumerate(reversed(ds)):
        c = _D[c][_P[(i + 1) % 8][n]]
    return _INV[c]


def verhoeff_valid(number: str) -> bool:
    """True when the last digit of ``number`` is its correct Verhoeff check digit.

    Same walk as :func:`verhoeff_checksum` but starting at position 0 (the check digit
    itself); a valid number multiplies out to 0. Catches all single-digit errors and all
    adjacent transpositions.
    """
    ds = _ascii_digits(number)
    if ds is None or len(ds) < 2:
        return False
    c = 0
    for i, n in enumerate(reversed(ds)):
        c = _D[c][_P[i % 8][n]]
    return c == 0


# --------------------------------------------------------------------------- Luhn


def _luhn_sum(ds: list[int], double_first: bool) -> int:
    # From the right, every second digit is doubled; a doubled value above 9 contributes its digit
    # sum (d*2 - 9), so each position contributes a value 0..9.
    total = 0
    for i, n in enumerate(reversed(ds)):
        if (i % 2 == 0) == double_first:
            n *= 2
            if n > 9:
                n -= 9
        total += n
    return total


def luhn_checksum(digits: str) -> int:
    """The Luhn check digit to append to ``digits``.

    The appended digit will be at position 0 (undoubled), so the rightmost existing digit is
    doubled. The check digit is ``(10 - sum mod 10) mod 10``. Example: ``"7992739871"`` → 3.
    """
    ds = _ascii_digits(digits)
    if ds is None:
        raise ValueError(f"not a digit string: {digits!r}")
    return (10 - _luhn_sum(ds, double_first=True) % 10) % 10


def luhn_valid(number: str) -> bool:
    """True when ``number`` (check digit last) has a Luhn sum divisible by 10."""
    ds = _ascii_digits(number)
    if ds is None or len(ds) < 2:
        return False
    return _luhn_sum(ds, double_first=False) % 10 == 0


# --------------------------------------------------------------------------- Aadhaar / VID


def aadhaar_valid(number: str) -> bool:
    """12 digits, first digit 2-9 (UIDAI never issues 0/1), Verhoeff-valid. Spaces and Indic digits allowed."""
    s = normalize_digits(number)
    return len(s) == 12 and s.isascii() and s.isdigit() and s[0] not in "01" and verhoeff_valid(s)


def vid_valid(number: str) -> bool:
    """A 16-digit Aadhaar Virtual ID with a Verhoeff check digit."""
    s = normalize_digits(number)
    return len(s) == 16 and s.isascii() and s.isdigit() and verhoeff_valid(s)


# --------------------------------------------------------------------------- PAN

# 4th character of a PAN: the kind of holder.
PAN_HOLDER_TYPES = {
    "P": "individual", "C": "company", "H": "hindu undivided family", "F": "firm",
    "A": "association of persons", "T": "trust", "B": "body of individuals",
    "L": "local authority", "J": "artificial juridical person", "G": "government",
    "E": "limited liability partnership",
}
_PAN_RE = re.compile(r"[A-Z]{3}([A-Z])[A-Z][0-9]{4}[A-Z]")


def pan_valid(pan: str) -> bool:
    """Structure check for a PAN: ``AAAAA9999A`` with a known holder type as 4th letter.

    Letters 1-3 are an alphabetic series, the 4th the holder type (``P`` individual, ``C``
    company, ...), the 5th the first letter of the surname / entity name, then a 4-digit
    sequence and a check letter (algorithm unpublished, so not verified). ``0000`` is never issued.
    """
    m = _PAN_RE.fullmatch(pan.strip())
    return bool(m) and m.group(1) in PAN_HOLDER_TYPES and pan.strip()[5:9] != "0000"


# --------------------------------------------------------------------------- GSTIN

_B36 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
# GST state/UT codes in use (01 Jammu & Kashmir ... 38 Ladakh; 97 other territory, 99 centre jurisdiction).
GST_STATE_CODES = {
    "01": "Jammu and Kashmir", "02": "Himachal Pradesh", "03": "Punjab", "04": "Chandigarh",
    "05": "Uttarakhand", "06": "Haryana", "07": "Delhi", "08": "Rajasthan", "09": "Uttar Pradesh",
    "10": "Bihar", "11": "Sikkim", "12": "Arunachal Pradesh", "13": "Nagaland", "14": "Manipur",
    "15": "Mizoram", "16": "Tripura", "17": "Meghalaya", "18": "Assam", "19": "West Bengal",
    "20": "Jharkhand", "21": "Odisha", "22": "Chhattisgarh", "23": "Madhya Pradesh", "24": "Gujarat",
    "25": "Daman and Diu", "26": "Dadra and Nagar Haveli and Daman and Diu", "27": "Maharashtra",
    "28": "Andhra Pradesh (old)", "29": "Karnataka", "30": "Goa", "31": "Lakshadweep", "32": "Kerala",
    "33": "Tamil Nadu", "34": "Puducherry", "35": "Andaman and Nicobar Islands", "36": "Telangana",
    "37": "Andhra Pradesh", "38": "Ladakh",
}


def gstin_check_char(first14: str) -> str:
    """The 15th (check) character of a GSTIN, by Luhn mod 36.

    Each of the first 14 characters is read as a base-36 value (0-9, A=10 .. Z=35). Going left
    to right, the factor alternates 1, 2, 1, 2, ...; each product v*f is folded back into one
    base-36 digit as ``v*f // 36 + v*f % 36`` and the folded values are summed. The check value
    is ``(36 - sum mod 36) mod 36``, written as a base-36 character.
    """
    s = first14.strip().upper()
    if len(s) != 14 or any(ch not in _B36 for ch in s):
        raise ValueError(f"GSTIN body must be 14 characters of 0-9/A-Z: {first14!r}")
    total = 0
    for i, ch in enumerate(s):
        prod = _B36.index(ch) * (1 if i % 2 == 0 else 2)
        total += prod // 36 + prod % 36
    return _B36[(36 - total % 36) % 36]


def gstin_valid(gstin: str) -> bool:
    """Full GSTIN check: state code 01-38, an embedded valid PAN, entity code 1-9/A-Z,
    the reserved ``Z`` at position 14, and the mod-36 check character."""
    s = gstin.strip().upper()
    if len(s) != 15 or any(ch not in _B36 for ch in s):
        return False
    if not s[:2].isdigit() or not 1 <= int(s[:2]) <= 38:
        return False
    if not pan_valid(s[2:12]) or s[12] == "0" or s[13] != "Z":
        return False
    return gstin_check_char(s[:14]) == s[14]


# --------------------------------------------------------------------------- IFSC

_IFSC_RE = re.compile(r"[A-Z]{4}0[A-Z0-9]{6}")


def ifsc_valid(code: str) -> bool:
    """IFSC structure: 4-letter bank code, a literal ``0`` (reserved), 6-character branch code."""
    return bool(_IFSC_RE.fullmatch(code.strip().upper()))


# --------------------------------------------------------------------------- generators

_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(n))


def fake_aadhaar(rng: random.Random) -> str:
    """A synthetic 12-digit Aadhaar number (first digit 2-9, valid Verhoeff). No spaces."""
    body = rng.choice("23456789") + _digits(rng, 10)
    return body + str(verhoeff_checksum(body))


def fake_vid(rng: random.Random) -> str:
    """A synthetic 16-digit Aadhaar Virtual ID (first digit 1-9, valid Verhoeff)."""
    body = rng.choice("123456789") + _digits(rng, 14)
    return body + str(verhoeff_checksum(body))


def fake_pan(rng: random.Random, holder: str = "P", surname_initial: str | None = None) -> str:
    """A synthetic PAN of the given holder type; the 5th letter is ``surname_initial`` when given."""
    if holder not in PAN_HOLDER_TYPES:
        raise ValueError(f"unknown PAN holder type {holder!r}; expected one of {''.join(PAN_HOLDER_TYPES)}")
    fifth = (surname_initial or rng.choice(_LETTERS)).upper()
    if fifth not in _LETTERS:
        fifth = rng.choice(_LETTERS)
    seq = f"{rng.randint(1, 9999):04d}"
    return "".join(rng.choice(_LETTERS) for _ in range(3)) + holder + fifth + seq + rng.choice(_LETTERS)


def fake_gstin(rng: random.Random, state_code: str | None = None, holder: str | None = None) -> str:
    """A synthetic GSTIN: state code + PAN (business holder types by default) + entity + Z + check."""
    state = state_code or rng.choice(sorted(GST_STATE_CODES))
    pan = fake_pan(rng, holder or rng.choice("CFPAH"))
    entity = rng.choice("123456789" if rng.random() < 0.9 else _LETTERS)
    body = state + pan + entity + "Z"
    return body + gstin_check_char(body)


def fake_ifsc(rng: random.Random, bank: str | None = None) -> str:
    """A synthetic IFSC: bank code (random 4 letters unless given) + ``0`` + 6-digit branch."""
    return (bank or "".join(rng.choice(_LETTERS) for _ in range(4))) + "0" + _digits(rng, 6)


def fake_card_number(rng: random.Random, prefix: str = "4") -> str:
    """A synthetic 16-digit payment card number with a valid Luhn check digit."""
    body = prefix + _digits(rng, 15 - len(prefix))
    return body + str(luhn_checksum(body))


# --------------------------------------------------------------------------- generators used by curate.pii
# (pseudonyms keep the holder type / state code / length of the original value)


def make_aadhaar(rng: random.Random) -> str:
    return fake_aadhaar(rng)


def make_vid(rng: random.Random) -> str:
    """Like :func:`fake_vid` but first digit 2-9, so a fake VID never reads as a 0/1-led number."""
    body = rng.choice("23456789") + _digits(rng, 14)
    return body + str(verhoeff_checksum(body))


def make_pan(rng: random.Random, holder: str = "P") -> str:
    return fake_pan(rng, holder if holder in PAN_HOLDER_TYPES else "P")


def make_gstin(rng: random.Random, state: int | None = None, pan: str | None = None) -> str:
    state_code = f"{state:02d}" if state is not None else rng.choice(sorted(GST_STATE_CODES))
    body = state_code + (pan or fake_pan(rng, rng.choice("CFP"))) + rng.choice("123456789") + "Z"
    return body + gstin_check_char(body)


def make_card(rng: random.Random, prefix: str = "4", length: int = 16) -> str:
    body = prefix + _digits(rng, length - len(prefix) - 1)
    return body + str(luhn_checksum(body))
