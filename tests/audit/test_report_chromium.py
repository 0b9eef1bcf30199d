"""The HTML report renders in headless Chromium: every section is in the DOM and a screenshot is drawn."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from curate.audit import AuditPolicy, audit_table
from curate.audit.compare import compare_metrics, render_compare_html
from curate.audit.render import SECTIONS, render_html

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed (apt-get install -y chromium)")

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--no-first-run"]


def _chromium(tmp_path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={tmp_path / 'profile'}", *args],
                          capture_output=True, text=True, timeout=90)


def test_report_renders_with_all_sections(skewed, tmp_path):
    m = audit_table(skewed, AuditPolicy(fairness={"favorable_label": "approve"}, gates={"max_parity_difference": 0.1})).metrics
    html = render_html(m)
    assert "http://" not in html and "https://" not in html and "<script" not in html  # offline, self-contained
    page = tmp_path / "report.html"
    page.write_text(html, encoding="utf-8")
    dom = _chromium(tmp_path, "--dump-dom", page.as_uri()).stdout
    ids = set(re.findall(r'<section id="([^"]+)"', dom))
    assert ids == set(SECTIONS)
    assert dom.count("data:image/png;base64,") >= 4  # charts embedded
    assert "FAILED: max_parity_difference" in dom
    shot = tmp_path / "shot.png"
    _chromium(tmp_path, f"--screenshot={shot}", "--window-size=1280,4000", page.as_uri())
    assert shot.exists() and shot.stat().st_size > 20_000  # a blank page is a few KB


def test_compare_report_renders(skewed, tmp_path):
    a = audit_table(skewed).metrics
    b = audit_table(skewed.slice(0, 50)).metrics
    page = tmp_path / "drift.html"
    page.write_text(render_compare_html(compare_metrics(a, b)), encoding="utf-8")
    dom = _chromium(tmp_path, "--dump-dom", page.as_uri()).stdout
    assert {"drift-summary", "drift-representation", "drift-toxicity"} <= set(re.findall(r'<section id="([^"]+)"', dom))
