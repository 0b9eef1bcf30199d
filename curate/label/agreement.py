"""Inter-annotator agreement: Cohen's kappa (two annotators), Fleiss' kappa (more), span F1 (NER).

Inputs are plain mappings ``item -> {annotator: value}`` so the maths is testable on its own.

* Cohen's kappa over the items both annotators labelled: (p_o - p_e) / (1 - p_e), with p_e from
  each annotator's own label distribution.
* Fleiss' kappa over items with at least two labels; items may have different numbers of raters
  (the per-item agreement P_i = (sum_j n_ij^2 - n_i) / (n_i (n_i - 1)) is averaged), and the chance
  term uses the pooled label proportions.
* Span F1 for NER: for every pair of annotators and every item both labelled, exact matches of
  (start, end, type) are true positives; micro-averaged over items, then averaged over pairs.
  It is symmetric, which is why it is used instead of kappa for spans (there is no fixed item set
  of "non-spans" to count chance agreement on).
"""

from __future__ import annotations

from collections import Counter
from itertools import combinations
from typing import Hashable, Mapping

Ratings = Mapping[Hashable, Mapping[str, Hashable]]


def cohen_kappa(ratings: Ratings, a: str, b: str) -> float | None:
    pairs = [(r[a], r[b]) for r in ratings.values() if a in r and b in r]
    n = len(pairs)
    if n == 0:
        return None
    po = sum(x == y for x, y in pairs) / n
    ca, cb = Counter(x for x, _ in pairs), Counter(y for _, y in pairs)
    pe = sum(ca[k] * cb.get(k, 0) for k in ca) / (n * n)
    if pe >= 1.0:
        return 1.0 if po == 1.0 else 0.0  # every label identical: agreement is perfect but uninformative
    return (po - pe) / (1 - pe)


def fleiss_kappa(ratings: Ratings) -> float | None:
    items = [list(r.values()) for r in ratings.values() if len(r) >= 2]
    if not items:
        return None
    total = Counter()
    p_items = []
    for labels in items:
        c = Counter(labels)
        n = len(labels)
        total.update(c)
        p_items.append((sum(v * v for v in c.values()) - n) / (n * (n - 1)))
    p_bar = sum(p_items) / len(p_items)
    n_all = sum(total.values())
    pe = sum((v / n_all) ** 2 for v in total.values())
    if pe >= 1.0:
        return 1.0 if p_bar == 1.0 else 0.0
    return (p_bar - pe) / (1 - pe)


def span_f1(spans: Mapping[Hashable, Mapping[str, set]]) -> float | None:
    """Mean over annotator pairs of micro F1 of exact span matches on their shared items."""
    annotators = sorted({a for r in spans.values() for a in r})
    scores = []
    for a, b in combinations(annotators, 2):
        tp = fa = fb = 0
        shared = False
        for r in spans.values():
            if a in r and b in r:
                shared = True
                sa, sb = set(r[a]), set(r[b])
                tp += len(sa & sb)
                fa += len(sa - sb)
                fb += len(sb - sa)
        if not shared:
            continue
        denom = 2 * tp + fa + fb
        scores.append(1.0 if denom == 0 else 2 * tp / denom)
    return sum(scores) / len(scores) if scores else None


def agreement(ratings: Ratings, task: str, spans: Mapping[Hashable, Mapping[str, set]] | None = None) -> dict:
    """The agreement numbers for a project: which measure applies depends on the task and annotator count."""
    annotators = sorted({a for r in ratings.values() for a in r})
    overlap = sum(1 for r in ratings.values() if len(r) >= 2)
    out: dict = {"annotators": annotators, "items_with_2plus": overlap}
    if task == "pii":
        out["measure"] = "span_f1"
        out["value"] = span_f1(spans or {})
        # The reject decision is a choice, so kappa applies to it as well.
    if len(annotators) == 2:
        k = cohen_kappa(ratings, *annotators)
        out.setdefault("measure", "cohen_kappa")
        out["cohen_kappa"] = k
    elif len(annotators) > 2:
        k = fleiss_kappa(ratings)
        out.setdefault("measure", "fleiss_kappa")
        out["fleiss_kappa"] = k
    else:
        k = None
    if task != "pii":
        out["value"] = k
    return out
