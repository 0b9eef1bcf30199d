"""Evaluate the policy gates over the computed metrics. A gate whose data is missing is 'skipped' with the
reason (never silently passed), except residual PII, which always has a value (see metrics.pii)."""

from __future__ import annotations

from typing import Any

from curate.audit.policy import AuditPolicy


def _gate(name: str, passed: bool | None, value: Any, threshold: Any, detail: str = "") -> dict[str, Any]:
    status = "skipped" if passed is None else ("pass" if passed else "fail")
    return {"gate": name, "status": status, "value": value, "threshold": threshold, "detail": detail}


def evaluate_gates(metrics: dict[str, Any], policy: AuditPolicy) -> list[dict[str, Any]]:
    g = policy.gates
    out: list[dict[str, Any]] = []
    comp = metrics.get("composition", {})
    if g.max_residual_pii is not None:
        pii = metrics.get("pii", {})
        v = pii.get("residual", 0)
        out.append(_gate("max_residual_pii", v <= g.max_residual_pii, v, g.max_residual_pii, pii.get("residual_basis", "")))
    if g.max_unconfirmed_pii is not None:
        v = metrics.get("pii", {}).get("unconfirmed", 0)
        out.append(_gate("max_unconfirmed_pii", v <= g.max_unconfirmed_pii, v, g.max_unconfirmed_pii,
                         "regex suspects no detector confirmed"))
    if g.max_toxicity_rate is not None:
        v = metrics.get("toxicity", {}).get("rate", 0.0)
        out.append(_gate("max_toxicity_rate", v <= g.max_toxicity_rate, round(v, 6), g.max_toxicity_rate))
    if g.max_duplicate_rate is not None:
        d = comp.get("duplicates")
        if d is None:
            out.append(_gate("max_duplicate_rate", None, None, g.max_duplicate_rate, "no dedup signal (dup_keep)"))
        else:
            out.append(_gate("max_duplicate_rate", d["rate"] <= g.max_duplicate_rate, round(d["rate"], 6), g.max_duplicate_rate))
    if g.max_quality_flag_rate is not None:
        q = comp.get("quality", {})
        if "rate" not in q:
            out.append(_gate("max_quality_flag_rate", None, None, g.max_quality_flag_rate, "no quality signal (quality_ok)"))
        else:
            out.append(_gate("max_quality_flag_rate", q["rate"] <= g.max_quality_flag_rate, round(q["rate"], 6), g.max_quality_flag_rate))
    axes = metrics.get("representation", {}).get("axes", {})
    for axis, thr in sorted(g.min_group_share.items()):
        a = axes.get(axis)
        if a is None or not a["groups"] and axis not in policy.reference:
            out.append(_gate(f"min_group_share[{axis}]", None, None, thr, f"no rows mention axis '{axis}'"))
            continue
        groups = list(policy.reference.get(axis) or a["groups"])
        shares = {grp: a["groups"].get(grp, {}).get("share", 0.0) for grp in groups}
        low = sorted(grp for grp, s in shares.items() if s < thr)
        worst = min(shares.items(), key=lambda kv: kv[1]) if shares else (None, 0.0)
        out.append(_gate(f"min_group_share[{axis}]", not low, round(worst[1], 6), thr,
                         f"below: {', '.join(low)}" if low else f"lowest: {worst[0]}"))
    if g.max_reference_deviation is not None:
        for axis in sorted(policy.reference):
            v = axes.get(axis, {}).get("reference_tvd", 1.0)
            out.append(_gate(f"max_reference_deviation[{axis}]", v <= g.max_reference_deviation, round(v, 6),
                             g.max_reference_deviation, "total-variation distance to the reference"))
    fair = metrics.get("fairness", {})
    for name, key, thr, ok in (("max_parity_difference", "worst_parity_difference", g.max_parity_difference, lambda v, t: v <= t),
                               ("min_disparate_impact", "worst_disparate_impact", g.min_disparate_impact, lambda v, t: v >= t)):
        if thr is None:
            continue
        w = fair.get(key) if fair.get("available") else None
        if w is None:
            out.append(_gate(name, None, None, thr, fair.get("reason") or "fewer than two groups with enough labelled rows"))
        else:
            out.append(_gate(name, ok(w["value"], thr), round(w["value"], 6), thr, f"axis: {w['axis']}"))
    if g.required_languages:
        langs = {s["value"]: s["share"] for s in comp.get("language", {}).get("lang", [])}
        if not langs:
            out.append(_gate("required_languages", None, None, g.required_languages, "no language signal (lang)"))
        else:
            missing = [l for l in g.required_languages if langs.get(l, 0.0) <= g.min_language_share or l not in langs]
            out.append(_gate("required_languages", not missing, sorted(langs), g.required_languages,
                             f"missing: {', '.join(missing)}" if missing else ""))
    drift = metrics.get("drift")
    if g.max_language_drift is not None and drift is not None:
        v = drift.get("language_tvd")
        out.append(_gate("max_language_drift", None if v is None else v <= g.max_language_drift,
                         None if v is None else round(v, 6), g.max_language_drift))
    return out


def failed(gates: list[dict[str, Any]]) -> list[str]:
    return [g["gate"] for g in gates if g["status"] == "fail"]
