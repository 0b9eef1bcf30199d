"""Runs as data: training on a snapshot records the run, its lineage and the PII-policy decision."""

from __future__ import annotations

import json

import pytest
import torch

from curate.errors import CurateError, PolicyError
from tests.train.sft_kit import build_workspace, fast_config
from train.runs import get_run, list_runs, merge_run, train_on_snapshot


def test_completed_run_is_recorded_with_everything_needed_to_reproduce_it(shared_run, shared_ws):
    run = get_run(shared_ws, "r1")
    manifest = shared_ws.snapshot("sft").manifest
    assert run["status"] == "completed" and run["snapshot_ref"] == "sft@1"
    assert run["snapshot_version"] == 1 and run["snapshot_content_hash"] == manifest.content_hash
    assert run["config"]["mode"] == "lora" and run["config"]["lora"]["r"] == 16
    assert run["library_versions"]["torch"] == torch.__version__ and run["library_versions"]["peft"]
    assert run["code_version"] and run["started_at"] <= run["finished_at"]
    assert run["metrics"]["last_logged_loss"] < run["metrics"]["first_logged_loss"]
    assert len(run["adapter_sha256"]) == 64 and run["pii_override"] is False
    # The run trained on the export's train split only; test rows stayed held out.
    data = shared_run["root"] / "runs" / "r1" / "data"
    assert {p.name for p in data.glob("*.parquet")} == {"train.parquet", "validation.parquet", "test.parquet"}
    assert run["data_report"]["train"]["examples"] < manifest.row_count
    # Append-only history: a 'running' row, then the 'completed' one; list shows the latest.
    states = [r["status"] for r in shared_ws.get_table("runs").to_pylist() if r["run_id"] == "r1"]
    assert states == ["running", "completed"]
    assert [r["run_id"] for r in list_runs(shared_ws)] == ["r1"]


def test_lineage_links_run_to_snapshot_version(shared_ws):
    edges = [e for e in shared_ws.lineage("r1") if e["kind"] == "run"]
    assert len(edges) == 1 and edges[0]["parent"] == "sft@1"
    details = edges[0]["details"]
    assert details["content_hash"] == shared_ws.snapshot("sft@1").manifest.content_hash
    assert details["adapter_sha256"] == get_run(shared_ws, "r1")["adapter_sha256"]


def test_snapshot_without_pii_approval_is_refused_then_override_is_recorded(tmp_path, tiny_base):
    ws = build_workspace(tmp_path)
    try:
        assert ws.snapshot("sft_raw").manifest.pii_policy_passed is False
        with pytest.raises(PolicyError, match="PII policy"):
            train_on_snapshot(ws, "sft_raw", str(tiny_base), tmp_path / "runs" / "raw", fast_config(max_steps=1),
                              progress=False)
        ws.create_snapshot("sft", text="anonymized", where="length(text) > 0")  # sft@2: nobody approved it
        with pytest.raises(PolicyError, match="training refused: snapshot sft@2 has not been approved"):
            train_on_snapshot(ws, "sft@2", str(tiny_base), tmp_path / "runs" / "unapproved",
                              fast_config(max_steps=1), progress=False)
        assert ws.get_table("runs") is None and not (tmp_path / "runs" / "raw").exists()  # refused before any work
        run = train_on_snapshot(ws, "sft_raw", str(tiny_base), tmp_path / "runs" / "raw", fast_config(max_steps=1),
                                allow_unapproved=True, progress=False)
        assert run["status"] == "completed" and run["pii_override"] is True
        kinds = {e["kind"]: e for e in ws.lineage("raw")}
        assert kinds["pii_override"]["parent"] == "sft_raw@1" and kinds["run"]["details"]["pii_override"] is True
        assert kinds["approval_override"]["details"]["approval_state"] == "unapproved"
        with pytest.raises(CurateError, match="already exists"):
            train_on_snapshot(ws, "sft@1", str(tiny_base), tmp_path / "runs" / "raw", fast_config(max_steps=1),
                              progress=False)
        with pytest.raises(CurateError, match="cannot resume"):  # a resumed run must see the same data
            train_on_snapshot(ws, "sft@1", str(tiny_base), tmp_path / "runs" / "raw", fast_config(max_steps=2),
                              resume=True, progress=False)
        resumed = train_on_snapshot(ws, "sft_raw", str(tiny_base), tmp_path / "runs" / "raw", fast_config(max_steps=2),
                                    allow_unapproved=True, resume=True, progress=False)
        assert resumed["metrics"]["resumed_from"].endswith("checkpoint-1") and resumed["metrics"]["global_steps"] == 2
    finally:
        ws.close()


def test_failed_run_is_recorded_as_failed(tmp_path):
    ws = build_workspace(tmp_path)
    # A model folder that looks complete but does not load: a missing folder is now refused before the run is
    # recorded (test_train_cli_checks), so the failure this test records must come from loading itself.
    broken = tmp_path / "broken-model"
    broken.mkdir()
    for name in ("config.json", "tokenizer_config.json"):
        (broken / name).write_text("{}")
    try:
        with pytest.raises(CurateError, match="cannot load"):
            train_on_snapshot(ws, "sft", str(broken), tmp_path / "runs" / "bad",
                              fast_config(max_steps=1), progress=False)
        run = get_run(ws, "bad")
        assert run["status"] == "failed" and "cannot load" in run["error"]
        with pytest.raises(CurateError, match="only completed runs"):
            merge_run(ws, "bad")
    finally:
        ws.close()


def test_merge_gives_a_plain_model_with_the_adapters_outputs(shared_run, shared_ws, tmp_path):
    from transformers import AutoModelForCausalLM

    from train.model import load_with_adapter

    info = merge_run(shared_ws, "r1", tmp_path / "merged")
    merged = AutoModelForCausalLM.from_pretrained(info["path"])
    assert not any("lora" in name for name, _ in merged.named_parameters())
    run = get_run(shared_ws, "r1")
    with_adapter = load_with_adapter(run["base_model"], run["adapter_path"], "lora", fast_config("lora"), "cpu")
    ids = torch.tensor([[1, 5, 9, 12, 40]])
    with torch.no_grad():
        assert torch.allclose(merged(input_ids=ids).logits, with_adapter(input_ids=ids).logits, atol=1e-4)
    assert any(e["kind"] == "merge" and e["parent"] == "r1" for e in shared_ws.lineage("r1"))
    assert json.loads((tmp_path / "merged" / "config.json").read_text())["model_type"] == "llama"
