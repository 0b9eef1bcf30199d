"""Offsets between Python and Label Studio, and the labelling configs (no server needed)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from curate.errors import CurateError
from curate.label.configs import TASK_TYPES, build_config, control_values, load_config
from curate.label.offsets import OffsetMap


def test_offsets_round_trip_across_emoji():
    text = "a😀b 😀😀 नाम"
    om = OffsetMap(text)
    js = text.encode("utf-16-le")
    for i in range(len(text) + 1):
        j = om.to_js(i)
        # the JS index is the number of UTF-16 units before code point i
        assert j == len(text[:i].encode("utf-16-le")) // 2
        assert om.to_py(j) == i
    assert len(js) // 2 == om.to_js(len(text))


def test_offsets_identity_without_astral_characters():
    om = OffsetMap("मेरा नाम अनीता")
    assert [om.to_js(i) for i in range(5)] == list(range(5))


@pytest.mark.parametrize("task", TASK_TYPES)
def test_every_config_is_valid_xml_with_a_reject_choice(task):
    xml = build_config(task, labels=["billing", "kyc"] if task == "classify" else None)
    root = ET.fromstring(xml)
    assert root.tag == "View"
    assert control_values(xml, "decision") == ["reject"]


def test_pii_config_has_the_pii_stage_entity_types():
    values = control_values(load_config("pii"), "label")
    for t in ("PERSON", "IN_AADHAAR", "IN_PAN", "IN_PHONE", "IN_UPI", "EMAIL_ADDRESS", "IN_BANK_ACCOUNT", "IN_IFSC",
              "IN_GSTIN", "IN_VOTER", "IN_PASSPORT"):
        assert t in values


def test_lang_config_offers_romanized_and_code_mixed():
    assert {"native", "romanized", "code-mixed"} <= set(control_values(load_config("lang"), "form"))
    assert {"hi", "en", "ta", "bn"} <= set(control_values(load_config("lang"), "lang"))


def test_predicted_values_missing_from_the_config_are_added():
    xml = build_config("pii", extra_values={"label": ["IN_NEW_THING", "PERSON"]})
    vals = control_values(xml, "label")
    assert vals.count("PERSON") == 1 and vals[-1] == "IN_NEW_THING"


def test_classify_needs_and_uses_the_user_label_set():
    xml = build_config("classify", labels=["billing", " kyc "])
    assert control_values(xml, "label") == ["billing", "kyc"]
    with pytest.raises(CurateError, match="--labels"):
        build_config("classify")
    with pytest.raises(CurateError, match="reserved"):
        build_config("classify", labels=["reject"])
    with pytest.raises(CurateError, match="classify only"):
        build_config("lang", labels=["a"])


def test_redact_spans_replaces_resolved_spans_and_registers_in_duckdb():
    import json as _json

    import duckdb

    from curate.spans import redact_spans, register

    text = "Mera naam Ravi Kumar hai, aadhaar 2345 6789 0123"
    spans = _json.dumps([{"start": 10, "end": 20, "type": "PERSON"}, {"start": 34, "end": 48, "type": "IN_AADHAAR"},
                         {"start": 15, "end": 20, "type": "PERSON"}])  # overlap is absorbed
    assert redact_spans(text, spans) == "Mera naam <PERSON> hai, aadhaar <IN_AADHAAR>"
    assert redact_spans(text, None) == text
    con = duckdb.connect()
    register(con)
    assert con.execute("SELECT label_redact(?, ?)", [text, spans]).fetchone()[0].endswith("<IN_AADHAAR>")
    assert con.execute("SELECT label_redact(?, NULL)", [text]).fetchone()[0] == text
