"""The CLI as a user meets it: help everywhere, --json for scripts, one-line errors with exit codes."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from curate.cli.main import cli


def curate(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "curate.cli.main", *args], capture_output=True, text=True,
                          cwd=cwd, timeout=300)


def test_help_everywhere():
    runner = CliRunner()
    for args in (["--help"], ["ingest", "--help"], ["snapshot", "--help"], ["snapshot", "export", "--help"],
                 ["run", "--help"], ["stages", "--help"]):
        res = runner.invoke(cli, args)
        assert res.exit_code == 0 and "Usage:" in res.output, args


def test_user_errors_are_one_line_with_nonzero_exit(tmp_path):
    res = curate("ingest", "nope.jsonl", "-w", str(tmp_path))
    assert res.returncode == 2
    assert res.stderr.strip().count("\n") == 0 and res.stderr.startswith("error: ")
    assert "not a curate workspace" in res.stderr and "Traceback" not in res.stderr


def test_end_to_end_cli_with_json(tmp_path, tickets):
    ws = str(tmp_path / "ws")
    assert curate("init", ws).returncode == 0
    res = curate("ingest", str(tickets), "-w", ws, "--json")
    assert res.returncode == 0, res.stderr
    summary = json.loads(res.stdout)
    assert summary[0]["ingested"] == 6
    assert json.loads(curate("stage", "clean", "-w", ws, "--json").stdout)["computed"] == 6
    made = json.loads(curate("snapshot", "create", "s", "--text", "clean", "-w", ws, "--json").stdout)
    assert made["version"] == 1 and made["row_count"] == 6
    refused = curate("snapshot", "export", "s", "-o", str(tmp_path / "out"), "-w", ws)
    assert refused.returncode == 4 and "PII policy" in refused.stderr
    listed = json.loads(curate("snapshot", "list", "-w", ws, "--json").stdout)
    assert [m["version"] for m in listed] == [1]


@pytest.mark.parametrize("args,needle", [
    (["snapshot", "show", "missing"], "no snapshot 'missing'"),
    (["stage", "nosuchstage"], "unknown stage"),
    (["snapshot", "create", "bad name!"], "invalid snapshot name"),
])
def test_more_user_errors(tmp_path, args, needle):
    ws = str(tmp_path / "ws")
    curate("init", ws)
    res = curate(*args, "-w", ws)
    assert res.returncode != 0 and needle in res.stderr and "Traceback" not in res.stderr


def test_a_missing_source_fails_before_any_source_is_ingested(tmp_path, tickets):
    ws = str(tmp_path / "ws")
    curate("init", ws)
    res = curate("ingest", str(tickets), str(tmp_path / "typo.jsonl"), "-w", ws, "--json")
    assert res.returncode == 2 and "typo.jsonl: no such file or folder" in res.stderr
    status = json.loads(curate("status", "-w", ws, "--json").stdout)
    assert status["documents"] == 0 and status["ingests"] == 0


def test_file_mode_outputs_are_private_whatever_the_shell_umask(tmp_path):
    """File mode writes raw records (a dedup output, its HTML page of clusters): 0600 even under umask 022."""
    import json
    import os
    import stat
    import subprocess
    import sys

    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps({"text": f"Ravi Kumar 98450 1234{i} asked about his card, ticket {i}"}) + "\n"
                           for i in range(3)))
    env = {**os.environ, "PYTHONPATH": os.getcwd()}
    out, page = tmp_path / "out.jsonl", tmp_path / "clusters.html"
    for cmd in (["dedup", "run", str(src), "-o", str(out)], ["dedup", "report", str(out), "--html", str(page)]):
        code = ("import os, sys; os.umask(0o022); sys.argv = ['curate', *sys.argv[1:]]; "
                "from curate.cli.main import main; main()")
        proc = subprocess.run([sys.executable, "-c", code, *cmd], capture_output=True, text=True, timeout=300, env=env)
        assert proc.returncode == 0, proc.stderr
    for f in (out, page):
        assert stat.S_IMODE(f.stat().st_mode) == 0o600, (f, oct(f.stat().st_mode))


def test_human_results_go_to_stdout_so_they_can_be_piped(tmp_path):
    """``curate status | less``, ``curate snapshot list > file``: the result is on stdout (it was on stderr, with the
    progress and messages); ``--json`` the same."""
    src = tmp_path / "a.jsonl"
    src.write_text('{"text": "hello world, a first ticket"}\n{"text": 1}\n{"broken\n', encoding="utf-8")
    assert curate("init", str(tmp_path / "w")).returncode == 0
    curate("ingest", str(src), "-w", str(tmp_path / "w"))
    for args in (["status"], ["quarantine"], ["snapshot", "list"], ["stages"]):
        res = curate(*args, "-w", str(tmp_path / "w")) if args != ["stages"] else curate("stages")
        assert res.returncode == 0 and res.stdout.strip(), (args, res.stderr)
    assert "documents" in curate("status", "-w", str(tmp_path / "w")).stdout
    assert "reason" in curate("quarantine", "-w", str(tmp_path / "w")).stdout


def test_python_dash_m_curate_runs_the_cli():
    res = subprocess.run([sys.executable, "-m", "curate", "--help"], capture_output=True, text=True, timeout=120)
    assert res.returncode == 0 and "Usage:" in res.stdout
