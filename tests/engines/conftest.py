"""A real local Ray cluster for the engine tests, started once per session and stopped by PID.

``ray start --head --block`` runs in a new session (process group); every Ray process it
starts (GCS, raylet, workers) stays in that group, so the teardown signals exactly those
processes and nothing else on the machine. The cluster's environment carries decoy PII
variables: a worker that read the environment instead of its context would pseudonymise
with them and the cross-engine comparisons would fail.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DECOY_ENV = {"CURATE_PII_KEY": "decoy-key-on-the-ray-workers-0123456789", "CURATE_SECRETS_DIR": "/nonexistent"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def ray_cluster():
    ray = pytest.importorskip("ray")
    port = _free_port()
    tmp = tempfile.mkdtemp(prefix="cr", dir="/tmp")  # short: Ray's unix socket paths must fit 107 bytes
    env = {**os.environ, **DECOY_ENV,
           "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
           "RAY_USAGE_STATS_ENABLED": "0", "RAY_AUTH_MODE": "disabled"}
    log = open(Path(tmp) / "ray-start.log", "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "ray.scripts.scripts", "start", "--head", "--block", "--node-ip-address=127.0.0.1",
         "--num-cpus=2", "--include-dashboard=false", f"--port={port}", f"--temp-dir={tmp}",
         "--disable-usage-stats"], env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    address = f"127.0.0.1:{port}"
    try:
        deadline = time.time() + 180
        while "Ray runtime started" not in (Path(tmp) / "ray-start.log").read_text():
            if proc.poll() is not None or time.time() > deadline:
                raise RuntimeError("ray start failed: " + (Path(tmp) / "ray-start.log").read_text()[-2000:])
            time.sleep(0.5)
        # One driver connection for the session: engines find Ray initialised and leave it open.
        ray.init(address=address, log_to_driver=False, logging_level="ERROR")
        yield {"address": address, "pgid": proc.pid}
    finally:
        if ray.is_initialized():
            ray.shutdown()
        workers = cluster_workers(proc.pid)  # own process groups: listed before their raylet goes
        for sig, wait in ((signal.SIGTERM, 20), (signal.SIGKILL, 30)):
            try:
                os.killpg(proc.pid, sig)
                proc.wait(timeout=wait)
                break
            except subprocess.TimeoutExpired:
                continue
            except ProcessLookupError:
                break
        for pid in workers + cluster_workers(proc.pid):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        log.close()
        shutil.rmtree(tmp, ignore_errors=True)


def _proc_info(pid: int) -> tuple[int, int, str, str] | None:
    """(ppid, pgid, cmdline, RAY_RAYLET_PID) of a process, or None if it is gone or not ours to read."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
        with open(f"/proc/{pid}/cmdline", "rb") as fh:
            cmd = fh.read().replace(b"\0", b" ").decode(errors="replace")
        with open(f"/proc/{pid}/environ", "rb") as fh:
            env = dict(kv.split(b"=", 1) for kv in fh.read().split(b"\0") if b"=" in kv)
        return int(fields[1]), int(fields[2]), cmd, env.get(b"RAY_RAYLET_PID", b"").decode()
    except (OSError, ValueError, IndexError):
        return None


def cluster_workers(pgid: int, match: str = "") -> list[int]:
    """PIDs of the worker processes of the cluster whose `ray start` leads process group ``pgid``.

    Ray workers run in process groups of their own; they name their raylet in RAY_RAYLET_PID,
    and the raylet is in our group. ``match``: only workers whose command line contains it.
    """
    infos = {int(p): _proc_info(int(p)) for p in os.listdir("/proc") if p.isdigit()}
    raylets = {str(pid) for pid, info in infos.items() if info and info[1] == pgid and "raylet" in info[2]}
    return [pid for pid, info in infos.items()
            if info and info[3] in raylets and info[1] != pgid and match in info[2]]
