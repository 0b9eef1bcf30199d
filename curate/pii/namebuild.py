"""Build ``data/names/pseudonym_pool.tsv``: the gendered name pool the pseudonym operator draws from.

    python -m curate.pii.namebuild      # rewrites the file; commit it (nothing runs at pipeline time)

Source: the person providers of the ``Faker`` package (MIT licence; the version pinned in
requirements.lock, 40.54.0 when the file was built), one locale per script: ``en_IN`` (Latin),
``hi_IN`` + ``mr_IN`` (Devanagari), ``bn_BD`` (Bengali), ``ta_IN`` (Tamil), ``gu_IN`` (Gujarati),
``or_IN`` (Odia). Faker splits given names into ``first_names_male`` / ``first_names_female``;
that split is the gender column (``m``/``f``; a name in both lists is ``-``). Surnames have no gender.
Only one-word names written wholly in the script are kept (a pseudonym replaces a name token by a token).

Faker is read here only: the pipeline reads the TSV, so it neither imports Faker nor depends on it.
"""

from __future__ import annotations

import importlib
import unicodedata
from pathlib import Path

LOCALES = {"Latn": ("en_IN",), "Deva": ("hi_IN", "mr_IN"), "Beng": ("bn_BD",), "Taml": ("ta_IN",),
           "Gujr": ("gu_IN",), "Orya": ("or_IN",)}
OUT = Path(__file__).parent / "data" / "names" / "pseudonym_pool.tsv"


def _clean(names, script: str) -> list[str]:
    """One-word names whose letters are all of ``script`` (Faker's ta_IN has a few with a stray Latin letter),
    less titles: Faker's hi_IN female list holds "श्री" and "कुमारी", which as a pseudonym would turn the
    surname left beside it into "Shri <surname>" (and never stand for a given name)."""
    from curate.pii.recognizers.names import HONORIFICS
    from curate.text.scripts import script_of_char

    out = []
    for n in names:
        n = unicodedata.normalize("NFC", str(n).strip())
        if n.lower() in HONORIFICS:
            continue
        if n and len(n.split()) == 1 and all(script_of_char(c) in (script, "Zinh", "Zyyy") for c in n):
            out.append(n)
    return out


def rows() -> list[tuple[str, str, str, str]]:
    """(script, kind, gender, name) rows, sorted and unique."""
    out: set[tuple[str, str, str, str]] = set()
    for script, locales in LOCALES.items():
        male: set[str] = set()
        female: set[str] = set()
        surnames: set[str] = set()
        for loc in locales:
            p = importlib.import_module(f"faker.providers.person.{loc}").Provider
            male.update(_clean(getattr(p, "first_names_male", ()), script))
            female.update(_clean(getattr(p, "first_names_female", ()), script))
            surnames.update(_clean(getattr(p, "last_names", ()), script))
        for n in male | female:
            out.add((script, "given", "m" if n not in female else "f" if n not in male else "-", n))
        out.update((script, "surname", "-", n) for n in surnames)
    return sorted(out)


def build(path: Path = OUT) -> int:
    lines = ["script\tkind\tgender\tname"] + ["\t".join(r) for r in rows()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(lines) - 1


if __name__ == "__main__":
    print(f"{build()} names -> {OUT}")
