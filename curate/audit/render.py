"""Render audit metrics as one self-contained HTML file (inline CSS, base64 charts, no scripts, no network)
and as a short Markdown summary.

The HTML comes from Jinja2 templates shipped as package data (``curate/audit/templates``: ``page.html`` the
frame, ``macros.html`` tables/KPIs/badges, ``report.html`` the audit, ``compare.html`` the drift report),
autoescaped; this module computes the charts and hands the metrics to them.
"""

from __future__ import annotations

import html
import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from curate.audit import charts

SECTIONS = ["gates", "composition", "pii", "representation", "association", "fairness", "toxicity", "datacard"]

TEMPLATES = Path(__file__).resolve().parent / "templates"


def esc(v: Any) -> str:
    return html.escape("" if v is None else str(v))


def pct(v: float | None) -> str:
    return "–" if v is None else f"{100 * v:.1f}%"


def num(v: Any) -> str:
    """A value for a table cell: thousands separators for ints, 4 significant digits for floats, – for None."""
    if v is None:
        return "–"
    if isinstance(v, float):
        return f"{v:.4g}"
    if isinstance(v, int):
        return f"{v:,}"
    return str(v)


def _listnum(v: Any) -> str:
    return ", ".join(map(str, v)) if isinstance(v, list) else num(v)


def environment():
    """The Jinja2 environment of the audit pages (templates in ``curate/audit/templates``, autoescaped)."""
    import jinja2

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True,
                             trim_blocks=True, lstrip_blocks=True)
    def defined(fn):  # a key the metrics lack reads as None, as dict.get gave it before the templates
        return lambda v, *a: fn(None if isinstance(v, jinja2.Undefined) else v, *a)

    env.filters.update({
        "num": defined(num), "pct": defined(pct), "listnum": defined(_listnum),
        "pair_num": lambda kv: (kv[0], num(kv[1])),
        "flag_row": lambda f: (f["flag"], num(f["rows"])),
        "example_row": lambda e: (e["doc_id"], num(e["entities"]), ", ".join(e.get("types", [])),
                                  ", ".join(e.get("fields", []))),
        "reference_row": lambda gv: (gv[0], pct(gv[1]["observed"]), pct(gv[1]["expected"]), pct(gv[1]["difference"]),
                                     num(gv[1]["ratio"])),
        "fairness_row": lambda ae: (ae[0], num(len(ae[1]["distribution"])), num(ae[1].get("parity_difference")),
                                    num(ae[1].get("disparate_impact")),
                                    ", ".join(ae[1].get("excluded_small_groups", []))),
        "lexicon_row": lambda kv: (kv[0], num(kv[1]["rows"]), pct(kv[1].get("rate")), json.dumps(kv[1]["by_severity"])),
        "lineage_row": lambda e: (e.get("kind"), e.get("subject"), e.get("parent"), e.get("created_at")),
        "tojson_pretty": lambda v: json.dumps(v, indent=1, ensure_ascii=False, default=str)[:3000],
    })
    return env


def stamp() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


# -- charts per section (PNG, base64): (image, alt text) pairs -----------------------------------------------

def _composition_charts(c: dict[str, Any]) -> list[tuple[str, str]]:
    out = []
    lang = c.get("language", {})
    h = c.get("length_words_histogram")
    if h:
        out.append((charts.histogram(h["edges"], h["counts"], "Length distribution", "words per row"),
                    "length histogram"))
    for key, title, alt, d in (("lang", "Languages", "languages", lang), ("sources", "Sources", "sources", c),
                               ("script", "Scripts", "scripts", lang)):
        if d.get(key):
            shares = d[key]
            out.append((charts.hbar([s["value"] for s in shares], [s["share"] for s in shares], title, percent=True), alt))
    return out


def _pii_charts(p: dict[str, Any]) -> list[tuple[str, str]]:
    by = p.get("anonymized_by_type") or {}
    if not by:
        return []
    return [(charts.hbar(list(by), list(by.values()), "Entities anonymized, by type", "entities"), "anonymized")]


def _representation_charts(r: dict[str, Any]) -> list[tuple[str, str]]:
    out = []
    for axis, a in r.get("axes", {}).items():
        groups = a.get("groups", {})
        if not groups:
            continue
        labels, vals = charts.series_from(groups, "share")
        ref = a.get("reference")
        refs = [ref[g]["expected"] if ref and g in ref else None for g in labels] if ref else None
        if ref:
            missing = [g for g in ref if g not in groups]
            labels += missing
            vals += [0.0] * len(missing)
            refs = (refs or []) + [ref[g]["expected"] for g in missing]
        out.append((charts.hbar(labels, vals, f"{axis}", "share of mentions", ref=refs, percent=True), axis))
    return out


def _association_charts(a: dict[str, Any]) -> list[tuple[str, str]]:
    classes = a.get("classes", [])
    if not classes:
        return []
    rows_ = sorted({f'{c["axis"]}:{c["group"]}' for c in classes})[:30]
    cols_ = sorted({f'{c["category"]}:{c["class"]}' for c in classes})
    val = {(f'{c["axis"]}:{c["group"]}', f'{c["category"]}:{c["class"]}'): c["npmi"] for c in classes}
    return [(charts.heatmap(rows_, cols_, [[val.get((r, c)) for c in cols_] for r in rows_],
                            "Group × attribute class (NPMI)"), "association heatmap")]


def _fairness_charts(f: dict[str, Any]) -> list[tuple[str, str]]:
    out = []
    if not f.get("available"):
        return out
    for axis, e in f.get("axes", {}).items():
        for label, bl in (e.get("by_label") or {}).items():
            if f.get("favorable_label") is None and len(e["by_label"]) > 2:
                continue
            out.append((charts.selection_rates(bl["selection_rate"], f"{axis}: P(label = {label})"), f"{axis} {label}"))
    return out


def _toxicity_charts(t: dict[str, Any]) -> list[tuple[str, str]]:
    by_doc = t.get("by_document_language") or {}
    if not by_doc:
        return []
    return [(charts.hbar(list(by_doc), [v["rate"] for v in by_doc.values()], "Toxic rate by document language",
                         percent=True), "toxicity by language")]


DATACARD_FIELDS = ["snapshot", "created_at", "rows", "content_hash", "text_variant", "selection", "parent",
                   "code_version", "pii_policy_passed", "held_back_rows", "owner", "collection", "intended_use", "out_of_scope_use"]
_TITLES = {"gates": "Policy gates", "composition": "Composition", "pii": "PII", "representation": "Representation",
           "association": "Association", "fairness": "Label fairness", "toxicity": "Toxicity and profanity",
           "datacard": "Data card"}


def render_html(m: dict[str, Any], title: str | None = None) -> str:
    """The audit report of metrics ``m`` as one self-contained HTML page (template ``templates/report.html``)."""
    snap = m.get("datacard", {}).get("snapshot") or "rows"
    status = "PASSED" if m.get("passed") else "FAILED"
    c, d = m.get("composition", {}), m.get("datacard", {})
    chart_sets = {"composition": _composition_charts(c), "pii": _pii_charts(m.get("pii", {})),
                  "representation": _representation_charts(m.get("representation", {})),
                  "association": _association_charts(m.get("association", {})),
                  "fairness": _fairness_charts(m.get("fairness", {})),
                  "toxicity": _toxicity_charts(m.get("toxicity", {}))}
    cells = ("min", "p5", "p50", "p95", "max", "mean")
    return environment().get_template("report.html").render(
        m=m, charts=chart_sets, title=title or f"Audit: {snap}", stamp=stamp(),
        subtitle=f"{status} · {c.get('rows', 0):,} rows · policy {m.get('policy', {}).get('name')}",
        nav=[(sid, _TITLES[sid]) for sid in SECTIONS],
        lc_cells=[num(c.get("length_chars", {}).get(k)) for k in cells],
        lw_cells=[num(c.get("length_words", {}).get(k)) for k in cells],
        datacard_rows=[(k, num(d.get(k))) for k in DATACARD_FIELDS])


def render_markdown(m: dict[str, Any]) -> str:
    c, p, t = m.get("composition", {}), m.get("pii", {}), m.get("toxicity", {})
    lines = [f"# Audit: {m.get('datacard', {}).get('snapshot') or 'rows'}", "",
             f"**{'PASSED' if m.get('passed') else 'FAILED'}** — {c.get('rows', 0):,} rows, {c.get('tokens', 0):,} words.", "",
             "| gate | status | value | threshold |", "|---|---|---|---|"]
    for g in m.get("gates", []):
        lines.append(f"| {g['gate']} | {g['status']} | {g['value']} | {g['threshold']} |")
    langs = ", ".join(f"{s['value']} {pct(s['share'])}" for s in c.get("language", {}).get("lang", [])[:8])
    lines += ["", "## Highlights", f"- languages: {langs or 'no language signal'}",
              f"- residual PII: {p.get('residual')} ({p.get('residual_basis')}); unconfirmed regex suspects: "
              f"{p.get('unconfirmed', 0)}; anonymized: {p.get('anonymized_total', 'n/a')}",
              f"- toxic/profane rows: {t.get('flagged_rows')} ({pct(t.get('rate'))})"]
    for axis, a in m.get("representation", {}).get("axes", {}).items():
        if a.get("groups"):
            top = ", ".join(f"{g} {pct(v['share'])}" for g, v in list(sorted(a["groups"].items(), key=lambda kv: -kv[1]["share"]))[:5])
            lines.append(f"- {axis}: {top}")
    skip = m.get("representation", {}).get("skipped_inserted") or {}
    if skip.get("spans"):
        held = ", ".join(f"{n} {axis}" for axis, n in skip.get("mentions", {}).items())
        lines.append(f"- not counted: {skip['spans']} span(s) the PII stage inserted in {skip['rows']} row(s)"
                     + (f" ({held} mention(s))" if held else ""))
    f = m.get("fairness", {})
    if f.get("available") and f.get("worst_parity_difference"):
        w = f["worst_parity_difference"]
        lines.append(f"- label parity difference (worst): {w['value']:.3f} on {w['axis']}")
    lines += ["", "## Known gaps"] + [f"- {g}" for g in m.get("datacard", {}).get("known_gaps", [])]
    return "\n".join(lines) + "\n"
