"""A datasheet-style data card (Gebru et al., "Datasheets for Datasets") filled from the snapshot manifest,
its lineage, the computed metrics and what the policy's ``datacard`` block states."""

from __future__ import annotations

from typing import Any

from curate.audit.policy import AuditPolicy

_SIGNAL_STEPS = {"lang": "language identification", "dup_keep": "near-duplicate detection (MinHash)",
                 "pii_count": "PII detection and anonymization", "quality_ok": "quality filtering",
                 "clean_text": "text cleaning", "label_value": "human labelling"}


def known_gaps(metrics: dict[str, Any], policy: AuditPolicy) -> list[str]:
    gaps = list(policy.datacard.known_gaps)
    engine = metrics.get("pii", {}).get("engine", {})
    if not engine.get("available", True):
        gaps.append(f"residual PII checked by regex pre-scan only ({engine.get('reason')})")
    elif engine and not engine.get("complete", False):
        gaps.append(f"PII engine checked {engine.get('scanned_rows')} of {engine.get('total_rows')} rows "
                    "(all regex suspects plus a sample)")
    for axis, a in metrics.get("representation", {}).get("axes", {}).items():
        if axis in ("gender", "religion", "caste", "zone") and a.get("absent_groups"):
            gaps.append(f"{axis}: no mentions of {', '.join(a['absent_groups'][:8])}")
    if not metrics.get("fairness", {}).get("available"):
        gaps.append("label fairness not assessed: " + metrics.get("fairness", {}).get("reason", "no labels"))
    gaps.append("identity and toxicity detection is lexicon-based (explicit mentions in English, Hindi, Hinglish only)")
    return gaps


def datacard(metrics: dict[str, Any], policy: AuditPolicy, manifest: dict[str, Any] | None,
             lineage: list[dict[str, Any]] | None, columns: set[str]) -> dict[str, Any]:
    m = manifest or {}
    comp = metrics.get("composition", {})
    card: dict[str, Any] = {
        "snapshot": m.get("ref") or (f"{m['name']}@{m['version']}" if "name" in m and "version" in m else None),
        "created_at": m.get("created_at"),
        "rows": comp.get("rows"),
        "content_hash": m.get("content_hash"),
        "text_variant": m.get("text_variant"),
        "selection": m.get("where"),
        "parent": m.get("parent"),
        "code_version": m.get("code_version"),
        "pii_policy_passed": m.get("pii_policy_passed"),
        "held_back_rows": m.get("held_back"),
        "sources": [s["value"] for s in comp.get("sources", [])],
        "languages": [s["value"] for s in comp.get("language", {}).get("lang", [])[:10]],
        "preprocessing": [step for col, step in _SIGNAL_STEPS.items() if col in columns],
        "recipe": m.get("recipe"),
        "owner": policy.datacard.owner,
        "collection": policy.datacard.collection or "not stated in the policy",
        "intended_use": policy.datacard.intended_use or "not stated in the policy",
        "out_of_scope_use": policy.datacard.out_of_scope_use or "not stated in the policy",
        "known_gaps": known_gaps(metrics, policy),
        "lineage": [{k: (str(v) if k == "created_at" else v) for k, v in e.items()} for e in (lineage or [])][:50],
    }
    return card
