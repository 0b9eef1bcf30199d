"""Typed training configuration (``--config train.yaml``), validated with pydantic.

Defaults follow the QLoRA recipe (NF4 + double quantisation, LoRA on every linear
projection, lr 2e-4 with a short warm-up, grad-norm clip 0.3) and are deliberately
conservative: a user who changes nothing gets a run that will not blow up a 7B model.
The JSON Schema lives in ``schemas/train_config.schema.json`` (``python -m curate.schemas``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from curate.errors import CurateError, validation_message


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class DataConfig(_Strict):
    max_seq_len: int = Field(1024, ge=16, description="Tokens per example; longer examples are truncated (reported).")
    packing: bool = Field(False, description=(
        "Pack several short examples into one sequence of max_seq_len (TRL best-fit-decreasing, padding-free: "
        "position ids restart at every example, so no example attends to another)."))
    splits: dict[str, float] = Field(default_factory=lambda: {"train": 0.9, "validation": 0.05, "test": 0.05},
                                     description="Deterministic export splits (by near-duplicate cluster).")
    contamination: Literal["refuse", "report", "ignore"] = "refuse"
    system_prompt: str | None = Field(None, description="Prepended as a system message to every example.")
    max_examples: int | None = Field(None, ge=1, description="Use at most this many training examples.")


class LoraSettings(_Strict):
    r: int = Field(16, ge=1)
    alpha: int = Field(32, ge=1)
    dropout: float = Field(0.05, ge=0.0, lt=1.0)
    target_modules: list[str] | Literal["all-linear"] | None = Field(
        None, description="None: the per-architecture default (every attention and MLP projection).")


class QuantSettings(_Strict):
    quant_type: Literal["nf4", "fp4"] = "nf4"
    double_quant: bool = True
    compute_dtype: Literal["auto", "bf16", "fp16", "fp32"] = Field(
        "auto", description="auto: bf16 on CUDA (fp16 where bf16 is unsupported), fp32 on CPU.")


class TrainingSettings(_Strict):
    epochs: float = Field(3.0, gt=0)
    max_steps: int = Field(-1, description="Overrides epochs when > 0.")
    batch_size: int = Field(4, ge=1)
    grad_accum: int = Field(4, ge=1)
    learning_rate: float | None = Field(None, gt=0, description="None: 2e-4 for (q)lora, 2e-5 for full.")
    lr_scheduler: str = "cosine"
    warmup_ratio: float = Field(0.03, ge=0, lt=1)
    weight_decay: float = Field(0.0, ge=0)
    max_grad_norm: float = Field(0.3, gt=0)
    logging_steps: int = Field(10, ge=1)
    eval_steps: int = Field(50, ge=1, description="Validation (and checkpoint) every N optimizer steps.")
    save_total_limit: int = Field(2, ge=1)
    early_stopping_patience: int | None = Field(3, ge=1, description="Evaluations without improvement; None: off.")
    early_stopping_threshold: float = Field(0.0, ge=0)
    gradient_checkpointing: bool = True
    optim: str = Field("auto", description="auto: paged_adamw_8bit on CUDA, adamw_torch on CPU.")
    report_to: list[Literal["tensorboard", "mlflow"]] = Field(default_factory=list)


class TrainConfig(_Strict):
    mode: Literal["qlora", "lora", "full"] = Field("qlora", description="qlora: 4-bit base + LoRA; lora: 16/32-bit "
                                                   "base + LoRA; full: every weight trained.")
    device: Literal["auto", "cpu", "cuda"] = "auto"
    dtype: Literal["auto", "bf16", "fp16", "fp32"] = Field(
        "auto", description="Weights of a lora/full base. auto: bf16 on CUDA, fp32 on CPU.")
    seed: int = 42
    data: DataConfig = Field(default_factory=DataConfig)
    lora: LoraSettings = Field(default_factory=LoraSettings)
    quant: QuantSettings = Field(default_factory=QuantSettings)
    training: TrainingSettings = Field(default_factory=TrainingSettings)

    @field_validator("data")
    @classmethod
    def _splits_need_train(cls, v: DataConfig) -> DataConfig:
        if "train" not in v.splits:
            raise ValueError("data.splits needs a 'train' split")
        return v

    def learning_rate(self) -> float:
        if self.training.learning_rate is not None:
            return self.training.learning_rate
        return 2e-5 if self.mode == "full" else 2e-4


def load_config(path: str | Path | None = None, overrides: dict | None = None) -> TrainConfig:
    """Read a YAML/JSON config (if given), apply ``overrides`` (nested dict), validate."""
    data: dict = {}
    if path is not None:
        p = Path(path)
        if not p.exists():
            raise CurateError(f"config file {p} not found")
        import yaml

        try:
            data = yaml.safe_load(p.read_text()) or {}
        except yaml.YAMLError as exc:
            raise CurateError(f"{p}: not valid YAML ({str(exc).splitlines()[0]})") from None
        if not isinstance(data, dict):
            raise CurateError(f"{p}: a training config must be a mapping")
    for key, val in (overrides or {}).items():
        if isinstance(val, dict):
            data.setdefault(key, {}).update(val)
        else:
            data[key] = val
    try:
        return TrainConfig.model_validate(data)
    except ValidationError as exc:
        raise CurateError(f"bad training config: {validation_message(exc)}") from None
