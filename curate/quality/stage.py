"""The ``quality`` per-document stage: flags and the metrics behind them, nothing deleted."""

from __future__ import annotations

import json

import pyarrow as pa

from curate.quality.config import QualityConfig
from curate.quality.metrics import measure
from curate.quality.rules import flags_for
from curate.stage import Stage, StageContext, register_stage


def quality_batch(batch: pa.Table, cfg: QualityConfig, ctx: StageContext | None = None) -> pa.Table:
    texts = batch.column(cfg.text_field).to_pylist()
    langs = batch.column(cfg.lang_field).to_pylist() if cfg.lang_field in batch.column_names else [None] * len(texts)
    ok, flags, metrics = [], [], []
    for text, lang in zip(texts, langs):
        m = measure(text)
        f = flags_for(m, cfg.for_language(lang))
        ok.append(not f)
        flags.append(f)
        metrics.append(json.dumps(m, ensure_ascii=False, sort_keys=True))
    return pa.table({"quality_ok": pa.array(ok, pa.bool_()), "quality_flags": pa.array(flags, pa.list_(pa.string())),
                     "quality_metrics": pa.array(metrics, pa.string())})


STAGE = register_stage(Stage(
    name="quality", kind="per_document", config_model=QualityConfig, fn=quality_batch,
    outputs={"quality_ok": pa.bool_(), "quality_flags": pa.list_(pa.string()), "quality_metrics": pa.string()},
    optional_inputs=("lang",),
    # 2: quality_metrics' "script" holds ISO 15924 codes (Deva, Olck, Mtei …) from curate.text, not Unicode
    # name prefixes (DEVANAGARI, OL, MEETEI).
    version="2",
    description="Quality flags (never deletion): length, word/char/line repetition, symbol and digit ratios, "
                "letters outside the dominant script, boilerplate lines; per-language thresholds via 'lang'.",
))
