"""`curate eval RUN`: base vs adapter on the run's held-out split, per language, with report, record and gates."""

from __future__ import annotations

import json

import pytest

from curate.errors import PolicyError
from eval.config import EvalConfig
from eval.runs import eval_run

FAST = EvalConfig(max_new_tokens=16, max_samples=16, samples_per_language=2)
REFERENCE = ("The bank opens at nine. Customers may update their address online. "
             "बैंक नौ बजे खुलता है। ग्राहक अपना पता ऑनलाइन बदल सकते हैं। ") * 4


@pytest.fixture(scope="module")
def report(shared_run, tmp_path_factory):
    from curate import Workspace

    ref = tmp_path_factory.mktemp("ref") / "general.txt"
    ref.write_text(REFERENCE, encoding="utf-8")
    with Workspace(shared_run["ws_path"]) as ws:
        return eval_run(ws, "r1", split="test", reference=ref, cfg=FAST,
                        gates=["adapter_beats_base.loss:0.1", "every_language.adapter_beats_base:0.0"])


def test_adapter_beats_base_in_every_language(report):
    assert report["languages"] == ["en", "hi"] and report["eval_snapshot"] == "sft@1"
    for lang in ("overall", "en", "hi"):
        m = report["metrics"][lang]
        assert m["n"] > 0
        # Memorisable task: the adapter's held-out loss is far below a random base's,
        # and its greedy answers overlap the references where the base's do not.
        assert m["adapter"]["loss"] < m["base"]["loss"] - 0.3, (lang, m)
        assert m["adapter"]["token_f1"] > m["base"]["token_f1"] + 0.1, (lang, m)
        assert m["adapter"]["perplexity"] < m["base"]["perplexity"]
    assert report["metrics"]["overall"]["n"] == report["metrics"]["en"]["n"] + report["metrics"]["hi"]["n"]
    assert report["structured_keys"] == ["intent", "lang"]  # references are JSON: format adherence scored
    assert "format_adherence" in report["metrics"]["overall"]["adapter"]
    assert all(g["passed"] for g in report["gates"])


def test_test_split_was_held_out_from_training(shared_run):
    import pyarrow.parquet as pq

    data = shared_run["root"] / "runs" / "r1" / "data"
    train_ids = set(pq.read_table(data / "train.parquet").column("id").to_pylist())
    test_ids = set(pq.read_table(data / "test.parquet").column("id").to_pylist())
    assert test_ids and not (train_ids & test_ids)


def test_report_files_samples_and_forgetting(report):
    html = open(report["paths"]["html"], encoding="utf-8").read()
    assert "data:image/png;base64," in html and "<script" not in html
    assert json.loads(open(report["paths"]["json"], encoding="utf-8").read())["metrics"] == report["metrics"]
    assert {s["lang"] for s in report["samples"]} == {"en", "hi"}
    assert all({"prompt", "reference", "base", "adapter"} <= set(s) for s in report["samples"])
    fg = report["forgetting"]
    assert fg["tokens"] > 0 and fg["base_perplexity"] > 1 and fg["adapter_perplexity"] > 1
    assert fg["perplexity_increase"] is not None


def test_eval_is_recorded_with_lineage(report, shared_ws):
    evals = [e for e in shared_ws.get_table("evals").to_pylist() if e["run_id"] == "r1"]
    assert evals and evals[0]["passed"] and json.loads(evals[0]["per_language"]).keys() == {"en", "hi"}
    assert any(e["kind"] == "eval" and e["parent"] == "r1" for e in shared_ws.lineage("r1"))


def test_failing_gate_raises_policy_error_but_keeps_the_record(shared_run, shared_ws, tmp_path):
    before = shared_ws.get_table("evals")
    n_before = before.num_rows if before is not None else 0
    with pytest.raises(PolicyError, match="gate"):
        eval_run(shared_ws, "r1", gates=["adapter_beats_base.loss:1000"], output=tmp_path / "ev",
                 cfg=EvalConfig(max_new_tokens=4, max_samples=4))
    rows = shared_ws.get_table("evals").to_pylist()
    assert len(rows) == n_before + 1 and rows[-1]["passed"] is False
    assert (tmp_path / "ev" / "eval.html").exists()


def test_cli_eval_json(shared_run, tmp_path):
    from click.testing import CliRunner

    from curate.cli.main import cli

    res = CliRunner().invoke(cli, ["eval", "r1", "--max-samples", "4", "--max-new-tokens", "4", "--output",
                                   str(tmp_path / "cli"), "--workspace", str(shared_run["ws_path"]), "--json",
                                   "--gate", "adapter_beats_base.loss:0"], catch_exceptions=False)
    out = json.loads(res.stdout)
    assert out["n_items"] == 4 and out["gates"][0]["passed"] and set(out["metrics"]) == {"overall", "en", "hi"}


def test_small_samples_are_stated_with_intervals(report):
    """A handful of held-out items no longer passes a gate without a word: warning, n and 95% intervals."""
    n = report["n_items"]
    assert n < 30 and any(f"only {n} held-out items" in w for w in report["warnings"])
    assert all(g["n"] == report["metrics"]["overall"]["n"] or g["gate"].startswith("every_language")
               for g in report["gates"])
    assert all("warning" in g for g in report["gates"])
    ci = report["metrics"]["overall"]["ci95"]
    lo, hi = ci["adapter"]["token_f1"]
    assert lo <= report["metrics"]["overall"]["adapter"]["token_f1"] <= hi
    dlo, dhi = ci["delta"]["loss"]
    assert dlo <= report["metrics"]["overall"]["delta"]["loss"] <= dhi
    html = open(report["paths"]["html"], encoding="utf-8").read()
    assert "warning: only" in html
