"""Shared fixtures: every test builds its own data; nothing is downloaded."""

from __future__ import annotations

import json
import os

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


@pytest.fixture
def ws(tmp_path):
    from curate import Workspace

    w = Workspace.init(tmp_path / "ws")
    yield w
    w.close()


def write_jsonl(path, rows, extra_lines=()):
    with open(path, "wb") as fh:
        for r in rows:
            fh.write((json.dumps(r, ensure_ascii=False) + "\n").encode())
        for line in extra_lines:
            fh.write(line if isinstance(line, bytes) else line.encode())
    return path


@pytest.fixture
def tickets(tmp_path):
    rows = [
        {"id": f"T{i}", "text": t, "channel": "chat"}
        for i, t in enumerate([
            "My card is blocked, please help",
            "मेरा कार्ड ब्लॉक हो गया है",
            "mera UPI payment fail ho gaya, paise kat gaye",
            "என் கணக்கில் பணம் வரவில்லை",
            "আমার কার্ড ব্লক হয়ে গেছে",
            "माझे कार्ड ब्लॉक झाले आहे",
        ])
    ]
    return write_jsonl(tmp_path / "tickets.jsonl", rows)


# -- a real PostgreSQL server for team-mode tests (started once per session, stopped by PID) ---------------
PG_BIN = "/usr/lib/postgresql/15/bin"


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def pg_server():
    """A throw-away PostgreSQL 15 on 127.0.0.1 and a free port: ``{"host", "port", "user", "password"}``.

    initdb refuses to run as root, so under root the cluster belongs to the ``postgres`` account.
    """
    import shutil
    import signal
    import subprocess
    import time

    initdb = os.path.join(PG_BIN, "initdb")
    if not os.path.exists(initdb):
        pytest.skip(f"PostgreSQL server binaries not found in {PG_BIN} (apt-get install postgresql-15)")
    import tempfile
    from pathlib import Path

    # not under pytest's tmp folder: that one is 0700 root, which the postgres account cannot traverse
    base = Path(tempfile.mkdtemp(prefix="curate-pg-"))
    run_as: list[str] = []
    if os.geteuid() == 0:
        run_as = ["runuser", "-u", "postgres", "--"]
        shutil.chown(base, "postgres")
    password = "pg-test-" + os.urandom(6).hex()
    pwfile = base / "pw"
    pwfile.write_text(password)
    if run_as:
        shutil.chown(pwfile, "postgres")
    data = base / "data"
    subprocess.run(run_as + [initdb, "-D", str(data), "-U", "curate", "--auth=scram-sha-256",
                             f"--pwfile={pwfile}"], check=True, capture_output=True)
    pwfile.unlink()
    port = _free_port()
    subprocess.run(run_as + [os.path.join(PG_BIN, "pg_ctl"), "-D", str(data), "-w", "-l", str(base / "log"),
                             "-o", f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c max_connections=200",
                             "start"], check=True, capture_output=True)
    pid = int((data / "postmaster.pid").read_text().split()[0])
    try:
        yield {"host": "127.0.0.1", "port": port, "user": "curate", "password": password}
    finally:
        os.kill(pid, signal.SIGINT)  # "fast" shutdown
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.1)
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def pg_database(pg_server):
    """A fresh database on the session's server; returns its ``postgresql://`` URL (no password)."""
    import uuid

    import psycopg

    name = "lake_" + uuid.uuid4().hex[:10]
    with psycopg.connect(host=pg_server["host"], port=pg_server["port"], user=pg_server["user"],
                         password=pg_server["password"], dbname="postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"postgresql://{pg_server['user']}@{pg_server['host']}:{pg_server['port']}/{name}"
