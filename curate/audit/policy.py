"""Audit policy: what the steward requires of a snapshot before it may be used for training.

Loaded from YAML, validated by pydantic (unknown keys are errors); the JSON Schema of this model lives in
``schemas/audit_policy.schema.json`` (regenerate with ``python -m curate.schemas``).
Every gate is optional: a gate left unset (null) is not evaluated.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from curate.errors import CurateError, validation_message



class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Gates(_Strict):
    """Thresholds; a snapshot fails the audit when any set gate is violated."""

    max_residual_pii: int | None = Field(0, ge=0, description="Most PII entities allowed to survive in the text.")
    max_unconfirmed_pii: int | None = Field(None, ge=0, description="Most regex PII suspects that no detector confirms "
                                                                  "(always reported; a gate only when set).")
    max_toxicity_rate: float | None = Field(None, ge=0, le=1, description="Most share of rows with a toxic/profane term.")
    min_group_share: dict[str, float] = Field(default_factory=dict,
                                              description="Per axis, least share each group must have among rows mentioning the axis "
                                                          "(groups of the reference distribution when given, else observed groups).")
    max_reference_deviation: float | None = Field(None, ge=0, le=1,
                                                  description="Most total-variation distance between an axis' group shares and its reference.")
    max_parity_difference: float | None = Field(None, ge=0, le=1, description="Most demographic-parity difference of labels across groups.")
    min_disparate_impact: float | None = Field(None, ge=0, le=1, description="Least disparate-impact ratio of labels across groups.")
    max_duplicate_rate: float | None = Field(None, ge=0, le=1, description="Most share of rows marked as duplicates (dup_keep = false).")
    required_languages: list[str] = Field(default_factory=list, description="Languages (lang codes) that must be present.")
    min_language_share: float = Field(0.0, ge=0, le=1, description="Share a required language needs to count as present.")
    max_quality_flag_rate: float | None = Field(None, ge=0, le=1, description="Most share of rows with quality_ok = false.")
    max_language_drift: float | None = Field(None, ge=0, le=1,
                                             description="Compare mode: most total-variation distance between the language mixes.")


class FairnessConfig(_Strict):
    label_field: str | None = Field(None, description="Label column; default: first of label_value, label.")
    favorable_label: str | None = Field(None, description="The label counted as the favourable outcome; default: every label value in turn, worst reported.")
    privileged: dict[str, str] = Field(default_factory=dict,
                                       description="Per axis, the privileged group (AIF360 disparate impact); default: ratio of lowest to highest rate.")
    min_group_size: int = Field(10, ge=1, description="Groups with fewer labelled rows are reported but left out of the parity metrics.")
    axes: list[str] | None = Field(None, description="Axes to check; default: every axis with at least two groups.")


class AssociationConfig(_Strict):
    min_count: int = Field(5, ge=1, description="Least co-occurring rows for an association to be reported.")
    top_k: int = Field(5, ge=1, description="Associations listed per group.")
    examples: int = Field(2, ge=0, description="Example rows per listed association.")


class PiiConfig(_Strict):
    engine_limit: int | None = Field(5000, ge=0,
                                     description="Most rows given to the PII engine (rows hit by the pattern pre-scan first, then a "
                                                 "deterministic sample); null = every row.")
    engine_params: dict[str, Any] = Field(default_factory=dict, description="Parameters for the 'pii' stage used for the residual scan.")


class DataCardInfo(_Strict):
    owner: str | None = None
    intended_use: str | None = None
    out_of_scope_use: str | None = None
    collection: str | None = None
    known_gaps: list[str] = Field(default_factory=list)


class AuditPolicy(_Strict):
    """A steward's audit policy (YAML)."""

    name: str = "default"
    gates: Gates = Field(default_factory=Gates)
    reference: dict[str, dict[str, float]] = Field(default_factory=dict,
                                                   description="Per axis, the expected share of each group (e.g. census shares).")
    meta_axes: dict[str, list[str]] = Field(
        default_factory=lambda: {"segment": ["segment", "customer_segment", "customer_tier", "tier"],
                                 "state": ["state", "customer_state"]},
        description="Axes read from metadata: axis name -> meta keys tried in order.")
    fairness: FairnessConfig = Field(default_factory=FairnessConfig)
    association: AssociationConfig = Field(default_factory=AssociationConfig)
    pii: PiiConfig = Field(default_factory=PiiConfig)
    datacard: DataCardInfo = Field(default_factory=DataCardInfo)
    examples: int = Field(3, ge=0, description="Example rows shown per toxicity language.")

    @field_validator("reference")
    @classmethod
    def _shares(cls, value: dict[str, dict[str, float]]) -> dict[str, dict[str, float]]:
        for axis, dist in value.items():
            total = sum(dist.values())
            if any(v < 0 for v in dist.values()) or total <= 0:
                raise ValueError(f"reference for '{axis}' needs non-negative shares with a positive sum")
        return {axis: {g: v / sum(d.values()) for g, v in d.items()} for axis, d in value.items()}


def load_policy(path: str | Path | None) -> AuditPolicy:
    """Read a YAML (or JSON) policy; ``None`` gives the default policy (only the PII gate is set)."""
    if path is None:
        return AuditPolicy()
    from curate.yamlfile import read_yaml

    return policy_from_dict(read_yaml(path, "policy file") or {}, where=str(path))


def policy_from_dict(data: dict[str, Any], where: str = "policy") -> AuditPolicy:
    if not isinstance(data, dict):
        raise CurateError(f"{where}: a policy must be a mapping")
    try:
        return AuditPolicy(**data)
    except ValidationError as exc:
        raise CurateError(f"{where}: bad policy key {validation_message(exc)}") from None
