from curate.clean.rules import clean_text, fix_joiners


def test_html_remnants_and_entities():
    assert clean_text("Dear <b>customer</b>,<br>your card&nbsp;is &#x92A;&#2325;") == "Dear customer,\nyour card is पक"


def test_nukta_forms_unify():
    assert clean_text("\u0958\u093e\u0928\u0942\u0928") == clean_text("\u0915\u093c\u093e\u0928\u0942\u0928")


def test_invisible_characters_removed_but_newlines_kept():
    assert clean_text("pay\u200bment\u00ad  done\ufeff\n\n\n\nthanks\x07") == "payment done\n\nthanks"


def test_zwj_kept_after_virama_only():
    half_form = "\u0915\u094d\u200d\u0937"  # क्‍ष: explicit half form
    assert fix_joiners(half_form) == half_form
    assert fix_joiners("UPI\u200d payment\u200c") == "UPI payment"
    chillu = "\u0d28\u0d4d\u200d"  # Malayalam chillu n written with virama + ZWJ at word end
    assert fix_joiners(chillu) == chillu


def test_pipe_used_as_danda():
    assert clean_text("खाता बंद है | कृपया मदद करें") == "खाता बंद है । कृपया मदद करें"
    assert clean_text("a | b") == "a | b"


def test_zwj_kept_after_meetei_mayek_virama():
    # MEETEI MAYEK APUN IYEK (U+ABED) is a virama (Unicode combining class 9), like the Brahmic ones.
    import unicodedata

    apun_iyek = "\uabed"
    assert unicodedata.combining(apun_iyek) == 9
    conjunct = "\uabc0" + apun_iyek + "\u200d" + "\uabc1"
    assert fix_joiners(conjunct) == conjunct
    assert fix_joiners("\uabc0\u200d\uabc1") == "\uabc0\uabc1"  # no virama before it: noise
