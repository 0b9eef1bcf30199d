"""Throw-away servers for tests and benchmarks (a real PostgreSQL 15, not a mock).

Not used by curate at run time. The machine image has PostgreSQL 15's server binaries; initdb refuses to
run as root, so under root the cluster belongs to the ``postgres`` account.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

PG_BIN = Path("/usr/lib/postgresql/15/bin")


def postgres_available() -> bool:
    return (PG_BIN / "initdb").exists()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def postgres_server(max_connections: int = 200) -> Iterator[dict]:
    """Start PostgreSQL on 127.0.0.1 and a free port; yields ``{"host", "port", "user", "password"}``;
    stops it by PID (fast shutdown) and removes its folder on exit."""
    # not under pytest's tmp folder: that one is 0700 root, which the postgres account cannot traverse
    base = Path(tempfile.mkdtemp(prefix="curate-pg-"))
    run_as: list[str] = []
    if os.geteuid() == 0:
        run_as = ["runuser", "-u", "postgres", "--"]
        shutil.chown(base, "postgres")
    password = "pg-" + os.urandom(8).hex()
    pwfile = base / "pw"
    pwfile.write_text(password)
    if run_as:
        shutil.chown(pwfile, "postgres")
    data = base / "data"
    pid = None
    try:
        subprocess.run(run_as + [str(PG_BIN / "initdb"), "-D", str(data), "-U", "curate", "--auth=scram-sha-256",
                                 f"--pwfile={pwfile}"], check=True, capture_output=True)
        pwfile.unlink()
        port = free_port()
        subprocess.run(run_as + [str(PG_BIN / "pg_ctl"), "-D", str(data), "-w", "-l", str(base / "log"), "-o",
                                 f"-p {port} -k {base} -c listen_addresses=127.0.0.1 "
                                 f"-c max_connections={max_connections}", "start"],
                       check=True, capture_output=True)
        pid = int((data / "postmaster.pid").read_text().split()[0])
        yield {"host": "127.0.0.1", "port": port, "user": "curate", "password": password}
    finally:
        if pid is not None:
            os.kill(pid, signal.SIGINT)
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                try:
                    os.kill(pid, 0)
                except ProcessLookupError:
                    break
                time.sleep(0.1)
        shutil.rmtree(base, ignore_errors=True)


def create_database(server: dict, name: str) -> str:
    """Create database ``name``; returns its ``postgresql://USER@HOST:PORT/NAME`` URL (no password)."""
    import psycopg

    with psycopg.connect(host=server["host"], port=server["port"], user=server["user"],
                         password=server["password"], dbname="postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"postgresql://{server['user']}@{server['host']}:{server['port']}/{name}"
