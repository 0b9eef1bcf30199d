"""The stage contract.

A stage is a plain function plus a declaration of what it reads and writes.
Two kinds exist:

* ``per_document`` stages: ``fn(batch, cfg, ctx) -> pa.Table`` maps an Arrow table to an
  Arrow table of the same length and order holding only their output columns. They hold
  no global state and never touch the workspace or the environment, so an engine (the
  local process pool, Ray Data ``map_batches``) can run them anywhere.
* ``global`` stages need every document at once (LSH grouping, clustering):
  ``fn(con, relation, cfg) -> pa.Table`` receives a DuckDB connection and the name of a
  relation that holds ``doc_id`` plus their declared inputs, and returns ``doc_id`` plus
  outputs. They run on the driver, next to the workspace. A global stage that declares an
  ``engine`` parameter (``fn(con, relation, cfg, engine=None)``) also gets the run's engine
  when it is not ``local`` and may hand it distributable parts of its work (``dedup``: the
  LSH grouping on Ray); its output must not depend on the engine.

Besides the function a stage may declare:

* ``setup(cfg, ctx) -> state``: heavy state (models, lexicons), built once per worker
  process or Ray actor; ``fn`` finds it in ``ctx.state``. A stage must give the same output
  without it (``ctx.state is None``), so a plain call ``fn(batch, cfg, ctx)`` always works.
* ``secrets(cfg, sources) -> {name: bytes}``: runs on the driver only and resolves the
  secrets the stage needs (e.g. the PII HMAC key) from explicit files or the workspace's
  secrets folder. The bytes travel to the workers inside :class:`StageContext`; nothing
  reaches a stage through environment variables, so every worker of a cluster uses the
  same key.

Every field of a :class:`Stage` is picklable (module-level functions, no lambdas), so an
engine can ship the stage object itself. Stages register themselves by name with
:func:`register_stage`; the registry imports every ``curate.<package>.stage`` module on
first lookup, so adding a stage package touches no core file.
"""

from __future__ import annotations

import inspect
import os
import traceback
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Literal, Mapping

import pyarrow as pa
from pydantic import BaseModel, ConfigDict

from curate.errors import CurateError, validation_message


class StageConfig(BaseModel):
    """Base class for stage configurations: unknown keys are errors, not silently ignored."""

    model_config = ConfigDict(extra="forbid")

    text_field: str = "text"


@dataclass(frozen=True)
class SecretSources:
    """Where the driver may look for a stage's secrets.

    ``folder``: the workspace's secrets folder (0700; ``None`` in file mode).
    ``files``: explicit files by secret name (e.g. ``{"hmac_key": "/path/pii.key"}`` from ``--key-file``).
    """

    folder: Path | None = None
    files: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class StageContext:
    """What a stage receives besides its batch and config; built on the driver, pickled to workers.

    ``secrets``: resolved secret bytes by name (never paths, never environment variables).
    ``state``: what ``stage.setup`` returned in this worker, or ``None`` (set by the engine).
    """

    secrets: Mapping[str, bytes] = field(default_factory=dict)
    state: Any = None

    def secret(self, name: str) -> bytes:
        try:
            return self.secrets[name]
        except KeyError:
            raise CurateError(f"stage context has no secret '{name}' (resolve it on the driver with "
                              "curate.stage.stage_context)") from None

    def with_state(self, state: Any) -> "StageContext":
        return replace(self, state=state)

    def __getstate__(self) -> dict:
        # Worker state (models) stays in its worker: only the secrets travel.
        return {"secrets": dict(self.secrets), "state": None}

    def __setstate__(self, d: dict) -> None:
        object.__setattr__(self, "secrets", d["secrets"])
        object.__setattr__(self, "state", d["state"])


def text_field_input(cfg: StageConfig) -> list[str]:
    """Default ``inputs``: the configured text field."""
    return [cfg.text_field]


@dataclass(frozen=True)
class Stage:
    name: str
    kind: Literal["per_document", "global"]
    config_model: type[StageConfig]
    fn: Callable[..., pa.Table]
    # Output columns and their Arrow types; names must be unique across stages
    # because signals are joined side by side in the workspace view.
    outputs: dict[str, pa.DataType]
    # Input columns may depend on the config (e.g. ``text_field``); a module-level function so the stage pickles.
    inputs: Callable[[StageConfig], list[str]] = text_field_input
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
    # Heavy state per worker (see the module docstring); ``None``: nothing to set up.
    setup: Callable[[StageConfig, StageContext], Any] | None = None
    # Driver-side secret resolution (see the module docstring); ``None``: the stage needs no secret.
    secrets: Callable[[StageConfig, SecretSources], dict[str, bytes]] | None = None
    # Outputs that hold raw text or a fingerprint of it (a cleaned copy, a shared span, hashes, MinHash
    # signatures): they stay in the raw zone; non-raw snapshots and exports drop them (curate.snapshots).
    raw_outputs: tuple[str, ...] = ()

    def make_config(self, params: dict[str, Any] | None = None) -> StageConfig:
        from pydantic import ValidationError

        try:
            return self.config_model(**(params or {}))
        except ValidationError as exc:
            raise CurateError(f"stage '{self.name}': bad parameter {validation_message(exc)}") from None

    def output_schema(self) -> pa.Schema:
        return pa.schema([(k, v) for k, v in self.outputs.items()])

    @property
    def error_column(self) -> str:
        """Signal column naming why a row made a per-document stage raise (null when it did not)."""
        return f"{self.name}_error"


def stage_context(stage: Stage, cfg: StageConfig, sources: SecretSources | None = None) -> StageContext:
    """Driver side: resolve the stage's secrets into a context that engines ship to workers."""
    if stage.secrets is None:
        return StageContext()
    return StageContext(secrets=dict(stage.secrets(cfg, sources or SecretSources())))


# ---------------------------------------------------------------------------------------------
# Applying a per-document stage to one batch, with per-row isolation (shared by every engine).

def describe_error(exc: BaseException) -> str:
    """``"RecursionError at pii/fields.py:54"``: the kind and place of a failure, never its message.

    Messages can quote the row's values (a cast error prints the value), and this string is
    stored beside the data, so only the exception type and the innermost frame are kept.
    """
    frames = traceback.extract_tb(exc.__traceback__)
    where = ""
    if frames:
        # The innermost frame of curate's own code names the failing step better than a library's.
        ours = [f for f in frames if f"{os.sep}curate{os.sep}" in f.filename]
        f = (ours or frames)[-1]
        parts = Path(f.filename).parts
        where = f" at {'/'.join(parts[-2:])}:{f.lineno}"
    return f"{type(exc).__name__}{where}"


@lru_cache(maxsize=256)
def _takes_context(fn: Callable) -> bool:
    """Stages written before the context existed take ``(batch, cfg)``; they are still called that way."""
    try:
        params = [p for p in inspect.signature(fn).parameters.values()
                  if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD, p.VAR_POSITIONAL)]
    except (TypeError, ValueError):
        return True
    return len(params) >= 3 or any(p.kind == p.VAR_POSITIONAL for p in params)


@lru_cache(maxsize=256)
def takes_engine(fn: Callable) -> bool:
    """Whether a global stage's ``fn`` accepts the run's engine (``fn(con, relation, cfg, engine=None)``)."""
    try:
        return "engine" in inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return False


def call_stage(stage: Stage, cfg: StageConfig, ctx: StageContext, batch: pa.Table) -> pa.Table:
    """``stage.fn(batch, cfg, ctx)`` (or ``(batch, cfg)`` for a stage without a context parameter)."""
    return stage.fn(batch, cfg, ctx) if _takes_context(stage.fn) else stage.fn(batch, cfg)


def _call(stage: Stage, cfg: StageConfig, ctx: StageContext, batch: pa.Table) -> pa.Table:
    out = call_stage(stage, cfg, ctx, batch)
    if out.num_rows != batch.num_rows:
        raise RuntimeError(f"stage '{stage.name}' returned {out.num_rows} rows for {batch.num_rows}")
    missing = [c for c in stage.outputs if c not in out.column_names]
    if missing:
        raise RuntimeError(f"stage '{stage.name}' did not produce declared column(s) {missing}")
    return out.select(list(stage.outputs)).cast(stage.output_schema())


def apply_batch(stage: Stage, cfg: StageConfig, ctx: StageContext, batch: pa.Table) -> pa.Table:
    """Run a per-document stage over ``batch``; returns ``doc_id`` + outputs + ``<stage>_error``.

    Same rows, same order. If the stage raises on the batch, the batch is retried row by
    row: a row that raises on its own gets null outputs and ``<stage>_error`` set (see
    :func:`describe_error`); the other rows are computed normally. A :class:`CurateError`
    (bad configuration, missing key) is not a row's fault and stops the stage.
    """
    errors: list[str | None] = [None] * batch.num_rows
    try:
        out = _call(stage, cfg, ctx, batch)
    except CurateError:
        raise
    except Exception:
        parts = []
        for i in range(batch.num_rows):
            try:
                parts.append(_call(stage, cfg, ctx, batch.slice(i, 1)))
            except CurateError:
                raise
            except Exception as exc:  # noqa: BLE001 - isolated: recorded with the row, the batch goes on
                errors[i] = describe_error(exc)
                parts.append(pa.table({k: pa.nulls(1, t) for k, t in stage.outputs.items()}))
        out = pa.concat_tables(parts) if parts else stage.output_schema().empty_table()
    out = out.append_column(stage.error_column, pa.array(errors, pa.string()))
    return pa.table({"doc_id": batch.column("doc_id").cast(pa.string()),
                     **{c: out.column(c) for c in out.column_names}})


def signal_schema(stage: Stage) -> pa.Schema:
    """Schema of a per-document stage's signal table: doc_id, outputs, error column."""
    return pa.schema([("doc_id", pa.string()), *stage.output_schema(), (stage.error_column, pa.string())])


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
    from curate._lazy import import_plugins

    import_plugins("curate", "stage")


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


def raw_outputs() -> frozenset[str]:
    """Every registered stage's ``raw_outputs``: signal columns that must never leave the raw zone."""
    return frozenset(c for st in all_stages().values() for c in st.raw_outputs)
