"""Ungrouped and grouped Aadhaar and card numbers in free text, after neutral or look-alike words.

Valid numbers are generated with python-stdnum's ``calc_check_digit`` (Verhoeff for Aadhaar, Luhn for cards),
so that every check-digit value and every length is covered; their invalid twins (one check digit off, per
stdnum) and 10-digit mobiles must not be typed as Aadhaar or card. A Luhn-valid IMEI is typed ``CREDIT_CARD``.
"""

import random

import pytest
from stdnum import luhn, verhoeff
from stdnum.in_ import aadhaar

_rng = random.Random(20261201)


def _aadhaars() -> list[str]:
    """One valid Aadhaar per check-digit value 0-9 (first digit 2-9)."""
    out: dict[str, str] = {}
    while len(out) < 10:
        body = str(_rng.randint(2, 9)) + "".join(str(_rng.randint(0, 9)) for _ in range(10))
        out.setdefault(verhoeff.calc_check_digit(body), body + verhoeff.calc_check_digit(body))
    return sorted(out.values())


def _cards() -> list[str]:
    """Luhn-valid numbers of every length 13-19, issuer digits 2-6 and 8, check digits spread over 0-9."""
    out = []
    for n in range(13, 20):
        for issuer in "234568":
            body = issuer + "".join(str(_rng.randint(0, 9)) for _ in range(n - 2))
            out.append(body + luhn.calc_check_digit(body))
    return out


AADHAARS = _aadhaars()
CARDS = _cards()
assert all(aadhaar.is_valid(a) for a in AADHAARS) and {a[-1] for a in AADHAARS} == set("0123456789")
assert all(luhn.is_valid(c) for c in CARDS) and {c[-1] for c in CARDS} == set("0123456789")


def _twin(number: str, valid) -> str:
    """The number with its last digit changed so that stdnum's check fails."""
    return number[:-1] + next(d for d in "0123456789" if not valid(number[:-1] + d))


def _forms(number: str, groups: list[int]) -> list[str]:
    parts, pos = [], 0
    for g in groups:
        parts.append(number[pos:pos + g])
        pos += g
    return [number, " ".join(parts), "-".join(parts)]


def _groups(n: int) -> list[int]:
    return [4] * (n // 4) + ([n % 4] if n % 4 else [])


def _types(detector, text: str, value: str) -> set[str]:
    return {s.type for s in detector.detect(text) if text[s.start:s.end] == value}


PREFIXES = ["", "ref ", "card ", "Txn ref ", "my number is ", "order no. ", "संदर्भ "]


@pytest.mark.parametrize("number", AADHAARS)
def test_valid_aadhaar_found_in_every_form(detector, number):
    for form in _forms(number, [4, 4, 4]):
        for pre in PREFIXES:
            text = f"{pre}{form} noted"
            assert _types(detector, text, form) == {"IN_AADHAAR"}, text


@pytest.mark.parametrize("number", CARDS)
def test_valid_card_found_in_every_form(detector, number):
    for form in _forms(number, _groups(len(number))):
        for pre in PREFIXES:
            text = f"{pre}{form} noted"
            assert _types(detector, text, form) == {"CREDIT_CARD"}, text


@pytest.mark.parametrize("number", AADHAARS)
def test_invalid_aadhaar_not_typed_without_context(detector, number):
    bad = _twin(number, aadhaar.is_valid)
    for form in _forms(bad, [4, 4, 4]):
        for pre in ("", "ref ", "order no. "):
            text = f"{pre}{form} noted"
            assert not {s.type for s in detector.detect(text)} & {"IN_AADHAAR", "CREDIT_CARD"}, text


@pytest.mark.parametrize("number", CARDS)
def test_invalid_card_not_typed(detector, number):
    bad = _twin(number, lambda d: luhn.is_valid(d) or (len(d) == 12 and aadhaar.is_valid(d)))
    for form in _forms(bad, _groups(len(bad))):
        text = f"ref {form} noted"
        assert "CREDIT_CARD" not in {s.type for s in detector.detect(text)}, text


@pytest.mark.parametrize("mobile", ["9876543210", "98765 43210", "98765-43210", "7012345678", "6350123456"])
def test_mobiles_not_mistyped(detector, mobile):
    types = {s.type for s in detector.detect(f"call {mobile} today")}
    assert types == {"IN_PHONE"}, types


def test_imei_typed_as_card(detector):
    imei = "49015420323751" + luhn.calc_check_digit("49015420323751")  # GSMA's published example TAC 49015420
    assert imei == "490154203237518"
    for text in (f"IMEI {imei}", f"imei: 35-209900-176148-{luhn.calc_check_digit('35209900176148')}"):
        assert "CREDIT_CARD" in {s.type for s in detector.detect(text)}, text
