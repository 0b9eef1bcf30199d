"""The CLI: `curate train SNAPSHOT …` (default command), `curate train merge`, `curate runs list/show`."""

from __future__ import annotations

import json

from click.testing import CliRunner

from curate.cli.main import cli
from tests.train.sft_kit import build_workspace


def _invoke(*args, env=None):
    return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False, standalone_mode=False)


def test_train_snapshot_then_runs_list_and_show(tmp_path, tiny_base):
    build_workspace(tmp_path).close()
    cfg = tmp_path / "train.yaml"
    cfg.write_text("mode: lora\nseed: 0\ndata:\n  max_seq_len: 128\n  splits: {train: 0.7, validation: 0.1, test: 0.2}\n"
                   "training:\n  batch_size: 8\n  grad_accum: 1\n  logging_steps: 1\n  eval_steps: 5\n"
                   "  gradient_checkpointing: false\n")
    ws = str(tmp_path / "ws")
    res = _invoke("train", "sft@1", "--base-model", str(tiny_base), "--output", str(tmp_path / "runs" / "cli1"),
                  "--config", str(cfg), "--max-steps", "2", "--lr", "0.01", "--no-progress", "--workspace", ws, "--json")
    out = json.loads(res.stdout)
    assert out["status"] == "completed" and out["snapshot_ref"] == "sft@1" and out["metrics"]["global_steps"] == 2
    listed = json.loads(_invoke("runs", "list", "--json", env={"CURATE_WORKSPACE": ws}).stdout)
    assert [r["run_id"] for r in listed] == ["cli1"]
    shown = json.loads(_invoke("runs", "show", "cli1", "--json", "--workspace", ws).stdout)
    assert shown["config"]["training"]["max_steps"] == 2 and shown["config"]["training"]["learning_rate"] == 0.01
    assert any(e["kind"] == "run" for e in shown["lineage"])


def test_cli_errors_are_one_line_with_policy_exit_code(tmp_path, tiny_base, monkeypatch, capsys):
    import sys

    import pytest

    from curate.cli.main import main

    build_workspace(tmp_path).close()
    monkeypatch.setattr(sys, "argv", ["curate", "train", "sft_raw", "--base-model", str(tiny_base),
                                      "--output", str(tmp_path / "runs" / "x"), "--workspace", str(tmp_path / "ws")])
    with pytest.raises(SystemExit) as exc:
        main()
    assert exc.value.code == 4  # PolicyError
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.startswith("error:")]
    assert len(lines) == 1 and "--allow-pii-unapproved" in lines[0] and "Traceback" not in err
