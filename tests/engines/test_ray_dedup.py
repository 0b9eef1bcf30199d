"""Dedup on a real local Ray cluster: LSH buckets grouped by Ray Data's hash shuffle, same clusters as local."""

from __future__ import annotations

import numpy as np

from curate import Workspace
from curate.dedup.lsh import candidate_pairs
from curate.runner import run_stage
from tests.conftest import share_workspace_key
from tests.dedup.test_ray_lsh import BANDS, R, _families


def test_ray_grouping_gives_the_duckdb_pairs(ray_cluster):
    import duckdb

    from curate.dedup.ray_lsh import candidate_pairs_ray

    rng = np.random.default_rng(5)
    # Small families (every pair found) and big ones (buckets beyond the window, paired star + chain).
    sig = np.concatenate([_families(rng, 40, 5, 0.4), _families(rng, 3, 70, 0.7)])
    rows = np.sort(rng.choice(len(sig), len(sig) - 20, replace=False))
    local = candidate_pairs(duckdb.connect(), sig, rows, BANDS, R, window=6)
    assert len(local[0]) > 1000
    for parts in (None, 5):  # the default, and more partitions than the cluster has CPUs
        ray_i, ray_j = candidate_pairs_ray(sig, rows, BANDS, R, window=6, partitions=parts)
        assert np.array_equal(ray_i, local[0]) and np.array_equal(ray_j, local[1])
    # Nothing to group: no work sent.
    empty = candidate_pairs_ray(sig, rows[:1], BANDS, R)
    assert len(empty[0]) == len(empty[1]) == 0


def test_dedup_on_ray_keeps_the_same_clusters_and_keepers(ray_cluster, tmp_path, monkeypatch):
    from curate.dedup import ray_dedup
    from curate.sampledata.generate import generate

    # Blocks of 97 documents (7 of them, the last one short): most candidate pairs join documents of two
    # blocks, so verification needs partner rows shipped between blocks.
    monkeypatch.setattr(ray_dedup, "BLOCK_DOCS", 97)
    generate(tmp_path / "data", n=600)  # support tickets with exact and near-duplicate families
    spaces = {}
    for name in ("local", "ray"):
        ws = Workspace.init(tmp_path / name)
        if spaces:
            share_workspace_key(spaces["local"], ws)  # the same doc_ids on both sides
        ws.ingest([tmp_path / "data" / "support_tickets.jsonl"])
        run_stage(ws, "quality", {})  # optional input of the keeper policy
        run_stage(ws, "minhash", {})
        spaces[name] = ws
    res = {name: run_stage(ws, "dedup", {"keep": "best_quality"}, engine=name, workers=2,
                           engine_options={"address": ray_cluster["address"]} if name == "ray" else None)
           for name, ws in spaces.items()}
    assert res["local"].engine == "driver" and res["ray"].engine == "ray"
    a, b = (spaces[n].read_signal("dedup").sort_by("doc_id") for n in ("local", "ray"))
    assert a.equals(b)
    near = [r for r in b.to_pylist() if not r["dup_keep"] and r["dup_jaccard"] < 1.0]
    assert len(near) > 10  # near duplicates (not only exact ones) were clustered through the Ray buckets
    assert all(r["dup_shared"] for r in near)  # shared spans came from the verification tasks
    assert sum(r["dup_boilerplate"] > 0 for r in b.to_pylist()) > 0  # canned replies set aside on the workers
    run = ray_dedup.LAST_RUN
    assert run["blocks"] == 7 and run["partner_rows"] > 0 and run["verify_pairs"] > 0
    runs = spaces["ray"].get_table("stage_runs").to_pylist()
    assert [r["engine"] for r in runs if r["stage"] == "dedup"] == ["ray"]
    for ws in spaces.values():
        ws.close()


def test_ray_docs_answer_like_the_local_docs(ray_cluster, monkeypatch):
    """Every question clustering asks, answered by Ray tasks over staged blocks and by the driver-side
    implementation (the local engine's path, the expected values), on pairs within and across blocks."""
    import duckdb
    import pyarrow as pa

    from curate.dedup import ray_dedup
    from curate.dedup.config import DedupTableConfig
    from curate.dedup.core import LocalDocs, Sketcher, TextSource
    from curate.dedup.stage import minhash_batch
    from curate.engines import BatchSource
    from tests.dedup.corpus import corpus

    # Boilerplate: a canned reply in a third of the documents (above the 1 % share and 10-document floor).
    # Identifiers: an order number in every fifth document (pairs that disagree on it are never duplicates).
    texts = [r["text"] + (" Thank you for contacting us. We will get back to you within two working days."
                          if k % 3 == 0 else "") + (f" Order 7{k:05d}." if k % 5 == 0 else "")
             for k, r in enumerate(corpus(seed=5, per_script=10))]
    table = pa.table({"text": pa.array(texts, pa.string())})
    cfg = DedupTableConfig()
    n = table.num_rows
    sk = Sketcher(n, cfg)
    sk.add(table.column("text").combine_chunks(), 0)
    local = LocalDocs(sk.result(), TextSource.of(table), cfg)

    sketches = minhash_batch(table, cfg)
    con = duckdb.connect()
    con.register("docs", table.append_column("_pos", pa.array(range(n), pa.int64()))
                 .append_column("dup_signature", sketches.column("dup_signature"))
                 .append_column("dup_segments", sketches.column("dup_segments")))
    monkeypatch.setattr(ray_dedup, "BLOCK_DOCS", 37)
    monkeypatch.setattr(ray_dedup, "PAIRS_PER_TASK", 20)  # a block's pairs split over several tasks
    source = BatchSource(con, "SELECT _pos, text, dup_signature, dup_segments FROM docs ORDER BY _pos", n, 16,
                         own_cursor=False)
    remote = ray_dedup.RayDocs.stage(source, ["text"], cfg.num_perm, cfg, None)
    try:
        assert len(remote.files) > 3  # blocks of 37 rows or a little more (whole batches of 16)
        block = remote._block_of
        reps = np.arange(0, n, 2)  # every other document stands for its group
        boiler, excluded = local.boilerplate(reps)
        r_boiler, r_excluded = remote.boilerplate(reps)
        assert len(boiler) >= 1 and (excluded > 0).sum() >= 10
        assert np.array_equal(boiler, r_boiler) and np.array_equal(excluded, r_excluded)
        assert np.array_equal(local.length, remote.length)
        ci, cj = local.candidates(reps, 37, 3, 32)
        r_ci, r_cj = remote.candidates(reps, 37, 3, 32)
        assert len(ci) > 20 and np.array_equal(ci, r_ci) and np.array_equal(cj, r_cj)

        rng = np.random.default_rng(2)
        a = np.concatenate([ci, rng.integers(0, n, 300)])  # candidates, then random pairs in any order
        b = np.concatenate([cj, rng.integers(0, n, 300)])
        assert (block(a) != block(b)).sum() > 100 and (block(a) == block(b)).sum() > 10
        for min_estimate in (0.35, None):
            jac, disjoint = local.pairs(a, b, min_estimate)
            r_jac, r_disjoint = remote.pairs(a, b, min_estimate)
            assert np.array_equal(jac, r_jac) and np.array_equal(disjoint, r_disjoint)
        assert (jac >= 0.5).sum() > 10 and disjoint.any() and (jac >= 0).all()
        assert np.array_equal(local.estimated(a, b), remote.estimated(a, b))
        spans = local.spans(a, b)
        assert remote.spans(a, b) == spans and sum(s is not None for s in spans) > 20
        assert ray_dedup.LAST_RUN["partner_rows"] > 0
    finally:
        remote.close()
    assert remote.folder is None
