"""Which writing systems (ISO 15924 scripts) a text's letters belong to -- the one script table of curate.

Exact and vectorised: one ``uint8`` lookup table maps every code point to a script id, so the script
counts of a document are a table lookup plus a ``bincount`` over its UTF-32 code units. The table is
built at import from :data:`curate.text._unicode_tables.LETTER_RANGES`, which is generated from the
Unicode ``Script`` property (see :mod:`curate.text.build_tables` for the rules). A script's letters, marks
and own signs count; digits, dandas, punctuation, common symbols (``©``, ``×``, ``₹``), spaces and emoji
have id 0 (``Zyyy``, "no script"): a phone number in Devanagari digits says nothing about the language.

Codes are ISO 15924 everywhere in curate: ``Latn``, ``Deva``, ``Beng``, ``Guru``, ``Gujr``, ``Orya``,
``Taml``, ``Telu``, ``Knda``, ``Mlym``, ``Arab``, ``Olck`` (Ol Chiki), ``Mtei`` (Meetei Mayek) ...
"""

from __future__ import annotations

import re

import numpy as np

from curate.text._unicode_tables import LETTER_RANGES, SCRIPT_BLOCKS, SCRIPT_NAMES, SCRIPTS, VIRAMA_CODEPOINTS

__all__ = ["SCRIPTS", "SCRIPT_ID", "SCRIPT_NAMES", "SCRIPT_BLOCKS", "TABLE", "SCHEDULED_SCRIPTS",
           "SCHEDULED_LANGUAGE_SCRIPTS", "ISCII_BLOCK_START", "INDIC_BLOCKS_RANGE", "VIRAMAS", "block_range",
           "letter_class", "script_of_char", "script_counts", "letter_counts", "script_shares", "dominant_script",
           "significant_scripts"]

NO_SCRIPT = "Zyyy"
SCRIPT_ID: dict[str, int] = {s: i for i, s in enumerate(SCRIPTS)}


def _build_table() -> np.ndarray:
    table = np.zeros(LETTER_RANGES[-1][1] + 1, dtype=np.uint8)
    for lo, hi, script in LETTER_RANGES:
        table[lo:hi + 1] = SCRIPT_ID[script]
    table.setflags(write=False)
    return table


# Code point -> script id (index into SCRIPTS); code points past the end have no script.
TABLE: np.ndarray = _build_table()
_N = len(TABLE)

# The 22 languages of the Eighth Schedule to the Constitution of India (ISO 639 code) -> the script their
# text is usually written in. Manipuri (mni) is also written in Meetei Mayek and Santali (sat) also in
# Latin/Bengali/Oriya; those alternatives are in SCHEDULED_SCRIPTS too.
SCHEDULED_LANGUAGE_SCRIPTS: dict[str, str] = {
    "as": "Beng", "bn": "Beng", "brx": "Deva", "doi": "Deva", "gu": "Gujr", "hi": "Deva", "kn": "Knda",
    "ks": "Arab", "kok": "Deva", "mai": "Deva", "ml": "Mlym", "mni": "Beng", "mr": "Deva", "ne": "Deva",
    "or": "Orya", "pa": "Guru", "sa": "Deva", "sat": "Olck", "sd": "Arab", "ta": "Taml", "te": "Telu",
    "ur": "Arab",
}
# Every script the 22 scheduled languages are written in (Latin for English and romanized text, Meetei
# Mayek for Manipuri).
SCHEDULED_SCRIPTS: tuple[str, ...] = ("Latn", "Deva", "Beng", "Guru", "Gujr", "Orya", "Taml", "Telu", "Knda",
                                      "Mlym", "Arab", "Olck", "Mtei")

# The nine Brahmic scripts of India whose Unicode blocks follow the ISCII layout: the same letter sits at the
# same offset from the block start in each (क U+0915, ক U+0995, ਕ U+0A15 …), so transliteration between
# them is an offset. ISO 15924 code -> first code point of its block.
ISCII_BLOCK_START: dict[str, int] = {s: SCRIPT_BLOCKS[s][0] for s in (
    "Deva", "Beng", "Guru", "Gujr", "Orya", "Taml", "Telu", "Knda", "Mlym")}

# The run of Unicode blocks from Devanagari to Sinhala (U+0900-U+0DFF), as a regex class range: the Brahmic
# scripts of India and Sri Lanka, letters, digits and dandas alike (for "next to Indic text" tests).
INDIC_BLOCKS_RANGE = f"{chr(SCRIPT_BLOCKS['Deva'][0])}-{chr(SCRIPT_BLOCKS['Sinh'][1])}"
# Viramas (halant, pulli, chandrakkala, al-lakuna …) of every script: canonical combining class 9.
VIRAMAS: frozenset[str] = frozenset(chr(cp) for cp in VIRAMA_CODEPOINTS)


def block_range(script: str) -> str:
    """The Unicode block named after ``script`` as a regex class range (U+0900-U+097F for ``Deva``): every
    code point of the block, letters, digits and punctuation alike. ``KeyError`` for a script without one."""
    first, last = SCRIPT_BLOCKS[script]
    return f"{chr(first)}-{chr(last)}"


def letter_class(scripts: tuple[str, ...] | list[str]) -> str:
    """The inside of a regex character class (no brackets) matching the letters and marks of ``scripts``.

    Characters are written as themselves, so the class works in Python's ``re``/``regex`` and in RE2.
    """
    parts = []
    for lo, hi, script in LETTER_RANGES:
        if script in scripts:
            parts.append(re.escape(chr(lo)) if lo == hi else f"{re.escape(chr(lo))}-{re.escape(chr(hi))}")
    return "".join(parts)


def script_of_char(ch: str) -> str:
    """ISO 15924 code of one character's script; ``"Zyyy"`` for digits, punctuation, symbols and spaces."""
    cp = ord(ch)
    return SCRIPTS[TABLE[cp]] if cp < _N else NO_SCRIPT


def script_counts(text: str) -> np.ndarray:
    """Letters per script id (``int64[len(SCRIPTS)]``); index 0 counts the characters of no script."""
    if not text:
        return np.zeros(len(SCRIPTS), dtype=np.int64)
    cps = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    if cps.max() >= _N:
        cps = cps[cps < _N]  # past the table: unassigned or private use, no script
    return np.bincount(TABLE[cps], minlength=len(SCRIPTS))


def letter_counts(text: str) -> dict[str, int]:
    """``{script: letters}`` for the scripts present in ``text``, most letters first (ties in table order)."""
    counts = script_counts(text)[1:]
    order = np.argsort(-counts, kind="stable")
    return {SCRIPTS[i + 1]: int(counts[i]) for i in order if counts[i] > 0}


def script_shares(text: str) -> dict[str, float]:
    """Share of each script among the letters of ``text`` (rounded to 4 places, descending; ``{}`` without letters)."""
    counts = letter_counts(text)
    total = sum(counts.values())
    return {s: round(n / total, 4) for s, n in counts.items()}


def dominant_script(text: str) -> str | None:
    """The script with the most letters in ``text`` (``None`` when it has no letters)."""
    counts = letter_counts(text)
    return next(iter(counts), None)


def significant_scripts(text: str, min_share: float = 0.05, min_letters: int = 8) -> list[str]:
    """Scripts that make up a real part of ``text``: at least ``min_letters`` letters and ``min_share`` of them.

    A stray foreign letter (a brand name, a symbol) does not count; a sentence does. Sorted by code.
    """
    counts = letter_counts(text)
    total = sum(counts.values())
    return sorted(s for s, n in counts.items() if n >= min_letters and n >= min_share * total)
