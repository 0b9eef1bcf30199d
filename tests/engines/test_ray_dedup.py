"""Dedup on a real local Ray cluster: LSH buckets grouped by Ray Data's hash shuffle, same clusters as local."""

from __future__ import annotations

import numpy as np

from curate import Workspace
from curate.dedup.lsh import candidate_pairs
from curate.runner import run_stage
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
