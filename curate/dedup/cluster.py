"""Connected components and keeper choice, vectorised with numpy.

Components: label propagation with pointer jumping.  Every node starts as its own label;
each round pushes the smaller label of every edge to both ends *and* to both ends' current
roots, then jumps pointers until each label is a root.  Labels only decrease, so it ends,
and a chain of length L needs about log2(L) rounds.  The final label is the smallest index
in the component, which makes the result independent of edge order.
"""

from __future__ import annotations

import numpy as np


def components(n: int, u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Component label (smallest member index) for each of ``n`` nodes given edges (u, v)."""
    labels = np.arange(n, dtype=np.int64)
    if len(u) == 0:
        return labels
    u = np.asarray(u, np.int64)
    v = np.asarray(v, np.int64)
    while True:
        lu, lv = labels[u], labels[v]
        m = np.minimum(lu, lv)
        new = labels.copy()
        for idx in (u, v, lu, lv):
            np.minimum.at(new, idx, m)
        while True:  # pointer jumping: every label points at a root
            nxt = new[new]
            if np.array_equal(nxt, new):
                break
            new = nxt
        if np.array_equal(new, labels):
            return labels
        labels = new


def choose_keepers(labels: np.ndarray, sort_keys: list[np.ndarray]) -> np.ndarray:
    """Index of the keeper of each node's component: the member that sorts first by ``sort_keys``.

    ``sort_keys`` are listed most significant first; the caller ends them with a unique key
    (the input position) so the choice is total and deterministic.
    """
    order = np.lexsort([*reversed(sort_keys), labels])  # lexsort: last key is the primary one
    sorted_labels = labels[order]
    first = np.ones(len(order), bool)
    first[1:] = sorted_labels[1:] != sorted_labels[:-1]
    keeper_of_label = np.empty(len(labels), np.int64)
    keeper_of_label[sorted_labels[first]] = order[first]
    return keeper_of_label[labels]
