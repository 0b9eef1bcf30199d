"""Hidden staging folders of exports, and the cleanup of those a killed export left behind.

An export is written into ``OUT_PARENT/.export-<name>-<token>`` and renamed to ``OUT`` at the end (one
rename, so a reader never sees half an export). The folder must sit beside ``OUT`` (a rename does not cross
file systems), i.e. outside the workspace, so the workspace keeps a record of it *before* creating it:
``WORKSPACE/tmp/exports/<token>.json`` with the folder's path and the owner's host, pid and process start
time. A kill -9 between the two leaves the record; :func:`clean_export_leftovers` (run by ``curate gc`` and
at the start of every export) removes the folders whose owner is gone. It removes nothing else: only a
folder named ``.export-*-<token>`` that is empty or holds the marker file with that token, and only when the
owner process on this host no longer runs (a record from another host is left alone: its owner cannot be
checked from here).
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
from pathlib import Path

import psutil

REGISTRY = Path("tmp") / "exports"
MARK = ".curate-export-staging"


def _registry(ws_path: Path) -> Path:
    return Path(ws_path) / REGISTRY


def _started(pid: int) -> float | None:
    try:
        return psutil.Process(pid).create_time()
    except (psutil.NoSuchProcess, psutil.AccessDenied, ValueError):
        return None


def create_staging(ws_path: Path, out: Path) -> tuple[Path, Path | None]:
    """Register and create a hidden staging folder beside ``out``; returns (folder, record or None).

    The record is written first, so no kill leaves an unrecorded folder. On a workspace that cannot be
    written (read-only media) the export still works, unrecorded.
    """
    # A folder output (as train's and audit's) is created with its parents; file outputs need an existing
    # folder (curate.filemode.check_output).
    out.parent.mkdir(parents=True, exist_ok=True)
    token = secrets.token_hex(8)
    folder = out.parent / f".export-{out.name}-{token}"
    record: Path | None = _registry(ws_path) / f"{token}.json"
    try:
        record.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        record.write_text(json.dumps({"path": str(folder.resolve()), "token": token, "host": socket.gethostname(),
                                      "pid": os.getpid(), "started": _started(os.getpid())}))
    except OSError:
        record = None
    folder.mkdir(mode=0o700)
    (folder / MARK).write_text(token)
    return folder, record


def publish(folder: Path, out: Path, record: Path | None) -> None:
    """Move the finished staging ``folder`` to ``out`` (replacing it) and drop its record."""
    (folder / MARK).unlink()
    if out.exists():
        shutil.rmtree(out)
    folder.rename(out)
    if record is not None:
        record.unlink(missing_ok=True)


def discard(folder: Path, record: Path | None) -> None:
    """Remove a staging folder of a failed export, then its record."""
    shutil.rmtree(folder, ignore_errors=True)
    if record is not None:
        record.unlink(missing_ok=True)


def _owned_folder(path: Path, token: str) -> bool:
    """Whether ``path`` is exactly the staging folder of ``token`` (so removing it removes nothing else)."""
    if not (path.name.startswith(".export-") and path.name.endswith(f"-{token}")) or path.is_symlink():
        return False
    if not path.is_dir():
        return False
    mark = path / MARK
    if mark.is_file():
        return mark.read_text().strip() == token
    return not any(path.iterdir())  # killed between mkdir and the marker


def clean_export_leftovers(ws_path: Path, dry_run: bool = False) -> dict:
    """Remove staging folders of exports whose process is gone; ``{"folders", "bytes", "records"}``.

    ``folders``: staging folders removed (or that would be, with ``dry_run``); ``records``: stale records
    dropped (including those whose folder was already gone). Running exports and records from other
    hosts are left alone.
    """
    reg = _registry(ws_path)
    folders = records = size = 0
    if not reg.is_dir():
        return {"folders": 0, "bytes": 0, "records": 0}
    host = socket.gethostname()
    for rec in sorted(reg.glob("*.json")):
        try:
            info = json.loads(rec.read_text())
            path, token, pid = Path(info["path"]), str(info["token"]), int(info["pid"])
        except (OSError, ValueError, KeyError, TypeError):
            continue  # not ours to judge
        if info.get("host") != host:
            continue
        started = _started(pid)
        if started is not None and (info.get("started") is None or abs(started - info["started"]) < 1e-3):
            continue  # the exporting process still runs
        if _owned_folder(path, token):
            folders += 1
            size += sum(f.stat().st_size for f in path.rglob("*") if f.is_file() and not f.is_symlink())
            if not dry_run:
                shutil.rmtree(path)
        records += 1
        if not dry_run:
            rec.unlink(missing_ok=True)
    return {"folders": folders, "bytes": size, "records": records}
