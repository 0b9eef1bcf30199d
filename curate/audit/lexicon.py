"""Identity, attribute and toxicity lexicons shipped with curate (see lexicons/README.md).

Terms are normalised exactly the way the SQL tokenizer in :mod:`curate.audit.terms` splits text:
lower case, and every character that is not a letter (L*), combining mark (M*) or digit (N*) becomes a
word break. Keeping both sides identical is what makes a lexicon join a whole-word match.
"""

from __future__ import annotations

import csv
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pyarrow as pa

LEXICON_DIR = Path(__file__).with_name("lexicons")
# The tokenizer matches unigrams and bigrams only; longer phrases could never match.
MAX_TERM_WORDS = 2


def normalize_term(term: str) -> str:
    chars = [c if unicodedata.category(c)[0] in "LMN" else " " for c in term.lower()]
    return " ".join("".join(chars).split())


def _read_tsv(name: str) -> list[dict[str, str]]:
    with open(LEXICON_DIR / name, encoding="utf-8", newline="") as fh:
        return [row for row in csv.DictReader(fh, delimiter="\t")]


@dataclass(frozen=True)
class Lexicons:
    """All term lists as Arrow tables with a ``term`` column ready to join against tokens.

    ``terms`` has one row per (kind, key, sub, lang, term) where kind is ``identity`` (key=axis, sub=group),
    ``attribute`` (key=category, sub=class) or ``toxic`` (key='toxicity', sub=severity).
    """

    terms: pa.Table
    zones: dict[str, str]

    def groups(self, axis: str) -> list[str]:
        keys = self.terms.to_pydict()
        return sorted({s for k, a, s in zip(keys["kind"], keys["key"], keys["sub"]) if k == "identity" and a == axis})

    def axes(self) -> list[str]:
        keys = self.terms.to_pydict()
        return sorted({a for k, a in zip(keys["kind"], keys["key"]) if k == "identity"})


def _rows(kind: str, rows: list[dict[str, str]], key: str, sub: str) -> list[tuple[str, str, str, str, str]]:
    out = []
    for r in rows:
        term = normalize_term(r["term"])
        if not term or len(term.split()) > MAX_TERM_WORDS:
            raise ValueError(f"lexicon term {r['term']!r} is empty or longer than {MAX_TERM_WORDS} words")
        out.append((kind, r[key] if key != "-" else "toxicity", r[sub], r["lang"], term))
    return out


@lru_cache(maxsize=1)
def load_lexicons() -> Lexicons:
    rows = (_rows("identity", _read_tsv("identity.tsv"), "axis", "group")
            + _rows("attribute", _read_tsv("attributes.tsv"), "category", "class")
            + _rows("toxic", _read_tsv("toxicity.tsv"), "-", "severity"))
    # A term may legitimately sit in two lexicon languages (e.g. 'jihadi' in en and hinglish); keep the
    # first so a document is not counted twice for one word.
    seen: set[tuple[str, str, str, str]] = set()
    uniq = []
    for kind, key, sub, lang, term in rows:
        ident = (kind, key, sub, term)
        if ident not in seen:
            seen.add(ident)
            uniq.append((kind, key, sub, lang, term))
    cols = list(zip(*uniq))
    table = pa.table({name: pa.array(col, pa.string()) for name, col in zip(("kind", "key", "sub", "lang", "term"), cols)})
    zones = {r["state"]: r["zone"] for r in _read_tsv("region_zones.tsv")}
    return Lexicons(terms=table, zones=zones)
