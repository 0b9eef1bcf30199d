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
    assert data["composition"]["removed"] == {"other (selection)": 60}  # the prod documents are not in train
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
