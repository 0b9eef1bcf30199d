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


@dataclass(frozen=True)
class NamePool:
    """Names one script's pseudonyms are drawn from: given names by gender (``m``, ``f``, ``-`` unknown or
    either) and surnames, each a sorted tuple."""
    given: dict[str, tuple[str, ...]]
    surnames: tuple[str, ...]


# Scripts whose pool is carried over from Devanagari by the ISCII block offset (see DERIVED_SCRIPTS); Gujarati
# and Odia have lists of their own and take the Devanagari forms on top (Faker's Gujarati surnames are few).
_POOL_FROM_DEVA = ("Gujr", "Guru", "Orya", "Telu", "Knda", "Mlym")


@lru_cache(maxsize=1)
def pseudonym_pools() -> dict[str, NamePool]:
    """Per ISO 15924 script, the names the pseudonym operator draws from: the hand-written gender-neutral
    list (data/names/pseudonyms.tsv) and Faker's gendered lists (data/names/pseudonym_pool.tsv, built by
    :mod:`curate.pii.namebuild`); Gurmukhi, Telugu, Kannada and Malayalam are derived from Devanagari."""
    raw: dict[str, dict[str, set[str]]] = {}

    def add(script: str, kind: str, gender: str, name: str) -> None:
        raw.setdefault(script, {}).setdefault("s" if kind == "surname" else gender, set()).add(name)

    for line in _read("pseudonyms.tsv")[1:]:
        script, kind, name = line.split("\t")
        add(script, kind, "-", name)
    for line in _read("pseudonym_pool.tsv")[1:]:
        script, kind, gender, name = line.split("\t")
        add(script, kind, gender, name)
    for script in _POOL_FROM_DEVA:
        off = DERIVED_SCRIPTS[script.lower()]
        for slot, names in raw["Deva"].items():
            raw.setdefault(script, {}).setdefault(slot, set()).update(d for n in names if (d := deva_to(n, off)))
    pools = {}
    for script, slots in raw.items():
        m, f = slots.get("m", set()), slots.get("f", set())
        # A name in one gender list only is of that gender, even where the hand-written list calls it neutral.
        gendered = {"m": m - f, "f": f - m, "-": (slots.get("-", set()) - (m ^ f)) | (m & f)}
        pools[script] = NamePool({g: tuple(sorted(v)) for g, v in gendered.items()}, tuple(sorted(slots.get("s", ()))))
    return pools


@lru_cache(maxsize=1)
def name_genders() -> dict[str, str]:
    """Lower-cased given name -> ``m`` or ``f`` where the pools (Faker's gendered lists) say so unambiguously."""
    seen: dict[str, set[str]] = {}
    for pool in pseudonym_pools().values():
        for g in ("m", "f", "-"):
            for n in pool.given[g]:
                seen.setdefault(n.lower(), set()).add(g)
    return {n: next(iter(gs)) for n, gs in seen.items() if len(gs) == 1 and gs != {"-"}}


@lru_cache(maxsize=1)
def fake_names() -> dict[str, tuple[tuple[str, ...], tuple[str, ...]]]:
    """Gender-neutral given names and surnames per script, for pseudonyms (data/names/pseudonyms.tsv)."""
    out: dict[str, tuple[list[str], list[str]]] = {}
    for line in _read("pseudonyms.tsv")[1:]:
        script, kind, name = line.split("\t")
        out.setdefault(script, ([], []))[0 if kind == "given" else 1].append(name)
    return {k: (tuple(v[0]), tuple(v[1])) for k, v in out.items()}
