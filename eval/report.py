"""Evaluation report as JSON (for scripts) and one self-contained HTML file (for people).

The HTML (Jinja2 template ``eval/templates/eval.html``, shipped as package data) embeds its chart as a
base64 PNG and has no external assets, so it can be mailed or attached to a ticket as is.  Every value
is escaped (autoescape).
"""

from __future__ import annotations

import base64
import io
import json
from pathlib import Path

CHART_METRICS = ("token_f1", "rouge_l", "chrf", "exact_match", "format_adherence")


def _fmt(v) -> str:
    """A metric for the page: 4 decimals (4 significant digits from 1000 on), – for None; escaped by the template."""
    if v is None:
        return "–"
    if isinstance(v, float):
        return f"{v:.4f}" if abs(v) < 1000 else f"{v:.4g}"
    return str(v)


def chart_png(report: dict) -> str:
    """Base vs adapter per language (first available text metric), as a base64 PNG."""
    from curate.plotting import new_figure

    overall = report["metrics"]["overall"]["adapter"]
    metric = next((m for m in CHART_METRICS if overall.get(m) is not None), "loss")
    groups = ["overall"] + report["languages"]
    base = [report["metrics"][g]["base"].get(metric) or 0.0 for g in groups]
    tuned = [report["metrics"][g]["adapter"].get(metric) or 0.0 for g in groups]
    fig, ax = new_figure((max(4, 1.2 * len(groups) + 2), 3.2))
    xs = range(len(groups))
    ax.bar([x - 0.2 for x in xs], base, width=0.4, label="base")
    ax.bar([x + 0.2 for x in xs], tuned, width=0.4, label="adapter")
    ax.set_xticks(list(xs), groups)
    ax.set_ylabel(metric)
    ax.set_title(f"{metric}: base vs adapter")
    ax.legend()
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=90)
    return base64.b64encode(buf.getvalue()).decode()


def render_html(report: dict) -> str:
    """The report as one self-contained HTML page (template ``eval/templates/eval.html``, autoescaped)."""
    from eval.privacy_report import _env

    env = _env()
    env.filters["fmt"] = _fmt
    return env.get_template("eval.html").render(
        report=report, run=report.get("run", {}), groups=["overall"] + report["languages"],
        metric_names=list(report["metrics"]["overall"]["adapter"]), chart=chart_png(report))


def write_report(report: dict, out_dir: str | Path) -> dict[str, str]:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    jpath, hpath = out / "eval.json", out / "eval.html"
    jpath.write_text(json.dumps(report, indent=2, ensure_ascii=False, default=str))
    hpath.write_text(render_html(report))
    paths = {"json": str(jpath), "html": str(hpath)}
    if report.get("privacy"):
        from eval.privacy_report import write_privacy

        paths.update(write_privacy(report, out))
    return paths
