"""Snapshots: named, numbered, immutable selections of documents.

A snapshot version is materialised as its own DuckLake table (``snap__NAME__V``)
holding the chosen text variant and every signal column at that moment, and is
committed together with its manifest in one transaction.  Later ingests, stage
reruns or label pulls never change it (time travel by construction), and a kill
during creation leaves neither the table nor the manifest behind.

The content hash covers every column except provenance (ingest id and time, source
name and path), over rows ordered by doc_id: the same recipe on the same inputs gives
the same hash, whenever and in whichever workspace it runs.

Outside the raw zone nothing may fingerprint the raw text: a non-raw snapshot's
``content_hash`` is the MD5 of the text it carries, ``source`` and ``source_uri`` are
keyed labels (``source-`` + 12 hex of an HMAC with the workspace key; a file name such as
``kyc_ravi_kumar_9845012345.jsonl`` is PII), and raw-text fingerprint signals (``*_hash``,
``*_signature``, e.g. the MinHash stage's) are left out (see :func:`public_exprs`; exports
also key the ids).

The ``--where`` filter is user SQL: it is parsed as one SQL expression and evaluated in a
confined connection (:mod:`curate.usersql`: no files, no settings, no catalog); only the doc_ids
it selects come back to the workspace's connection. The policy flags are computed from the stored
rows after the table is built: an anonymized snapshot holding a row that the PII
stage did not cover, or a text field that is not the PII variant, is refused.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import duckdb
import pyarrow as pa
from pydantic import BaseModel

from curate._lazy import import_plugins
from curate.dbutil import transaction
from curate.errors import CurateError
from curate.keyed import keyed_id_function, workspace_key
from curate.provenance import code_version
from curate.results import Result
from curate.storage import Lake, LineageKind, check_name, ident, now
from curate.usersql import parse_where, select_keys  # noqa: F401 - parse_where: public here before

TEXT_VARIANTS = ("anonymized", "clean", "raw")
RECORD_FIELDS = ("text", "instruction", "input", "output", "messages", "meta")
# Provenance, not content: the ingest's id and time, and the source file's name, which non-raw snapshots carry as a
# label keyed with the workspace's own key (the same recipe in two workspaces must give the same hash; the doc_id,
# which is hashed, already says which source a row came from).
_HASH_EXCLUDE = ("ingest_id", "ingested_at", "source", "source_uri")


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
    labels_applied: int = 0  # set by the label overlay (curate/label/overlay.py) when it applied labels
    lake_snapshot_id: int | None = None
    table_name: str

    @property
    def ref(self) -> str:
        return f"{self.name}@{self.version}"


class Snapshot:
    def __init__(self, ws: Lake, manifest: Manifest):
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


@dataclass
class OverlaySelect:
    """What a :class:`SnapshotOverlay` rewrites while a snapshot's SELECT is built.

    ``replace`` maps a view column to the SQL expression that fills it (absent: the column as is);
    ``keep`` is the SQL condition a row must meet to be stored (rows failing it are held back). The
    text variant's replacements are already in place, and the public-zone rewrites come after.
    """

    con: duckdb.DuckDBPyConnection
    columns: list[str]           # the view's columns (documents + every signal)
    text: str                    # the text variant: anonymized, clean or raw
    replace: dict[str, str]
    keep: str


def _no_exemptions(field: str, columns: set[str]) -> list[str]:
    return []


def _no_manifest_fields(con: duckdb.DuckDBPyConnection, columns: list[str]) -> dict[str, Any]:
    return {}


@dataclass(frozen=True)
class SnapshotOverlay:
    """A capability's rewrite of snapshot rows (the label package's annotator corrections), applied by
    :func:`create_snapshot` when ``apply_labels`` is true; the core names none of its columns.

    * ``select(sel)``: edit ``sel.replace`` / ``sel.keep`` (see :class:`OverlaySelect`).
    * ``exempt(field, view_columns)``: overlay columns whose non-null value lets record field ``field``
      legitimately differ from its text variant (the policy check of the stored rows skips such rows).
    * ``manifest_fields(con, view_columns)``: extra :class:`Manifest` fields (e.g. ``labels_applied``).

    Register it from ``curate/<package>/overlay.py`` with :func:`register_overlay`; snapshots import
    every such module before building a snapshot.
    """

    name: str
    select: Callable[[OverlaySelect], None]
    exempt: Callable[[str, set[str]], list[str]] = _no_exemptions
    manifest_fields: Callable[[duckdb.DuckDBPyConnection, list[str]], dict[str, Any]] = _no_manifest_fields


_OVERLAYS: dict[str, SnapshotOverlay] = {}


def register_overlay(overlay: SnapshotOverlay) -> SnapshotOverlay:
    """Register a snapshot overlay (idempotent for the same object; a second one of that name is an error)."""
    existing = _OVERLAYS.get(overlay.name)
    if existing is not None and existing is not overlay:
        raise RuntimeError(f"snapshot overlay '{overlay.name}' registered twice")
    _OVERLAYS[overlay.name] = overlay
    return overlay


def overlays() -> list[SnapshotOverlay]:
    """The registered overlays, by name (importing every ``curate.<package>.overlay`` module first)."""
    import_plugins("curate", "overlay")
    return [_OVERLAYS[k] for k in sorted(_OVERLAYS)]


def parse_ref(ref: str, version: int | None = None) -> tuple[str, int | None]:
    if "@" in ref:
        name, _, v = ref.partition("@")
        if not v.isdigit():
            raise CurateError(f"bad snapshot reference '{ref}': expected NAME or NAME@VERSION")
        return name, int(v)
    return ref, version


def list_snapshots(ws: Lake) -> list[Manifest]:
    rows = ws.con.execute("SELECT manifest FROM lake.snapshot_manifests ORDER BY name, version").fetchall()
    return [Manifest.model_validate_json(r[0]) for r in rows]


def get_snapshot(ws: Lake, ref: str, version: int | None = None) -> Snapshot:
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


#: name of the registered Arrow table holding the doc_ids a user filter selected (see :mod:`curate.usersql`)
_SELECTED = "__curate_selected__"


def is_fingerprint(column: str) -> bool:
    """A signal column that holds raw text or fingerprints it: a stage's declared ``raw_outputs``
    (dedup's shared span ``dup_shared``, ``clean_text``, MinHash signatures …) and, for stages that do
    not declare theirs, any column ending in ``_hash``, ``_signature`` or ``_segments``.

    Such columns stay in the raw zone (a quoted span holds names and numbers as written; unkeyed hashes of
    short raw segments - a line holding only a phone number - can be guessed back).
    """
    from curate.stage import raw_outputs

    return column != "content_hash" and (column in raw_outputs()
                                         or column.endswith(("_hash", "_signature", "_segments")))


SOURCE_COLUMNS = ("source", "source_uri")  # provenance that names the input file (its path and name)
SOURCE_TAG = "source-"  # + 12 hex digits: a keyed label stands for a source outside the raw zone
_TAG_SQL = f"regexp_full_match({{c}}, '{SOURCE_TAG}[0-9a-f]{{{{12}}}}')"


def source_tag_sql(column: str, keyed_fn: str) -> str:
    """SQL for the keyed label of a source column: ``'source-' || 12 hex of keyed_fn(file name)``.

    The file name is taken without its folders (one file gives one label wherever it was read from); a value
    that is already a label (a snapshot made by this code, exported again) stays as it is."""
    col = ident(column)
    name = f"parse_filename({col}, false, 'both_slash')"
    return (f"CASE WHEN {col} IS NULL THEN NULL WHEN {_TAG_SQL.format(c=col)} THEN {col} "
            f"ELSE '{SOURCE_TAG}' || left({keyed_fn}({name}), 12) END")


def public_exprs(columns: list[str], text: str = "text", messages: str | None = "messages",
                 keyed_fn: str | None = None) -> tuple[dict[str, str], set[str]]:
    """Replacements for columns derived from raw content, for rows that leave the raw zone.

    Returns ``(replace, drop)``: ``content_hash`` becomes the MD5 of the carried text and messages
    (``text``/``messages`` are SQL expressions for them); ``source`` and ``source_uri`` become keyed labels
    (:func:`source_tag_sql` with ``keyed_fn``, a SQL function from :func:`curate.keyed.keyed_id_function`):
    file names are written by people and carry names, phone numbers and case ids
    (``kyc_ravi_kumar_9845012345.jsonl``), so neither the path nor the name leaves; without ``keyed_fn`` they
    are dropped. ``drop`` also holds the raw-text fingerprint columns (:func:`is_fingerprint`).
    """
    replace: dict[str, str] = {}
    drop = {c for c in columns if is_fingerprint(c)}
    if "content_hash" in columns:
        msgs = f"coalesce({messages}, '')" if messages else "''"
        replace["content_hash"] = f"md5(concat_ws(chr(31), coalesce({text}, ''), {msgs}))"
    for c in SOURCE_COLUMNS:
        if c in columns:
            if keyed_fn is None:
                drop.add(c)
            else:
                replace[c] = source_tag_sql(c, keyed_fn)
    return replace, drop


def _select_sql(ws: Lake, text: str, where: str | None, apply_labels: bool,
                keyed_fn: str | None = None) -> tuple[str, str, str]:
    """SELECT for the snapshot rows, the SQL counting held-back rows and the SQL counting matched rows.

    ``where`` is a condition curate built (never user text: a user filter is evaluated confined and
    arrives here as a doc_id semi-join).
    """
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
    # a stage raised on the row
    keep += "".join(f" AND {ident(c)} IS NULL" for c in signal_cols if c.endswith("_error"))
    if apply_labels:
        sel = OverlaySelect(ws.con, cols, text, replace, keep)
        for overlay in overlays():
            overlay.select(sel)
        keep = sel.keep
    # Raw-PII columns of other variants never travel into an anonymized snapshot.
    drop = {"clean_text"} if text != "raw" else set()
    if text != "raw":
        drop |= {f"pii_{f}" for f in RECORD_FIELDS}
        public, fingerprints = public_exprs(cols, replace.get("text", "text"), replace.get("messages", "messages"),
                                            keyed_fn)
        replace.update(public)
        drop |= fingerprints
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
    return rows_sql, held_sql, f"SELECT count(*) {base}"


def _content_hash(con, table: str, columns: list[str]) -> str:
    cols = [c for c in columns if c not in _HASH_EXCLUDE]
    struct = ", ".join(f"{ident(c)} := {ident(c)}" for c in cols)
    row = con.execute(f"SELECT md5(coalesce(string_agg(md5(to_json(struct_pack({struct}))::VARCHAR), '' "
                      f"ORDER BY doc_id), '')) FROM lake.{ident(table)}").fetchone()
    return row[0]


def _next_version(ws: Lake, name: str) -> int:
    row = ws.con.execute("SELECT max(version) FROM lake.snapshot_manifests WHERE name = ?", [name]).fetchone()
    return (row[0] or 0) + 1


def _policy_from_rows(ws: Lake, table_name: str, text: str, matched: int | None, apply_labels: bool,
                      coverage_only: bool = False) -> dict:
    """Policy flags and held-back count computed from the stored rows of a just-built snapshot table.

    Raises ``CurateError`` (so the enclosing transaction rolls back) when an anonymized snapshot
    holds a row the PII stage did not cover, a record field that is not its PII variant, or a
    raw-text column; the message counts rows and names columns, never values.
    """
    con = ws.con
    t = f"lake.{ident(table_name)}"
    cols = [d[0] for d in con.execute(f"SELECT * FROM {t} LIMIT 0").description]
    rows = con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
    problems: list[str] = []
    if text != "raw" and not coverage_only:
        raw_cols = sorted(c for c in cols
                          if c in {f"pii_{f}" for f in RECORD_FIELDS} | {"clean_text"} or is_fingerprint(c))
        if raw_cols:
            problems.append(f"raw-text column(s) {', '.join(raw_cols)}")
    view_cols = set(ws.view_columns())

    def exempt(field: str) -> str:
        """SQL: the row's overlay columns let ``field`` differ from its variant (an annotator's correction)."""
        cols = [c for o in overlays() for c in o.exempt(field, view_cols)] if apply_labels else []
        return " OR ".join(f"v.{ident(c)} IS NOT NULL" for c in cols) or "FALSE"

    checks: list[str] = []
    if text == "anonymized":
        if "pii_covered" not in cols:
            problems.append("no pii_covered column")
        else:
            n = con.execute(f"SELECT count(*) FROM {t} WHERE pii_covered IS DISTINCT FROM TRUE").fetchone()[0]
            if n:
                problems.append(f"{n} row(s) the PII stage did not cover")
    if coverage_only:
        pass
    elif text == "anonymized":
        for f in RECORD_FIELDS:
            if f in cols and f"pii_{f}" in view_cols:
                cond = f"s.{ident(f)} IS DISTINCT FROM v.{ident('pii_' + f)}"
                checks.append(f"({cond} AND NOT ({exempt(f)}))")
    elif text == "clean" and "text" in cols and "clean_text" in view_cols:
        checks.append(f"(s.text IS DISTINCT FROM coalesce(v.clean_text, v.text) AND NOT ({exempt('text')}))")
    if checks:
        n = con.execute(f"SELECT count(*) FROM {t} s LEFT JOIN ({ws.view_sql()}) v USING (doc_id) "
                        f"WHERE v.doc_id IS NULL OR {' OR '.join(checks)}").fetchone()[0]
        if n:
            problems.append(f"{n} row(s) whose text is not the '{text}' variant")
    if problems and text != "raw":
        raise CurateError(f"snapshot refused: the stored rows fail the '{text}' policy ({'; '.join(problems)}); "
                          "nothing was committed")
    held = (matched - rows) if matched is not None else 0
    if held < 0:  # pragma: no cover - the rows are a subset of the matched rows by construction
        raise CurateError("snapshot refused: it holds more rows than the filter matched; nothing was committed")
    return {"pii_policy_passed": text == "anonymized", "held_back": held}


def _commit_snapshot(ws: Lake, name: str, fill_sql: str, params: list, manifest_fields: dict,
                     pre_commit=None, verify=None) -> Manifest:
    """Create table + manifest in one DuckLake transaction.

    ``verify(table_name) -> dict`` runs on the stored rows before the manifest is written: its
    result overrides manifest fields, and an exception refuses the snapshot (nothing committed).
    """
    con = ws.con
    with transaction(con):
        version = _next_version(ws, name)
        table_name = f"snap__{name}__{version}"
        con.execute(f"CREATE TABLE lake.{ident(table_name)} AS {fill_sql} ORDER BY doc_id", params)
        if verify is not None:
            manifest_fields = manifest_fields | verify(table_name)
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
        ws.record_lineage(LineageKind.SNAPSHOT, manifest.ref, manifest.parent,
                          {"where": manifest.where, "text": manifest.text_variant,
                           "content_hash": manifest.content_hash}, con=con, at=manifest.created_at)
    sid = con.execute("SELECT max(snapshot_id) FROM ducklake_snapshots('lake')").fetchone()[0]
    manifest.lake_snapshot_id = sid
    con.execute("UPDATE lake.snapshot_manifests SET manifest = ? WHERE name = ? AND version = ?",
                [manifest.model_dump_json(), name, manifest.version])
    return manifest


def create_snapshot(ws: Lake, name: str, where: str | None = None, text: str = "anonymized",
                    recipe: dict | None = None, allow_raw: bool = False, apply_labels: bool = True,
                    parent: str | None = None, pre_commit=None) -> Manifest:
    """Materialise a new version of snapshot ``name``.

    ``text`` picks the variant: ``anonymized`` (from the PII stage; rows it does not cover
    are held back), ``clean`` or ``raw``.  A non-anonymized snapshot does not pass the
    PII policy; exports and training refuse it unless explicitly overridden.
    """
    ws.require_writable()
    check_name(name, "snapshot name")
    if text not in TEXT_VARIANTS:
        raise CurateError(f"unknown text variant '{text}' (use {', '.join(TEXT_VARIANTS)})")
    if ws.count("documents") == 0:
        raise CurateError("the workspace has no documents: run curate ingest first")
    selection = None
    if where is not None:
        # user SQL runs confined; the workspace's connection only sees the doc_ids it selected
        ws.con.register(_SELECTED, select_keys(ws.view(), where))
        try:
            _refuse_missing_signals(ws, where)
        except CurateError:
            ws.con.unregister(_SELECTED)
            raise
        selection = f"doc_id IN (SELECT doc_id FROM {_SELECTED})"
    try:
        return _create_selected(ws, name, selection, where, text, recipe, allow_raw, apply_labels, parent, pre_commit)
    finally:
        if selection is not None:
            ws.con.unregister(_SELECTED)


def _refuse_missing_signals(ws: Lake, where: str) -> None:
    """Refuse a filter that reads a stage's signal and leaves out documents that have none yet.

    Such rows read NULL there, and a filter such as ``dup_keep`` would leave them out without a word (a newcomer's
    10 freshly ingested rows vanished from ``s1@2``). Rows the filter keeps anyway are fine (``dup_keep IS NOT
    FALSE`` says what a missing value means). Raises :class:`CurateError` naming the stage and the count; expects
    the selection registered as ``_SELECTED``.
    """
    from curate.stage import all_stages

    _sql, names = parse_where(where)
    stored = set(ws.signals())
    for name, stage in all_stages().items():
        used = sorted(set(stage.outputs) & set(names))
        if not used or name not in stored:
            continue
        missing = ws.con.execute(
            f"SELECT count(*) FROM lake.documents d WHERE NOT EXISTS "
            f"(SELECT 1 FROM lake.{ident('signal_' + name)} x WHERE x.doc_id = d.doc_id) "
            f"AND d.doc_id NOT IN (SELECT doc_id FROM {_SELECTED})").fetchone()[0]
        if missing:
            raise CurateError(
                f"the filter reads {', '.join(used)}, but {missing} document(s) it leaves out have no {name} signal "
                f"yet (they would vanish without a word): run `curate stage {name}` first, or say in the filter "
                f"what a missing value means (e.g. `{_keep_missing(ws, name, used, where)}` keeps them)")


def _keep_missing(ws: Lake, stage: str, used: list[str], where: str) -> str:
    """A filter that keeps the rows ``where`` keeps plus those without the stage's signal, fit for the columns'
    types: ``dup_keep IS NOT FALSE`` for a filter that is one boolean column, else ``lang IS NULL OR (lang =
    'en')`` (``lang IS NOT FALSE`` would cast 'en' to a boolean and fail)."""
    types = dict(ws.con.execute(
        "SELECT column_name, data_type FROM duckdb_columns() WHERE database_name = 'lake' AND table_name = ?",
        [f"signal_{stage}"]).fetchall())
    col = used[0]
    if where.strip().strip("()").strip().lower() == col.lower() and types.get(col) == "BOOLEAN":
        return f"{col} IS NOT FALSE"
    return f"{col} IS NULL OR ({where.strip()})"


def _create_selected(ws: Lake, name: str, selection: str | None, where: str | None, text: str,
                     recipe: dict | None, allow_raw: bool, apply_labels: bool, parent: str | None,
                     pre_commit) -> Manifest:
    if text == "raw":
        return _create_keyed(ws, name, selection, where, text, recipe, allow_raw, apply_labels, parent, pre_commit,
                             None)
    # Source labels are keyed with the workspace key: the SQL function lives for the whole transaction.
    with keyed_id_function(ws.con, workspace_key(ws.secrets_dir), purpose="source") as fn:
        return _create_keyed(ws, name, selection, where, text, recipe, allow_raw, apply_labels, parent, pre_commit, fn)


def _create_keyed(ws: Lake, name: str, selection: str | None, where: str | None, text: str,
                  recipe: dict | None, allow_raw: bool, apply_labels: bool, parent: str | None,
                  pre_commit, keyed_fn: str | None) -> Manifest:
    rows_sql, held_sql, matched_sql = _select_sql(ws, text, selection, apply_labels, keyed_fn)
    held = ws.con.execute(held_sql).fetchone()[0]
    matched = ws.con.execute(matched_sql).fetchone()[0]
    if parent is None:
        prev = ws.con.execute("SELECT max(version) FROM lake.snapshot_manifests WHERE name = ?", [name]).fetchone()[0]
        parent = f"{name}@{prev}" if prev else None
    fields: dict[str, Any] = dict(text_variant=text, where=where, recipe=recipe, parent=parent,
                                  pii_policy_passed=(text == "anonymized"),
                                  pii_override=allow_raw and text != "anonymized", held_back=held)
    if apply_labels:
        view_cols = ws.view_columns()
        for overlay in overlays():
            fields.update(overlay.manifest_fields(ws.con, view_cols))

    def verify(table_name: str) -> dict:
        computed = _policy_from_rows(ws, table_name, text, matched, apply_labels)
        if computed["held_back"] != held:
            raise CurateError(f"snapshot refused: {held} row(s) counted as held back but the stored rows leave "
                              f"{computed['held_back']} out; nothing was committed")
        return computed

    return _commit_snapshot(ws, name, rows_sql, [], fields, pre_commit=pre_commit, verify=verify)


def create_snapshot_from_table(ws: Lake, name: str, table: pa.Table, parent_ref: str | None = None,
                               recipe: dict | None = None, text_variant: str | None = None) -> Manifest:
    """A snapshot from rows computed outside the workspace view (e.g. counterfactual augmentation).

    It inherits the parent's text variant and PII status: rows derived from an anonymized
    snapshot stay anonymized.
    """
    ws.require_writable()
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
        # Rows computed outside the view are only checked for coverage and raw-text columns.
        verify = None
        if fields["pii_policy_passed"]:
            def verify(table_name: str) -> dict:
                if "pii_covered" in table.column_names:
                    _policy_from_rows(ws, table_name, "anonymized", None, False, coverage_only=True)
                return {}
        return _commit_snapshot(ws, name, "SELECT * FROM _snap_src", [], fields, verify=verify)
    finally:
        ws.con.unregister("_snap_src")


@dataclass(eq=False)
class SnapshotDiff(Result):
    """Snapshot ``a`` → ``b``, row by row (by doc_id; a row *changed* when any common column but the ingest
    provenance differs). Reads like the dict it replaces (``d["added"]``); ``as_dict()`` for JSON."""

    a: str                          # NAME@V
    b: str
    rows: dict[str, int]            # {"a": rows of a, "b": rows of b}
    added: int
    removed: int
    changed: int
    unchanged: int
    columns_added: list[str]
    columns_removed: list[str]
    same_content: bool              # equal content hashes
    updated: int                    # added rows that are new versions of a record of ``a`` (ingest --on-id-conflict)
    samples: dict[str, list]        # up to ``sample`` doc_ids per status (added, removed, changed); ``updated``:
    #                                 [{doc_id, previous_doc_id, version}]


def diff_snapshots(ws: Lake, a: str, b: str, sample: int = 5) -> SnapshotDiff:
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
    updated = _updated_records(ws, ta)
    return SnapshotDiff(
        a=sa.ref, b=sb.ref,
        rows={"a": sa.manifest.row_count, "b": sb.manifest.row_count},
        added=counts.get("added", 0), removed=counts.get("removed", 0),
        changed=counts.get("changed", 0), unchanged=counts.get("same", 0),
        columns_added=[c for c in sb.manifest.schema_ if c not in sa.manifest.schema_],
        columns_removed=[c for c in sa.manifest.schema_ if c not in sb.manifest.schema_],
        same_content=sa.manifest.content_hash == sb.manifest.content_hash,
        updated=len(updated),
        samples={**samples, "updated": updated[:sample]},
    )


def _updated_records(ws: Lake, ta: str) -> list[dict]:
    """Added rows that are new versions (ingest ``on_id_conflict="version"``) of a record snapshot
    ``a`` holds in some version: ``[{doc_id, previous_doc_id, version}]``, by doc_id."""
    if not ws.has_table("record_versions"):
        return []
    rows = ws.con.execute(f"""
        SELECT v.doc_id, v.previous_doc_id, v.version FROM _diff d JOIN lake.record_versions v USING (doc_id)
        WHERE d.status = 'added' AND v.record_doc_id IN (
            SELECT a.doc_id FROM lake.{ta} a
            UNION SELECT w.record_doc_id FROM lake.record_versions w JOIN lake.{ta} a USING (doc_id))
        ORDER BY v.doc_id""").fetchall()
    return [{"doc_id": r[0], "previous_doc_id": r[1], "version": r[2]} for r in rows]
