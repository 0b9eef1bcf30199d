"""HTML pages for the extraction evaluation and the raw-vs-curated comparison (Jinja2, self-contained).

Templates live in ``eval/templates`` with autoescaping on; charts are embedded as base64 PNGs,
so a page has no external assets and can be attached to a ticket.  The inputs are the
reports of :mod:`eval.extraction`, which carry counts, rates, hashes and doc ids only: no
raw value can reach a page.
"""

from __future__ import annotations

import base64
import io
import json
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parent / "templates"


def _env():
    import jinja2

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["pct"] = lambda v: "–" if v is None else f"{100 * v:.1f}%"
    env.filters["num"] = lambda v, d=3: "–" if v is None else (f"{v:.{d}f}" if isinstance(v, float) else str(v))
    env.filters["ci"] = lambda c: "–" if not c or c[0] is None else f"[{100 * c[0]:.1f}, {100 * c[1]:.1f}]%"
    return env


def _png(fig) -> str:
    buf = io.BytesIO()
    fig.tight_layout()
    fig.savefig(buf, format="png", dpi=90)
    return base64.b64encode(buf.getvalue()).decode()


def exposure_chart(canaries: dict) -> str | None:
    """Exposure (bits) against planted copies, base and adapter, one marker per canary type."""
    items = [it for it in canaries["items"] if it["probed"]]
    if not items:
        return None
    from curate.plotting import new_figure

    fig, ax = new_figure((6.5, 3.6))
    markers = {"aadhaar": "o", "pan": "s", "phone": "^"}
    for variant, colour in (("base", "#888888"), ("adapter", "#b00020")):
        for kind in sorted({it["type"] for it in items}):
            pts = sorted((it["copies_found"], it[variant]["exposure"]) for it in items
                         if it["type"] == kind and it[variant]["exposure"] is not None)
            if pts:
                ax.plot(*zip(*pts), marker=markers.get(kind, "x"), color=colour, alpha=0.8,
                        label=f"{variant} · {kind}")
    ax.axhline(canaries["max_exposure"], ls=":", color="#444444", lw=1)
    ax.set_xscale("log", base=2)
    ax.set_xlabel("copies in the raw sources")
    ax.set_ylabel("exposure (bits)")
    ax.set_title(f"canary exposure (max {canaries['max_exposure']:.2f} bits = log2({canaries['candidates']}+1))")
    ax.legend(fontsize=7, ncol=2)
    return _png(fig)


def copies_chart(privacy: dict) -> str | None:
    """Share of PII values and duplicated records reproduced by the adapter, by number of raw copies."""
    pii = privacy["pii"]["by_copies"]
    dup = privacy["duplicates"]["duplicated"]["by_copies"]
    if not pii and not dup:
        return None
    from curate.plotting import new_figure

    from eval.extraction import BUCKET_ORDER

    fig, ax = new_figure((6.5, 3.2))
    xs = list(range(len(BUCKET_ORDER)))
    for off, (name, table) in ((-0.2, ("PII values", pii)), (0.2, ("duplicated records", dup))):
        ax.bar([x + off for x in xs], [100 * ((table.get(b) or {}).get("adapter", {}).get("rate") or 0)
                                       for b in BUCKET_ORDER], width=0.4, label=name)
    ax.set_xticks(xs, BUCKET_ORDER)
    ax.set_xlabel("copies in the raw sources")
    ax.set_ylabel("% reproduced by the adapter")
    ax.legend(fontsize=8)
    return _png(fig)


def render_privacy(report: dict) -> str:
    """The extraction-evaluation page of an eval report (``report["privacy"]`` must be present)."""
    p = report["privacy"]
    return _env().get_template("privacy.html").render(
        run=report.get("run", {}), privacy=p, gates=[g for g in report.get("gates", [])],
        warnings=report.get("warnings", []), exposure_png=exposure_chart(p["canaries"]) if p.get("canaries") else None,
        copies_png=copies_chart(p))


def write_privacy(report: dict, out_dir: str | Path) -> dict[str, str]:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    jpath, hpath = out / "privacy.json", out / "privacy.html"
    jpath.write_text(json.dumps(report["privacy"], indent=2, ensure_ascii=False, default=str))
    hpath.write_text(render_privacy(report), encoding="utf-8")
    return {"privacy_json": str(jpath), "privacy_html": str(hpath)}


def comparison_chart(results: dict) -> str | None:
    """Canary exposure against copies, raw run vs curated run (mean over seeds)."""
    from curate.plotting import new_figure

    curves = results.get("exposure_curve") or {}
    if not curves:
        return None
    fig, ax = new_figure((6.5, 3.6))
    for cond, colour in (("raw", "#b00020"), ("curated", "#176117")):
        pts = sorted((int(k), v["mean"]) for k, v in (curves.get(cond) or {}).items())
        if pts:
            ax.plot(*zip(*pts), marker="o", color=colour, label=cond)
    ax.set_xscale("log", base=2)
    ax.set_xlabel("planted copies")
    ax.set_ylabel("adapter exposure (bits)")
    ax.set_title("canary exposure: raw vs curated (mean over seeds)")
    ax.legend()
    return _png(fig)


def render_comparison(results: dict) -> str:
    """The raw-vs-curated page of ``benchmarks/curation_pays.py``'s results."""
    return _env().get_template("comparison.html").render(r=results, exposure_png=comparison_chart(results))
