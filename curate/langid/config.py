"""Typed thresholds of the language-ID detector (pydantic; mirrored by schemas/stages/langid.schema.json)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from curate.langid.detect import DEFAULTS


class DetectConfig(BaseModel):
    """Thresholds of the detector (shared by the stage config and the Python API)."""

    model_config = ConfigDict(extra="forbid")

    min_chars: int = Field(DEFAULTS["min_chars"], ge=1, description=("Fewer letters than this gives 'und' (a text in one Indian script "
                                                                   "needs only 2: a consonant and its vowel sign are a word)."))
    min_score: float = Field(DEFAULTS["min_score"], ge=0.0, le=1.0,
                             description=("lang_score below this gives 'und' (ambiguous text), except text in one "
                                          "Indian script whose language holds >= 0.5 of the script's probability "
                                          "(short native text is named with its low score)."))
    token_margin: float = Field(DEFAULTS["token_margin"], ge=0.0, description=(
        "A Latin token is tagged English or romanized-Indic only when the log-likelihood ratio exceeds this."))
    unknown_word_margin: float = Field(DEFAULTS["unknown_word_margin"], ge=0.0, description=(
        "A Latin token that is not in the English lexicon (spaCy en_core_web_sm vocabulary) is tagged English "
        "only when its English-vs-Indic log-likelihood ratio exceeds this (chosen on the tuning half)."))
    cm_min_share: float = Field(DEFAULTS["cm_min_share"], ge=0.0, le=1.0, description=(
        "Share of language tokens the embedded language needs for the document to count as code-mixed."))
    cm_min_tokens: int = Field(DEFAULTS["cm_min_tokens"], ge=1, description="Tokens the embedded language needs for 'codemixed'.")
    length_norm_chars: int = Field(DEFAULTS["length_norm_chars"], ge=1, description="lang_score is scaled by sqrt(min(1, letters / this)).")
    function_word_bonus: float = Field(DEFAULTS["function_word_bonus"], ge=0.0, description=(
        "Extra weight of a function word when choosing the matrix language (0.25: token majority decides, "
        "function words break near-ties; chosen on the tuning half of the dev file)."))
    frame_min_tokens: int = Field(DEFAULTS["frame_min_tokens"], ge=1, description=(
        "Indic tokens needed to make an Indic language the matrix of a row whose English words have no "
        "English frame (no subject pronoun, auxiliary or modal)."))
    frame_min_share: float = Field(DEFAULTS["frame_min_share"], ge=0.0, le=1.0, description=(
        "Share of the matrix-vote weight those Indic tokens need (with frame_min_tokens)."))
