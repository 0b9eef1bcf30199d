"""Counterfactual gender swaps: word level, table level and as a snapshot with lineage."""

from __future__ import annotations

import json

import pyarrow as pa
import pytest

from curate.augment import counterfactual_snapshot, counterfactual_table, load_swapper
from curate.errors import CurateError
from tests.conftest import write_jsonl


@pytest.mark.parametrize("src, expected", [
    ("He said his wife is a doctor.", "She said her husband is a doctor."),
    ("HE called Rahul", "SHE called Priya"),
    ("Hermione and Shelby", "Hermione and Shelby"),           # no swaps inside words
    ("मेरा भाई बाजार गया था", "मेरी बहन बाजार गई थी"),          # Hindi noun + agreement forms
    ("लड़कियों की मदद करो", "लड़कों की मदद करो"),                # longest word wins over prefix 'लड़की'
    ("mera bhai ghar gaya tha", "meri behen ghar gayi thi"),
    ("wo ghar gaya tha", "wo ghar gaya tha"),                  # agreement alone is not swapped
])
def test_swaps(src, expected):
    assert load_swapper("gender").swap(src)[0] == expected


def test_table_copies_rows_that_change_with_provenance():
    t = pa.table({"doc_id": ["1", "2"], "text": ["she is a teacher", "the branch opens at 10"],
                  "meta": [json.dumps({"channel": "chat"}), None],
                  "messages": [json.dumps([{"role": "user", "content": "my husband paid"}]), None]})
    out, stats = counterfactual_table(t)
    assert (stats["swapped_rows"], out.num_rows) == (1, 3)
    copy = out.slice(2).to_pylist()[0]
    assert copy["text"] == "he is a teacher" and copy["doc_id"].endswith("-cf-gender") and copy["doc_id"] != "1"
    assert json.loads(copy["meta"]) == {"channel": "chat", "counterfactual_of": "1", "counterfactual_axis": "gender"}
    assert json.loads(copy["messages"]) == [{"role": "user", "content": "my wife paid"}]
    only, _ = counterfactual_table(t, include_originals=False)
    assert only.num_rows == 1
    with pytest.raises(CurateError, match="axis 'caste'"):
        counterfactual_table(t, axis="caste")


def test_counterfactual_snapshot_with_lineage(ws, tmp_path):
    ws.ingest([write_jsonl(tmp_path / "t.jsonl", [{"text": "my wife called"}, {"text": "card blocked"},
                                                  {"text": "मेरा बेटा स्कूल गया"}])])
    ws.create_snapshot("base", text="raw")
    res = counterfactual_snapshot(ws, "base", axis="gender")
    assert res["snapshot"] == "base_cf_gender@1" and res["swapped_rows"] == 2
    snap = ws.snapshot("base_cf_gender")
    assert snap.manifest.parent == "base@1" and snap.manifest.row_count == 5
    texts = set(snap.table().column("text").to_pylist())
    assert {"my husband called", "मेरी बेटी स्कूल गई"} <= texts
    assert any(e["kind"] == "augment" and e["parent"] == "base@1" for e in ws.lineage("base@1"))
