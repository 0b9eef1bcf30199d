"""Confidence intervals for evaluation metrics, so small samples are stated honestly.

Percentile bootstrap (Efron & Tibshirani 1993, ch. 13): resample the items with replacement
``n_boot`` times, recompute the statistic, take the 2.5% and 97.5% quantiles.  Deterministic
for a seed.  Ratios of sums (token-weighted loss) resample numerator and denominator together;
paired differences (adapter - base) resample the same items for both.  For a proportion of
k/n the bootstrap collapses to a point at 0 or 1, which overstates certainty on small
samples, so :func:`rate_interval` uses the Wilson score interval (Wilson 1927) instead.
"""

from __future__ import annotations

import math
from typing import Sequence

MIN_SAMPLES = 30  # below this, a gate decision is reported with a small-sample warning


def _indices(n: int, n_boot: int, seed: int):
    import numpy as np

    return np.random.default_rng(seed).integers(0, n, size=(n_boot, n))


def _quantiles(stats) -> tuple[float, float]:
    import numpy as np

    lo, hi = np.quantile(stats, [0.025, 0.975])
    return float(lo), float(hi)


def bootstrap_ci(values: Sequence[float], n_boot: int = 1000, seed: int = 0,
                 weights: Sequence[float] | None = None) -> tuple[float | None, float | None]:
    """95% percentile-bootstrap interval of the mean of ``values`` (or of sum(values)/sum(weights)).

    (None, None) when there are no values or ``n_boot`` is 0.
    """
    import numpy as np

    v = np.asarray([x for x in values], dtype=float)
    if v.size == 0 or n_boot <= 0:
        return None, None
    idx = _indices(v.size, n_boot, seed)
    if weights is None:
        stats = v[idx].mean(axis=1)
    else:
        w = np.asarray(weights, dtype=float)
        den = w[idx].sum(axis=1)
        stats = v[idx].sum(axis=1) / np.where(den == 0, np.nan, den)
        stats = stats[~np.isnan(stats)]
        if stats.size == 0:
            return None, None
    return _quantiles(stats)


def rate_interval(k: int, n: int, z: float = 1.959964) -> tuple[float | None, float | None]:
    """Wilson 95% interval for k successes in n trials; (None, None) when n == 0."""
    if n <= 0:
        return None, None
    p = k / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


def small_sample_warning(n: int, what: str, minimum: int = MIN_SAMPLES) -> str | None:
    if n < minimum:
        return (f"only {n} {what} (< {minimum}): metrics and gate decisions rest on a small sample; "
                "read the confidence intervals")
    return None


def paired_bootstrap(a: Sequence[float], b: Sequence[float], n_boot: int = 1000, seed: int = 0,
                     wa: Sequence[float] | None = None, wb: Sequence[float] | None = None) -> dict:
    """95% intervals of mean(a), mean(b) and mean(a) - mean(b) from the same resampled items.

    With weights, each mean is sum(x)/sum(w) (token-weighted loss).  Returns
    ``{"a": [lo, hi], "b": [lo, hi], "diff": [lo, hi]}`` (None bounds when empty or n_boot is 0).
    """
    import numpy as np

    n = len(a)
    if n == 0 or n_boot <= 0 or len(b) != n:
        return {"a": [None, None], "b": [None, None], "diff": [None, None]}
    idx = _indices(n, n_boot, seed)

    def means(x, w):
        x = np.asarray(x, dtype=float)
        if w is None:
            return x[idx].mean(axis=1)
        den = np.asarray(w, dtype=float)[idx].sum(axis=1)
        return x[idx].sum(axis=1) / np.where(den == 0, np.nan, den)

    ma, mb = means(a, wa), means(b, wb)
    out = {}
    for name, s in (("a", ma), ("b", mb), ("diff", ma - mb)):
        s = s[~np.isnan(s)]
        out[name] = list(_quantiles(s)) if s.size else [None, None]
    return out
