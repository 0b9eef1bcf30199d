from __future__ import annotations

import pytest

from curate.errors import CurateError
from curate.recipe import load_recipe, run_recipe


def _write(tmp_path, text):
    p = tmp_path / "recipe.yaml"
    p.write_text(text)
    return p


def test_unknown_key_points_at_it(tmp_path):
    p = _write(tmp_path, "name: r\nsources:\n  - path: a.jsonl\n    txt_field: body\n")
    with pytest.raises(CurateError, match=r"sources\[0\]\.txt_field: unknown key"):
        load_recipe(p)


def test_unknown_stage_and_bad_param(tmp_path):
    with pytest.raises(CurateError, match=r"stages\[0\].*unknown stage 'dedupe'"):
        load_recipe(_write(tmp_path, "name: r\nstages:\n  - stage: dedupe\n"))
    with pytest.raises(CurateError, match=r"stages\[0\].*bad parameter 'bogus'"):
        load_recipe(_write(tmp_path, "name: r\nstages:\n  - stage: clean\n    params: {bogus: 1}\n"))


def test_bad_yaml_and_wrong_type(tmp_path):
    with pytest.raises(CurateError, match="not valid YAML"):
        load_recipe(_write(tmp_path, "name: [unclosed\n"))
    with pytest.raises(CurateError, match=r"snapshot\.text"):
        load_recipe(_write(tmp_path, "name: r\nsnapshot: {name: s, text: redacted}\n"))


def test_same_recipe_same_inputs_same_hash(tmp_path, tickets):
    from curate import Workspace

    recipe = _write(tmp_path, f"""
name: support
sources: [{{path: {tickets}}}]
stages: [{{stage: clean}}]
snapshot: {{name: support, text: clean}}
""")
    from tests.conftest import share_workspace_key

    hashes = []
    first = None
    for n in range(3):
        ws = Workspace.init(tmp_path / f"ws{n}")
        if first is not None and n == 1:
            share_workspace_key(first, ws)  # doc_ids (and so the hash) follow the workspace key
        hashes.append(run_recipe(ws, recipe)["snapshot"]["content_hash"])
        first = first or ws
        ws.close()
    assert hashes[0] == hashes[1]
    assert hashes[2] != hashes[0]  # another key, other doc_ids: nobody without the key can link the two


def test_engine_settings_are_validated(tmp_path):
    with pytest.raises(CurateError, match=r"engine\.name"):
        load_recipe(_write(tmp_path, "name: r\nengine: {name: spark}\n"))
    with pytest.raises(CurateError, match=r"engine\.workers"):
        load_recipe(_write(tmp_path, "name: r\nengine: {name: ray, workers: 0}\n"))
    recipe, _ = load_recipe(_write(tmp_path, "name: r\nengine: {name: ray, address: auto, workers: 4}\n"))
    assert (recipe.engine.name, recipe.engine.address, recipe.engine.workers) == ("ray", "auto", 4)


def test_address_without_ray_engine_is_an_error(tmp_path, ws):
    with pytest.raises(CurateError, match="--address is for the ray engine"):
        run_recipe(ws, _write(tmp_path, "name: r\n"), address="127.0.0.1:6379")


def test_recipe_export_needs_the_explicit_unapproved_override(tmp_path, tickets):
    from curate import Workspace
    from curate.errors import PolicyError

    body = f"""
name: support
sources: [{{path: {tickets}}}]
stages: [{{stage: pii}}]
snapshot: {{name: support, text: anonymized}}
export: {{format: jsonl, path: out, contamination: ignore{{extra}}}}
"""
    with Workspace.init(tmp_path / "ws") as ws:
        with pytest.raises(PolicyError, match="export refused: snapshot support@1 has not been approved"):
            run_recipe(ws, _write(tmp_path, body.replace("{extra}", "")))
        summary = run_recipe(ws, _write(tmp_path, body.replace("{extra}", ", allow_unapproved: true")))
        assert summary["export"]["approval_override"] is True
        assert [e["details"]["approval_override"] for e in ws.lineage() if e["kind"] == "export"] == [True]


@pytest.mark.parametrize("stages, where, message", [
    ("[{stage: pii, params: {nlp: none}}, {stage: dedup}]", None,
     r"stages\[1\]: stage 'dedup' needs dup_text_hash, dup_signature, dup_segments, dup_params, "
     r".*add 'minhash' before it"),
    ("[{stage: dedup}, {stage: minhash}]", None, r"stages\[0\]: stage 'dedup' needs .*add 'minhash' before it"),
    ("[{stage: minhash, params: {text_field: clean_text}}, {stage: clean}]", None,
     r"stages\[0\]: stage 'minhash' needs clean_text, .*add 'clean' before it"),
    ("[{stage: pii, params: {nlp: none}}]", "dup_keep",
     r"snapshot\.where reads dup_keep, which no stage of the recipe writes .*add stage 'dedup'"),
])
def test_stage_inputs_and_where_are_checked_before_any_work(tmp_path, ws, tickets, stages, where, message):
    """Such a recipe used to ingest and run pii first, then fail: now it fails first, and nothing is ingested."""
    snap = f"{{name: s, where: {where}}}" if where else "{name: s}"
    recipe = _write(tmp_path, f"name: r\nsources: [{{path: {tickets}}}]\nstages: {stages}\nsnapshot: {snap}\n")
    with pytest.raises(CurateError, match=message):
        run_recipe(ws, recipe)
    assert ws.count("documents") == 0


def test_columns_already_in_the_workspace_count(tmp_path, ws, tickets):
    ws.ingest([tickets])
    ws.run_stage("minhash", workers=1)
    ws.run_stage("dedup", workers=1)
    recipe = _write(tmp_path, "name: r\nstages: [{stage: dedup}]\nsnapshot: {name: s, where: dup_keep, text: raw, "
                              "allow_raw: true}\n")
    assert run_recipe(ws, recipe)["snapshot"]["row_count"] == 6
