import numpy as np

from curate.dedup.cluster import choose_keepers, components


def test_components_chain_and_edge_order_independence():
    u = np.array([5, 3, 1, 7])
    v = np.array([4, 4, 2, 8])
    labels = components(9, u, v)
    assert labels.tolist() == [0, 1, 1, 3, 3, 3, 6, 7, 7]
    perm = np.array([3, 1, 0, 2])
    assert components(9, v[perm], u[perm]).tolist() == labels.tolist()
    # a long chain collapses to its smallest member
    n = 1000
    chain = components(n, np.arange(n - 1)[::-1], np.arange(1, n)[::-1])
    assert (chain == 0).all()


def test_choose_keepers_by_sort_keys():
    labels = np.array([0, 0, 0, 3, 3])
    length = np.array([5, 9, 9, 1, 2])
    pos = np.arange(5)
    assert choose_keepers(labels, [-length, pos]).tolist() == [1, 1, 1, 4, 4]
    assert choose_keepers(labels, [pos]).tolist() == [0, 0, 0, 3, 3]
