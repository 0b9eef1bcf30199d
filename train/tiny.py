"""Tiny Llama-architecture models built locally, so tests and the demo never download anything.

The model is randomly initialised; the tokenizer is a byte-level BPE trained with the
``tokenizers`` library on the texts you give it (e.g. the workspace's documents), so it
covers Indic scripts as well as Latin.  Both are saved in the standard Hugging Face layout
(with a chat template), so ``AutoModelForCausalLM.from_pretrained(path)`` and
``AutoTokenizer.from_pretrained(path)`` load them like any hub model.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

# Role markers are single special tokens: the template stays short and a prompt's token
# boundary never depends on how BPE merges the next word.
SPECIAL_TOKENS = ["<|pad|>", "<|bos|>", "<|end|>", "<|system|>", "<|user|>", "<|assistant|>", "<|unk|>"]

CHAT_TEMPLATE = (
    "{{ bos_token }}"
    "{% for message in messages %}"
    "<|{{ message['role'] }}|>\n{{ message['content'] }}<|end|>\n"
    "{% endfor %}"
    "{% if add_generation_prompt %}<|assistant|>\n{% endif %}"
)


def train_tokenizer(texts: Iterable[str], vocab_size: int = 2048):
    """A byte-level BPE ``PreTrainedTokenizerFast`` trained on ``texts`` (no downloads)."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    tok = Tokenizer(models.BPE(unk_token="<|unk|>"))
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=vocab_size, special_tokens=SPECIAL_TOKENS, show_progress=False,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    tok.train_from_iterator((t for t in texts if t), trainer=trainer)
    fast = PreTrainedTokenizerFast(tokenizer_object=tok, bos_token="<|bos|>", eos_token="<|end|>",
                                   pad_token="<|pad|>", unk_token="<|unk|>")
    fast.chat_template = CHAT_TEMPLATE
    return fast


def build_tiny_llama(out_dir: str | Path, texts: Iterable[str], vocab_size: int = 2048, hidden: int = 64,
                     layers: int = 2, heads: int = 4, kv_heads: int | None = None, intermediate: int | None = None,
                     max_positions: int = 512, seed: int = 0, dtype: str = "float32",
                     model_vocab_size: int | None = None) -> Path:
    """Build a random-init ``LlamaForCausalLM`` + locally trained tokenizer and save both to ``out_dir``.

    ``hidden``/``layers`` set the size: the defaults give a ~0.2M-parameter model for tests;
    ``hidden=768, layers=12, model_vocab_size=16000`` gives the ~110M model of the benchmark.
    ``model_vocab_size`` pads the embedding past the trained vocabulary (a realistic embedding
    size when there is little text to train the tokenizer on).
    """
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    tokenizer = train_tokenizer(texts, vocab_size=vocab_size)
    config = LlamaConfig(
        vocab_size=max(len(tokenizer), model_vocab_size or 0), hidden_size=hidden, num_hidden_layers=layers, num_attention_heads=heads,
        num_key_value_heads=kv_heads or heads, intermediate_size=intermediate or hidden * 4,
        max_position_embeddings=max_positions, bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id, pad_token_id=tokenizer.pad_token_id, tie_word_embeddings=False,
    )
    torch.manual_seed(seed)
    model = LlamaForCausalLM(config).to(getattr(torch, dtype))
    model.generation_config.pad_token_id = tokenizer.pad_token_id
    model.save_pretrained(out)
    tokenizer.save_pretrained(out)
    return out
