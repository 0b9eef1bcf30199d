"""The Ray engine on a real local cluster: same signals, same snapshot, same pseudonyms as local."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time


from curate import Workspace
from curate.runner import run_stage
from tests.conftest import share_workspace_key, write_jsonl
from tests.engines import stages  # noqa: F401 - registers slow_test

NAMES = ["Rahul Sharma", "Priya Patel", "Anil Kumar", "Sunita Devi"]


def _corpus(path, n):
    rows = []
    for i in range(n):
        name = NAMES[i % len(NAMES)]
        if i % 3 == 0:
            text = f"Mera naam {name} hai, mera phone 98{i:08d} hai aur card block ho gaya"
        elif i % 3 == 1:
            text = f"मेरा नाम {name} है, खाता संख्या {i:06d} में पैसे नहीं आए"
        else:
            text = f"Hello, this is {name}. My UPI payment {i} failed twice, please help."
        rows.append({"text": text, "meta": {"ticket": f"T{i}", "agent": NAMES[(i + 1) % len(NAMES)]}})
    rows += [rows[0], {"text": rows[1]["text"] + " "}]  # an exact and a near duplicate
    return write_jsonl(path, rows)


_same_key = share_workspace_key


RECIPE = """
name: scale
sources: [{{path: {data}/support_tickets.jsonl}}, {{path: {data}/sft_pairs.jsonl}}, {{path: {data}/chats.jsonl}}]
stages:
  - {{stage: clean}}
  - {{stage: langid}}
  - {{stage: quality}}
  - {{stage: minhash}}
  - {{stage: dedup}}
  - {{stage: pii, params: {{nlp: none}}}}
engine: {{name: local, batch_size: 25}}
snapshot: {{name: train, where: "dup_keep"}}
"""


def test_same_recipe_on_local_and_ray_gives_the_same_snapshot(ray_cluster, tmp_path):
    from curate.recipe import run_recipe
    from curate.sampledata.generate import generate

    data = tmp_path / "data"
    generate(data, n=150)
    recipe = tmp_path / "recipe.yaml"
    recipe.write_text(RECIPE.format(data=data))
    local, remote = Workspace.init(tmp_path / "local"), Workspace.init(tmp_path / "ray")
    _same_key(local, remote)
    a = run_recipe(local, recipe)
    b = run_recipe(remote, recipe, engine="ray", address=ray_cluster["address"], workers=2)
    assert [s["engine"] for s in b["stages"]] == ["ray"] * 6  # dedup: LSH grouped on Ray, the rest on the driver
    assert a["snapshot"]["row_count"] == b["snapshot"]["row_count"] > 100
    assert a["snapshot"]["content_hash"] == b["snapshot"]["content_hash"]
    for sig in ("clean", "langid", "quality", "minhash", "dedup", "pii"):
        assert local.read_signal(sig).sort_by("doc_id").equals(remote.read_signal(sig).sort_by("doc_id")), sig
    # Statistics recorded for both engines.
    runs = remote.get_table("stage_runs").to_pylist()
    assert {r["stage"] for r in runs if r["engine"] == "ray"} == {"clean", "langid", "quality", "minhash", "dedup", "pii"}
    quality = next(s for s in b["stages"] if s["stage"] == "quality")
    assert quality["flags"] == next(s for s in a["stages"] if s["stage"] == "quality")["flags"]
    local.close()
    remote.close()


def test_pseudonyms_identical_across_engines_and_workers(ray_cluster, tmp_path):
    data = _corpus(tmp_path / "docs.jsonl", 240)
    local, remote = Workspace.init(tmp_path / "local"), Workspace.init(tmp_path / "ray")
    _same_key(local, remote)
    outs = []
    for ws, engine in ((local, "local"), (remote, "ray")):
        ws.ingest([data])
        res = run_stage(ws, "pii", {"nlp": "none"}, engine=engine, workers=2, batch_size=20,
                        engine_options={"address": ray_cluster["address"]} if engine == "ray" else None)
        assert res.computed == 242 and res.errors == 0
        outs.append((res, ws.read_signal("pii").sort_by("doc_id")))
    (_, a), (ray_res, b) = outs
    assert ray_res.workers  # peak memory per worker recorded
    assert a.column("pii_text").to_pylist() == b.column("pii_text").to_pylist()
    assert a.column("pii_meta").to_pylist() == b.column("pii_meta").to_pylist()
    # No real name survives, and each name got one pseudonym everywhere (batches ran on both workers).
    texts = b.column("pii_text").to_pylist()
    assert not any(n in t for t in texts for n in NAMES)
    local.close()
    remote.close()


def test_setup_runs_once_per_ray_worker_and_row_errors_are_isolated(ray_cluster, tmp_path):
    rows = [{"text": f"doc {i}"} for i in range(60)] + [{"text": "poison record"}]
    ws = Workspace.init(tmp_path / "ws")
    ws.ingest([write_jsonl(tmp_path / "d.jsonl", rows)])
    res = run_stage(ws, "slow_test", {}, engine="ray", workers=2, batch_size=10,
                    engine_options={"address": ray_cluster["address"]})
    sig = ws.read_signal("slow_test")
    assert res.computed == 61 and res.errors == 1
    assert all(sig.column("slow_setup_here").to_pylist()[i] for i in range(61)
               if sig.column("slow_test_error")[i].as_py() is None)
    bad = [r for r in sig.to_pylist() if r["slow_test_error"]]
    assert len(bad) == 1 and bad[0]["slow_upper"] is None and bad[0]["slow_test_error"].startswith("RecursionError")
    ws.close()


def test_killing_a_worker_mid_stage_and_rerunning_gives_the_same_hash(ray_cluster, tmp_path):
    from tests.engines.conftest import cluster_workers

    rows = [{"text": f"document number {i:04d}"} for i in range(400)]
    data = write_jsonl(tmp_path / "d.jsonl", rows)
    ref = Workspace.init(tmp_path / "ref")
    ref.ingest([data])
    run_stage(ref, "slow_test", {}, workers=1, batch_size=10)
    expected = ref.create_snapshot("s", text="raw", allow_raw=True).content_hash
    ref.close()

    ws = Workspace.init(tmp_path / "ws")
    _same_key(ref, ws)  # the same doc_ids (their salt comes from the key): the same content hash
    ws.ingest([data])
    params = {"seconds_per_batch": 0.3}  # 40 batches: long enough to kill an actor in the middle
    killed: list[int] = []
    stop = threading.Event()

    def killer():
        # Only /proc is read here: the workspace connection belongs to the thread that runs the stage.
        while not stop.is_set() and not killed:
            busy = cluster_workers(ray_cluster["pgid"], match="MapWorker")
            if busy:
                time.sleep(2.0)  # let it commit a few batches first
                os.kill(busy[0], signal.SIGKILL)
                killed.append(busy[0])
            time.sleep(0.2)

    t = threading.Thread(target=killer, daemon=True)
    t.start()
    try:
        first = run_stage(ws, "slow_test", params, engine="ray", workers=2, batch_size=10,
                          engine_options={"address": ray_cluster["address"]})
        done_first = first.computed
    except Exception:  # noqa: BLE001 - a failed run is allowed; the rerun must complete it
        done_first = None
    finally:
        stop.set()
        t.join(timeout=30)
    assert killed, "no actor was found to kill mid-stage"
    res = run_stage(ws, "slow_test", params, engine="ray", workers=2, batch_size=10,
                    engine_options={"address": ray_cluster["address"]})
    assert ws.count("signal_slow_test") == 400 and res.cached + res.computed == 400
    assert done_first in (None, 400)  # Ray retried the killed actor's files, or the rerun finished them
    assert ws.con.execute("SELECT count(DISTINCT doc_id) FROM lake.signal_slow_test").fetchone()[0] == 400
    # The reference ran with the default config: recompute under it (cached signals follow the config).
    run_stage(ws, "slow_test", {}, engine="ray", workers=2, batch_size=10,
              engine_options={"address": ray_cluster["address"]})
    assert ws.create_snapshot("s", text="raw", allow_raw=True).content_hash == expected
    ws.close()


def test_unreachable_cluster_is_a_one_line_error(tmp_path):
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed once we leave: nothing listens there
    ws_path = tmp_path / "ws"
    Workspace.init(ws_path).close()
    write_jsonl(tmp_path / "d.jsonl", [{"text": "hello"}])
    curate = [sys.executable, "-m", "curate.cli.main"]
    subprocess.run([*curate, "ingest", str(tmp_path / "d.jsonl"), "-w", str(ws_path)], check=True,
                   capture_output=True)
    proc = subprocess.run([*curate, "stage", "clean", "--engine", "ray", "--address", f"127.0.0.1:{port}",
                           "-w", str(ws_path)], capture_output=True, text=True, timeout=120)
    assert proc.returncode != 0
    err = proc.stderr.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: Ray is not reachable at 127.0.0.1:") and "Traceback" not in proc.stderr
