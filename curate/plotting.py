"""Figures for reports without touching matplotlib's global backend.

``matplotlib.use("Agg")`` at import time would switch off inline plots for anyone who
imports curate in a notebook; a bare :class:`matplotlib.figure.Figure` renders to PNG
on its own (Agg canvas) and is garbage-collected like any object, no ``plt.close`` needed.
"""

from __future__ import annotations


def new_figure(figsize: tuple[float, float]):
    """A (figure, axes) pair detached from pyplot."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=figsize)
    return fig, fig.add_subplot()
