"""What makes a password acceptable: its length and how hard it is to guess.

Guessability is zxcvbn's estimate (patterns, keyboard rows, dates, the common
password lists), with its feedback told in Swedish and a few common Swedish
password words added to its dictionaries. Existing passwords are never judged
again: the rules apply when a password is chosen.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable

from flask import current_app
from zxcvbn import matching, zxcvbn

# zxcvbn's cost grows with the square of the length; a password longer than this is
# judged by its beginning (more characters only make it harder to guess).
ESTIMATED_LENGTH = 72

# zxcvbn's lists are English; these are the words Swedish passwords are commonly made of.
SWEDISH_WORDS = (
    "lösenord", "losenord", "hemligt", "hemlig", "sommar", "vinter", "hösten", "hosten",
    "våren", "varen", "hejsan", "hejhej", "sverige", "stockholm", "göteborg", "goteborg",
    "malmö", "malmo", "uppsala", "kommun", "region", "lönechef", "lonechef", "lönesystem",
    "lonesystem", "löner", "loner", "fotboll", "hockey", "kärlek", "karlek", "älskling",
    "alskling", "mamma", "pappa", "katten", "hunden", "kalle", "anka", "glass", "solen",
    "jultomte", "midsommar", "semester", "välkommen", "valkommen", "qwertyåäö",
)
matching.add_frequency_lists({"swedish_common": list(SWEDISH_WORDS)})

WARNINGS = {
    "Straight rows of keys are easy to guess.":
        "Tangenter i en rad, som qwerty, är lätta att gissa.",
    "Short keyboard patterns are easy to guess.":
        "Korta mönster på tangentbordet är lätta att gissa.",
    'Repeats like "aaa" are easy to guess.':
        "Upprepningar som ”aaa” är lätta att gissa.",
    'Repeats like "abcabcabc" are only slightly harder to guess than "abc".':
        "Upprepningar som ”abcabcabc” är knappt svårare att gissa än ”abc”.",
    'Sequences like "abc" or "6543" are easy to guess.':
        "Följder som ”abc” eller ”6543” är lätta att gissa.",
    "Recent years are easy to guess.": "Årtal från senare år är lätta att gissa.",
    "Dates are often easy to guess.": "Datum är ofta lätta att gissa.",
    "This is a top-10 common password.": "Det är ett av de tio vanligaste lösenorden.",
    "This is a top-100 common password.": "Det är ett av de hundra vanligaste lösenorden.",
    "This is a very common password.": "Det är ett mycket vanligt lösenord.",
    "This is similar to a commonly used password.": "Det liknar ett vanligt lösenord.",
    "A word by itself is easy to guess.": "Ett ensamt ord är lätt att gissa.",
    "Names and surnames by themselves are easy to guess.":
        "Ett namn ensamt är lätt att gissa.",
    "Common names and surnames are easy to guess.":
        "Vanliga för- och efternamn är lätta att gissa.",
}

SUGGESTIONS = {
    "Use a few words, avoid common phrases.": "Använd några ord och undvik vanliga uttryck.",
    "No need for symbols, digits, or uppercase letters.":
        "Du behöver inte specialtecken, siffror eller versaler.",
    "Add another word or two. Uncommon words are better.":
        "Lägg till ett eller två ord till – ovanliga ord är bäst.",
    "Use a longer keyboard pattern with more turns.":
        "Använd ett längre mönster med fler svängar på tangentbordet.",
    "Avoid repeated words and characters.": "Undvik upprepade ord och tecken.",
    "Avoid sequences.": "Undvik följder av tecken.",
    "Avoid recent years.": "Undvik årtal från senare år.",
    "Avoid years that are associated with you.": "Undvik årtal som har med dig att göra.",
    "Avoid dates and years that are associated with you.":
        "Undvik datum och årtal som har med dig att göra.",
    "Capitalization doesn't help very much.": "Stor begynnelsebokstav hjälper inte mycket.",
    "All-uppercase is almost as easy to guess as all-lowercase.":
        "Bara versaler är nästan lika lätt att gissa som bara gemener.",
    "Reversed words aren't much harder to guess.":
        "Ord baklänges är inte mycket svårare att gissa.",
    "Predictable substitutions like '@' instead of 'a' don't help very much.":
        "Förutsägbara utbyten som ”@” i stället för ”a” hjälper inte mycket.",
}

TOO_EASY = "Lösenordet är för lätt att gissa."
PERSONAL = "Det består mest av din e-postadress, ditt namn eller din organisation."
# What must be left of a password once the member's own words are taken out: zxcvbn
# counts a name as one word among many, but whoever guesses for this account knows it.
PERSONAL_REST = 6

_lock = threading.Lock()


def limits() -> tuple[int, int]:
    config = current_app.config
    return int(config["MIN_PASSWORD_LENGTH"]), int(config["MAX_PASSWORD_LENGTH"])


def hint() -> str:
    """What the password fields tell before anything is typed."""
    low, high = limits()
    return (f"Minst {low} och högst {high} tecken. Några ovanliga ord i en rad är både "
            "svåra att gissa och lätta att minnas.")


def problems(password: str, user_inputs: Iterable[str] = ()) -> list[str]:
    """Why a new password is refused, in Swedish; empty when it is acceptable."""
    password = password or ""
    low, high = limits()
    if len(password) < low:
        return [f"Lösenordet måste ha minst {low} tecken."]
    if len(password) > high:
        return [f"Lösenordet får ha högst {high} tecken."]
    inputs = [word for value in user_inputs if value for word in _words(value)]
    if len(_without_personal_words(password, inputs)) < PERSONAL_REST:
        return [TOO_EASY, PERSONAL]
    with _lock:  # zxcvbn keeps the user inputs in a module-level dictionary
        result = zxcvbn(password[:ESTIMATED_LENGTH], user_inputs=inputs,
                        max_length=ESTIMATED_LENGTH)
    if result["score"] >= int(current_app.config["MIN_PASSWORD_SCORE"]):
        return []
    feedback = result["feedback"]
    lines = [TOO_EASY]
    if feedback.get("warning"):
        lines.append(WARNINGS.get(feedback["warning"], ""))
    lines.extend(SUGGESTIONS.get(s, "") for s in feedback.get("suggestions", []))
    if len(lines) == 1:
        lines.append(SUGGESTIONS["Add another word or two. Uncommon words are better."])
    return [line for line in lines if line]


def _words(value: str) -> list[str]:
    """An e-mail address or a name as zxcvbn's user inputs: the whole and its parts."""
    value = value.strip().lower()
    parts = [p for p in value.replace("@", " ").replace(".", " ").split() if len(p) > 2]
    return [value, *parts]


def _without_personal_words(password: str, inputs: list[str]) -> str:
    """The password with the member's own words (address, name, organisation) taken out."""
    rest = password.lower()
    for word in sorted(inputs, key=len, reverse=True):
        if len(word) >= 3:
            rest = rest.replace(word, "")
    return rest
