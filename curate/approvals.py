"""Steward approvals: the gate between a snapshot and the places data leaves the raw zone (export, training).

A snapshot is **approved** when a steward approved it after an audit of that exact snapshot passed its
policy, and no later audit of it failed. Approvals are append-only rows in ``lake.approvals`` (who, when,
which audit, the snapshot's content hash), with a lineage entry of kind ``approval``; revoking appends a
row too, so the history stays. Export and training call :func:`require_approved`; an explicit override
is allowed only when the caller records it (the export's and the run's lineage carry ``approval_override``).

State, from the rows (first match wins):

* ``audit_failed``: the latest audit of the snapshot failed (even if it was approved before),
* ``revoked`` / ``approved``: the latest approval row,
* ``unapproved``: never approved.
"""

from __future__ import annotations

import getpass
import json

import pyarrow as pa

from curate.errors import CurateError, PolicyError
from curate.snapshots import get_snapshot
from curate.storage import Lake, LineageKind, now

TABLE = "approvals"


def _latest_audit(ws: Lake, ref: str) -> dict | None:
    if not ws.has_table("audits"):
        return None
    row = ws.con.execute("SELECT subject, passed, failed_gates, policy, created_at FROM lake.audits "
                         "WHERE snapshot = ? ORDER BY created_at DESC LIMIT 1", [ref]).fetchone()
    if row is None:
        return None
    return {"subject": row[0], "passed": bool(row[1]), "failed_gates": json.loads(row[2] or "[]"),
            "policy": row[3], "at": str(row[4])}


def _latest_approval(ws: Lake, ref: str) -> dict | None:
    if not ws.has_table(TABLE):
        return None
    row = ws.con.execute(f"SELECT approved, approver, audit, note, created_at FROM lake.{TABLE} "
                         "WHERE snapshot = ? ORDER BY created_at DESC LIMIT 1", [ref]).fetchone()
    if row is None:
        return None
    return {"approved": bool(row[0]), "by": row[1], "audit": row[2], "note": row[3], "at": str(row[4])}


def approval_state(ws: Lake, ref: str) -> dict:
    """``{"state": approved|unapproved|revoked|audit_failed, "audit": {...}|None, "approval": {...}|None}``
    for snapshot ``ref`` (``NAME`` or ``NAME@V``; ``NAME`` means the latest version)."""
    ref = get_snapshot(ws, ref).ref
    audit, approval = _latest_audit(ws, ref), _latest_approval(ws, ref)
    if audit is not None and not audit["passed"]:
        state = "audit_failed"
    elif approval is None:
        state = "unapproved"
    else:
        state = "approved" if approval["approved"] else "revoked"
    return {"snapshot": ref, "state": state, "audit": audit, "approval": approval}


def approve(ws: Lake, ref: str, by: str | None = None, note: str | None = None, revoke: bool = False) -> dict:
    """Approve (or revoke) snapshot ``ref``; returns the new :func:`approval_state`.

    Raises:
        PolicyError: approving a snapshot without a passing audit of it, or one not anonymized under the
            PII policy (exit 4).
    """
    snap = get_snapshot(ws, ref)
    ref = snap.ref
    audit = _latest_audit(ws, ref)
    if not revoke:
        if not snap.manifest.pii_policy_passed:
            raise PolicyError(f"snapshot {ref} did not pass the PII policy (text variant "
                              f"'{snap.manifest.text_variant}'): only anonymized snapshots can be approved")
        if audit is None:
            raise PolicyError(f"snapshot {ref} has no audit: run `curate audit {ref} --policy POLICY` first")
        if not audit["passed"]:
            failed = ", ".join(audit["failed_gates"]) or "gates"
            raise PolicyError(f"snapshot {ref}: its latest audit failed ({failed}); "
                              "fix the data and audit a new version")
    who = by or _whoami()
    row = pa.table({"snapshot": [ref], "content_hash": [snap.manifest.content_hash], "approved": [not revoke],
                    "approver": [who], "audit": [audit["subject"] if audit else None], "note": [note],
                    "created_at": [now()]})
    with ws.writer():
        ws.put_table(TABLE, row, mode="append")
        ws.record_lineage(LineageKind.APPROVAL, f"approval:{ref}", ref,
                          {"approved": not revoke, "by": who, "audit": audit["subject"] if audit else None})
        if hasattr(ws, "sync_curated"):  # zoned team mode: the approved snapshot reaches the curated zone
            ws.sync_curated(ref)
    return approval_state(ws, ref)


def require_approved(ws: Lake, ref: str, action: str, override: bool = False) -> dict:
    """Refuse ``action`` ("export", "training") on a snapshot that is not approved, unless ``override``.

    Returns the approval state with ``override`` set, for the caller to record in its lineage.

    Raises:
        PolicyError: not approved and no override (exit 4); the message says how to get it approved.
    """
    state = approval_state(ws, ref)
    state["override"] = bool(override and state["state"] != "approved")
    if state["state"] == "approved" or override:
        return state
    why = {"audit_failed": "failed its latest audit", "revoked": "had its approval revoked",
           "unapproved": "has not been approved"}[state["state"]]
    raise PolicyError(f"{action} refused: snapshot {state['snapshot']} {why}. A steward audits it "
                      f"(`curate audit {state['snapshot']} --policy POLICY`) and approves it "
                      f"(`curate snapshot approve {state['snapshot']}`); or pass --allow-unapproved (recorded)")


def _whoami() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (containers)
        raise CurateError("cannot tell who you are: pass --by NAME") from None
