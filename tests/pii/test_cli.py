import json

from click.testing import CliRunner

from curate.cli.main import cli


def _write(path, rows):
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")


def test_file_mode_keeps_columns_and_order(tmp_path):
    src, dst = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    rows = [{"id": i, "body": t, "n": i * 2} for i, t in enumerate(
        ["mera naam Rahul Sharma hai", "Order 9876543210 for Rs 500", "PAN ABCPD1234K"])]
    _write(src, rows)
    res = CliRunner().invoke(cli, ["pii", str(src), "--output", str(dst), "--text-field", "body", "--nlp", "none",
                                   "--workers", "1", "--json"])
    assert res.exit_code == 0, res.output
    out = [json.loads(line) for line in dst.read_text().splitlines()]
    assert [r["id"] for r in out] == [0, 1, 2] and [r["n"] for r in out] == [0, 2, 4]
    assert "Rahul" not in out[0]["body"] and out[1]["body"] == rows[1]["body"] and out[2]["body"] == "PAN <IN_PAN>"
    spans = json.loads(out[2]["pii"])
    assert spans[0]["type"] == "IN_PAN" and rows[2]["body"][spans[0]["start"]:spans[0]["end"]] == "ABCPD1234K"


def test_scan_reports_without_writing(tmp_path):
    src = tmp_path / "in.csv"
    src.write_text("text\nPAN ABCPD1234K\nhello\n")
    res = CliRunner().invoke(cli, ["pii", "scan", str(src), "--nlp", "none", "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert data["by_type"] == {"IN_PAN": 1} and data["rows"] == 2
    assert src.read_text() == "text\nPAN ABCPD1234K\nhello\n"


def test_decrypt_command_round_trip(tmp_path, monkeypatch):
    monkeypatch.setenv("CURATE_PII_ENC_KEY", "enc-key-for-tests-0123456789")
    src, enc, dec, pol = (tmp_path / n for n in ("in.jsonl", "enc.jsonl", "dec.jsonl", "p.yaml"))
    pol.write_text("default: {operator: encrypt}\n")
    _write(src, [{"text": "phone 9876543210 and PAN ABCPD1234K"}])
    r1 = CliRunner().invoke(cli, ["pii", str(src), "-o", str(enc), "--policy", str(pol), "--nlp", "none", "--workers", "1"])
    assert r1.exit_code == 0, r1.output
    assert "9876543210" not in enc.read_text()
    r2 = CliRunner().invoke(cli, ["pii", "decrypt", str(enc), "-o", str(dec), "--field", "text"])
    assert r2.exit_code == 0, r2.output
    assert json.loads(dec.read_text())["text"] == "phone 9876543210 and PAN ABCPD1234K"
