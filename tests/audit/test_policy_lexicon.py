"""Policy loading/schema and lexicon data files."""

from __future__ import annotations

import csv
import json

import pytest

from curate.audit.lexicon import LEXICON_DIR, load_lexicons, normalize_term
from curate.audit.policy import load_policy
from curate.schemas import SCHEMA_DIR
from curate.errors import CurateError


def test_policy_yaml_round_trip_and_validation(tmp_path):
    import jsonschema

    p = tmp_path / "policy.yaml"
    p.write_text("name: bank\ngates:\n  max_residual_pii: 0\n  min_group_share: {gender: 0.3}\n"
                 "reference:\n  gender: {female: 48, male: 52}\n")
    pol = load_policy(p)
    assert pol.name == "bank" and pol.reference["gender"]["female"] == pytest.approx(0.48)
    jsonschema.validate({"name": "bank", "gates": {"max_toxicity_rate": 0.01}}, json.loads((SCHEMA_DIR / "audit_policy.schema.json").read_text()))
    bad = tmp_path / "bad.yaml"
    bad.write_text("gates:\n  max_toxcity_rate: 0.1\n")
    with pytest.raises(CurateError, match="max_toxcity_rate"):
        load_policy(bad)
    with pytest.raises(CurateError, match="no such policy"):
        load_policy(tmp_path / "missing.yaml")


def test_lexicon_files_parse_without_duplicates():
    for name, key in (("identity.tsv", ("axis", "group", "term")), ("attributes.tsv", ("category", "class", "term")),
                      ("toxicity.tsv", ("severity", "term"))):
        with open(LEXICON_DIR / name, encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh, delimiter="\t"))
        keys = [tuple(normalize_term(r[k]) if k == "term" else r[k] for k in key) for r in rows]
        assert len(keys) == len(set(keys)), name
        assert {r["lang"] for r in rows} <= {"en", "hi", "hinglish"}
        assert {"en", "hi", "hinglish"} <= {r["lang"] for r in rows}, f"{name} must cover all three languages"
    lex = load_lexicons()
    assert set(lex.axes()) == {"gender", "religion", "caste", "region"}
    assert set(lex.zones) == set(lex.groups("region"))


def test_normalize_term_keeps_devanagari_marks():
    assert normalize_term("North-Eastern") == "north eastern"
    assert normalize_term("लड़कियों") == "लड़कियों"
