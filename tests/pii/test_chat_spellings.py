"""What a newcomer's own data leaked: account numbers after chat spellings of "account" ("acc no"), names inside
social-media handles, and function names in a chat's ``tools`` schema kept in metadata.

Expected values are hand-written: the account numbers are made up (Indian bank accounts have no public check digit,
9-18 digits), the handles and tool schemas are OpenAI's documented shape.
"""

import json

import pytest

from curate.pii.stage import PiiConfig, run_rows

KEY = b"test-hmac-key-0123456789"
CFG = PiiConfig(nlp="none")


def _text(text):
    return run_rows([{"text": text}], CFG, ["text"], keys={"hmac_key": KEY})[0].fields["text"]


@pytest.mark.parametrize("lead", ["my acc no", "acc. no.", "Acc No:", "acc number", "acct no", "account no",
                                  "a/c num", "sb a/c", "savings", "khata no", "acc"])
@pytest.mark.parametrize("number", ["12345678901", "001234567890", "50100234567812", "918020034567"])
def test_account_numbers_after_chat_spellings_of_account(lead, number):
    out = _text(f"@sbi_help {lead} {number} is blocked since monday")
    assert number not in out, out


def test_order_numbers_stay_without_account_words():
    assert _text("order no 12345678901 is delayed") == "order no 12345678901 is delayed"


@pytest.mark.parametrize("handle,name_parts", [("@rahul_sharma_99", ["rahul", "sharma", "99"]),
                                               ("@Priya.Verma", ["Priya", "Verma"]),
                                               ("@anita_rao", ["anita", "rao"]),
                                               ("@SunitaYadav80", ["Sunita", "Yadav", "80"]),
                                               ("@RaviKumar", ["Ravi", "Kumar"])])
def test_a_name_in_a_handle_takes_the_whole_handle(handle, name_parts):
    out = _text(f"DM me {handle} for details, cc @HDFC_Cares.")
    assert out.startswith("DM me @") and out.endswith(" for details, cc @HDFC_Cares."), out
    replaced = out[len("DM me "):out.index(" for details")]
    assert all(p not in replaced for p in name_parts), out


def test_handles_without_names_and_emails_keep_their_own_rules():
    out = _text("thanks @HDFC_Cares and @user0 and @ICICIBank_Care, mail rahul.sharma@gmail.com")
    assert out.startswith("thanks @HDFC_Cares and @user0 and @ICICIBank_Care, mail ") and "rahul" not in out
    assert "sharma" not in out


def test_function_names_in_a_tools_schema_and_tool_messages_stay():
    tools = [{"type": "function", "function": {"name": "lookup", "description": "Look up a customer",
                                               "parameters": {"type": "object",
                                                              "properties": {"name": {"type": "string"}}}}},
             {"type": "function", "function": {"name": "sunil", "description": "x"}}]
    meta = json.dumps({"tools": tools, "agent_name": "Kavita Rao"})
    turns = [{"role": "user", "content": "book a train for Priya Sharma"},
             {"role": "assistant", "content": "", "tool_calls": [{"id": "call_1", "type": "function", "function": {
                 "name": "book_train", "arguments": json.dumps({"passenger": "Priya Sharma"})}}]},
             {"role": "tool", "tool_call_id": "call_1", "name": "book_train", "content": "{\"pnr\": \"4521367890\"}"}]
    res = run_rows([{"text": "", "messages": json.dumps(turns), "meta": meta}], CFG, ["text", "messages", "meta"],
                   keys={"hmac_key": KEY})[0]
    got_meta = json.loads(res.fields["meta"])
    assert got_meta["tools"] == tools                      # function names (even one that is a given name) kept
    assert "Kavita" not in got_meta["agent_name"]           # a person's name beside them is still replaced
    msgs = json.loads(res.fields["messages"])
    assert msgs[1]["tool_calls"][0]["function"]["name"] == "book_train" and msgs[2]["name"] == "book_train"
    assert "Priya" not in json.dumps(msgs)


def test_a_turns_speaker_name_is_replaced_whole():
    turns = [{"role": "user", "name": "Kavita_Joshi", "content": "hello, my card is blocked again"},
             {"role": "assistant", "name": "agent_ramesh_kulkarni", "content": "Sure, checking now"},
             {"role": "tool", "name": "get_card", "content": "{}"}]
    res = run_rows([{"text": "", "messages": json.dumps(turns)}], CFG, ["text", "messages"], keys={"hmac_key": KEY})[0]
    msgs = json.loads(res.fields["messages"])
    for part in ("Kavita", "Joshi", "ramesh", "kulkarni"):
        assert part not in json.dumps(msgs), msgs
    assert msgs[2]["name"] == "get_card" and [m["content"] for m in msgs] == [t["content"] for t in turns]


@pytest.mark.parametrize("text,pin", [
    ("Deliver to Pune 411045 please", "411045"),
    ("Flat 402, Shanti Apartments, Baner Road, Pune 411045", "411045"),
    ("முகவரி 12/3 Anna Salai, Chennai 600002", "600002"),
    ("पता: गली 4, लखनऊ 226001", "226001"),
    ("send it to Koramangala 5th block, Bengaluru 560034", "560034"),
])
def test_a_pin_code_after_its_city_or_in_an_address_is_found(text, pin):
    assert pin not in _text(text)


@pytest.mark.parametrize("text", ["order 411045 from Pune branch is delayed", "OTP 560034 for your Mumbai login",
                                  "I paid 560034 last month", "ticket 226001 raised in Delhi"])
def test_six_digit_numbers_that_are_not_pin_codes_stay(text):
    assert _text(text) == text


@pytest.mark.parametrize("text,date", [
    ("DOB 14/08/1987, please update", "14/08/1987"),
    ("date of birth 1990-03-22", "1990-03-22"),
    ("she was born on 5 March 1979 in Pune", "5 March 1979"),
    ("Birthday: March 5, 1979", "March 5, 1979"),
    ("जन्म तिथि 12-05-1985 है", "12-05-1985"),
    ("பிறந்த தேதி 03.11.1992", "03.11.1992"),
])
def test_a_date_of_birth_is_found_by_its_birth_word(text, date):
    out = _text(text)
    assert date not in out and "<DATE_OF_BIRTH>" in out, out


@pytest.mark.parametrize("text", ["statement for 01/04/2023 to 31/03/2024 attached",
                                  "meeting on 14/08/2024 at the branch", "EMI due 05-06-2025"])
def test_other_dates_stay(text):
    assert _text(text) == text


def test_a_dob_key_types_its_value():
    res = run_rows([{"text": "", "meta": json.dumps({"dob": "1990-03-22", "opened": "2024-01-05"})}], CFG,
                   ["text", "meta"], keys={"hmac_key": KEY})[0]
    meta = json.loads(res.fields["meta"])
    assert meta["dob"] != "1990-03-22" and meta["opened"] == "2024-01-05"
