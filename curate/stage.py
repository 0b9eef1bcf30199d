"""The stage contract.

A stage is a plain function plus a declaration of what it reads and writes.
Two kinds exist:

* ``per_document`` stages map an Arrow table to an Arrow table of the same
  length and order holding only their output columns. They hold no global
  state and never touch the workspace, so the runner can send batches to a
  process pool (or, later, Ray Data ``map_batches``) unchanged.
* ``global`` stages need every document at once (LSH grouping, clustering).
  They receive a DuckDB connection and the name of a relation that holds
  ``doc_id`` plus their declared inputs, and return ``doc_id`` plus outputs.

Stages register themselves by name with :func:`register_stage`; the registry
imports every ``curate.<package>.stage`` module on first lookup, so adding a
stage package touches no core file.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass, field
from typing import Any, Callable, Literal

import pyarrow as pa
from pydantic import BaseModel, ConfigDict

from curate.errors import CurateError


class StageConfig(BaseModel):
    """Base class for stage configurations: unknown keys are errors, not silently ignored."""

    model_config = ConfigDict(extra="forbid")

    text_field: str = "text"


@dataclass(frozen=True)
class Stage:
    name: str
    kind: Literal["per_document", "global"]
    config_model: type[StageConfig]
    fn: Callable[..., pa.Table]
    # Output columns and their Arrow types; names must be unique across stages
    # because signals are joined side by side in the workspace view.
    outputs: dict[str, pa.DataType]
    # Input columns may depend on the config (e.g. ``text_field``).
    inputs: Callable[[StageConfig], list[str]] = field(default=lambda cfg: [cfg.text_field])
    # Columns the stage uses when present (e.g. ``lang`` from language ID); the runner
    # passes those that exist. The record columns (text, instruction, input, output,
    # messages, meta) are always passed.
    optional_inputs: tuple[str, ...] = ()
    description: str = ""
    # Version of the stage's logic: bump it when outputs change for the same input,
    # so cached signals are recomputed.
    version: str = "1"
    # Optional: ``summarize(con, relation) -> dict`` over the stage's signal after a run (e.g. how many rows
    # the PII stage held back and why). A "message" key, when present, is printed by the CLI and recipe log.
    summarize: Callable[[Any, str], dict] | None = None

    def make_config(self, params: dict[str, Any] | None = None) -> StageConfig:
        from pydantic import ValidationError

        try:
            return self.config_model(**(params or {}))
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "(root)"
            raise CurateError(f"stage '{self.name}': bad parameter '{where}': {first['msg']}") from None

    def output_schema(self) -> pa.Schema:
        return pa.schema([(k, v) for k, v in self.outputs.items()])


_REGISTRY: dict[str, Stage] = {}
_DISCOVERED = False
# Top-level packages besides ``curate`` that may contribute stages.
_EXTRA_PACKAGES: tuple[str, ...] = ()


def register_stage(stage: Stage) -> Stage:
    existing = _REGISTRY.get(stage.name)
    if existing is not None and existing.fn is not stage.fn:
        raise RuntimeError(f"stage name '{stage.name}' registered twice")
    _REGISTRY[stage.name] = stage
    return stage


def _discover() -> None:
    global _DISCOVERED
    if _DISCOVERED:
        return
    _DISCOVERED = True
    import curate

    for mod in pkgutil.iter_modules(curate.__path__):
        if mod.ispkg:
            try:
                importlib.import_module(f"curate.{mod.name}.stage")
            except ModuleNotFoundError as exc:
                if exc.name != f"curate.{mod.name}.stage":
                    raise


def get_stage(name: str) -> Stage:
    _discover()
    try:
        return _REGISTRY[name]
    except KeyError:
        known = ", ".join(sorted(_REGISTRY)) or "none"
        raise CurateError(f"unknown stage '{name}' (known stages: {known})") from None


def all_stages() -> dict[str, Stage]:
    _discover()
    return dict(sorted(_REGISTRY.items()))
