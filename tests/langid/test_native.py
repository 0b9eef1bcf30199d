"""Every scheduled language in its native script, plus English.

The sentences are written for these tests and are NOT in the model's seed text
(``curate/langid/seed``), so they check generalisation, not memorisation.
"""

from __future__ import annotations

import pytest

from curate.langid.detect import LanguageIdentifier

NATIVE = {
    "as": ("মোৰ দেউতাই প্ৰতি ৰাতিপুৱা বাগিচাত কাম কৰে আৰু মই তেওঁক সহায় কৰোঁ।", "Beng"),
    "bn": ("আমার বাবা প্রতিদিন সকালে বাগানে কাজ করেন এবং আমি তাঁকে সাহায্য করি।", "Beng"),
    "brx": ("आंनि आफाया सानफ्रोमबो सुबुं बागानाव हाबा मावो आरो आं बिखौ मदद होयो।", "Deva"),
    "doi": ("मेरे बापू रोज सवेरै बगीचे च कम्म करदे न ते में उंदी मदद करदा आं।", "Deva"),
    "gu": ("મારા પિતા દરરોજ સવારે બગીચામાં કામ કરે છે અને હું તેમને મદદ કરું છું.", "Gujr"),
    "hi": ("मेरे पिताजी रोज़ सुबह बगीचे में काम करते हैं और मैं उनकी मदद करता हूँ।", "Deva"),
    "kn": ("ನನ್ನ ತಂದೆ ಪ್ರತಿದಿನ ಬೆಳಿಗ್ಗೆ ತೋಟದಲ್ಲಿ ಕೆಲಸ ಮಾಡುತ್ತಾರೆ ಮತ್ತು ನಾನು ಅವರಿಗೆ ಸಹಾಯ ಮಾಡುತ್ತೇನೆ.", "Knda"),
    "ks": ("میون مول چھُ پرٛتھ دۄہ صُبحن باغس منٛز کٲم کران تہٕ بہٕ چھُس تَس مدد کران۔", "Arab"),
    "kok": ("म्हजो बापूय दर दिसा सकाळीं बागेंत काम करता आनी हांव ताका आदार करतां।", "Deva"),
    "mai": ("हमर बाबूजी रोज भोरे बगीचा मे काज करैत छथि आ हम हुनका मदति करैत छियनि।", "Deva"),
    "ml": ("എന്റെ അച്ഛൻ എല്ലാ ദിവസവും രാവിലെ തോട്ടത്തിൽ ജോലി ചെയ്യുന്നു, ഞാൻ അദ്ദേഹത്തെ സഹായിക്കുന്നു.", "Mlym"),
    "mni": ("ꯑꯩꯒꯤ ꯄꯥꯄꯥꯅꯥ ꯅꯨꯃꯤꯠ ꯈꯨꯗꯤꯡꯒꯤ ꯑꯌꯨꯛꯇꯥ ꯂꯧꯕꯨꯛꯇꯥ ꯊꯕꯛ ꯇꯧꯏ ꯑꯃꯁꯨꯡ ꯑꯩꯅꯥ ꯃꯍꯥꯀꯄꯨ ꯃꯇꯦꯡ ꯄꯥꯡꯏ꯫", "Mtei"),
    "mr": ("माझे वडील रोज सकाळी बागेत काम करतात आणि मी त्यांना मदत करतो.", "Deva"),
    "ne": ("मेरो बुबा हरेक बिहान बगैँचामा काम गर्नुहुन्छ र म उहाँलाई सहयोग गर्छु।", "Deva"),
    "or": ("ମୋ ବାପା ପ୍ରତିଦିନ ସକାଳେ ବଗିଚାରେ କାମ କରନ୍ତି ଏବଂ ମୁଁ ତାଙ୍କୁ ସାହାଯ୍ୟ କରେ।", "Orya"),
    "pa": ("ਮੇਰੇ ਪਿਤਾ ਜੀ ਹਰ ਰੋਜ਼ ਸਵੇਰੇ ਬਾਗ਼ ਵਿੱਚ ਕੰਮ ਕਰਦੇ ਹਨ ਅਤੇ ਮੈਂ ਉਨ੍ਹਾਂ ਦੀ ਮਦਦ ਕਰਦਾ ਹਾਂ।", "Guru"),
    "sa": ("मम पिता प्रतिदिनं प्रातः उद्याने कार्यं करोति अहं च तस्य साहाय्यं करोमि।", "Deva"),
    "sat": ("ᱤᱧᱟᱜ ᱵᱟᱵᱟ ᱢᱤᱫ ᱢᱤᱫ ᱫᱤᱱ ᱥᱮᱛᱟᱜ ᱵᱟᱜᱤᱪᱟ ᱨᱮ ᱠᱟᱹᱢᱤ ᱠᱟᱱᱟ ᱟᱨ ᱤᱧ ᱜᱚᱲᱚ ᱮᱢᱟᱭᱤᱧ᱾", "Olck"),
    "sd": ("منهنجو پيءُ هر روز صبح جو باغ ۾ ڪم ڪندو آهي ۽ آءٌ هن جي مدد ڪندو آهيان.", "Arab"),
    "ta": ("என் அப்பா தினமும் காலையில் தோட்டத்தில் வேலை செய்கிறார், நான் அவருக்கு உதவுகிறேன்.", "Taml"),
    "te": ("మా నాన్న ప్రతిరోజూ ఉదయం తోటలో పని చేస్తారు, నేను ఆయనకు సహాయం చేస్తాను.", "Telu"),
    "ur": ("میرے والد ہر روز صبح باغ میں کام کرتے ہیں اور میں ان کی مدد کرتا ہوں۔", "Arab"),
    "en": ("My father works in the garden every morning and I help him with the watering.", "Latn"),
}

# A second, different sentence for the languages that share a script (the hard cases).
SHARED_SCRIPT = [
    ("hi", "कल रात तेज़ हवा चलने से कई पेड़ गिर गए और बिजली चली गई।"),
    ("mr", "काल रात्री जोरदार वाऱ्यामुळे अनेक झाडे पडली आणि वीज गेली."),
    ("ne", "हिजो राति हावाहुरीले गर्दा धेरै रूखहरू ढले र बत्ती गयो।"),
    ("sa", "ह्यः रात्रौ प्रचण्डः वायुः अवहत् तेन बहवः वृक्षाः अपतन्।"),
    ("mai", "काल्हि राति तेज हवा चलबाक कारणेँ बहुत गाछ खसि पड़ल आ बिजली चलि गेल।"),
    ("kok", "काल रातीं व्हडल्या वाऱ्यान जायतीं झाडां पडलीं आनी वीज गेली।"),
    ("doi", "कल्ल रातीं तेज हवा चलने करी मते सारे बूह्टे डिग्गी गे ते बिजली चली गेई।"),
    ("brx", "मैया हर सान गोख्रों बार बोनाय जानाय थाखाय बांसिन बिफां गोग्लैबाय आरो बिजुलि थांबाय।"),
    ("bn", "গতকাল রাতে জোরে হাওয়া বওয়ায় অনেক গাছ পড়ে গেছে আর বিদ্যুৎ চলে গেছে।"),
    ("as", "কালি ৰাতি প্ৰবল বতাহ বোৱাৰ ফলত বহুতো গছ পৰি গ'ল আৰু বিদ্যুৎ গ'ল।"),
    ("ur", "کل رات تیز ہوا چلنے سے کئی درخت گر گئے اور بجلی چلی گئی۔"),
    ("sd", "ڪالهه رات تيز هوا لڳڻ سبب ڪيترائي وڻ ڪري پيا ۽ بجلي هلي وئي."),
    ("ks", "راتھ راتھ آیہِ تیز واو تہٕ واریاہ کُلۍ پیٚیہِ تہٕ بجلی گیہِ۔"),
]


@pytest.fixture(scope="module")
def det():
    return LanguageIdentifier()


@pytest.mark.parametrize("lang", sorted(NATIVE))
def test_every_scheduled_language_native_script(det, lang):
    text, script = NATIVE[lang]
    r = det.detect(text)
    assert (r.lang, r.script) == (lang, script), r
    assert not r.romanized and not r.codemixed
    assert r.lang_score >= 0.5
    assert r.lang_alternatives[0][0] == lang


def test_all_22_scheduled_languages_are_covered():
    scheduled = {"as", "bn", "brx", "doi", "gu", "hi", "kn", "ks", "kok", "mai", "ml", "mni", "mr", "ne", "or", "pa",
                 "sa", "sat", "sd", "ta", "te", "ur"}
    assert scheduled <= set(NATIVE)


@pytest.mark.parametrize("lang,text", SHARED_SCRIPT)
def test_languages_sharing_a_script(det, lang, text):
    assert det.detect(text).lang == lang


def test_manipuri_in_bengali_script(det):
    r = det.detect("ঐখোয়না ঙসি নুমিদাংদা মার্কেটতা চৎলগা মশিং য়াম্না লৈখি অমসুং য়ুমদা হল্লকখি।")
    assert (r.lang, r.script) == ("mni", "Beng")


def test_assamese_letters_outweigh_shared_words(det):
    # ৰ and ৱ are Assamese-only letters; the sentence is otherwise close to Bengali.
    assert det.detect("আমাৰ ঘৰৰ পৰা বজাৰ বহুত দূৰত নহয়।").lang == "as"


def test_orthography_rules_rule_out_languages(det):
    # Short texts where n-grams alone are weak: the letters decide.
    assert det.detect("ڪالهه ملنداسين").lang == "sd"        # ڪ never occurs in Urdu
    assert det.detect("تۄہۍ کتہِ چھِو").lang == "ks"          # ۄ and ٕ/ِ marks are Kashmiri
    assert det.detect("মোৰ নাম ৰাম").lang == "as"             # ৰ is Assamese-only
    assert det.detect("আমার নাম রাম").lang == "bn"            # র rules out Assamese
