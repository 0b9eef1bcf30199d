"""The anonymization policy: which operator each entity type gets (YAML file, JSON Schema in schemas/)."""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Literal

import regex as re
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from curate.errors import CurateError, validation_message

Operator = Literal["placeholder", "mask", "hash", "pseudonym", "encrypt", "keep"]

# Metadata keys whose whole value is PII of a known type (matched case-insensitively, "_"/"-"/" " ignored).
DEFAULT_META_KEYS: dict[str, str] = {
    "phone": "IN_PHONE", "mobile": "IN_PHONE", "phonenumber": "IN_PHONE", "mobilenumber": "IN_PHONE",
    "contact": "IN_PHONE", "contactnumber": "IN_PHONE", "whatsapp": "IN_PHONE", "tel": "IN_PHONE",
    "email": "EMAIL_ADDRESS", "emailid": "EMAIL_ADDRESS", "mail": "EMAIL_ADDRESS",
    "aadhaar": "IN_AADHAAR", "aadhar": "IN_AADHAAR", "aadhaarnumber": "IN_AADHAAR", "uid": "IN_AADHAAR",
    "vid": "IN_VID", "pan": "IN_PAN", "pannumber": "IN_PAN", "gstin": "IN_GSTIN", "gst": "IN_GSTIN",
    "ifsc": "IN_IFSC", "upi": "IN_UPI", "upiid": "IN_UPI", "vpa": "IN_UPI",
    "voterid": "IN_VOTER", "epic": "IN_VOTER", "passport": "IN_PASSPORT", "passportnumber": "IN_PASSPORT",
    "dl": "IN_DRIVING_LICENCE", "drivinglicence": "IN_DRIVING_LICENCE", "drivinglicense": "IN_DRIVING_LICENCE",
    "vehicle": "IN_VEHICLE_REGISTRATION", "vehiclenumber": "IN_VEHICLE_REGISTRATION",
    "pincode": "IN_PIN_CODE", "pin": "IN_PIN_CODE", "postalcode": "IN_PIN_CODE", "zip": "IN_PIN_CODE",
    "account": "IN_BANK_ACCOUNT", "accountnumber": "IN_BANK_ACCOUNT", "accountno": "IN_BANK_ACCOUNT",
    "bankaccount": "IN_BANK_ACCOUNT", "abha": "IN_ABHA", "abhanumber": "IN_ABHA", "healthid": "IN_ABHA",
    "card": "CREDIT_CARD", "cardnumber": "CREDIT_CARD", "ip": "IP_ADDRESS", "ipaddress": "IP_ADDRESS",
    "name": "PERSON", "customername": "PERSON", "fullname": "PERSON", "firstname": "PERSON",
    "lastname": "PERSON", "agentname": "PERSON", "username": "PERSON", "fathername": "PERSON",
    "mothername": "PERSON", "nominee": "PERSON", "accountholder": "PERSON", "patientname": "PERSON",
    "custname": "PERSON", "clientname": "PERSON", "holdername": "PERSON", "applicantname": "PERSON",
    "beneficiaryname": "PERSON", "contactname": "PERSON", "spousename": "PERSON", "guardianname": "PERSON",
    "dob": "DATE_OF_BIRTH", "dateofbirth": "DATE_OF_BIRTH", "birthdate": "DATE_OF_BIRTH", "birthday": "DATE_OF_BIRTH",
    "जन्मतिथि": "DATE_OF_BIRTH",
    "cell": "IN_PHONE", "cellphone": "IN_PHONE", "msisdn": "IN_PHONE", "landline": "IN_PHONE",
    "aadhaarcard": "IN_AADHAAR", "aadharcard": "IN_AADHAAR", "uidai": "IN_AADHAAR", "pancard": "IN_PAN",
    "iban": "IN_BANK_ACCOUNT", "acno": "IN_BANK_ACCOUNT", "acctno": "IN_BANK_ACCOUNT", "acct": "IN_BANK_ACCOUNT",
    "ifsccode": "IN_IFSC", "epicno": "IN_VOTER", "voter": "IN_VOTER", "licence": "IN_DRIVING_LICENCE",
    "license": "IN_DRIVING_LICENCE", "regno": "IN_VEHICLE_REGISTRATION", "emailaddress": "EMAIL_ADDRESS",
    # Keys written in Indian scripts (CRM exports with localised headers).
    "मोबाइल": "IN_PHONE", "फोन": "IN_PHONE", "फ़ोन": "IN_PHONE", "आधार": "IN_AADHAAR", "ईमेल": "EMAIL_ADDRESS",
    "नाम": "PERSON", "पैन": "IN_PAN", "खाता": "IN_BANK_ACCOUNT", "মোবাইল": "IN_PHONE", "আধার": "IN_AADHAAR",
    "நாம்": "PERSON", "கைபேசி": "IN_PHONE", "ஆதார்": "IN_AADHAAR",
}
# Trailing words that qualify an identifier key without changing what it holds ("Aadhaar No.", "mobile_number").
_KEY_QUALIFIERS = {"no", "num", "nbr", "number", "numbers", "nos", "value", "val", "details", "detail", "code",
                   "नंबर", "संख्या", "क्रमांक", "नं"}
# Entity types a key may imply by its last word(s) ("cust.mobile", "customer_email"); names are only taken
# from whole keys ("customer_name", not "product_name").
_SUFFIX_OK = {"IN_PHONE", "EMAIL_ADDRESS", "IN_AADHAAR", "IN_VID", "IN_PAN", "IN_GSTIN", "IN_UPI", "IN_VOTER",
              "IN_PASSPORT", "IN_BANK_ACCOUNT", "IN_ABHA", "CREDIT_CARD", "IN_IFSC"}
_KEY_WORD = re.compile(r"[\p{L}\p{M}\p{N}]+")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")


def key_words(key: str) -> list[str]:
    """Words of a field/column/metadata key: "Aadhaar No." -> [aadhaar, no]; "custMobile" -> [cust, mobile]."""
    return [w.lower() for w in _KEY_WORD.findall(_CAMEL.sub(" ", unicodedata.normalize("NFC", str(key))))]


def key_entity(key: str, meta_keys: dict[str, str] | None = None) -> str | None:
    """The entity type a key says its whole value is, or None.

    Tried in order: the whole key with separators removed ("customer_name" -> customername), the same
    without trailing qualifiers ("Aadhaar No." -> aadhaar), then its trailing words ("cust.mobile" ->
    mobile, "primary_email_id" -> emailid) for identifier types only.
    """
    table = DEFAULT_META_KEYS if meta_keys is None else meta_keys
    words = key_words(key)
    if not words:
        return None
    hit = table.get("".join(words))
    if hit:
        return hit
    core = list(words)
    while len(core) > 1 and core[-1] in _KEY_QUALIFIERS:
        core.pop()
    hit = table.get("".join(core))
    if hit:
        return hit
    for i in range(1, len(core)):
        hit = table.get("".join(core[i:]))
        if hit in _SUFFIX_OK:
            return hit
    return None


# Characters a mask may leave visible: UIDAI's masked Aadhaar shows the last 4 digits (and banks mask card and phone
# numbers the same way); more identify the person within a bank's customer base.
MAX_VISIBLE = 4
# Entity types that identify no person (a bank branch's IFSC): keeping them is no privacy weakness.
NOT_PERSONAL = frozenset({"IN_IFSC"})


class OperatorSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    operator: Operator = "placeholder"
    keep_last: int = Field(4, ge=0, le=8, description="mask: characters left visible at the end")
    mask_char: str = Field("X", min_length=1, max_length=1)
    hash_chars: int = Field(12, ge=8, le=64, description="hash: hex characters of the HMAC kept in the token")


def _default_operators() -> dict[str, OperatorSpec]:
    # Names get consistent pseudonyms so training text still reads like a conversation; identifiers get
    # typed placeholders ("<IN_AADHAAR>") which keep the grammar and tell the model what stood there.
    return {"PERSON": OperatorSpec(operator="pseudonym")}


class PiiPolicy(BaseModel):
    """Operators per entity type; unknown keys are errors."""

    model_config = ConfigDict(extra="forbid")

    version: Literal[1] = 1
    default: OperatorSpec = Field(default_factory=OperatorSpec)
    operators: dict[str, OperatorSpec] = Field(default_factory=_default_operators)
    threshold: float = Field(0.5, ge=0, le=1, description="minimum recognizer score")
    entities: list[str] | None = Field(None, description="entity types to detect (default: all)")
    key_file: str | None = Field(None, description="file holding the HMAC key (mode 0600); env CURATE_PII_KEY wins")
    meta_keys: dict[str, str] = Field(default_factory=lambda: dict(DEFAULT_META_KEYS), validate_default=True,
                                      description="metadata key or column name (case, spaces and punctuation "
                                                  "ignored) -> entity type of its whole value")

    @field_validator("meta_keys")
    @classmethod
    def _normalise_keys(cls, value: dict[str, str]) -> dict[str, str]:
        return {"".join(key_words(k)): v for k, v in value.items() if key_words(k)}

    def spec(self, entity: str) -> OperatorSpec:
        return self.operators.get(entity, self.default)

    def weaknesses(self) -> list[str]:
        """What this policy leaves readable, one phrase per entity type (empty when nothing): ``keep`` on a
        personal type, or ``mask`` showing more than :data:`MAX_VISIBLE` characters (UIDAI's masked Aadhaar and
        the banks' masked card and phone numbers show the last 4). A row anonymized under such a policy is not
        anonymized: the stage holds it back (``pii_covered=false``, reason ``policy:…``)."""
        out = []
        for entity, spec in sorted({**{"default": self.default}, **self.operators}.items()):
            if entity in NOT_PERSONAL:
                continue
            if spec.operator == "keep":
                out.append(f"{entity} keep")
            elif spec.operator == "mask" and spec.keep_last > MAX_VISIBLE:
                out.append(f"{entity} mask keep_last {spec.keep_last} > {MAX_VISIBLE}")
        return out


def load_policy(path: str | Path | None = None, data: dict | None = None) -> PiiPolicy:
    if path is None and data is None:
        return PiiPolicy()
    if path is not None:
        from curate.yamlfile import read_yaml

        data = read_yaml(path, "policy file") or {}
    try:
        return PiiPolicy.model_validate(data)
    except ValidationError as exc:
        raise CurateError(f"PII policy: bad value at {validation_message(exc)}") from None
