"""Digits of every script. Expected values come from ``unicodedata`` (digit values, character names)."""

import unicodedata

import pytest

from curate.text.digits import DIGIT_ZEROS, digit_set, non_ascii_digit_class, render_digits, to_ascii_digits

# The digit sets of the 22 scheduled languages (and full-width digits from CJK input methods), by Unicode name.
NAMED = {
    "Deva": "DEVANAGARI", "Beng": "BENGALI", "Guru": "GURMUKHI", "Gujr": "GUJARATI", "Orya": "ORIYA",
    "Taml": "TAMIL", "Telu": "TELUGU", "Knda": "KANNADA", "Mlym": "MALAYALAM", "Arab": "ARABIC-INDIC",
    "EXTENDED ARABIC-INDIC": "EXTENDED ARABIC-INDIC", "Olck": "OL CHIKI", "Mtei": "MEETEI MAYEK",
    "FULLWIDTH": "FULLWIDTH",
}
ALL_ND = [chr(cp) for cp in range(0x110000) if unicodedata.category(chr(cp)) == "Nd"]


@pytest.mark.parametrize("key", sorted(NAMED))
def test_each_scheduled_digit_set_is_unicodes(key):
    for value, word in enumerate(["ZERO", "ONE", "TWO", "THREE", "FOUR", "FIVE", "SIX", "SEVEN", "EIGHT", "NINE"]):
        ch = unicodedata.lookup(f"{NAMED[key]} DIGIT {word}")
        assert to_ascii_digits(ch) == str(value)
        assert digit_set(ch) == key
        assert render_digits(str(value), key) == ch


def test_every_decimal_digit_of_unicode_maps_to_its_value():
    assert len(ALL_ND) > 600
    text = "".join(ALL_ND)
    assert to_ascii_digits(text) == "".join(str(unicodedata.decimal(c)) for c in ALL_ND)
    assert len(to_ascii_digits(text)) == len(text)  # one code point for one: offsets are unchanged


def test_other_numbers_and_letters_are_unchanged():
    text = "आधार ½ ² ① Ⅻ ௰ ৴ abc"  # fractions, superscripts, circled, Roman, Tamil ten, Bengali numerator: not Nd
    assert to_ascii_digits(text) == text and digit_set(text) is None
    assert render_digits("98-76", None) == "98-76"


def test_mixed_digits_and_first_set():
    assert to_ascii_digits("फ़ोन ९८७६५ 43210") == "फ़ोन 98765 43210"
    assert digit_set("12 ৩৪ ٥") == "Beng"


def test_re2_class_matches_every_non_ascii_digit():
    import duckdb

    cls = non_ascii_digit_class()
    con = duckdb.connect()
    nd = [c for c in ALL_ND if not c.isascii()]
    n = con.execute(f"SELECT len(regexp_extract_all(?, '{cls}'))", ["".join(nd) + "0123456789abc"]).fetchone()[0]
    assert n == len(nd)
    assert set(DIGIT_ZEROS.values()) == {ord(c) for c in nd if unicodedata.decimal(c) == 0}
