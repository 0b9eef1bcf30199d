from curate.quality.metrics import measure


def test_clean_text_in_several_scripts_has_low_ratios():
    for text in ["मेरा कार्ड ब्लॉक हो गया है, कृपया जल्दी से मदद करें।",
                 "என் கணக்கில் பணம் இன்னும் வரவில்லை, தயவுசெய்து சரிபார்க்கவும்.",
                 "আমার কার্ড ব্লক হয়ে গেছে, দয়া করে সাহায্য করুন।",
                 "mera UPI payment fail ho gaya aur paise kat gaye"]:
        m = measure(text)
        assert m["other_script"] == 0.0 and m["symbol_ratio"] < 0.1 and m["digit_ratio"] == 0.0
        assert m["word_repetition"] == 0.0 and m["boilerplate_lines"] == 0.0


def test_scripts_digits_and_marks():
    m = measure("खाता संख्या १२३४५६ है")
    assert m["script"] == "Deva" and m["digit_ratio"] > 0.3     # Devanagari digits are digits
    m = measure("मेरा UPI payment fail हो गया")
    assert m["script"] == "Latn" and 0.2 < m["other_script"] < 0.5  # matras count with their script
    assert measure("")["chars"] == 0 and measure(None)["words"] == 0


def test_repetition_and_boilerplate():
    assert measure("spam " * 40)["word_repetition"] > 0.9
    assert measure("ab" * 200)["char_repetition"] > 0.9
    assert measure("line one\nline one\nline one\nline two")["line_repetition"] == 0.5
    assert measure("Your refund is processed.\nSent from my iPhone")["boilerplate_lines"] == 0.5
    assert measure("धन्यवाद,")["boilerplate_lines"] == 1.0


def test_script_is_an_iso_15924_code_in_every_scheduled_script():
    # Hand-written words: Santali in Ol Chiki, Manipuri in Meetei Mayek, Urdu, Odia, Kannada.
    cases = {"ᱟᱢᱟᱜ ᱯᱷᱚᱱ ᱱᱚᱢᱵᱚᱨ": "Olck", "ꯑꯩꯒꯤ ꯐꯣꯟ ꯅꯝꯕꯔ": "Mtei", "میرا فون نمبر": "Arab",
             "ମୋର ଫୋନ୍ ନମ୍ବର": "Orya", "ನನ್ನ ಫೋನ್ ಸಂಖ್ಯೆ": "Knda"}
    for text, script in cases.items():
        m = measure(text)
        assert m["script"] == script and m["other_script"] == 0.0, (text, m)
