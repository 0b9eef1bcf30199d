"""Generate the JSON Schemas in ``schemas/`` from the pydantic models that define them.

    python -m curate.schemas            # write
    python -m curate.schemas --check    # exit 1 if any file is stale (used by the tests)
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schemas"


class ChatMessage(BaseModel):
    model_config = ConfigDict(extra="allow")
    role: Literal["system", "user", "assistant", "tool"]
    content: str


class InputRecord(BaseModel):
    """One input record, in one of three shapes. Any other fields are kept as ``meta``.

    * text:  ``{"text": "...", ...}`` (or the field named by ``--text-field``)
    * SFT:   ``{"instruction": "...", "input": "...", "output": "...", ...}`` (input optional)
    * chat:  ``{"messages": [{"role": "user", "content": "..."}, ...], ...}``

    Also read into these shapes (``curate.ingest.shapes``): ShareGPT ``{"conversations": [{"from": "human",
    "value": "..."}, ...]}`` and roles by another name (human, gpt, model, customer, agent ...) as chat;
    ``{"prompt": "...", "completion": "..."}`` as SFT, or as chat when both are lists of messages.
    """

    model_config = ConfigDict(extra="allow")
    text: str | None = Field(None, min_length=1)
    instruction: str | None = None
    input: str | None = None
    output: str | None = None
    messages: list[ChatMessage] | None = Field(None, min_length=1)


class Document(BaseModel):
    """A row of the workspace ``documents`` table (immutable after ingest)."""

    doc_id: str = Field(description="Stable id: hash of source name and record identity (id field, or row + content)")
    text: str = Field(description="Main text, NFC, HTML converted; SFT: instruction, input, output joined; chat: contents")
    instruction: str | None = None
    input: str | None = None
    output: str | None = None
    messages: str | None = Field(None, description="JSON array of {role, content}")
    meta: str | None = Field(None, description="JSON object of every other field of the record")
    source: str
    source_uri: str
    source_row: int = Field(description="1-based line (JSON Lines) or record number")
    content_hash: str
    ingest_id: str
    ingested_at: str


def model_schema_json(model: type[BaseModel], title: str | None = None, sort_keys: bool = False,
                      extra: dict | None = None) -> str:
    """A model's JSON Schema as the text stored in ``schemas/`` (one format for every schema file)."""
    schema = model.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    if title:
        schema["title"] = title
    schema.update(extra or {})
    return json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=sort_keys) + "\n"


def _models() -> dict[str, tuple[type[BaseModel], dict]]:
    """Every schema file written from a model: name -> (model, options for model_schema_json)."""
    from curate.audit.policy import AuditPolicy
    from curate.pii.policy import PiiPolicy
    from curate.recipe import Recipe
    from curate.snapshots import Manifest
    from eval.config import EvalConfig
    from train.config import TrainConfig

    return {
        "recipe": (Recipe, {}), "input_record": (InputRecord, {}), "document": (Document, {}),
        "manifest": (Manifest, {}), "pii_policy": (PiiPolicy, {}),
        "audit_policy": (AuditPolicy, {"extra": {"$id": "https://curate.dev/schemas/audit_policy.schema.json"}}),
        "train_config": (TrainConfig, {"title": "curate train config", "sort_keys": True}),
        "eval_config": (EvalConfig, {"title": "curate eval config", "sort_keys": True}),
    }


def generated() -> dict[Path, str]:
    from curate.stage import all_stages

    out: dict[Path, str] = {}
    for name, (model, options) in _models().items():
        out[SCHEMA_DIR / f"{name}.schema.json"] = model_schema_json(model, **options)
    for name, stage in all_stages().items():
        if not stage.fn.__module__.startswith("curate."):
            continue  # stages registered by tests or user code are not part of the shipped schemas
        out[SCHEMA_DIR / "stages" / f"{name}.schema.json"] = model_schema_json(stage.config_model, extra={
            "description": stage.description or stage.config_model.model_json_schema().get("description", ""),
            "x-curate-stage": {"kind": stage.kind, "outputs": {k: str(v) for k, v in stage.outputs.items()}}})
    return out


def main(argv: list[str]) -> int:
    stale = []
    for path, text in generated().items():
        if "--check" in argv:
            if not path.exists() or path.read_text() != text:
                stale.append(str(path))
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
    if stale:
        print("stale schemas (run python -m curate.schemas):", *stale, sep="\n  ")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
