"""Small generated corpora in several scripts: originals, exact copies, edited near
duplicates, and hard negatives that reuse a minority of an original's sentences."""

from __future__ import annotations

import random

SCRIPTS = {
    "deva": ([c for c in "कखगचजटडतदनपबमयरलवसह"], ["", "ा", "ि", "ी", "ु", "े", "ो", "्र"]),
    "taml": ([c for c in "கசடதநபமயரலவழளறன"], ["", "ா", "ி", "ு", "ெ", "ை", "ோ", "்"]),
    "beng": ([c for c in "কখগচজটডতদনপবমযরলসহ"], ["", "া", "ি", "ী", "ু", "ে", "ো"]),
    "latn": ([c for c in "bcdfghklmnprstvz"], ["a", "e", "i", "o", "u", "ar", "en"]),
}
ENGLISH = ["the", "payment", "account", "please", "refund", "order", "today", "card", "help", "status"]


def _word(rng: random.Random, script: str) -> str:
    cons, vowels = SCRIPTS[script]
    return "".join(rng.choice(cons) + rng.choice(vowels) for _ in range(rng.randint(2, 4)))


def sentence(rng: random.Random, script: str, n: int = 10) -> str:
    if script == "hinglish":  # romanized Hindi mixed with English words
        words = [rng.choice(ENGLISH) if rng.random() < 0.3 else _word(rng, "latn") for _ in range(n)]
    else:
        words = [_word(rng, script) for _ in range(n)]
    return " ".join(words) + ("।" if script in ("deva", "beng") else ".")


def edit(rng: random.Random, text: str, frac: float = 0.05) -> str:
    words = text.split(" ")
    for _ in range(max(1, int(len(words) * frac))):
        words[rng.randrange(len(words))] = "edited"
    return "  ".join(words[:3]) + " " + " ".join(words[3:]) + " !!"   # plus whitespace/punctuation noise


def corpus(seed: int = 0, per_script: int = 6):
    """Rows of {text, group, kind}: same group = true duplicates."""
    rng = random.Random(seed)
    rows = []
    g = 0
    for script in ("deva", "taml", "beng", "latn", "hinglish"):
        for _ in range(per_script):
            sents = [sentence(rng, script) for _ in range(8)]
            original = " ".join(sents)
            rows.append({"text": original, "group": g, "kind": "original"})
            rows.append({"text": original.upper() if script in ("latn", "hinglish") else original + " ",
                         "group": g, "kind": "exact"})
            rows.append({"text": edit(rng, original), "group": g, "kind": "near"})
            # Hard negative: 2 of 8 sentences (25 %) shared, the rest new.
            shared = rng.sample(sents, 2)
            fresh = [sentence(rng, script) for _ in range(6)]
            rows.append({"text": " ".join(shared[:1] + fresh[:3] + shared[1:] + fresh[3:]), "group": 10_000 + g,
                         "kind": "hard_negative"})
            g += 1
    rng.shuffle(rows)
    return rows
