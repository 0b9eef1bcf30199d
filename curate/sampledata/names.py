"""People and places for the synthetic records, each name in the scripts it is written in.

A person is a (given, family) pair with the Latin spelling used in metadata columns and the native
spelling used inside Hindi/Marathi (Devanagari), Tamil and Bengali text, so a PII detector sees both.
"""

from __future__ import annotations

# (latin, devanagari, tamil, bengali, gender)
GIVEN = [
    ("Aarav", "आरव", "ஆரவ்", "আরভ", "male"), ("Rahul", "राहुल", "ராகுல்", "রাহুল", "male"),
    ("Amit", "अमित", "அமித்", "অমিত", "male"), ("Suresh", "सुरेश", "சுரேஷ்", "সুরেশ", "male"),
    ("Vikram", "विक्रम", "விக்ரம்", "বিক্রম", "male"), ("Arjun", "अर्जुन", "அர்ஜுன்", "অর্জুন", "male"),
    ("Karthik", "कार्तिक", "கார்த்திக்", "কার্তিক", "male"), ("Sanjay", "संजय", "சஞ்சய்", "সঞ্জয়", "male"),
    ("Rohan", "रोहन", "ரோஹன்", "রোহন", "male"), ("Anirban", "अनिर्बान", "அனிர்பன்", "অনির্বাণ", "male"),
    ("Murugan", "मुरुगन", "முருகன்", "মুরুগান", "male"), ("Sourav", "सौरव", "சௌரவ்", "সৌরভ", "male"),
    ("Ganesh", "गणेश", "கணேஷ்", "গণেশ", "male"), ("Imran", "इमरान", "இம்ரான்", "ইমরান", "male"),
    ("Priya", "प्रिया", "பிரியா", "প্রিয়া", "female"), ("Ananya", "अनन्या", "அனன்யா", "অনন্যা", "female"),
    ("Sneha", "स्नेहा", "சினேகா", "স্নেহা", "female"), ("Kavya", "काव्या", "காவ்யா", "কাব্য", "female"),
    ("Lakshmi", "लक्ष्मी", "லட்சுமி", "লক্ষ্মী", "female"), ("Meena", "मीना", "மீனா", "মীনা", "female"),
    ("Pooja", "पूजा", "பூஜா", "পূজা", "female"), ("Divya", "दिव्या", "திவ்யா", "দিব্যা", "female"),
    ("Riya", "रिया", "ரியா", "রিয়া", "female"), ("Shreya", "श्रेया", "ஸ்ரேயா", "শ্রেয়া", "female"),
    ("Moumita", "मौमिता", "மௌமிதா", "মৌমিতা", "female"), ("Sunita", "सुनीता", "சுனிதா", "সুনীতা", "female"),
    ("Fatima", "फ़ातिमा", "பாத்திமா", "ফাতিমা", "female"), ("Aishwarya", "ऐश्वर्या", "ஐஸ்வர்யா", "ঐশ্বর্য", "female"),
]

# (latin, devanagari, tamil, bengali)
FAMILY = [
    ("Sharma", "शर्मा", "சர்மா", "শর্মা"), ("Verma", "वर्मा", "வர்மா", "ভার্মা"),
    ("Patel", "पटेल", "படேல்", "প্যাটেল"), ("Gupta", "गुप्ता", "குப்தா", "গুপ্ত"),
    ("Iyer", "अय्यर", "ஐயர்", "আইয়ার"), ("Subramanian", "सुब्रमण्यन", "சுப்பிரமணியன்", "সুব্রহ্মণ্যম"),
    ("Chatterjee", "चटर्जी", "சட்டர்ஜி", "চট্টোপাধ্যায়"), ("Banerjee", "बनर्जी", "பானர்ஜி", "বন্দ্যোপাধ্যায়"),
    ("Deshmukh", "देशमुख", "தேஷ்முக்", "দেশমুখ"), ("Kulkarni", "कुलकर्णी", "குல்கர்னி", "কুলকার্নি"),
    ("Reddy", "रेड्डी", "ரெட்டி", "রেড্ডি"), ("Nair", "नायर", "நாயர்", "নায়ার"),
    ("Das", "दास", "தாஸ்", "দাস"), ("Singh", "सिंह", "சிங்", "সিং"),
    ("Khan", "ख़ान", "கான்", "খান"), ("Pillai", "पिल्लई", "பிள்ளை", "পিল্লাই"),
    ("Joshi", "जोशी", "ஜோஷி", "যোশী"), ("Mukherjee", "मुखर्जी", "முகர்ஜி", "মুখোপাধ্যায়"),
    ("Pawar", "पवार", "பவார்", "পাওয়ার"), ("Venkatesan", "वेंकटेशन", "வெங்கடேசன்", "ভেঙ্কটেশন"),
]

# (city latin, city native by language, state, GST state code)
CITIES = [
    ("Mumbai", {"hi": "मुंबई", "mr": "मुंबई", "ta": "மும்பை", "bn": "মুম্বই"}, "Maharashtra", "27"),
    ("Pune", {"hi": "पुणे", "mr": "पुणे", "ta": "புனே", "bn": "পুনে"}, "Maharashtra", "27"),
    ("Nagpur", {"hi": "नागपुर", "mr": "नागपूर", "ta": "நாக்பூர்", "bn": "নাগপুর"}, "Maharashtra", "27"),
    ("Delhi", {"hi": "दिल्ली", "mr": "दिल्ली", "ta": "தில்லி", "bn": "দিল্লি"}, "Delhi", "07"),
    ("Lucknow", {"hi": "लखनऊ", "mr": "लखनौ", "ta": "லக்னோ", "bn": "লখনউ"}, "Uttar Pradesh", "09"),
    ("Jaipur", {"hi": "जयपुर", "mr": "जयपूर", "ta": "ஜெய்ப்பூர்", "bn": "জয়পুর"}, "Rajasthan", "08"),
    ("Patna", {"hi": "पटना", "mr": "पाटणा", "ta": "பாட்னா", "bn": "পাটনা"}, "Bihar", "10"),
    ("Chennai", {"hi": "चेन्नई", "mr": "चेन्नई", "ta": "சென்னை", "bn": "চেন্নাই"}, "Tamil Nadu", "33"),
    ("Coimbatore", {"hi": "कोयंबटूर", "mr": "कोईम्बतूर", "ta": "கோயம்புத்தூர்", "bn": "কোয়েম্বাটোর"}, "Tamil Nadu", "33"),
    ("Madurai", {"hi": "मदुरै", "mr": "मदुराई", "ta": "மதுரை", "bn": "মাদুরাই"}, "Tamil Nadu", "33"),
    ("Kolkata", {"hi": "कोलकाता", "mr": "कोलकाता", "ta": "கொல்கத்தா", "bn": "কলকাতা"}, "West Bengal", "19"),
    ("Siliguri", {"hi": "सिलीगुड़ी", "mr": "सिलिगुडी", "ta": "சிலிகுரி", "bn": "শিলিগুড়ি"}, "West Bengal", "19"),
    ("Bengaluru", {"hi": "बेंगलुरु", "mr": "बंगळुरू", "ta": "பெங்களூரு", "bn": "বেঙ্গালুরু"}, "Karnataka", "29"),
    ("Hyderabad", {"hi": "हैदराबाद", "mr": "हैदराबाद", "ta": "ஹைதராபாத்", "bn": "হায়দ্রাবাদ"}, "Telangana", "36"),
    ("Ahmedabad", {"hi": "अहमदाबाद", "mr": "अहमदाबाद", "ta": "அகமதாபாத்", "bn": "আহমেদাবাদ"}, "Gujarat", "24"),
    ("Kochi", {"hi": "कोच्चि", "mr": "कोची", "ta": "கொச்சி", "bn": "কোচি"}, "Kerala", "32"),
]

# Cities that suit each language, so a Tamil ticket usually comes from Tamil Nadu.
HOME_CITIES = {
    "en": None, "hinglish": ["Delhi", "Lucknow", "Jaipur", "Mumbai", "Patna", "Bengaluru", "Hyderabad"],
    "hi": ["Delhi", "Lucknow", "Jaipur", "Patna"], "mr": ["Mumbai", "Pune", "Nagpur"],
    "ta": ["Chennai", "Coimbatore", "Madurai"], "bn": ["Kolkata", "Siliguri"],
}

# (bank name, IFSC prefix, UPI handles)
BANKS = [
    ("HDFC Bank", "HDFC", ["okhdfcbank", "hdfcbank"]), ("State Bank of India", "SBIN", ["oksbi", "sbi"]),
    ("ICICI Bank", "ICIC", ["okicici", "icici"]), ("Axis Bank", "UTIB", ["okaxis", "axl"]),
    ("Punjab National Bank", "PUNB", ["pnb"]), ("Kotak Mahindra Bank", "KKBK", ["kotak"]),
    ("Canara Bank", "CNRB", ["cnrb"]), ("Bank of Baroda", "BARB", ["barodampay"]),
]
WALLET_HANDLES = ["paytm", "ybl", "ibl", "apl", "upi"]
EMAIL_DOMAINS = ["gmail.com", "yahoo.co.in", "rediffmail.com", "outlook.com", "hotmail.com"]

# Goan / Anglo-Indian names that need characters outside ASCII: they exercise cp1252 encoding.
LEGACY_NAMES = ["José D’Souza", "Inês Fernandes", "Agnelo Rodrigues", "Conceição Pereira", "Zoë Pinto",
                "André Menezes", "Mónica Colaço", "Francis Noronha"]
