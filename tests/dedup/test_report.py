"""`curate dedup report`: largest clusters with keeper and removed rows side by side, and the steward's
HTML page, rendered in headless Chromium."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest
from click.testing import CliRunner

from curate.cli.main import cli
from tests.dedup.shapes import scenario

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="module")
def deduped(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("report")
    rows = scenario(seed=3, distinct=60, copies=8)
    src, dst = tmp / "chats.jsonl", tmp / "out.parquet"
    with open(src, "w", encoding="utf-8") as fh:
        for r in rows:
            # every key on every line: the JSONL reader takes its columns from the first row
            fh.write(json.dumps({k: r.get(k) for k in ("messages", "instruction", "input", "output")},
                                ensure_ascii=False) + "\n")
    res = CliRunner().invoke(cli, ["dedup", str(src), "--output", str(dst), "--json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.output)["removed"] == 8
    return tmp, dst


def test_report_shows_keeper_beside_each_removed_row_with_both_similarities(deduped):
    tmp, dst = deduped
    res = CliRunner().invoke(cli, ["dedup", "report", str(dst), "--json", "--top", "20"])
    assert res.exit_code == 0, res.output
    rep = json.loads(res.output)
    assert rep["removed"] == 8 and len(rep["clusters_top"]) == 8
    for c in rep["clusters_top"]:
        assert c["keeper"] and c["size"] == 2
        (r,) = c["removed"]
        assert r["reason"] == "near" and r["jaccard"] >= 0.5 and 0 < r["similarity"] <= 1
        assert r["shared"] and "Thank you for contacting" not in r["shared"]   # the span is content, not the canned reply
        assert r["boilerplate"] >= 1                                        # canned reply / instruction set aside
        assert "You are a helpful" not in c["keeper"]                       # the system prompt is not compared
    res = CliRunner().invoke(cli, ["dedup", "report", str(dst)])           # the terminal table renders
    assert res.exit_code == 0 and "largest clusters" in res.output


def test_report_errors_are_one_line(tmp_path):
    src = tmp_path / "plain.csv"
    src.write_text("text\nhello\n")
    res = CliRunner().invoke(cli, ["dedup", "report", str(src)])
    assert res.exit_code != 0 and "dup_cluster" in str(res.exception)


@pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed (apt-get install -y chromium)")
def test_html_page_renders_in_chromium(deduped):
    tmp, dst = deduped
    page = tmp / "clusters.html"
    res = CliRunner().invoke(cli, ["dedup", "report", str(dst), "--html", str(page), "--top", "5", "--json"])
    assert res.exit_code == 0, res.output
    html = page.read_text(encoding="utf-8")
    assert "<script" not in html and "http://" not in html and "https://" not in html   # self-contained, offline

    def chromium(*args):
        return subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={tmp / 'profile'}", *args],
                              capture_output=True, text=True, timeout=120)

    dom = chromium("--dump-dom", page.as_uri()).stdout
    assert dom.count("<section>") == 5 and dom.count("<mark>") >= 5 and "exact 0." in dom or "exact 1.00" in dom
    shot = tmp / "clusters.png"
    chromium(f"--screenshot={shot}", "--window-size=1280,1600", page.as_uri())
    assert shot.exists() and shot.stat().st_size > 20_000   # a blank page is a few KB


def test_report_excerpts_start_near_the_first_difference():
    import pyarrow as pa

    from curate.dedup import dedup_table
    from curate.dedup.cli import build_report

    opening = ("Dear team, I wrote to you last week about my savings account statement for March and the "
               "charges on it; today I checked the app again and my debit card")
    # a re-send with a typo (another weekday would be another fact: Monday / Tuesday are kept apart)
    keeper, removed = opening + " was blocked on Monday, please look", opening + " was blokced on Monday, please look"
    out = dedup_table(pa.table({"text": [keeper, removed]}))
    assert out.column("dup_reason").to_pylist() == [None, "near"]
    [c] = build_report(out)["clusters_top"]
    [r] = c["removed"]
    assert c["keeper"].startswith("Dear team")                 # the cluster's keeper: its opening, as before
    assert "blocked on Monday, please" in r["keeper_text"] and r["keeper_text"].startswith("… ")
    assert "blokced on Monday, please" in r["text"] and r["text"].startswith("… ")
    assert len(r["text"]) <= 80 and len(r["keeper_text"]) <= 80
