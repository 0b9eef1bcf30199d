import numpy as np

from curate.dedup.minhash import MinHasher, band_keys, estimated_jaccard, lsh_params


def _sets(rng, n_common, n_a, n_b):
    common = rng.choice(2**32, n_common, replace=False)
    a = np.concatenate([common, rng.choice(2**32, n_a)]).astype(np.uint64)
    b = np.concatenate([common, rng.choice(2**32, n_b)]).astype(np.uint64)
    return a, b


def test_estimate_tracks_true_jaccard():
    rng = np.random.default_rng(0)
    mh = MinHasher(256, seed=3)
    for common, extra in [(90, 10), (50, 50), (20, 80)]:
        a, b = _sets(rng, common, extra, extra)
        true = common / (common + 2 * extra)
        sig = mh.signatures(np.concatenate([a, b]), np.array([0, len(a), len(a) + len(b)]))
        est = estimated_jaccard(sig, np.array([0]), np.array([1]))[0]
        assert abs(est - true) < 4 * np.sqrt(true * (1 - true) / 256) + 0.01, (true, est)


def test_signatures_do_not_depend_on_batching_or_shingle_order():
    rng = np.random.default_rng(1)
    keys = rng.integers(0, 2**32, 300).astype(np.uint64)
    offsets = np.array([0, 100, 100, 250, 300])
    mh = MinHasher(64)
    whole = mh.signatures(keys, offsets)
    assert (whole[1] == np.uint32(0xFFFFFFFF)).all()   # empty document
    part = mh.signatures(keys[100:250][::-1].copy(), np.array([0, 150]))
    assert (part[0] == whole[2]).all()
    assert not (MinHasher(64, seed=2).signatures(keys, offsets) == whole).all()


def test_lsh_params_and_band_keys():
    b, r = lsh_params(0.4, 128)
    assert b * r <= 128 and r >= 2
    sig = np.arange(2 * 128, dtype=np.uint32).reshape(2, 128)
    sig[1, :r] = sig[0, :r]  # first band equal only
    keys = band_keys(sig, np.arange(2), range(b), r)
    assert keys[0, 0] == keys[1, 0] and (keys[0, 1:] != keys[1, 1:]).all()
