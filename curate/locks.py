"""The one-writer lock of a workspace: a file lock on one machine, a PostgreSQL advisory lock for a team.

Why one writer at all: DuckLake resolves concurrent commits by retrying, and its PostgreSQL
catalog still has open bugs with many concurrent writers (conflicting snapshot ids, retries
exhausted). Serializing commits through one lock makes every commit the only one in flight.
Readers never take it.

Both locks share one contract: ``acquire(wait)`` waits up to ``wait`` seconds, saying once on
stderr who holds the lock, then raises :class:`WorkspaceLockedError` naming the holder and what to
do; ``release()`` is idempotent. Storage layer: imports nothing above ``curate.errors``.
"""

from __future__ import annotations

import fcntl
import os
import socket
import sys
import time
from pathlib import Path
from typing import Callable

from curate.errors import CurateError, WorkspaceLockedError

#: advisory-lock key of the writer lock in a team catalog (any fixed 64-bit number; "curate" in ASCII)
PG_LOCK_KEY = 0x637572617465
_POLL_S = 0.2


def holder_label() -> str:
    """Who we are, for the other side's message: pid, host and the command (no arguments: they may hold data)."""
    cmd = " ".join(os.path.basename(a) if i == 0 else a for i, a in enumerate(sys.argv[:2]))
    return f"pid {os.getpid()} on {socket.gethostname()} ({cmd[:60]})"


def _wait_loop(try_once: Callable[[], bool], holder: Callable[[], str], wait: float, where: str) -> None:
    deadline = time.monotonic() + wait
    announced = False
    while not try_once():
        who = holder() or "another process"
        if time.monotonic() >= deadline:
            raise WorkspaceLockedError(
                f"workspace {where} is being written by {who}; waited {wait:.0f} s. Retry when it finishes, "
                "or wait longer with `curate --wait SECONDS ...` / CURATE_LOCK_WAIT (reading commands never wait)")
        if not announced:
            print(f"waiting for the workspace writer lock (held by {who}; up to {wait:.0f} s)",
                  file=sys.stderr, flush=True)
            announced = True
        time.sleep(_POLL_S)


class FileLock:
    """``flock`` on ``WORKSPACE/.lock`` (0600); the file names the holder."""

    def __init__(self, path: Path):
        self.path = path
        self._fh = None

    @property
    def held(self) -> bool:
        return self._fh is not None

    def acquire(self, wait: float) -> None:
        if self._fh is not None:
            return
        fh = open(self.path, "a+")
        os.chmod(self.path, 0o600)

        def try_once() -> bool:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return True
            except BlockingIOError:
                return False

        def holder() -> str:
            fh.seek(0)
            return fh.read().strip()

        try:
            _wait_loop(try_once, holder, wait, str(self.path.parent))
        except BaseException:
            fh.close()
            raise
        fh.seek(0)
        fh.truncate()
        fh.write(holder_label())
        fh.flush()
        self._fh = fh

    def release(self) -> None:
        if self._fh is not None:
            fcntl.flock(self._fh, fcntl.LOCK_UN)
            self._fh.close()
            self._fh = None


class PgAdvisoryLock:
    """A session-level PostgreSQL advisory lock on the team catalog's database.

    Held on a connection of its own (psycopg, autocommit) for as long as the lock is held, so a
    killed writer releases it when PostgreSQL notices the closed connection. ``application_name``
    carries :func:`holder_label` so a waiting writer can say who holds it.
    """

    def __init__(self, conninfo: dict, password: str | None, where: str):
        self.conninfo = conninfo
        self.password = password
        self.where = where
        self._conn = None

    @property
    def held(self) -> bool:
        return self._conn is not None

    def _connect(self):
        import psycopg

        params = {k: v for k, v in self.conninfo.items() if v is not None}
        try:
            return psycopg.connect(**params, password=self.password, autocommit=True,
                                   application_name=f"curate writer {holder_label()}"[:63], connect_timeout=10)
        except psycopg.Error as exc:
            # psycopg's message names host and port, never the password; keep only its first line
            raise CurateError(f"cannot reach the team catalog for the writer lock: "
                              f"{str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__}") from None

    def acquire(self, wait: float) -> None:
        if self._conn is not None:
            return
        import psycopg

        conn = self._connect()
        try:
            if not conn.execute("SELECT pg_try_advisory_lock(%s)", [PG_LOCK_KEY]).fetchone()[0]:
                who = self._holder(conn) or "another process"
                print(f"waiting for the workspace writer lock (held by {who}; up to {wait:.0f} s)",
                      file=sys.stderr, flush=True)
                # Block in PostgreSQL's lock queue (first come, first served) rather than polling: a polling
                # writer that just released the lock would usually win it back (p95 wait 33.6 s in the load
                # test with polling).
                conn.execute(f"SET lock_timeout = {max(1, int(wait * 1000))}")
                try:
                    conn.execute("SELECT pg_advisory_lock(%s)", [PG_LOCK_KEY])
                except psycopg.errors.LockNotAvailable:
                    who = self._holder(conn) or who
                    raise WorkspaceLockedError(
                        f"workspace {self.where} is being written by {who}; waited {wait:.0f} s. Retry when it "
                        "finishes, or wait longer with `curate --wait SECONDS ...` / CURATE_LOCK_WAIT (reading "
                        "commands never wait)") from None
                conn.execute("SET lock_timeout = 0")
        except BaseException:
            conn.close()
            raise
        self._conn = conn

    @staticmethod
    def _holder(conn) -> str:
        row = conn.execute(
            "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
            "WHERE l.locktype = 'advisory' AND l.granted AND "
            "((l.classid::bigint << 32) | l.objid::bigint) = %s LIMIT 1", [PG_LOCK_KEY]).fetchone()
        return (row[0] or "").removeprefix("curate writer ") if row else ""

    def release(self) -> None:
        if self._conn is not None:
            try:
                self._conn.execute("SELECT pg_advisory_unlock(%s)", [PG_LOCK_KEY])
            finally:
                self._conn.close()
                self._conn = None
