"""Process hygiene (issue 20): a CLI killed while a pooled stage runs leaves no process and no pipe behind.

Each test runs the real ``curate`` CLI as a subprocess over a workspace large enough for the
local engine's process pool (more than ``POOL_MIN_DOCS`` pending documents, two workers), waits
until the pool's workers exist, signals the CLI, and then looks at the operating system:
``communicate()`` must return (nothing holds the captured stdout/stderr pipes), and every
process that was a descendant of the CLI before the signal must be gone (psutil; zombies count
as gone: they hold no pipe and no memory). The writer lock is free at once (opened with
``wait=0``) and the signal holds only whole committed batches (that a rerun then completes the
stage exactly is tests/test_runner.py's kill test).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from curate import Workspace
from curate.engines.local import POOL_MIN_DOCS
from curate.errors import WorkspaceLockedError
from tests.conftest import write_jsonl

REPO = Path(__file__).resolve().parents[2]
DOCS = POOL_MIN_DOCS + 2000


def _cli() -> list[str]:
    script = Path(sys.executable).with_name("curate")
    return [str(script)] if script.exists() else [sys.executable, "-m", "curate.cli.main"]


@pytest.fixture
def tickets_file(tmp_path):
    rows = [{"id": f"T{i}", "text": f"ticket {i}: card ending {i:04d} blocked, call me on 98{i:08d} please " * 3}
            for i in range(DOCS)]
    return write_jsonl(tmp_path / "t.jsonl", rows)


@pytest.fixture
def big_ws(tmp_path, tickets_file):
    path = tmp_path / "ws"
    with Workspace.init(path) as ws:
        ws.ingest([tickets_file])
    return path


def _alive(p: psutil.Process) -> bool:
    try:
        return p.is_running() and p.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def _stage_command(ws_path: Path) -> list[str]:
    """The PII stage (slow: the run lasts well beyond the signal) on a 2-process pool."""
    return ["stage", "pii", "-p", "nlp=none", "--workers", "2", "-w", str(ws_path)]


def _start_pooled(args: list[str], worker: str = "spawn_main", count: int = 2,
                  env_extra: dict | None = None) -> tuple[subprocess.Popen, list[psutil.Process]]:
    """Start ``curate ARGS`` with captured output; return once ``count`` workers (command line holding
    ``worker``) exist, with its process tree."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
           **(env_extra or {})}
    # A child inherits an *ignored* SIGINT (POSIX), and Python then installs no KeyboardInterrupt handler: some
    # library used earlier in the test session can leave SIGINT ignored in this process, and the CLI would then
    # (rightly, like a background job) run through Ctrl-C. Start it as a terminal would: SIGINT handled.
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        proc = subprocess.Popen([*_cli(), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    finally:
        signal.signal(signal.SIGINT, previous)
    cli = psutil.Process(proc.pid)
    deadline = time.monotonic() + 240
    while True:
        tree = cli.children(recursive=True)
        workers = [p for p in tree if _alive(p) and worker in " ".join(p.cmdline())]
        if len(workers) >= count:
            return proc, tree
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            _, err = proc.communicate()
            pytest.fail(f"the pool never started (rc {proc.returncode}): {err.decode()[-1000:]}")
        time.sleep(0.1)


def _assert_tree_gone(tree: list[psutil.Process], within: float = 20.0) -> None:
    deadline = time.monotonic() + within
    while any(_alive(p) for p in tree) and time.monotonic() < deadline:
        time.sleep(0.2)
    left = [(p.pid, " ".join(p.cmdline())[:80]) for p in tree if _alive(p)]
    for p in tree:  # do not leave them to the next test if the assertion fails
        if _alive(p):
            p.kill()
    assert not left, f"processes of the killed CLI still running: {left}"


def _signal_rows(ws_path: Path) -> tuple[int, int]:
    """(rows, distinct doc_ids) of the PII signal; opened as a writer that does not wait for the lock."""
    with Workspace(ws_path, wait=0) as ws:
        return ws.con.execute("SELECT count(*), count(DISTINCT doc_id) FROM lake.signal_pii").fetchone()


@pytest.mark.parametrize("settle", [0.0, 2.0], ids=["while-workers-start", "mid-run"])
def test_kill_9_of_the_cli_ends_its_pool_and_frees_its_pipes(big_ws, settle):
    proc, tree = _start_pooled(_stage_command(big_ws))
    time.sleep(settle)
    tree = psutil.Process(proc.pid).children(recursive=True) or tree  # everything started so far
    assert any("resource_tracker" in " ".join(p.cmdline()) for p in tree if _alive(p))
    os.kill(proc.pid, signal.SIGKILL)
    # Returns only when every holder of the captured pipes (workers, resource tracker) has exited.
    proc.communicate(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    _assert_tree_gone(tree)
    rows, distinct = _signal_rows(big_ws)
    assert rows == distinct < DOCS  # only whole committed batches (resuming is tests/test_runner.py's)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT, signal.SIGHUP])
def test_sigterm_and_ctrl_c_stop_cleanly_and_release_the_writer_lock(big_ws, sig):
    proc, tree = _start_pooled(_stage_command(big_ws))
    time.sleep(1.0)
    tree = psutil.Process(proc.pid).children(recursive=True) or tree
    os.kill(proc.pid, sig)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 128 + sig, err.decode()[-1000:]  # exited by itself, with the shell's convention
    assert "Traceback" not in err.decode()
    _assert_tree_gone(tree)
    try:
        rows, distinct = _signal_rows(big_ws)
    except WorkspaceLockedError as exc:  # pragma: no cover - the failure being tested for
        pytest.fail(f"writer lock still held after the CLI stopped: {exc}")
    assert rows == distinct < DOCS  # only whole committed batches; the rest is still pending


def test_kill_9_of_file_mode_pii_ends_its_pool(tickets_file, tmp_path):
    """The other pool: ``curate pii run`` on a file (chunks of rows on worker processes)."""
    proc, tree = _start_pooled(["pii", "run", str(tickets_file), "--output", str(tmp_path / "out.jsonl"),
                                "--nlp", "none", "--workers", "2", "--key-file", str(_key(tmp_path))])
    time.sleep(1.0)
    tree = psutil.Process(proc.pid).children(recursive=True) or tree
    os.kill(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=30)
    _assert_tree_gone(tree)
    assert not (tmp_path / "out.jsonl").exists()  # written atomically at the end, never half


def _key(tmp_path: Path) -> Path:
    key = tmp_path / "pii.key"
    key.write_text("11" * 32 + "\n")
    key.chmod(0o600)
    return key


def test_kill_9_of_the_cli_ends_its_private_ray_instance(big_ws):
    """``--engine ray`` without an address starts a private Ray (GCS, raylet, agents, workers); Ray does not
    tie all of them to the driver (agents and idle workers outlived a kill by minutes): the engine's
    watchdog (``curate.engines.pool.start_reaper``) ends them and removes the private spill folder."""
    proc, _ = _start_pooled([*_stage_command(big_ws)[:-4], "--workers", "1", "--engine", "ray", "-w", str(big_ws)],
                            worker="ray::", count=1,
                            env_extra={"RAY_USAGE_STATS_ENABLED": "0", "RAY_AUTH_MODE": "disabled"})
    time.sleep(2.0)
    tree = psutil.Process(proc.pid).children(recursive=True)
    cmds = [p.cmdline() for p in tree if _alive(p)]
    assert any("raylet" in " ".join(c) for c in cmds)
    spill = [a for c in cmds for a in c if os.path.basename(a).startswith("curate-ray-")]  # the watchdog's argument
    assert spill and os.path.isdir(spill[0])
    os.kill(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=30)
    _assert_tree_gone(tree, within=30.0)
    assert not os.path.exists(spill[0])  # the private spill folder (may hold key bytes) went with it
