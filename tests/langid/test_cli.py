"""``curate langid IN --output OUT``: every column and row order kept, summary printed."""

from __future__ import annotations

import csv
import json

import pyarrow.parquet as pq
from click.testing import CliRunner

from curate.cli.main import cli

ROWS = [
    {"id": 0, "body": "मेरा पार्सल अभी तक नहीं पहुँचा है, कृपया जाँच कीजिए", "n": 10},
    {"id": 1, "body": "bhai mera parcel abhi tak nahi aaya, kab tak aayega", "n": 11},
    {"id": 2, "body": "என் பார்சல் இன்னும் வரவில்லை, எப்போது வரும்?", "n": 12},
    {"id": 3, "body": "9876543210", "n": 13},
    {"id": 4, "body": "My parcel has not arrived yet, when will it come?", "n": 14},
]


def _write_jsonl(path, rows):
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")


def test_jsonl_keeps_columns_and_order_and_summarises(tmp_path):
    src, dst = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    _write_jsonl(src, ROWS)
    res = CliRunner().invoke(cli, ["langid", str(src), "--output", str(dst), "--text-field", "body", "--json"])
    assert res.exit_code == 0, res.output
    out = [json.loads(line) for line in dst.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in out] == [0, 1, 2, 3, 4]
    assert [r["body"] for r in out] == [r["body"] for r in ROWS] and [r["n"] for r in out] == [10, 11, 12, 13, 14]
    assert list(out[0])[:3] == ["id", "body", "n"]
    assert [(r["lang"], r["script"], r["romanized"]) for r in out] == [
        ("hi", "Deva", False), ("hi", "Latn", True), ("ta", "Taml", False), ("und", "Zyyy", False), ("en", "Latn", False)]
    summary = json.loads(res.output)
    assert summary["rows"] == 5 and summary["romanized"] == 1 and summary["und"] == 1
    assert summary["lang_script"]["hi-Deva"] == 1 and summary["lang_script"]["hi-Latn"] == 1


def test_csv_to_parquet(tmp_path):
    src, dst = tmp_path / "in.csv", tmp_path / "out.parquet"
    with open(src, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=["id", "text"])
        w.writeheader()
        for r in ROWS:
            w.writerow({"id": r["id"], "text": r["body"]})
    res = CliRunner().invoke(cli, ["langid", str(src), "-o", str(dst)])
    assert res.exit_code == 0, res.output
    t = pq.read_table(dst)
    assert t.column_names[:2] == ["id", "text"] and t.num_rows == 5
    assert t.column("lang").to_pylist()[2] == "ta"
    assert json.loads(t.column("script_shares")[0].as_py()) == {"Deva": 1.0}


def test_missing_text_column_is_a_clear_error(tmp_path):
    src = tmp_path / "in.jsonl"
    _write_jsonl(src, ROWS)
    res = CliRunner().invoke(cli, ["langid", str(src), "-o", str(tmp_path / "o.jsonl"), "--text-field", "nope"])
    assert res.exit_code != 0
    assert "nope" in str(res.exception or res.output)
