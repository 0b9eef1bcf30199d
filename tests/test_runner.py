"""The runner: incremental, config-aware, and resumable after SIGKILL."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import textwrap


from curate.runner import run_stage
from tests.conftest import write_jsonl

# A stage defined in the test (and in the killed child) so we control when it dies.
STAGE_CODE = textwrap.dedent('''
    import os, pyarrow as pa
    from curate.stage import Stage, StageConfig, register_stage
    class UpperConfig(StageConfig):
        suffix: str = ""
    SEEN = [0]
    def upper_batch(batch, cfg):
        # Die by position in the run, not by a document's name: the runner's order follows doc_ids,
        # which are keyed per workspace, so a named document may come first or last.
        die_after = int(os.environ.get("DIE_AFTER_DOCS", "0"))
        texts = batch.column(cfg.text_field).to_pylist()
        SEEN[0] += len(texts)
        if die_after and SEEN[0] > die_after:
            os.kill(os.getpid(), 9)
        return pa.table({"upper": [t.upper() + cfg.suffix for t in texts]})
    register_stage(Stage(name="upper_test", kind="per_document", config_model=UpperConfig,
                         fn=upper_batch, outputs={"upper": pa.string()}))
''')
exec(STAGE_CODE)


def _corpus(ws, tmp_path, n):
    path = write_jsonl(tmp_path / "docs.jsonl", [{"text": f"document number {i:05d}"} for i in range(n)])
    ws.ingest([path])
    return path


def test_stage_output_lands_as_signal_and_is_incremental(ws, tmp_path):
    path = _corpus(ws, tmp_path, 50)
    res = run_stage(ws, "upper_test", {}, workers=1, batch_size=16)
    assert (res.computed, res.cached) == (50, 0)
    upper = "SELECT count(*) FROM lake.signal_upper_test WHERE upper LIKE 'DOCUMENT NUMBER%'"
    assert ws.con.execute(upper).fetchone()[0] == 50
    with open(path, "a") as fh:
        fh.write(json.dumps({"text": "one more"}) + "\n")
    ws.ingest([path])
    res = run_stage(ws, "upper_test", {}, workers=1)
    assert (res.computed, res.cached) == (1, 50)


def test_config_change_recomputes(ws, tmp_path):
    _corpus(ws, tmp_path, 10)
    run_stage(ws, "upper_test", {}, workers=1)
    res = run_stage(ws, "upper_test", {"suffix": "!"}, workers=1)
    assert res.computed == 10 and res.recomputed_for_new_config
    assert ws.con.execute("SELECT count(*) FROM lake.signal_upper_test WHERE upper LIKE '%!'").fetchone()[0] == 10


def test_process_pool_gives_the_same_output_as_serial(ws, tmp_path):
    from curate import runner

    _corpus(ws, tmp_path, 300)
    old = runner.POOL_MIN_DOCS
    runner.POOL_MIN_DOCS = 1
    try:
        run_stage(ws, "clean", {}, workers=2, batch_size=64)
    finally:
        runner.POOL_MIN_DOCS = old
    pooled = ws.read_signal("clean").sort_by("doc_id")
    ws.drop_signal("clean")
    run_stage(ws, "clean", {}, workers=1)
    assert ws.read_signal("clean").sort_by("doc_id").equals(pooled)


def test_killed_run_leaves_no_partial_batch_and_resumes(ws, tmp_path):
    _corpus(ws, tmp_path, 200)
    ws_path = ws.path
    ws.close()
    child = STAGE_CODE + textwrap.dedent(f'''
        from curate import Workspace
        from curate.runner import run_stage
        ws = Workspace({str(ws_path)!r})
        run_stage(ws, "upper_test", {{}}, workers=1, batch_size=10)
    ''')
    # Batches are committed every 80 documents; the batch that kills us (docs 121-130) is in the second group.
    env = {**__import__("os").environ, "DIE_AFTER_DOCS": "120"}
    proc = subprocess.run([sys.executable, "-c", child], env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    from curate import Workspace

    ws2 = Workspace(ws_path)
    done = ws2.count("signal_upper_test")
    assert done % 80 == 0 and 0 < done < 200  # only whole commits are visible
    res = run_stage(ws2, "upper_test", {}, workers=1)
    assert res.computed == 200 - done and res.cached == done
    assert ws2.con.execute("SELECT count(DISTINCT doc_id) FROM lake.signal_upper_test").fetchone()[0] == 200
    ws2.close()


def test_stage_secrets_stay_in_the_workspace(ws, tmp_path, monkeypatch):
    import os
    import stat

    monkeypatch.delenv("CURATE_PII_KEY", raising=False)
    monkeypatch.delenv("CURATE_PII_KEY_FILE", raising=False)
    path = write_jsonl(tmp_path / "p.jsonl", [{"text": "mera naam Rahul Sharma hai, phone 9876543210"}])
    ws.ingest([path])
    run_stage(ws, "pii", {"nlp": "none"}, workers=1)
    key = ws.secrets_dir / "pii.key"
    assert key.exists() and stat.S_IMODE(key.stat().st_mode) == 0o600
    assert "CURATE_SECRETS_DIR" not in os.environ  # scoped to the run
    assert "Rahul" not in ws.read_signal("pii").column("pii_text")[0].as_py()


def _poison_meta(depth: int = 1100) -> str:
    deep = '"x"'
    for _ in range(depth):
        deep = '{"a": ' + deep + '}'
    return deep


def test_a_poison_record_is_held_back_and_the_rest_is_anonymized(ws, tmp_path, monkeypatch):
    """Issue 19: a record whose metadata nests ~1,100 levels deep made `curate stage pii` die on every run."""
    monkeypatch.delenv("CURATE_PII_KEY", raising=False)
    rows = [{"text": f"Mera naam Rahul Sharma hai, phone 98765{i:05d}", "meta": {"ticket": i}} for i in range(30)]
    ws.ingest([write_jsonl(tmp_path / "p.jsonl", rows)])
    # Planted straight into the lake, as an older ingest (without depth limits) would have stored it.
    ws.con.execute("INSERT INTO lake.documents SELECT * REPLACE ('poison-doc' AS doc_id, ? AS meta) "
                   "FROM lake.documents LIMIT 1", [_poison_meta()])
    res = run_stage(ws, "pii", {"nlp": "none"}, workers=1, batch_size=8)
    assert res.computed == 31
    sig = {r["doc_id"]: r for r in ws.read_signal("pii").to_pylist()}
    poison = sig.pop("poison-doc")
    assert all(r["pii_error"] is None and "Rahul" not in r["pii_text"] and "98765" not in r["pii_text"]
               for r in sig.values())
    if poison["pii_error"] is not None:  # the stage raised on it: recorded, held back
        assert res.errors == 1 and poison["pii_error"].startswith("RecursionError") and poison["pii_text"] is None
    m = ws.create_snapshot("s")
    assert m.row_count == 30 and m.held_back == 1
    ids = set(ws.snapshot("s").table().column("doc_id").to_pylist())
    assert "poison-doc" not in ids
    # A rerun does not retry the row forever: nothing is pending.
    again = run_stage(ws, "pii", {"nlp": "none"}, workers=1)
    assert (again.computed, again.cached) == (0, 31)


def test_every_run_records_statistics(ws, tmp_path):
    texts = ["ok " * 30, "a", "spam spam spam spam spam spam spam spam spam spam spam spam", "fine text " * 20]
    ws.ingest([write_jsonl(tmp_path / "q.jsonl", [{"text": t} for t in texts])])
    res = run_stage(ws, "quality", {}, workers=1)
    flags = ws.read_signal("quality")
    # Oracle: the stored signal itself, counted independently of the runner's counters.
    ok = sum(flags.column("quality_ok").to_pylist())
    assert res.flags["quality_ok"] == ok and res.seconds > 0 and res.engine == "local"
    per_flag = {}
    for fl in flags.column("quality_flags").to_pylist():
        for f in fl or []:
            per_flag[f] = per_flag.get(f, 0) + 1
    assert {k.split("=", 1)[1]: v for k, v in res.flags.items() if k.startswith("quality_flags=")} == per_flag
    runs = ws.get_table("stage_runs").to_pylist()
    assert runs[-1]["stage"] == "quality" and runs[-1]["computed"] == 4 and runs[-1]["errors"] == 0
    assert json.loads(runs[-1]["stats"])["flags"] == res.flags


def test_pooled_run_sets_up_once_per_worker_and_keeps_order(ws, tmp_path):
    from curate import runner
    from tests.engines import stages  # noqa: F401 - registers slow_test

    _corpus(ws, tmp_path, 300)
    old = runner.POOL_MIN_DOCS
    runner.POOL_MIN_DOCS = 1
    try:
        res = run_stage(ws, "slow_test", {}, workers=2, batch_size=16)
    finally:
        runner.POOL_MIN_DOCS = old
    sig = ws.read_signal("slow_test")
    assert all(sig.column("slow_setup_here").to_pylist()) and 1 <= len(res.workers) <= 2
    docs = {r["doc_id"]: r["text"] for r in ws.documents().to_pylist()}
    assert {r["doc_id"]: r["slow_upper"] for r in sig.to_pylist()} == {d: t.upper() for d, t in docs.items()}
