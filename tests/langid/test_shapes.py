"""SFT pairs and chats are identified on what distinguishes them (``curate.langid.shapes``).

Every text was written for these tests; the expected language is known by construction: the
instruction or system prompt is an English template, the input/output or user/assistant turns
are written in one language.
"""

from __future__ import annotations

import json

import pyarrow as pa
import pytest

from curate.langid.detect import LanguageIdentifier
from curate.stage import get_stage
from tests.conftest import write_jsonl

# ~25 English words, the shape of a classification template.
INSTRUCTION = ("Classify the intent of this banking support message and answer with exactly one of these labels: "
               "card blocked, payment failed, address change, loan instalment, refund request, other.")
REPLY_INSTRUCTION = "Write a short and polite reply to the following customer message from our mobile banking app."

# (lang, script, customer message, reply) — each written in that language.
NATIVE_PAIRS = [
    ("ta", "Taml", "வணக்கம், என் டெபிட் கார்டு நேற்று இரவு முதல் வேலை செய்யவில்லை. கடையில் பணம் செலுத்த முடியவில்லை. "
                   "தயவுசெய்து விரைவில் சரி செய்யுங்கள்.",
     "உங்கள் கார்டு பிரச்சினையை நாங்கள் சரிபார்க்கிறோம், இரண்டு நாட்களில் தீர்வு கிடைக்கும்."),
    ("hi", "Deva", "नमस्ते, मेरा डेबिट कार्ड कल रात से काम नहीं कर रहा है। दुकान पर भुगतान नहीं हो पाया। कृपया जल्दी ठीक कीजिए।",
     "आपकी शिकायत दर्ज हो गई है, दो दिन में समाधान हो जाएगा।"),
    ("bn", "Beng", "নমস্কার, আমার ডেবিট কার্ড কাল রাত থেকে কাজ করছে না। দোকানে টাকা দিতে পারিনি। দয়া করে তাড়াতাড়ি ঠিক করুন।",
     "আপনার অভিযোগ নথিভুক্ত হয়েছে, দুই দিনের মধ্যে সমাধান হবে।"),
    ("te", "Telu", "నమస్కారం, నా డెబిట్ కార్డు నిన్న రాత్రి నుండి పని చేయడం లేదు. దుకాణంలో డబ్బు చెల్లించలేకపోయాను. "
                   "దయచేసి త్వరగా సరిచేయండి.",
     "మీ ఫిర్యాదు నమోదు అయింది, రెండు రోజుల్లో పరిష్కారం అవుతుంది."),
    ("mr", "Deva", "नमस्कार, माझे डेबिट कार्ड काल रात्रीपासून चालत नाही. दुकानात पैसे भरता आले नाहीत. कृपया लवकर दुरुस्त करा.",
     "तुमची तक्रार नोंदवली गेली आहे, दोन दिवसांत सोडवली जाईल."),
    ("kn", "Knda", "ನಮಸ್ಕಾರ, ನನ್ನ ಡೆಬಿಟ್ ಕಾರ್ಡ್ ನಿನ್ನೆ ರಾತ್ರಿಯಿಂದ ಕೆಲಸ ಮಾಡುತ್ತಿಲ್ಲ. ಅಂಗಡಿಯಲ್ಲಿ ಹಣ ಪಾವತಿಸಲು ಆಗಲಿಲ್ಲ. "
                   "ದಯವಿಟ್ಟು ಬೇಗ ಸರಿಪಡಿಸಿ.",
     "ನಿಮ್ಮ ದೂರು ದಾಖಲಾಗಿದೆ, ಎರಡು ದಿನಗಳಲ್ಲಿ ಪರಿಹಾರ ಸಿಗುತ್ತದೆ."),
    ("ml", "Mlym", "നമസ്കാരം, എന്റെ ഡെബിറ്റ് കാർഡ് ഇന്നലെ രാത്രി മുതൽ പ്രവർത്തിക്കുന്നില്ല. കടയിൽ പണം അടയ്ക്കാൻ കഴിഞ്ഞില്ല. "
                   "ദയവായി വേഗം ശരിയാക്കൂ.",
     "നിങ്ങളുടെ പരാതി രേഖപ്പെടുത്തി, രണ്ട് ദിവസത്തിനകം പരിഹാരം ഉണ്ടാകും."),
    ("gu", "Gujr", "નમસ્તે, મારું ડેબિટ કાર્ડ ગઈ રાતથી કામ કરતું નથી. દુકાનમાં પૈસા ચૂકવી શક્યો નહીં. કૃપા કરીને જલ્દી ઠીક કરો.",
     "તમારી ફરિયાદ નોંધાઈ ગઈ છે, બે દિવસમાં ઉકેલ આવી જશે."),
]
# fewer words than any customer message above (as in the demo: a one-line reply to a longer message)
ENGLISH_REPLY = "Sorry for the trouble, we will fix your card soon."
SYSTEM_PROMPT = ("You are a polite and careful support assistant for a large Indian bank. Always answer briefly, "
                 "never ask for passwords, and stay on the topic of the customer's account.")


@pytest.fixture(scope="module")
def stage():
    return get_stage("langid")


def _sft_table(rows: list[dict]) -> pa.Table:
    # the record's joined text, as the ingest stores it (instruction, input, output)
    text = ["\n\n".join(v for v in (r.get("instruction"), r.get("input"), r.get("output")) if v) for r in rows]
    return pa.table({"text": text, **{f: [r.get(f) for r in rows] for f in ("instruction", "input", "output")}})


def _chat_table(chats: list[list[dict]], as_json: bool = True) -> pa.Table:
    text = ["\n".join(m["content"] for m in c) for c in chats]
    msgs = [json.dumps(c, ensure_ascii=False) for c in chats] if as_json else chats
    return pa.table({"text": text, "messages": msgs})


@pytest.mark.parametrize("lang,script,message,reply", NATIVE_PAIRS, ids=[p[0] for p in NATIVE_PAIRS])
def test_sft_with_english_template_is_its_input_and_output_language(stage, lang, script, message, reply):
    rows = [{"instruction": INSTRUCTION, "input": message, "output": reply},
            {"instruction": REPLY_INSTRUCTION, "input": message, "output": reply}]
    out = stage.fn(_sft_table(rows), stage.make_config({})).to_pylist()
    for r in out:
        assert (r["lang"], r["script"], r["romanized"], r["lang_fields"]) == (lang, script, False, "input+output"), r


@pytest.mark.parametrize("lang,script,message,reply", NATIVE_PAIRS[:5], ids=[p[0] for p in NATIVE_PAIRS[:5]])
def test_native_message_with_a_shorter_english_reply_is_the_message_language(stage, lang, script, message, reply):
    # the demo's other SFT shape: a customer message in an Indian language answered in English
    out = stage.fn(_sft_table([{"instruction": REPLY_INSTRUCTION, "input": message, "output": ENGLISH_REPLY}]),
                   stage.make_config({})).to_pylist()[0]
    assert (out["lang"], out["script"], out["romanized"]) == (lang, script, False), out


def test_sft_label_output_and_english_rows(stage):
    ta_msg = NATIVE_PAIRS[0][2]
    rows = [{"instruction": INSTRUCTION, "input": ta_msg, "output": "card blocked"},
            {"instruction": INSTRUCTION, "input": "My card stopped working at the shop last night, please fix it soon.",
             "output": "card blocked"}]
    out = stage.fn(_sft_table(rows), stage.make_config({})).to_pylist()
    assert [(r["lang"], r["codemixed"]) for r in out] == [("ta", False), ("en", False)]


def test_sft_without_input_reads_the_instruction(stage):
    # No input: the instruction is the request itself, not a template.
    row = {"instruction": "मेरे खाते से दो बार पैसे कट गए हैं, अब मुझे क्या करना चाहिए?",
           "output": "आप अपने बैंक की शाखा में लिखित शिकायत दीजिए, पैसा सात दिन में वापस आ जाएगा।"}
    out = stage.fn(_sft_table([row]), stage.make_config({})).to_pylist()[0]
    assert (out["lang"], out["lang_fields"]) == ("hi", "instruction+output"), out


def test_sft_fields_without_language_fall_back_to_the_text(stage):
    row = {"instruction": "Add the two numbers and give only the sum as digits, without any words or units.",
           "input": "1234 + 4321", "output": "5555"}
    out = stage.fn(_sft_table([row]), stage.make_config({})).to_pylist()[0]
    assert (out["lang"], out["lang_fields"]) == ("en", "text"), out


def test_fields_text_reads_only_the_text_field(stage):
    hi = NATIVE_PAIRS[1]
    table = pa.table({"text": ["Please summarise the following customer complaint in one short English line."],
                      "instruction": [INSTRUCTION], "input": [hi[2]], "output": [hi[3]]})
    auto = stage.fn(table, stage.make_config({})).to_pylist()[0]
    text = stage.fn(table, stage.make_config({"fields": "text"})).to_pylist()[0]
    assert (auto["lang"], auto["lang_fields"]) == ("hi", "input+output")
    assert (text["lang"], text["lang_fields"]) == ("en", "text")


@pytest.mark.parametrize("as_json", [True, False], ids=["json-text", "arrow-list"])
def test_chat_with_english_system_prompt_is_its_turns_language(stage, as_json):
    chats = [
        [{"role": "system", "content": SYSTEM_PROMPT},
         {"role": "user", "content": "नमस्ते, मेरा पता बदलना है। मैं अब पुणे में रहता हूँ, कृपया बताइए क्या करना होगा।"},
         {"role": "assistant", "content": "आप ऐप में प्रोफ़ाइल खोलकर नया पता और प्रमाण डाल दीजिए, दो दिन में बदल जाएगा।"}],
        [{"role": "system", "content": SYSTEM_PROMPT},
         {"role": "user", "content": "வணக்கம், என் முகவரியை மாற்ற வேண்டும். நான் இப்போது மதுரையில் இருக்கிறேன்."},
         {"role": "assistant", "content": "செயலியில் புதிய முகவரியும் சான்றும் பதிவேற்றுங்கள், இரண்டு நாட்களில் மாறும்."}],
        # a Tamil customer answered in English: the customer's turns still carry more words
        [{"role": "system", "content": SYSTEM_PROMPT},
         {"role": "user", "content": "வணக்கம், என் கடன் தவணை இந்த மாதம் இரண்டு முறை கழிக்கப்பட்டது. "
                                     "தயவுசெய்து கூடுதல் பணத்தை திருப்பி அனுப்புங்கள். நன்றி."},
         {"role": "assistant", "content": "Sorry about that, the extra amount will be returned soon."}],
        [{"role": "system", "content": SYSTEM_PROMPT},
         {"role": "user", "content": "Hi, I moved to Pune last month and need to change my address."},
         {"role": "assistant", "content": "You can upload the new address proof in the app under Profile."}],
    ]
    out = stage.fn(_chat_table(chats, as_json), stage.make_config({})).to_pylist()
    assert [(r["lang"], r["script"]) for r in out] == [("hi", "Deva"), ("ta", "Taml"), ("ta", "Taml"), ("en", "Latn")]
    assert {r["lang_fields"] for r in out} == {"messages:user"}


CANNED_REPLY = ("Thank you for contacting Sahyog Bank customer care. We have registered your request and our team "
                "will get back to you within two working days. Your ticket number is SR-48213. Please keep it for "
                "future reference and do not share your OTP or PIN with anyone.")


def test_a_canned_english_reply_does_not_decide_the_customers_language(stage):
    """The customer's turns decide when they say enough; the canned agent reply is longer than them."""
    chats = [
        [{"role": "system", "content": SYSTEM_PROMPT},
         {"role": "user", "content": "Mera credit card ka bill kitna hai? Pichle mahine ka payment ho gaya tha kya?"},
         {"role": "assistant", "content": CANNED_REPLY}],
        [{"role": "system", "content": SYSTEM_PROMPT},
         {"role": "user", "content": "என் கார்டு வேலை செய்யவில்லை, உடனே சரி செய்யுங்கள்."},
         {"role": "assistant", "content": CANNED_REPLY}],
        [{"role": "system", "content": SYSTEM_PROMPT},
         {"role": "user", "content": "naa card pani cheyyatledu, twaraga chudandi please"},
         {"role": "assistant", "content": CANNED_REPLY}],
        # too short to speak for the row: the whole conversation is read
        [{"role": "system", "content": SYSTEM_PROMPT},
         {"role": "user", "content": "ok"},
         {"role": "assistant", "content": "आपका कार्ड कल तक फिर से चालू हो जाएगा, कृपया ऐप में स्थिति देखते रहिए।"}],
    ]
    out = stage.fn(_chat_table(chats), stage.make_config({})).to_pylist()
    assert [r["lang"] for r in out] == ["hi", "ta", "te", "hi"], out
    assert [r["lang_fields"] for r in out] == ["messages:user"] * 3 + ["messages:user+assistant"]
    old = stage.fn(_chat_table(chats[:1]), stage.make_config({"chat_primary_role": None})).to_pylist()[0]
    assert (old["lang"], old["lang_fields"]) == ("en", "messages:user+assistant")  # what the canned reply did


def test_chat_roles_are_configurable(stage):
    chat = [{"role": "system", "content": SYSTEM_PROMPT},
            {"role": "user", "content": "नमस्ते, मेरा पता बदलना है। मैं अब पुणे में रहता हूँ।"},
            {"role": "assistant", "content": "Please upload the new address proof in the app under the Profile tab."}]
    out = stage.fn(_chat_table([chat]), stage.make_config({"chat_roles": ["user"]})).to_pylist()[0]
    assert (out["lang"], out["lang_fields"]) == ("hi", "messages:user"), out


def test_workspace_run_reads_the_record_shapes(ws, tmp_path):
    from curate.runner import run_stage

    ta, hi = NATIVE_PAIRS[0], NATIVE_PAIRS[1]
    ws.ingest([write_jsonl(tmp_path / "sft.jsonl", [
        {"instruction": INSTRUCTION, "input": ta[2], "output": ta[3]},
        {"instruction": REPLY_INSTRUCTION, "input": hi[2], "output": ENGLISH_REPLY},
    ])])
    ws.ingest([write_jsonl(tmp_path / "chat.jsonl", [{"messages": [
        {"role": "system", "content": SYSTEM_PROMPT},
        {"role": "user", "content": "வணக்கம், என் முகவரியை மாற்ற வேண்டும். நான் இப்போது மதுரையில் இருக்கிறேன்."},
        {"role": "assistant", "content": "செயலியில் புதிய முகவரியும் சான்றும் பதிவேற்றுங்கள், இரண்டு நாட்களில் மாறும்."}]}])])
    run_stage(ws, "langid", {}, workers=1)
    got = sorted(ws.con.execute("SELECT lang, lang_fields FROM lake.signal_langid").fetchall())
    assert got == [("hi", "input+output"), ("ta", "input+output"), ("ta", "messages:user")]


# Detector level: the joined text of a native paragraph and an English sentence.

@pytest.fixture(scope="module")
def det():
    return LanguageIdentifier()


def test_native_paragraph_outweighs_a_shorter_english_sentence(det):
    # 13 Tamil words against 11 English words, 6 of them function words ("we", "the", "will", "to" …)
    r = det.detect("என் கடன் தவணை இந்த மாதம் இரண்டு முறை கழிக்கப்பட்டது, தயவுசெய்து கூடுதல் பணத்தை திருப்பி அனுப்புங்கள் நன்றி.\n"
                   "We are sorry, the extra amount will be returned to your account.")
    assert (r.lang, r.script, r.embedded_lang, r.romanized) == ("ta", "Taml", "en", False), r


def test_english_row_with_a_native_script_clause_is_not_romanized(det):
    r = det.detect("Thank you for the quick help with my card yesterday, the branch staff were very kind to me. "
                   "மிக்க நன்றி அண்ணா")
    assert r.lang == "en" and r.romanized is False, r


def test_script_shares_count_vowel_signs_as_letters(det):
    # கிரெடிட் = க ி ர ெ ட ி ட ் : 8 code points, 4 of them signs (vowel signs and the pulli); "card": 4
    r = det.detect("கிரெடிட் card")
    assert r.script_shares == {"Taml": round(8 / 12, 4), "Latn": round(4 / 12, 4)}, r
