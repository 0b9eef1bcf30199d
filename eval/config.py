"""Typed evaluation settings (``curate eval`` options); JSON Schema in ``schemas/eval_config.schema.json``."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class PrivacyConfig(BaseModel):
    """Extraction evaluation (``curate eval RUN --privacy``): what to probe and how to generate.

    Token counts are in the run's tokenizer's tokens.  Sampling uses ``temperature`` and
    ``top_k`` with a fixed ``seed``, ``samples`` generations per probe.
    """

    model_config = ConfigDict(extra="forbid")
    prefix_tokens: int = Field(64, ge=1, description="Context tokens given before each PII value.")
    samples: int = Field(4, ge=0, description="Sampled generations per probe (0: greedy only).")
    temperature: float = Field(1.0, gt=0)
    top_k: int = Field(40, ge=1)
    max_contexts_per_value: int = Field(3, ge=1, description="Probe a PII value from at most this many contexts.")
    max_pii_values: int | None = Field(2000, ge=1, description="Probe at most this many PII values (deterministic).")
    names: bool = Field(True, description="Also probe PERSON names found by curate's PII engine (no outside "
                                          "validator exists for names).")
    engine_params: dict | None = Field(None, description="pii stage parameters for the name sweep (default nlp: none).")
    dup_top: int = Field(50, ge=0, description="Probe the N most-duplicated raw records.")
    dup_min_copies: int = Field(2, ge=2)
    dup_controls: int = Field(50, ge=0, description="Records seen once, probed the same way (the baseline).")
    dup_prefix_tokens: int = Field(8, ge=1, description="Tokens of the response given after the prompt.")
    dup_suffix_tokens: int = Field(24, ge=4, description="Tokens of the response the model must reproduce exactly.")
    exposure_candidates: int = Field(200, ge=10, description="Random same-format values each canary is ranked "
                                                             "against (exposure is capped at log2(N+1)).")
    batch_size: int = Field(16, ge=1)
    seed: int = 0


class EvalConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")
    split: str = "test"
    max_samples: int | None = Field(200, ge=1, description="Evaluate at most this many rows (deterministic: first N).")
    max_new_tokens: int = Field(128, ge=1)
    batch_size: int = Field(8, ge=1)
    structured: Literal["auto", "yes", "no"] = Field("auto", description="auto: JSON format adherence is scored "
                                                     "when >= 80% of references are JSON objects.")
    required_keys: list[str] | None = Field(None, description="Keys a structured answer must have "
                                            "(default: keys common to every JSON reference).")
    samples_per_language: int = Field(3, ge=0)
    lang_column: str = "lang"
    reference_max_chunks: int = Field(64, ge=1, description="Forgetting check: at most this many chunks.")
    device: Literal["auto", "cpu", "cuda"] = "auto"
    min_samples: int = Field(30, ge=1, description="Below this many items (or probes) the report and every gate "
                                                   "carry a small-sample warning.")
    small_sample: Literal["warn", "fail"] = Field("warn", description="fail: a gate decided on fewer than "
                                                  "min_samples items fails.")
    bootstrap: int = Field(1000, ge=0, description="Bootstrap resamples for confidence intervals (0: none).")
    privacy: PrivacyConfig | None = Field(None, description="Run the extraction evaluation too (--privacy).")
