"""The small text metrics, checked against values worked out by hand."""

from __future__ import annotations

import math

import pytest

from eval.metrics import (chrf, exact_match, format_ok, normalize, parse_json_object, perplexity, rouge_l,
                          structured_keys, token_f1)


def test_normalize_keeps_indic_marks_and_drops_punctuation():
    assert normalize("  Hello,   WORLD!! ") == "hello world"
    assert normalize("कार्ड ब्लॉक।") == "कार्ड ब्लॉक"  # danda removed, virama/matras kept
    assert exact_match("Refund please.", "refund   PLEASE") == 1.0
    assert exact_match("refund", "refunds") == 0.0


def test_token_f1():
    # pred 4 tokens, ref 3 tokens, 2 in common: P=1/2, R=2/3, F1=4/7
    assert token_f1("the card is blocked", "card blocked today") == pytest.approx(4 / 7)
    assert token_f1("", "") == 1.0 and token_f1("x", "") == 0.0 and token_f1("a b", "c d") == 0.0


def test_rouge_l_uses_the_longest_common_subsequence():
    # LCS("a b c d e", "a c e f") = "a c e" (3): P=3/5, R=3/4, F1=2/3
    assert rouge_l("a b c d e", "a c e f") == pytest.approx(2 / 3)
    assert rouge_l("b a", "a b") == pytest.approx(0.5)  # order matters, unlike token F1
    assert token_f1("b a", "a b") == 1.0


def test_chrf_matches_a_hand_computation():
    # "ab" vs "ac": 1-grams P=R=1/2; 2-grams P=R=0 -> avg P=R=1/4 -> F(beta=2)=1/4
    assert chrf("ab", "ac") == pytest.approx(0.25)
    assert chrf("same text", "same text") == pytest.approx(1.0)
    assert chrf("sametext", "same text") == pytest.approx(1.0)  # whitespace is ignored
    assert 0 < chrf("मेरा कार्ड", "मेरा खाता") < 1


def test_json_format_adherence():
    assert parse_json_object('```json\n{"a": 1}\n```') == {"a": 1}
    assert parse_json_object("[1, 2]") is None and parse_json_object("not json") is None
    refs = ['{"intent": "x", "lang": "en"}', '{"intent": "y", "lang": "hi", "extra": 1}']
    assert structured_keys(refs) == ["intent", "lang"]
    assert structured_keys(["plain text", "more text"]) is None
    assert format_ok('{"intent": "x", "lang": "en"}', ["intent", "lang"]) == 1.0
    assert format_ok('{"intent": "x"}', ["intent", "lang"]) == 0.0


def test_perplexity_is_exp_of_mean_nll_and_never_overflows():
    assert perplexity(math.log(7)) == pytest.approx(7)
    assert perplexity(None) is None and math.isfinite(perplexity(5000.0))
