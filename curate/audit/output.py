"""Write an audit's three files (report.html, report.json, summary.md) plus the flagged-rows list."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq


def _atomic_write(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


def write_report(out_dir: str | Path, metrics: dict[str, Any], html: str, markdown: str,
                 flagged: pa.Table | None = None) -> dict[str, str]:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {"html": out / "report.html", "json": out / "report.json", "markdown": out / "summary.md"}
    _atomic_write(paths["json"], json.dumps(metrics, indent=2, ensure_ascii=False, default=str, sort_keys=False))
    _atomic_write(paths["markdown"], markdown)
    _atomic_write(paths["html"], html)
    if flagged is not None:
        paths["flagged"] = out / "flagged_toxicity.parquet"
        pq.write_table(flagged, paths["flagged"])
    return {k: str(v) for k, v in paths.items()}
