"""Span rewriting for annotator corrections: the marked text and every other field it occurs in."""

import json

from curate.spans import redact_in, redact_spans

TEXT = "mera naam Rahul Sharma hai, phone 9845012345; राहुल शर्मा ji"
SPANS = json.dumps([{"start": 10, "end": 22, "type": "PERSON"}, {"start": 34, "end": 44, "type": "IN_PHONE"},
                    {"start": 46, "end": 57, "type": "PERSON"}])


def test_redact_spans_by_offsets():
    assert redact_spans(TEXT, SPANS) == "mera naam <PERSON> hai, phone <IN_PHONE>; <PERSON> ji"


def test_every_occurrence_in_other_fields_as_whole_words_only():
    out = "Dear Rahul Sharma, we called 9845012345 (not 98450123456); राहुल शर्मा जी, Rahul Sharmaji"
    assert redact_in(out, TEXT, SPANS) == ("Dear <PERSON>, we called <IN_PHONE> (not 98450123456); <PERSON> जी, "
                                           "Rahul Sharmaji")


def test_json_fields_keep_their_shape_and_keys():
    msgs = json.dumps([{"role": "user", "content": "Rahul Sharma here"}, {"role": "assistant", "content": "ok"}])
    assert json.loads(redact_in(msgs, TEXT, SPANS, True)) == [{"role": "user", "content": "<PERSON> here"},
                                                             {"role": "assistant", "content": "ok"}]
    meta = json.dumps({"Rahul Sharma": "key stays", "mobile": 9845012345, "n": 7}, ensure_ascii=False)
    assert json.loads(redact_in(meta, TEXT, SPANS, True)) == {"Rahul Sharma": "key stays", "mobile": "<IN_PHONE>", "n": 7}
    assert redact_in("not json [", TEXT, SPANS, True) == "not json ["


def test_tiny_spans_and_nulls_change_nothing():
    tiny = json.dumps([{"start": 0, "end": 2, "type": "PERSON"}])  # "me" would hit words everywhere
    assert redact_in("meet me", TEXT, tiny) == "meet me"
    assert redact_in(None, TEXT, SPANS) is None and redact_in("x", None, SPANS) == "x" and redact_in("x", TEXT, None) == "x"
