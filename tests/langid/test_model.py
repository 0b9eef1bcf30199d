"""The shipped model: in sync with its seed text, hashing consistent, build reproducible."""

from __future__ import annotations

import numpy as np

from curate.langid.build import build
from curate.langid.features import MODEL_PATH, char_grams
from curate.langid.model import string_hashes, token_feature_hashes
from curate.text.scripts import script_shares
from curate.langid.translit import romanize


def test_shipped_model_matches_a_fresh_build(tmp_path):
    fresh = tmp_path / "langid.npz"
    build(fresh)
    with np.load(MODEL_PATH) as a, np.load(fresh) as b:
        assert sorted(a.files) == sorted(b.files)
        for k in a.files:
            assert np.array_equal(a[k], b[k]), f"{k} differs: rebuild with python -m curate.langid.build"


def test_token_hashes_equal_feature_string_hashes():
    tokens = ["hai", "नहीं", "ক"]
    h, tid = token_feature_hashes(tokens, 4)
    for k, tok in enumerate(tokens):
        expected = set(string_hashes(char_grams(tok, 4) + ["\x00" + tok]).tolist())
        assert set(h[tid == k].tolist()) == expected


def test_script_shares_are_exact():
    assert script_shares("abc देव") == {"Latn": 0.5, "Deva": 0.5}
    assert script_shares("१२३ 456 ... 😀") == {}


def test_romanizer_is_casual():
    assert romanize("मेरा नाम राम है", long_vowels=False) == "mera nam ram hai"
    assert romanize("நன்றி") == "nanri"
    assert romanize("ನಾನು ಬರುತ್ತೇನೆ", long_vowels=False) == "nanu baruttene"
