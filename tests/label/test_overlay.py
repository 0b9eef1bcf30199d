"""Snapshot overlays: the label package registers itself; any registered overlay rewrites rows without the core
naming its columns."""

from __future__ import annotations

import dataclasses

import pytest

from curate import snapshots
from curate.snapshots import OverlaySelect, SnapshotOverlay, overlays, register_overlay


def test_the_label_overlay_registers_itself():
    assert "labels" in [o.name for o in overlays()]
    with pytest.raises(RuntimeError, match="registered twice"):
        register_overlay(SnapshotOverlay(name="labels", select=lambda sel: None))


def _hold_back_first(sel: OverlaySelect) -> None:
    sel.keep += " AND doc_id <> (SELECT min(doc_id) FROM lake.documents)"
    sel.replace["text"] = "upper(text)"


def test_a_registered_overlay_rewrites_rows_and_the_manifest(ws, tickets, monkeypatch):
    ws.ingest([tickets])
    plain = ws.create_snapshot("plain", text="raw")
    overlay = SnapshotOverlay(name="zz_test", select=_hold_back_first,
                              manifest_fields=lambda con, cols: {"labels_applied": 42})
    monkeypatch.setitem(snapshots._OVERLAYS, "zz_test", overlay)
    m = ws.create_snapshot("over", text="raw")
    assert (m.row_count, m.held_back, m.labels_applied) == (plain.row_count - 1, 1, 42)
    texts = ws.snapshot("over").table().column("text").to_pylist()
    assert texts and all(t == t.upper() for t in texts)
    off = ws.create_snapshot("off", text="raw", apply_labels=False)  # overlays apply only when asked
    assert (off.row_count, off.labels_applied) == (plain.row_count, 0)
    assert dataclasses.is_dataclass(overlay)
