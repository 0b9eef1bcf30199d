"""Feature definitions shared by the model builder and the run-time scorer."""

from __future__ import annotations

from pathlib import Path

MODEL_PATH = Path(__file__).parent / "model" / "langid.npz"
MAX_N = 4  # character n-gram orders 1..MAX_N (langdetect's own profiles stop at 3)


def char_grams(token: str, max_n: int = MAX_N) -> list[str]:
    """Character 1..max_n-grams of `` token `` (padded with spaces), without the lone space."""
    s = f" {token} "
    grams = []
    for n in range(1, max_n + 1):
        for i in range(len(s) - n + 1):
            g = s[i:i + n]
            if g != " ":
                grams.append(g)
    return grams


def word_feature(token: str) -> str:
    """The whole-word feature of ``token`` (a prefix no n-gram can have)."""
    return "\x00" + token
