"""Pseudonyms within a document: collisions and inconsistencies, on gold name spans (detection is not measured).

    .venv/bin/python benchmarks/pii_pseudonyms.py [--docs 2000] [--seed 1]

Each document is a short support chat with 2–8 different people, names drawn from Faker's ``en_IN``, ``hi_IN``,
``ta_IN`` and ``or_IN`` person providers (Latin, Devanagari, Tamil, Odia; given names by gender, surnames). Caveat:
curate's pseudonym pool is built from the same Faker lists (curate/pii/namebuild.py), so the gender figure checks
that the mechanism works, not an independent truth about the names. Each person appears once
with the full name and once with the given name alone ("Customer Priya Sharma called … Priya asked …"). The
spans are the gold positions, so only the anonymizer is measured. Per document:

* collision: two different real given names (or two different full names) got the same fake;
* inconsistent: a given name alone got another fake than the first word of the same person's full name;
* wrong script: a fake not written in the script of the name (Unicode character names);
* wrong gender: a given name in exactly one of Faker's gender lists whose fake is in the other list only.

Runs whatever curate is on ``sys.path`` (so main and a branch can be compared in the same session).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
import unicodedata

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _names():
    from faker.providers.person.en_IN import Provider as En
    from faker.providers.person.hi_IN import Provider as Hi
    from faker.providers.person.or_IN import Provider as Or
    from faker.providers.person.ta_IN import Provider as Ta

    out = {}
    for script, p in (("LATIN", En), ("DEVANAGARI", Hi), ("TAMIL", Ta), ("ORIYA", Or)):
        f, m = set(p.first_names_female), set(p.first_names_male)
        given = sorted(n for n in f | m if len(n.split()) == 1)
        gender = {n: ("f" if n in f else "m") for n in given if (n in f) != (n in m)}
        out[script] = (given, sorted(n for n in p.last_names if len(n.split()) == 1), gender, f, m)
    return out


def _script_ok(text: str, script: str) -> bool:
    letters = [c for c in text if unicodedata.category(c)[0] in "LM"]
    return bool(letters) and all(unicodedata.name(c, "").startswith(script) for c in letters)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", default=None)
    args = ap.parse_args()
    os.environ.setdefault("CURATE_PII_KEY", "bench-hmac-key-0123456789")
    from curate.pii.engine import Span
    from curate.pii.operators import Anonymizer
    from curate.pii.policy import PiiPolicy

    an = Anonymizer(PiiPolicy())
    names = _names()
    rng = random.Random(args.seed)
    st = {"docs": 0, "collision": 0, "inconsistent": 0, "wrong_script": 0, "gendered": 0, "wrong_gender": 0,
          "self": 0}
    t0 = time.perf_counter()
    for _ in range(args.docs):
        script = rng.choice(list(names))
        given, surnames, gender, fem, mal = names[script]
        k = rng.randint(2, 8)
        people = list(zip(rng.sample(given, k), [rng.choice(surnames) for _ in range(k)]))
        text, spans, who = "", [], []
        for g, s in people:
            text += "Customer "
            spans.append(Span(len(text), len(text) + len(g) + 1 + len(s), "PERSON", 1.0, "gold"))
            who.append((g, s, "full"))
            text += f"{g} {s} called. "
        for g, s in people:
            spans.append(Span(len(text), len(text) + len(g), "PERSON", 1.0, "gold"))
            who.append((g, s, "given"))
            text += f"{g} asked again. "
        if hasattr(an, "person_book"):
            book = an.person_book(text[sp.start:sp.end] for sp in spans)
            out, ins = an.apply_with_spans(text, spans, book)
        else:
            out, ins = an.apply_with_spans(text, spans)
        fakes = [out[a:b] for a, b, _ in ins]
        full = {g: f for (g, _, kind), f in zip(who, fakes) if kind == "full"}
        alone = {g: f for (g, _, kind), f in zip(who, fakes) if kind == "given"}
        st["docs"] += 1
        given_fakes = [full[g].split()[0] for g, _ in people]
        st["collision"] += len(set(given_fakes)) < k or len(set(full.values())) < k or len(set(alone.values())) < k
        st["inconsistent"] += any(alone[g] != full[g].split()[0] for g, _ in people)
        st["wrong_script"] += any(not _script_ok(f, script) for f in fakes)
        st["self"] += any(f in (g, f"{g} {s}") for (g, s, _), f in zip(who, fakes))
        for g, _ in people:
            if g in gender:
                st["gendered"] += 1
                fake = alone[g]
                st["wrong_gender"] += (fake in (mal - fem)) if gender[g] == "f" else (fake in (fem - mal))
    secs = time.perf_counter() - t0
    res = {**st, "seconds": round(secs, 2), "docs_per_s": round(st["docs"] / secs, 1)}
    print(json.dumps(res, indent=1))
    if args.out:
        with open(args.out, "w") as fh:
            json.dump(res, fh, indent=1)


if __name__ == "__main__":
    main()
