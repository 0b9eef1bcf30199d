"""The newcomer's path through the CLI: ingest chats (one calls a tool), clean + pii, snapshot, audit, approve,
build the tiny model, train, evaluate. Every chat trains; every skipped row is printed with its reason; bad
arguments are one-line errors that leave nothing behind; the tokenizer never learns a raw identifier.

Oracles: the hand-written chats; identifiers generated with python-stdnum (Aadhaar: Verhoeff check digit, PAN)
and phonenumbers (an Indian mobile it calls valid), planted in the raw sources.
"""

from __future__ import annotations

import json
import random
import sys

import pytest
from click.testing import CliRunner

from curate.cli.main import cli, main
from tests.train.test_train_messages_forms import CHATS


def _identifiers(seed: int = 7) -> dict[str, str]:
    import phonenumbers
    from stdnum import verhoeff
    from stdnum.in_ import aadhaar, pan

    rng = random.Random(seed)
    while True:
        body = str(rng.randint(2, 9)) + "".join(str(rng.randint(0, 9)) for _ in range(10))
        a = body + verhoeff.calc_check_digit(body)
        if aadhaar.is_valid(a):
            break
    while True:
        p = str(rng.choice("6789")) + "".join(str(rng.randint(0, 9)) for _ in range(9))
        if phonenumbers.is_valid_number(phonenumbers.parse("+91" + p)):
            break
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    while True:
        pn = "".join(rng.choice(letters) for _ in range(3)) + "P" + rng.choice(letters) + \
             "".join(str(rng.randint(0, 9)) for _ in range(4)) + rng.choice(letters)
        if pan.is_valid(pn):
            break
    return {"aadhaar": a, "phone": p, "pan": pn}


IDS = _identifiers()
# What a byte-level BPE keeps of each as a vocabulary entry: a digit run whole; a PAN's letters and digits apart
# (the pre-tokenizer splits letters from digits), so its five leading letters.
IN_VOCAB = {"aadhaar": IDS["aadhaar"], "phone": IDS["phone"], "pan": IDS["pan"][:5]}
PII_CHATS = [
    [{"role": "user", "content": f"My Aadhaar number is {IDS['aadhaar']}, please link it to my account."},
     {"role": "assistant", "content": "Your Aadhaar is now linked to the account."}],
    [{"role": "user", "content": f"Call me on my mobile {IDS['phone']} about the loan."},
     {"role": "assistant", "content": "Our loan officer will call you today."}],
    [{"role": "user", "content": f"My PAN is {IDS['pan']}, update it for TDS."},
     {"role": "assistant", "content": "Your PAN is updated for TDS."}],
]
PLAIN = ["Branch feedback: the Andheri branch queue was long today.", "Note: customer asked about locker rent."]


def _invoke(*args):
    res = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return res


def _exit(monkeypatch, capsys, *args) -> tuple[int, str]:
    """Run ``curate ARGS`` as the console script does: its exit code and stderr."""
    monkeypatch.setattr(sys, "argv", ["curate", *args])
    with pytest.raises(SystemExit) as exc:
        main()
    return exc.value.code, capsys.readouterr().err


@pytest.fixture(scope="module")
def ws_dir(tmp_path_factory):
    """Workspace with snapshot c@1 (anonymized by the real pii stage), audited but NOT approved yet."""
    from curate import Workspace
    from curate.audit.policy import AuditPolicy
    from curate.audit.runs import audit_snapshot

    root = tmp_path_factory.mktemp("cli_checks")
    src = root / "chats.jsonl"
    lines = [{"messages": c} for c in CHATS + PII_CHATS] + [{"text": t} for t in PLAIN]
    src.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in lines), encoding="utf-8")
    ws = Workspace.init(root / "ws")
    try:
        ws.ingest([src])
        ws.run_stage("clean")
        ws.run_stage("pii", {"nlp": "none"})
        ws.create_snapshot("c", text="anonymized")
        policy = AuditPolicy.model_validate({"name": "t", "gates": {"max_residual_pii": None}})
        assert audit_snapshot(ws, "c@1", policy, out_dir=root / "audit").passed
        text = "\n".join(str(v) for v in ws.snapshot("c@1").table().to_pylist())
        raw = "\n".join(ws.documents().column("text").to_pylist())
    finally:
        ws.close()
    # Preconditions (the pii stage's job, tested in tests/pii): the raw zone holds the values, the snapshot none.
    assert all(v in raw for v in IDS.values())
    assert not [k for k, v in IDS.items() if v in text], "the pii stage left an identifier in the snapshot"
    return root


def test_tokenizer_is_refused_without_an_approved_snapshot_then_the_override_is_recorded(ws_dir, monkeypatch,
                                                                                           capsys):
    ws = str(ws_dir / "ws")
    out = ws_dir / "tiny-refused"
    code, err = _exit(monkeypatch, capsys, "train", "tiny-model", str(out), "-w", ws)
    errors = [line for line in err.splitlines() if line.startswith("error:")]
    assert code == 4 and len(errors) == 1 and "--allow-pii-unapproved" in errors[0] and "Traceback" not in err
    assert not out.exists()
    code, err = _exit(monkeypatch, capsys, "train", "tiny-model", str(out), "--snapshot", "c@1", "-w", ws)
    assert code == 4 and "has not been approved" in err and not out.exists()
    # The explicit override: raw documents, recorded. The raw identifiers are then in the vocabulary, which is
    # what the default must never do (and what the old default did).
    raw_tok = ws_dir / "tiny-raw"
    res = _invoke("train", "tiny-model", str(raw_tok), "--allow-pii-unapproved", "-w", ws, "--json")
    assert json.loads(res.stdout)["source"] == "documents" and "override recorded" in res.stderr
    vocab = (raw_tok / "tokenizer.json").read_text(encoding="utf-8")
    assert all(v in vocab for v in IN_VOCAB.values())
    from curate import Workspace

    with Workspace(ws) as w:
        edges = [e for e in w.lineage(str(raw_tok.resolve())) if e["kind"] == "pii_override"]
    assert edges and edges[0]["parent"] == "documents" and edges[0]["details"]["artifact"] == "tokenizer"


@pytest.fixture(scope="module")
def approved(ws_dir):
    from curate import Workspace
    from curate.approvals import approve

    with Workspace(ws_dir / "ws") as ws:
        approve(ws, "c@1", by="steward")
    res = _invoke("train", "tiny-model", str(ws_dir / "tiny"), "-w", str(ws_dir / "ws"), "--json")
    assert json.loads(res.stdout)["source"] == "c@1"
    return ws_dir


def test_default_tokenizer_learns_no_raw_identifier(approved):
    vocab = (approved / "tiny" / "tokenizer.json").read_text(encoding="utf-8")
    assert [k for k, v in IN_VOCAB.items() if v in vocab] == []


@pytest.fixture(scope="module")
def trained(approved):
    cfg = approved / "train.yaml"
    cfg.write_text("data:\n  splits: {train: 1.0}\ntraining:\n  gradient_checkpointing: false\n")
    res = CliRunner().invoke(cli, ["train", "c@1", "--base-model", str(approved / "tiny"), "--output",
                                   str(approved / "runs" / "r1"), "--config", str(cfg), "--max-steps", "1",
                                   "--device", "cpu", "--no-progress", "-w", str(approved / "ws"), "--json"],
                             catch_exceptions=False)
    return approved, json.loads(res.stdout), res.stderr


def test_every_chat_trains_and_every_skipped_row_is_printed(trained):
    root, run, err = trained
    data = run["data_report"]["train"]
    # 7 chats (one calls a tool) train; the 2 plain-text rows have no target and are printed, with their ids.
    assert run["status"] == "completed" and data["rows"] == 9 and data["examples"] == 7
    assert data["skipped_by_reason"] == {"no_target": 2}
    ids = [s["id"] for s in data["skipped"]]
    warning = [line for line in err.splitlines() if "train rows skipped" in line]
    assert len(warning) == 1 and "2 of 9 train rows skipped" in warning[0] and all(i in err for i in ids)
    on_disk = json.loads((root / "runs" / "r1" / "data_report.json").read_text())
    assert on_disk["train"]["skipped_by_reason"] == {"no_target": 2}
    adapter_vocab = (root / "runs" / "r1" / "adapter" / "tokenizer.json").read_text(encoding="utf-8")
    assert [k for k, v in IN_VOCAB.items() if v in adapter_vocab] == []


def test_eval_reads_the_same_rows(trained):
    root, run, _ = trained
    res = _invoke("eval", "r1", "--split", "train", "--device", "cpu", "--max-new-tokens", "2", "--min-samples", "1",
                  "-w", str(root / "ws"), "--json")
    rep = json.loads(res.stdout)
    assert rep["n_items"] == 7
    assert any("2 of 9 train rows skipped" in w for w in rep["warnings"])


def test_bad_arguments_are_one_line_errors_that_leave_nothing_behind(trained, monkeypatch, capsys):
    root, _, _ = trained
    ws = str(root / "ws")
    empty = root / "not-a-model"
    empty.mkdir()
    a_file = root / "a-file"
    a_file.write_text("")
    cases = [
        (["train", "c@1", "--base-model", "/nonexistent", "--output", str(root / "runs" / "x1")],
         "error: no such model folder: /nonexistent"),
        (["train", "c@1", "--base-model", str(empty), "--output", str(root / "runs" / "x2")],
         f"error: {empty} is not a model folder (no config.json)"),
        (["train", "nosuch@1", "--base-model", str(root / "tiny"), "--output", str(root / "runs" / "x3")],
         "error: no snapshot 'nosuch@1'"),
        (["train", "c@1", "--base-model", str(root / "tiny"), "--output", str(root / "runs" / "x4"), "--resume"],
         "error: cannot resume run 'x4': no such run"),
        (["eval", "r1", "--split", "validation"], "error: unknown split 'validation' for run 'r1' (splits: train)"),
        (["eval", "nosuch"], "error: no run 'nosuch'"),
        (["train", "c@1", "--base-model", str(root / "tiny"), "--output", str(a_file / "x5")],
         f"error: cannot create the run folder {a_file / 'x5'}: Not a directory"),
        (["eval", "r1", "--split", "train", "--output", str(a_file / "report")],
         f"error: cannot create the report folder {a_file / 'report'}: Not a directory"),
    ]
    for args, want in cases:
        code, err = _exit(monkeypatch, capsys, *args, "-w", ws)
        errors = [line for line in err.splitlines() if line.startswith("error:")]
        assert code == 2 and len(errors) == 1 and errors[0].startswith(want), (args, err)
        assert "Traceback" not in err and "training run" not in err, args
    assert sorted(p.name for p in (root / "runs").iterdir()) == ["r1"]
    from curate import Workspace
    from train.runs import list_runs

    with Workspace(ws) as w:
        assert [r["run_id"] for r in list_runs(w)] == ["r1"]
    adapter = root / "runs" / "r1" / "adapter"
    adapter.rename(root / "moved-adapter")
    try:
        code, err = _exit(monkeypatch, capsys, "eval", "r1", "--split", "train", "-w", ws)
        assert code == 2 and f"error: adapter of run 'r1' not found: {adapter} (moved or deleted?)" in err
    finally:
        (root / "moved-adapter").rename(adapter)
