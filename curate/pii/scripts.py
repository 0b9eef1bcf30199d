"""Which writing systems curate's PII recognizers cover (script detection itself is :mod:`curate.text.scripts`).

Identifiers, phone numbers, e-mail addresses and digits are script-independent once digits are normalised
(:func:`curate.text.digits.to_ascii_digits` maps the decimal digits of every script), so every script of
the 22 scheduled languages is *covered*: its rows are anonymized, not held back. Person names need
per-script evidence (triggers, honorifics, lexicons); the scripts that have it are :func:`name_scripts`.
Text in a script outside :data:`COVERED_SCRIPTS` (Cyrillic, Thai, Sinhala …) has no recognizer at all and
is held back (fail closed), with the reason ``script:<ISO 15924 code>``.
"""

from __future__ import annotations

from functools import lru_cache

from curate.text.scripts import SCHEDULED_LANGUAGE_SCRIPTS, SCHEDULED_SCRIPTS

__all__ = ["COVERED_SCRIPTS", "NEUTRAL_SCRIPTS", "LANG_SCRIPT", "name_scripts"]

# Every script of the 22 scheduled languages (Latin for English and romanized text) is covered for
# identifiers, phones, e-mails and digits.
COVERED_SCRIPTS = SCHEDULED_SCRIPTS
# Declared scripts that say nothing about letters (common, unwritten).
NEUTRAL_SCRIPTS = ("Zyyy", "Zxxx", "Zinh", "Zzzz")
# Language codes (ISO 639) -> usual script; used when a `lang` column is present. Scheduled languages written
# in more than one script (Manipuri: Bengali or Meetei Mayek; Santali; Kashmiri, Sindhi) take the script of
# the text itself, which is checked separately. Languages outside the schedule that curate sees in Indian
# enterprise data are listed so that a declared one is held back (nothing recognizes names in them).
LANG_SCRIPT = {
    **SCHEDULED_LANGUAGE_SCRIPTS, "en": "Latn",
    "si": "Sinh", "th": "Thai", "ru": "Cyrl", "uk": "Cyrl", "el": "Grek", "he": "Hebr", "zh": "Hani", "ja": "Jpan",
    "ko": "Hang", "bo": "Tibt", "dz": "Tibt",
}
_DEFAULT_NAME_SCRIPTS = ("Latn", "Deva", "Beng", "Taml", "Gujr")


@lru_cache(maxsize=1)
def name_scripts() -> tuple[str, ...]:
    """Scripts in which person names are recognized (the name recognizer's ``NAME_SCRIPTS`` when it declares them)."""
    from curate.pii.recognizers import names

    return tuple(getattr(names, "NAME_SCRIPTS", _DEFAULT_NAME_SCRIPTS))

