"""Text cleaning as a per-document stage: adds ``clean_text`` beside the raw text."""

from __future__ import annotations

import pyarrow as pa

from curate.clean.rules import clean_text
from curate.stage import Stage, StageConfig, StageContext, register_stage


class CleanConfig(StageConfig):
    """Cleaning has no knobs yet beyond the field it reads; every rule is safe for training text."""


def clean_batch(batch: pa.Table, cfg: CleanConfig, ctx: StageContext | None = None) -> pa.Table:
    texts = batch.column(cfg.text_field).to_pylist()
    return pa.table({"clean_text": pa.array([clean_text(t) for t in texts], pa.string())})


STAGE = register_stage(Stage(
    name="clean", kind="per_document", config_model=CleanConfig, fn=clean_batch,
    outputs={"clean_text": pa.string()},
    raw_outputs=("clean_text",),  # cleaned, not anonymized
    description="Indic-aware cleaning: HTML remnants, NFC (nukta forms), invisible characters, ZWJ/ZWNJ, dandas, whitespace.",
    # 2: ZWJ/ZWNJ are kept after the viramas of every script (Unicode combining class 9: Meetei Mayek's too),
    # not only after those of Devanagari … Malayalam and Sinhala.
    # 3: only HTML elements are tags: placeholders (<NAME>, <otp>, <ADDRESS>) and <s> are kept.
    version="3",
))
