"""LSH band/row choice against datasketch's public MinHashLSH (an independent implementation: scipy quadrature)."""

import pytest
from datasketch import MinHashLSH

from curate.dedup.minhash import lsh_params


@pytest.mark.parametrize("num_perm", [16, 64, 128, 256])
@pytest.mark.parametrize("threshold", [0.3, 0.42, 0.48, 0.5, 0.54, 0.6, 0.72, 0.9])
def test_bands_and_rows_match_datasketch(threshold, num_perm):
    try:
        lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    except ValueError as exc:  # datasketch refuses an index whose best choice is a single band
        assert "b < 2" in str(exc) and lsh_params(threshold, num_perm)[0] == 1
        return
    assert lsh_params(threshold, num_perm) == (lsh.b, lsh.r)


@pytest.mark.parametrize("weights", [(0.3, 0.7), (0.8, 0.2)])
def test_weights_match_datasketch(weights):
    lsh = MinHashLSH(threshold=0.5, num_perm=128, weights=weights)
    assert lsh_params(0.5, 128, *weights) == (lsh.b, lsh.r)
