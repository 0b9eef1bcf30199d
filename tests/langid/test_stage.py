"""The ``langid`` stage: registration, output schema, row order, config validation."""

from __future__ import annotations

import json

import pyarrow as pa
import pytest

from curate.errors import CurateError
from curate.stage import get_stage


def test_stage_is_registered_with_declared_outputs():
    st = get_stage("langid")
    assert st.kind == "per_document"
    assert set(st.outputs) == {"lang", "script", "romanized", "codemixed", "lang_score", "embedded_lang", "cmi",
                               "lang_alternatives", "script_shares", "lang_fields"}


def test_batch_same_length_order_and_types():
    st = get_stage("langid")
    texts = ["ಇವತ್ತು ಮಳೆ ಬರುತ್ತೆ ಅನ್ನಿಸುತ್ತೆ", None, "hello there, how is the weather in Pune today?",
             "ଆଜି ବର୍ଷା ହେବ ବୋଲି ମନେ ହେଉଛି", "😀"]
    out = st.fn(pa.table({"text": texts}), st.make_config({}))
    assert out.num_rows == len(texts)
    assert out.schema.equals(st.output_schema())
    assert out.column("lang").to_pylist() == ["kn", "und", "en", "or", "und"]
    for alts in out.column("lang_alternatives").to_pylist():
        assert isinstance(json.loads(alts), list)


def test_text_field_and_thresholds_are_configurable():
    st = get_stage("langid")
    batch = pa.table({"body": ["kal milte hain"]})
    strict = st.fn(batch, st.make_config({"text_field": "body", "min_score": 0.99}))
    assert strict.column("lang").to_pylist() == ["und"]
    loose = st.fn(batch, st.make_config({"text_field": "body", "min_score": 0.0}))
    assert loose.column("lang").to_pylist() == ["hi"]


def test_unknown_parameter_is_a_user_error():
    with pytest.raises(CurateError, match="bogus"):
        get_stage("langid").make_config({"bogus": 1})
