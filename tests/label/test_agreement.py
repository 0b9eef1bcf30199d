"""Agreement maths against textbook values (no server needed)."""

from __future__ import annotations

import pytest

from curate.label.agreement import agreement, cohen_kappa, fleiss_kappa, span_f1


def test_cohen_kappa_textbook_example():
    # 50 items: both yes 20, A yes/B no 5, A no/B yes 10, both no 15 -> p_o 0.7, p_e 0.5, kappa 0.4
    pairs = [("y", "y")] * 20 + [("y", "n")] * 5 + [("n", "y")] * 10 + [("n", "n")] * 15
    ratings = {i: {"a": x, "b": y} for i, (x, y) in enumerate(pairs)}
    assert cohen_kappa(ratings, "a", "b") == pytest.approx(0.4)


def test_cohen_kappa_ignores_items_only_one_annotator_saw():
    ratings = {1: {"a": "x", "b": "x"}, 2: {"a": "y", "b": "y"}, 3: {"a": "x"}}
    assert cohen_kappa(ratings, "a", "b") == pytest.approx(1.0)
    assert cohen_kappa({1: {"a": "x"}}, "a", "b") is None


def test_fleiss_kappa_textbook_example():
    # Fleiss (1971) / Wikipedia: 10 subjects, 14 raters, 5 categories -> kappa 0.210
    table = [[0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6], [0, 3, 9, 2, 0], [2, 2, 8, 1, 1],
             [7, 7, 0, 0, 0], [3, 2, 6, 3, 0], [2, 5, 3, 2, 2], [6, 5, 2, 1, 0], [0, 2, 2, 3, 7]]
    ratings = {}
    for i, row in enumerate(table):
        labels = [c for c, n in enumerate(row) for _ in range(n)]
        ratings[i] = {f"r{j}": lab for j, lab in enumerate(labels)}
    assert fleiss_kappa(ratings) == pytest.approx(0.2099, abs=1e-3)


def test_span_f1_is_exact_match_micro_f1():
    spans = {1: {"a": {(0, 4, "PERSON"), (10, 20, "IN_PHONE")}, "b": {(0, 4, "PERSON")}},
             2: {"a": set(), "b": {(3, 5, "IN_PAN")}}}
    # tp 1, only-a 1, only-b 1 -> 2 / (2 + 2) = 0.5
    assert span_f1(spans) == pytest.approx(0.5)
    assert span_f1({1: {"a": set(), "b": set()}}) == 1.0


def test_agreement_picks_the_measure_by_task_and_annotators():
    two = {1: {"a": "x", "b": "x"}, 2: {"a": "y", "b": "x"}}
    assert agreement(two, "lang")["measure"] == "cohen_kappa"
    three = {1: {"a": "x", "b": "x", "c": "y"}}
    assert agreement(three, "classify")["measure"] == "fleiss_kappa"
    pii = agreement(two, "pii", {1: {"a": {(0, 1, "P")}, "b": {(0, 1, "P")}}})
    assert pii["measure"] == "span_f1" and pii["value"] == 1.0 and "cohen_kappa" in pii
