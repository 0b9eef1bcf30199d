"""The whole loop against a real Label Studio: serve, push, annotate as two people, pull, agree, snapshot."""

from __future__ import annotations

import json
import os
import stat
import uuid

import pytest

from curate.label import PushOptions, project_status, pull, push
from curate.label.server import healthy

pytestmark = pytest.mark.labelstudio


def test_serve_keeps_credentials_private_and_never_prints_them(ls_server):
    wspath, info, output = ls_server
    cred = wspath / "secrets" / "label_studio.json"
    assert stat.S_IMODE(os.stat(cred).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(wspath / "secrets").st_mode) == 0o700
    out = json.loads(output)
    assert out["url"] == info.url and out["url"].startswith("http://127.0.0.1:")
    assert info.token not in output and info.password not in output
    assert healthy(info.url, info.token) and not healthy(info.url, "0" * 40)
    # a second serve finds the running server instead of starting another
    from click.testing import CliRunner

    from curate.cli.main import cli

    res = CliRunner().invoke(cli, ["label", "serve", "--workspace", str(wspath), "--port", str(info.port), "--json"])
    assert res.exit_code == 0 and json.loads(res.output)["started"] is False


def _second_user(client):
    email = f"ann-{uuid.uuid4().hex[:8]}@curate.local"
    return client.users.create(email=email, username=email.split("@")[0]), email


def _annotate(client, task_id, result, user_id, lead_time=3.0):
    return client.annotations.create(id=task_id, result=result, completed_by=user_id, lead_time=lead_time)


def _reject():
    return [{"from_name": "decision", "to_name": "text", "type": "choices", "value": {"choices": ["reject"]}}]


def test_pii_push_annotate_pull_agree_and_snapshot(review_ws, conn):
    ws = review_ws
    client = conn.client()
    res = push(ws, conn, "review", PushOptions(task="pii", where="instruction IS NULL", overlap=2))
    assert res["imported"] == 6 and res["project_created"]
    pid = res["project_id"]
    tasks = {r["doc_id"]: r["task_id"] for r in ws.get_table("label_tasks").to_pylist() if r["project_id"] == pid}
    texts = {}
    for doc_id, tid in tasks.items():
        t = client.tasks.get(id=tid)
        assert t.data["doc_id"] == doc_id  # task ids were recorded in import order
        texts[doc_id] = t.data["text"]
    # PII review shows the original text (the snapshot's text is anonymized); spans are offsets into it.
    assert any("Ravi Kumar" in t for t in texts.values())
    upi_doc = next(d for d, t in texts.items() if "ravi@okaxis" in t)
    (pred,) = client.predictions.list(task=tasks[upi_doc])
    assert pred.result[0]["value"]["start"] == 11  # after one emoji: Python offset 10 is JS offset 11
    assert pred.score == pytest.approx(0.71)

    # Re-push: nothing new, nothing duplicated.
    again = push(ws, conn, "review", PushOptions(task="pii", where="instruction IS NULL"))
    assert again["imported"] == 0 and again["already_present"] == 6
    assert client.projects.get(id=pid).task_number == 6

    # Two annotators: the admin accepts the predictions; the second adds a missed Aadhaar number.
    me = client.users.whoami().id
    user2, email2 = _second_user(client)
    hindi = next(d for d, t in texts.items() if "आधार" in t)
    refund = next(d for d, t in texts.items() if "refund" in t)
    for doc_id, tid in tasks.items():
        (p,) = client.predictions.list(task=tid)
        accepted = [{k: v for k, v in r.items() if k != "score"} for r in p.result]
        if doc_id == refund:
            _annotate(client, tid, _reject(), me)
            _annotate(client, tid, _reject(), user2.id)
            continue
        _annotate(client, tid, accepted, me)
        extra = []
        if doc_id == hindi:
            s = texts[hindi].index("2345")
            extra = [{"from_name": "label", "to_name": "text", "type": "labels",
                      "value": {"start": s, "end": s + 14, "text": texts[hindi][s:s + 14], "labels": ["IN_AADHAAR"]}}]
        _annotate(client, tid, accepted + extra, user2.id, lead_time=7.5)

    first = pull(ws, conn, str(pid))
    assert (first["new"], first["changed"], first["unchanged"], first["deleted"]) == (12, 0, 0, 0)
    labels = ws.get_table("labels").to_pylist()
    assert len(labels) == 12 and {r["annotator"] for r in labels} >= {email2}
    row2 = next(r for r in labels if r["annotator"] == email2 and r["doc_id"] == hindi)
    assert row2["lead_time"] == 7.5 and row2["label_status"] == "corrected" and row2["created_at"] is not None
    s = texts[hindi].index("2345")
    assert [s, s + 14, "IN_AADHAAR"] in json.loads(row2["label_value"])

    st = project_status(ws, conn.url, str(pid), conn)
    ag = st["agreement"]
    assert ag["measure"] == "span_f1" and ag["value"] == pytest.approx(14 / 15)  # 7 shared spans, 1 extra
    assert ag["cohen_kappa"] == pytest.approx(25 / 31)  # 5 of 6 documents identical, 5 distinct answers
    assert st["disagreement_count"] == 1 and st["disagreements"][0]["doc_id"] == hindi
    assert st["live"]["total_annotations"] == 12

    # Re-pull: idempotent.
    second = pull(ws, conn, str(pid))
    assert second["rows_appended"] == 0 and len(ws.get_table("labels")) == 12

    # The signal: rejected refund doc, corrected Hindi doc (a span at least half the annotators marked).
    sig = {r["doc_id"]: r for r in ws.read_signal("labels").to_pylist()}
    assert sig[refund]["label_status"] == "rejected"
    assert sig[hindi]["label_status"] == "corrected"
    assert {"start": s, "end": s + 14, "type": "IN_AADHAAR"} in json.loads(sig[hindi]["label_pii_spans"])

    # A changed annotation becomes version 2; version 1 stays.
    hindi_ann = next(r for r in labels if r["annotator"] == email2 and r["doc_id"] == hindi)
    client.annotations.update(id=hindi_ann["annotation_id"], result=_reject())
    third = pull(ws, conn, str(pid))
    assert third["changed"] == 1 and third["rows_appended"] == 1
    versions = [r for r in ws.get_table("labels").to_pylist() if r["annotation_id"] == hindi_ann["annotation_id"]]
    assert sorted(r["version"] for r in versions) == [1, 2]
    assert {r["label_status"] for r in versions} == {"corrected", "rejected"}

    # A deleted annotation leaves a tombstone, not a hole.
    client.annotations.delete(id=hindi_ann["annotation_id"])
    fourth = pull(ws, conn, str(pid))
    assert fourth["deleted"] == 1
    assert ws.get_table("labels").num_rows == 14

    # A new snapshot drops the rejected document.
    before = ws.snapshot("review").manifest.row_count
    m = ws.create_snapshot("review")
    assert m.row_count == before - 1
    assert refund not in set(ws.snapshot(m.ref).table().column("doc_id").to_pylist())


def test_sft_edits_replace_responses_in_the_next_snapshot(review_ws, conn):
    ws = review_ws
    client = conn.client()
    res = push(ws, conn, "review", PushOptions(task="sft", where="instruction IS NOT NULL", project=f"sft-{uuid.uuid4().hex[:6]}"))
    assert res["imported"] == 4
    me = client.users.whoami().id
    rows = [r for r in ws.get_table("label_tasks").to_pylist() if r["project_id"] == res["project_id"]]
    edited_doc, rejected_doc = rows[0]["doc_id"], rows[1]["doc_id"]
    for r in rows:
        if r["doc_id"] == edited_doc:
            result = [{"from_name": "response", "to_name": "output", "type": "textarea",
                       "value": {"text": ["Corrected: bring your Aadhaar and PAN to the branch."]}},
                      {"from_name": "rating", "to_name": "output", "type": "rating", "value": {"rating": 2}},
                      {"from_name": "flags", "to_name": "output", "type": "choices", "value": {"choices": ["wrong"]}}]
        elif r["doc_id"] == rejected_doc:
            result = [{"from_name": "decision", "to_name": "output", "type": "choices", "value": {"choices": ["reject"]}}]
        else:
            (p,) = client.predictions.list(task=r["task_id"])
            result = list(p.result) + [{"from_name": "rating", "to_name": "output", "type": "rating",
                                        "value": {"rating": 5}}]
        _annotate(client, r["task_id"], result, me)
    out = pull(ws, conn, res["title"])
    assert out["new"] == 4
    sig = {r["doc_id"]: r for r in ws.read_signal("labels").to_pylist()}
    assert sig[edited_doc]["label_status"] == "corrected" and sig[edited_doc]["label_rating"] == 2
    assert json.loads(sig[edited_doc]["label_flags"]) == ["wrong"]
    assert sig[rejected_doc]["label_status"] == "rejected"
    m = ws.create_snapshot("review")
    snap = {r["doc_id"]: r for r in ws.snapshot(m.ref).table().to_pylist()}
    assert rejected_doc not in snap
    assert snap[edited_doc]["output"].startswith("Corrected:")
    untouched = next(r["doc_id"] for r in rows[2:])
    assert snap[untouched]["output"].startswith("Answer")


def test_cli_push_lang_and_classify_pull_status(review_ws, conn, monkeypatch):
    from click.testing import CliRunner

    from curate import Workspace
    from curate.cli.main import cli

    ws_path = str(review_ws.path)
    review_ws.close()  # the CLI opens the workspace itself
    monkeypatch.setenv("LABEL_STUDIO_API_KEY", conn.token)
    run = CliRunner()
    base = ["--url", conn.url, "--workspace", ws_path, "--json"]
    title = f"lang-{uuid.uuid4().hex[:6]}"
    r = run.invoke(cli, ["label", "push", "review@1", "--task", "lang", "--where", "instruction IS NULL",
                         "--sample", "3", "--strategy", "uncertainty", "--project", title, *base])
    assert r.exit_code == 0, r.output
    out = json.loads(r.output)
    assert out["imported"] == 3 and conn.token not in r.output
    client = conn.client()
    with Workspace(ws_path, read_only=True) as w:
        lt = [x for x in w.get_table("label_tasks").to_pylist() if x["project_id"] == out["project_id"]]
    # uncertainty: the three lowest lang_score documents (0.41, 0.52, 0.66)
    assert sorted(x["prediction_score"] for x in lt) == [0.41, 0.52, 0.66]
    assert {x["predicted_value"] for x in lt} >= {"hi:code-mixed"}
    me = client.users.whoami().id
    for x in lt:
        client.annotations.create(id=x["task_id"], completed_by=me, result=[
            {"from_name": "lang", "to_name": "text", "type": "choices", "value": {"choices": ["hi"]}},
            {"from_name": "form", "to_name": "text", "type": "choices", "value": {"choices": ["romanized"]}}])
    r = run.invoke(cli, ["label", "pull", title, *base])
    assert r.exit_code == 0, r.output
    assert json.loads(r.output)["new"] == 3
    r = run.invoke(cli, ["label", "status", title, *base])
    assert r.exit_code == 0, r.output
    st = json.loads(r.output)
    assert st["tasks_pushed"] == 3 and st["annotations"] == 3 and st["by_status"]["corrected"] == 3

    r = run.invoke(cli, ["label", "push", "review", "--task", "classify", "--labels", "kyc,billing,other",
                         "--sample", "4", "--strategy", "stratified", "--stratify-by", "lang", "--project",
                         f"cls-{uuid.uuid4().hex[:6]}", *base])
    assert r.exit_code == 0, r.output
    assert json.loads(r.output)["imported"] == 4
    r = run.invoke(cli, ["label", "push", "review", "--task", "classify", *base])
    assert r.exit_code != 0 and "--labels" in str(r.exception)
    r = run.invoke(cli, ["label", "pull", "no-such-project", *base])
    assert r.exit_code != 0 and "no project" in str(r.exception)
