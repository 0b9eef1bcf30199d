"""Name lexicons shipped with curate (see data/names/SOURCES.md), loaded once per process."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from curate.text.scripts import ISCII_BLOCK_START, SCRIPT_BLOCKS

SCRIPTS = ("latn", "deva", "beng", "taml")


def _read(name: str) -> list[str]:
    text = resources.files("curate.pii").joinpath("data").joinpath("names").joinpath(name).read_text(encoding="utf-8")
    return [unicodedata.normalize("NFC", line.strip()) for line in text.splitlines() if line.strip()]


# Brahmic blocks laid out like Devanagari (ISCII order): a Devanagari name carried over by the block offset is
# the same name in that script. Tamil is not ISCII-complete (no aspirates or voiced stops), so it has its own list.
DERIVED_SCRIPTS = {s.lower(): ISCII_BLOCK_START[s] - ISCII_BLOCK_START["Deva"]
                   for s in ("Gujr", "Guru", "Orya", "Telu", "Knda", "Mlym")}
_DEVA_FIRST, _DEVA_LAST = SCRIPT_BLOCKS["Deva"]


def deva_to(word: str, offset: int) -> str | None:
    """Devanagari → another ISCII-aligned block by ``offset``; None if a code point has no twin there."""
    out = []
    for ch in word:
        cp = ord(ch)
        if _DEVA_FIRST <= cp <= _DEVA_LAST:
            g = chr(cp + offset)
            try:
                unicodedata.name(g)
            except ValueError:
                return None
            out.append(g)
        else:
            out.append(ch)
    return "".join(out)


def _derived(words: list[str]) -> set[str]:
    return {d for w in words for off in DERIVED_SCRIPTS.values() if (d := deva_to(w, off))}


@dataclass(frozen=True)
class Lexicon:
    given: frozenset[str]       # lower-cased for Latin
    surnames: frozenset[str]
    common: frozenset[str]      # names that are also ordinary words
    not_names: frozenset[str]   # function words, titles, places, brands: never a name token

    def kind(self, token: str) -> str | None:
        """'G' given, 'S' surname, 'C' name that is also a common word, or None."""
        key = token.lower()
        if key in self.common:
            return "C"
        if key in self.given:
            return "G"
        if key in self.surnames:
            return "S"
        return None


@lru_cache(maxsize=1)
def load_lexicon() -> Lexicon:
    given: set[str] = set()
    surnames: set[str] = set()
    for script in SCRIPTS:
        g = _read(f"given_{script}.txt")
        s = _read(f"surnames_{script}.txt")
        given.update(x.lower() for x in g)
        surnames.update(x.lower() for x in s)
        if script == "deva":
            given.update(_derived(g))
            surnames.update(_derived(s))
    common = {x.lower() for x in _read("common_words.txt")}
    common.update(_derived([x for x in common if not x.isascii()]))
    not_names = {x.lower() for x in _read("not_names.txt")}
    return Lexicon(frozenset(given), frozenset(surnames), frozenset(common), frozenset(not_names - given - surnames))


@lru_cache(maxsize=1)
def fake_names() -> dict[str, tuple[tuple[str, ...], tuple[str, ...]]]:
    """Gender-neutral given names and surnames per script, for pseudonyms (data/names/pseudonyms.tsv)."""
    out: dict[str, tuple[list[str], list[str]]] = {}
    for line in _read("pseudonyms.tsv")[1:]:
        script, kind, name = line.split("\t")
        out.setdefault(script, ([], []))[0 if kind == "given" else 1].append(name)
    return {k: (tuple(v[0]), tuple(v[1])) for k, v in out.items()}
