"""Handles that hold a surname alone or a name glued to an initial: ``@sharma_99``, ``@rkumar``, ``@psharma88``.

The surnames are checked against Faker's ``en_IN`` last-name list (outside curate), so the test does not
ask curate's lexicon which words are names; organisations' handles stay."""

import pytest
from faker.providers.person.en_IN import Provider as FakerIndia

from curate.pii.stage import PiiConfig, run_rows

CFG = PiiConfig(nlp="none")
SURNAMES = ("Sharma", "Kumar", "Singh", "Joshi", "Iyer", "Menon", "Reddy", "Patel", "Gupta")
assert set(SURNAMES) <= set(FakerIndia.last_names)  # Faker (outside curate) lists each as an Indian surname


def _out(text):
    return run_rows([{"text": text}], CFG, ["text"], keys={"hmac_key": b"k" * 16})[0].fields["text"]


@pytest.mark.parametrize("surname", SURNAMES)
@pytest.mark.parametrize("shape", ["@{s}", "@{l}_99", "@r{l}", "@p{l}88", "@{l}.k", "@mr_{l}", "@{s}Ji", "@the_{l}"])
def test_a_surname_handle_is_a_person(surname, shape):
    handle = shape.format(s=surname, l=surname.lower())
    out = _out(f"please DM me at {handle} for the refund")
    assert surname.lower() not in out.lower(), out


@pytest.mark.parametrize("handle", ["@HDFC_Cares", "@SwiggyCares", "@AmazonHelp", "@user0", "@Kumar_Cares"])
def test_organisations_handles_stay(handle):
    assert _out(f"write to {handle} on twitter") == f"write to {handle} on twitter"
