"""Which writing systems a text uses, and whether curate's recognizers cover them.

Identifiers, phone numbers, e-mail addresses and digits are script-independent once digits
are normalised (``curate/pii/digits.py`` maps the decimal digits of every Indian script), so
every script of the 22 scheduled languages is *covered*: its rows are anonymized, not held
back. Person names need per-script evidence (triggers, honorifics, lexicons); the scripts that
have it are :func:`name_scripts`. Text in a script outside :data:`COVERED_SCRIPTS` (Cyrillic,
Thai, Sinhala …) has no recognizer at all and is held back (fail closed), with the reason
``script:<ISO 15924 code>``.
"""

from __future__ import annotations

from collections import Counter
from functools import lru_cache

# (first, last, ISO 15924 code) of the letter blocks we count; anything else alphabetic is "Zyyy-other".
_BLOCKS = [
    (0x0041, 0x024F, "Latn"), (0x0370, 0x03FF, "Grek"), (0x0400, 0x052F, "Cyrl"), (0x0590, 0x05FF, "Hebr"),
    (0x0600, 0x06FF, "Arab"), (0x0750, 0x077F, "Arab"), (0x08A0, 0x08FF, "Arab"), (0x0900, 0x097F, "Deva"),
    (0x0980, 0x09FF, "Beng"), (0x0A00, 0x0A7F, "Guru"), (0x0A80, 0x0AFF, "Gujr"), (0x0B00, 0x0B7F, "Orya"),
    (0x0B80, 0x0BFF, "Taml"), (0x0C00, 0x0C7F, "Telu"), (0x0C80, 0x0CFF, "Knda"), (0x0D00, 0x0D7F, "Mlym"),
    (0x0D80, 0x0DFF, "Sinh"), (0x0E00, 0x0E7F, "Thai"), (0x0F00, 0x0FFF, "Tibt"), (0x1C50, 0x1C7F, "Olck"),
    (0x1CD0, 0x1CFF, "Deva"), (0x1E00, 0x1EFF, "Latn"), (0x3040, 0x30FF, "Jpan"), (0x4E00, 0x9FFF, "Hani"),
    (0xA8E0, 0xA8FF, "Deva"), (0xAAE0, 0xAAFF, "Mtei"), (0xABC0, 0xABFF, "Mtei"), (0xAC00, 0xD7AF, "Hang"),
    (0xFB50, 0xFDFF, "Arab"), (0xFE70, 0xFEFF, "Arab"),
]

# The 13 scripts of the 22 scheduled languages (Latin for English and romanized text): every one is covered
# for identifiers, phones, e-mails and digits.
SCHEDULED_SCRIPTS = ("Latn", "Deva", "Beng", "Guru", "Gujr", "Orya", "Taml", "Telu", "Knda", "Mlym", "Arab",
                     "Olck", "Mtei")
COVERED_SCRIPTS = SCHEDULED_SCRIPTS
# Declared scripts that say nothing about letters (common, unwritten).
NEUTRAL_SCRIPTS = ("Zyyy", "Zxxx", "Zinh", "Zzzz")
# Language codes (ISO 639) -> usual script; used when a `lang` column is present. Scheduled languages written
# in more than one script (Manipuri: Bengali or Meetei Mayek; Santali; Kashmiri, Sindhi) take the script of
# the text itself, which is checked separately.
LANG_SCRIPT = {
    "en": "Latn", "hi": "Deva", "mr": "Deva", "ne": "Deva", "sa": "Deva", "mai": "Deva", "kok": "Deva",
    "doi": "Deva", "brx": "Deva", "bn": "Beng", "as": "Beng", "mni": "Beng", "ta": "Taml", "gu": "Gujr",
    "pa": "Guru", "or": "Orya", "te": "Telu", "kn": "Knda", "ml": "Mlym", "ur": "Arab", "ks": "Arab",
    "sd": "Arab", "sat": "Olck", "si": "Sinh", "th": "Thai", "ru": "Cyrl", "uk": "Cyrl", "el": "Grek",
    "he": "Hebr", "zh": "Hani", "ja": "Jpan", "ko": "Hang", "bo": "Tibt", "dz": "Tibt",
}
_DEFAULT_NAME_SCRIPTS = ("Latn", "Deva", "Beng", "Taml", "Gujr")


@lru_cache(maxsize=1)
def name_scripts() -> tuple[str, ...]:
    """Scripts in which person names are recognized (the name recognizer's ``NAME_SCRIPTS`` when it declares them)."""
    from curate.pii.recognizers import names

    return tuple(getattr(names, "NAME_SCRIPTS", _DEFAULT_NAME_SCRIPTS))


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


def significant_scripts(text: str, min_share: float = 0.05, min_letters: int = 8) -> list[str]:
    """Scripts that make up a real part of ``text`` (at least ``min_letters`` letters and ``min_share`` of them).

    A stray foreign letter (a brand name, an emoji-adjacent symbol) does not count; a sentence does.
    """
    counts = script_counts(text)
    total = sum(counts.values())
    return sorted(s for s, n in counts.items() if n >= min_letters and n >= min_share * total)


def uncovered_scripts(text: str, covered: tuple[str, ...] | list[str] = COVERED_SCRIPTS,
                      min_share: float = 0.05, min_letters: int = 8) -> list[str]:
    """Scripts in ``text`` that are not covered and make up a real part of it (see :func:`significant_scripts`)."""
    return [s for s in significant_scripts(text, min_share, min_letters) if s not in covered]
