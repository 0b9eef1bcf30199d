"""The evaluation report page: a Jinja2 template shipped with the package, autoescaped, drawn by Chromium."""

from __future__ import annotations

import re
import shutil
import subprocess
import tomllib
from fnmatch import fnmatch
from pathlib import Path

import pytest

from eval.report import render_html

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def _report() -> dict:
    mk = lambda x: {"loss": x, "token_f1": 0.5 + x / 10, "rouge_l": None}  # noqa: E731
    return {"metrics": {"overall": {"n": 3, "base": mk(1.0), "adapter": mk(0.5)},
                        "hi": {"n": 2, "base": mk(2.0), "adapter": mk(0.25)}},
            "languages": ["hi"], "split": "test", "n_items": 3, "mode": "lora", "device": "cpu",
            "structured_keys": ["intent"], "run": {"run_id": "run-<1>", "snapshot_ref": "sft@1"},
            "samples": [{"lang": "hi", "prompt": "<script>alert(1)</script> कार्ड", "reference": "refund",
                         "base": "x", "adapter": "refund"}],
            "gates": [{"gate": "token_f1>=0.3", "passed": True, "value": 0.61},
                      {"gate": "loss<0.1", "passed": False, "value": 0.25}],
            "forgetting": {"tokens": 12, "base_perplexity": 3.2, "adapter_perplexity": 3.5,
                           "perplexity_increase": 0.09},
            "warnings": ["few items"], "notes": []}


def test_values_are_escaped_and_formatted():
    html = render_html(_report())
    assert "<script" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Evaluation: run-&lt;1&gt;" in html
    # 4 decimals per metric, – for a missing one (hand-written expectations)
    assert "<td>0.6000</td>" in html and "<td>0.5250</td>" in html and "<td>–</td>" in html
    assert "loss&lt;0.1: value 0.2500 (FAILED)" in html and "change 0.0900" in html


def test_every_template_is_package_data():
    """Templates are read from the installed package: each must match a package-data glob of pyproject.toml."""
    globs = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]["*"]
    templates = [p for d in ("curate", "eval", "train") for p in (ROOT / d).rglob("templates/*") if p.is_file()]
    assert any(p.name == "eval.html" for p in templates) and any(p.name == "report.html" for p in templates)
    for p in templates:
        assert any(fnmatch(p.name, g) for g in globs), p


@pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed")
def test_report_renders_in_chromium(tmp_path):
    page = tmp_path / "eval.html"
    page.write_text(render_html(_report()), encoding="utf-8")
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", f"--user-data-dir={tmp_path / 'p'}"]
    dom = subprocess.run([CHROMIUM, *flags, "--dump-dom", page.as_uri()], capture_output=True, text=True,
                         timeout=90).stdout
    assert [h for h in re.findall(r"<h2>([^<]+)</h2>", dom)] == [
        "Gates", "Metrics per language", "Forgetting check", "Side-by-side samples"]
    assert dom.count("<tr>") == 1 + 4 + 1 + 1  # header + 2 groups x 2 models, samples header + 1 sample
    shot = tmp_path / "shot.png"
    subprocess.run([CHROMIUM, *flags, f"--screenshot={shot}", "--window-size=1200,1400", page.as_uri()],
                   capture_output=True, timeout=90)
    assert shot.exists() and shot.stat().st_size > 20_000  # a blank page is a few KB
