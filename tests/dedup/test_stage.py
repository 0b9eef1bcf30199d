"""The workspace stages: incremental signatures, clusters across ingests, keeper policies."""

import json

from curate.runner import run_stage
from curate.stage import get_stage
from tests.conftest import write_jsonl
from tests.dedup.corpus import corpus


def test_incremental_ingest_checks_new_documents_against_old(ws, tmp_path):
    rows = corpus(seed=3, per_script=2)
    originals = [r for r in rows if r["kind"] in ("original", "hard_negative")]
    copies = [r for r in rows if r["kind"] in ("exact", "near")]
    ws.ingest([write_jsonl(tmp_path / "a.jsonl", [{"text": r["text"], "kind": r["kind"]} for r in originals])])
    first = run_stage(ws, "minhash", {}, workers=1)
    assert first.computed == len(originals)
    run_stage(ws, "dedup", {})
    sig = ws.read_signal("dedup")
    assert sig.num_rows == len(originals) and sig.column("dup_cluster").null_count == len(originals)

    ws.ingest([write_jsonl(tmp_path / "b.jsonl", [{"text": r["text"], "kind": r["kind"]} for r in copies])])
    second = run_stage(ws, "minhash", {}, workers=1)
    assert (second.computed, second.cached) == (len(copies), len(originals))   # old signatures reused
    run_stage(ws, "dedup", {})
    view = ws.view().fetch_arrow_table()
    data = view.select(["meta", "source", "dup_cluster", "dup_keep", "dup_reason"]).to_pylist()
    kinds = [json.loads(d["meta"] or "{}").get("kind") for d in data]
    for d, kind in zip(data, kinds):
        if kind == "hard_negative":
            assert d["dup_cluster"] is None
        elif kind == "original":
            assert d["dup_keep"] is True and d["dup_cluster"] is not None   # earliest ingest wins
        else:
            assert d["dup_keep"] is False and d["dup_reason"] in ("exact", "near")


def test_stage_outputs_identical_to_file_mode_and_batch_independent(ws, tmp_path):
    import pyarrow as pa

    rows = corpus(seed=4, per_script=1)
    ws.ingest([write_jsonl(tmp_path / "c.jsonl", [{"text": r["text"]} for r in rows])])
    run_stage(ws, "minhash", {}, workers=1, batch_size=3)
    a = ws.read_signal("minhash").sort_by("doc_id")
    ws.drop_signal("minhash")
    run_stage(ws, "minhash", {}, workers=1, batch_size=1000)
    b = ws.read_signal("minhash").sort_by("doc_id")
    assert a.equals(b)
    stage = get_stage("minhash")
    direct = stage.fn(pa.table({"text": ws.documents().sort_by("doc_id").column("text")}), stage.make_config({}))
    assert direct.column("dup_signature").to_pylist() == a.column("dup_signature").to_pylist()


def test_keep_longest_policy_in_workspace(ws, tmp_path):
    base = "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho"
    ws.ingest([write_jsonl(tmp_path / "d.jsonl", [{"text": base}, {"text": base + " sigma"}, {"text": "unrelated words here"}])])
    run_stage(ws, "minhash", {}, workers=1)
    run_stage(ws, "dedup", {"keep": "longest"})
    out = {r["text"]: r for r in ws.view().fetch_arrow_table().select(["text", "dup_keep", "dup_similarity"]).to_pylist()}
    assert out[base + " sigma"]["dup_keep"] and not out[base]["dup_keep"]
    assert 0.4 < out[base]["dup_similarity"] < 1.0


def test_best_quality_policy_prefers_unflagged_member(ws, tmp_path):
    base = "mera UPI payment fail ho gaya aur paise account se kat gaye please refund jaldi karo yaar"
    noisy = base + " $$$$ #### @@@@ !!!! %%%% ^^^^ &&&& **** $$$$ #### @@@@"   # longer, but symbol-heavy
    ws.ingest([write_jsonl(tmp_path / "q.jsonl", [{"text": noisy}, {"text": base}])])
    run_stage(ws, "quality", {}, workers=1)
    run_stage(ws, "minhash", {}, workers=1)
    run_stage(ws, "dedup", {"keep": "longest"})
    rows = {r["text"]: r for r in ws.view().fetch_arrow_table().select(["text", "dup_keep", "quality_ok"]).to_pylist()}
    assert rows[noisy]["dup_keep"] and not rows[noisy]["quality_ok"]
    run_stage(ws, "dedup", {"keep": "best_quality"})
    rows = {r["text"]: r for r in ws.view().fetch_arrow_table().select(["text", "dup_keep"]).to_pylist()}
    assert rows[base]["dup_keep"] and not rows[noisy]["dup_keep"]


def test_workspace_chats_and_sft_share_prompt_and_reply_yet_only_resent_copies_go(ws, tmp_path):
    from tests.dedup.shapes import scenario

    rows = scenario(seed=4, distinct=40, copies=6)
    recs = [{k: r[k] for k in ("messages", "instruction", "input", "output") if k in r} | {"group": r["group"]}
            for r in rows]
    ws.ingest([write_jsonl(tmp_path / "chats.jsonl", [r for r in recs if "messages" in r]),
               write_jsonl(tmp_path / "sft.jsonl", [r for r in recs if "instruction" in r])])
    run_stage(ws, "minhash", {}, workers=1)
    run_stage(ws, "dedup", {"boilerplate_min_docs": 5})
    out = ws.view().fetch_arrow_table().select(["doc_id", "meta", "dup_keep", "dup_cluster", "dup_jaccard",
                                                 "dup_boilerplate"]).to_pylist()
    group = {o["doc_id"]: json.loads(o["meta"])["group"] for o in out}
    removed = [o for o in out if not o["dup_keep"]]
    assert len(removed) == 6
    for o in removed:   # each removal is a re-sent copy of its own keeper, explained
        assert group[o["dup_cluster"]] == group[o["doc_id"]] and o["dup_jaccard"] >= 0.5 and o["dup_boilerplate"] >= 1


def test_workspace_chats_with_nothing_to_compare_are_kept_as_no_text(ws, tmp_path):
    system = {"role": "system", "content": "You are the assistant of a bank."}
    rows = [{"messages": [system, {"role": "user", "content": " "}]},
            {"messages": [system, {"role": "user", "content": ""}, {"role": "assistant", "content": ""}]},
            {"messages": [system, {"role": "user", "content": "my card is blocked since yesterday, please help"}]}]
    ws.ingest([write_jsonl(tmp_path / "c.jsonl", rows)])
    run_stage(ws, "minhash", {}, workers=1)
    run_stage(ws, "dedup", {})
    got = ws.view().fetch_arrow_table().select(["dup_keep", "dup_reason", "dup_cluster"]).to_pylist()
    assert sorted((r["dup_reason"] or "") for r in got) == ["", "no_text", "no_text"]
    assert all(r["dup_keep"] and r["dup_cluster"] is None for r in got)


def test_dedup_reads_the_column_minhash_compared(ws, tmp_path):
    # The demo recipe signs clean_text; verification used to re-read a column it was not given (compared as ''),
    # so no near duplicate was ever confirmed. Now dedup must be told the same text_field, else a one-line error.
    import pytest

    from curate.errors import CurateError

    base = ("the customer asked why the monthly statement of the savings account shows a charge for the debit "
            "card that was never delivered to the registered address")
    ws.ingest([write_jsonl(tmp_path / "e.jsonl", [{"text": base}, {"text": base.replace("registered", "old")},
                                                  {"text": "unrelated words here"}])])
    run_stage(ws, "clean", {}, workers=1)
    run_stage(ws, "minhash", {"text_field": "clean_text"}, workers=1)
    with pytest.raises(CurateError, match="made from 'clean_text'.*text_field: clean_text"):
        run_stage(ws, "dedup", {})
    run_stage(ws, "dedup", {"text_field": "clean_text"})
    out = {r["text"]: r for r in ws.view().fetch_arrow_table().select(["text", "dup_reason", "dup_keep"]).to_pylist()}
    assert out[base.replace("registered", "old")]["dup_reason"] == "near"   # 23 words, one replaced
    assert out[base]["dup_keep"] and out["unrelated words here"]["dup_reason"] is None
