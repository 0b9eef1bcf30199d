"""Drift between two audits (e.g. new production data against the training snapshot): the difference of every
metric, with total-variation distance (TVD) for each distribution so one number says how far it moved."""

from __future__ import annotations

from typing import Any

from curate.audit import charts
from curate.audit.metrics.representation import tvd
from curate.audit import render as R


def _dist(entries: list[dict[str, Any]]) -> dict[str, float]:
    return {e["value"]: e["share"] for e in entries}


def _shift(a: dict[str, float], b: dict[str, float]) -> list[dict[str, Any]]:
    keys = sorted(set(a) | set(b), key=lambda k: -max(a.get(k, 0.0), b.get(k, 0.0)))
    return [{"value": k, "a": a.get(k, 0.0), "b": b.get(k, 0.0), "delta": b.get(k, 0.0) - a.get(k, 0.0)} for k in keys]


def _delta(a: Any, b: Any) -> dict[str, Any]:
    d = (b - a) if isinstance(a, (int, float)) and isinstance(b, (int, float)) else None
    return {"a": a, "b": b, "delta": d}


def compare_metrics(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    ca, cb = a.get("composition", {}), b.get("composition", {})
    out: dict[str, Any] = {"a": a.get("datacard", {}).get("snapshot"), "b": b.get("datacard", {}).get("snapshot")}
    out["composition"] = {k: _delta(ca.get(k), cb.get(k)) for k in ("rows", "tokens", "characters")}
    out["composition"]["median_words"] = _delta(ca.get("length_words", {}).get("p50"), cb.get("length_words", {}).get("p50"))
    out["composition"]["duplicate_rate"] = _delta(ca.get("duplicates", {}).get("rate"), cb.get("duplicates", {}).get("rate"))
    out["composition"]["quality_flag_rate"] = _delta(ca.get("quality", {}).get("rate"), cb.get("quality", {}).get("rate"))
    # Which policy judged B, and how the rows held back from each snapshot changed (by the reason that left them out).
    out["policy"] = (b.get("policy") or {}).get("name") or (a.get("policy") or {}).get("name")
    out["held_back"] = _delta(a.get("datacard", {}).get("held_back_rows"), b.get("datacard", {}).get("held_back_rows"))
    lo_a, lo_b = ca.get("removed") or {}, cb.get("removed") or {}
    out["left_out"] = {r: _delta(lo_a.get(r, 0), lo_b.get(r, 0)) for r in sorted(set(lo_a) | set(lo_b))}
    sa, sb = _dist(ca.get("sources", [])), _dist(cb.get("sources", []))
    out["sources"] = {"shift": _shift(sa, sb), "tvd": tvd(sa, sb)}
    la, lb = ca.get("language", {}), cb.get("language", {})
    for key in ("lang", "script"):
        da, db = _dist(la.get(key, [])), _dist(lb.get(key, []))
        out[f"{key}_shift"] = _shift(da, db)
        out[f"{key}_tvd"] = tvd(da, db) if (da or db) else None
    out["language_tvd"] = out.pop("lang_tvd")
    for key in ("romanized", "codemixed"):
        out[key] = _delta((la.get(key) or {}).get("share"), (lb.get(key) or {}).get("share"))
    axes: dict[str, Any] = {}
    ra, rb = a.get("representation", {}).get("axes", {}), b.get("representation", {}).get("axes", {})
    for axis in sorted(set(ra) | set(rb)):
        ga = {g: v["share"] for g, v in ra.get(axis, {}).get("groups", {}).items()}
        gb = {g: v["share"] for g, v in rb.get(axis, {}).get("groups", {}).items()}
        if not ga and not gb:
            continue
        axes[axis] = {"shift": _shift(ga, gb), "tvd": tvd(ga, gb) if ga and gb else 1.0,
                      "coverage": _delta(ra.get(axis, {}).get("coverage"), rb.get(axis, {}).get("coverage"))}
    out["representation"] = axes
    pa_, pb = a.get("pii", {}), b.get("pii", {})
    types = sorted(set(pa_.get("anonymized_by_type", {})) | set(pb.get("anonymized_by_type", {})))
    out["pii"] = {"residual": _delta(pa_.get("residual"), pb.get("residual")),
                  "anonymized_by_type": {t: _delta(pa_.get("anonymized_by_type", {}).get(t, 0), pb.get("anonymized_by_type", {}).get(t, 0)) for t in types}}
    ta, tb = a.get("toxicity", {}), b.get("toxicity", {})
    langs = sorted(set(ta.get("by_document_language", {})) | set(tb.get("by_document_language", {})))
    out["toxicity"] = {"rate": _delta(ta.get("rate"), tb.get("rate")),
                       "by_document_language": {l: _delta(ta.get("by_document_language", {}).get(l, {}).get("rate"),
                                                          tb.get("by_document_language", {}).get(l, {}).get("rate")) for l in langs}}
    fa, fb = a.get("fairness", {}), b.get("fairness", {})
    fair_axes = sorted(set(fa.get("axes", {})) | set(fb.get("axes", {})))
    out["fairness"] = {ax: {"parity_difference": _delta(fa.get("axes", {}).get(ax, {}).get("parity_difference"),
                                                        fb.get("axes", {}).get(ax, {}).get("parity_difference")),
                            "disparate_impact": _delta(fa.get("axes", {}).get(ax, {}).get("disparate_impact"),
                                                       fb.get("axes", {}).get(ax, {}).get("disparate_impact"))}
                       for ax in fair_axes}
    # Association drift: pairs whose NPMI moved most (present in either audit's class table).
    ka = {(c["axis"], c["group"], c["category"], c["class"]): c["npmi"] for c in a.get("association", {}).get("classes", [])}
    kb = {(c["axis"], c["group"], c["category"], c["class"]): c["npmi"] for c in b.get("association", {}).get("classes", [])}
    moved = [{"pair": f"{k[0]}:{k[1]} ~ {k[2]}:{k[3]}", "a": ka.get(k), "b": kb.get(k),
              "delta": (kb[k] - ka[k]) if k in ka and k in kb else None} for k in set(ka) | set(kb)]
    moved.sort(key=lambda e: -(abs(e["delta"]) if e["delta"] is not None else 2.0))
    out["association"] = moved[:20]
    return out


def render_compare_html(drift: dict[str, Any], gates: list[dict[str, Any]] | None = None) -> str:
    """The drift report (template ``templates/compare.html``): one self-contained HTML page."""
    a, b = drift.get("a") or "A", drift.get("b") or "B"
    env = R.environment()
    env.filters.update({
        "apply": lambda v, name: R.pct(v) if name == "pct" else R.num(v),
        "delta_row": lambda kv: (kv[0], kv[1], kv[0].endswith("rate")),
        "anonymized_row": lambda kv: (f"anonymized {kv[0]}", kv[1], False),
        "left_out_row": lambda kv: (f"left out: {kv[0]}", kv[1], False),
        "rate_row": lambda kv: (kv[0], kv[1], True),
        "tvd_row": lambda kv: (kv[0], R.pct(kv[1]["tvd"])),
        "shift_row": lambda s: (s["value"], R.pct(s["a"]), R.pct(s["b"]), R.pct(s["delta"])),
        "assoc_row": lambda e: (e["pair"], R.num(e["a"]), R.num(e["b"]), R.num(e["delta"])),
    })

    def grouped(shift: list[dict], title: str) -> str:
        series = {a: [s["a"] for s in shift], b: [s["b"] for s in shift]}
        return charts.grouped([s["value"] for s in shift], series, title)

    chart_sets = {
        "language": [(grouped(drift["lang_shift"], "Language mix"), "language mix")] if drift.get("lang_shift") else [],
        "representation": [(grouped(v["shift"], f"{axis} (TVD {100 * v['tvd']:.1f}%)"), axis)
                           for axis, v in drift["representation"].items()]}
    lang_flags = [(k, drift[k].get("a"), drift[k].get("b")) for k in ("romanized", "codemixed")
                  if drift.get(k, {}).get("a") is not None or drift.get(k, {}).get("b") is not None]
    nav = [("drift-summary", "Drift summary"), ("drift-composition", "Composition"), ("drift-language", "Language"),
           ("drift-representation", "Representation"), ("drift-pii", "PII"), ("drift-toxicity", "Toxicity"),
           ("drift-fairness", "Label fairness"), ("drift-association", "Association")]
    return env.get_template("compare.html").render(
        drift=drift, a=a, b=b, gates=gates, charts=chart_sets, lang_flags=lang_flags, nav=nav,
        title=f"Drift: {a} → {b}", subtitle="differences of every audit metric", stamp=R.stamp())


def render_compare_markdown(drift: dict[str, Any], gates: list[dict[str, Any]] | None = None) -> str:
    a, b = drift.get("a") or "A", drift.get("b") or "B"
    lines = [f"# Drift: {a} → {b}", "", f"- policy: {drift.get('policy') or 'default'}",
             f"- language mix TVD: {R.pct(drift.get('language_tvd'))}",
             f"- rows: {drift['composition']['rows']['a']} → {drift['composition']['rows']['b']}",
             f"- held back: {drift['held_back']['a']} → {drift['held_back']['b']}",
             f"- residual PII: {drift['pii']['residual']['a']} → {drift['pii']['residual']['b']}",
             f"- toxic rate: {R.pct(drift['toxicity']['rate']['a'])} → {R.pct(drift['toxicity']['rate']['b'])}"]
    lines += [f"- left out ({r}): {d['a']} → {d['b']}" for r, d in drift["left_out"].items()]
    for axis, v in drift["representation"].items():
        lines.append(f"- {axis} TVD: {R.pct(v['tvd'])}")
    if gates:
        lines += ["", "| gate on B | status | value |", "|---|---|---|"] + [f"| {g['gate']} | {g['status']} | {g['value']} |" for g in gates]
    return "\n".join(lines) + "\n"
