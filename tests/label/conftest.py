"""A real Label Studio server for the whole test session, and a workspace with predictions to push.

The server is started once (about a minute on a fresh data dir) through the same
``curate.label.server.serve`` that ``curate label serve`` uses, on a free 127.0.0.1 port with a
temporary data dir, and stopped by its PID at the end of the session.
"""

from __future__ import annotations

import json
import os

import pyarrow as pa
import pytest

from curate.label.server import free_port, label_studio_bin

LS_BIN = label_studio_bin()

# Documents whose PII offsets and language the tests know exactly.
PII_DOCS = [
    ("Mera naam Ravi Kumar hai, phone 9876543210.", [(10, 20, "PERSON", 0.62), (32, 42, "IN_PHONE", 0.99)]),
    ("PAN ABCPK1234F of Sunita Devi 😀 please update", [(4, 14, "IN_PAN", 0.97), (18, 29, "PERSON", 0.55)]),
    ("Send 😀 to ravi@okaxis today 😀😀 for order 12345", [(10, 21, "IN_UPI", 0.71)]),
    ("मेरा नाम अनीता शर्मा है और आधार 2345 6789 0123", [(9, 20, "PERSON", 0.5)]),
    ("No personal data in this ticket about a refund.", []),
    ("Call me at +91 98765 43210 tomorrow", [(11, 26, "IN_PHONE", 0.95)]),
]
LANGS = [("hi", 0.41, True, True), ("en", 0.97, False, False), ("en", 0.66, False, False), ("hi", 0.99, False, False),
         ("en", 0.95, False, False), ("en", 0.52, False, False)]
SFT = [{"instruction": f"Question {i}: how do I update my KYC?", "input": "",
        "output": f"Answer {i}: visit the branch with your documents."} for i in range(4)]


def _write_jsonl(path, rows):
    with open(path, "w", encoding="utf-8") as fh:
        for r in rows:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")


def build_workspace(path):
    """Workspace with 6 text docs + 4 SFT pairs, a langid and a pii signal, and snapshot 'review@1'."""
    from curate import Workspace

    ws = Workspace.init(path)
    src = path.parent / f"{path.name}-src"
    src.mkdir(exist_ok=True)
    _write_jsonl(src / "tickets.jsonl", [{"text": t, "id": f"T{i}"} for i, (t, _) in enumerate(PII_DOCS)])
    _write_jsonl(src / "sft.jsonl", [{**r, "id": f"S{i}"} for i, r in enumerate(SFT)])
    ws.ingest([src / "tickets.jsonl", src / "sft.jsonl"], id_field="id")
    docs = ws.documents().to_pylist()
    by_text = {d["text"]: d for d in docs}
    rows_lang, rows_pii = [], []
    for i, (text, spans) in enumerate(PII_DOCS):
        doc = by_text[text]
        lang, score, rom, cm = LANGS[i]
        rows_lang.append({"doc_id": doc["doc_id"], "lang": lang, "lang_score": score, "romanized": rom,
                          "codemixed": cm})
        ents = [{"field": "text", "start": s, "end": e, "type": t, "score": sc, "recognizer": "test"}
                for s, e, t, sc in spans]
        anon = text
        for s, e, t, _ in sorted(spans, reverse=True):
            anon = anon[:s] + f"<{t}>" + anon[e:]
        rows_pii.append({"doc_id": doc["doc_id"], "pii_text": anon, "pii_entities": json.dumps(ents),
                         "pii_count": len(spans), "pii_covered": True})
    for d in docs:
        if d["instruction"]:
            rows_lang.append({"doc_id": d["doc_id"], "lang": "en", "lang_score": 0.9, "romanized": False,
                              "codemixed": False})
            rows_pii.append({"doc_id": d["doc_id"], "pii_text": d["text"], "pii_entities": "[]", "pii_count": 0,
                             "pii_covered": True})
    ws.write_signal("langid", pa.Table.from_pylist(rows_lang))
    ws.write_signal("pii", pa.Table.from_pylist(rows_pii))
    ws.create_snapshot("review")
    return ws


@pytest.fixture(scope="session")
def ls_server(tmp_path_factory):
    """(workspace path, ServerInfo) of a Label Studio server started by `curate label serve` for the session."""
    if not LS_BIN.exists():
        pytest.skip(f"Label Studio is not installed at {LS_BIN} (set CURATE_LABEL_STUDIO_BIN or install "
                    "label-studio==1.23.2 into .venv-ls)")
    from click.testing import CliRunner

    from curate import Workspace
    from curate.cli.main import cli
    from curate.label.server import read_info, stop

    root = tmp_path_factory.mktemp("ls")
    Workspace.init(root / "server-ws").close()
    wspath = root / "server-ws"
    res = CliRunner().invoke(cli, ["label", "serve", "--workspace", str(wspath), "--port", str(free_port()),
                                   "--timeout", "300", "--json"])
    info = read_info(wspath / "secrets")
    try:
        assert res.exit_code == 0, res.output
        yield wspath, info, res.output
    finally:
        if info is not None:
            stop(wspath / "secrets")


@pytest.fixture
def conn(ls_server, monkeypatch):
    from curate.label.client import Connection

    _, info, _ = ls_server
    monkeypatch.delenv("LABEL_STUDIO_URL", raising=False)
    return Connection(info.url, info.token)


@pytest.fixture
def review_ws(tmp_path):
    ws = build_workspace(tmp_path / "ws")
    yield ws
    ws.close()


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch):
    # The server is on 127.0.0.1; a proxy from the environment must not intercept it.
    for var in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    os.environ.setdefault("NO_PROXY", "127.0.0.1,localhost")
