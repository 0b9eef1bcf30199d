"""Metrics on generated data whose answers are known in advance."""

from __future__ import annotations

import json
import math

import pyarrow as pa
import pytest

from curate.audit import AuditPolicy, audit_table
from tests.audit.conftest import skewed_rows


def test_gender_skew_shares_and_label_parity(skewed):
    m = audit_table(skewed, AuditPolicy(fairness={"favorable_label": "approve"})).metrics
    g = m["representation"]["axes"]["gender"]
    assert g["groups"]["female"]["rows"] == 40 and g["groups"]["male"]["rows"] == 60
    assert g["groups"]["female"]["share"] == pytest.approx(0.4)
    f = m["fairness"]
    gender = f["axes"]["gender"]
    rates = gender["by_label"]["approve"]["selection_rate"]
    assert rates == {"female": pytest.approx(0.25), "male": pytest.approx(0.75)}
    assert gender["parity_difference"] == pytest.approx(0.5)          # 0.75 - 0.25
    assert gender["disparate_impact"] == pytest.approx(1 / 3)         # 0.25 / 0.75
    assert f["worst_parity_difference"] == {"axis": "gender", "value": pytest.approx(0.5)}


def test_disparate_impact_with_privileged_group_follows_aif360():
    t = skewed_rows(fem_approve=0.5, male_approve=0.25)
    f = audit_table(t, AuditPolicy(fairness={"favorable_label": "approve", "privileged": {"gender": "male"}})).metrics["fairness"]
    # P(approve | female) / P(approve | male) = 0.5 / 0.25: above 1 when the unprivileged group is favoured.
    assert f["axes"]["gender"]["disparate_impact"] == pytest.approx(2.0)


def test_no_disparity_when_rates_equal_and_small_groups_left_out():
    t = skewed_rows(n_female=50, n_male=50, fem_approve=0.6, male_approve=0.6)
    f = audit_table(t, AuditPolicy(fairness={"favorable_label": "approve"})).metrics["fairness"]
    assert f["axes"]["gender"]["parity_difference"] == pytest.approx(0.0)
    assert f["axes"]["gender"]["disparate_impact"] == pytest.approx(1.0)
    t2 = skewed_rows(n_female=5, n_male=50)
    f2 = audit_table(t2, AuditPolicy(fairness={"min_group_size": 10})).metrics["fairness"]
    assert f2["axes"]["gender"]["excluded_small_groups"] == ["female"] and "parity_difference" not in f2["axes"]["gender"]


def test_fairness_reports_missing_labels():
    t = skewed_rows().drop_columns(["label_value"])
    f = audit_table(t).metrics["fairness"]
    assert f == {"available": False, "reason": "snapshot has no label column"}


def test_npmi_matches_hand_computation():
    # 100 rows: 20 mention 'woman' and 'nurse' together, 10 'nurse' alone, 30 'woman' alone, 40 neither.
    texts = (["the woman is a nurse"] * 20 + ["a nurse called"] * 10 + ["the woman called"] * 30 + ["nothing here"] * 40)
    t = pa.table({"doc_id": [str(i) for i in range(100)], "text": texts})
    m = audit_table(t, AuditPolicy(association={"min_count": 1})).metrics["association"]
    item = next(x for x in m["groups"]["gender:female"] if x["term"] == "nurse")
    p_g, p_a, p_ga = 0.5, 0.3, 0.2
    expected = math.log(p_ga / (p_g * p_a)) / -math.log(p_ga)
    assert item["rows"] == 20 and item["npmi"] == pytest.approx(expected, abs=1e-4)
    assert item["examples"][0]["text"] == "the woman is a nurse"


def test_identity_terms_match_whole_words_in_three_languages():
    t = pa.table({"doc_id": ["1", "2", "3", "4", "5"],
                  "text": ["Hermione visited Shelby",                     # no 'her'/'he' inside words
                           "मेरी बहन डॉक्टर है",                           # Devanagari with vowel signs
                           "mera bhai Tamil Nadu gaya",                    # Hinglish + two-word region
                           "Scheduled-Caste families in west bengal",      # hyphen joins the bigram
                           "A Muslim and a Sikh met"]})
    axes = audit_table(t).metrics["representation"]["axes"]
    assert axes["gender"]["groups"] == {"female": {"rows": 1, "share": 0.5}, "male": {"rows": 1, "share": 0.5}}
    assert set(axes["region"]["groups"]) == {"tamil_nadu", "west_bengal"}
    assert set(axes["zone"]["groups"]) == {"south", "east"}
    assert set(axes["caste"]["groups"]) == {"dalit_sc"}
    assert set(axes["religion"]["groups"]) == {"muslim", "sikh"}


def test_toxicity_rates_per_language_flag_not_delete():
    t = pa.table({"doc_id": [str(i) for i in range(8)],
                  "text": ["you idiot", "ye chutiya app hai", "तुम कमीने हो", "all good", "thanks", "ok", "fine", "great"],
                  "lang": ["en", "hi", "hi", "en", "en", "en", "en", "en"],
                  "romanized": [False, True, False, False, False, False, False, False]})
    res = audit_table(t)
    tox = res.metrics["toxicity"]
    assert tox["flagged_rows"] == 3 and tox["rate"] == pytest.approx(3 / 8)
    assert set(tox["by_lexicon_language"]) == {"en", "hi", "hinglish"}
    assert tox["by_document_language"]["hi-latn"] == {"rows": 1, "flagged": 1, "rate": 1.0}
    assert tox["by_document_language"]["en"]["rate"] == pytest.approx(1 / 6)
    assert res.flagged.column("doc_id").to_pylist() == ["0", "1", "2"]
    assert res.metrics["composition"]["rows"] == 8  # nothing removed


def test_composition_signals_and_meta_axes(skewed):
    t = skewed.append_column("dup_keep", pa.array([i % 10 != 0 for i in range(100)]))
    t = t.append_column("quality_flags", pa.array([["too_short"] if i < 7 else [] for i in range(100)], pa.list_(pa.string())))
    t = t.append_column("pii_entities", pa.array([json.dumps([{"entity_type": "IN_PHONE"}, {"entity_type": "PERSON"}])] * 100))
    m = audit_table(t).metrics
    c = m["composition"]
    assert c["rows"] == 100 and c["duplicates"] == {"duplicate_rows": 10, "rate": 0.1}
    assert c["quality"]["flags"] == [{"flag": "too_short", "rows": 7}]
    assert c["sources"] == [{"value": "crm", "rows": 100, "share": 1.0}]
    assert m["pii"]["anonymized_by_type"] == {"IN_PHONE": 100, "PERSON": 100}
    seg = m["representation"]["axes"]["segment"]["groups"]
    assert seg["sme"]["rows"] == 30 and seg["retail"]["rows"] == 70


def test_reference_distribution_and_tvd(skewed):
    m = audit_table(skewed, AuditPolicy(reference={"gender": {"female": 1, "male": 1}})).metrics
    g = m["representation"]["axes"]["gender"]
    assert g["reference"]["female"]["expected"] == pytest.approx(0.5)
    assert g["reference_tvd"] == pytest.approx(0.1)  # |0.4-0.5| + |0.6-0.5| over 2


def test_residual_pii_regex_prescan_counts_identifiers():
    t = pa.table({"doc_id": ["a", "b", "c"],
                  "text": ["mail ravi.k@example.co.in now", "PAN ABCDE1234F and phone +91 98765 43210", "<IN_PHONE> redacted"]})
    p = audit_table(t).metrics["pii"]
    assert p["pattern_scan"]["matches"]["EMAIL"] == 1 and p["pattern_scan"]["matches"]["IN_PAN"] == 1
    assert p["pattern_scan"]["matches"]["IN_PHONE"] == 1
    assert p["pattern_scan"]["rows"] == 2 and p["residual"] >= 2


def test_fairness_finds_a_label_kept_in_meta():
    """Ingest keeps every non-text field in ``meta``: a source's ``label`` arrives as ``meta.label``."""
    t = skewed_rows()
    meta = [json.dumps({**json.loads(m), "label": v}) for m, v in zip(t.column("meta").to_pylist(),
                                                                      t.column("label_value").to_pylist())]
    t = t.drop_columns(["label_value", "meta"]).append_column("meta", pa.array(meta))
    for configured in (None, "label"):
        f = audit_table(t, AuditPolicy(fairness={"favorable_label": "approve", "label_field": configured})
                        ).metrics["fairness"]
        assert f["available"] and f["label_field"] == "meta.label"
        assert f["axes"]["gender"]["parity_difference"] == pytest.approx(0.5)   # 0.75 - 0.25, as with a column
    f = audit_table(t, AuditPolicy(fairness={"label_field": "outcome"})).metrics["fairness"]
    assert not f["available"] and "'outcome'" in f["reason"]
