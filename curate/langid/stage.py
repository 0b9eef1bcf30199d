"""Language ID as a per-document stage (``langid``) for recipes and file mode."""

from __future__ import annotations

import json
from functools import lru_cache

import pyarrow as pa

from curate.langid.config import DetectConfig
from curate.langid.detect import LanguageIdentifier
from curate.stage import Stage, StageConfig, StageContext, register_stage

OUTPUTS = {
    "lang": pa.string(),               # ISO 639-1, or 639-3 where there is none (mai, brx, kok, sat, doi, mni); "und"
    "script": pa.string(),             # ISO 15924 of the matrix language's tokens (Zyyy when no letters)
    "romanized": pa.bool_(),           # Latin-script text carrying an Indic language (matrix or embedded)
    "codemixed": pa.bool_(),
    "lang_score": pa.float64(),        # 0..1 confidence in `lang`
    "embedded_lang": pa.string(),      # the other language of a code-mixed document, else null
    "cmi": pa.float64(),               # code-mixing index, Das & Gambäck (2014), 0..100
    "lang_alternatives": pa.string(),  # JSON [[lang, score], ...] top 3
    "script_shares": pa.string(),      # JSON {script: share of letters}
}


class LangIdConfig(StageConfig, DetectConfig):
    """Language identification: 22 scheduled Indian languages + English, native and romanized, code-mixing."""


@lru_cache(maxsize=8)
def _detector(cfg_json: str) -> LanguageIdentifier:
    # One detector per config and process: it holds the model and the word-score cache, which is
    # what makes later batches fast. It changes no result, so the stage stays stateless in effect.
    return LanguageIdentifier(DetectConfig.model_validate_json(cfg_json))


def langid_setup(cfg: LangIdConfig, ctx: StageContext) -> LanguageIdentifier:
    """Per worker: load the model once."""
    return _detector(json.dumps(cfg.model_dump(exclude={"text_field"}), sort_keys=True))


def langid_batch(batch: pa.Table, cfg: LangIdConfig, ctx: StageContext | None = None) -> pa.Table:
    det = ctx.state if ctx is not None and ctx.state is not None else langid_setup(cfg, ctx)
    texts = batch.column(cfg.text_field).to_pylist()
    texts = [t if isinstance(t, str) else (None if t is None else str(t)) for t in texts]
    rows = [r.to_row() for r in det.detect_many(texts)]
    return pa.table({name: pa.array([r[name] for r in rows], typ) for name, typ in OUTPUTS.items()})


STAGE = register_stage(Stage(
    name="langid", kind="per_document", config_model=LangIdConfig, fn=langid_batch, outputs=OUTPUTS, setup=langid_setup,
    description="Language ID for the 22 scheduled Indian languages + English: script shares, native and "
                "romanized text, code-mixing (matrix/embedded language, CMI); und for short or ambiguous text.",
    # 2: scripts from curate.text's Unicode-generated table (IPA and full-width Latin letters are Latn, Vedic
    # tone marks no script) instead of a hand-typed block table.
    version="2",
))
