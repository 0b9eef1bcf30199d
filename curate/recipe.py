"""Recipes: sources → stages → selection → snapshot, as one YAML file.

The pydantic models below are the source of truth; ``schemas/recipe.schema.json`` is
generated from them (``python -m curate.schemas``) and a test keeps the two in sync.
Paths in a recipe are relative to the recipe file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from curate.errors import CurateError, first_validation_error
from curate.stage import get_stage
from curate.yamlfile import read_yaml


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SourceSpec(_Strict):
    path: str = Field(description="File or folder, relative to the recipe")
    format: Literal["jsonl", "json", "csv", "tsv", "parquet", "text", "hf"] | None = None
    text_field: str | None = None
    id_field: str | None = None
    on_id_conflict: Literal["quarantine", "version"] = Field(
        "quarantine", description="With id_field, a known id with new content: quarantined, or kept as a new version")
    source_name: str | None = None
    max_record_bytes: int = Field(1_000_000, gt=0)


class StageSpec(_Strict):
    stage: str = Field(description="Registered stage name (curate stages lists them)")
    params: dict[str, Any] = Field(default_factory=dict)


class SnapshotSpec(_Strict):
    name: str
    where: str | None = Field(None, description="SQL over document and signal columns")
    text: Literal["anonymized", "clean", "raw"] = "anonymized"
    allow_raw: bool = False


class ExportSpec(_Strict):
    format: Literal["jsonl", "parquet", "hf"] = "hf"
    path: str
    splits: dict[str, float] = Field(default_factory=lambda: {"train": 0.9, "validation": 0.05, "test": 0.05})
    contamination: Literal["refuse", "report", "ignore"] = "refuse"
    allow_unapproved: bool = Field(False, description=(
        "Export the new snapshot before a steward approved it (it cannot have been: the recipe just made it). "
        "Recorded in export.json and the lineage; without it a recipe's export is refused (exit 4)."))
    layout: Literal["auto", "text", "sft", "messages", "prompt-completion"] = Field("auto", description=(
        "Training fields written: text; instruction/input/output (sft); messages as a list of {role, content}; "
        "prompt/completion (TRL's prompt-completion format); auto picks from the rows."))
    columns: list[str] = Field(default_factory=list, description=(
        "Internal columns to carry beside the training fields, id and split (e.g. lang, meta)."))
    with_signals: bool = Field(False, description="Carry every public column (signals, meta, source_uri, ...).")


class EngineSpec(_Strict):
    """Where per-document stages run; global stages always run on the driver, next to the workspace."""

    name: Literal["local", "ray"] = Field("local", description="local: this machine (process pool); "
                                          "ray: a Ray cluster through Ray Data map_batches")
    address: str | None = Field(None, description="ray: local (a private instance, default), auto (the cluster "
                                "started with ray start here), HOST:PORT or ray://HOST:PORT")
    workers: int | None = Field(None, ge=1, description="worker processes (local) or actors (ray); default: cores")
    batch_size: int = Field(1000, ge=1, description="documents per batch handed to a stage")
    staging_dir: str | None = Field(None, description="ray: folder for staged input files, visible to every node "
                                    "(default: inside the workspace); relative to the recipe")


class Recipe(_Strict):
    name: str
    description: str | None = None
    sources: list[SourceSpec] = Field(default_factory=list)
    stages: list[StageSpec] = Field(default_factory=list)
    engine: EngineSpec = Field(default_factory=EngineSpec)
    snapshot: SnapshotSpec | None = None
    export: ExportSpec | None = None


def load_recipe(path: str | Path) -> tuple[Recipe, Path]:
    path = Path(path)
    data = read_yaml(path, "recipe file")
    if not isinstance(data, dict):
        raise CurateError(f"{path}: a recipe is a YAML mapping with name, sources, stages, snapshot")
    try:
        recipe = Recipe.model_validate(data)
    except ValidationError as exc:
        where, msg = first_validation_error(exc)
        raise CurateError(f"{path}: {where}: {msg}") from None
    for i, st in enumerate(recipe.stages):
        try:
            get_stage(st.stage).make_config(st.params)
        except CurateError as exc:
            raise CurateError(f"{path}: stages[{i}]: {exc}") from None
    return recipe, path.resolve().parent


def check_columns(ws, recipe: Recipe, path: str | Path) -> None:
    """Check, before any work, that each stage's inputs and the snapshot's ``where`` find their columns.

    A column is there when the workspace has it already (``ws.view_columns()``: documents, stored signals,
    labels), when ingest makes it (the record columns) or when an earlier stage of the recipe writes it.
    Otherwise the recipe would ingest and run its slow stages first and fail at the end (``dedup`` without
    ``minhash`` before it; ``where: dup_keep`` with no dedup stage).

    Raises:
        CurateError: one line naming the recipe, the place, the missing columns and the stage that writes them.
    """
    from curate.runner import RECORD_COLUMNS
    from curate.stage import all_stages
    from curate.usersql import parse_where

    writers: dict[str, str] = {}
    for name, st in all_stages().items():
        for col in [*st.outputs, st.error_column]:
            writers.setdefault(col, name)
    available = set(ws.view_columns()) | set(RECORD_COLUMNS)

    def hint(missing: list[str]) -> str:
        stages = sorted({writers[c] for c in missing if c in writers})
        return f": add {' and '.join(repr(s) for s in stages)} before it" if stages else ""

    for i, spec in enumerate(recipe.stages):
        stage = get_stage(spec.stage)
        missing = [c for c in stage.inputs(stage.make_config(spec.params)) if c not in available]
        if missing:
            raise CurateError(f"{path}: stages[{i}]: stage '{spec.stage}' needs {', '.join(missing)}, which no "
                              f"earlier stage of the recipe writes and the workspace does not have{hint(missing)}")
        available |= {*stage.outputs, stage.error_column}
    if recipe.snapshot and recipe.snapshot.where:
        _sql, names = parse_where(recipe.snapshot.where)
        # Only names a stage writes are judged: the others may be lambda parameters or struct fields, which the
        # snapshot's own check names precisely.
        missing = [c for c in dict.fromkeys(names) if c in writers and c not in available]
        if missing:
            raise CurateError(f"{path}: snapshot.where reads {', '.join(missing)}, which no stage of the recipe "
                              f"writes and the workspace does not have: add stage "
                              f"{' and '.join(repr(s) for s in sorted({writers[c] for c in missing}))} to the recipe")


def run_recipe(ws, path: str | Path, progress_factory=None, log: Callable[[str], None] | None = None,
               engine: str | None = None, address: str | None = None, workers: int | None = None) -> dict:
    """Run a recipe; ``engine``/``address``/``workers`` override the recipe's ``engine`` settings.

    One engine (one Ray connection) serves every stage of the recipe. The snapshot content
    hash does not depend on the engine.
    """
    from curate.engines import make_engine

    log = log or (lambda s: None)
    recipe, base = load_recipe(path)
    check_columns(ws, recipe, path)
    spec = recipe.engine
    name = engine or spec.name
    opts: dict[str, Any] = {"workers": workers or spec.workers}
    if name == "ray":
        opts["address"] = address or spec.address
        if spec.staging_dir:
            opts["staging_dir"] = str(base / spec.staging_dir)
    elif address:
        raise CurateError("--address is for the ray engine (add --engine ray)")
    eng = make_engine(name, **opts)
    try:
        return _run_recipe(ws, recipe, base, eng, spec.batch_size, progress_factory, log)
    finally:
        eng.close()


def _run_recipe(ws, recipe: Recipe, base: Path, eng, batch_size: int, progress_factory, log) -> dict:
    from curate.ingest.ingest import IngestOptions, ingest_file
    from curate.runner import run_stage

    summary: dict[str, Any] = {"recipe": recipe.name, "ingests": [], "stages": [], "snapshot": None, "export": None}
    paths = [(base / src.path) if not Path(src.path).is_absolute() else Path(src.path) for src in recipe.sources]
    for src, p in zip(recipe.sources, paths):
        opts = IngestOptions(fmt=src.format, text_field=src.text_field, id_field=src.id_field,
                             on_id_conflict=src.on_id_conflict,
                             source_name=src.source_name, max_record_bytes=src.max_record_bytes)
        if progress_factory:
            from curate.ingest.ingest import _source_size

            with progress_factory(f"ingest {p.name}", _source_size(p) if p.exists() else 0) as adv:
                res = ingest_file(ws, p, opts, progress=adv, namesakes=paths)
        else:
            res = ingest_file(ws, p, opts, namesakes=paths)
        log(f"ingested {res.source}: {res.ingested} new, {res.duplicates} duplicates, {res.quarantined} quarantined")
        summary["ingests"].append(res.as_dict())
    for st in recipe.stages:
        res = run_stage(ws, st.stage, st.params, progress_factory=progress_factory, engine=eng, batch_size=batch_size)
        log(f"stage {st.stage}: {res.computed} computed, {res.cached} cached"
            + (f", {res.errors} row error(s) held back" if res.errors else ""))
        if (res.summary or {}).get("message"):
            log(f"  {res.summary['message']}")
        summary["stages"].append(res.as_dict())
    if recipe.snapshot:
        from curate.snapshots import create_snapshot

        m = create_snapshot(ws, recipe.snapshot.name, where=recipe.snapshot.where, text=recipe.snapshot.text,
                            allow_raw=recipe.snapshot.allow_raw, recipe=recipe.model_dump(mode="json"))
        log(f"snapshot {m.ref}: {m.row_count} rows, content hash {m.content_hash[:12]}")
        summary["snapshot"] = m.model_dump(mode="json")
        if recipe.export:
            from curate.export import export_snapshot

            out = base / recipe.export.path  # an absolute path stays as it is
            summary["export"] = export_snapshot(ws, m.ref, recipe.export.format, out, splits=recipe.export.splits,
                                                allow_raw=recipe.snapshot.allow_raw,
                                                contamination=recipe.export.contamination, overwrite=True,
                                                allow_unapproved=recipe.export.allow_unapproved,
                                                layout=recipe.export.layout, columns=recipe.export.columns,
                                                with_signals=recipe.export.with_signals).as_dict()
            log(f"exported {m.ref} to {summary['export']['path']}")
    return summary
