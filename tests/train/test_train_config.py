"""Typed training config: defaults, YAML, one-line errors, schema file in sync."""

from __future__ import annotations

import json

import pytest

from curate.errors import CurateError
from curate.schemas import SCHEMA_DIR
from train.config import TrainConfig, load_config


def test_defaults_follow_the_qlora_recipe():
    cfg = TrainConfig()
    assert cfg.mode == "qlora" and cfg.quant.quant_type == "nf4" and cfg.quant.double_quant
    assert cfg.learning_rate() == 2e-4 and TrainConfig(mode="full").learning_rate() == 2e-5
    assert cfg.training.gradient_checkpointing and cfg.training.early_stopping_patience


def test_yaml_and_overrides(tmp_path):
    p = tmp_path / "train.yaml"
    p.write_text("mode: lora\nlora:\n  r: 8\ntraining:\n  epochs: 1\n")
    cfg = load_config(p, {"training": {"max_steps": 5}})
    assert cfg.mode == "lora" and cfg.lora.r == 8 and cfg.training.epochs == 1 and cfg.training.max_steps == 5


def test_bad_configs_are_one_line_errors(tmp_path):
    p = tmp_path / "bad.yaml"
    p.write_text("lora:\n  rank: 8\n")
    with pytest.raises(CurateError, match="lora.rank"):
        load_config(p)
    with pytest.raises(CurateError, match="train"):
        load_config(None, {"data": {"splits": {"test": 1.0}}})
    with pytest.raises(CurateError, match="not found"):
        load_config(tmp_path / "missing.yaml")


def test_schema_file_documents_the_defaults():
    # File sync for every schema is tests/test_schemas.py; here: the file says what the code does.
    assert json.loads((SCHEMA_DIR / "train_config.schema.json").read_text())["properties"]["mode"]["default"] == "qlora"
