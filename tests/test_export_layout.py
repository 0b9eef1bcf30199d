"""Trainer-ready exports: what `datasets` and TRL read as they are, internal columns only on request.

Oracles: the rows the test wrote (messages, instruction/input/output) and the tokenizer's own chat template
(transformers' ``apply_chat_template``), never curate's rendering.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import datasets
import pyarrow as pa
import pytest

from curate.errors import CurateError
from tests.conftest import source_label, write_jsonl

CHATS = [{"messages": [{"role": "system", "content": "You are a bank's support agent."},
                       {"role": "user", "content": f"my card {i} is blocked"},
                       {"role": "assistant", "content": f"card {i} is unblocked now"},
                       {"role": "user", "content": "thanks, और मेरा रिफंड?"},
                       {"role": "assistant", "content": f"refund {i} reaches you in 3 days"}]} for i in range(24)]
SFT = [{"instruction": "Classify the ticket.", "input": f"UPI payment {i} failed, paise kat gaye",
        "output": json.dumps({"intent": "refund", "n": i})} for i in range(24)]
SFT_NO_INPUT = [{"instruction": f"Write a greeting number {i}.", "output": f"Namaste {i}!"} for i in range(6)]
TEXT = [{"text": f"plain support note {i} about a branch visit"} for i in range(24)]
MESSAGE_FEATURE = datasets.List({"role": datasets.Value("string"), "content": datasets.Value("string")})


@pytest.fixture(scope="module")
def shaped(tmp_path_factory):
    """A workspace with chat, SFT and plain-text rows, and one raw snapshot per mix."""
    from curate import Workspace

    root = tmp_path_factory.mktemp("shaped")
    ws = Workspace.init(root / "ws")
    key = ws.secrets_dir / "pii.key"  # a fixed key: the keyed ids, hence the splits, are the same every session
    key.write_text("export-layout-fixed-key-0123456789\n")
    key.chmod(0o600)
    ws.ingest([write_jsonl(root / "chat.jsonl", CHATS), write_jsonl(root / "sft.jsonl", SFT + SFT_NO_INPUT),
               write_jsonl(root / "notes.jsonl", TEXT)])
    ids = [r[0] for r in ws.con.execute("SELECT doc_id FROM lake.documents ORDER BY doc_id").fetchall()]
    # An internal signal and a raw-text fingerprint beside the documents.
    ws.write_signal("toy", pa.table({"doc_id": ids, "lang": ["hi"] * len(ids),
                                     "toy_signature": [f"sig{i}" for i in range(len(ids))]}))
    for name, where in (("chat", "messages IS NOT NULL"), ("sft", "instruction IS NOT NULL"),
                        ("notes", "messages IS NULL AND instruction IS NULL"),
                        ("convo", "messages IS NOT NULL OR instruction IS NOT NULL"), ("all", None)):
        ws.create_snapshot(name, text="raw", where=where)
    yield ws, root
    ws.close()


def _export(ws, ref, fmt, out, **kw):
    return ws.export(ref, fmt, out, allow_raw=True, contamination="ignore", **kw)


def _rows(res) -> list[dict]:
    dd = datasets.load_from_disk(res["path"])
    return [r for split in dd for r in dd[split]]


def _no_local_paths(out: Path, root: Path) -> None:
    for f in (p for p in out.rglob("*") if p.is_file()):
        blob = f.read_bytes()
        assert str(root).encode() not in blob and b"toy_signature" not in blob and b"sig1" not in blob, f


def test_chat_export_is_native_conversational_in_every_format(shaped, tmp_path):
    ws, root = shaped
    expected = {json.dumps(c["messages"], sort_keys=True) for c in CHATS}
    want = {"id": datasets.Value("string"), "messages": MESSAGE_FEATURE, "split": datasets.Value("string")}
    for fmt in ("hf", "jsonl", "parquet"):
        out = tmp_path / fmt
        res = _export(ws, "chat", fmt, out)
        assert res["layout"] == "messages" and res["columns"] == ["id", "messages", "split"]
        if fmt == "hf":
            dd = datasets.load_from_disk(res["path"])
        else:  # the generic loaders, straight from the files
            files = {s: str(out / f"{s}.{fmt}") for s, n in res["counts"].items() if n}
            dd = datasets.load_dataset("json" if fmt == "jsonl" else "parquet", data_files=files)
        got = []
        for split in dd:
            assert dict(dd[split].features) == want, (fmt, dd[split].features)
            assert set(dd[split]["split"]) == {split}
            got += [json.dumps(m, sort_keys=True) for m in dd[split]["messages"]]
        assert sorted(got) == sorted(expected)
        _no_local_paths(out, root)


def test_sft_layout_and_conversations_from_sft_rows(shaped, tmp_path):
    ws, _ = shaped
    res = _export(ws, "sft", "hf", tmp_path / "sft")
    assert res["layout"] == "sft" and res["columns"] == ["id", "instruction", "input", "output", "split"]
    rows = _rows(res)
    assert sorted((r["instruction"], r["input"], r["output"]) for r in rows) == sorted(
        (s["instruction"], s.get("input"), s["output"]) for s in SFT + SFT_NO_INPUT)
    # Chats and SFT rows together: one conversational column, SFT rows as user/assistant turns.
    res = _export(ws, "convo", "hf", tmp_path / "convo")
    assert res["layout"] == "messages" and res["columns"] == ["id", "messages", "split"]
    got = sorted(json.dumps(r["messages"], sort_keys=True) for r in _rows(res))
    want = [c["messages"] for c in CHATS]
    want += [[{"role": "user", "content": f"{s['instruction']}\n\n{s['input']}"},
              {"role": "assistant", "content": s["output"]}] for s in SFT]
    want += [[{"role": "user", "content": s["instruction"]}, {"role": "assistant", "content": s["output"]}]
             for s in SFT_NO_INPUT]
    assert got == sorted(json.dumps(m, sort_keys=True) for m in want)


def test_text_layout_when_rows_hold_no_training_target(shaped, tmp_path):
    ws, _ = shaped
    res = _export(ws, "notes", "jsonl", tmp_path / "notes")
    assert res["layout"] == "text" and res["columns"] == ["id", "text", "split"]
    res = _export(ws, "all", "jsonl", tmp_path / "all")  # plain notes among chats: every row's text
    assert res["layout"] == "text"
    lines = [json.loads(line) for p in (tmp_path / "all").glob("*.jsonl") for line in p.read_text().splitlines()]
    assert len(lines) == len(CHATS) + len(SFT) + len(SFT_NO_INPUT) + len(TEXT)
    assert {t["text"] for t in TEXT} <= {r["text"] for r in lines}
    # the chats and SFT records among them keep their turns beside their text (auto never loses a training
    # field: SFT rows were flattened to text alone); plain notes have no conversation
    assert res["columns"] == ["id", "text", "messages", "split"]
    convs = [r["messages"] for r in lines if r["messages"] is not None]
    def turns(user, r):
        return [{"role": "user", "content": user}, {"role": "assistant", "content": r["output"]}]

    want = ([c["messages"] for c in CHATS] + [turns(f"{r['instruction']}\n\n{r['input']}", r) for r in SFT]
            + [turns(r["instruction"], r) for r in SFT_NO_INPUT])
    assert sorted(convs, key=json.dumps) == sorted(want, key=json.dumps)
    assert sum(r["messages"] is None for r in lines) == len(TEXT)


def test_prompt_completion_layout_splits_at_the_last_assistant_turn(shaped, tmp_path):
    ws, _ = shaped
    res = _export(ws, "chat", "hf", tmp_path / "pc", layout="prompt-completion")
    assert res["columns"] == ["id", "prompt", "completion", "split"]
    rows = _rows(res)
    want = sorted((json.dumps(c["messages"][:-1]), json.dumps(c["messages"][-1:])) for c in CHATS)
    assert sorted((json.dumps(r["prompt"]), json.dumps(r["completion"])) for r in rows) == want
    dd = datasets.load_from_disk(res["path"])
    assert dd["train"].features["prompt"] == MESSAGE_FEATURE == dd["train"].features["completion"]


def test_a_layout_the_rows_cannot_fill_is_refused(shaped, tmp_path):
    ws, _ = shaped
    with pytest.raises(CurateError, match="layout 'sft' needs instruction records: 24 of 24"):
        _export(ws, "chat", "jsonl", tmp_path / "a", layout="sft")
    with pytest.raises(CurateError, match="layout 'messages' needs conversations: 24 of 24"):
        _export(ws, "notes", "jsonl", tmp_path / "b", layout="messages")
    with pytest.raises(CurateError, match="unknown export layout"):
        _export(ws, "chat", "jsonl", tmp_path / "c", layout="alpaca")
    assert not any(p.name.startswith(".export-") for p in tmp_path.iterdir())


def test_internal_columns_only_on_request(shaped, tmp_path):
    ws, root = shaped
    res = _export(ws, "chat", "parquet", tmp_path / "one", columns="lang")
    assert res["columns"] == ["id", "messages", "split", "lang"]
    with pytest.raises(CurateError, match="'toy_signature' holds raw text or a fingerprint of it"):
        _export(ws, "chat", "parquet", tmp_path / "two", columns=["toy_signature"])
    with pytest.raises(CurateError, match="'nope' is not a column of this snapshot"):
        _export(ws, "chat", "parquet", tmp_path / "three", columns=["nope"])
    res = _export(ws, "chat", "jsonl", tmp_path / "all", with_signals=True)
    assert {"lang", "meta", "source_uri", "content_hash", "text"} <= set(res["columns"])
    assert "doc_id" not in res["columns"] and "toy_signature" not in res["columns"]
    row = json.loads((tmp_path / "all" / "train.jsonl").read_text().splitlines()[0])
    # a keyed label, not the file name (file names carry names and numbers: kyc_ravi_kumar_9845012345.jsonl)
    assert row["source_uri"] == source_label(ws, "chat.jsonl") and isinstance(row["messages"], list)
    _no_local_paths(tmp_path / "all", root)


def test_cli_layout_and_columns(shaped, tmp_path):
    ws, _ = shaped

    def curate(*args):
        return subprocess.run([sys.executable, "-m", "curate.cli.main", *args, "-w", str(ws.path)],
                              capture_output=True, text=True, timeout=300)

    ok = curate("snapshot", "export", "sft", "-o", str(tmp_path / "x"), "--allow-raw", "--contamination", "ignore",
                "--layout", "messages", "--columns", "lang", "--format", "parquet", "--json")
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["columns"] == ["id", "messages", "split", "lang"]
    bad = curate("snapshot", "export", "chat", "-o", str(tmp_path / "y"), "--allow-raw", "--layout", "sft")
    assert bad.returncode == 2 and bad.stderr.startswith("error: layout 'sft'") and bad.stderr.count("\n") == 1


# -- TRL reads the export as its documented dataset formats -------------------------------------------------

@pytest.fixture(scope="module")
def tiny_chat_model(shaped):
    from train.tiny import build_tiny_llama

    _, root = shaped
    texts = [m["content"] for c in CHATS for m in c["messages"]]
    return build_tiny_llama(root / "tiny", texts, vocab_size=400, hidden=32, layers=1, heads=2)


def _sft_trainer(model_path, dataset, out):
    from transformers import AutoTokenizer
    from trl import SFTConfig, SFTTrainer

    tok = AutoTokenizer.from_pretrained(model_path)
    args = SFTConfig(output_dir=str(out), max_steps=1, use_cpu=True, report_to=[], per_device_train_batch_size=2,
                     max_length=256, save_strategy="no", disable_tqdm=True)
    return SFTTrainer(model=str(model_path), args=args, train_dataset=dataset, processing_class=tok), tok


def test_trl_sft_trainer_prepares_and_trains_on_the_conversational_export(shaped, tiny_chat_model, tmp_path):
    ws, _ = shaped
    res = _export(ws, "chat", "hf", tmp_path / "chat")
    train = datasets.load_from_disk(res["path"])["train"]
    trainer, tok = _sft_trainer(tiny_chat_model, train, tmp_path / "trl")
    prepared = trainer.train_dataset
    source = {c["messages"][1]["content"]: c["messages"] for c in CHATS}
    for i in range(3):
        msgs = source[train[i]["messages"][1]["content"]]
        want = tok.apply_chat_template(msgs, tokenize=True)  # the template's own rendering of the source row
        want = want["input_ids"] if isinstance(want, dict) or hasattr(want, "keys") else want
        assert prepared[i]["input_ids"] == list(want)
    assert trainer.train().global_step == 1


def test_trl_prompt_completion_export_masks_the_prompt(shaped, tiny_chat_model, tmp_path):
    ws, _ = shaped
    res = _export(ws, "chat", "hf", tmp_path / "pc", layout="prompt-completion")
    train = datasets.load_from_disk(res["path"])["train"]
    trainer, tok = _sft_trainer(tiny_chat_model, train, tmp_path / "trl")
    assert trainer.completion_only_loss is True
    for i, ex in enumerate(trainer.train_dataset):
        # TRL turns its completion mask into labels: -100 on every prompt token.
        trained = [t for t, label in zip(ex["input_ids"], ex["labels"]) if label != -100]
        completion_text = tok.decode(trained)
        assert train[i]["completion"][0]["content"] in completion_text and "my card" not in completion_text, (
            completion_text, tok.decode(ex["input_ids"]))
        assert 0 < len(trained) < len(ex["input_ids"])
    assert trainer.train().global_step == 1


def test_message_keys_beyond_role_and_content_travel_with_the_export():
    """Tool calls, names and tool_call_ids are part of the conversation a trainer reads (TRL's and the
    OpenAI format's ``tool_calls``): the export keeps every key a message holds, role and content first."""
    from curate.export_layout import trainer_table

    call = {"id": "c1", "type": "function", "function": {"name": "balance", "arguments": '{"acct": "0042"}'}}
    chat = [{"role": "user", "content": "balance?", "name": "asha"},
            {"role": "assistant", "content": "", "tool_calls": [call]},
            {"role": "tool", "content": "₹1,250", "tool_call_id": "c1"},
            {"role": "assistant", "content": "₹1,250 in your account"}]
    plain = [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}]
    rows = pa.table({"doc_id": ["a", "b", "c"], "split": ["train"] * 3,
                     "messages": [json.dumps(chat), json.dumps(plain), None],
                     "instruction": [None, None, "Say hi."], "input": [None, None, ""], "output": [None, None, "Hi!"],
                     "text": ["t1", "t2", "t3"]})
    out, layout = trainer_table(rows)
    assert layout == "messages"
    item = out.schema.field("messages").type.value_type
    assert [f.name for f in item][:2] == ["role", "content"]
    got = out.column("messages").to_pylist()
    first = [{k: v for k, v in m.items() if v is not None} for m in got[0]]
    assert first == [{k: v for k, v in m.items() if v != ""} | {"content": m["content"]} for m in chat]
    assert [{k: m[k] for k in ("role", "content")} for m in got[2]] == [
        {"role": "user", "content": "Say hi."}, {"role": "assistant", "content": "Hi!"}]
    assert all(m["tool_calls"] is None for m in got[1] + got[2])
    pc_out, _ = trainer_table(rows, "prompt-completion")
    assert pc_out.column("completion").to_pylist()[0][0]["content"] == "₹1,250 in your account"
    # Without extra keys the type is exactly the documented one.
    only, _ = trainer_table(rows.slice(1, 2))
    from curate.export_layout import MESSAGE_TYPE

    assert only.schema.field("messages").type == MESSAGE_TYPE


def test_content_parts_export_as_their_text():
    """OpenAI-style content parts (``[{"type": "text", "text": ...}]``, as ingest accepts them) are exported as their
    text parts joined by a newline, as ingest, dedup and training read them; the export gave the parts' JSON text as
    the content string, which a chat template renders and the model learns verbatim."""
    from curate.export_layout import MESSAGE_TYPE, trainer_table

    parts = [{"role": "user", "content": [{"type": "text", "text": "my card"},
                                          {"type": "image_url", "image_url": {"url": "data:,"}},
                                          {"type": "text", "text": "is blocked"}]},
             {"role": "assistant", "content": [{"type": "text", "text": "Unblocked."}]}]
    plain = [{"role": "user", "content": '["a", "list"] as text'}, {"role": "assistant", "content": "ok"}]
    rows = pa.table({"doc_id": ["a", "b"], "split": ["train"] * 2, "text": ["t1", "t2"],
                     "messages": [json.dumps(parts), json.dumps(plain, separators=(",", ":"))]})
    for layout, col in (("messages", "messages"), ("prompt-completion", "completion")):
        out, _ = trainer_table(rows, layout)
        assert out.schema.field(col).type == MESSAGE_TYPE
        got = out.column(col).to_pylist()
        if layout == "messages":
            assert got == [[{"role": "user", "content": "my card\nis blocked"},
                            {"role": "assistant", "content": "Unblocked."}], plain]
        else:
            assert got == [[{"role": "assistant", "content": "Unblocked."}], [plain[1]]]


def test_messages_layout_with_text_rows_is_refused_unless_skip_non_chat(shaped, tmp_path):
    """Issue 13: the rows left out are counted with their reason, never dropped without a word."""
    ws, _ = shaped
    with pytest.raises(CurateError, match="--skip-non-chat"):
        _export(ws, "all", "jsonl", tmp_path / "refused", layout="messages")
    res = _export(ws, "all", "jsonl", tmp_path / "skip", layout="messages", skip_non_chat=True)
    assert res["left_out"] == len(TEXT) and sum(res["counts"].values()) == len(CHATS) + len(SFT) + len(SFT_NO_INPUT)
    info = json.loads((tmp_path / "skip" / "export.json").read_text())
    assert info["left_out"] == {"rows": len(TEXT), "reason": "no conversation: neither messages nor an instruction "
                                                             "with an output"}
    # The chats kept their splits: the same rows of the convo snapshot land in the same splits.
    split_of = {}
    for p in (tmp_path / "skip").glob("*.jsonl"):
        split_of |= {json.loads(x)["id"]: p.stem for x in p.read_text().splitlines()}
    conv = _export(ws, "convo", "jsonl", tmp_path / "convo", layout="messages")
    assert conv["left_out"] == 0
    for p in (tmp_path / "convo").glob("*.jsonl"):
        for x in p.read_text().splitlines():
            assert split_of[json.loads(x)["id"]] == p.stem


def test_turns_without_tool_calls_carry_no_tool_calls_key(tmp_path):
    """Oracles: the hand-written chats, ``datasets``' own reading of a JSONL with such turns (List(Json())),
    and TRL's ``apply_chat_template`` with a template that asks whether a turn has tool calls."""
    from transformers import PreTrainedTokenizerFast
    from trl import apply_chat_template

    from curate import Workspace
    from train.tiny import build_tiny_llama

    call = {"id": "c1", "type": "function", "function": {"name": "balance", "arguments": '{"acct": "0042"}'}}
    tool_chat = [{"role": "user", "content": "balance?"},
                 {"role": "assistant", "content": "", "tool_calls": [call]},
                 {"role": "tool", "content": "₹1,250", "tool_call_id": "c1"},
                 {"role": "assistant", "content": "₹1,250 in your account"}]
    plain = [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}]
    chats = [tool_chat, plain]
    ws = Workspace.init(tmp_path / "ws")
    try:
        ws.ingest([write_jsonl(tmp_path / "c.jsonl", [{"messages": c} for c in chats])])
        ws.create_snapshot("c", text="raw")
        got = {}
        for fmt in ("jsonl", "parquet", "hf"):
            res = ws.export("c", fmt, tmp_path / fmt, allow_raw=True, allow_unapproved=True, contamination="ignore",
                            splits="train=1.0")
            if fmt == "hf":
                ds = datasets.load_from_disk(res["path"])["train"]
            else:
                ds = datasets.load_dataset("json" if fmt == "jsonl" else "parquet",
                                           data_files=str(tmp_path / fmt / f"train.{fmt}"), split="train")
            got[fmt] = ds
            assert sorted(ds["messages"], key=json.dumps) == sorted(chats, key=json.dumps), fmt
        # datasets reads our JSONL as it reads any such JSONL; HF and Parquet hold the same type.
        reference = tmp_path / "reference.jsonl"
        write_jsonl(reference, [{"messages": c} for c in chats])
        want = datasets.load_dataset("json", data_files=str(reference), split="train").features["messages"]
        assert all(ds.features["messages"] == want for ds in got.values()), {k: v.features for k, v in got.items()}
        # A template that renders a turn's tool calls when the key is there (as Llama 3.1's does).
        template = ("{% for m in messages %}<{{ m.role }}>{% if 'tool_calls' in m %}[calls {{ m.tool_calls|length }}]"
                    "{% endif %}{{ m.content }}{% endfor %}")
        tok_dir = build_tiny_llama(tmp_path / "tiny", ["hi hello balance"], vocab_size=100, hidden=8, layers=1,
                                   heads=1)
        tok = PreTrainedTokenizerFast.from_pretrained(tok_dir)
        for ds in got.values():
            for row in ds:
                src = next(c for c in chats if c[0]["content"] == row["messages"][0]["content"])
                rendered = apply_chat_template({"messages": row["messages"]}, tok, chat_template=template)["text"]
                assert rendered == apply_chat_template({"messages": src}, tok, chat_template=template)["text"]
    finally:
        ws.close()


def test_an_sft_records_system_prompt_travels_in_every_layout(tmp_path):
    """LLaMA-Factory's Alpaca records carry a "system" field; ingest keeps it in meta, and no layout may drop it."""
    from curate import Workspace

    ws = Workspace.init(tmp_path / "ws")
    try:
        system = "You are a helpful banking assistant for HDFC customers."
        rows = [{"system": system, "instruction": "How do I update my PAN?", "input": "", "output": "Visit a branch."},
                {"instruction": "Block my card", "input": "card ending 1234", "output": "Your card is blocked."}]
        ws.ingest([write_jsonl(tmp_path / "sft.jsonl", rows)])
        ws.create_snapshot("sft", text="raw")
        got = {}
        for layout in ("sft", "messages", "prompt-completion"):
            res = _export(ws, "sft", "hf", tmp_path / layout, layout=layout)
            got[layout] = sorted((r for r in _rows(res)), key=lambda r: json.dumps(r, sort_keys=True))
        assert sorted((r["instruction"], r["system"]) for r in got["sft"]) == [
            ("Block my card", None), ("How do I update my PAN?", system)]
        first = {r["messages"][-1]["content"]: r["messages"][0] for r in got["messages"]}
        assert first["Visit a branch."] == {"role": "system", "content": system}
        assert first["Your card is blocked."]["role"] == "user"
        prompts = {r["completion"][0]["content"]: r["prompt"] for r in got["prompt-completion"]}
        assert prompts["Visit a branch."] == [{"role": "system", "content": system},
                                              {"role": "user", "content": "How do I update my PAN?"}]
    finally:
        ws.close()


def test_auto_keeps_an_sft_records_system_prompt_among_chats_and_notes(tmp_path):
    """A mixed snapshot (a chat, an Alpaca record with a system prompt, a note): ``--layout auto`` wrote the Alpaca
    row as text with ``"messages": null`` and its system prompt appeared nowhere."""
    from curate import Workspace

    ws = Workspace.init(tmp_path / "ws")
    try:
        rows = [{"messages": [{"role": "user", "content": "Is my cheque cleared?"},
                              {"role": "assistant", "content": "Yes, it cleared today."}]},
                {"instruction": "Reply to the customer", "input": "Where is my new debit card?",
                 "output": "It was dispatched on Monday.", "system": "You are a polite banker."},
                {"text": "Branch timings are 10 to 4 on weekdays."}]
        ws.ingest([write_jsonl(tmp_path / "mixed.jsonl", rows)])
        ws.create_snapshot("mixed", text="raw")
        for fmt in ("jsonl", "hf"):
            res = _export(ws, "mixed", fmt, tmp_path / fmt)
            assert res["layout"] == "text" and res["columns"] == ["id", "text", "messages", "split"]
            got = {r["text"]: r["messages"] for r in _rows(res)} if fmt == "hf" else {
                r["text"]: r["messages"] for p in (tmp_path / fmt).glob("*.jsonl")
                for r in map(json.loads, p.read_text().splitlines())}
            assert got["Reply to the customer\n\nWhere is my new debit card?\n\nIt was dispatched on Monday."] == [
                {"role": "system", "content": "You are a polite banker."},
                {"role": "user", "content": "Reply to the customer\n\nWhere is my new debit card?"},
                {"role": "assistant", "content": "It was dispatched on Monday."}]
            assert got["Branch timings are 10 to 4 on weekdays."] is None
            assert got["Is my cheque cleared?\nYes, it cleared today."] == rows[0]["messages"]
    finally:
        ws.close()
