"""Script detection from Unicode blocks (ISO 15924 codes).

Exact and vectorised: one ``uint8`` lookup table over the Basic Multilingual
Plane maps every code point to a script id, so the script shares of a
document are a table lookup plus a ``bincount`` over its UTF-32 code units.
Digits, dandas and script-specific punctuation are "common" (``Zyyy``): a
phone number in Devanagari digits says nothing about the language.
"""

from __future__ import annotations

import numpy as np

# Order matters only for ids; index 0 is "no script" (spaces, digits, punctuation, emoji).
SCRIPTS: tuple[str, ...] = (
    "Zyyy", "Latn", "Deva", "Beng", "Guru", "Gujr", "Orya", "Taml", "Telu", "Knda", "Mlym", "Sinh",
    "Arab", "Olck", "Mtei", "Cyrl", "Grek", "Hebr", "Thai", "Hani", "Hira", "Kana", "Hang", "Tibt",
    "Mymr", "Ethi", "Geor", "Armn", "Khmr", "Laoo",
)
SCRIPT_ID = {s: i for i, s in enumerate(SCRIPTS)}

# (first, last, script) — inclusive code point ranges, later entries override earlier ones.
_RANGES: list[tuple[int, int, str]] = [
    (0x0041, 0x005A, "Latn"), (0x0061, 0x007A, "Latn"), (0x00C0, 0x024F, "Latn"), (0x1E00, 0x1EFF, "Latn"),
    (0x00AA, 0x00AA, "Latn"), (0x00BA, 0x00BA, "Latn"),
    (0x0900, 0x097F, "Deva"), (0xA8E0, 0xA8FF, "Deva"), (0x1CD0, 0x1CFF, "Deva"),
    (0x0980, 0x09FF, "Beng"), (0x0A00, 0x0A7F, "Guru"), (0x0A80, 0x0AFF, "Gujr"), (0x0B00, 0x0B7F, "Orya"),
    (0x0B80, 0x0BFF, "Taml"), (0x0C00, 0x0C7F, "Telu"), (0x0C80, 0x0CFF, "Knda"), (0x0D00, 0x0D7F, "Mlym"),
    (0x0D80, 0x0DFF, "Sinh"),
    (0x0600, 0x06FF, "Arab"), (0x0750, 0x077F, "Arab"), (0x08A0, 0x08FF, "Arab"), (0xFB50, 0xFDFF, "Arab"),
    (0xFE70, 0xFEFF, "Arab"),
    (0x1C50, 0x1C7F, "Olck"), (0xABC0, 0xABFF, "Mtei"), (0xAAE0, 0xAAFF, "Mtei"),
    (0x0400, 0x052F, "Cyrl"), (0x0370, 0x03FF, "Grek"), (0x0590, 0x05FF, "Hebr"), (0x0E00, 0x0E7F, "Thai"),
    (0x4E00, 0x9FFF, "Hani"), (0x3400, 0x4DBF, "Hani"), (0x3040, 0x309F, "Hira"), (0x30A0, 0x30FF, "Kana"),
    (0xAC00, 0xD7AF, "Hang"), (0x1100, 0x11FF, "Hang"), (0x0F00, 0x0FFF, "Tibt"), (0x1000, 0x109F, "Mymr"),
    (0x1200, 0x137F, "Ethi"), (0x10A0, 0x10FF, "Geor"), (0x0530, 0x058F, "Armn"), (0x1780, 0x17FF, "Khmr"),
    (0x0E80, 0x0EFF, "Laoo"),
    # Common inside Indic/Arabic blocks: dandas, digits, punctuation, abbreviation signs.
    (0x0964, 0x096F, "Zyyy"), (0x0970, 0x0970, "Zyyy"),
    (0x09E6, 0x09EF, "Zyyy"), (0x0A66, 0x0A6F, "Zyyy"), (0x0AE6, 0x0AEF, "Zyyy"), (0x0B66, 0x0B6F, "Zyyy"),
    (0x0BE6, 0x0BEF, "Zyyy"), (0x0C66, 0x0C6F, "Zyyy"), (0x0CE6, 0x0CEF, "Zyyy"), (0x0D66, 0x0D6F, "Zyyy"),
    (0x0660, 0x066D, "Zyyy"), (0x06F0, 0x06F9, "Zyyy"), (0x060C, 0x060C, "Zyyy"), (0x061B, 0x061B, "Zyyy"),
    (0x061F, 0x061F, "Zyyy"), (0x06D4, 0x06D4, "Zyyy"), (0x0640, 0x0640, "Zyyy"),
    (0x1C50, 0x1C59, "Zyyy"), (0x1C7E, 0x1C7F, "Zyyy"), (0xABF0, 0xABF9, "Zyyy"), (0xABEB, 0xABEB, "Zyyy"),
    (0x00D7, 0x00D7, "Zyyy"), (0x00F7, 0x00F7, "Zyyy"),
]


def _build_table() -> np.ndarray:
    table = np.zeros(0x10000, dtype=np.uint8)
    for lo, hi, script in _RANGES:
        table[lo:hi + 1] = SCRIPT_ID[script]
    return table


TABLE: np.ndarray = _build_table()
TABLE.setflags(write=False)


def script_counts(text: str) -> np.ndarray:
    """Letters per script id for one string (index 0 counts non-letters and is usually ignored)."""
    if not text:
        return np.zeros(len(SCRIPTS), dtype=np.int64)
    cps = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    cps = cps[cps < 0x10000]  # astral planes: emoji and rare scripts count as "no script"
    return np.bincount(TABLE[cps], minlength=len(SCRIPTS))


def script_shares(text: str) -> dict[str, float]:
    """Share of each script among the letters of ``text`` (rounded, descending; empty when no letters)."""
    counts = script_counts(text)[1:]
    total = int(counts.sum())
    if total == 0:
        return {}
    order = np.argsort(-counts, kind="stable")
    return {SCRIPTS[i + 1]: round(float(counts[i]) / total, 4) for i in order if counts[i] > 0}


def script_of_char(ch: str) -> str:
    cp = ord(ch)
    return SCRIPTS[TABLE[cp]] if cp < 0x10000 else "Zyyy"
