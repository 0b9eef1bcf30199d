"""Evaluation report as JSON (for scripts) and one self-contained HTML file (for people).

The HTML embeds its chart as a base64 PNG and has no external assets, so it can be
mailed or attached to a ticket as is.  Every value is escaped.
"""

from __future__ import annotations

import base64
import html
import io
import json
from pathlib import Path

CHART_METRICS = ("token_f1", "rouge_l", "chrf", "exact_match", "format_adherence")


def _fmt(v) -> str:
    if v is None:
        return "–"
    if isinstance(v, float):
        return f"{v:.4f}" if abs(v) < 1000 else f"{v:.4g}"
    return html.escape(str(v))


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
    e = html.escape
    groups = ["overall"] + report["languages"]
    metric_names = list(report["metrics"]["overall"]["adapter"])
    rows = []
    for g in groups:
        m = report["metrics"][g]
        for variant in ("base", "adapter"):
            cells = "".join(f"<td>{_fmt(m[variant].get(k))}</td>" for k in metric_names)
            rows.append(f"<tr><td>{e(g)}</td><td>{m['n']}</td><td>{variant}</td>{cells}</tr>")
    head = "".join(f"<th>{e(k)}</th>" for k in metric_names)
    samples = "".join(
        f"<tr><td>{e(s['lang'])}</td><td>{e(s['prompt'])}</td><td>{e(s['reference'])}</td>"
        f"<td>{e(s['base'])}</td><td>{e(s['adapter'])}</td></tr>" for s in report["samples"])
    gates = "".join(f"<li class={'pass' if g['passed'] else 'fail'}>{e(g['gate'])}: value {_fmt(g['value'])} "
                    f"({'passed' if g['passed'] else 'FAILED'})</li>" for g in report.get("gates", []))
    fg = report.get("forgetting")
    forgetting = (f"<p>Reference text ({fg['tokens']} tokens): perplexity base {_fmt(fg['base_perplexity'])}, "
                  f"adapter {_fmt(fg['adapter_perplexity'])}, change {_fmt(fg['perplexity_increase'])}</p>"
                  if fg else "<p>No reference text given (--reference FILE).</p>")
    run = report.get("run", {})
    warnings = "".join(f"<p class=fail>warning: {e(w)}</p>" for w in report.get("warnings", []) + report.get("notes", []))
    return f"""<!doctype html><html><head><meta charset="utf-8"><title>curate eval {e(str(run.get('run_id', '')))}</title>
<style>body{{font-family:system-ui,sans-serif;margin:2em;max-width:1200px}}table{{border-collapse:collapse;margin:1em 0}}
td,th{{border:1px solid #ccc;padding:4px 8px;font-size:13px;vertical-align:top}}th{{background:#f3f3f3}}
.pass{{color:#176117}}.fail{{color:#b00020;font-weight:bold}}td{{white-space:pre-wrap;overflow-wrap:anywhere;max-width:28em}}</style></head><body>
<h1>Evaluation: {e(str(run.get('run_id', 'adapter')))}</h1>
<p>Snapshot {e(str(run.get('snapshot_ref', '')))} · split <b>{e(report['split'])}</b> · {report['n_items']} items ·
mode {e(report['mode'])} · device {e(report['device'])} · structured keys {e(str(report['structured_keys']))}</p>
<h2>Gates</h2><ul>{gates or '<li>none requested</li>'}</ul>{warnings}
<img alt="chart" src="data:image/png;base64,{chart_png(report)}">
<h2>Metrics per language</h2>
<table><tr><th>language</th><th>n</th><th>model</th>{head}</tr>{''.join(rows)}</table>
<h2>Forgetting check</h2>{forgetting}
<h2>Side-by-side samples</h2>
<table><tr><th>lang</th><th>prompt</th><th>reference</th><th>base</th><th>adapter</th></tr>{samples}</table>
</body></html>"""


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
