"""Label Studio labelling configs (``schemas/labeling/*.xml``) and the small edits push makes to them.

The XML files are the source of truth a person can read and tweak. Push only ever *adds*
choices/labels (the values its predictions use, or the user's label set for ``classify``), so a
prediction never names a value the project's config lacks, which Label Studio would reject.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from curate.errors import CurateError

TASK_TYPES = ("pii", "lang", "sft", "classify")
LABELING_DIR = Path(__file__).resolve().parents[2] / "schemas" / "labeling"
CLASSIFY_PLACEHOLDER = "__LABELS__"


def config_path(task: str) -> Path:
    if task not in TASK_TYPES:
        raise CurateError(f"unknown task type '{task}' (use {', '.join(TASK_TYPES)})")
    return LABELING_DIR / f"{task}.xml"


def load_config(task: str) -> str:
    path = config_path(task)
    if not path.exists():
        raise CurateError(f"labelling config {path} is missing")
    return path.read_text(encoding="utf-8")


def control_values(xml: str, control: str) -> list[str]:
    """The ``value`` of every Label/Choice under the control tag named ``control``."""
    root = ET.fromstring(xml)
    for el in root.iter():
        if el.get("name") == control:
            return [c.get("value") for c in el if c.get("value") is not None]
    raise CurateError(f"labelling config has no control named '{control}'")


def add_values(xml: str, control: str, values: list[str], replace: bool = False) -> str:
    """Return ``xml`` with ``values`` present under ``control`` (appended in order; existing kept unless ``replace``)."""
    root = ET.fromstring(xml)
    target = next((el for el in root.iter() if el.get("name") == control), None)
    if target is None:
        raise CurateError(f"labelling config has no control named '{control}'")
    child_tag = "Label" if target.tag == "Labels" else "Choice"
    if replace:
        for c in list(target):
            target.remove(c)
    have = {c.get("value") for c in target}
    for v in values:
        if v and v not in have:
            ET.SubElement(target, child_tag, {"value": v})
            have.add(v)
    return ET.tostring(root, encoding="unicode")


def build_config(task: str, labels: list[str] | None = None, extra_values: dict[str, list[str]] | None = None) -> str:
    """The config for a project of ``task``.

    ``labels``: the label set of a ``classify`` project (required there, refused elsewhere).
    ``extra_values``: control name -> values the predictions use (added when missing).
    """
    xml = load_config(task)
    if task == "classify":
        if not labels:
            raise CurateError("--task classify needs a label set: --labels a,b,c")
        clean = [x.strip() for x in labels if x.strip()]
        if len(set(clean)) != len(clean):
            raise CurateError("--labels has duplicates")
        if "reject" in clean:
            raise CurateError("'reject' is reserved (every project has a Reject choice); rename that label")
        xml = add_values(xml, "label", clean, replace=True)
    elif labels:
        raise CurateError(f"--labels applies to --task classify only, not {task}")
    for control, values in (extra_values or {}).items():
        xml = add_values(xml, control, values)
    return xml
