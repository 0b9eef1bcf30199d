"""A split that gets no row is left out the same way in every format, and said.

7 rows with ``train=0.7,validation=0.15,test=0.15`` wrote an empty ``validation.jsonl`` while the HF export had
no ``validation`` split.  Here fractions of 0 make the empty splits certain (by hand: every row lands in train).
"""

from __future__ import annotations

import json

import datasets
import pyarrow.parquet as pq

from tests.conftest import write_jsonl


def test_empty_splits_have_no_file_in_any_format_and_are_listed(ws, tmp_path):
    write_jsonl(tmp_path / "seven.jsonl", [{"text": f"support note {i} about banking topic {i * 7}"} for i in range(7)])
    ws.ingest([tmp_path / "seven.jsonl"])
    ws.create_snapshot("s", text="raw")
    seen = {}
    for fmt in ("jsonl", "parquet", "hf"):
        out = tmp_path / fmt
        res = ws.export("s", fmt, out, splits="train=1.0,validation=0.0,test=0.0", allow_raw=True,
                        allow_unapproved=True, contamination="ignore")
        assert res.counts == {"train": 7, "validation": 0, "test": 0} and res.empty_splits == ["validation", "test"]
        assert json.loads((out / "export.json").read_text())["empty_splits"] == ["validation", "test"]
        if fmt == "hf":
            dd = datasets.load_from_disk(str(out / "dataset"))
            seen[fmt] = {k: dd[k].num_rows for k in dd}
        else:
            seen[fmt] = {p.stem: (pq.read_table(p).num_rows if fmt == "parquet" else len(p.read_text().splitlines()))
                         for p in out.glob(f"*.{fmt}")}
    assert seen == {"jsonl": {"train": 7}, "parquet": {"train": 7}, "hf": {"train": 7}}
