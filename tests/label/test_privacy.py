"""Annotators' PII corrections reach every field, edited responses are scanned, cleared false alarms are kept.

No Label Studio here: the labels signal is written the way ``curate label pull`` writes it (resolution, then
:func:`curate.label.privacy.finish`), so the snapshot and audit behaviour is tested on its own.
"""

from __future__ import annotations

import json

import phonenumbers
import pyarrow as pa
import pytest

from curate.label import store
from curate.label.privacy import finish
from curate.label.resolve import _enrich, resolve_task

NAME = "Tenzing Wangchuk"
PHONE = "9845012345"
assert phonenumbers.is_valid_number(phonenumbers.parse(PHONE, "IN"))


@pytest.fixture(autouse=True)
def _key(monkeypatch):
    monkeypatch.setenv("CURATE_PII_KEY", "label-test-key-0123456789")


def _write(path, rows):
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.fixture
def labelled_ws(ws, tmp_path):
    _write(tmp_path / "sft.jsonl", [{"id": "s1", "instruction": f"Customer {NAME} wants his card unblocked", "input": "",
                                    "output": f"Dear {NAME}, your card is active again."}])
    _write(tmp_path / "chat.jsonl", [{"id": "c1", "messages": [{"role": "user", "content": f"this is {NAME} again"},
                                                              {"role": "assistant", "content": f"Hello {NAME}!"}],
                                     "contact person": NAME, "cust.mobile": PHONE}])
    ws.ingest([tmp_path / "sft.jsonl", tmp_path / "chat.jsonl"], id_field="id")
    # The stage is told to look for phones only, so the name is certainly missed and only the label removes it.
    ws.run_stage("pii", {"nlp": "none", "policy": {"entities": ["IN_PHONE"]}})
    return ws


def _label(ws, rows):
    docs = [dict(r) for r in rows]
    finish(ws, docs)
    ws.write_signal("labels", store.to_table(docs, store.SIGNAL_SCHEMA), replace=True)
    return docs


def _first_span(text, needle, typ="PERSON"):
    i = text.index(needle)
    return json.dumps([{"start": i, "end": i + len(needle), "type": typ}])


def test_a_span_marked_once_is_removed_from_every_field(labelled_ws):
    ws = labelled_ws
    docs = ws.documents().to_pylist()
    before = ws.snapshot(ws.create_snapshot("pre").ref).table().to_pylist()
    assert all(NAME in json.dumps(r, ensure_ascii=False, default=str) for r in before)  # the stage missed the name
    _label(ws, [{"doc_id": d["doc_id"], "label_status": "corrected", "label_pii_spans": _first_span(d["text"], NAME)}
                for d in docs])
    snap = ws.snapshot(ws.create_snapshot("post").ref).table().to_pylist()
    assert len(snap) == 2
    for row in snap:
        for f in ("text", "instruction", "input", "output", "messages", "meta"):
            assert NAME not in (row[f] or ""), (f, row[f])
        assert PHONE not in json.dumps(row, ensure_ascii=False, default=str)
    sft = next(r for r in snap if r["instruction"])
    assert sft["instruction"] == "Customer <PERSON> wants his card unblocked" and sft["output"].startswith("Dear <PERSON>,")
    chat = next(r for r in snap if r["messages"])
    assert [m["content"] for m in json.loads(chat["messages"])] == ["this is <PERSON> again", "Hello <PERSON>!"]
    assert json.loads(chat["meta"])["contact person"] == "<PERSON>"


def test_an_edited_response_is_scanned_before_it_reaches_a_snapshot(labelled_ws):
    ws = labelled_ws
    sft = next(d for d in ws.documents().to_pylist() if d["instruction"])
    edited = f"Sure, we will call you on {PHONE} today."
    docs = _label(ws, [{"doc_id": sft["doc_id"], "label_status": "corrected", "label_response": edited}])
    assert docs[0]["label_response_pii"] == "Sure, we will call you on <IN_PHONE> today." and docs[0]["label_response_covered"]
    row = next(r for r in ws.snapshot(ws.create_snapshot("edit").ref).table().to_pylist() if r["doc_id"] == sft["doc_id"])
    assert row["output"] == docs[0]["label_response_pii"] and PHONE not in json.dumps(row, ensure_ascii=False, default=str)
    assert row["label_response"] == docs[0]["label_response_pii"]  # the raw edit never travels as a column
    # a raw snapshot (explicitly not anonymized) shows the annotator's text as written
    raw = next(r for r in ws.snapshot(ws.create_snapshot("raw", text="raw").ref).table().to_pylist()
               if r["doc_id"] == sft["doc_id"])
    assert raw["output"] == edited


def test_an_unscanned_edit_holds_the_row_back(labelled_ws):
    ws = labelled_ws
    sft = next(d for d in ws.documents().to_pylist() if d["instruction"])
    # A labels signal from before this version (no scanned form): fail closed.
    ws.write_signal("labels", pa.table({"doc_id": [sft["doc_id"]], "label_status": ["corrected"],
                                        "label_response": [f"call {PHONE}"]}), replace=True)
    m = ws.create_snapshot("old")
    assert m.held_back == 1 and sft["doc_id"] not in ws.snapshot(m.ref).table().column("doc_id").to_pylist()


def test_cleared_false_alarms_are_remembered_with_their_text(labelled_ws):
    ws = labelled_ws
    # "Helpline 1800 425 3800 is open; call Tenzing at 9845012345": the annotator keeps the mobile and deletes the
    # predicted span on the bank's public helpline.
    predicted = json.dumps([[9, 22, "IN_PHONE"], [48, 58, "IN_PHONE"]])
    ann = {"task_type": "pii", "doc_id": "d", "label_status": "corrected", "result": None, "created_at": 1,
           "updated_at": 1, "annotator": "a", "label_value": json.dumps([[48, 58, "IN_PHONE"]])}
    res = resolve_task([_enrich(ann)], predicted)
    assert json.loads(res["label_pii_cleared"]) == [{"start": 9, "end": 22, "type": "IN_PHONE"}]
    # a boundary fix is not a false alarm: an overlapping kept span means nothing was cleared
    ann2 = {**ann, "label_value": json.dumps([[9, 22, "IN_PHONE"], [45, 58, "IN_PHONE"]])}
    assert resolve_task([_enrich(ann2)], predicted)["label_pii_cleared"] is None
    # offsets into the document text become the cleared text itself, which the audit matches later
    sft = next(d for d in ws.documents().to_pylist() if d["instruction"])
    i = sft["text"].index("card")
    docs = _label(ws, [{"doc_id": sft["doc_id"], "label_status": "corrected", "label_pii_spans": "[]",
                        "label_pii_cleared": json.dumps([{"start": i, "end": i + 4, "type": "PERSON"}])}])
    assert json.loads(docs[0]["label_pii_cleared"]) == [{"type": "PERSON", "text": "card"}]
    snap = ws.snapshot(ws.create_snapshot("cleared").ref).table()
    assert "label_pii_cleared" in snap.column_names
