"""SFT example building: chat template, response-only labels, truncation and packing."""

from __future__ import annotations

import json

import pytest

from train.data import (IGNORE_INDEX, build_sft_examples, pack_examples, prompt_and_reference, row_to_messages,
                        sft_collator)


@pytest.fixture(scope="module")
def tok(tiny_base):
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(tiny_base)


def _labelled_text(tok, ex):
    return tok.decode([t for t in ex["labels"] if t != IGNORE_INDEX])


def test_instruction_rows_and_chats_become_conversations():
    msgs = row_to_messages({"instruction": "Translate", "input": "hello", "output": "नमस्ते"})
    assert msgs == [{"role": "user", "content": "Translate\n\nhello"}, {"role": "assistant", "content": "नमस्ते"}]
    chat = [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}]
    assert row_to_messages({"messages": json.dumps(chat)}, system_prompt="Be brief")[0] == {
        "role": "system", "content": "Be brief"}
    assert row_to_messages({"text": "just text"}) is None  # no target: skipped, not guessed
    assert row_to_messages({"messages": json.dumps([{"role": "user", "content": "q"}])}) is None
    with pytest.raises(ValueError):
        row_to_messages({"messages": json.dumps({"role": "user"})})
    prompt, ref = prompt_and_reference({"messages": json.dumps(chat)})
    assert prompt == chat[:1] and ref == "hello"


def test_loss_only_on_response_tokens(tok):
    rows = [{"instruction": "Classify the ticket.", "input": "card blocked today", "output": '{"intent": "kyc"}'}]
    (ex,), rep = build_sft_examples(rows, tok, max_seq_len=128)
    assert len(ex["input_ids"]) == len(ex["labels"])
    labelled = _labelled_text(tok, ex)
    # Exactly the answer plus the end-of-turn marker: the prompt is never trained on.
    assert labelled.replace("<|end|>", "").strip() == '{"intent": "kyc"}'
    assert "<|end|>" in labelled and "Classify" not in labelled
    first = next(i for i, t in enumerate(ex["labels"]) if t != IGNORE_INDEX)
    assert tok.decode(ex["input_ids"][:first]).endswith("<|assistant|>\n")
    assert rep.examples == 1 and rep.response_tokens == sum(t != IGNORE_INDEX for t in ex["labels"])


def test_every_assistant_turn_of_a_chat_is_trained(tok):
    chat = [{"role": "user", "content": "card blocked"}, {"role": "assistant", "content": "refund please"},
            {"role": "user", "content": "update kyc"}, {"role": "assistant", "content": "bank app"}]
    (ex,), _ = build_sft_examples([{"messages": json.dumps(chat)}], tok, max_seq_len=256)
    labelled = _labelled_text(tok, ex)
    assert "refund please" in labelled and "bank app" in labelled
    assert "card blocked" not in labelled and "update kyc" not in labelled


def test_truncation_and_drops_are_reported(tok):
    long_prompt = {"instruction": "Classify the ticket. " * 40, "input": "x", "output": "refund"}
    long_answer = {"instruction": "Classify", "input": "x", "output": "refund please " * 40}
    bad = {"messages": "not json"}
    plain = {"text": "only text"}
    exs, rep = build_sft_examples([long_prompt, long_answer, bad, plain], tok, max_seq_len=32)
    assert rep.rows == 4 and rep.truncated == 2
    assert rep.dropped_no_response_tokens == 1  # prompt alone filled the window
    assert rep.skipped_bad_messages == 1 and rep.skipped_no_fields == 1
    assert len(exs) == 1 and len(exs[0]["input_ids"]) == 32


def test_packing_keeps_every_token_within_the_window(tok):
    rows = [{"instruction": "Classify", "input": f"ticket {i}", "output": "refund"} for i in range(12)]
    exs, rep = build_sft_examples(rows, tok, max_seq_len=64)
    packed = pack_examples(exs, 64)
    assert len(packed) < len(exs)
    assert all(len(p["input_ids"]) <= 64 and sum(p["seq_lengths"]) == len(p["input_ids"]) for p in packed)
    # Every example lands whole in one pack, its labels beside its tokens.
    pieces = []
    for p in packed:
        at = 0
        for n in p["seq_lengths"]:
            pieces.append((tuple(p["input_ids"][at:at + n]), tuple(p["labels"][at:at + n])))
            at += n
    assert sorted(pieces) == sorted((tuple(e["input_ids"]), tuple(e["labels"])) for e in exs)
    _, rep2 = build_sft_examples(rows, tok, max_seq_len=64, packing=True)
    assert rep2.packed_sequences == len(packed)


def test_packed_examples_do_not_attend_to_each_other(tiny_base, tok):
    """Oracle: the model's logits for each example run on its own; a pack must reproduce them exactly."""
    import torch
    from transformers import AutoModelForCausalLM

    model = AutoModelForCausalLM.from_pretrained(tiny_base).eval()
    model.config.use_cache = False  # as prepare_for_training sets it (a cache turns off the packed-sequence mask)
    rows = [{"instruction": "Classify", "input": f"ticket {i} card blocked", "output": "refund"} for i in range(6)]
    exs, _ = build_sft_examples(rows, tok, max_seq_len=128)
    packed = pack_examples(exs, 128)
    assert any(len(p["seq_lengths"]) > 1 for p in packed)
    batch = sft_collator(tok.pad_token_id, padding_free=True)(packed[:1])
    with torch.no_grad():
        together = model(input_ids=batch["input_ids"], position_ids=batch["position_ids"]).logits[0]
        # The old packing (one plain sequence, attention over the whole pack) differs: the check can fail.
        naive = model(input_ids=batch["input_ids"]).logits[0]
        at = 0
        for n in packed[0]["seq_lengths"]:
            alone = model(input_ids=batch["input_ids"][:, at:at + n]).logits[0]
            torch.testing.assert_close(together[at:at + n], alone, rtol=1e-4, atol=1e-4)
            if at:
                assert not torch.allclose(naive[at:at + n], alone, atol=1e-3)
            at += n
    # Labels: each example's own, except its first token (nothing before it to predict from).
    starts = {0}
    for n in packed[0]["seq_lengths"][:-1]:
        starts.add(max(starts) + n)
    want = [IGNORE_INDEX if i in starts else label for i, label in enumerate(packed[0]["labels"])]
    assert batch["labels"][0].tolist() == want


def test_fallback_template_for_tokenizers_without_one(tiny_base):
    from transformers import AutoTokenizer

    tok = AutoTokenizer.from_pretrained(tiny_base)
    tok.chat_template = None
    (ex,), rep = build_sft_examples([{"instruction": "q", "output": "refund"}], tok, max_seq_len=64)
    assert rep.fallback_template and "### Assistant:" in tok.decode(ex["input_ids"])
    assert _labelled_text(tok, ex).replace("<|end|>", "").strip() == "refund"


def test_collator_pads_labels_with_ignore_index():
    batch = sft_collator(pad_token_id=0)([{"input_ids": [5, 6, 7], "labels": [-100, 6, 7]},
                                          {"input_ids": [8], "labels": [8]}])
    assert batch["input_ids"].tolist() == [[5, 6, 7], [8, 0, 0]]
    assert batch["labels"].tolist() == [[-100, 6, 7], [8, -100, -100]]
    assert batch["attention_mask"].tolist() == [[1, 1, 1], [1, 0, 0]]


def test_sft_system_prompt_and_openai_turns_as_written():
    # An Alpaca record with LLaMA-Factory's "system" field (kept in meta at ingest) trains with its system prompt.
    row = {"instruction": "How do I update my PAN?", "input": "", "output": "Visit the branch.",
           "meta": json.dumps({"system": "You are a banking assistant."})}
    assert row_to_messages(row) == [{"role": "system", "content": "You are a banking assistant."},
                                    {"role": "user", "content": "How do I update my PAN?"},
                                    {"role": "assistant", "content": "Visit the branch."}]
    # OpenAI's chat shapes: content as a list of parts, an assistant turn that only calls a tool.
    chat = [{"role": "user", "content": [{"type": "text", "text": "IMPS timing?"}, {"type": "image_url"}]},
            {"role": "assistant", "content": None, "tool_calls": [{"id": "c1", "type": "function"}]},
            {"role": "tool", "content": "24x7"}, {"role": "assistant", "content": "IMPS works 24x7."}]
    assert [m["content"] for m in row_to_messages({"messages": json.dumps(chat)})] == [
        "IMPS timing?", "", "24x7", "IMPS works 24x7."]


def test_tool_calls_are_the_trained_target_of_their_turn(tok):
    """An assistant turn that only calls a tool trains on the call (name and arguments, Hermes/Qwen2.5
    ``<tool_call>`` text), not on an empty turn; the tool's result is context, not a target."""
    chat = [{"role": "user", "content": "Block my debit card, I lost it."},
            {"role": "assistant", "content": None, "tool_calls": [{"id": "c1", "type": "function", "function": {
                "name": "block_card", "arguments": "{\"card\": \"debit\", \"reason\": \"lost\"}"}}]},
            {"role": "tool", "tool_call_id": "c1", "content": "{\"blocked\": true}"},
            {"role": "assistant", "content": "Your debit card is blocked."}]
    msgs = row_to_messages({"messages": json.dumps(chat)})
    assert msgs[1] == {"role": "assistant", "content": '<tool_call>\n{"name": "block_card", "arguments": '
                                                       '{"card": "debit", "reason": "lost"}}\n</tool_call>'}
    (ex,), _ = build_sft_examples([{"messages": json.dumps(chat)}], tok, max_seq_len=512)
    trained = _labelled_text(tok, ex)
    assert "block_card" in trained and "lost" in trained and "Your debit card is blocked." in trained
    assert "blocked\": true" not in trained and "Block my debit card" not in trained
    # the older single function_call field too
    old = [{"role": "user", "content": "balance?"},
           {"role": "assistant", "content": None, "function_call": {"name": "get_balance", "arguments": "{}"}}]
    assert "get_balance" in row_to_messages({"messages": json.dumps(old)})[1]["content"]
