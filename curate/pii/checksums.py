"""Check digits and structure rules for Indian identifiers, delegated to python-stdnum.

The PII recognizers use the validators to tell a real identifier from a look-alike number
(order ids, amounts); pseudonyms and the sample-data generator use the ``make_*`` / ``fake_*``
functions to produce identifiers that pass the same checks.

Every checksum comes from python-stdnum (an outside, widely used implementation), never from a
table kept here: an earlier hand-written Verhoeff table had one wrong row and rejected about 30 %
of real Aadhaar numbers, and the tests could not see it because they generated their "valid"
numbers with the same table. What is still curate's own, and why:

* **GSTIN state codes**: stdnum 2.2 knows 01-37 only; 38 (Ladakh, since 2020), 97 (other
  territory) and 99 (centre jurisdiction) are issued too. The check character itself is
  stdnum's Luhn mod 36 and the embedded PAN is stdnum's PAN check.
* **IFSC** and **passport**: stdnum has no module; these are structure rules (no check digit
  exists for either).
* Indic digits and group separators are normalised before stdnum sees a number.

Identifiers covered
-------------------
* **Aadhaar** (12 digits, first 2-9, not a palindrome) and **VID** (16 digits, same rules):
  Verhoeff check digit (``stdnum.in_.aadhaar`` / ``stdnum.in_.vid``).
* **PAN** (``AAAPA9999A``): structure and holder type (``stdnum.in_.pan``); its last letter is a
  check character whose algorithm is unpublished, so it cannot be verified.
* **EPIC** (voter ID, ``AAA9999999``): the 7 digits end in a Luhn check digit (``stdnum.in_.epic``).
* **GSTIN** (15 characters): state code + PAN + entity + ``Z`` + Luhn mod 36 check character.
* **Cards**: Luhn mod 10 (``stdnum.luhn``).
"""

from __future__ import annotations

import random
import re

from stdnum import luhn, verhoeff
from stdnum.in_ import aadhaar as _aadhaar
from stdnum.in_ import epic as _epic
from stdnum.in_ import pan as _pan
from stdnum.in_ import vid as _vid

from curate.text.digits import to_ascii_digits

__all__ = [
    "normalize_digits", "verhoeff_checksum", "verhoeff_valid", "luhn_checksum", "luhn_valid",
    "aadhaar_valid", "vid_valid", "pan_valid", "epic_valid", "gstin_check_char", "gstin_valid", "ifsc_valid",
    "passport_valid", "PAN_HOLDER_TYPES", "GST_STATE_CODES",
    "fake_aadhaar", "fake_vid", "fake_pan", "fake_gstin", "fake_ifsc", "fake_card_number", "fake_epic",
]

# What people put between the groups of a number: spaces and dashes of every kind, dots, slashes, underscores,
# brackets ("2345.6789.0124", "2345/6789/0124" are Aadhaar numbers as much as "2345 6789 0124").
_SEPARATORS = re.compile(r"[\s\-\u00a0\u2009\u202f./_()\u2010-\u2015\u2212\ufe58\ufe63\uff0d]+")


def normalize_digits(text: str) -> str:
    """Map Indic-script (and Arabic, Ol Chiki, Meetei, full-width) digits to ASCII; drop the separators between
    digit groups (spaces, dashes, dots, slashes, underscores, brackets).

    ``"२३४५ ६७८९-०१२३"`` → ``"234567890123"``.
    """
    return _SEPARATORS.sub("", to_ascii_digits(text))


def _digit_string(s: str) -> str | None:
    s = normalize_digits(s)
    return s if s and s.isascii() and s.isdigit() else None


# --------------------------------------------------------------------------- Verhoeff / Luhn (stdnum)


def verhoeff_checksum(digits: str) -> int:
    """The Verhoeff check digit to append to ``digits`` (``stdnum.verhoeff.calc_check_digit``).

    Raises ``ValueError`` for anything but (Indic or ASCII) digits. ``"236"`` → 3.
    """
    ds = _digit_string(digits)
    if ds is None:
        raise ValueError(f"not a digit string: {digits!r}")
    return int(verhoeff.calc_check_digit(ds))


def verhoeff_valid(number: str) -> bool:
    """True when the last digit of ``number`` (≥ 2 digits) is its Verhoeff check digit."""
    ds = _digit_string(number)
    return ds is not None and len(ds) >= 2 and verhoeff.is_valid(ds)


def luhn_checksum(digits: str) -> int:
    """The Luhn (mod 10) check digit to append to ``digits``. ``"7992739871"`` → 3."""
    ds = _digit_string(digits)
    if ds is None:
        raise ValueError(f"not a digit string: {digits!r}")
    return int(luhn.calc_check_digit(ds))


def luhn_valid(number: str) -> bool:
    """True when ``number`` (≥ 2 digits, check digit last) passes Luhn mod 10."""
    ds = _digit_string(number)
    return ds is not None and len(ds) >= 2 and luhn.is_valid(ds)


# --------------------------------------------------------------------------- Aadhaar / VID / PAN / EPIC


def aadhaar_valid(number: str) -> bool:
    """12 digits, first 2-9, not a palindrome, Verhoeff-valid (``stdnum.in_.aadhaar``). Indic digits allowed."""
    ds = _digit_string(number)
    return ds is not None and _aadhaar.is_valid(ds)


def vid_valid(number: str) -> bool:
    """A 16-digit Aadhaar Virtual ID: first 2-9, not a palindrome, Verhoeff (``stdnum.in_.vid``)."""
    ds = _digit_string(number)
    return ds is not None and _vid.is_valid(ds)


# 4th character of a PAN: the kind of holder (stdnum's table; read it from there so the two never drift).
PAN_HOLDER_TYPES: dict[str, str] = dict(_pan._pan_holder_types)


def pan_valid(pan: str) -> bool:
    """``AAAAA9999A`` with a known holder type as 4th letter and a sequence other than ``0000`` (stdnum).

    Case-insensitive, like stdnum (chats write PANs in lowercase). The check letter is not verifiable.
    """
    return _pan.is_valid(pan.strip())


def epic_valid(epic: str) -> bool:
    """Voter ID (EPIC): 3 letters + 7 digits whose last is a Luhn check digit (``stdnum.in_.epic``)."""
    return _epic.is_valid(normalize_digits(epic))


# --------------------------------------------------------------------------- GSTIN

_B36 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
# GST state/UT codes. stdnum 2.2 stops at 37; 38 (Ladakh), 97 (other territory) and 99 (centre
# jurisdiction) are in use too (GSTN state-code list), so this table is curate's own.
GST_STATE_CODES = {
    "01": "Jammu and Kashmir", "02": "Himachal Pradesh", "03": "Punjab", "04": "Chandigarh",
    "05": "Uttarakhand", "06": "Haryana", "07": "Delhi", "08": "Rajasthan", "09": "Uttar Pradesh",
    "10": "Bihar", "11": "Sikkim", "12": "Arunachal Pradesh", "13": "Nagaland", "14": "Manipur",
    "15": "Mizoram", "16": "Tripura", "17": "Meghalaya", "18": "Assam", "19": "West Bengal",
    "20": "Jharkhand", "21": "Odisha", "22": "Chhattisgarh", "23": "Madhya Pradesh", "24": "Gujarat",
    "25": "Daman and Diu", "26": "Dadra and Nagar Haveli and Daman and Diu", "27": "Maharashtra",
    "28": "Andhra Pradesh (old)", "29": "Karnataka", "30": "Goa", "31": "Lakshadweep", "32": "Kerala",
    "33": "Tamil Nadu", "34": "Puducherry", "35": "Andaman and Nicobar Islands", "36": "Telangana",
    "37": "Andhra Pradesh", "38": "Ladakh", "97": "Other Territory", "99": "Centre Jurisdiction",
}


def gstin_check_char(first14: str) -> str:
    """The 15th (check) character of a GSTIN: Luhn mod 36 over 0-9A-Z (``stdnum.luhn``).

    Raises ``ValueError`` unless ``first14`` is 14 characters of 0-9/A-Z.
    """
    s = first14.strip().upper()
    if len(s) != 14 or any(ch not in _B36 for ch in s):
        raise ValueError(f"GSTIN body must be 14 characters of 0-9/A-Z: {first14!r}")
    return luhn.calc_check_digit(s, _B36)


def gstin_valid(gstin: str) -> bool:
    """State code (incl. 38/97/99), a valid embedded PAN, entity 1-9/A-Z, ``Z``, Luhn mod 36 check character.

    Same rules as ``stdnum.in_.gstin`` except the state-code table (see module docstring).
    """
    s = gstin.strip().upper()
    if len(s) != 15 or any(ch not in _B36 for ch in s) or s[:2] not in GST_STATE_CODES:
        return False
    if not _pan.is_valid(s[2:12]) or s[12] == "0" or s[13] != "Z":
        return False
    return luhn.is_valid(s, _B36)


# --------------------------------------------------------------------------- IFSC / passport (no stdnum module)

_IFSC_RE = re.compile(r"[A-Z]{4}0[A-Z0-9]{6}")
_PASSPORT_RE = re.compile(r"[A-PR-WYZ][1-9][0-9]{5}[1-9]")


def ifsc_valid(code: str) -> bool:
    """IFSC structure (RBI): 4-letter bank code, a literal ``0`` (reserved), 6-character branch code."""
    return bool(_IFSC_RE.fullmatch(code.strip().upper()))


def passport_valid(number: str) -> bool:
    """Indian passport number: a series letter (not Q, X) + 7 digits, the first and last not 0. No check digit."""
    return bool(_PASSPORT_RE.fullmatch(number.strip().upper()))


# --------------------------------------------------------------------------- generators

_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(n))


def _verhoeff_number(rng: random.Random, length: int) -> str:
    while True:
        body = rng.choice("23456789") + _digits(rng, length - 2)
        number = body + verhoeff.calc_check_digit(body)
        if number != number[::-1]:  # UIDAI never issues palindromes
            return number


def fake_aadhaar(rng: random.Random) -> str:
    """A synthetic 12-digit Aadhaar number (first digit 2-9, valid Verhoeff, not a palindrome). No spaces."""
    return _verhoeff_number(rng, 12)


def fake_vid(rng: random.Random) -> str:
    """A synthetic 16-digit Aadhaar Virtual ID (first digit 2-9, valid Verhoeff, not a palindrome)."""
    return _verhoeff_number(rng, 16)


def fake_pan(rng: random.Random, holder: str = "P", surname_initial: str | None = None) -> str:
    """A synthetic PAN of the given holder type; the 5th letter is ``surname_initial`` when given.

    Raises ``ValueError`` for a holder type stdnum does not know.
    """
    if holder not in PAN_HOLDER_TYPES:
        raise ValueError(f"unknown PAN holder type {holder!r}; expected one of {''.join(PAN_HOLDER_TYPES)}")
    fifth = (surname_initial or rng.choice(_LETTERS)).upper()
    if fifth not in _LETTERS:
        fifth = rng.choice(_LETTERS)
    seq = f"{rng.randint(1, 9999):04d}"
    return "".join(rng.choice(_LETTERS) for _ in range(3)) + holder + fifth + seq + rng.choice(_LETTERS)


def fake_epic(rng: random.Random) -> str:
    """A synthetic voter ID: 3 letters + 6 digits + their Luhn check digit."""
    body = _digits(rng, 6)
    return "".join(rng.choice(_LETTERS) for _ in range(3)) + body + luhn.calc_check_digit(body)


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
    return make_card(rng, prefix, 16)


# --------------------------------------------------------------------------- generators used by curate.pii
# (pseudonyms keep the holder type / state code / length of the original value)


def make_aadhaar(rng: random.Random) -> str:
    return fake_aadhaar(rng)


def make_vid(rng: random.Random) -> str:
    return fake_vid(rng)


def make_pan(rng: random.Random, holder: str = "P") -> str:
    return fake_pan(rng, holder if holder in PAN_HOLDER_TYPES else "P")


def make_gstin(rng: random.Random, state: int | None = None, pan: str | None = None) -> str:
    state_code = f"{state:02d}" if state is not None else rng.choice(sorted(GST_STATE_CODES))
    if state_code not in GST_STATE_CODES:
        state_code = "27"
    body = state_code + (pan or fake_pan(rng, rng.choice("CFP"))) + rng.choice("123456789") + "Z"
    return body + gstin_check_char(body)


def make_card(rng: random.Random, prefix: str = "4", length: int = 16) -> str:
    body = prefix + _digits(rng, length - len(prefix) - 1)
    return body + luhn.calc_check_digit(body)
