"""Quality thresholds: one default set plus partial overrides per language (the ``lang`` signal)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from curate.stage import StageConfig


class Thresholds(BaseModel):
    """A document is flagged when a metric crosses its limit; ``None`` switches a rule off."""

    model_config = ConfigDict(extra="forbid")

    min_words: int | None = Field(3, ge=0, description="Fewer words than this: 'too_short'.")
    min_chars: int | None = Field(10, ge=0, description="Fewer non-space characters: 'too_short'.")
    max_chars: int | None = Field(200_000, ge=1, description="More characters: 'too_long'.")
    max_word_repetition: float | None = Field(
        0.3, ge=0, le=1, description="Share of word 3-grams that repeat an earlier one: 'word_repetition'.")
    max_char_repetition: float | None = Field(
        0.5, ge=0, le=1, description="Share of character 10-grams that repeat an earlier one: 'char_repetition'.")
    max_line_repetition: float | None = Field(
        0.3, ge=0, le=1, description="Share of non-empty lines that repeat an earlier line (3+ lines): 'line_repetition'.")
    max_symbol_ratio: float | None = Field(
        0.25, ge=0, le=1, description="Punctuation + symbols per non-space character: 'symbol_ratio'.")
    max_digit_ratio: float | None = Field(0.3, ge=0, le=1, description="Digits (any script) per non-space character: 'digit_ratio'.")
    max_other_script: float | None = Field(
        0.4, ge=0, le=1, description="Share of letters outside the document's dominant script: 'mixed_script'.")
    max_boilerplate_lines: float | None = Field(
        0.5, ge=0, le=1, description="Share of non-empty lines that are boilerplate (signatures, disclaimers, "
        "unsubscribe/cookie notices): 'boilerplate'.")


class PartialThresholds(Thresholds):
    """Per-language overrides: only the fields given replace the defaults."""

    min_words: int | None = None
    min_chars: int | None = None
    max_chars: int | None = None
    max_word_repetition: float | None = None
    max_char_repetition: float | None = None
    max_line_repetition: float | None = None
    max_symbol_ratio: float | None = None
    max_digit_ratio: float | None = None
    max_other_script: float | None = None
    max_boilerplate_lines: float | None = None


class QualityConfig(StageConfig):
    defaults: Thresholds = Field(default_factory=Thresholds)
    per_language: dict[str, PartialThresholds] = Field(
        default_factory=dict,
        description="Overrides keyed by language code (the 'lang' column when present), e.g. "
                    "{'hi': {'max_other_script': 0.6}} for Hindi written with English terms.")
    lang_field: str = Field("lang", description="Column with the language code; used when present.")

    def for_language(self, lang: str | None) -> Thresholds:
        override = self.per_language.get(lang or "")
        if override is None:
            return self.defaults
        return self.defaults.model_copy(update=override.model_dump(exclude_unset=True))
