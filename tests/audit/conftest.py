"""Generated datasets with known answers for the audit tests."""

from __future__ import annotations

import json

import pyarrow as pa
import pytest


def skewed_rows(n_female: int = 40, n_male: int = 60, fem_approve: float = 0.25, male_approve: float = 0.75) -> pa.Table:
    """Rows mentioning exactly one gender; labels approve/reject with known per-group rates."""
    rows = []
    for i in range(n_female):
        rows.append({"doc_id": f"f{i:03d}", "text": f"She asked about her loan number {i}",
                     "label_value": "approve" if i < round(fem_approve * n_female) else "reject",
                     "lang": "en", "source": "crm", "meta": json.dumps({"segment": "retail"})})
    for i in range(n_male):
        rows.append({"doc_id": f"m{i:03d}", "text": f"He asked about his loan number {i}",
                     "label_value": "approve" if i < round(male_approve * n_male) else "reject",
                     "lang": "en", "source": "crm", "meta": json.dumps({"segment": "sme" if i % 2 else "retail"})})
    return pa.Table.from_pylist(rows)


@pytest.fixture
def skewed() -> pa.Table:
    return skewed_rows()
