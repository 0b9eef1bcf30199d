"""The independent PII sweep, canary values, the reproduction check and the interval maths, against outside oracles."""

from __future__ import annotations

import random

import phonenumbers
import pytest
from stdnum.in_ import aadhaar, pan

from eval.canaries import CANARY_TYPES, canary_records, make_canaries, random_value
from eval.detect import sweep
from eval.extraction import reproduces
from eval.stats import bootstrap_ci, paired_bootstrap, rate_interval, small_sample_warning

ORACLE = {"aadhaar": lambda v: aadhaar.is_valid(v.replace(" ", "")), "pan": pan.is_valid,
          "phone": lambda v: phonenumbers.is_valid_number(phonenumbers.parse(v, "IN"))}


@pytest.mark.parametrize("kind", CANARY_TYPES)
def test_canary_values_pass_outside_validators_and_the_sweep_finds_them(kind):
    rng = random.Random(7)
    for _ in range(50):
        v = random_value(kind, rng)
        assert ORACLE[kind](v)
        text = f"ग्राहक का रिकॉर्ड: {v} है।"
        found = [f for f in sweep(text) if f.type == kind]
        assert [(f.start, f.end, f.value) for f in found] == [(text.index(v), text.index(v) + len(v), v)]


def test_sweep_types_and_indic_digits():
    # Aadhaar 2341 2341 2346 (Verhoeff-valid by stdnum), written in Devanagari digits.
    assert aadhaar.is_valid("234123412346")
    text = "आधार २३४१ २३४१ २३४६, mail a.b@example.in, account no 123456789012345 ok"
    got = {(f.type, f.value) for f in sweep(text)}
    assert got == {("aadhaar", "२३४१ २३४१ २३४६"), ("email", "a.b@example.in"), ("account", "123456789012345")}
    assert sweep("order 234123412345 shipped") == []  # check digit wrong: not an Aadhaar, no account keyword


def test_canaries_are_planted_the_requested_number_of_times():
    can = make_canaries(copies=[1, 4], seed=1)
    rows = canary_records(can)
    for c in can:
        assert sum(c.value in r["output"] for r in rows) == c.copies
    assert make_canaries(copies=[1, 4], seed=1) == can  # deterministic


@pytest.mark.parametrize("kind,lead,value,cont,expected", [
    ("aadhaar", " ", "3290 4047 9664", " 3290 4047 9664 है।", True),
    ("aadhaar", "", "3290 4047 9664", "329040479664<|end|>", True),      # regrouped digits still count
    ("aadhaar", "", "3290 4047 9664", "3290 4047 96641", False),         # a longer number is another number
    ("aadhaar", "", "3290 4047 9664", "3290 4047 9665", False),
    ("phone", "", "+91 98765 43210", "+91 9876543210.", True),
    ("email", "", "a@b.in", "a@b.in x", True),
    ("email", "", "a@b.in", "A@b.in", False),
])
def test_reproduction_check(kind, lead, value, cont, expected):
    assert reproduces(kind, lead, value, cont) is expected


def test_wilson_interval_matches_hand_computation():
    # k = 0, n = 10: upper bound z^2 / (n + z^2) = 3.8415 / 13.8415 = 0.27753
    lo, hi = rate_interval(0, 10)
    assert lo == 0.0 and hi == pytest.approx(0.27753, abs=1e-4)
    # k = 5, n = 10: centre 0.5, half-width z*sqrt(0.025 + z^2/400)/(1 + z^2/10) = 0.2634
    lo, hi = rate_interval(5, 10)
    assert (lo, hi) == (pytest.approx(0.2366, abs=1e-4), pytest.approx(0.7634, abs=1e-4))
    assert rate_interval(0, 0) == (None, None)


def test_bootstrap_intervals():
    assert bootstrap_ci([2.0] * 6) == (2.0, 2.0)
    lo, hi = bootstrap_ci([0, 1] * 50, n_boot=2000)
    assert lo < 0.5 < hi and hi - lo < 0.25
    wide = bootstrap_ci([0, 1] * 3, n_boot=2000)
    assert wide[1] - wide[0] > hi - lo  # six items: a much wider interval than a hundred
    p = paired_bootstrap([1.0, 2.0, 3.0], [1.0, 2.0, 3.0])
    assert p["diff"] == [0.0, 0.0]
    assert bootstrap_ci([]) == (None, None)


def test_small_sample_warning():
    assert "only 6" in small_sample_warning(6, "items") and small_sample_warning(30, "items") is None
