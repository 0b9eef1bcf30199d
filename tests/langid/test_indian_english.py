"""English as Indian customers and agents write it is English: acronyms (EMI, PAN, UPI, KYC), UPI ids, and the
names Indian English uses as its own (Aadhaar, Diwali) are no evidence of an Indian language. Found in a newcomer's
CRM notes and support rows; expected labels are the test writer's reading of each sentence."""

import pytest

from curate.langid.detect import LanguageIdentifier


@pytest.fixture(scope="module")
def lid():
    return LanguageIdentifier()


@pytest.mark.parametrize("text", [
    "sir pls help urgent my UPI id ravi.k@okaxis not working",
    "Called on 12/03; wants EMI restructuring.\nSays \"will pay by Diwali\"; alt no. 080-23456789",
    "Customer asks how to update PAN in the bank records. Never share your Aadhaar on chat.",
    "Never share your Aadhaar on chat.",
    "wants EMI restructuring",
    "KYC pending, please upload documents",
    "Happy Diwali to all our customers",
    "refund sent to priya.s@ybl yesterday",
])
def test_english_rows_are_english_and_not_code_mixed(lid, text):
    r = lid.detect(text)
    assert (r.lang, r.codemixed, r.romanized) == ("en", False, False), r


@pytest.mark.parametrize("text,lang,embedded", [
    ("mera PAN card block ho gaya", "hi", "en"),      # card, block and the acronym are English in a Hindi frame
    ("EMI kab tak katega", "hi", "en"),
    ("aadhaar link karna hai", "hi", "en"),
    ("diwali pe ghar jaana hai", "hi", None),         # a festival's name is no English either
])
def test_hinglish_keeps_its_frame_around_acronyms_and_names(lid, text, lang, embedded):
    r = lid.detect(text)
    assert r.lang == lang and r.embedded_lang == embedded, r


def test_a_row_typed_in_capitals_is_still_words(lid):
    assert lid.detect("KYA HUA BHAI, PAISE KAB AAYENGE").lang == "hi"
