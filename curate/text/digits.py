"""Decimal digits of every script -> ASCII, one code point for one code point -- the one digit map of curate.

Identifiers are often typed in the script of the sentence: "आधार २३४५ ६७८९ ०१२४". Recognizers run on a
copy whose digits are ASCII; because every digit is a single code point and maps to a single code point,
offsets found in the copy are offsets in the original text, with no mapping table needed.

The digit sets (Devanagari, Bengali, Gurmukhi, Gujarati, Oriya, Tamil, Telugu, Kannada, Malayalam,
Arabic-Indic, Extended Arabic-Indic (Urdu), Ol Chiki, Meetei Mayek, full-width, ... every ``Nd`` run of
Unicode) come from :data:`curate.text._unicode_tables.DIGIT_ZEROS`, generated from ``unicodedata``. A set
is named by the ISO 15924 code of its script (``Deva``, ``Arab``, ``Olck``, ``Mtei``) or, for a second set
of one script or a set of no script, by its Unicode name (``EXTENDED ARABIC-INDIC``, ``FULLWIDTH``).
"""

from __future__ import annotations

from curate.text._unicode_tables import DIGIT_ZEROS

__all__ = ["DIGIT_ZEROS", "to_ascii_digits", "digit_set", "render_digits", "non_ascii_digit_class"]

_TO_ASCII = {zero + i: ord("0") + i for zero in DIGIT_ZEROS.values() for i in range(10)}
_SET_OF = {zero + i: name for name, zero in DIGIT_ZEROS.items() for i in range(10)}


def to_ascii_digits(text: str) -> str:
    """``text`` with every non-ASCII decimal digit replaced by its ASCII digit (same length, same offsets)."""
    return text.translate(_TO_ASCII)


def digit_set(text: str) -> str | None:
    """Name of the digit set (a key of :data:`DIGIT_ZEROS`) of the first non-ASCII digit; ``None`` if none."""
    for ch in text:
        name = _SET_OF.get(ord(ch))
        if name:
            return name
    return None


def render_digits(ascii_value: str, digit_set_name: str | None) -> str:
    """``ascii_value`` with its ASCII digits written in the digits of ``digit_set_name`` (``None``: unchanged).

    Raises ``KeyError`` for a name that is not a key of :data:`DIGIT_ZEROS`.
    """
    if not digit_set_name:
        return ascii_value
    zero = DIGIT_ZEROS[digit_set_name]
    return "".join(chr(zero + ord(c) - 48) if "0" <= c <= "9" else c for c in ascii_value)


def non_ascii_digit_class() -> str:
    """A regex character class matching any non-ASCII decimal digit: ``[٠-٩۰-۹߀-߉०-९…]``.

    The digits are written as themselves (no escapes), so the class means the same to Python's ``re`` and
    to RE2 (DuckDB's ``regexp_*``).
    """
    return "[" + "".join(f"{chr(z)}-{chr(z + 9)}" for z in DIGIT_ZEROS.values()) + "]"
