"""Typed configurations for the two dedup stages and for file mode.

Defaults were chosen on the labelled benchmark (``benchmarks/dedup.py``, tuned on one seed,
reported on held-out seeds): word 3-gram shingles of the folded text, 128 one-permutation
MinHash bins, **exact Jaccard >= 0.5** on the shingles that remain once boilerplate (segments
in >= 1 % of the distinct documents, and at least 10 of them) is set aside, chain_cut 0.5;
chats compared on their user and assistant turns, SFT pairs on instruction + input + output;
a pair whose customer-written identifiers (numbers of 5+ digits however grouped or scripted,
codes such as PAN, e-mail and UPI addresses; read from user turns / instruction + input) have
nothing in common - different ones, or some on one side only - is never a duplicate; nor is a pair where
one side has fewer than 16 word tokens once boilerplate is set aside (``core.MIN_NEAR_TOKENS``: short texts
are exact-duplicate candidates only, since one edit - "not", "1" -> "2" - changes most of their few
shingles), unless both carry the same strong identifier (``core.STRONG_ID_CHARS``: an e-mail/UPI address or a
number/code of 9+ characters - phone, account, PAN -, not a date or an amount: a re-sent short ticket); nor are
two chats / SFT pairs whose training targets differ in content (``core.NO_TARGET``: the assistant turns / the
output as their sentences, folded, numbers masked, boilerplate set aside - "blocked" / "unblocked" in the
output are two examples however near the prompts; a re-sent copy keeps its target, a fresh ticket number aside); nor
are two rows whose facts differ (:mod:`curate.dedup.facts`: each states a number the other does not - another
amount, date, time or count, in any script's digits -, or their negation words differ within the sentences both
hold - "cleared" / "not cleared", मिले / नहीं मिले, வந்தது / வரவில்லை, vandhuduchu / varala -, or each names a kind,
name or place the other does not spell, even with a typo - "savings" / "current" account, "debit" / "credit" card,
Rahul / Priya, Mumbai / Delhi, NEFT / IMPS: a word swapped in a template is another request): they are kept with
``dup_reason = distinct_facts``.  Markup is read as text before matching (``don&#39;t`` = ``don't``).  A row with no text to compare is never a duplicate (``dup_reason = no_text``).  Re-sent copies
with a few percent of edited words, an added line or a dropped sentence stay well above 0.5;
distinct conversations that share a system prompt and canned replies fall to ~0 once those
are set aside.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from curate.stage import StageConfig

KeepPolicy = Literal["longest", "earliest", "best_quality"]


class MinHashConfig(StageConfig):
    """How documents are turned into tokens, segments and signatures (the per-document ``minhash`` stage)."""

    fields: Literal["auto", "text"] = Field(
        "auto", description="auto: chats (a messages column) are compared on the turns of chat_roles, SFT rows on "
                            "instruction + input + output, other rows on text_field; text: always text_field.")
    chat_roles: list[str] = Field(["user", "assistant"], description="Chat roles whose turns are compared (the "
                                  "system prompt is left out by default).")
    shingle: Literal["word", "char"] = Field(
        "word", description="Shingle tokens: folded words, or grapheme clusters (never split inside a syllable).")
    ngram: int = Field(3, ge=1, le=16, description="Tokens per shingle (word mode: 3; char mode: try 5).")
    num_perm: int = Field(128, ge=16, le=1024, description="Signature length (one-permutation MinHash bins).")
    seed: int = Field(1, ge=0, description="Seed of the hash function; signatures only compare within one seed.")


class DedupConfig(StageConfig):
    """How signatures are grouped into duplicate clusters (the global ``dedup`` stage)."""

    threshold: float = Field(0.5, gt=0.0, lt=1.0,
                             description="Exact Jaccard similarity of the shingle sets (boilerplate set aside) at or "
                                         "above which a document is a near duplicate of a kept one.")
    keep: KeepPolicy = Field("earliest", description="Which member of a cluster is kept: the earliest (input order / "
                             "ingest order), the longest text, or the best quality (quality_ok, fewest flags, then longest).")
    boilerplate_share: float = Field(0.01, ge=0.0, le=1.0,
                                     description="A segment (sentence or line, numbers masked) found in at least this "
                                                 "share of the distinct documents is boilerplate: it is left out of "
                                                 "their shingles. 1 disables the detector.")
    boilerplate_min_docs: int = Field(10, ge=2, description="... and in at least this many distinct documents.")
    chain_cut: float = Field(0.5, ge=0.0, le=1.0,
                             description="A document similar to a removed row (not to its keeper) is removed too when "
                                         "its exact Jaccard with that keeper is at least chain_cut x threshold "
                                         "(variants of one original). 1 disables.")
    false_positive_weight: float = Field(0.5, ge=0.0, le=1.0, description="LSH tuning weight (datasketch's optimiser).")
    false_negative_weight: float = Field(0.5, ge=0.0, le=1.0, description="LSH tuning weight (datasketch's optimiser).")
    bands: int | None = Field(None, ge=1, description="Override the LSH band count (default: optimised for 0.6 x threshold).")
    rows: int | None = Field(None, ge=1, description="Override the rows per band (default: optimised for 0.6 x threshold).")
    bucket_window: int = Field(32, ge=1, le=1024, description="In an LSH bucket, each document is compared with the "
                               "first member and the next N members: bounds work on huge template buckets.")

    @model_validator(mode="after")
    def _bands_rows_together(self):
        if (self.bands is None) != (self.rows is None):
            raise ValueError("set both bands and rows, or neither")
        return self


class DedupTableConfig(MinHashConfig, DedupConfig):
    """File mode and :func:`curate.dedup.dedup_table`: shingling and clustering in one config."""
