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
@pytest.fixture(scope="session")
def pg_server():
    """A throw-away PostgreSQL 15 on 127.0.0.1: ``{"host", "port", "user", "password"}``."""
    from curate.testing import postgres_available, postgres_server

    if not postgres_available():
        pytest.skip("PostgreSQL 15 server binaries not found (apt-get install postgresql-15)")
    with postgres_server() as server:
        yield server


@pytest.fixture
def pg_database(pg_server):
    """A fresh database on the session's server; returns its ``postgresql://`` URL (no password)."""
    import uuid

    from curate.testing import create_database

    return create_database(pg_server, "lake_" + uuid.uuid4().hex[:10])


def source_label(ws, file_name: str) -> str:
    """The keyed label a non-raw snapshot or an export gives a source file, computed here from the documented
    formula (HMAC-SHA256 with the sub-key HMAC(workspace key, "curate-keyed-id-v1\\0source"), 12 hex digits), not
    by curate's code."""
    import hashlib
    import hmac

    key = (ws.secrets_dir / "pii.key").read_text().strip().encode()
    sub = hmac.new(key, b"curate-keyed-id-v1\x00source", hashlib.sha256).digest()
    return "source-" + hmac.new(sub, file_name.encode(), hashlib.sha256).hexdigest()[:12]


def share_workspace_key(src, dst) -> None:
    """Give workspace ``dst`` the key of ``src`` (``secrets/pii.key``, made if missing): pseudonyms, keyed ids and
    the doc_id salt then agree, so the two can be compared row for row (each real workspace has its own key)."""
    import shutil

    key = src.secrets_dir / "pii.key"
    if not key.exists():
        key.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        key.write_text("shared-test-key-0123456789abcdef\n")
        os.chmod(key, 0o600)
    dst.secrets_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    shutil.copy2(key, dst.secrets_dir / "pii.key")
