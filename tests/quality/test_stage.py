import pyarrow as pa
import pytest

from curate.errors import CurateError
from curate.filemode import apply_stage
from curate.stage import get_stage

TEXTS = [
    "मेरा कार्ड ब्लॉक हो गया है, कृपया जल्दी से मदद करें।",      # fine
    "ok",                                                           # too short
    "buy now " * 30,                                                # repetition
    "$$$ ### !!! @@@ %%% ^^^ &&& *** ((( )))",                       # symbols
    "OTP 482913 txn 99201934 ref 77412093 amt 50000",               # digits
    "Sent from my iPhone\nRegards, Support Team",                   # boilerplate
    "मेरा UPI payment fail हो गया है, कृपया refund जल्दी करें",      # code-mixed (44 % Latin)
]


def _run(cfg=None, lang=None):
    stage = get_stage("quality")
    cols = {"text": TEXTS} | ({"lang": lang} if lang else {})
    return apply_stage(stage, pa.table(cols), stage.make_config(cfg or {}))


def test_flags_name_the_reason_and_nothing_is_deleted():
    out = _run()
    assert out.num_rows == len(TEXTS)
    flags = out.column("quality_flags").to_pylist()
    assert flags[0] == [] and out.column("quality_ok").to_pylist()[0] is True
    assert "too_short" in flags[1]
    assert {"word_repetition", "char_repetition"} <= set(flags[2])
    assert "symbol_ratio" in flags[3]
    assert "digit_ratio" in flags[4]
    assert flags[5] == ["boilerplate"]
    assert "mixed_script" in flags[6]
    assert out.column("quality_ok").to_pylist() == [f == [] for f in flags]
    assert '"script": "Deva"' in out.column("quality_metrics")[0].as_py()


def test_per_language_thresholds_use_the_lang_column():
    lang = ["hi"] * len(TEXTS)
    relaxed = _run({"per_language": {"hi": {"max_other_script": 0.9}}}, lang=lang)
    assert "mixed_script" not in relaxed.column("quality_flags")[6].as_py()
    # other thresholds keep their defaults for that language
    assert "digit_ratio" in relaxed.column("quality_flags")[4].as_py()
    other = _run({"per_language": {"ta": {"max_other_script": 0.9}}}, lang=lang)
    assert "mixed_script" in other.column("quality_flags")[6].as_py()
    off = _run({"defaults": {"min_words": None, "min_chars": None}})
    assert "too_short" not in off.column("quality_flags")[1].as_py()


def test_bad_config_is_a_user_error():
    with pytest.raises(CurateError, match="quality"):
        get_stage("quality").make_config({"defaults": {"max_symbol_ratio": 2}})
    with pytest.raises(CurateError):
        get_stage("quality").make_config({"per_language": {"hi": {"nonsense": 1}}})
