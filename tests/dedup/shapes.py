"""The issue's scenario, generated independently of the benchmark: distinct bank chats and SFT
pairs that share one long system prompt and a canned reply, plus real re-sent copies."""

from __future__ import annotations

import random

SYSTEM = ("You are a helpful and polite banking assistant for Bharat National Bank. Always answer in the language "
          "the customer writes in. Never ask for OTP, CVV, PIN or passwords. If the customer reports fraud, tell "
          "them to block their card immediately through the app or by calling 1800 425 0000. Keep answers short, "
          "do not promise refunds, and always give the customer their ticket number so they can follow up.")
CANNED = ("Thank you for contacting Bharat National Bank. Your ticket number is {ticket}. "
          "Our team will get back to you within 2 working days.")
INSTRUCTION = ("You are a banking support agent. Read the customer message below and write the reply the bank "
               "should send. Be polite and short, and never ask for OTP, CVV or PIN.")
PRODUCTS = ["debit card", "credit card", "savings account", "home loan", "UPI app", "fixed deposit", "net banking",
            "cheque book", "locker", "personal loan", "mobile banking", "passbook"]
PROBLEMS = ["is not working", "was charged twice", "shows a wrong balance", "got blocked", "was debited without "
            "reason", "needs an address update", "has a pending request", "shows an error", "was closed by mistake"]


def _words(rng: random.Random, k: int) -> str:
    return " ".join("".join(rng.choice("bcdfghjklmnprstvz") + rng.choice("aeiou") for _ in range(rng.randint(2, 3)))
                    for _ in range(k))


def user_message(rng: random.Random) -> str:
    """A distinct customer message: a common opening (shared phrasing) plus details of its own."""
    return (f"Hello, my {rng.choice(PRODUCTS)} {rng.choice(PROBLEMS)} since {rng.randint(1, 28)} "
            f"{rng.choice(['March', 'April', 'May', 'June'])}. The branch at {_words(rng, 1).title()} told me "
            f"{_words(rng, 6)}. My reference is {rng.randint(10**5, 10**6 - 1)} and I also noticed {_words(rng, 5)}.")


def edit(rng: random.Random, text: str) -> str:
    """A re-sent copy: one word changed and punctuation/whitespace noise (what people do when they resend)."""
    words = text.split(" ")
    i = rng.choice([k for k in range(3, len(words)) if not any(ch.isdigit() for ch in words[k])])
    words[i] = words[i] + "zq"   # a word, never the reference number: a resend keeps its identifiers
    return "  ".join(words[:2]) + " " + " ".join(words[2:]).rstrip(".") + "!!"


def scenario(seed: int = 0, distinct: int = 240, copies: int = 20) -> list[dict]:
    """Rows {messages | instruction/input/output, text, group, copy}; same group = true duplicates."""
    rng = random.Random(seed)
    rows = []
    for g in range(2 * distinct):
        user = user_message(rng)
        if g < distinct:
            msgs = [{"role": "system", "content": SYSTEM}, {"role": "user", "content": user},
                    {"role": "assistant", "content": CANNED.format(ticket=rng.randint(10**7, 10**8 - 1))}]
            rows.append({"messages": msgs, "group": g, "copy": False})
        else:
            rows.append({"instruction": INSTRUCTION, "input": user,
                         "output": CANNED.format(ticket=rng.randint(10**7, 10**8 - 1)), "group": g, "copy": False})
    for g in rng.sample(range(2 * distinct), copies):
        orig = rows[g]
        if "messages" in orig:
            msgs = [dict(m) for m in orig["messages"]]
            msgs[1]["content"] = edit(rng, msgs[1]["content"])
            msgs[2]["content"] = CANNED.format(ticket=rng.randint(10**7, 10**8 - 1))   # a new ticket for the resend
            rows.append({"messages": msgs, "group": g, "copy": True})
        else:
            rows.append(dict(orig, input=edit(rng, orig["input"]), copy=True))
    for r in rows:
        r["text"] = ("\n".join(m["content"] for m in r["messages"]) if "messages" in r
                     else "\n\n".join([r["instruction"], r["input"], r["output"]]))
    rng.shuffle(rows)
    return rows
