"""Merge a LoRA adapter into a full-precision copy of its base model (for serving without peft).

The base is reloaded unquantised even for a QLoRA run: merging into 4-bit weights would
round the adapter's small updates away (and peft can only merge into dequantised layers).
"""

from __future__ import annotations

from pathlib import Path

from curate.errors import CurateError

from train.model import load_tokenizer, resolve_device, resolve_dtype
from train.trainer import dir_sha256


def merge_adapter(base_model: str | Path, adapter_path: str | Path, out_dir: str | Path, dtype: str = "auto",
                  device: str = "cpu") -> dict:
    from peft import PeftModel
    from transformers import AutoModelForCausalLM

    out = Path(out_dir)
    if out.exists() and any(out.iterdir()):
        raise CurateError(f"{out} exists and is not empty; choose another --output")
    device = resolve_device(device)
    # "auto" here means full precision for the target device: fp32 on CPU, bf16 on CUDA.
    torch_dtype = resolve_dtype(dtype, device)
    try:
        base = AutoModelForCausalLM.from_pretrained(str(base_model), dtype=torch_dtype,
                                                    device_map={"": 0 if device == "cuda" else "cpu"})
    except OSError as exc:
        raise CurateError(f"cannot load base model '{base_model}': {str(exc).splitlines()[0]}") from None
    if not Path(adapter_path).exists():
        raise CurateError(f"adapter {adapter_path} is missing (was the run folder moved?)")
    merged = PeftModel.from_pretrained(base, str(adapter_path)).merge_and_unload()
    out.mkdir(parents=True, exist_ok=True)
    merged.save_pretrained(str(out))
    load_tokenizer(adapter_path).save_pretrained(str(out))
    return {"path": str(out.resolve()), "sha256": dir_sha256(out), "dtype": str(torch_dtype).replace("torch.", ""),
            "base_model": str(base_model), "adapter_path": str(adapter_path)}
