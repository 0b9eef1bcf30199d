"""One-permutation MinHash against the truth (plain Python sets) and against datasketch as an oracle."""

import numpy as np
from datasketch import MinHash

from curate.dedup import kernels as K
from curate.dedup.minhash import band_keys, estimated_jaccard, lsh_params, probe_table, seed_key


def _sign(sets, k=128, seed=1):
    """Sign integer sets directly: each element is one token and ngram=1, so shingles = elements."""
    tok = np.concatenate([np.asarray(sorted(s), np.uint64) for s in sets])
    off = np.concatenate([[0], np.cumsum([len(s) for s in sets])]).astype(np.int64)
    seg = np.zeros(len(tok), np.int64)
    sig, count, _ = K.sign(tok, seg, off, np.zeros(1, np.bool_), np.ones(len(sets), np.bool_), 1, k,
                           seed_key(seed), probe_table(k, seed))
    return sig, count


def _pairs(rng, n_common, n_a, n_b):
    universe = rng.choice(2**62, n_common + n_a + n_b, replace=False)
    a = set(universe[:n_common].tolist()) | set(universe[n_common:n_common + n_a].tolist())
    b = set(universe[:n_common].tolist()) | set(universe[n_common + n_a:].tolist())
    return a, b


def test_estimates_track_true_jaccard_as_well_as_datasketch():
    rng = np.random.default_rng(0)
    ours, theirs = [], []
    for trial in range(40):
        common = int(rng.integers(5, 200))
        a, b = _pairs(rng, common, int(rng.integers(0, 150)), int(rng.integers(0, 150)))
        true = len(a & b) / len(a | b)
        sig, count = _sign([a, b], seed=trial + 1)
        assert count.tolist() == [len(a), len(b)]
        est = estimated_jaccard(sig, np.array([0]), np.array([1]))[0]
        ma, mb = MinHash(num_perm=128, seed=trial + 1), MinHash(num_perm=128, seed=trial + 1)
        ma.update_batch([str(x).encode() for x in a])
        mb.update_batch([str(x).encode() for x in b])
        ours.append(abs(est - true))
        theirs.append(abs(ma.jaccard(mb) - true))
        assert abs(est - true) < 4 * np.sqrt(true * (1 - true) / 128) + 0.03, (true, est)
    # Same accuracy class as k independent permutations (datasketch), not just "close".
    assert np.mean(ours) < 1.5 * np.mean(theirs) + 0.01, (np.mean(ours), np.mean(theirs))


def test_small_sets_are_densified_and_identical_sets_agree_everywhere():
    sig, _ = _sign([{1, 2}, {1, 2}, {3}])
    assert (sig[0] != K.EMPTY).all() and (sig[0] == sig[1]).all()
    assert set(sig[2].tolist()) == {sig[2, 0]}          # one shingle fills every bin
    assert estimated_jaccard(sig, np.array([0]), np.array([2]))[0] == 0.0


def test_signatures_do_not_depend_on_batching_or_order_and_seed_matters():
    rng = np.random.default_rng(1)
    sets = [set(rng.integers(0, 2**40, int(rng.integers(1, 300))).tolist()) for _ in range(5)]
    whole, _ = _sign(sets)
    part, _ = _sign(sets[2:4])
    assert (part == whole[2:4]).all()
    assert not (_sign(sets, seed=2)[0] == whole).all()


def test_lsh_params_and_band_keys():
    b, r = lsh_params(0.5, 128)
    assert b * r <= 128 and r >= 2
    sig = np.arange(2 * 128, dtype=np.uint32).reshape(2, 128)
    sig[1, :r] = sig[0, :r]  # first band equal only
    keys = band_keys(sig, np.arange(2), range(b), r)
    assert keys[0, 0] == keys[1, 0] and (keys[0, 1:] != keys[1, 1:]).all()


def test_seed_key_in_python_equals_the_compiled_mix():
    from curate.dedup.kernels import GOLDEN, mix
    from curate.dedup.minhash import seed_key

    for seed in (0, 1, 2, 7, 12345, 2**40 + 3):
        assert seed_key(seed) == mix(np.uint64((seed * int(GOLDEN) + 0x632BE59BD9B4E019) % 2**64))
