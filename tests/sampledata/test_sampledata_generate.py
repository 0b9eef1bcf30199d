"""The sample-data generator: deterministic, valid identifiers, ground truth that matches the files."""

import csv
import hashlib
import io
import json
import re
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from curate.errors import CurateError
from curate.pii import checksums as cs
from curate.sampledata import generate
from curate.sampledata.cli import sample_data_cmd

N = 400


@pytest.fixture(scope="module")
def data(tmp_path_factory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("sd")
    return out, generate(out, n=N, seed=11)


def _digests(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def test_same_seed_same_bytes_other_seed_differs(data, tmp_path):
    out, _ = data
    generate(tmp_path / "again", n=N, seed=11)
    assert _digests(tmp_path / "again") == _digests(out)
    generate(tmp_path / "other", n=N, seed=12)
    other = _digests(tmp_path / "other")
    assert other["support_tickets.jsonl"] != _digests(out)["support_tickets.jsonl"]


def _classify(line: bytes, max_bytes: int = 1_000_000) -> str | None:
    """Independent re-implementation of the bad-row kinds, to check the manifest against the file."""
    if len(line) > max_bytes:
        return "oversize"
    try:
        s = line.decode("utf-8")
    except UnicodeDecodeError:
        return "invalid_utf8"
    try:
        rec = json.loads(s)
    except json.JSONDecodeError:
        return "malformed_json"
    if "text" not in rec:
        return "missing_text_field"
    if rec["text"] is None:
        return "null_text"
    if not isinstance(rec["text"], str):
        return "schema_violation"
    if not rec["text"].strip():
        return "empty_text"
    return None


def test_bad_rows_in_manifest_match_file(data):
    out, m = data
    lines = (out / "support_tickets.jsonl").read_bytes().split(b"\n")
    assert lines[-1] == b""
    kinds = Counter(_classify(l) for l in lines[:-1])
    valid = kinds.pop(None)
    info = m["files"]["support_tickets.jsonl"]
    assert dict(kinds) == m["malformed"] == info["bad_by_kind"]
    assert valid == info["valid_rows"] == N
    assert info["lines"] == N + sum(m["malformed"].values())


def _valid_records(out: Path) -> list[dict]:
    recs = []
    for line in (out / "support_tickets.jsonl").read_bytes().split(b"\n")[:-1]:
        if _classify(line) is None:
            recs.append(json.loads(line))
    return recs


def test_all_six_languages_everywhere(data):
    out, m = data
    recs = _valid_records(out)
    by_lang = Counter(r["language"] for r in recs)
    assert set(by_lang) == {"en", "hi", "hinglish", "ta", "bn", "mr"}
    assert dict(by_lang) == m["files"]["support_tickets.jsonl"]["languages"]
    # The label is honest: each language's text is in its script.
    scripts = {"hi": r"[\u0900-\u097F]", "mr": r"[\u0900-\u097F]", "ta": r"[\u0B80-\u0BFF]", "bn": r"[\u0980-\u09FF]"}
    for r in recs:
        if r["language"] in scripts:
            assert re.search(scripts[r["language"]], r["text"]), r
        else:
            assert not re.search(r"[\u0900-\u0DFF]", r["text"]), r
    assert all(v > 0 for v in m["languages"].values())


def test_duplicate_ground_truth(data):
    out, m = data
    recs = {r["ticket_id"]: r for r in _valid_records(out)}
    truth = json.loads((out / "ground_truth" / "duplicates.json").read_text())
    assert len(truth["exact"]) == m["duplicates"]["exact_dup_groups"]
    assert len(truth["near"]) == m["duplicates"]["near_dup_groups"]
    assert m["duplicates"]["exact_dup_extra_rows"] == round(N * 0.05)
    assert m["duplicates"]["near_dup_extra_rows"] == round(N * 0.08)
    for group in truth["exact"]:
        assert len({recs[t]["text"] for t in group}) == 1 and len(group) >= 2
    for group in truth["near"]:
        texts = [recs[t]["text"] for t in group["ticket_ids"]]
        assert len(set(texts)) == len(texts)
    # No unplanned exact duplicates: text groups are exactly the planted ones.
    by_text = Counter(r["text"] for r in recs.values())
    assert sorted(c for c in by_text.values() if c > 1) == sorted(len(g) for g in truth["exact"])


AADHAAR_RE = re.compile(r"(?<![\d\u0966-\u096F])[2-9\u0968-\u096F][\d\u0966-\u096F]{3}[ -]?[\d\u0966-\u096F]{4}[ -]?[\d\u0966-\u096F]{4}(?![\d\u0966-\u096F])")


def test_generated_identifiers_pass_checksums(data):
    out, m = data
    spans = [json.loads(l) for l in (out / "ground_truth" / "pii_spans.jsonl").read_text().splitlines()]
    recs = {r["ticket_id"]: r for r in _valid_records(out)}
    # Outside oracle (python-stdnum) for the check digits; IFSC has no stdnum module (structure only).
    from stdnum.in_ import aadhaar, gstin, pan, vid

    def plain(v):
        return cs.normalize_digits(v)

    checks = {"aadhaar": lambda v: aadhaar.is_valid(plain(v)), "aadhaar_vid": lambda v: vid.is_valid(plain(v)),
              "pan": pan.is_valid, "gstin": gstin.is_valid, "ifsc": cs.ifsc_valid}
    seen = Counter()
    for s in spans:
        assert recs[s["ticket_id"]]["text"][s["start"]:s["end"]] == s["value"]
        if s["type"] in checks:
            assert checks[s["type"]](s["value"]), s
            seen[s["type"]] += 1
    assert all(seen[t] > 0 for t in checks)
    assert dict(sorted(Counter(s["type"] for s in spans).items())) == m["files"]["support_tickets.jsonl"]["pii_by_type"]
    # Some Aadhaar numbers are written in Devanagari digits and some spaced 4-4-4.
    values = [s["value"] for s in spans if s["type"] == "aadhaar"]
    assert any(re.search(r"[\u0966-\u096F]", v) for v in values)
    assert any(re.fullmatch(r"\d{4} \d{4} \d{4}", v) for v in values)
    # Look-alike 12-digit UPI references in the text never pass as Aadhaar.
    utrs = [u for r in recs.values() for u in re.findall(r"(?:UTR|यूटीआर|யுடிஆர்|ইউটিআর|Utr) (\d{12})", r["text"])]
    assert utrs and not any(cs.aadhaar_valid(u) for u in utrs)


def test_other_files_parse(data):
    out, m = data
    fb = list(csv.DictReader(io.StringIO((out / "branch_feedback.csv").read_text("utf-8"))))
    assert len(fb) == m["files"]["branch_feedback.csv"]["rows"]
    raw = (out / "branch_feedback_legacy.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")  # really cp1252, so encoding detection has work to do
    legacy = list(csv.DictReader(io.StringIO(raw.decode("cp1252"))))
    assert len(legacy) == m["files"]["branch_feedback_legacy.csv"]["rows"]
    notes = sorted((out / "kyc_notes").glob("*.txt"))
    assert len(notes) == m["files"]["kyc_notes/"]["files"]
    assert sum(1 for p in notes if p.stat().st_size == 0) == 1
    sft = [json.loads(l) for l in (out / "sft_pairs.jsonl").read_text().splitlines()]
    assert len(sft) == m["files"]["sft_pairs.jsonl"]["rows"]
    assert all(r["instruction"] and r["input"] and r["output"] for r in sft)
    chats = [json.loads(l) for l in (out / "chats.jsonl").read_text().splitlines()]
    assert len(chats) == m["files"]["chats.jsonl"]["rows"]
    assert all(c["messages"][-1]["role"] == "assistant" for c in chats)
    assert json.loads((out / "MANIFEST.json").read_text()) == m


def test_cli_json_and_errors(tmp_path):
    r = CliRunner().invoke(sample_data_cmd, [str(tmp_path / "o"), "--n", "120", "--seed", "2", "--json"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.output)["n"] == 120
    with pytest.raises(CurateError):
        generate(tmp_path / "x", n=5)
