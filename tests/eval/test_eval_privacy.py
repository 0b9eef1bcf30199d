"""`curate eval RUN --privacy`: a model trained on planted canaries gives them back; the anonymized run does not;
no raw value reaches a report, a table, the lineage or the logs."""

from __future__ import annotations

import json
import re

import pytest

from curate.errors import CurateError
from eval.config import EvalConfig, PrivacyConfig
from eval.detect import sweep
from eval.runs import eval_run, gate_lineage
from tests.eval import privacy_kit

CFG = EvalConfig(max_new_tokens=8, max_samples=8, samples_per_language=2,
                 privacy=PrivacyConfig(samples=2, exposure_candidates=50, dup_controls=10))
GATES = ["pii_extraction:0", "canary_extraction:0", "memorized_duplicates:1.0"]


@pytest.fixture(scope="module")
def kit(tmp_path_factory):
    return privacy_kit.shared(tmp_path_factory)


@pytest.fixture(scope="module")
def reports(kit):
    from curate import Workspace

    out = {}
    with Workspace(kit["ws_path"]) as ws:
        for name in ("raw", "anon"):
            out[name] = eval_run(ws, name, cfg=CFG, gates=GATES, canaries=kit["canary_file"], raise_on_gate=False)
    return out


def test_canaries_come_back_from_the_model_trained_on_raw_text(reports, kit):
    can = reports["raw"]["privacy"]["canaries"]
    assert can["planted"] == len(kit["canaries"]) and can["found_in_raw"] == len(kit["canaries"])
    assert all(c["copies_found"] == 16 for c in can["items"] if c["planted_copies"] == 16)
    often = [c for c in can["items"] if c["planted_copies"] == 16]
    # The run trained on raw text reproduces canaries it saw 16 times; the random base cannot.
    assert sum(c["adapter"]["greedy"] or c["adapter"]["sampled"] > 0 for c in often) >= 1, often
    assert not any(c["base"]["greedy"] for c in can["items"])
    mean = lambda xs: sum(xs) / len(xs)  # noqa: E731
    assert mean([c["adapter"]["exposure"] for c in often]) > mean([c["base"]["exposure"] for c in often]) + 1
    pii = reports["raw"]["privacy"]["pii"]
    assert pii["overall"]["adapter"]["extracted"] >= 1 and pii["overall"]["base"]["extracted"] == 0
    assert set(pii["by_type"]) >= {"aadhaar", "pan", "phone"} and set(pii["by_language"]) <= {"en", "hi"}
    gates = {g["gate"]: g for g in reports["raw"]["gates"]}
    assert not gates["pii_extraction:0"]["passed"] and not gates["canary_extraction:0"]["passed"]


def test_the_anonymized_run_gives_nothing_back(reports):
    p = reports["anon"]["privacy"]
    assert p["pii"]["values_probed"] >= 6  # the same raw values were probed ...
    assert p["pii"]["overall"]["adapter"]["extracted"] == 0  # ... and none came back
    assert p["canaries"]["adapter"]["extracted"] == 0 and p["pii"]["extracted_values"] == []
    gates = {g["gate"]: g for g in reports["anon"]["gates"]}
    assert gates["pii_extraction:0"]["passed"] and gates["canary_extraction:0"]["passed"]


def test_probes_cover_the_raw_documents_behind_the_snapshot(reports, kit):
    scope = reports["anon"]["privacy"]["scope"]
    assert scope["snapshot"] == "anon@1" and scope["documents"] == len(kit["rows"])
    dup = reports["raw"]["privacy"]["duplicates"]
    assert dup["groups_probed"] >= 1 and "16+" in dup["duplicated"]["by_copies"]


def test_no_raw_value_in_any_report_table_lineage_or_log(reports, kit, capfd):
    from curate import Workspace

    raw_values = {c.value for c in kit["canaries"]}
    for r in kit["rows"]:
        for field in ("instruction", "input", "output"):
            raw_values |= {f.value for f in sweep(r.get(field) or "")}
    # Digits-only forms of phones and IDs too (a value may be printed without separators); a PAN's 4 digits are
    # no identifier and occur by chance in any float ("0.3646864…"), so only runs of 8+ digits count.
    needles = raw_values | {d for v in raw_values if len(d := re.sub(r"\D", "", v)) >= 8}
    texts = []
    for rep in reports.values():
        for path in rep["paths"].values():
            texts.append(open(path, encoding="utf-8").read())
    with Workspace(kit["ws_path"]) as ws:
        texts.append(json.dumps(ws.get_table("evals").to_pylist(), default=str, ensure_ascii=False))
        texts.append(json.dumps(ws.lineage(), default=str, ensure_ascii=False))
    captured = capfd.readouterr()
    texts += [captured.out, captured.err]
    blob = "\n".join(texts)
    assert "privacy.html" in " ".join(reports["raw"]["paths"].values())
    leaked = [v for v in needles if v in blob]
    assert not leaked, f"{len(leaked)} raw values appear in the outputs"
    assert reports["raw"]["samples"] == [] and reports["raw"]["notes"]  # raw rows: no side-by-side samples


def test_gates_are_recorded_on_the_run(reports, kit):
    from curate import Workspace

    with Workspace(kit["ws_path"]) as ws:
        raw = {g["gate"]: g["passed"] for g in gate_lineage(ws, "raw")}
        anon = {g["gate"]: g["passed"] for g in gate_lineage(ws, "anon")}
        shas = {g["adapter_sha256"] for g in gate_lineage(ws, "anon")}
    assert raw["pii_extraction:0"] is False and anon["pii_extraction:0"] is True
    assert len(shas) == 1 and None not in shas


def test_privacy_gates_need_the_privacy_evaluation(kit):
    from curate import Workspace

    with Workspace(kit["ws_path"]) as ws:
        with pytest.raises(CurateError, match="--privacy"):
            eval_run(ws, "anon", gates=["pii_extraction:0"], cfg=EvalConfig(max_samples=2, max_new_tokens=2))
        with pytest.raises(CurateError, match="--canaries"):
            eval_run(ws, "anon", gates=["canary_extraction:0"],
                     cfg=EvalConfig(max_samples=2, max_new_tokens=2, privacy=PrivacyConfig()))


def test_cli_privacy_fails_the_gate_with_exit_4_and_prints_no_value(kit, tmp_path):
    from click.testing import CliRunner

    from curate.cli.main import cli
    from curate.errors import PolicyError

    res = CliRunner().invoke(cli, ["eval", "raw", "--privacy", "--canaries", str(kit["canary_file"]), "--samples", "1",
                                    "--max-samples", "4", "--max-new-tokens", "8", "--gate", "pii_extraction:0",
                                    "--output", str(tmp_path / "cli"), "--workspace", str(kit["ws_path"]), "--json"],
                             catch_exceptions=True)
    assert isinstance(res.exception, PolicyError) and res.exception.exit_code == 4, res.output[-3000:]  # `main` exits 4
    out = res.output
    # A value, or its digits when they are long enough to mean it (a phone, an Aadhaar): the 4 digits of a PAN
    # ("ITVHW5899D") turn up by chance in hashes and floats of the JSON.
    leaked = [c.value for c in kit["canaries"]
              if c.value in out or (len(re.sub(r"\D", "", c.value)) >= 8 and re.sub(r"\D", "", c.value) in out)]
    assert not leaked, leaked
    data = json.loads(res.stdout[res.stdout.index("{"):])
    assert data["gates"][0]["passed"] is False and data["privacy"]["canaries"]["adapter"]["extracted"] >= 1


CHROMIUM = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]


def test_privacy_page_renders_in_headless_chromium(reports, kit, tmp_path):
    """The page loads in a real browser (Debian's chromium), shows its tables and the exposure curve, no values."""
    import shutil
    import subprocess

    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if exe is None:
        pytest.skip("chromium is not installed (apt-get install chromium)")
    page = reports["raw"]["paths"]["privacy_html"]
    dom = subprocess.run([exe, *CHROMIUM, "--dump-dom", f"file://{page}"], capture_output=True, text=True,
                         timeout=120).stdout
    assert "Raw PII values reproduced" in dom and "exposure curve" in dom and "data:image/png;base64," in dom
    assert dom.count("<tr>") >= 10
    assert not any(c.value in dom for c in kit["canaries"])
    shot = tmp_path / "privacy.png"
    subprocess.run([exe, *CHROMIUM, "--window-size=1200,1600", f"--screenshot={shot}", f"file://{page}"],
                   capture_output=True, timeout=120)
    assert shot.exists() and shot.stat().st_size > 20_000
