"""Reading the project's own seed text (``curate/langid/seed``).

Layout: ``seed/native/<lang>.txt`` (native script; ``en.txt`` is English) and
``seed/roman/<lang>.txt`` (hand-written romanized text). In each file ``#`` lines are
comments, a line starting with ``!`` lists function words, every other line is a sentence.

Every fifth sentence (index % 5 == 4) is held out: the builder never sees it, and
``benchmarks/langid.py --heldout`` evaluates on it, so the project has an honest
split of its own next to any external dev file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

SEED_DIR = Path(__file__).parent / "seed"
HOLDOUT_EVERY = 5


@dataclass
class SeedFile:
    lang: str
    kind: str  # "native" or "roman"
    function_words: list[str] = field(default_factory=list)
    sentences: list[str] = field(default_factory=list)

    @property
    def train(self) -> list[str]:
        return [s for i, s in enumerate(self.sentences) if i % HOLDOUT_EVERY != HOLDOUT_EVERY - 1]

    @property
    def heldout(self) -> list[str]:
        return [s for i, s in enumerate(self.sentences) if i % HOLDOUT_EVERY == HOLDOUT_EVERY - 1]


def read_seed(path: Path, kind: str) -> SeedFile:
    sf = SeedFile(lang=path.stem, kind=kind)
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("!"):
            sf.function_words.extend(line[1:].split())
        else:
            sf.sentences.append(line)
    return sf


def load_seeds(seed_dir: Path = SEED_DIR) -> dict[str, dict[str, SeedFile]]:
    """``{"native": {lang: SeedFile}, "roman": {lang: SeedFile}}``."""
    return {kind: {p.stem: read_seed(p, kind) for p in sorted((seed_dir / kind).glob("*.txt"))}
            for kind in ("native", "roman")}


def language_seeds(seeds: dict[str, dict[str, SeedFile]], kind: str) -> dict[str, SeedFile]:
    """Seed files of one kind that hold a language (``_english_loans`` and similar lists excluded)."""
    return {k: v for k, v in seeds[kind].items() if not k.startswith("_")}
