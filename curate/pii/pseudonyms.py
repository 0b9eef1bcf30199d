"""Consistent pseudonyms: the same real value always maps to the same realistic fake value.

The fake is drawn from a random generator seeded with HMAC(key, type + normalised value),
so it is stable across documents, runs and processes, cannot be recomputed without the
key, and looks like the original: a checksum-valid Aadhaar in the same grouping and
digit script, a PAN with the same holder type, a name from the same script.

Person names are pseudonymised per *document* (:func:`person_pseudonyms`), token by token: each given
name and each surname gets its own keyed fake, so "Priya Sharma", "Priya" and "Sharma ji" in one chat
become "Kavya Dutta", "Kavya" and "Dutta ji", and "Rahul Sharma" keeps the family name ("… Dutta").
Within a document two different real tokens never get the same fake, and no fake equals a real name
token of that document (collisions are resolved by further keyed draws, in an order fixed by the key,
not by where the names stand). Fakes come from the name's own script and, where Faker's lists know the
given name's gender, from the same gender (:func:`curate.pii.lexicon.pseudonym_pools`).
"""

from __future__ import annotations

import hashlib
import hmac
import random
import re
import string

from curate.pii import checksums
from curate.pii.lexicon import fake_names, load_lexicon, name_genders, pseudonym_pools
from curate.text.digits import digit_set, render_digits, to_ascii_digits
from curate.text.scripts import script_of_char


def normalise(entity: str, value: str) -> str:
    v = to_ascii_digits(value).strip()
    if entity == "PERSON":
        return " ".join(v.lower().split())
    if entity in ("EMAIL_ADDRESS", "IN_UPI", "URL"):
        return v.lower()
    return re.sub(r"[\s\-().]", "", v).upper()


def digest(key: bytes, entity: str, value: str) -> bytes:
    return hmac.new(key, f"{entity}\x00{normalise(entity, value)}".encode(), hashlib.sha256).digest()


def _rng(key: bytes, entity: str, value: str, attempt: int = 0) -> random.Random:
    d = digest(key, entity, value)
    return random.Random(int.from_bytes(d, "big") + attempt)


def _reshape(template: str, fake: str) -> str:
    """Pour the characters of ``fake`` into the alphanumeric slots of ``template`` (keeps separators)."""
    it = iter(fake)
    out = [next(it, c) if c.isalnum() else c for c in template]
    return "".join(out)


def _shape_fake(value: str, rng: random.Random, keep: int = 0) -> str:
    """Replace letters by letters and digits by digits (same case), keeping the first ``keep`` alphanumerics."""
    out, seen = [], 0
    for c in value:
        if c.isalnum():
            seen += 1
            if seen <= keep:
                out.append(c)
            elif c.isdigit():
                out.append(str(rng.randint(0, 9)))
            elif c.isupper():
                out.append(rng.choice(string.ascii_uppercase))
            else:
                out.append(rng.choice(string.ascii_lowercase))
        else:
            out.append(c)
    return "".join(out)


_INITIAL = re.compile(r"[A-Za-z]\.?")


def _token_key(tok: str) -> str:
    return tok.lower()


def _roles(values: list[str]) -> dict[str, str]:
    """Role of every name token of a document: ``g`` given, ``s`` surname, ``i`` an initial ("R.").

    In a name of several words the last is the surname and the others given names; a name of one word is a
    surname when the document uses it as one ("Priya Sharma" … "Sharma ji"), a given name when it uses it
    as one, else what the lexicon says (``S`` = surname)."""
    given: set[str] = set()
    surnames: set[str] = set()
    for v in values:
        toks = [t for t in v.split() if not _INITIAL.fullmatch(t)]
        if len(toks) > 1:
            given.update(_token_key(t) for t in toks[:-1])
            surnames.add(_token_key(toks[-1]))
    roles: dict[str, str] = {}
    lex = load_lexicon()
    for v in values:
        toks = v.split()
        named = [t for t in toks if not _INITIAL.fullmatch(t)]
        for t in toks:
            k = _token_key(t)
            if _INITIAL.fullmatch(t):
                roles.setdefault(k, "i")
            elif len(named) > 1:
                roles[k] = "s" if t == named[-1] and k not in given else roles.get(k, "g")
            elif k in surnames and k not in given:
                roles.setdefault(k, "s")
            elif k not in roles:
                roles[k] = "s" if k in surnames or (k not in given and lex.kind(t) == "S") else "g"
    return roles


def _candidates(role: str, script: str, token: str) -> list[tuple[str, ...]]:
    """Pools to draw from, best first: same script (Latin when the script has none) and, for a given name,
    same gender when known, then the gender-neutral names, then the other gender."""
    pools = pseudonym_pools()
    pool = pools.get(script) or pools["Latn"]
    if role == "s":
        return [pool.surnames]
    gender = name_genders().get(token.lower(), "-")
    order = [gender] + [g for g in ("-", "m", "f") if g != gender]
    return [pool.given[g] for g in order if pool.given[g]]


def _draw(key: bytes, role: str, token: str, script: str, taken: set[str]) -> str | None:
    """A keyed fake for one name token that is not in ``taken`` (lower-cased); None if every pool is spent.

    The HMAC of the token gives eight 32-bit draws per pool, then a walk through the pool from the first."""
    seed = hmac.digest(key, f"PERSON\x00{role}\x00{_token_key(token)}".encode(), "sha256")
    draws = [int.from_bytes(seed[i:i + 4], "big") for i in range(0, len(seed), 4)]
    for pool in _candidates(role, script, token):
        for d in draws:
            fake = pool[d % len(pool)]
            if fake.lower() not in taken:
                return fake
        for i in range(len(pool)):
            fake = pool[(draws[0] + i) % len(pool)]
            if fake.lower() not in taken:
                return fake
    return None


def _token_script(tok: str) -> str:
    """The script of a name token: that of its first letter (a token is one word; ``dominant_script`` counts
    every script and costs ~0.2 ms a call)."""
    for ch in tok:
        if ch.isalpha():
            return script_of_char(ch) or "Latn"
    return "Latn"


def _cased(fake: str, like: str) -> str:
    if like.isupper() and len(like) > 1:
        return fake.upper()
    if like.islower():
        return fake.lower()
    return fake


def person_pseudonyms(key: bytes, values) -> dict[str, str]:
    """Fakes for every person name of one document: ``{surface: fake}`` for each distinct string in ``values``.

    Consistent token by token (see the module doc), collision-free within the document, keyed (the same
    key and names give the same fakes in any order and on any worker; without the key they cannot be
    recomputed). A name whose pools are spent (more distinct names than the pool holds) becomes ``<PERSON>``.
    """
    values = sorted({v for v in values if v and v.split()})
    roles = _roles(values)
    real = set(roles)
    tokens: dict[str, str] = {}  # token key -> a surface form (for script and gender)
    for v in values:
        for t in v.split():
            tokens.setdefault(_token_key(t), t)

    def order(k: str) -> bytes:
        return hmac.digest(key, f"PERSON-ORDER\x00{k}".encode(), "sha256")

    fakes: dict[str, str | None] = {}
    taken = set(real)
    for k in sorted(tokens, key=order):
        tok, role = tokens[k], roles[k]
        if role == "i":
            letters = [c for c in string.ascii_uppercase if c != tok[0].upper()]
            fakes[k] = letters[order(k)[0] % len(letters)] + tok[1:]
            continue
        fake = _draw(key, role, tok, _token_script(tok), taken)
        fakes[k] = fake
        if fake is not None:
            taken.add(fake.lower())
    out: dict[str, str] = {}
    for v in values:
        parts = [fakes.get(_token_key(t)) for t in v.split()]
        if any(p is None for p in parts):
            out[v] = "<PERSON>"
        else:
            out[v] = " ".join(_cased(p, t) for p, t in zip(parts, v.split()))
    return out


def _fake(entity: str, value: str, rng: random.Random) -> str:
    ascii_value = to_ascii_digits(value)
    digits = re.sub(r"\D", "", ascii_value)
    if entity == "IN_AADHAAR":
        return _reshape(ascii_value, checksums.make_aadhaar(rng))
    if entity == "IN_VID":
        return _reshape(ascii_value, checksums.make_vid(rng))
    if entity == "CREDIT_CARD" and digits:
        return _reshape(ascii_value, checksums.make_card(rng, prefix=digits[0], length=len(digits)))
    if entity == "IN_PAN":
        fake = checksums.make_pan(rng, holder=ascii_value[3].upper())
        return fake.lower() if ascii_value.islower() else fake
    if entity == "IN_GSTIN":
        state = int(ascii_value[:2]) if ascii_value[:2].isdigit() and 1 <= int(ascii_value[:2]) <= 38 else 27
        return checksums.make_gstin(rng, state=state, pan=checksums.make_pan(rng, ascii_value[5].upper()))
    if entity == "IN_PHONE":
        # Keep the country/trunk prefix and the kind of number: the last 10 digits are the national number.
        nsn_start = len(digits) - 10
        fake = digits[:max(nsn_start, 0)]
        first = digits[nsn_start] if nsn_start >= 0 else "9"
        if first in "6789":
            fake += rng.choice("6789") + "".join(str(rng.randint(0, 9)) for _ in range(9))
        else:  # landline: keep the area code (first 3 digits of the national number)
            fake += digits[nsn_start:nsn_start + 3] + str(rng.randint(2, 9)) + "".join(str(rng.randint(0, 9)) for _ in range(6))
        return _reshape(ascii_value, fake)
    if entity == "EMAIL_ADDRESS":
        given = rng.choice(fake_names()["Latn"][0]).lower()
        return f"{given}.{rng.randrange(16**4):04x}@example.com"
    if entity == "IN_UPI":
        handle = value.rsplit("@", 1)[-1]
        given = rng.choice(fake_names()["Latn"][0]).lower()
        return f"{given}{rng.randint(10, 99)}@{handle}"
    if entity == "IP_ADDRESS":
        if ":" in value:
            return "2001:db8::" + ":".join(f"{rng.randrange(65536):x}" for _ in range(2))
        return f"10.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"
    if entity == "URL":
        return f"https://example.com/{rng.randrange(16**8):08x}"
    if entity == "IN_ABHA" and "@" in ascii_value:  # ABHA address: a fake user at the same handle (@abdm)
        user, handle = ascii_value.rsplit("@", 1)
        return f"{_shape_fake(user, rng)}@{handle}"
    if entity == "ADDRESS":
        # No fake address generator: a place gets the typed placeholder, never a person's name.
        return "<ADDRESS>"
    if entity in ("IN_DRIVING_LICENCE", "IN_VEHICLE_REGISTRATION"):
        return _shape_fake(ascii_value, rng, keep=2)  # keep the state code
    if entity == "IN_IFSC":
        return ascii_value[:4] + "0" + _shape_fake(ascii_value[5:], rng)  # keep the bank, fake the branch
    if entity == "IN_PIN_CODE":
        return _shape_fake(ascii_value, rng, keep=1)  # keep the postal region
    return _shape_fake(ascii_value, rng)


def pseudonym(key: bytes, entity: str, value: str) -> str:
    """A realistic fake for ``value``; never equal to it; digits in the original's digit script.

    A person name alone gets the fake it gets in a document where it is the only name
    (:func:`person_pseudonyms`; the anonymizer passes each document's names together)."""
    if entity == "PERSON":
        return person_pseudonyms(key, [value]).get(value, "<PERSON>")
    digits = digit_set(value)
    for attempt in range(8):
        fake = _fake(entity, value, _rng(key, entity, value, attempt))
        if normalise(entity, fake) != normalise(entity, value):
            return render_digits(fake, digits)
    return f"<{entity}>"  # pragma: no cover - eight collisions in a row
