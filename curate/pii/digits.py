"""Indic (and other) decimal digits → ASCII, one code point for one code point.

Identifiers are often typed in the script of the sentence: "आधार २३४५ ६७८९ ०१२४".
Recognizers run on a copy whose digits are ASCII; because every digit is a single
code point and maps to a single code point, offsets found in the copy are offsets in
the original text, with no mapping table needed.
"""

from __future__ import annotations

# Zero code point of every decimal-digit block that appears in Indian text.
_ZEROS = {
    "Deva": 0x0966, "Beng": 0x09E6, "Guru": 0x0A66, "Gujr": 0x0AE6, "Orya": 0x0B66, "Taml": 0x0BE6,
    "Telu": 0x0C66, "Knda": 0x0CE6, "Mlym": 0x0D66, "Arab": 0x0660, "Aran": 0x06F0, "Olck": 0x1C50,
    "Mtei": 0xABF0, "Fullwidth": 0xFF10,
}
_TABLE = {zero + i: ord("0") + i for zero in _ZEROS.values() for i in range(10)}
_DIGIT_SCRIPT = {zero + i: name for name, zero in _ZEROS.items() for i in range(10)}


def to_ascii_digits(text: str) -> str:
    """Same length as ``text``; every non-ASCII decimal digit replaced by its ASCII digit."""
    return text.translate(_TABLE)


def digit_script(text: str) -> str | None:
    """The block of the first non-ASCII digit in ``text`` (``None`` if all digits are ASCII)."""
    for ch in text:
        s = _DIGIT_SCRIPT.get(ord(ch))
        if s:
            return s
    return None


def render_digits(ascii_value: str, script: str | None) -> str:
    """Write ASCII digits of ``ascii_value`` in ``script``'s digits (for pseudonyms that keep the look)."""
    if not script:
        return ascii_value
    zero = _ZEROS[script]
    return "".join(chr(zero + ord(c) - 48) if "0" <= c <= "9" else c for c in ascii_value)
