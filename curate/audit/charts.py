"""Matplotlib charts rendered to base64 PNG so the HTML report is one self-contained file."""

from __future__ import annotations

import base64
import io
import warnings
from typing import Any

import matplotlib.ticker

from curate.plotting import new_figure

PALETTE = ["#2f6db5", "#e07b39", "#3a9d5d", "#b83b5e", "#7a5cb8", "#8c8c8c", "#c9a227", "#2aa1a8"]


def _png(fig) -> str:
    buf = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # missing glyphs for Indic labels only degrade the label
        fig.savefig(buf, format="png", dpi=90, bbox_inches="tight")
    return base64.b64encode(buf.getvalue()).decode("ascii")


def _style(ax) -> None:
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.grid(axis="x", alpha=0.3)
    ax.set_axisbelow(True)


def hbar(labels: list[str], values: list[float], title: str, xlabel: str = "", ref: list[float | None] | None = None,
         percent: bool = False, top: int = 20) -> str:
    labels, values = labels[:top][::-1], values[:top][::-1]
    fig, ax = new_figure((6.2, 0.32 * max(3, len(labels)) + 0.9))
    ax.barh(labels, values, color=PALETTE[0], label="observed")
    if ref:
        r = ref[:top][::-1]
        ys = [i for i, v in enumerate(r) if v is not None]
        ax.scatter([r[i] for i in ys], ys, color=PALETTE[1], marker="D", zorder=3, label="reference")
        ax.legend(loc="lower right", fontsize=8, frameon=False)
    if percent:
        ax.xaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0))
    ax.set_title(title, fontsize=11, loc="left")
    ax.set_xlabel(xlabel)
    ax.tick_params(labelsize=8)
    _style(ax)
    return _png(fig)


def histogram(edges: list[int], counts: list[int], title: str, xlabel: str) -> str:
    """A histogram as a PNG data URI (see :func:`histogram_figure`)."""
    return _png(histogram_figure(edges, counts, title, xlabel))


def histogram_figure(edges: list[int], counts: list[int], title: str, xlabel: str):
    """The figure of a histogram with bins ``edges`` (ascending, ≥ 1) and ``counts``; the x axis is logarithmic when
    the bins reach past 20, and then (only then) the label says so (``xlabel (log scale)``)."""
    fig, ax = new_figure((6.2, 2.8))
    ax.bar(edges[:-1], counts, width=[b - a for a, b in zip(edges[:-1], edges[1:])], align="edge",
           color=PALETTE[0], edgecolor="white")
    if edges and edges[-1] > 20:
        ax.set_xscale("log")
        xlabel = f"{xlabel} (log scale)"
    ax.set_title(title, fontsize=11, loc="left")
    ax.set_xlabel(xlabel)
    ax.set_ylabel("rows")
    _style(ax)
    return fig


def heatmap(rows: list[str], cols: list[str], values: list[list[float | None]], title: str) -> str:
    import numpy as np

    data = np.array([[np.nan if v is None else v for v in r] for r in values], dtype=float)
    fig, ax = new_figure((1.2 + 0.9 * len(cols), 0.8 + 0.32 * len(rows)))
    im = ax.imshow(data, cmap="RdBu_r", vmin=-1, vmax=1, aspect="auto")
    ax.set_xticks(range(len(cols)), cols, rotation=35, ha="right", fontsize=8)
    ax.set_yticks(range(len(rows)), rows, fontsize=8)
    for i in range(len(rows)):
        for j in range(len(cols)):
            if not np.isnan(data[i, j]):
                ax.text(j, i, f"{data[i, j]:.2f}", ha="center", va="center", fontsize=7)
    fig.colorbar(im, ax=ax, fraction=0.04, label="NPMI")
    ax.set_title(title, fontsize=11, loc="left")
    return _png(fig)


def grouped(labels: list[str], series: dict[str, list[float]], title: str, percent: bool = True, top: int = 20) -> str:
    labels = labels[:top]
    fig, ax = new_figure((6.2, 0.42 * max(3, len(labels)) + 0.9))
    h = 0.8 / max(1, len(series))
    for k, (name, vals) in enumerate(series.items()):
        ax.barh([i + k * h for i in range(len(labels))], vals[:top], height=h, label=name, color=PALETTE[k % len(PALETTE)])
    ax.set_yticks([i + h * (len(series) - 1) / 2 for i in range(len(labels))], labels, fontsize=8)
    ax.invert_yaxis()
    if percent:
        ax.xaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0))
    ax.legend(fontsize=8, frameon=False, loc="lower right")
    ax.set_title(title, fontsize=11, loc="left")
    _style(ax)
    return _png(fig)


def selection_rates(rates: dict[str, float], title: str) -> str:
    return hbar(list(rates), list(rates.values()), title, "selection rate", percent=True)


def series_from(d: dict[str, Any], key: str) -> tuple[list[str], list[float]]:
    items = sorted(d.items(), key=lambda kv: -kv[1][key])
    return [k for k, _ in items], [v[key] for _, v in items]
