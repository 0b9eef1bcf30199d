"""Snapshots: named, numbered, immutable selections of documents.

A snapshot version is materialised as its own DuckLake table (``snap__NAME__V``)
holding the chosen text variant and every signal column at that moment, and is
committed together with its manifest in one transaction.  Later ingests, stage
reruns or label pulls never change it (time travel by construction), and a kill
during creation leaves neither the table nor the manifest behind.

The content hash covers every column except ingestion provenance (ingest id and
time), over rows ordered by doc_id: the same recipe on the same inputs gives the
same hash, whenever it runs.
"""

from __future__ import annotations

import json
import subprocess
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
from pydantic import BaseModel

from curate import __version__
from curate.dbutil import transaction
from curate.errors import CurateError
from curate.workspace import Workspace, check_name, ident, now

TEXT_VARIANTS = ("anonymized", "clean", "raw")
RECORD_FIELDS = ("text", "instruction", "input", "output", "messages", "meta")
_HASH_EXCLUDE = ("ingest_id", "ingested_at")


class Manifest(BaseModel):
    name: str
    version: int
    created_at: datetime
    row_count: int
    content_hash: str
    schema_: dict[str, str]
    text_variant: str
    where: str | None = None
    recipe: dict | None = None
    code_version: str
    parent: str | None = None
    pii_policy_passed: bool
    pii_override: bool = False
    held_back: int = 0
    labels_applied: int = 0
    lake_snapshot_id: int | None = None
    table_name: str

    @property
    def ref(self) -> str:
        return f"{self.name}@{self.version}"


class Snapshot:
    def __init__(self, ws: Workspace, manifest: Manifest):
        self.ws = ws
        self.manifest = manifest

    @property
    def ref(self) -> str:
        return self.manifest.ref

    def relation(self) -> duckdb.DuckDBPyRelation:
        return self.ws.con.sql(f"SELECT * FROM lake.{ident(self.manifest.table_name)}")

    def table(self) -> pa.Table:
        return self.ws.con.execute(
            f"SELECT * FROM lake.{ident(self.manifest.table_name)} ORDER BY doc_id").fetch_arrow_table()

    def to_pandas(self):
        return self.table().to_pandas()

    def __repr__(self) -> str:
        return f"Snapshot({self.ref}, rows={self.manifest.row_count}, text={self.manifest.text_variant})"


def code_version() -> str:
    """curate's version plus the git commit when running from a checkout."""
    try:
        root = Path(__file__).resolve().parent.parent
        sha = subprocess.run(["git", "-C", str(root), "rev-parse", "--short", "HEAD"], capture_output=True,
                             text=True, timeout=5).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(root), "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True, timeout=5).stdout.strip()
        if sha:
            return f"{__version__}+g{sha}{'.dirty' if dirty else ''}"
    except (OSError, subprocess.SubprocessError):
        pass
    return __version__


def parse_ref(ref: str, version: int | None = None) -> tuple[str, int | None]:
    if "@" in ref:
        name, _, v = ref.partition("@")
        if not v.isdigit():
            raise CurateError(f"bad snapshot reference '{ref}': expected NAME or NAME@VERSION")
        return name, int(v)
    return ref, version


def list_snapshots(ws: Workspace) -> list[Manifest]:
    rows = ws.con.execute("SELECT manifest FROM lake.snapshot_manifests ORDER BY name, version").fetchall()
    return [Manifest.model_validate_json(r[0]) for r in rows]


def get_snapshot(ws: Workspace, ref: str, version: int | None = None) -> Snapshot:
    name, version = parse_ref(ref, version)
    if version is None:
        row = ws.con.execute("SELECT manifest FROM lake.snapshot_manifests WHERE name = ? ORDER BY version DESC "
                             "LIMIT 1", [name]).fetchone()
    else:
        row = ws.con.execute("SELECT manifest FROM lake.snapshot_manifests WHERE name = ? AND version = ?",
                             [name, version]).fetchone()
    if row is None:
        known = sorted({m.name for m in list_snapshots(ws)})
        raise CurateError(f"no snapshot '{ref}'" + (f" (snapshots: {', '.join(known)})" if known else
                                                     " (the workspace has no snapshots yet)"))
    return Snapshot(ws, Manifest.model_validate_json(row[0]))


def _select_sql(ws: Workspace, text: str, where: str | None, apply_labels: bool) -> tuple[str, str]:
    """SELECT for the snapshot rows and the SQL counting held-back rows."""
    cols = ws.view_columns()
    signal_cols = [c for c in cols if c not in ws.columns("documents")]
    replace: dict[str, str] = {}
    keep = "TRUE"
    if text == "anonymized":
        if "pii_covered" not in cols:
            raise CurateError("text variant 'anonymized' needs the pii stage: run it first "
                              "(or choose --text raw, which exports refuse without an override)")
        for f in RECORD_FIELDS:
            replace[f] = f"pii_{f}" if f"pii_{f}" in cols else f
        # Fail closed: a document without a PII result, or one no recognizer covers, is held back.
        keep = "coalesce(pii_covered, FALSE)"
    elif text == "clean":
        if "clean_text" not in cols:
            raise CurateError("text variant 'clean' needs the clean stage: run it first")
        replace["text"] = "coalesce(clean_text, text)"
    keep += "".join(f" AND {ident(c)} IS NULL" for c in signal_cols if c.endswith("_error"))  # a stage raised on the row
    if apply_labels and "label_status" in cols:
        keep += " AND label_status IS DISTINCT FROM 'rejected'"
        if "label_response" in cols:
            out_expr = f"coalesce(label_response, {replace.get('output', 'output')})"
            replace["output"] = out_expr
            # An edited response changes the SFT rendering of the text too.
            replace["text"] = (f"CASE WHEN label_response IS NOT NULL AND instruction IS NOT NULL THEN concat_ws("
                               f"chr(10) || chr(10), {replace.get('instruction', 'instruction')}, "
                               f"nullif({replace.get('input', 'input')}, ''), {out_expr}) "
                               f"ELSE {replace.get('text', 'text')} END")
        if "label_pii_spans" in cols and text == "anonymized":
            # Annotator-corrected spans override the predicted ones: redact the raw text with them.
            from curate.spans import register

            register(ws.con)
            replace["text"] = (f"CASE WHEN label_pii_spans IS NOT NULL THEN label_redact(text, label_pii_spans) "
                               f"ELSE {replace['text']} END")
        if "label_lang" in cols and "lang" in cols:
            replace["lang"] = "coalesce(label_lang, lang)"
    # Raw-PII columns of other variants never travel into an anonymized snapshot.
    drop = {"clean_text"} if text != "raw" else set()
    if text != "raw":
        drop |= {f"pii_{f}" for f in RECORD_FIELDS}
    select = []
    for c in cols:
        if c in drop:
            continue
        expr = replace.get(c, ident(c))
        select.append(f"{expr} AS {ident(c)}")
    user_where = f"({where})" if where else "TRUE"
    base = f"FROM ({ws.view_sql()}) v WHERE {user_where}"
    rows_sql = f"SELECT {', '.join(select)} {base} AND {keep}"
    held_sql = f"SELECT count(*) {base} AND NOT ({keep})"
    return rows_sql, held_sql


def _content_hash(con, table: str, columns: list[str]) -> str:
    cols = [c for c in columns if c not in _HASH_EXCLUDE]
    struct = ", ".join(f"{ident(c)} := {ident(c)}" for c in cols)
    row = con.execute(f"SELECT md5(coalesce(string_agg(md5(to_json(struct_pack({struct}))::VARCHAR), '' "
                      f"ORDER BY doc_id), '')) FROM lake.{ident(table)}").fetchone()
    return row[0]


def _next_version(ws: Workspace, name: str) -> int:
    row = ws.con.execute("SELECT max(version) FROM lake.snapshot_manifests WHERE name = ?", [name]).fetchone()
    return (row[0] or 0) + 1


def _commit_snapshot(ws: Workspace, name: str, fill_sql: str, params: list, manifest_fields: dict,
                     pre_commit=None) -> Manifest:
    """Create table + manifest in one DuckLake transaction."""
    con = ws.con
    with transaction(con):
        version = _next_version(ws, name)
        table_name = f"snap__{name}__{version}"
        con.execute(f"CREATE TABLE lake.{ident(table_name)} AS {fill_sql} ORDER BY doc_id", params)
        desc = con.execute(f"SELECT * FROM lake.{ident(table_name)} LIMIT 0").description
        schema = {d[0]: str(d[1]) for d in desc}
        row_count = con.execute(f"SELECT count(*) FROM lake.{ident(table_name)}").fetchone()[0]
        manifest = Manifest(name=name, version=version, created_at=now(), row_count=row_count,
                            content_hash=_content_hash(con, table_name, list(schema)), schema_=schema,
                            code_version=code_version(), table_name=table_name, **manifest_fields)
        if pre_commit:
            pre_commit(manifest)
        con.execute("INSERT INTO lake.snapshot_manifests VALUES (?, ?, ?, ?, ?)",
                    [name, version, table_name, manifest.model_dump_json(), manifest.created_at])
        con.execute("INSERT INTO lake.lineage VALUES ('snapshot', ?, ?, ?, ?)",
                    [manifest.ref, manifest.parent, json.dumps({"where": manifest.where,
                                                                "text": manifest.text_variant,
                                                                "content_hash": manifest.content_hash}),
                     manifest.created_at])
    sid = con.execute("SELECT max(snapshot_id) FROM ducklake_snapshots('lake')").fetchone()[0]
    manifest.lake_snapshot_id = sid
    con.execute("UPDATE lake.snapshot_manifests SET manifest = ? WHERE name = ? AND version = ?",
                [manifest.model_dump_json(), name, manifest.version])
    return manifest


def create_snapshot(ws: Workspace, name: str, where: str | None = None, text: str = "anonymized",
                    recipe: dict | None = None, allow_raw: bool = False, apply_labels: bool = True,
                    parent: str | None = None, pre_commit=None) -> Manifest:
    """Materialise a new version of snapshot ``name``.

    ``text`` picks the variant: ``anonymized`` (from the PII stage; rows it does not cover
    are held back), ``clean`` or ``raw``.  A non-anonymized snapshot does not pass the
    PII policy; exports and training refuse it unless explicitly overridden.
    """
    ws._require_writable()
    check_name(name, "snapshot name")
    if text not in TEXT_VARIANTS:
        raise CurateError(f"unknown text variant '{text}' (use {', '.join(TEXT_VARIANTS)})")
    if ws.count("documents") == 0:
        raise CurateError("the workspace has no documents: run curate ingest first")
    rows_sql, held_sql = _select_sql(ws, text, where, apply_labels)
    try:
        held = ws.con.execute(held_sql).fetchone()[0]
    except duckdb.Error as exc:
        raise CurateError(f"bad --where: {str(exc).splitlines()[0]}") from None
    if parent is None:
        prev = ws.con.execute("SELECT max(version) FROM lake.snapshot_manifests WHERE name = ?", [name]).fetchone()[0]
        parent = f"{name}@{prev}" if prev else None
    labels_applied = 0
    if apply_labels and "label_status" in ws.view_columns():
        labels_applied = ws.con.execute("SELECT count(*) FROM lake.signal_labels").fetchone()[0]
    fields: dict[str, Any] = dict(text_variant=text, where=where, recipe=recipe, parent=parent,
                                  pii_policy_passed=(text == "anonymized"), pii_override=allow_raw and text != "anonymized",
                                  held_back=held, labels_applied=labels_applied)
    return _commit_snapshot(ws, name, rows_sql, [], fields, pre_commit=pre_commit)


def create_snapshot_from_table(ws: Workspace, name: str, table: pa.Table, parent_ref: str | None = None,
                               recipe: dict | None = None, text_variant: str | None = None) -> Manifest:
    """A snapshot from rows computed outside the workspace view (e.g. counterfactual augmentation).

    It inherits the parent's text variant and PII status: rows derived from an anonymized
    snapshot stay anonymized.
    """
    ws._require_writable()
    check_name(name, "snapshot name")
    if "doc_id" not in table.column_names:
        raise CurateError("a snapshot table needs a doc_id column")
    parent = get_snapshot(ws, parent_ref).manifest if parent_ref else None
    variant = text_variant or (parent.text_variant if parent else "raw")
    ws.con.register("_snap_src", table)
    try:
        fields = dict(text_variant=variant, where=None, recipe=recipe, parent=parent.ref if parent else None,
                      pii_policy_passed=bool(parent and parent.pii_policy_passed and variant == "anonymized"),
                      pii_override=False, held_back=0)
        return _commit_snapshot(ws, name, "SELECT * FROM _snap_src", [], fields)
    finally:
        ws.con.unregister("_snap_src")


def diff_snapshots(ws: Workspace, a: str, b: str, sample: int = 5) -> dict:
    sa, sb = get_snapshot(ws, a), get_snapshot(ws, b)
    ta, tb = ident(sa.manifest.table_name), ident(sb.manifest.table_name)
    common = [c for c in sa.manifest.schema_ if c in sb.manifest.schema_ and c not in _HASH_EXCLUDE]
    struct = ", ".join(f"{ident(c)} := {ident(c)}" for c in common)
    con = ws.con
    con.execute(f"""CREATE OR REPLACE TEMP VIEW _diff AS
        SELECT coalesce(x.doc_id, y.doc_id) AS doc_id,
               CASE WHEN y.doc_id IS NULL THEN 'removed' WHEN x.doc_id IS NULL THEN 'added'
                    WHEN x.h <> y.h THEN 'changed' ELSE 'same' END AS status
        FROM (SELECT doc_id, md5(to_json(struct_pack({struct}))::VARCHAR) h FROM lake.{ta}) x
        FULL OUTER JOIN (SELECT doc_id, md5(to_json(struct_pack({struct}))::VARCHAR) h FROM lake.{tb}) y
        USING (doc_id)""")
    counts = dict(con.execute("SELECT status, count(*) FROM _diff GROUP BY 1").fetchall())
    samples = {s: [r[0] for r in con.execute("SELECT doc_id FROM _diff WHERE status = ? ORDER BY doc_id LIMIT ?",
                                             [s, sample]).fetchall()] for s in ("added", "removed", "changed")}
    return {
        "a": sa.ref, "b": sb.ref,
        "rows": {"a": sa.manifest.row_count, "b": sb.manifest.row_count},
        "added": counts.get("added", 0), "removed": counts.get("removed", 0),
        "changed": counts.get("changed", 0), "unchanged": counts.get("same", 0),
        "columns_added": [c for c in sb.manifest.schema_ if c not in sa.manifest.schema_],
        "columns_removed": [c for c in sa.manifest.schema_ if c not in sb.manifest.schema_],
        "same_content": sa.manifest.content_hash == sb.manifest.content_hash,
        "samples": samples,
    }
