"""``curate dedup IN --output OUT`` (file mode) and ``curate dedup report FILE``."""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path

import click

from curate.cli.output import console, emit, json_option, progress_bar
from curate.errors import CurateError


class _DefaultRunGroup(click.Group):
    """A group whose first argument, when it is not a subcommand name, goes to ``run``.

    So ``curate dedup IN --output OUT`` and ``curate dedup report FILE`` both work.
    """

    def parse_args(self, ctx, args):
        if args and args[0] not in self.commands and args[0] not in ("-h", "--help"):
            args = ["run", *args]
        return super().parse_args(ctx, args)


@click.group(cls=_DefaultRunGroup)
def dedup_group():
    """Exact and near-duplicate detection (MinHash LSH), Indic-aware.

    \b
    curate dedup IN --output OUT [--threshold 0.4] [--keep earliest|longest]
    curate dedup report OUT          cluster sizes and samples
    """


@dedup_group.command("run")
@click.argument("src", metavar="IN", type=click.Path(dir_okay=False))
@click.option("--output", "-o", "dst", required=True, type=click.Path(dir_okay=False),
              help="Output file (.jsonl/.json/.csv/.tsv/.parquet): every input column + dup_* columns.")
@click.option("--text-field", default="text", show_default=True, help="Column holding the text.")
@click.option("--threshold", type=float, default=None, help="Near-duplicate Jaccard threshold (default 0.4).")
@click.option("--keep", type=click.Choice(["earliest", "longest"]), default="earliest", show_default=True,
              help="Which member of a cluster is kept.")
@click.option("--shingle", type=click.Choice(["word", "char"]), default="word", show_default=True,
              help="Shingle on words or on grapheme clusters.")
@click.option("--ngram", type=int, default=None, help="Tokens per shingle (default 3).")
@click.option("--num-perm", type=int, default=None, help="MinHash permutations (default 128).")
@json_option
def dedup_run(src, dst, text_field, threshold, keep, shingle, ngram, num_perm, as_json):
    """Add dup_cluster, dup_keep, dup_reason, dup_similarity to IN; write OUT (rows and columns kept)."""
    from pydantic import ValidationError

    from curate.dedup.config import DedupTableConfig
    from curate.dedup.core import dedup_parquet, dedup_table
    from curate.filemode import format_of, read_table, stage_input, write_table

    params = {"text_field": text_field, "keep": keep, "shingle": shingle, "threshold": threshold, "ngram": ngram,
              "num_perm": num_perm}
    try:
        cfg = DedupTableConfig(**{k: v for k, v in params.items() if v is not None})
    except ValidationError as exc:
        first = exc.errors()[0]
        raise CurateError(f"dedup: bad option {'.'.join(map(str, first['loc'])) or ''}: {first['msg']}") from None
    if format_of(src) == "parquet" and format_of(dst) == "parquet":
        # Streaming path: memory holds signatures, not texts (1M docs in well under 4 GB).
        import pyarrow.parquet as pq

        if not Path(src).exists():
            raise CurateError(f"{src}: no such file")
        with progress_bar("dedup", pq.ParquetFile(src).metadata.num_rows, enabled=not as_json) as advance:
            out = dedup_parquet(src, dst, cfg, progress=advance)
    else:
        table = read_table(src)
        # SFT/chat files: the text is derived as the workspace derives it, and not written out.
        work = stage_input(table, cfg)
        with progress_bar("dedup", table.num_rows, enabled=not as_json) as advance:
            out = dedup_table(work, cfg, progress=advance)
        if work is not table and cfg.text_field not in table.column_names:
            out = out.drop_columns([cfg.text_field])
        write_table(out, dst)
    summary = summarize(out)
    summary |= {"input": src, "output": dst, "threshold": cfg.threshold, "keep": cfg.keep}
    emit(summary, as_json, lambda d: console.print(
        f"[green]{d['rows']}[/] rows, [bold]{d['clusters']}[/] duplicate clusters; "
        f"[bold]{d['removed']}[/] marked dup_keep=false ({d['exact']} exact, {d['near']} near) -> {d['output']}"))


def summarize(table) -> dict:
    """Counts with Arrow kernels (no per-row Python objects: file mode handles millions of rows)."""
    import pyarrow.compute as pc

    reasons = {r["values"]: r["counts"] for r in pc.value_counts(table.column("dup_reason")).to_pylist()}
    sizes = pc.value_counts(pc.drop_null(table.column("dup_cluster"))).field("counts")
    return {"rows": table.num_rows, "clusters": len(sizes), "in_clusters": int(pc.sum(sizes).as_py() or 0),
            "removed": reasons.get("exact", 0) + reasons.get("near", 0), "exact": reasons.get("exact", 0),
            "near": reasons.get("near", 0), "largest_cluster": int(pc.max(sizes).as_py() or 0)}


def _snippet(text, width: int = 80) -> str:
    t = " ".join(str(text or "").split())
    return t if len(t) <= width else t[: width - 1] + "…"


def build_report(table, text_field: str = "text", top: int = 10, samples: int = 3) -> dict:
    for col in ("dup_cluster", "dup_keep", "dup_reason", "dup_similarity"):
        if col not in table.column_names:
            raise CurateError(f"no '{col}' column: run 'curate dedup IN --output OUT' first")
    texts = table.column(text_field).to_pylist() if text_field in table.column_names else [None] * table.num_rows
    members: dict[str, list[int]] = defaultdict(list)
    for i, c in enumerate(table.column("dup_cluster").to_pylist()):
        if c is not None:
            members[c].append(i)
    keep = table.column("dup_keep").to_pylist()
    reason = table.column("dup_reason").to_pylist()
    sim = table.column("dup_similarity").to_pylist()
    sizes = Counter(len(m) for m in members.values())
    largest = sorted(members.items(), key=lambda kv: (-len(kv[1]), kv[0]))[:top]
    out = summarize(table)
    out["size_histogram"] = {str(k): v for k, v in sorted(sizes.items())}
    out["clusters_top"] = []
    for cluster, rows in largest:
        keeper = next((r for r in rows if keep[r]), rows[0])
        others = [r for r in rows if r != keeper][:samples]
        out["clusters_top"].append({
            "cluster": cluster, "size": len(rows), "keeper_row": keeper + 1, "keeper": _snippet(texts[keeper]),
            "removed": [{"row": r + 1, "reason": reason[r], "similarity": sim[r], "text": _snippet(texts[r])}
                        for r in others]})
    return out


@dedup_group.command("report")
@click.argument("src", metavar="FILE", type=click.Path(dir_okay=False))
@click.option("--text-field", default="text", show_default=True)
@click.option("--top", type=int, default=10, show_default=True, help="Largest clusters to show.")
@click.option("--samples", type=int, default=3, show_default=True, help="Removed members shown per cluster.")
@json_option
def dedup_report(src, text_field, top, samples, as_json):
    """Cluster sizes and samples from a file written by 'curate dedup'."""
    from curate.filemode import format_of, read_table

    if format_of(src) == "parquet" and Path(src).exists():
        import pyarrow.parquet as pq

        # Only the columns the report shows: a big file's other columns never load.
        wanted = [text_field, "dup_cluster", "dup_keep", "dup_reason", "dup_similarity"]
        table = pq.read_table(src, columns=[c for c in wanted if c in pq.ParquetFile(src).schema_arrow.names])
    else:
        table = read_table(src)
    report = build_report(table, text_field, top, samples)

    def render(d):
        from rich.table import Table

        console.print(f"{d['rows']} rows; {d['clusters']} clusters holding {d['in_clusters']} rows; "
                      f"{d['removed']} removed ({d['exact']} exact, {d['near']} near)")
        console.print("cluster sizes: " + ", ".join(f"{k}: {v}" for k, v in d["size_histogram"].items()))
        t = Table(title="largest clusters")
        for col in ("cluster", "size", "kept (row)", "removed (row, reason, similarity)"):
            t.add_column(col, overflow="fold")
        for c in d["clusters_top"]:
            t.add_row(c["cluster"], str(c["size"]), f"{c['keeper_row']}: {c['keeper']}",
                      "\n".join(f"{r['row']} {r['reason']} {r['similarity']:.2f}: {r['text']}" for r in c["removed"]))
        console.print(t)

    emit(report, as_json, render)


dedup_group.name = "dedup"
commands = [dedup_group]
