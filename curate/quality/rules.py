"""Metrics + thresholds -> flags.  Each rule names the flag it raises, so reasons read as words."""

from __future__ import annotations

from curate.quality.config import Thresholds

# (flag, metric, threshold field, direction): "max" flags values above, "min" below.
RULES: list[tuple[str, str, str, str]] = [
    ("too_short", "words", "min_words", "min"),
    ("too_short", "chars", "min_chars", "min"),
    ("too_long", "length", "max_chars", "max"),
    ("word_repetition", "word_repetition", "max_word_repetition", "max"),
    ("char_repetition", "char_repetition", "max_char_repetition", "max"),
    ("line_repetition", "line_repetition", "max_line_repetition", "max"),
    ("symbol_ratio", "symbol_ratio", "max_symbol_ratio", "max"),
    ("digit_ratio", "digit_ratio", "max_digit_ratio", "max"),
    ("mixed_script", "other_script", "max_other_script", "max"),
    ("boilerplate", "boilerplate_lines", "max_boilerplate_lines", "max"),
]


def flags_for(metrics: dict, limits: Thresholds) -> list[str]:
    """Flags in rule order, each at most once."""
    out: list[str] = []
    for flag, metric, field, direction in RULES:
        limit = getattr(limits, field)
        if limit is None or flag in out:
            continue
        value = metrics[metric]
        if (direction == "max" and value > limit) or (direction == "min" and value < limit):
            out.append(flag)
    return out
