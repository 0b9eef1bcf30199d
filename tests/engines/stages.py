"""Stages for the engine tests, importable by Ray workers (the cluster's PYTHONPATH holds the repo)."""

from __future__ import annotations

import os
import time

import pyarrow as pa

from curate.stage import Stage, StageConfig, StageContext, register_stage


class SlowConfig(StageConfig):
    seconds_per_batch: float = 0.0


def slow_setup(cfg: SlowConfig, ctx: StageContext) -> int:
    return os.getpid()  # state: the process that ran setup


def slow_batch(batch: pa.Table, cfg: SlowConfig, ctx: StageContext) -> pa.Table:
    time.sleep(cfg.seconds_per_batch)
    texts = batch.column(cfg.text_field).to_pylist()
    if any(t.startswith("poison") for t in texts):
        raise RecursionError("maximum recursion depth exceeded")
    same = ctx.state == os.getpid()
    return pa.table({"slow_upper": [t.upper() for t in texts], "slow_setup_here": [same] * len(texts)})


SLOW = register_stage(Stage(
    name="slow_test", kind="per_document", config_model=SlowConfig, fn=slow_batch, setup=slow_setup,
    outputs={"slow_upper": pa.string(), "slow_setup_here": pa.bool_()},
    description="test stage: upper-cases text, optionally slowly; set up once per worker"))
