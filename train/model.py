"""Loading a base model for qlora / lora / full fine-tuning, and wrapping it with LoRA.

* ``qlora``: weights quantised to 4-bit NF4 with double quantisation by bitsandbytes,
  compute in bf16 on CUDA (fp16 on GPUs without bf16) and fp32 on CPU (bitsandbytes 0.50
  runs NF4 on CPU), ``prepare_model_for_kbit_training`` (norms in fp32, input grads for
  gradient checkpointing), then LoRA adapters.
* ``lora``: the base in 16-bit on CUDA (32-bit on CPU unless ``dtype`` says otherwise) + LoRA.
* ``full``: every weight trainable, same dtype rules.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

from curate.errors import CurateError

from train.config import TrainConfig

# bitsandbytes (imported by peft too) warns at import when the optional `kernels` package (faster
# CPU 4-bit matmuls, fetched from the hub) is absent; it then uses its own CPU code, which is fine.
logging.getLogger("bitsandbytes.backends.cpu.ops").setLevel(logging.ERROR)

# Every attention and MLP projection: the QLoRA paper finds adapting all linear layers is what
# closes the gap to full fine-tuning; attention-only LoRA is noticeably weaker.
DEFAULT_TARGETS: dict[str, list[str]] = {
    "llama": ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"],
    "mistral": ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"],
    "mixtral": ["q_proj", "k_proj", "v_proj", "o_proj"],
    "qwen2": ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"],
    "qwen3": ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"],
    "gemma": ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"],
    "gemma2": ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"],
    "phi3": ["qkv_proj", "o_proj", "gate_up_proj", "down_proj"],
    "phi": ["q_proj", "k_proj", "v_proj", "dense", "fc1", "fc2"],
    "gpt2": ["c_attn", "c_proj", "c_fc"],
    "gpt_neox": ["query_key_value", "dense", "dense_h_to_4h", "dense_4h_to_h"],
    "falcon": ["query_key_value", "dense", "dense_h_to_4h", "dense_4h_to_h"],
    "bloom": ["query_key_value", "dense", "dense_h_to_4h", "dense_4h_to_h"],
}


def resolve_device(requested: str) -> str:
    import torch

    if requested == "cuda" and not torch.cuda.is_available():
        raise CurateError("device 'cuda' requested but no CUDA GPU is visible (use --device cpu or auto)")
    if requested == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    return requested


# A model folder holds its tokenizer in one of these (fast tokenizer, its config, SentencePiece, GPT-2 BPE).
TOKENIZER_FILES = ("tokenizer.json", "tokenizer_config.json", "tokenizer.model", "vocab.json")
_HUB_ID = re.compile(r"^[A-Za-z0-9][\w.-]*(/[\w.-]+)?$")


def _cached_hub_id(name: str) -> bool:
    """True when ``name`` is a hub id whose config is in the local Hugging Face cache (loadable offline)."""
    if not _HUB_ID.match(name) or ".." in name:
        return False
    from huggingface_hub import try_to_load_from_cache

    try:
        return isinstance(try_to_load_from_cache(name, "config.json"), str)
    except Exception:  # an id the hub library refuses is not in the cache either
        return False


def check_model_source(path: str | Path, what: str = "model") -> None:
    """Refuse, in one line, a base model that cannot be loaded offline, before any work is recorded.

    Accepted: a folder with ``config.json`` and a tokenizer (:data:`TOKENIZER_FILES`), or a hub id already in
    the local Hugging Face cache.

    Raises:
        CurateError: ``no such {what} folder: PATH``, or what the folder lacks.
    """
    p = Path(path)
    if p.is_dir():
        if not (p / "config.json").is_file():
            raise CurateError(f"{path} is not a {what} folder (no config.json)")
        if not any((p / f).is_file() for f in TOKENIZER_FILES):
            raise CurateError(f"{what} folder {path} has no tokenizer ({', '.join(TOKENIZER_FILES)})")
        return
    if p.exists():
        raise CurateError(f"{path} is a file, not a {what} folder")
    if not _cached_hub_id(str(path)):
        hint = " (nor a hub id in the local Hugging Face cache: curate never downloads)" if _HUB_ID.match(str(path)) \
            else ""
        raise CurateError(f"no such {what} folder: {path}{hint}")


def check_adapter(path: str | Path | None, mode: str, run_id: str) -> None:
    """Refuse, in one line, a run whose saved adapter (or full model) is no longer where the run recorded it.

    Raises:
        CurateError: the folder is missing or holds no adapter (``adapter_config.json``).
    """
    if not path:
        raise CurateError(f"run '{run_id}' has no saved adapter")
    p = Path(path)
    if mode == "full":
        if not p.is_dir() or not (p / "config.json").is_file():
            raise CurateError(f"model of run '{run_id}' not found: {path} (moved or deleted?)")
        return
    if not (p / "adapter_config.json").is_file():
        raise CurateError(f"adapter of run '{run_id}' not found: {path} (moved or deleted?)")


def resolve_dtype(name: str, device: str):
    import torch

    if name == "auto":
        if device == "cuda":
            return torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
        return torch.float32
    return {"bf16": torch.bfloat16, "fp16": torch.float16, "fp32": torch.float32}[name]


def check_bitsandbytes(device: str) -> None:
    """Fail early, in one line, when 4-bit loading cannot work here."""
    try:
        import bitsandbytes as bnb  # noqa: F401
    except Exception as exc:  # ImportError, or a CUDA setup error raised at import
        raise CurateError(f"mode 'qlora' needs bitsandbytes, which cannot be loaded here ({exc.__class__.__name__}: "
                          f"{str(exc).splitlines()[0] if str(exc) else ''}); use --mode lora") from None
    if device == "cuda":
        import torch

        major, _ = torch.cuda.get_device_capability()
        if major < 7:
            raise CurateError("bitsandbytes 4-bit needs a GPU with compute capability >= 7.0; use --mode lora")


def bnb_config(cfg: TrainConfig, device: str):
    from transformers import BitsAndBytesConfig

    return BitsAndBytesConfig(load_in_4bit=True, bnb_4bit_quant_type=cfg.quant.quant_type,
                              bnb_4bit_use_double_quant=cfg.quant.double_quant,
                              bnb_4bit_compute_dtype=resolve_dtype(cfg.quant.compute_dtype, device))


def load_tokenizer(path: str | Path):
    from transformers import AutoTokenizer

    try:
        tok = AutoTokenizer.from_pretrained(str(path))
    except (OSError, ValueError) as exc:  # ValueError: no usable tokenizer file, or an id the hub refuses
        raise CurateError(f"cannot load a tokenizer from '{path}' (offline: give a local model folder): "
                          f"{str(exc).splitlines()[0]}") from None
    if tok.pad_token is None:  # many base models ship without one; padding positions are masked anyway
        tok.pad_token = tok.eos_token
    return tok


def load_base_model(path: str | Path, mode: str, cfg: TrainConfig, device: str):
    """The base model ready for training/eval in ``mode`` (quantised for qlora), on ``device``."""
    from transformers import AutoModelForCausalLM

    kwargs: dict = {"device_map": {"": 0 if device == "cuda" else "cpu"}}
    if mode == "qlora":
        check_bitsandbytes(device)
        kwargs["quantization_config"] = bnb_config(cfg, device)
        # Non-quantised parts (embeddings, norms, head) in the compute dtype.
        kwargs["dtype"] = resolve_dtype(cfg.quant.compute_dtype, device)
    else:
        kwargs["dtype"] = resolve_dtype(cfg.dtype, device)
    try:
        return AutoModelForCausalLM.from_pretrained(str(path), **kwargs)
    except OSError as exc:
        raise CurateError(f"cannot load base model '{path}' (offline: give a local model folder): "
                          f"{str(exc).splitlines()[0]}") from None
    except ValueError as exc:
        raise CurateError(f"cannot load base model '{path}' in mode {mode}: {str(exc).splitlines()[0]}") from None


def lora_targets(model, cfg: TrainConfig) -> list[str] | str:
    if cfg.lora.target_modules is not None:
        return cfg.lora.target_modules
    return DEFAULT_TARGETS.get(getattr(model.config, "model_type", ""), "all-linear")


def keep_embeddings_in_compute_dtype(model) -> None:
    """Cast the input embedding and the LM head back to the compute dtype after k-bit preparation.

    ``prepare_model_for_kbit_training`` upcasts every non-quantised weight to fp32 for stability. For the
    norms that is what QLoRA does, but the embedding matrix and the LM head are frozen, large
    (vocab x hidden each) and only read: in fp32 they held ~1 GB of the 2.5 GB CUDA peak of a 1.3B model with
    a 32k vocabulary (BENCHMARKS.md, training on an H200). The QLoRA reference implementation
    (artidoro/qlora, ``qlora.py``: ``if 'lm_head' in name or 'embed_tokens' in name: ... module.to(bfloat16)``)
    keeps them in bf16 for the same reason. With fp32 compute (the CPU default) nothing changes.
    """
    import torch

    dtype = getattr(getattr(model, "config", None), "dtype", None)
    quant = getattr(model, "hf_quantizer", None)
    compute = getattr(getattr(quant, "quantization_config", None), "bnb_4bit_compute_dtype", None)
    target = compute if isinstance(compute, torch.dtype) else dtype
    if target not in (torch.bfloat16, torch.float16):
        return
    for module in (model.get_input_embeddings(), model.get_output_embeddings()):
        if module is not None and getattr(module, "weight", None) is not None and module.weight.dtype == torch.float32:
            module.to(target)


def prepare_for_training(model, cfg: TrainConfig):
    """Gradient checkpointing, k-bit preparation and LoRA wrapping according to ``cfg.mode``."""
    from peft import LoraConfig, get_peft_model, prepare_model_for_kbit_training

    gc = cfg.training.gradient_checkpointing
    if cfg.mode == "full":
        if gc:
            model.gradient_checkpointing_enable(gradient_checkpointing_kwargs={"use_reentrant": False})
        model.config.use_cache = False
        return model
    if cfg.mode == "qlora":
        model = prepare_model_for_kbit_training(model, use_gradient_checkpointing=gc,
                                                gradient_checkpointing_kwargs={"use_reentrant": False})
        keep_embeddings_in_compute_dtype(model)
    elif gc:
        model.gradient_checkpointing_enable(gradient_checkpointing_kwargs={"use_reentrant": False})
        model.enable_input_require_grads()
    model.config.use_cache = False
    lcfg = LoraConfig(r=cfg.lora.r, lora_alpha=cfg.lora.alpha, lora_dropout=cfg.lora.dropout,
                      target_modules=lora_targets(model, cfg), bias="none", task_type="CAUSAL_LM")
    try:
        return get_peft_model(model, lcfg)
    except ValueError as exc:
        raise CurateError(f"LoRA target modules do not match this model: {str(exc).splitlines()[0]}") from None


def load_with_adapter(base_path: str | Path, adapter_path: str | Path, mode: str, cfg: TrainConfig, device: str):
    """Base (quantised like the run) + a saved LoRA adapter, in eval mode."""
    from peft import PeftModel

    base = load_base_model(base_path, mode, cfg, device)
    model = PeftModel.from_pretrained(base, str(adapter_path))
    model.eval()
    return model
