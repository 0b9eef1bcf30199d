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
