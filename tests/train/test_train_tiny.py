"""The tiny local model loads through the Auto classes like a hub model, with a chat template."""

from __future__ import annotations


def test_tiny_llama_loads_with_auto_classes(tiny_base):
    from transformers import AutoModelForCausalLM, AutoTokenizer

    tok = AutoTokenizer.from_pretrained(tiny_base)
    model = AutoModelForCausalLM.from_pretrained(tiny_base)
    assert model.config.model_type == "llama" and model.config.vocab_size == len(tok)
    assert 100_000 < model.num_parameters() < 1_000_000
    text = "मेरा कार्ड ब्लॉक है card blocked"
    assert tok.decode(tok(text, add_special_tokens=False)["input_ids"]) == text  # byte-level: lossless, any script
    prompt = tok.apply_chat_template([{"role": "user", "content": "hi"}], tokenize=False, add_generation_prompt=True)
    assert prompt.endswith("<|assistant|>\n") and tok.eos_token == "<|end|>"
    out = model(**tok(prompt, return_tensors="pt", add_special_tokens=False))
    assert out.logits.shape[-1] == len(tok)
