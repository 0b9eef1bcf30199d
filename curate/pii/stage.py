"""The ``pii`` stage: detect and anonymize PII in every text-bearing field, fail closed.

Reads ``text_field`` and, when the batch has them, ``instruction``, ``input``, ``output``,
``messages`` (JSON list of {role, content}), ``meta`` (JSON object) and ``lang``/``script``.
Writes the anonymized variant of each field, the entities (offsets into the original
strings, no values; an entity whose type and value were already found in the row carries
``"repeat": true``, so counts can take each entity once per document), their count (every
mention), ``pii_inserted`` (JSON list of {field, start, end, type, h}:
where each placeholder/pseudonym stands in the *anonymized* strings, ``h`` = first 12 hex of
its SHA-256, so the audit's residual scan can skip what the stage itself inserted),
``pii_covered`` (False when a field holds a script outside ``covered_scripts`` or the declared
language/script is not covered: the row is held back from snapshots and exports) and
``pii_reason`` (why, e.g. ``script:Cyrl`` or ``lang:si``; null when covered).
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Literal

import pyarrow as pa
from pydantic import Field

from curate.pii.policy import PiiPolicy, load_policy
from curate.pii.scripts import COVERED_SCRIPTS
from curate.stage import SecretSources, Stage, StageConfig, StageContext, register_stage

SFT_FIELDS = ["instruction", "input", "output", "messages", "meta"]
# Columns read when present (not declared as required inputs: plain-text files have none of them).
OPTIONAL_INPUTS = SFT_FIELDS + ["lang", "script"]


class PiiConfig(StageConfig):
    fields: list[str] = Field(default_factory=lambda: list(SFT_FIELDS),
                              description="further fields to anonymize when present in the batch")
    policy_file: str | None = Field(None, description="YAML policy (schemas/pii_policy.schema.json)")
    policy: dict | None = Field(None, description="inline policy (same shape as the file)")
    nlp: Literal["auto", "spacy", "none"] = Field("auto", description="spaCy for Latin-script names (auto: if installed)")
    spacy_model: str = "en_core_web_sm"
    covered_scripts: list[str] = Field(default_factory=lambda: list(COVERED_SCRIPTS),
                                       description="ISO 15924 scripts whose rows are anonymized (default: the 13 "
                                                   "scripts of the scheduled languages; identifiers, phones, e-mails "
                                                   "and digits in all of them, names where a name recognizer exists); "
                                                   "rows with text in any other script are held back")


OUTPUTS = {
    "pii_text": pa.string(), "pii_instruction": pa.string(), "pii_input": pa.string(), "pii_output": pa.string(),
    "pii_messages": pa.string(), "pii_meta": pa.string(), "pii_entities": pa.string(), "pii_count": pa.int32(),
    "pii_covered": pa.bool_(), "pii_inserted": pa.string(), "pii_reason": pa.string(),
}


@lru_cache(maxsize=4)
def _policy(policy_file: str | None, inline: str | None) -> PiiPolicy:
    return load_policy(policy_file, json.loads(inline) if inline else None)


@lru_cache(maxsize=4)
def _anonymizer(policy_file: str | None, inline: str | None, keys: tuple):
    """Cached per policy *and* key bytes: two workspaces in one process never share an HMAC key."""
    from curate.pii.operators import Anonymizer

    return Anonymizer(_policy(policy_file, inline), dict(keys))


def _inline(cfg: PiiConfig) -> str | None:
    return json.dumps(cfg.policy, sort_keys=True) if cfg.policy else None


def pii_secrets(cfg: PiiConfig, sources: SecretSources) -> dict[str, bytes]:
    """Driver side: the keys the policy needs (workspace secrets folder, --key-file, driver env)."""
    from curate.pii.keys import resolve_secrets

    return resolve_secrets(_policy(cfg.policy_file, _inline(cfg)), sources)


def _prepare(cfg: PiiConfig, keys: dict[str, bytes] | None):
    # Presidio (and through it spaCy/transformers) loads here, on first use, not when the
    # stage registry is read: listing stages or starting the CLI stays fast.
    from curate.pii.engine import get_detector
    from curate.pii.keys import resolve_secrets

    policy = _policy(cfg.policy_file, _inline(cfg))
    keys = resolve_secrets(policy) if keys is None else keys  # no context: file mode on the driver
    detector = get_detector(cfg.nlp, cfg.spacy_model, policy.threshold,
                            tuple(sorted(policy.entities)) if policy.entities else None)
    return policy, detector, _anonymizer(cfg.policy_file, _inline(cfg), tuple(sorted(keys.items())))


def policy_of(cfg: PiiConfig) -> PiiPolicy:
    """The anonymization policy a stage config uses (file, inline or default)."""
    return _policy(cfg.policy_file, json.dumps(cfg.policy, sort_keys=True) if cfg.policy else None)


def summarize(con, relation: str) -> dict:
    """Rows held back by the PII stage and why (printed by ``curate stage pii`` and ``curate run``)."""
    cols = {r[0] for r in con.execute(f"SELECT column_name FROM (DESCRIBE {relation})").fetchall()}
    reason = "coalesce(pii_reason, 'uncovered')" if "pii_reason" in cols else "'uncovered'"
    rows = con.execute(f"SELECT {reason}, count(*) FROM {relation} WHERE NOT coalesce(pii_covered, FALSE) "
                       "GROUP BY 1 ORDER BY 2 DESC, 1").fetchall()
    total = con.execute(f"SELECT count(*) FROM {relation}").fetchone()[0]
    by_reason = {str(k): int(n) for k, n in rows}
    held = sum(by_reason.values())
    msg = (f"{held} of {total} row(s) held back (pii_covered=false): "
           + ", ".join(f"{k} {n}" for k, n in by_reason.items())) if held else f"0 of {total} rows held back"
    return {"rows": int(total), "held_back": held, "held_back_by_reason": by_reason, "message": msg}


def pii_setup(cfg: PiiConfig, ctx: StageContext):
    """Per worker: load the recognizers (Presidio, spaCy) and key the anonymizer once."""
    return _prepare(cfg, dict(ctx.secrets))


def run_rows(rows: list[dict], cfg: PiiConfig, fields: list[str], json_fields=("messages", "meta"),
             field_types: dict[str, str] | None = None, keys: dict[str, bytes] | None = None, prepared=None):
    from curate.pii.fields import process_rows

    policy, detector, anonymizer = prepared or _prepare(cfg, keys)
    results = process_rows(rows, fields, detector, anonymizer, policy, tuple(cfg.covered_scripts),
                           json_fields=json_fields, field_types=field_types)
    weak = policy.weaknesses()
    if weak:  # fail closed: a policy that keeps identifiers readable anonymizes nothing a snapshot may rely on
        for r in results:
            r.covered = False
            r.uncovered.add("policy:" + "; ".join(weak))
    return results


def pii_batch(batch: pa.Table, cfg: PiiConfig, ctx: StageContext | None = None) -> pa.Table:
    present = [f for f in cfg.fields if f in batch.column_names and f != cfg.text_field]
    cols = [cfg.text_field] + present + [c for c in ("lang", "script") if c in batch.column_names]
    rows = batch.select(cols).to_pylist()
    results = run_rows(rows, cfg, [cfg.text_field] + present, keys=dict(ctx.secrets) if ctx else None,
                       prepared=ctx.state if ctx else None)
    out = {
        "pii_text": [r.fields.get(cfg.text_field) for r in results],
        **{f"pii_{f}": [r.fields.get(f) for r in results] if f in present else [None] * len(rows)
           for f in ("instruction", "input", "output", "messages", "meta")},
        "pii_entities": [json.dumps(r.entities, ensure_ascii=False) for r in results],
        "pii_count": [len(r.entities) for r in results],
        "pii_covered": [r.covered for r in results],
        "pii_inserted": [json.dumps(r.inserted, ensure_ascii=False) for r in results],
        "pii_reason": [r.reason for r in results],
    }
    return pa.table({k: pa.array(v, OUTPUTS[k]) for k, v in out.items()})


STAGE = register_stage(Stage(
    name="pii", kind="per_document", config_model=PiiConfig, fn=pii_batch, outputs=OUTPUTS,
    optional_inputs=tuple(OPTIONAL_INPUTS), setup=pii_setup, secrets=pii_secrets,
    description="Detect Indian PII (Aadhaar, PAN, GSTIN, UPI, phones, names in Indic scripts …) in every text field "
                "and anonymize it by policy; rows with text in a script no recognizer covers get pii_covered=false "
                "(held back) with the reason in pii_reason.",
    # 3: scripts from curate.text (every Unicode script has its ISO 15924 code in pii_reason, where letters of
    # an unlisted script were 'script:Zyyy-other'; dandas and digits no longer count as letters).
    # 4: numbers in meta scanned as digits; Verhoeff/Luhn-valid numbers beat look-alike words; name-typed values
    # typed by their format (earlier outputs could leak identifiers stored as numbers: recompute them).
    # 5: person pseudonyms per document, token by token (consistent across fields/turns, collision-free), in the
    # name's script and gender; chat structure (role, ids, tool call names) never rewritten, tool call arguments
    # scanned as JSON values; places named after people typed ADDRESS; repeated entities marked "repeat".
    # 6: DATE_OF_BIRTH (a date beside a birth word, or under a dob key); PIN codes after a city or in an address;
    # account numbers after chat spellings (acc no); names inside handles and a turn's speaker name replaced whole;
    # function names in tools schemas left alone (a newcomer's leaks).
    # 7: names after form labels and unknown surnames after an Indic given name; places the model calls persons
    # typed ADDRESS; a policy that keeps identifiers readable (keep, mask keep_last > 4) holds every row back.
    # 8: object keys scanned and renamed when they hold PII ({"9845012345": …}: keys passed through before), field
    # paths name keys as anonymized; Unicode dashes/spaces/full-width folded, phones with up to three separators
    # or underscores; numbers split across turns or lines; surname handles (@sharma_99, @rkumar); house/flat
    # numbers as ADDRESS (pii-8).
    version="8",
    summarize=summarize,
))
