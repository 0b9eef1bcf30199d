"""Normalisation and tokenisation for language ID.

* NFC, so precomposed and decomposed forms (nukta letters, Bengali য়) score alike.
* ZWJ/ZWNJ removed: they change rendering, not language, and writers use them inconsistently.
* Farsi yeh (U+06CC) and Arabic yeh (U+064A) are kept apart (issue 12, sixth pass): Urdu, Kashmiri and
  Persian write ی, Sindhi and Arabic write ي (in the dev file's tuning half ~1,000 ی in Urdu and Kashmiri and
  ~250 ي in Sindhi, without one exception),
  so the letter separates Urdu from Sindhi even in one word (جی "ji" vs Sindhi جي "of"). langdetect
  folds ی into ي in its profiles; the builder unfolds it for Urdu and Persian (``build._ld_profile``).
* Latin lower-cased.

Tokens are maximal runs of letters of one script (one ``str.translate`` turns every non-letter into a
space and a split finds the letter runs; a run whose first and last letters differ in script is split
where the script table changes).
"""

from __future__ import annotations

import re
import unicodedata

from curate.text.scripts import SCRIPTS, TABLE

_ZW = dict.fromkeys([0x200C, 0x200D, 0x200B, 0xFEFF, 0x00AD])
_MAP = _ZW


_ZW_RE = re.compile("[" + "".join(map(chr, _ZW)) + "]")


def normalize(text: str) -> str:
    s = unicodedata.normalize("NFC", text)
    if not s.isascii() and _ZW_RE.search(s):  # most text has none; translate looks up every character
        s = s.translate(_MAP)
    return s.lower()


_SCRIPT_OF = TABLE.tobytes()  # code point -> script id, as bytes for fast indexing from Python
_N = len(_SCRIPT_OF)


def _split_mixed(tok: str) -> list[tuple[str, str]]:
    """Split a letter run whose letters belong to several scripts into maximal one-script runs.

    Walks the script table (every letter of a run is in it); a
    per-script regex alternation did the same but cost ~30 ms to compile in every process."""
    table = _SCRIPT_OF
    out: list[tuple[str, str]] = []
    start = 0
    prev = table[ord(tok[0])]
    for i in range(1, len(tok)):
        sid = table[ord(tok[i])]
        if sid != prev:
            out.append((tok[start:i], SCRIPTS[prev]))
            start, prev = i, sid
    out.append((tok[start:], SCRIPTS[prev]))
    return out


class _LetterMap(dict):
    """``str.translate`` table: a letter (script id > 0) maps to itself, anything else to a space. Filled on
    first sight of each code point, so the table stays as small as the text's alphabet."""

    def __missing__(self, cp: int) -> str:
        v = self[cp] = chr(cp) if cp < _N and _SCRIPT_OF[cp] else " "
        return v


_LETTER_MAP = _LetterMap()


def letter_runs(norm_text: str) -> list[str]:
    """The maximal runs of letters of ``norm_text`` (any script; see :func:`split_run`): the same runs as
    ``_LETTERS_RE.findall``, found by one ``str.translate`` (non-letters to spaces) and a split, which is
    several times faster than a regex character class of every script's letters (the earlier way: ~3x
    slower on the benchmark's 280k characters, and ~10 ms to build and compile at import)."""
    return norm_text.translate(_LETTER_MAP).split()


def split_run(tok: str) -> list[tuple[str, str]]:
    """(token, script) pairs of one letter run: itself, or its one-script parts when scripts change inside."""
    a = ord(tok[0])
    b = ord(tok[-1])
    table = _SCRIPT_OF
    sa = table[a] if a < _N else 0
    if len(tok) == 1 or sa == (table[b] if b < _N else 0):
        return [(tok, SCRIPTS[sa])]
    return _split_mixed(tok)


def tokenize(norm_text: str) -> list[tuple[str, str]]:
    """(token, script) pairs for a normalised text; digits, punctuation and emoji are not tokens.

    A token is a maximal run of letters of one script: the letter runs (:func:`letter_runs`), each split
    where its script changes (:func:`split_run`; rare).
    """
    out: list[tuple[str, str]] = []
    for run in letter_runs(norm_text):
        out.extend(split_run(run))
    return out


# Parts of a social-media row that carry no language: links, e-mail addresses, @handles and #hashtags
# (identifiers and tags, usually names or run-together words). They are removed before scoring, so a
# row that is only a URL is ``und`` instead of English.
_LINK_RE = re.compile(
    r"(?:https?://|ftp://|www\.)\S+"
    # e-mail addresses and UPI ids (ravi.k@okaxis: no dot after the @)
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)*"
    r"|[@#][^\s@#]+"
    # bare domains; only unambiguous endings ("done.in the morning" is a typo, not a link)
    r"|\b[\w-]+(?:\.[\w-]+)*\.(?:com|org|net|io|gov|edu|info|app|xyz|(?:co|gov|ac|org|nic)\.in|in(?=/))\b(?:/\S*)?")
# Cheap test for "might hold a link": most rows hold none, and the full pattern is slow on long text.
_LINK_HINT_RE = re.compile(r"[@#]|://|www\.|\.(?:com|org|net|io|gov|edu|info|app|xyz|in)\b")
# Laughter and reaction tokens ("hahaha", "hehe", "lol", "lmao", "xD"): no language.
_LAUGHTER_RE = re.compile(r"a?(?:ha){2,}h?|(?:he){2,}h?|(?:hi){3,}|lo+l|lmf?ao+|rofl|xd+")
# A letter typed three or more times ("semmmma", "massuuu", "bahuuut") is an elongation; two are kept
# because doubled letters are real spelling in romanized Indic ("semma", "amma", "poonga").
_ELONGATION_RE = re.compile(r"(\w)\1{2,}")
# Clause boundaries: sentence and clause punctuation, dashes between spaces, line breaks.
_CLAUSE_RE = re.compile(r"[.,!?;:…।॥|()\[\]{}\"“”\n]+|\s[-–—]+\s")


# An acronym in mixed-case text (EMI, PAN, UPI, KYC, NEFT, OK): an English abbreviation, not a word of the language
# its letters spell ("emi" is Telugu for "what", "pan" a Hindi word). It is read as one unambiguous English word,
# so a Hinglish row keeps it as English (the code-mix convention counts "OK", "ATM" as English). Only where the
# text has lower-case letters too: a row typed all in capitals ("KYA HUA") is words.
_ACRONYM_RE = re.compile(r"(?<![\w'’])[A-Z]{2,5}s?(?![\w'’])")
_LOWER_RE = re.compile(r"[a-z]")
ACRONYM_WORD = "abbreviation"


def strip_acronyms(text: str) -> str:
    """``text`` (before :func:`normalize`) with each acronym of mixed-case text read as an English word
    (see ``_ACRONYM_RE``)."""
    if _LOWER_RE.search(text) is None or _ACRONYM_RE.search(text) is None:
        return text
    return _ACRONYM_RE.sub(ACRONYM_WORD, text)


def strip_links(norm_text: str) -> str:
    """``norm_text`` (already :func:`normalize`-d) without links, e-mail addresses, @handles and #hashtags."""
    return _LINK_RE.sub(" ", norm_text) if _LINK_HINT_RE.search(norm_text) else norm_text


def fold_token(token: str) -> str | None:
    """A letter token as scored: elongations shortened to two letters; ``None`` for laughter."""
    if token.isascii() and _LAUGHTER_RE.fullmatch(token):  # laughter is spelled in a-z only
        return None
    if len(token) < 3 or _ELONGATION_RE.search(token) is None:  # most tokens: no template expansion
        return token
    return _ELONGATION_RE.sub(r"\1\1", token)


def clauses(norm_text: str) -> list[str]:
    """The clause-sized pieces of a normalised text, split at punctuation (never empty strings)."""
    return [c for c in _CLAUSE_RE.split(norm_text) if c.strip()]


# Named entities by case (issue 12, eighth pass). In Indian enterprise English a word capitalised in mid-sentence
# is a person, place, bank or brand ("Ramesh Kumar Srinivasan from Thiruvananthapuram", "Kotak Mahindra"), and code-
# mixing research leaves named entities out of every count (Das & Gambäck 2014 tag them NE). A sentence's first
# word is capitalised by rule ("Mera account block ho gaya"), so it says nothing.
# A title's dot ("Mr. Venkataraghavan Iyengar", "Dr. Rao", "Smt. Lakshmi") does not end the sentence.
_TITLES = ("Mr", "Mrs", "Ms", "Dr", "Smt", "Shri", "Sri", "Prof", "St", "Capt", "Col", "Lt", "Sgt")
_SENTENCE_RE = re.compile("".join(rf"(?<!\b{t})" for t in _TITLES) + r"\.+|[!?…।॥\n]+")
_ASCII_WORD_RE = re.compile(r"[A-Za-z]+")
_UPPER_RE = re.compile(r"[A-Z]")
# Case carries information only where the writer also writes lower case: a row typed in Title Case or all in
# capitals ("Padam Semma Mass, Thalaivar Vera Level") capitalises words, not names.
CASE_MIN_LOWER_WORDS = 2
CASE_MIN_LOWER_SHARE = 0.3


def capitalised_words(text: str) -> frozenset[str]:
    """The Latin words of ``text`` (raw, before :func:`normalize`) written Capitalised or in ALL CAPS somewhere
    other than at a sentence start, lower-cased: candidates for named entities (the detector decides which
    count, see ``detect._case_names``). Empty when the text has no capital after its first letter, or writes
    fewer than ``CASE_MIN_LOWER_WORDS`` words (or under ``CASE_MIN_LOWER_SHARE`` of them) in lower case.
    Sentences end at ``. ! ? …``, dandas and line breaks; a word is a run of ASCII letters (``Ramesh's`` →
    ``Ramesh``, ``s``)."""
    if _UPPER_RE.search(text, 1) is None:  # most chat rows: lower case, or one capital at the start
        return frozenset()
    caps: set[str] = set()
    n = n_lower = 0
    for sentence in _SENTENCE_RE.split(text):
        for k, w in enumerate(_ASCII_WORD_RE.findall(sentence)):
            n += 1
            if w[0].islower():
                n_lower += 1
            elif k and len(w) > 1 and (w[1:].islower() or w.isupper()):
                caps.add(w.lower())
    if n_lower < CASE_MIN_LOWER_WORDS or n_lower < CASE_MIN_LOWER_SHARE * n:
        return frozenset()
    return frozenset(caps)
