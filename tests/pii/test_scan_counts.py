"""`curate pii scan --json`: the per-column table and the entity total count the same thing.

by_column counted a phone written twice in one text twice (by_type 6, by_column.text 7; entities 39, the table
40).  Counts written by hand: row 1 holds one phone twice in ``text``; row 2 one phone in ``text`` and again in
``alt``.
"""

import json

from click.testing import CliRunner

from curate.cli.main import cli


def test_by_column_sums_to_entities_and_repeats_are_reported_apart(tmp_path):
    src = tmp_path / "p.jsonl"
    src.write_text(json.dumps({"text": "Call me on 9876543210, again 9876543210 is my number", "alt": ""}) + "\n"
                   + json.dumps({"text": "My number is 9812345678", "alt": "9812345678"}) + "\n")
    res = CliRunner().invoke(cli, ["pii", "scan", str(src), "--nlp", "none", "--workers", "1", "--json"])
    assert res.exit_code == 0, res.output
    d = json.loads(res.output[res.output.index("{"):])
    assert (d["entities"], d["by_type"]) == (2, {"IN_PHONE": 2})
    assert d["by_column"] == {"text": {"IN_PHONE": 2}}
    assert sum(n for col in d["by_column"].values() for n in col.values()) == d["entities"]
    assert (d["repeats"], d["repeats_by_column"]) == (2, {"text": {"IN_PHONE": 1}, "alt": {"IN_PHONE": 1}})
