"""Typed evaluation settings (``curate eval`` options); JSON Schema in ``schemas/eval_config.schema.json``."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


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
