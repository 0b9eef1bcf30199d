"""The texts a tokenizer may be trained on in a workspace: what a training run may read, nothing rawer.

A tokenizer trained on raw documents learns their identifiers (Aadhaar, phone and account numbers, names) as
vocabulary entries, and ``tokenizer.json`` travels with every adapter trained on that base (``runs/*/adapter``):
the raw values would leave the raw zone through a run on an approved, anonymized snapshot. So the corpus is
an approved snapshot that passed the PII policy (:func:`train.runs.training_access`), the same rule as training,
with the same explicit override (``--allow-pii-unapproved``), recorded in the lineage before any text is read.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from curate.errors import PolicyError

from train.runs import record_overrides, training_access

RAW_DOCUMENTS = "documents"  # a tokenizer trained on every raw document (override): its source and lineage parent


@dataclass
class Corpus:
    texts: list[str]
    source: str           # the snapshot ref, or "documents" (raw, override)
    override: bool        # trained on what training could not read without --allow-pii-unapproved


def _trainable_refs(ws) -> list[str]:
    """Snapshots a training run may read without an override, newest first."""
    out = []
    for m in sorted(ws.snapshots(), key=lambda m: m.created_at, reverse=True):
        try:
            training_access(ws, m.ref)
        except PolicyError:
            continue
        out.append(m.ref)
    return out


def tokenizer_corpus(ws, out_dir: str | Path, snapshot: str | None = None, allow_unapproved: bool = False) -> Corpus:
    """The non-empty ``text`` values to train the tokenizer saved in ``out_dir`` on.

    ``snapshot``: that snapshot, if training may read it (or ``allow_unapproved``). Without it: the newest
    snapshot training may read; when there is none, every raw document only with ``allow_unapproved``.
    An override is recorded in the lineage (``pii_override`` / ``approval_override``, subject ``out_dir``).

    Raises:
        PolicyError: refused (exit 4), saying what would be allowed. CurateError: no such snapshot.
    """
    subject = str(Path(out_dir).resolve())
    details = {"artifact": "tokenizer"}
    if snapshot is None:
        refs = _trainable_refs(ws)
        if refs:
            snapshot = refs[0]
        elif not allow_unapproved:
            raise PolicyError("no snapshot a training run may read (anonymized, PII policy passed, approved) to "
                              "train the tokenizer on: approve one and pass --snapshot NAME@V, or pass "
                              "--allow-pii-unapproved to train it on the raw documents (recorded)")
        else:
            record_overrides(ws, subject, None, True, {"override": False}, details)
            table = ws.documents()
            return Corpus([t for t in table.column("text").to_pylist() if t], RAW_DOCUMENTS, True)
    m, pii_override, approval = training_access(ws, snapshot, allow_unapproved, action="tokenizer training")
    record_overrides(ws, subject, m, pii_override, approval, details)
    table = ws.snapshot(m.ref).table()
    return Corpus([t for t in table.column("text").to_pylist() if t], m.ref, pii_override or approval["override"])
