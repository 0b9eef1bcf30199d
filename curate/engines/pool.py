"""Worker processes that die with their parent: the process pool every curate pool is made from.

Why: a ``spawn`` worker inherits the caller's stdout/stderr. A CLI killed with ``kill -9``
used to leave its pool workers (≈ 650 MiB each) and multiprocessing's resource tracker
running for minutes, holding the caller's output pipe open — a script reading the command's
output hung until they finished (issue 20).

How (each worker, first thing, in the pool initializer):

* Linux: ``prctl(PR_SET_PDEATHSIG, SIGKILL)`` — the kernel kills the worker the moment its
  parent exits, however it exits (``kill -9`` included). (Strictly: when the *thread* that
  started it exits; a pool is created, used and stopped within one call of one thread, which
  therefore outlives it.) Then the worker compares
  ``getppid()`` with the parent's pid it was given, which closes the race of a parent that died
  while the worker was still starting (before the ``prctl``).
* Everywhere: a daemon thread polls ``getppid()`` every :data:`WATCH_S` seconds and ends the
  worker with ``os._exit`` once its parent is gone (the fallback where ``prctl`` does not exist).
* ``SIGINT`` is ignored in workers: Ctrl-C reaches the whole foreground process group, and the
  parent alone decides — it stops the pool (:func:`stop_pool`) and rolls back.

multiprocessing's resource tracker (a separate process the parent starts, which ignores
SIGINT/SIGTERM) exits when the last holder of its pipe — the parent and every worker — is
gone, so it follows the workers within moments.
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing as mp
import os
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor

#: seconds between the fallback watcher's checks of the parent pid
WATCH_S = 0.5
_PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def _kill_on_parent_death() -> bool:
    """Ask the Linux kernel to SIGKILL this process when its parent exits; False where unsupported."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _watch_parent(parent_pid: int) -> None:
    while True:
        if os.getppid() != parent_pid:
            os._exit(1)  # no cleanup: the parent that would collect anything is gone
        time.sleep(WATCH_S)


def die_with_parent(parent_pid: int) -> None:
    """Make this (worker) process end when ``parent_pid`` is no longer its parent; ignore Ctrl-C.

    Call first thing in a child process. Safe to call more than once.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _kill_on_parent_death()
    if os.getppid() != parent_pid:  # the parent died before the prctl above took effect
        os._exit(1)
    threading.Thread(target=_watch_parent, args=(parent_pid,), name="curate-parent-watch", daemon=True).start()


_REAPER = """
import os, sys, threading, time
import psutil
parent = psutil.Process(int(sys.argv[1]))
seen = {}
def watch():
    while True:
        try:
            for p in parent.children(recursive=True):
                if p.pid != os.getpid():
                    seen[p.pid] = p
        except psutil.Error:
            return
        time.sleep(float(sys.argv[2]))
threading.Thread(target=watch, daemon=True).start()
sys.stdin.buffer.read()  # EOF: the parent is gone (or let us go)
procs = [p for p in seen.values() if p.is_running()]  # is_running() also checks the start time: no reused pid
for p in procs:
    try:
        p.terminate()
    except psutil.Error:
        pass
gone, alive = psutil.wait_procs(procs, timeout=3)
for p in alive:
    try:
        p.kill()
    except psutil.Error:
        pass
if len(sys.argv) > 3:
    import shutil
    psutil.wait_procs(alive, timeout=3)
    shutil.rmtree(sys.argv[3], ignore_errors=True)
"""


def start_reaper(every: float = 1.0, remove: str | None = None):
    """A watchdog process that, once this process is gone, ends every process it saw below this one.

    For process trees we do not start ourselves (a private Ray instance: GCS, raylet, agents, workers,
    some of which Ray does not tie to the driver's life): it lists this process's descendants every
    ``every`` seconds and, when its stdin reaches EOF — this process died, ``kill -9`` included, or
    :func:`stop_reaper` let it go — terminates (then kills) those still running. It runs in a session
    of its own with no terminal and no copy of our stdout/stderr. ``remove``: a folder it deletes
    after them (private scratch space). Returns the ``Popen`` to stop.
    """
    args = [str(os.getpid()), str(every), *([remove] if remove else [])]
    return subprocess.Popen([sys.executable, "-c", _REAPER, *args], stdin=subprocess.PIPE,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
                            close_fds=True)


def stop_reaper(reaper, timeout: float = 10.0) -> None:
    """Let the watchdog go after a normal shutdown (it ends what is left below us, then exits)."""
    if reaper is None:
        return
    with contextlib.suppress(OSError, subprocess.TimeoutExpired):  # best effort: it exits on EOF anyway
        reaper.stdin.close()
        reaper.wait(timeout)


def _initializer(parent_pid: int, init, initargs: tuple) -> None:
    die_with_parent(parent_pid)
    if init is not None:
        init(*initargs)


def process_pool(workers: int, initializer=None, initargs: tuple = ()) -> ProcessPoolExecutor:
    """A ``spawn`` process pool of ``workers`` processes that die with this process (see the module docstring).

    ``spawn``, not ``fork``: a forked child would share this process's open files (the
    workspace's writer-lock file among them) and copy its threads' locks in whatever state.
    Stop it with :func:`stop_pool`.
    """
    return ProcessPoolExecutor(max_workers=workers, mp_context=mp.get_context("spawn"),
                               initializer=_initializer, initargs=(os.getpid(), initializer, initargs))


def stop_pool(pool: ProcessPoolExecutor, *, kill: bool, timeout: float = 5.0) -> None:
    """Shut ``pool`` down. ``kill=False``: wait for submitted work (normal end). ``kill=True`` (an
    error, Ctrl-C, SIGTERM, an abandoned generator): cancel what is queued, terminate the workers,
    and reap them — SIGKILL for any still alive after ``timeout`` seconds — so none outlives the call."""
    if not kill:
        pool.shutdown(wait=True)
        return
    procs = list((getattr(pool, "_processes", None) or {}).values())  # shutdown() drops the dict
    pool.shutdown(wait=False, cancel_futures=True)
    for p in procs:
        if p.is_alive():
            p.terminate()
    deadline = time.monotonic() + timeout
    for p in procs:
        p.join(max(0.0, deadline - time.monotonic()))
        if p.is_alive():
            p.kill()
            p.join(timeout)
