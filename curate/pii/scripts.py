"""Which writing systems a text uses, and whether curate's recognizers cover them.

Identifiers (digits and Latin capitals) are script-independent once digits are
normalised, but person names are not: a name is only found in a script for which
curate has name patterns and a lexicon. A document with a substantial share of
letters in any other script is *not covered* and must be held back (fail closed).
"""

from __future__ import annotations

from collections import Counter

# (first, last, ISO 15924 code) of the letter blocks we count; anything else alphabetic is "Zyyy-other".
_BLOCKS = [
    (0x0041, 0x024F, "Latn"), (0x0370, 0x03FF, "Grek"), (0x0400, 0x052F, "Cyrl"), (0x0590, 0x05FF, "Hebr"),
    (0x0600, 0x06FF, "Arab"), (0x0750, 0x077F, "Arab"), (0x0900, 0x097F, "Deva"), (0x0980, 0x09FF, "Beng"),
    (0x0A00, 0x0A7F, "Guru"), (0x0A80, 0x0AFF, "Gujr"), (0x0B00, 0x0B7F, "Orya"), (0x0B80, 0x0BFF, "Taml"),
    (0x0C00, 0x0C7F, "Telu"), (0x0C80, 0x0CFF, "Knda"), (0x0D00, 0x0D7F, "Mlym"), (0x0D80, 0x0DFF, "Sinh"),
    (0x0E00, 0x0E7F, "Thai"), (0x0F00, 0x0FFF, "Tibt"), (0x1C50, 0x1C7F, "Olck"), (0x1E00, 0x1EFF, "Latn"),
    (0x3040, 0x30FF, "Jpan"), (0x4E00, 0x9FFF, "Hani"), (0xA8E0, 0xA8FF, "Deva"), (0xABC0, 0xABFF, "Mtei"),
    (0xAC00, 0xD7AF, "Hang"),
]

# Scripts with name patterns + a name lexicon (see curate/pii/data/names/SOURCES.md).
COVERED_SCRIPTS = ("Latn", "Deva", "Beng", "Taml", "Gujr")
# Language codes (ISO 639) whose usual script is covered; used when a `lang` column is present.
LANG_SCRIPT = {
    "en": "Latn", "hi": "Deva", "mr": "Deva", "ne": "Deva", "sa": "Deva", "mai": "Deva", "kok": "Deva",
    "doi": "Deva", "brx": "Deva", "bn": "Beng", "as": "Beng", "mni": "Beng", "ta": "Taml", "gu": "Gujr",
    "pa": "Guru", "or": "Orya", "te": "Telu", "kn": "Knda", "ml": "Mlym", "ur": "Arab", "ks": "Arab",
    "sd": "Arab", "sat": "Olck", "si": "Sinh",
}


def _block(cp: int) -> str | None:
    for lo, hi, name in _BLOCKS:
        if lo <= cp <= hi:
            return name
    return None


def script_counts(text: str) -> Counter:
    """Letters (and combining marks) per script; digits, punctuation and spaces are not counted."""
    counts: Counter = Counter()
    for ch in text:
        if ch.isascii():
            if ch.isalpha():
                counts["Latn"] += 1
            continue
        if ch.isdigit() or ch.isspace():
            continue
        name = _block(ord(ch))
        if name:
            counts[name] += 1
        elif ch.isalpha():
            counts["Zyyy-other"] += 1
    return counts


def dominant_script(text: str) -> str | None:
    counts = script_counts(text)
    return counts.most_common(1)[0][0] if counts else None


def uncovered_scripts(text: str, covered: tuple[str, ...] | list[str] = COVERED_SCRIPTS,
                      min_share: float = 0.05, min_letters: int = 8) -> list[str]:
    """Scripts in ``text`` that are not covered and make up a real part of it.

    A stray foreign letter (a brand name, an emoji-adjacent symbol) does not make a
    document uncovered; a sentence in Urdu or Telugu does.
    """
    counts = script_counts(text)
    total = sum(counts.values())
    return sorted(s for s, n in counts.items()
                  if s not in covered and n >= min_letters and n >= min_share * total)
