"""Quality signals as flags (never deletion): length, repetition, symbol/digit ratios,
script mixing and boilerplate lines, with per-language thresholds."""

from curate.quality.config import QualityConfig, Thresholds
from curate.quality.metrics import measure
from curate.quality.rules import flags_for

__all__ = ["QualityConfig", "Thresholds", "flags_for", "measure"]
