"""Approvals: a steward approves an audited snapshot; export and training refuse anything else
unless an explicit override (issue: team workspace, approvals that gate training)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from curate.approvals import approval_state, approve, require_approved
from curate.audit.runs import audit_snapshot
from curate.audit.policy import AuditPolicy
from curate.errors import PolicyError

from .conftest import write_jsonl


@pytest.fixture
def audited(ws, tmp_path):
    src = write_jsonl(tmp_path / "t.jsonl",
                      [{"text": f"My card {i} is blocked, please help me today"} for i in range(12)]
                      + [{"text": "Call me on 9876543210 about the refund"}])
    ws.ingest([src])
    ws.run_stage("langid")
    ws.run_stage("pii")
    ws.create_snapshot("support", text="anonymized")
    return ws


def _audit(ws, ref, tmp_path, **gates):
    policy = AuditPolicy.model_validate({"name": "test", "gates": gates})
    return audit_snapshot(ws, ref, policy, out_dir=tmp_path / f"audit-{len(os.listdir(tmp_path))}")


def test_no_approval_without_a_passing_audit(audited, tmp_path):
    assert approval_state(audited, "support")["state"] == "unapproved"
    with pytest.raises(PolicyError, match="no audit"):
        approve(audited, "support@1", by="steward")
    # a gate that must fail on this data: a required language that is not there
    assert not _audit(audited, "support@1", tmp_path, required_languages=["ta"]).passed
    with pytest.raises(PolicyError, match="latest audit failed"):
        approve(audited, "support@1", by="steward")
    assert approval_state(audited, "support@1")["state"] == "audit_failed"


def test_approved_then_a_failed_audit_withdraws_it(audited, tmp_path):
    assert _audit(audited, "support@1", tmp_path).passed
    state = approve(audited, "support@1", by="steward", note="checked")
    assert state["state"] == "approved" and state["approval"]["by"] == "steward"
    assert require_approved(audited, "support@1", "export")["override"] is False
    assert any(e["kind"] == "approval" for e in audited.lineage("support@1"))
    assert not _audit(audited, "support@1", tmp_path, required_languages=["ta"]).passed
    with pytest.raises(PolicyError, match="training refused: snapshot support@1 failed its latest audit"):
        require_approved(audited, "support@1", "training")
    assert require_approved(audited, "support@1", "training", override=True)["override"] is True


def test_approval_is_per_version_and_can_be_revoked(audited, tmp_path):
    assert _audit(audited, "support@1", tmp_path).passed
    approve(audited, "support@1", by="steward")
    audited.create_snapshot("support", text="anonymized", where="length(text) > 0")
    with pytest.raises(PolicyError, match="support@2 has not been approved"):
        require_approved(audited, "support", "export")  # NAME means the latest version
    approve(audited, "support@1", by="steward", revoke=True)
    assert approval_state(audited, "support@1")["state"] == "revoked"


def test_raw_snapshots_cannot_be_approved(ws, tickets):
    ws.ingest([tickets])
    ws.create_snapshot("rawsnap", text="raw", allow_raw=True)
    with pytest.raises(PolicyError, match="only anonymized snapshots"):
        approve(ws, "rawsnap", by="steward")


def test_cli_approve_and_list(audited, tmp_path):
    assert _audit(audited, "support@1", tmp_path).passed
    path = str(audited.path)
    audited.close()
    run = lambda *a: subprocess.run([sys.executable, "-m", "curate.cli.main", *a, "-w", path],  # noqa: E731
                                    capture_output=True, text=True, timeout=300)
    out = run("snapshot", "approve", "support@1", "--by", "asha", "--json")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["state"] == "approved"
    listed = json.loads(run("snapshot", "list", "--json").stdout)
    assert [m["approval"] for m in listed] == ["approved"]
    refused = run("snapshot", "approve", "nosuch")
    assert refused.returncode == 2 and refused.stderr.startswith("error: ")
