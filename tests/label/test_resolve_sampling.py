"""Normalisation, resolution rules, task building and sampling (no server needed)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import duckdb
import pyarrow as pa
import pytest

from curate.errors import CurateError
from curate.label import sampling
from curate.label.outcomes import normalize, status_of
from curate.label.resolve import current_annotations, merge_documents, project_report
from curate.label.tasks import build_lang, build_pii, build_sft, spans_value

T0 = datetime(2026, 11, 1)


def _ann(task, tid, who, result, status, value, minutes=0, aid=None, version=1, deleted=False):
    return {"server": "s", "project_id": 1, "task_type": task, "task_id": tid, "annotation_id": aid or hash((tid, who)),
            "version": version, "doc_id": f"d{tid}", "annotator": who, "created_at": T0,
            "updated_at": T0 + timedelta(minutes=minutes), "was_cancelled": False, "deleted": deleted,
            "result": json.dumps(result), "label_value": value, "label_status": status}


def _choice(name, v):
    return {"from_name": name, "to_name": "text", "type": "choices", "value": {"choices": [v]}}


def test_pii_prediction_and_annotation_share_one_normal_form():
    text = "Hi 😀 Ravi Kumar, 9876543210"
    row = {"doc_id": "d", "text": text, "pii_entities": json.dumps([
        {"field": "text", "start": 5, "end": 15, "type": "PERSON", "score": 0.6},
        {"field": "instruction", "start": 0, "end": 2, "type": "PERSON", "score": 0.9},  # other field: not shown
        {"start": 17, "end": 27, "entity_type": "IN_PHONE", "score": 0.99}])}
    built = build_pii(row, "s@1")
    res = built.payload["predictions"][0]["result"]
    assert [r["value"]["text"] for r in res] == ["Ravi Kumar", "9876543210"]
    assert res[0]["value"]["start"] == 6  # the emoji is two UTF-16 units in Label Studio
    assert built.score == 0.6
    out = normalize("pii", res, {"text": text})
    assert out.label_value == built.predicted_value
    assert status_of("pii", out, built.predicted_value, None) == "accepted"
    out2 = normalize("pii", res[:1], {"text": text})
    assert status_of("pii", out2, built.predicted_value, None) == "corrected"


def test_lang_and_sft_builders_predict_what_the_normaliser_reads():
    b = build_lang({"doc_id": "d", "text": "aap kaise ho", "lang": "hi", "lang_score": 0.4, "romanized": True,
                    "codemixed": False}, "s@1")
    out = normalize("lang", b.payload["predictions"][0]["result"], {})
    assert b.predicted_value == out.label_value == "hi:romanized"
    s = build_sft({"doc_id": "d", "instruction": "q", "input": None, "output": "old answer"}, "s@1")
    out = normalize("sft", s.payload["predictions"][0]["result"], {})
    assert status_of("sft", out, None, "old answer") == "accepted"
    edited = [{"from_name": "response", "to_name": "output", "type": "textarea", "value": {"text": ["new answer"]}}]
    assert status_of("sft", normalize("sft", edited, {}), None, "old answer") == "corrected"
    assert status_of("sft", normalize("sft", [_choice("decision", "reject")], {}), None, "x") == "rejected"


def test_current_annotations_keep_latest_version_and_drop_deleted_and_skipped():
    a1 = _ann("lang", 1, "a", [], "accepted", "hi:native", aid=1)
    a1v2 = {**a1, "version": 2, "label_value": "en:native"}
    gone = {**_ann("lang", 2, "a", [], "accepted", "x", aid=2), "version": 2, "deleted": True}
    skipped = {**_ann("lang", 3, "a", [], "accepted", "x", aid=3), "was_cancelled": True}
    cur = current_annotations([a1, a1v2, gone, skipped])
    assert [c["label_value"] for c in cur] == ["en:native"]


def test_majority_tie_and_reviewer_rules():
    anns = [_ann("classify", 1, "a", [_choice("label", "kyc")], "accepted", "kyc", 0),
            _ann("classify", 1, "b", [_choice("label", "billing")], "corrected", "billing", 1),
            _ann("classify", 2, "a", [_choice("label", "kyc")], "accepted", "kyc"),
            _ann("classify", 2, "b", [_choice("label", "kyc")], "accepted", "kyc"),
            _ann("classify", 2, "c", [_choice("decision", "reject")], "rejected", None)]
    rep = project_report(anns, {}, "majority", None, "classify")
    by_task = {r["task_id"]: r for r in rep["resolved"]}
    assert 1 not in by_task and rep["unresolved"] == 1  # 1-1 tie stays open
    assert by_task[2]["label_class"] == "kyc" and by_task[2]["label_resolved_by"] == "majority"
    assert rep["disagreement_count"] == 2
    rev = project_report(anns, {}, "reviewer", "b", "classify")
    by_task = {r["task_id"]: r for r in rev["resolved"]}
    assert by_task[1]["label_class"] == "billing" and by_task[1]["label_resolved_by"] == "reviewer"


def test_majority_reject_and_pii_span_vote():
    spans_a = [[0, 4, "PERSON"], [10, 20, "IN_PHONE"]]
    spans_b = [[0, 4, "PERSON"]]
    spans_c = [[0, 4, "PERSON"], [30, 34, "IN_PAN"]]
    anns = [_ann("pii", 1, who, [], "corrected", json.dumps(s)) for who, s in
            (("a", spans_a), ("b", spans_b), ("c", spans_c))]
    anns += [_ann("pii", 2, w, [_choice("decision", "reject")], "rejected", "[]") for w in ("a", "b")]
    anns += [_ann("pii", 2, "c", [], "accepted", "[]")]
    rep = project_report(anns, {1: spans_value(spans_b)}, "majority", None, "pii")
    by_task = {r["task_id"]: r for r in rep["resolved"]}
    # spans marked by at least half of 3 annotators (2 of 3): only PERSON
    assert json.loads(by_task[1]["label_pii_spans"]) == [{"start": 0, "end": 4, "type": "PERSON"}]
    assert by_task[1]["label_status"] == "accepted"  # equals the prediction
    assert by_task[2]["label_status"] == "rejected"


def test_merge_documents_strongest_status_wins():
    rows = [{"doc_id": "d", "task_type": "pii", "label_value": "[]", "label_status": "accepted",
             "label_pii_spans": "[]", "label_annotations": 1, "label_resolved_by": "single", "updated_at": T0},
            {"doc_id": "d", "task_type": "sft", "label_value": "4", "label_status": "corrected",
             "label_response": "better", "label_annotations": 2, "label_resolved_by": "majority", "updated_at": T0}]
    (m,) = merge_documents(rows)
    assert m["label_status"] == "corrected" and m["label_response"] == "better" and m["label_value"] == "4"
    assert m["label_annotations"] == 3 and m["label_resolved_by"] == "majority,single"


@pytest.fixture
def rel():
    con = duckdb.connect()
    t = pa.table({"doc_id": [f"d{i:02d}" for i in range(30)],
                  "lang": ["hi"] * 20 + ["ta"] * 8 + ["bn"] * 2,
                  "lang_score": [i / 30 for i in range(30)],
                  "pii_entities": [json.dumps([{"start": 0, "end": 1, "type": "P", "score": 1 - i / 30}])
                                   for i in range(30)]})
    yield con.from_arrow(t)
    con.close()


def test_sampling_is_deterministic_and_filters(rel):
    a = sampling.select(rel, ["doc_id"], "lang", "lang = 'hi'", 5, "random", seed=1).column("doc_id").to_pylist()
    b = sampling.select(rel, ["doc_id"], "lang", "lang = 'hi'", 5, "random", seed=1).column("doc_id").to_pylist()
    c = sampling.select(rel, ["doc_id"], "lang", "lang = 'hi'", 5, "random", seed=2).column("doc_id").to_pylist()
    assert a == b and a != c and all(int(x[1:]) < 20 for x in a)
    with pytest.raises(CurateError, match="bad --where"):
        sampling.select(rel, ["doc_id"], "lang", "no_such_col = 1", 5)


def test_uncertainty_takes_least_confident_first(rel):
    got = sampling.select(rel, ["doc_id"], "lang", None, 3, "uncertainty").column("doc_id").to_pylist()
    assert got == ["d00", "d01", "d02"]
    got = sampling.select(rel, ["doc_id"], "pii", None, 2, "uncertainty").column("doc_id").to_pylist()
    assert got == ["d29", "d28"]
    with pytest.raises(CurateError, match="uncertainty needs"):
        sampling.select(rel, ["doc_id"], "sft", None, 2, "uncertainty")


def test_stratified_gives_rare_strata_their_share(rel):
    got = sampling.select(rel, ["doc_id", "lang"], "lang", None, 6, "stratified")
    assert sorted(got.column("lang").to_pylist()) == ["bn", "bn", "hi", "hi", "ta", "ta"]
