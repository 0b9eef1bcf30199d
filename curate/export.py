"""Export a snapshot to JSONL / Parquet / a Hugging Face DatasetDict, with deterministic splits.

Split assignment hashes a *group key*: the near-duplicate cluster when the snapshot
has ``dup_cluster`` (so a cluster never straddles train and test), else the exported content
(``content_hash``: exact copies of one example stay on one side), or, when asked, the doc_id.
The hash is xxh64 of the key, so a document keeps its split across exports and
machines, and adding documents never moves existing ones.

Export computes no signal: clusters come from the dedup stage, run before the snapshot. A
snapshot without ``dup_cluster`` is split by exact content (the MD5 the snapshot already carries;
near-duplicates that differ by a character may straddle), and the result and ``export.json`` say
so (``group_by: content``, a ``note``); asking for ``group_by="cluster"`` explicitly on such a
snapshot is an error.

Nothing that fingerprints the raw text leaves: ``doc_id`` and ``dup_cluster`` (ingest ids are
``md5(source, row, md5(raw text))``) become keyed HMACs with the workspace key
(:mod:`curate.keyed`), ``content_hash`` is the MD5 of the exported text itself,
``source``/``source_uri`` keyed labels (a file name can hold a name or a phone number), raw-text
fingerprint signals are left out, and
``export.json`` carries the manifest without the filter, recipe or internal hashes.
Splits hash the exported (keyed) group key, so they reveal nothing about the raw ids.

What a trainer gets (the *layout*): by default only the training fields, ``id`` (the keyed doc_id) and
``split`` — ``text``; or ``instruction``/``input``/``output``; or ``messages`` as a native Arrow
``list<struct<role: string, content: string, ...>>`` (TRL's and Axolotl's conversational format; other message
keys such as ``tool_calls`` or ``name`` follow role and content); or
``prompt``/``completion`` (TRL's conversational prompt-completion format). Internal columns (signals,
``meta``, ``source_uri``, ``content_hash``, ``dup_cluster``) only on request (``columns``, ``with_signals``).

Two exports of one snapshot with the same options are byte-identical (row order by doc_id, no clock in any
file, HF fingerprints derived from the snapshot key and the options). The export is written to a hidden
temporary folder beside the output and renamed into place; the folder is registered in the workspace first
(``tmp/exports/``), so one left by a killed export is removed by :func:`clean_export_leftovers` (``curate gc``
and the start of the next export).

Guards (both refuse by default, both overridable and the override is recorded):
* PII: a snapshot that did not pass the PII policy (raw text) is not exported.
* Contamination: near-duplicates that straddle splits are refused (``report`` lists them).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import xxhash

from curate.approvals import require_approved
from curate.errors import CurateError, PolicyError
from curate.export_layout import (CONVERSATION_COLUMNS, CONVERSATIONAL, LAYOUTS, NON_CHAT_REASON,
                                  conversation_mask, sparse_conversations, trainer_table, unpadded)
from curate.export_staging import clean_export_leftovers, create_staging, discard, publish
from curate.keyed import keyed_id, keyed_id_function, workspace_key
from curate.results import Result
from curate.snapshots import get_snapshot, public_exprs
from curate.storage import Lake, LineageKind, ident

FORMATS = ("jsonl", "parquet", "hf")
DEFAULT_SPLITS = {"train": 0.9, "validation": 0.05, "test": 0.05}


def parse_splits(spec: str | dict | None) -> dict[str, float]:
    if spec is None:
        return dict(DEFAULT_SPLITS)
    if isinstance(spec, dict):
        splits = {k: float(v) for k, v in spec.items()}
    else:
        splits = {}
        for part in spec.split(","):
            name, sep, frac = part.partition("=")
            try:
                splits[name.strip()] = float(frac)
            except ValueError:
                raise CurateError(f"bad --split '{spec}': expected e.g. train=0.9,validation=0.05,test=0.05") from None
            if not sep or not name.strip():
                raise CurateError(f"bad --split '{spec}': expected e.g. train=0.9,validation=0.05,test=0.05")
    total = sum(splits.values())
    if any(v < 0 for v in splits.values()) or abs(total - 1.0) > 1e-6:
        raise CurateError(f"split fractions must be non-negative and add up to 1 (got {total:g})")
    return splits


def assign_splits(keys: list[str], splits: dict[str, float], seed: int = 0) -> list[str]:
    """Deterministic split per key: a key's hash falls in one cumulative fraction bucket."""
    bounds = []
    acc = 0.0
    for name, frac in splits.items():
        acc += frac
        bounds.append((acc, name))
    last = bounds[-1][1]
    out = []
    for key in keys:
        u = xxhash.xxh64_intdigest(str(key).encode(), seed=seed) / 2**64
        out.append(next((name for b, name in bounds if u < b), last))
    return out


def find_straddling(table: pa.Table, split_col: str = "split", cluster_col: str = "dup_cluster") -> list[dict]:
    """Clusters whose members fall in more than one split."""
    if cluster_col not in table.column_names:
        return []
    seen: dict[str, set[str]] = {}
    for cluster, split in zip(table.column(cluster_col).to_pylist(), table.column(split_col).to_pylist()):
        if cluster is not None:
            seen.setdefault(cluster, set()).add(split)
    return [{"cluster": c, "splits": sorted(s)} for c, s in sorted(seen.items()) if len(s) > 1]


NO_CLUSTERS_NOTE = ("the snapshot has no dup_cluster column: split by exact content, so exact copies stay on one "
                    "side but near-duplicates may straddle splits (run the minhash and dedup stages before the "
                    "snapshot to split by cluster)")
GROUP_UNITS = ("cluster", "content", "doc_id")


@dataclass(eq=False)
class ExportResult(Result):
    """What :func:`export_snapshot` wrote. Reads like the dict it replaces (``res["counts"]``);
    ``as_dict()`` for JSON."""

    snapshot: str                  # NAME@V
    path: str                      # the folder (HF: its dataset/ folder, for datasets.load_from_disk)
    format: str                    # jsonl, parquet or hf
    counts: dict[str, int]         # rows per split
    straddling_clusters: int       # near-duplicate clusters with members in more than one split
    pii_override: bool             # exported a snapshot that did not pass the PII policy (allow_raw)
    approval_override: bool        # exported a snapshot no steward approved (recorded)
    layout: str = "text"           # the training layout written (see curate.export_layout)
    columns: list[str] = field(default_factory=list)  # the exported columns, in order
    left_out: int = 0              # rows left out by skip_non_chat (no conversation), see export.json's left_out
    group_by: str = "cluster"      # the split unit used: cluster, content or doc_id
    note: str | None = None        # set when the snapshot has no clusters (near-duplicates may straddle splits)
    empty_splits: list[str] = field(default_factory=list)  # splits that got no row: no file in any format


def _write_jsonl(table: pa.Table, path: Path) -> None:
    """One JSON object per row; conversation turns keep only their own keys (:func:`unpadded`)."""
    convo = [c for c in CONVERSATION_COLUMNS if c in table.column_names]
    with open(path, "w", encoding="utf-8") as fh:
        for row in table.to_pylist():
            for c in convo:
                row[c] = unpadded(row[c])
            fh.write(json.dumps(row, ensure_ascii=False, default=str))
            fh.write("\n")


def _save_hf(parts: dict[str, pa.Table], path: Path, info: dict) -> None:
    """``parts`` as a DatasetDict at ``path``, byte-identical for identical input.

    The fingerprint (written to ``state.json``) is derived from the snapshot key, the export options and
    the split, so it changes with the content; left to ``datasets`` it would pickle and hash the whole
    table, and a memory-mapped one's file modification times, which differ from one export to the next.
    ``parts`` holds no zero-row split (``datasets`` cannot load one back; :func:`export_snapshot` leaves them out
    in every format).
    """
    import datasets

    datasets.disable_progress_bars()
    basis = json.dumps({k: info[k] for k in ("snapshot", "layout", "columns", "splits", "seed", "group_by")},
                       sort_keys=True, default=str)
    dd = datasets.DatasetDict({k: datasets.Dataset(v, fingerprint=xxhash.xxh64_hexdigest(f"{basis}\x00{k}".encode()))
                               for k, v in parts.items()})
    dd.save_to_disk(str(path))


KEYED_COLUMNS = ("doc_id", "dup_cluster")  # ids derived from raw content: keyed on the way out
# Manifest fields that may carry raw values (a filter's literals, recipe paths) or identify internal tables;
# ``schema_`` names the snapshot's internal columns (fingerprints too): export.json lists the exported ones.
_MANIFEST_PRIVATE = ("where", "recipe", "table_name", "content_hash", "lake_snapshot_id", "schema_")


def public_table(ws: Lake, table: pa.Table) -> pa.Table:
    """``table`` as it may leave the workspace: keyed ids, own-text content hash, keyed source labels (no paths,
    no file names), no fingerprints."""
    key = workspace_key(ws.secrets_dir)
    con = ws.con.cursor()
    try:
        with keyed_id_function(con, key, purpose="export-id") as fn, \
                keyed_id_function(con, key, purpose="source") as source_fn:
            cols = table.column_names
            replace, drop = public_exprs(cols, "text" if "text" in cols else "NULL",
                                         "messages" if "messages" in cols else None, source_fn)
            replace.update({c: f"{fn}({ident(c)}::VARCHAR)" for c in KEYED_COLUMNS if c in cols})
            select = ", ".join(f"{replace.get(c, ident(c))} AS {ident(c)}" for c in cols if c not in drop)
            con.register("_export_src", table)
            return con.execute(f"SELECT {select} FROM _export_src").fetch_arrow_table()
    finally:
        con.close()


def public_manifest(ws: Lake, manifest) -> dict:
    """The snapshot manifest for ``export.json``: no filter literals, recipe paths or internal hashes.

    ``snapshot_key`` (keyed HMAC of the snapshot's content hash) lets the workspace owner match an
    export to its snapshot; nobody else can test guesses against it.
    """
    info = manifest.model_dump(mode="json")
    for k in _MANIFEST_PRIVATE:
        info.pop(k, None)
    info["has_filter"] = manifest.where is not None
    info["snapshot_key"] = keyed_id(workspace_key(ws.secrets_dir), manifest.content_hash, "snapshot-key")
    return info


def export_snapshot(ws: Lake, ref: str, fmt: str, out_dir: str | Path, splits: str | dict | None = None,
                    allow_raw: bool = False, contamination: str = "refuse", group_by: str | None = None,
                    seed: int = 0, overwrite: bool = False, allow_unapproved: bool = False, layout: str = "auto",
                    columns: list[str] | tuple[str, ...] | str | None = None, with_signals: bool = False,
                    skip_non_chat: bool = False) -> ExportResult:
    """Export snapshot ``ref`` with deterministic splits into ``out_dir`` (atomically, byte-reproducibly).

    Files: ``<split>.jsonl`` / ``<split>.parquet`` / ``dataset/`` (``datasets.load_from_disk``), and
    ``export.json``; a split that got no row has no file (nor HF split) in any format, counted as 0 and listed in
    ``export.json``'s ``empty_splits``. Columns: ``id``, the ``layout``'s training fields and ``split`` (see
    :mod:`curate.export_layout`), plus ``columns`` (names, or one comma-separated string) or, with
    ``with_signals``, every public column.

    ``skip_non_chat``: with a conversational layout (``messages``, ``prompt-completion``), leave out the rows
    that hold no conversation instead of refusing the export; their count and reason are in the result
    (``left_out``) and ``export.json``. Splits are assigned before, so the other rows keep theirs.

    ``group_by``: the split unit, ``cluster`` (``dup_cluster``: near-duplicates stay on one side),
    ``content`` (exact copies stay on one side) or ``doc_id``; None: cluster when the snapshot has
    clusters, else content (said in the result's ``note``).
    Refuses (PolicyError, exit 4) a snapshot that has not passed the PII policy unless ``allow_raw``, and
    one a steward has not approved (see :mod:`curate.approvals`) unless ``allow_unapproved`` (or
    ``allow_raw``, the stronger override); an override is recorded in ``export.json`` and the lineage.

    Raises:
        CurateError: unknown format, layout, column, contamination policy or group_by; a layout the rows cannot
            fill; ``group_by="cluster"`` on a snapshot without ``dup_cluster``; ``out_dir`` not empty without
            ``overwrite``.
        PolicyError: refused by the PII policy, approvals or straddling clusters (exit 4).
    """
    if isinstance(columns, str):
        columns = [c.strip() for c in columns.split(",") if c.strip()]
    columns = list(columns or ())
    if layout not in LAYOUTS:
        raise CurateError(f"unknown export layout '{layout}' (use {', '.join(LAYOUTS)})")
    if fmt not in FORMATS:
        raise CurateError(f"unknown export format '{fmt}' (use {', '.join(FORMATS)})")
    if contamination not in ("refuse", "report", "ignore"):
        raise CurateError("contamination must be refuse, report or ignore")
    if group_by is not None and group_by not in GROUP_UNITS:
        raise CurateError(f"group_by must be one of {', '.join(GROUP_UNITS)}")
    split_fracs = parse_splits(splits)
    snap = get_snapshot(ws, ref)
    m = snap.manifest
    has_clusters = "dup_cluster" in m.schema_
    if group_by == "cluster" and not has_clusters:
        raise CurateError(f"snapshot {m.ref} has no dup_cluster column to split by: run the minhash and dedup "
                          "stages before the snapshot, or split by document (--group-by doc_id)")
    unit = group_by or ("cluster" if has_clusters else "content")
    note = NO_CLUSTERS_NOTE if not has_clusters else None
    if not m.pii_policy_passed and not allow_raw:
        raise PolicyError(f"snapshot {m.ref} has '{m.text_variant}' text and has not passed the PII policy; "
                          "export refused (create it with --text anonymized, or pass --allow-raw to override)")
    approval = require_approved(ws, m.ref, "export", override=allow_unapproved or allow_raw)
    out = Path(out_dir)
    if out.exists() and any(out.iterdir()):
        if not overwrite:
            raise CurateError(f"{out} exists and is not empty (pass --overwrite to replace it)")
    table = public_table(ws, snap.table())
    if unit == "cluster":
        keys = [c if c is not None else d for c, d in zip(table.column("dup_cluster").to_pylist(),
                                                          table.column("doc_id").to_pylist())]
    else:
        keys = table.column("content_hash" if unit == "content" else "doc_id").to_pylist()
    table = table.append_column("split", pa.array(assign_splits(keys, split_fracs, seed), pa.string()))
    straddling = find_straddling(table)
    if straddling and contamination == "refuse":
        raise PolicyError(f"{len(straddling)} near-duplicate cluster(s) straddle splits (e.g. {straddling[0]}); "
                          "export refused (split by cluster, or pass --contamination report)")
    left_out = 0
    if skip_non_chat and layout in CONVERSATIONAL:
        keep = conversation_mask(table)
        left_out = table.num_rows - pc.sum(keep).as_py() if table.num_rows else 0
        table = table.filter(keep)
    table, used_layout = trainer_table(table, layout, columns, with_signals)
    counts = {}
    info = {"snapshot": public_manifest(ws, m), "format": fmt, "layout": used_layout,
            "columns": table.column_names, "splits": split_fracs, "counts": counts,
            "group_by": unit, "seed": seed,
            "contamination": {"straddling_clusters": len(straddling), "examples": straddling[:20],
                              "policy": contamination},
            "pii_override": bool(allow_raw and not m.pii_policy_passed),
            "approval": {"state": approval["state"], "override": approval["override"]}}
    if note:
        info["note"] = note
    if left_out:
        info["left_out"] = {"rows": left_out, "reason": NON_CHAT_REASON}
    clean_export_leftovers(ws.path)  # folders of a killed earlier export
    tmp, record = create_staging(ws.path, out)
    try:
        parts = {}
        for name in split_fracs:
            part = table.filter(pc.equal(table.column("split"), name))
            counts[name] = part.num_rows
            # A split that got no row has no file in any format (HF cannot hold an empty split, and an empty
            # validation.jsonl beside an HF export without one made the formats disagree): counted as 0, named
            # in export.json's empty_splits.
            if part.num_rows:
                parts[name] = part
        empty = [name for name, n in counts.items() if n == 0]
        if empty:
            info["empty_splits"] = empty
        if fmt == "hf":
            _save_hf({k: sparse_conversations(v) for k, v in parts.items()}, tmp / "dataset", info)
        elif fmt == "jsonl":
            for name, part in parts.items():
                _write_jsonl(part, tmp / f"{name}.jsonl")
        else:
            from curate.filemode import write_table

            for name, part in parts.items():
                write_table(sparse_conversations(part), tmp / f"{name}.{fmt}")
        (tmp / "export.json").write_text(json.dumps(info, indent=2, default=str, ensure_ascii=False))
        publish(tmp, out, record)
    except BaseException:
        discard(tmp, record)
        raise
    if not ws.read_only:
        ws.record_lineage(LineageKind.EXPORT, str(out.resolve()), m.ref,
                          {k: info[k] for k in ("format", "counts", "pii_override")}
                          | {"straddling_clusters": len(straddling), "approval_override": approval["override"]})
    path = out / "dataset" if fmt == "hf" else out
    return ExportResult(snapshot=m.ref, path=str(path), format=fmt, counts=counts,
                        straddling_clusters=len(straddling), pii_override=info["pii_override"],
                        approval_override=approval["override"], layout=used_layout, columns=info["columns"],
                        group_by=unit, note=note, left_out=left_out, empty_splits=empty)
