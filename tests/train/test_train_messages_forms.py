"""A chat's ``messages`` reaches training (and evaluation) in several forms; every one gives the same conversation.

Oracle: the hand-written chats below (a support desk's, one with a tool call) and the conversation written out by
hand for each; the Arrow forms are built here with pyarrow, not with curate's export.
"""

from __future__ import annotations

import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from train.data import (DataReport, build_sft_examples, conversation, parse_messages, prompt_and_reference,
                        row_to_messages, skip_lines)

CALL = {"id": "call_1", "type": "function",
        "function": {"name": "block_card", "arguments": "{\"last4\": \"4321\"}"}}
CHATS = [
    [{"role": "user", "content": "Block my debit card please"},
     {"role": "assistant", "content": "Your debit card is now blocked."}],
    [{"role": "user", "content": "What is the IFSC of the Andheri branch?"},
     {"role": "assistant", "content": "Please check the branch locator on our website."}],
    [{"role": "user", "content": "Mera cheque book kab aayega?"},
     {"role": "assistant", "content": "Aapki cheque book 5 din mein aa jayegi."}],
    [{"role": "user", "content": "Block card ending 4321"},
     {"role": "assistant", "content": None, "tool_calls": [CALL]},
     {"role": "tool", "tool_call_id": "call_1", "content": "{\"status\": \"blocked\"}"},
     {"role": "assistant", "content": "Done, the card ending 4321 is blocked."}],
]
# What training renders, by hand: the tool call as Hermes/Qwen2.5 <tool_call> text, its arguments as an object.
EXPECTED = [
    [{"role": "user", "content": "Block my debit card please"},
     {"role": "assistant", "content": "Your debit card is now blocked."}],
    [{"role": "user", "content": "What is the IFSC of the Andheri branch?"},
     {"role": "assistant", "content": "Please check the branch locator on our website."}],
    [{"role": "user", "content": "Mera cheque book kab aayega?"},
     {"role": "assistant", "content": "Aapki cheque book 5 din mein aa jayegi."}],
    [{"role": "user", "content": "Block card ending 4321"},
     {"role": "assistant",
      "content": '<tool_call>\n{"name": "block_card", "arguments": {"last4": "4321"}}\n</tool_call>'},
     {"role": "tool", "content": '{"status": "blocked"}'},
     {"role": "assistant", "content": "Done, the card ending 4321 is blocked."}],
]
IDS = ["a1", "b2", "c3", "d4"]


def _json_turns(chat):
    return [json.dumps(m, ensure_ascii=False) for m in chat]


def _structs():
    """list<struct<...>>: every turn carries every key (null where it has none), as Arrow pads them."""
    call_t = pa.struct([("id", pa.string()), ("type", pa.string()),
                        ("function", pa.struct([("name", pa.string()), ("arguments", pa.string())]))])
    turn_t = pa.struct([("role", pa.string()), ("content", pa.string()), ("tool_calls", pa.list_(call_t)),
                        ("tool_call_id", pa.string())])
    return pa.table({"id": IDS, "messages": pa.array(CHATS, pa.list_(turn_t))})


def _json_text_per_turn(ext: bool):
    texts = pa.array([_json_turns(c) for c in CHATS], pa.list_(pa.string()))
    if not ext:
        return pa.table({"id": IDS, "messages": texts})
    col = pa.ListArray.from_arrays(texts.offsets, pa.ExtensionArray.from_storage(pa.json_(), texts.values))
    return pa.table({"id": IDS, "messages": col})


FORMS = {
    "json text (workspace column)": lambda: pa.table({"id": IDS, "messages": [json.dumps(c) for c in CHATS]}),
    "list of structs": _structs,
    "list of json strings": lambda: _json_text_per_turn(False),
    "list of arrow.json (export parquet)": lambda: _json_text_per_turn(True),
    "python dicts": lambda: [{"id": i, "messages": c} for i, c in zip(IDS, CHATS)],
    "whole chat as arrow.json": lambda: pa.table({"id": IDS, "messages": pa.ExtensionArray.from_storage(
        pa.json_(), pa.array([json.dumps(c) for c in CHATS]))}),
}


@pytest.fixture(scope="module")
def tok(tiny_base):
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(tiny_base)


@pytest.mark.parametrize("form", list(FORMS))
def test_every_form_of_messages_gives_the_hand_written_conversation(form, tok, tmp_path):
    rows = FORMS[form]()
    if isinstance(rows, pa.Table):  # and through a Parquet file, as a run reads its splits
        pq.write_table(rows, tmp_path / "t.parquet")
        rows = pq.read_table(tmp_path / "t.parquet")
        assert rows.schema.field("messages").type == FORMS[form]().schema.field("messages").type
    listed = rows.to_pylist() if isinstance(rows, pa.Table) else rows
    assert [row_to_messages(r) for r in listed] == EXPECTED
    examples, rep = build_sft_examples(rows, tok, max_seq_len=512)
    assert (len(examples), rep.examples, rep.skipped_bad_messages, rep.skipped) == (4, 4, 0, [])
    # evaluation reads the same rows: the prompt before the last assistant turn, that turn as the reference
    assert [prompt_and_reference(r) for r in listed] == [(e[:-1], e[-1]["content"]) for e in EXPECTED]


def test_prompt_completion_rows_are_the_same_conversation():
    # TRL's conversational prompt-completion format: the turns before the last assistant turn, then that turn.
    rows = [{"prompt": _json_turns(c[:-1]), "completion": _json_turns(c[-1:])} for c in CHATS]
    assert [row_to_messages(r) for r in rows] == EXPECTED


def test_pandas_rows_numpy_arrays(tok):
    table = FORMS["list of structs"]()
    examples, rep = build_sft_examples(table.to_pandas(), tok, max_seq_len=512)
    assert rep.examples == 4 and not rep.skipped


@pytest.mark.parametrize("raw,detail", [
    ("not json", "messages is not valid JSON (Expecting value at character 0)"),
    (json.dumps({"role": "user", "content": "hi"}), "messages is a JSON object, not a list of turns"),
    (["{\"role\": \"user\", \"content\": \"hi\"}", "{broken"], "turn 2 is not valid JSON (Expecting property name "
                                                             "enclosed in double quotes)"),
    ([{"role": "user", "content": "hi"}, 7], "turn 2 is a JSON number, not an object"),
    ([{"content": "hi"}], "turn 1 has no role"),
    ([{"role": "user", "content": "hi"}, {"role": "assistant"}],
     "turn 2 (assistant) has neither content nor tool calls"),
])
def test_bad_messages_say_which_turn_and_what_is_wrong(raw, detail):
    with pytest.raises(ValueError) as exc:
        parse_messages(raw)
    assert str(exc.value) == detail


def test_every_skipped_row_is_counted_and_listed_with_its_reason(tok):
    rows = [
        {"id": "good", "messages": CHATS[0]},
        {"id": "bad1", "messages": ["{broken"]},
        {"id": "noans", "messages": [{"role": "user", "content": "hello?"}]},
        {"id": "plain", "text": "just a ticket, no answer"},
        {"id": "long", "instruction": "Classify the ticket. " * 40, "input": "x", "output": "refund"},
    ]
    examples, rep = build_sft_examples(rows, tok, max_seq_len=32)
    assert len(examples) == 1
    assert rep.skipped_by_reason == {"bad_messages": 1, "no_assistant_turn": 1, "no_target": 1,
                                     "no_response_tokens": 1}
    assert [(s["id"], s["reason"]) for s in rep.skipped] == [
        ("bad1", "bad_messages"), ("noans", "no_assistant_turn"), ("plain", "no_target"),
        ("long", "no_response_tokens")]
    assert (rep.skipped_bad_messages, rep.skipped_no_fields, rep.dropped_no_response_tokens) == (1, 2, 1)
    lines = skip_lines(rep, "train")
    assert lines[0] == ("1 of 5 train rows skipped: messages not a list of {role, content} turns: "
                        "bad1 (turn 1 is not valid JSON (Expecting property name enclosed in double quotes))")
    assert any(line.startswith("1 of 5 train rows skipped: chat without an assistant turn: noans") for line in lines)
    assert len(lines) == 4 and skip_lines(DataReport(), "train") == []


def test_conversation_raises_the_reason_row_to_messages_keeps_its_contract():
    with pytest.raises(ValueError, match="no assistant turn"):
        conversation({"messages": [{"role": "user", "content": "q"}]})
    assert row_to_messages({"messages": [{"role": "user", "content": "q"}]}) is None
    assert row_to_messages({"messages": []}) is None  # an empty list is no chat (nor a target)


def test_eval_reads_the_same_rows_and_reports_what_it_skipped():
    from eval.config import EvalConfig
    from eval.evaluate import build_items

    rows = _json_text_per_turn(True).to_pylist() + [{"id": "plain", "text": "no answer"}]
    rep = DataReport()
    items = build_items(rows, EvalConfig(), report=rep)
    assert [it.reference for it in items] == [e[-1]["content"] for e in EXPECTED]
    assert [(s["id"], s["reason"]) for s in rep.skipped] == [("plain", "no_target")]
