"""Language ID as a per-document stage (``langid``) for recipes and file mode."""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Literal

import pyarrow as pa
from pydantic import Field

from curate.langid.config import DetectConfig
from curate.langid.detect import LanguageIdentifier
from curate.langid.shapes import row_texts
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
    "lang_fields": pa.string(),        # what was read: "input+output", "messages:user", a field name
}
# Stage options that are not detector thresholds (left out of the detector's config).
_STAGE_ONLY = {"text_field", "fields", "chat_roles", "chat_primary_role"}


class LangIdConfig(StageConfig, DetectConfig):
    """Language identification: 22 scheduled Indian languages + English, native and romanized, code-mixing."""

    fields: Literal["auto", "text"] = Field("auto", description=(
        "auto: chats (a messages column) are identified on the turns of chat_roles, SFT rows on input + output "
        "(instruction + output when there is no input): a shared English instruction template or system prompt "
        "does not decide the row's language; text: text_field only."))
    chat_roles: list[str] = Field(["user", "assistant"], description=(
        "Chat roles whose turns are identified (the system prompt is usually a shared template)."))
    chat_primary_role: str | None = Field("user", description=(
        "When a chat's turns of this role hold at least 12 letters, only they are identified: the customer's "
        "language is the row's, and a canned agent reply in English must not outvote it. Shorter (\"ok\", "
        "\"hi\"): the turns of every chat_roles role. null: always every chat_roles role."))


@lru_cache(maxsize=8)
def _detector(cfg_json: str) -> LanguageIdentifier:
    # One detector per config and process: it holds the model and the word-score cache, which is
    # what makes later batches fast. It changes no result, so the stage stays stateless in effect.
    return LanguageIdentifier(DetectConfig.model_validate_json(cfg_json))


def langid_setup(cfg: LangIdConfig, ctx: StageContext) -> LanguageIdentifier:
    """Per worker: load the model once."""
    return _detector(json.dumps(cfg.model_dump(exclude=_STAGE_ONLY), sort_keys=True))


def langid_batch(batch: pa.Table, cfg: LangIdConfig, ctx: StageContext | None = None) -> pa.Table:
    det = ctx.state if ctx is not None and ctx.state is not None else langid_setup(cfg, ctx)
    shaped = row_texts(batch, cfg.text_field, cfg.fields, tuple(cfg.chat_roles), cfg.chat_primary_role)
    rows = [r.to_row() for r in det.detect_many([s.text for s in shaped])]
    used = [s.fields for s in shaped]
    # A chat or SFT part without language content (no letters, or fewer than min_chars: a label, a
    # number) leaves the whole text to decide, template included; ambiguous text (a score) stays und.
    redo = [i for i, (s, r) in enumerate(zip(shaped, rows))
            if s.fields != cfg.text_field and s.whole and r["lang"] == "und" and r["lang_score"] == 0.0]
    for i, r in zip(redo, det.detect_many([shaped[i].whole for i in redo])):
        rows[i], used[i] = r.to_row(), cfg.text_field
    for r, u in zip(rows, used):
        r["lang_fields"] = u
    return pa.table({name: pa.array([r[name] for r in rows], typ) for name, typ in OUTPUTS.items()})


STAGE = register_stage(Stage(
    name="langid", kind="per_document", config_model=LangIdConfig, fn=langid_batch, outputs=OUTPUTS, setup=langid_setup,
    description="Language ID for the 22 scheduled Indian languages + English: script shares, native and "
                "romanized text, code-mixing (matrix/embedded language, CMI); und for short or ambiguous text.",
    # 2: scripts from curate.text's Unicode-generated table (IPA and full-width Latin letters are Latn, Vedic
    # tone marks no script) instead of a hand-typed block table.
    # 3: chats and SFT pairs are identified on their distinguishing turns/fields (lang_fields says which);
    # native-script Indic words carry a clause's frame; romanized only for Latin-script Indic tokens.
    # 4: the model's Devanagari n-grams also learn from CLDR locale strings (babel); Maithili's function-word
    # list no longer holds content words; English-framed code-mixing and name handling (issue 12, fourth pass).
    # 8: acronyms of mixed-case text (EMI, PAN, UPI) read as English, UPI ids dropped like e-mail addresses, names
    # Indian English uses as its own (Aadhaar, Diwali, Paytm) no evidence (a newcomer's English rows were code-mixed).
    # 9: marker words and suffixes of close neighbours (as/bn, ne, mai, kok, mr), Assamese backed off to Bengali in
    # the model, English "is" after a determiner and its noun (issue 12, seventh pass).
    # 10: capitalised names in English rows (eighth pass).
    # 11: romanized Punjabi needs a word of its own grammar; everyday English words; "me"/"to" in commands (tenth).
    version="11",
))
