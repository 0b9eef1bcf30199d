"""Audit through the workspace: report files, recorded compliance row, CLI exit codes, compare mode."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from curate.audit import AuditPolicy, audit_snapshot, compare_snapshots
from curate.errors import PolicyError
from tests.conftest import write_jsonl


def _ingest(ws, tmp_path, name, rows):
    ws.ingest([write_jsonl(tmp_path / f"{name}.jsonl", rows)])


TRAIN = ([{"text": f"She asked about her card limit {i}", "segment": "retail"} for i in range(30)]
         + [{"text": f"He asked about his card limit {i}", "segment": "sme"} for i in range(30)]
         + [{"text": f"mera bhai ka account band hai {i}"} for i in range(20)])
PROD = [{"text": f"He wants a refund now {i}, you idiot"} for i in range(40)] + [{"text": f"मेरी बहन का खाता {i}"} for i in range(20)]


@pytest.fixture
def two_snapshots(ws, tmp_path):
    _ingest(ws, tmp_path, "train", TRAIN)
    ws.create_snapshot("train", text="raw")
    _ingest(ws, tmp_path, "prod", PROD)
    ws.create_snapshot("prod", text="raw", where="text LIKE '%refund%' OR text LIKE '%खाता%'")
    return ws


def test_audit_snapshot_writes_three_files_and_records(two_snapshots, tmp_path):
    ws = two_snapshots
    res = audit_snapshot(ws, "train@1", AuditPolicy(gates={"min_group_share": {"gender": 0.3}}), tmp_path / "out")
    files = {p.name for p in (tmp_path / "out").iterdir()}
    assert {"report.html", "report.json", "summary.md", "flagged_toxicity.parquet"} <= files
    data = json.loads((tmp_path / "out" / "report.json").read_text())
    assert data["composition"]["rows"] == 80 and data["datacard"]["snapshot"] == "train@1"
    # the prod documents came after train@1 was made: the workspace as it was then left nothing out
    assert data["composition"]["removed"] == {}
    assert data["representation"]["axes"]["segment"]["groups"]["sme"]["rows"] == 30
    assert res.passed
    audits = ws.get_table("audits").to_pylist()
    assert audits[-1]["snapshot"] == "train@1" and audits[-1]["passed"] is True
    assert any(e["kind"] == "audit" and e["parent"] == "train@1" for e in ws.lineage("train@1"))


def test_compare_shows_drift(two_snapshots, tmp_path):
    drift = compare_snapshots(two_snapshots, "train", "prod", AuditPolicy(gates={"max_toxicity_rate": 0.05}), tmp_path / "d")
    assert drift["toxicity"]["rate"]["a"] == 0 and drift["toxicity"]["rate"]["b"] == pytest.approx(40 / 60)
    g = {s["value"]: s for s in drift["representation"]["gender"]["shift"]}
    assert g["male"]["b"] > g["male"]["a"]
    # train: female 30 / male 50 (30 'he' + 20 'bhai'); prod: female 20 / male 40 -> |0.375 - 1/3|
    assert drift["representation"]["gender"]["tvd"] == pytest.approx(0.375 - 1 / 3)
    assert drift["failed_gates"] == ["max_toxicity_rate"]
    html = (tmp_path / "d" / "report.html").read_text()
    for sid in ("drift-summary", "drift-language", "drift-representation", "drift-pii", "drift-toxicity"):
        assert f'id="{sid}"' in html


def test_cli_audit_gate_failure_is_policy_error(two_snapshots, tmp_path):
    from curate.cli.main import cli

    ws_path = str(two_snapshots.path)
    two_snapshots.close()
    policy = tmp_path / "p.yaml"
    policy.write_text("gates:\n  max_toxicity_rate: 0.0\n")
    runner = CliRunner()
    ok = runner.invoke(cli, ["audit", "train", "-w", ws_path, "-o", str(tmp_path / "a"), "--json"], standalone_mode=False)
    assert ok.exception is None, ok.output
    assert json.loads(ok.output)["passed"] is True
    bad = runner.invoke(cli, ["audit", "prod@1", "-w", ws_path, "--policy", str(policy), "-o", str(tmp_path / "b")],
                        standalone_mode=False)
    assert isinstance(bad.exception, PolicyError) and "max_toxicity_rate" in str(bad.exception)
    assert bad.exception.exit_code != 0 and (tmp_path / "b" / "report.html").exists()
    cmp_ = runner.invoke(cli, ["audit", "--compare", "train", "prod", "-w", ws_path, "-o", str(tmp_path / "c"), "--json"],
                         standalone_mode=False)
    assert cmp_.exception is None and json.loads(cmp_.output)["language_tvd"] is None  # no langid signal yet


def test_removed_rows_are_listed_under_the_reason_that_removed_them(ws, tmp_path, monkeypatch):
    import pyarrow as pa

    monkeypatch.setenv("CURATE_PII_KEY", "audit-test-key-0123456789")
    _ingest(ws, tmp_path, "mix", [{"text": "Меня зовут Иван Петров, звоните"}, {"text": "నా ఫోన్ నంబర్ 9845012345"},
                                  {"text": "all good here"}, {"text": "all good here too"}])
    ws.run_stage("pii", {"nlp": "none"})
    docs = ws.documents().to_pylist()
    by_text = {d["text"]: d["doc_id"] for d in docs}
    # The Russian row is also quality-flagged: it must still be listed as held back by PII, not as "quality".
    ws.write_signal("quality", pa.table({"doc_id": [d["doc_id"] for d in docs],
                                        "quality_ok": [d["text"] not in ("Меня зовут Иван Петров, звоните", "all good here too")
                                                       for d in docs]}))
    ws.create_snapshot("mix", where="quality_ok")
    res = audit_snapshot(ws, "mix", AuditPolicy(), tmp_path / "a")
    assert res.metrics["composition"]["removed"] == {"pii_not_covered (script:Cyrl)": 1, "quality": 1}
    assert by_text["నా ఫోన్ నంబర్ 9845012345"]  # the Telugu row is anonymized and kept


def test_left_out_reasons_are_those_of_the_snapshot_time_and_drift_shows_held_back(ws, tmp_path):
    """A (1 row uncovered) and B (2 uncovered, 1 row a stage failed on): each audit lists its own snapshot's reasons,
    even after the PII signal changed; the drift names its policy and the change in held-back rows."""
    import pyarrow as pa

    _ingest(ws, tmp_path, "six", [{"text": f"ticket number {i} about a card"} for i in range(6)])
    ids = sorted(ws.documents().column("doc_id").to_pylist())

    def pii(uncovered, failed=()):
        cols = {"doc_id": ids, "pii_text": [f"ticket {i}" for i in range(6)],
                "pii_covered": [i not in uncovered for i in range(6)],
                "pii_error": ["ValueError at x.py:1" if i in failed else None for i in range(6)]}
        ws.write_signal("pii", pa.table(cols), replace=True)

    pii({0})
    a = ws.create_snapshot("s")
    pii({0, 1}, failed={2})
    b = ws.create_snapshot("s")
    assert (a.held_back, b.held_back) == (1, 3)
    policy = AuditPolicy.model_validate({"name": "drift-policy", "gates": {"max_residual_pii": None}})
    ra = audit_snapshot(ws, "s@1", policy, tmp_path / "a")
    assert ra.metrics["composition"]["removed"] == {"pii_not_covered (no PII result)": 1}
    rb = audit_snapshot(ws, "s@2", policy, tmp_path / "b")
    assert rb.metrics["composition"]["removed"] == {"pii_not_covered (no PII result)": 2, "stage error (pii)": 1}
    drift = compare_snapshots(ws, "s@1", "s@2", policy, tmp_path / "d")
    assert drift["policy"] == "drift-policy"
    assert drift["held_back"] == {"a": 1, "b": 3, "delta": 2}
    assert drift["left_out"]["stage error (pii)"] == {"a": 0, "b": 1, "delta": 1}
    md = (tmp_path / "d" / "summary.md").read_text()
    assert "policy: drift-policy" in md and "held back: 1 → 3" in md


def test_fairness_reads_a_label_field_ingested_into_meta(ws, tmp_path):
    rows = ([{"text": f"She asked about her loan {i}", "label": "approve" if i < 5 else "reject"} for i in range(20)]
            + [{"text": f"He asked about his loan {i}", "label": "approve" if i < 15 else "reject"} for i in range(20)])
    _ingest(ws, tmp_path, "labelled", rows)
    ws.create_snapshot("lab", text="raw", allow_raw=True)
    policy = AuditPolicy.model_validate({"fairness": {"label_field": "label", "favorable_label": "approve"},
                                         "gates": {"max_residual_pii": None}})
    f = audit_snapshot(ws, "lab", policy, tmp_path / "f").metrics["fairness"]
    assert f["available"] and f["label_field"] == "meta.label"
    assert f["axes"]["gender"]["parity_difference"] == pytest.approx(0.5)  # 15/20 - 5/20


def test_audit_reports_progress_step_by_step(ws, tmp_path):
    from curate.audit.runs import audit_steps

    _ingest(ws, tmp_path, "p", [{"text": f"ticket {i} about my card"} for i in range(5)])
    ws.create_snapshot("p", text="raw", allow_raw=True)
    ws.create_snapshot("p", text="raw", allow_raw=True)
    steps: list[int] = []
    audit_snapshot(ws, "p@1", AuditPolicy(), tmp_path / "a", progress=steps.append)
    assert steps == [1] * audit_steps() and audit_steps() == 8  # snapshot read + 7 sections
    steps.clear()
    compare_snapshots(ws, "p@1", "p@2", AuditPolicy(), tmp_path / "c", progress=steps.append)
    assert sum(steps) == 2 * audit_steps()


def test_a_filter_holding_an_identifier_fails_the_audit_and_is_redacted_in_every_report_file(ws, tmp_path):
    """A newcomer's ``--where "text LIKE '%9845012345%'"`` was kept verbatim in report.html/report.json and the
    audit passed (residual 0), so the snapshot could be approved and its manifest published. The phone is valid
    per libphonenumber (the oracle), written two ways."""
    import phonenumbers

    phone = "9845012345"
    assert phonenumbers.is_valid_number(phonenumbers.parse(phone, "IN"))
    _ingest(ws, tmp_path, "t", [{"text": f"ticket {i} about a failed UPI payment"} for i in range(10)])
    for k, where in enumerate([f"text LIKE '%{phone}%' OR source_row > 0",
                               f"meta->>'mobile' IS DISTINCT FROM '+91-{phone[:5]}-{phone[5:]}'"]):
        ws.create_snapshot(f"s{k}", text="raw", where=where)
        res = audit_snapshot(ws, f"s{k}@1", AuditPolicy(), tmp_path / f"out{k}")
        assert not res.passed and "max_residual_pii" in res.failed_gates
        for f in (tmp_path / f"out{k}").iterdir():
            if f.suffix in (".html", ".json", ".md"):
                body = f.read_text()
                assert phone[:5] not in body and phone[5:] not in body, f.name
        data = json.loads((tmp_path / f"out{k}" / "report.json").read_text())
        assert data["pii"]["snapshot_filter"]["by_type"] == {"IN_PHONE": 1} and "<IN_PHONE>" in data["datacard"]["selection"]
    # an ordinary filter stays as written
    ws.create_snapshot("plain", text="raw", where="source_row > 2")
    data_ok = audit_snapshot(ws, "plain@1", AuditPolicy(), tmp_path / "plain")
    assert json.loads((tmp_path / "plain" / "report.json").read_text())["datacard"]["selection"] == "source_row > 2"
    assert "snapshot_filter" not in json.loads((tmp_path / "plain" / "report.json").read_text())["pii"]
    assert data_ok is not None
