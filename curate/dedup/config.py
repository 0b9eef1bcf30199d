"""Typed configurations for the two dedup stages and for file mode.

Defaults were chosen on the labelled benchmark (``benchmarks/dedup.py``): word 3-gram
shingles after Indic-aware normalisation, 128 permutations, Jaccard threshold 0.5.  Near
duplicates with a few percent of edited words, an added boilerplate line or a dropped
sentence stay well above 0.5; documents that merely share a third of their sentences stay
well below it.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from curate.stage import StageConfig

KeepPolicy = Literal["longest", "earliest", "best_quality"]


class MinHashConfig(StageConfig):
    """How documents are turned into MinHash signatures (the per-document ``minhash`` stage)."""

    shingle: Literal["word", "char"] = Field(
        "word", description="Shingle tokens: normalised words, or grapheme clusters (never split inside a syllable).")
    ngram: int = Field(3, ge=1, le=16, description="Tokens per shingle (word mode: 3; char mode: try 5).")
    num_perm: int = Field(128, ge=16, le=1024, description="Signature length (hash functions).")
    seed: int = Field(1, ge=0, description="Seed of the hash functions; signatures only compare within one seed.")


class DedupConfig(StageConfig):
    """How signatures are grouped into duplicate clusters (the global ``dedup`` stage)."""

    threshold: float = Field(0.4, gt=0.0, lt=1.0,
                             description="Estimated Jaccard similarity at or above which two documents are near duplicates.")
    keep: KeepPolicy = Field("earliest", description="Which member of a cluster is kept: the earliest (input order / "
                             "ingest order), the longest text, or the best quality (quality_ok, fewest flags, then longest).")
    false_positive_weight: float = Field(0.5, ge=0.0, le=1.0, description="LSH tuning weight (datasketch's optimiser).")
    false_negative_weight: float = Field(0.5, ge=0.0, le=1.0, description="LSH tuning weight (datasketch's optimiser).")
    chain_cut: float = Field(0.75, ge=0.0, le=1.0,
                             description="A member whose estimated similarity to its cluster's keeper is below "
                                         "chain_cut x threshold (it joined only through other members) leaves the "
                                         "cluster. 0 disables; 1 keeps every member within the threshold of the keeper.")
    bands: int | None = Field(None, ge=1, description="Override the LSH band count (default: optimised for threshold).")
    rows: int | None = Field(None, ge=1, description="Override the rows per band (default: optimised for threshold).")
    bucket_window: int = Field(32, ge=1, le=1024, description="In an LSH bucket, each document is compared with the "
                               "first member and the next N members: bounds work on huge template buckets.")

    @model_validator(mode="after")
    def _bands_rows_together(self):
        if (self.bands is None) != (self.rows is None):
            raise ValueError("set both bands and rows, or neither")
        return self


class DedupTableConfig(MinHashConfig, DedupConfig):
    """File mode and :func:`curate.dedup.dedup_table`: shingling and clustering in one config."""
