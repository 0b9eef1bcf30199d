"""``curate dedup IN --output OUT`` (file mode) and ``curate dedup report FILE``."""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path

import click

from curate.cli.output import console, emit, json_option, progress_bar
from curate.errors import CurateError, validation_message


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
    curate dedup IN --output OUT [--threshold 0.5] [--keep earliest|longest]
    curate dedup report OUT [--html PAGE]   largest clusters, keeper beside removed rows
    """


@dedup_group.command("run")
@click.argument("src", metavar="IN", type=click.Path(dir_okay=False))
@click.option("--output", "-o", "dst", required=True, type=click.Path(dir_okay=False),
              help="Output file (.jsonl/.json/.csv/.tsv/.parquet): every input column + dup_* columns.")
@click.option("--text-field", default="text", show_default=True, help="Column holding the text.")
@click.option("--threshold", type=float, default=None, help="Exact Jaccard of the shingle sets at or above which a row is a near duplicate (default 0.5).")
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
    from curate.filemode import check_output, format_of, read_table, source_text_field, stage_input, write_table

    text_field = source_text_field(src, text_field)

    params = {"text_field": text_field, "keep": keep, "shingle": shingle, "threshold": threshold, "ngram": ngram,
              "num_perm": num_perm}
    try:
        cfg = DedupTableConfig(**{k: v for k, v in params.items() if v is not None})
    except ValidationError as exc:
        raise CurateError(f"dedup: bad option {validation_message(exc, option=True)}") from None
    check_output(dst)  # before the work, not after it
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
        f"[bold]{d['removed']}[/] marked dup_keep=false ({d['exact']} exact, {d['near']} near) -> {d['output']}"
        + (f"; [yellow]{d['not_covered']}[/] row(s) not compared (no_text), kept" if d["not_covered"] else "")
        + (f"; {d['distinct_facts']} near row(s) kept: other numbers or negation (distinct_facts)"
           if d["distinct_facts"] else "")))


def summarize(table) -> dict:
    """Counts with Arrow kernels (no per-row Python objects: file mode handles millions of rows)."""
    import pyarrow.compute as pc

    reasons = {r["values"]: r["counts"] for r in pc.value_counts(table.column("dup_reason")).to_pylist()}
    sizes = pc.value_counts(pc.drop_null(table.column("dup_cluster"))).field("counts")
    return {"rows": table.num_rows, "clusters": len(sizes), "in_clusters": int(pc.sum(sizes).as_py() or 0),
            "removed": reasons.get("exact", 0) + reasons.get("near", 0), "exact": reasons.get("exact", 0),
            "near": reasons.get("near", 0), "largest_cluster": int(pc.max(sizes).as_py() or 0),
            # rows with no text to compare (null/missing/empty/whitespace-only): kept, never matched
            "not_covered": reasons.get("no_text", 0),
            # kept rows near another by Jaccard whose numbers or negations differ (curate.dedup.facts)
            "distinct_facts": reasons.get("distinct_facts", 0),
            "not_covered_by_reason": {"no_text": reasons["no_text"]} if reasons.get("no_text") else {}}


def _snippet(text, width: int = 80) -> str:
    t = " ".join(str(text or "").split())
    return t if len(t) <= width else t[: width - 1] + "…"


def _diff_snippets(keeper, text, width: int = 80) -> tuple[str, str]:
    """Excerpts of ``keeper`` and ``text`` (``width`` characters each) that start a few words before their first
    differing word, so a short difference past a shared opening ("... is not blocked") is in view in both.
    Identical word sequences (or a difference within the first ``width`` // 3 characters): plain prefixes."""
    a, b = str(keeper or "").split(), str(text or "").split()
    i = next((k for k, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
    if a == b or len(" ".join(a[:i])) <= width // 3:
        return _snippet(keeper, width), _snippet(text, width)
    start, before = i, 0
    while start > 0 and before + len(a[start - 1]) + 1 <= width // 3:   # about a third of the width as context
        start -= 1
        before += len(a[start]) + 1
    return (_snippet("… " + " ".join(a[start:]), width), _snippet("… " + " ".join(b[start:]), width))


REPORT_COLUMNS = ("dup_cluster", "dup_keep", "dup_reason", "dup_similarity", "dup_jaccard", "dup_shared",
                  "dup_boilerplate")


def _split_shared(text: str, shared: str | None) -> list[tuple[str, bool]]:
    """(piece, is_shared) parts of ``text`` with the shared span marked (for highlighting)."""
    core = (shared or "").rstrip("…")
    at = text.find(core) if core else -1
    if at < 0:
        return [(text, False)]
    return [(text[:at], False), (text[at:at + len(core)], True), (text[at + len(core):], False)]


def build_report(table, text_field: str = "text", top: int = 10, samples: int = 3, width: int = 80) -> dict:
    """Summary, cluster-size histogram and the ``top`` largest clusters, keeper beside removed members.

    Each removed member carries its reason, estimated and exact Jaccard with the keeper, the
    shared span and the boilerplate segments set aside, and ``keeper_text`` / ``text``: excerpts of ``width``
    characters of the keeper and the member from a few words before their first differing word (the
    difference is in view even past a long shared opening).  Texts are the compared texts (chat
    turns / SFT fields / text).  Raises :class:`CurateError` when the dup_* columns are missing.
    """
    from curate.dedup.config import MinHashConfig
    from curate.dedup.views import match_text

    for col in REPORT_COLUMNS[:4]:
        if col not in table.column_names:
            raise CurateError(f"no '{col}' column: run 'curate dedup IN --output OUT' first")
    try:
        texts = match_text(table, MinHashConfig(text_field=text_field)).to_pylist()
    except CurateError:
        texts = [None] * table.num_rows
    col = {c: (table.column(c).to_pylist() if c in table.column_names else [None] * table.num_rows)
           for c in REPORT_COLUMNS}
    members: dict[str, list[int]] = defaultdict(list)
    for i, c in enumerate(col["dup_cluster"]):
        if c is not None:
            members[c].append(i)
    sizes = Counter(len(m) for m in members.values())
    largest = sorted(members.items(), key=lambda kv: (-len(kv[1]), kv[0]))[:top]
    out = summarize(table)
    out["size_histogram"] = {str(k): v for k, v in sorted(sizes.items())}
    out["rows_with_boilerplate"] = sum(1 for b in col["dup_boilerplate"] if b)
    out["clusters_top"] = []
    for cluster, rows in largest:
        keeper = next((r for r in rows if col["dup_keep"][r]), rows[0])
        others = [r for r in rows if r != keeper][:samples]
        out["clusters_top"].append({
            "cluster": cluster, "size": len(rows), "keeper_row": keeper + 1, "keeper": _snippet(texts[keeper], width),
            "removed": [{"row": r + 1, "reason": col["dup_reason"][r], "similarity": col["dup_similarity"][r],
                         "jaccard": col["dup_jaccard"][r], "shared": col["dup_shared"][r],
                         "boilerplate": col["dup_boilerplate"][r],
                         **dict(zip(("keeper_text", "text"), _diff_snippets(texts[keeper], texts[r], width)))}
                        for r in others]})
    return out


def render_html(report: dict, path) -> None:
    """Write the steward's page of clusters (self-contained HTML, no scripts, works offline)."""
    import jinja2

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(Path(__file__).parent), autoescape=True)
    for c in report["clusters_top"]:
        for r in c["removed"]:
            r["parts"] = _split_shared(r["text"], r["shared"])
            r["keeper_parts"] = _split_shared(r["keeper_text"], r["shared"])
    html = env.get_template("clusters.html").render(r=report)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(html, encoding="utf-8")
    tmp.replace(path)


@dedup_group.command("report")
@click.argument("src", metavar="FILE", type=click.Path(dir_okay=False))
@click.option("--text-field", default="text", show_default=True)
@click.option("--top", type=int, default=10, show_default=True, help="Largest clusters to show.")
@click.option("--samples", type=int, default=3, show_default=True, help="Removed members shown per cluster.")
@click.option("--html", "html_path", type=click.Path(dir_okay=False), help="Also write an HTML page of the clusters.")
@json_option
def dedup_report(src, text_field, top, samples, html_path, as_json):
    """Largest clusters from a file written by 'curate dedup': keeper and removed rows side by side,
    estimated and exact Jaccard, the shared span."""
    from curate.dedup.views import SFT_FIELDS
    from curate.filemode import format_of, read_table

    if top < 1 or samples < 1:
        raise CurateError("--top and --samples must be at least 1")
    if format_of(src) == "parquet" and Path(src).exists():
        import pyarrow.parquet as pq

        # Only the columns the report shows: a big file's other columns never load.
        wanted = [text_field, "messages", *SFT_FIELDS, *REPORT_COLUMNS]
        table = pq.read_table(src, columns=[c for c in wanted if c in pq.ParquetFile(src).schema_arrow.names])
    else:
        table = read_table(src)
    report = build_report(table, text_field, top, samples)
    if html_path:   # the page has room for longer excerpts than a terminal
        render_html(build_report(table, text_field, top, samples, width=400), html_path)
        report["html"] = str(html_path)

    def render(d):
        from rich.table import Table

        console.print(f"{d['rows']} rows; {d['clusters']} clusters holding {d['in_clusters']} rows; "
                      f"{d['removed']} removed ({d['exact']} exact, {d['near']} near); "
                      f"{d['rows_with_boilerplate']} rows had boilerplate set aside")
        console.print("cluster sizes: " + ", ".join(f"{k}: {v}" for k, v in d["size_histogram"].items()))
        t = Table(title="largest clusters: keeper beside each removed row")
        for name in ("cluster (size)", "kept row", "removed row", "reason, est. / exact Jaccard", "shared span"):
            t.add_column(name, overflow="fold")
        for c in d["clusters_top"]:
            for k, r in enumerate(c["removed"]):
                sims = "1.00 / 1.00" if r["reason"] == "exact" else \
                    f"{r['similarity'] or 0:.2f} / {r['jaccard'] or 0:.2f}"
                t.add_row(f"{c['cluster']} ({c['size']})" if k == 0 else "",
                          f"{c['keeper_row']}: {r['keeper_text']}", f"{r['row']}: {r['text']}",
                          f"{r['reason']}, {sims}", r["shared"] or "")
        console.print(t)
        if d.get("html"):
            console.print(f"HTML page: {d['html']}")

    emit(report, as_json, render)


dedup_group.name = "dedup"
commands = [dedup_group]
