import json

import pyarrow.parquet as pq
from click.testing import CliRunner

from curate.cli.main import cli
from tests.dedup.corpus import corpus


def _write(path, rows):
    with open(path, "w", encoding="utf-8") as fh:
        for r in rows:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")


def test_file_mode_keeps_columns_and_order_and_report_shows_clusters(tmp_path):
    rows = [{"id": i, "text": r["text"], "group": r["group"]} for i, r in enumerate(corpus(seed=5, per_script=2))]
    src, dst = tmp_path / "in.jsonl", tmp_path / "out.parquet"
    _write(src, rows)
    runner = CliRunner()
    res = runner.invoke(cli, ["dedup", str(src), "--output", str(dst), "--json"])
    assert res.exit_code == 0, res.output
    summary = json.loads(res.output)
    out = pq.read_table(dst)
    assert out.column_names == ["id", "text", "group", "dup_cluster", "dup_keep", "dup_reason", "dup_similarity",
                                "dup_jaccard", "dup_shared", "dup_boilerplate"]
    assert out.column("id").to_pylist() == list(range(len(rows)))
    assert summary["removed"] == len(rows) - sum(out.column("dup_keep").to_pylist()) == 20
    assert summary["clusters"] == 10

    res = runner.invoke(cli, ["dedup", "report", str(dst), "--json", "--top", "3"])
    assert res.exit_code == 0, res.output
    report = json.loads(res.output)
    assert report["size_histogram"] == {"3": 10}
    top = report["clusters_top"][0]
    assert top["size"] == 3 and len(top["removed"]) == 2
    assert {r["reason"] for c in report["clusters_top"] for r in c["removed"]} <= {"exact", "near"}


def test_file_mode_options_and_errors(tmp_path):
    src = tmp_path / "in.csv"
    src.write_text("body,n\nhello there general kenobi,1\nhello there general kenobi!,2\nsomething else,3\n")
    runner = CliRunner()
    res = runner.invoke(cli, ["dedup", str(src), "-o", str(tmp_path / "o.csv"), "--text-field", "body",
                              "--threshold", "0.9", "--keep", "longest", "--json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.output)["exact"] == 1
    assert "dup_keep" in (tmp_path / "o.csv").read_text().splitlines()[0]
    res = runner.invoke(cli, ["dedup", str(src), "-o", str(tmp_path / "o.csv")])
    assert res.exit_code != 0 and "no column 'text'" in str(res.exception)
    res = runner.invoke(cli, ["dedup", str(src), "-o", str(tmp_path / "o.csv"), "--threshold", "1.5"])
    assert res.exit_code != 0 and "threshold" in str(res.exception)
    res = runner.invoke(cli, ["dedup", "report", str(src)])
    assert res.exit_code != 0 and "dup_cluster" in str(res.exception)


def test_parquet_streaming_path_matches_in_memory_path(tmp_path):
    import pyarrow as pa

    from curate.dedup.core import dedup_parquet, dedup_table

    rows = corpus(seed=7, per_script=2)
    table = pa.table({"n": list(range(len(rows))), "text": [r["text"] for r in rows]})
    src = tmp_path / "in.parquet"
    pq.write_table(table, src, row_group_size=17)
    dedup_parquet(src, tmp_path / "out.parquet", read_batch=10)
    streamed = pq.read_table(tmp_path / "out.parquet")
    assert streamed.equals(dedup_table(table))
    res = CliRunner().invoke(cli, ["dedup", str(src), "--output", str(tmp_path / "cli.parquet"), "--json"])
    assert res.exit_code == 0, res.output
    assert pq.read_table(tmp_path / "cli.parquet").equals(streamed)


def test_file_mode_rows_without_text_are_kept_and_counted_not_covered(tmp_path):
    src, dst = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    _write(src, [{"text": "card blocked", "other": "w"}, {"other": "x"}, {"text": None, "other": "y"},
                 {"text": "", "other": "z"}, {"text": "Card blocked!", "other": "v"}])
    res = CliRunner().invoke(cli, ["dedup", "run", str(src), "-o", str(dst), "--json"])
    assert res.exit_code == 0, res.output
    summary = json.loads(res.output)
    assert summary["removed"] == 1 and summary["exact"] == 1
    assert summary["not_covered"] == 3 and summary["not_covered_by_reason"] == {"no_text": 3}
    out = [json.loads(line) for line in dst.read_text(encoding="utf-8").splitlines()]
    assert [r["dup_keep"] for r in out] == [True, True, True, True, False]
    assert [r["dup_reason"] for r in out] == [None, "no_text", "no_text", "no_text", "exact"]
    assert [r.get("other") for r in out[1:4]] == ["x", "y", "z"]
