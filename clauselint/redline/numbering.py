"""Typed clause numbers: the next one after "4.5", "(h)" or "ARTICLE XIII", in the contract's own form.

Where a contract types its numbers, an inserted clause must carry the next number in the same
form ("4.5" -> "4.6", "13.09." -> "13.10.", "Clause 7" -> "Clause 8", "ARTICLE XIII" -> "ARTICLE
XIV"); where Word numbers paragraphs automatically the inserted paragraph reuses the neighbour's
numbering properties instead and no number is typed (see plan.py).
"""

from __future__ import annotations

import re

from clauselint.documents.labels import is_roman

_LAST_TOKEN = re.compile(r"([0-9]+|[A-Za-z]+)(?=[^0-9A-Za-z]*$)")
_CLAUSE = re.compile(r"^(?P<prefix>\D*?)(?P<top>[0-9]+)\.(?P<sub>[0-9]+)(?P<suffix>\.?)$")
_ROMAN_WORDS = re.compile(r"\s*(?:article|part|chapter)\b", re.IGNORECASE)
_ROMAN_VALUES = (("m", 1000), ("cm", 900), ("d", 500), ("cd", 400), ("c", 100), ("xc", 90), ("l", 50), ("xl", 40),
                 ("x", 10), ("ix", 9), ("v", 5), ("iv", 4), ("i", 1))


def next_label(label: str, previous: str | None = None) -> str | None:
    """The label that follows `label` in the same form, or None when it has no number to count on.

    `previous` (the label before `label`, if any) tells "(i)" after "(h)" (a letter) from "(i)" the
    first roman numeral.
    """
    match = _LAST_TOKEN.search(label)
    if not match:
        return None
    token = match.group(1)
    following = _following(token, previous, roman_hint=bool(_ROMAN_WORDS.match(label)))
    if following is None:
        return None
    return label[: match.start(1)] + following + label[match.end(1):]


def first_clause_label(template: str, new_top: str, number: int) -> str | None:
    """Clause `number` of a new top-level section, typed like `template` ("13.9" -> "14.1")."""
    match = _CLAUSE.match(template)
    if not match:
        return None
    width = len(match.group("sub")) if match.group("sub").startswith("0") else 1
    return f"{match.group('prefix')}{new_top}.{number:0{width}d}{match.group('suffix')}"


def top_number(label: str) -> str | None:
    """The number token of a top-level label: "14." -> "14", "ARTICLE XIV" -> "XIV"."""
    match = _LAST_TOKEN.search(label)
    return match.group(1) if match else None


def _following(token: str, previous: str | None, roman_hint: bool) -> str | None:
    if token.isdigit():
        return str(int(token) + 1).zfill(len(token))
    if _is_roman_token(token, previous, roman_hint):
        value = _roman_value(token.lower()) + 1
        text = _roman(value)
        return text.upper() if token.isupper() else text
    if len(token) == 1:
        if token in "zZ":
            return "aa" if token == "z" else "AA"
        return chr(ord(token) + 1)
    if len(set(token.lower())) == 1 and token[0].lower() != "z":  # "aa" -> "bb"
        return chr(ord(token[0]) + 1) * len(token)
    return None


def _is_roman_token(token: str, previous: str | None, roman_hint: bool) -> bool:
    if not is_roman(token):
        return False
    if len(token) > 1 or roman_hint:
        return True
    if previous is not None:
        before = _LAST_TOKEN.search(previous)
        if before and len(before.group(1)) == 1 and ord(before.group(1).lower()) == ord(token.lower()) - 1:
            return False  # "(h)" then "(i)": letters
        return bool(before) and is_roman(before.group(1))
    return False


def _roman_value(text: str) -> int:
    value, index = 0, 0
    for numeral, amount in _ROMAN_VALUES:
        while text.startswith(numeral, index):
            value += amount
            index += len(numeral)
    return value


def _roman(value: int) -> str:
    out = []
    for numeral, amount in _ROMAN_VALUES:
        while value >= amount:
            out.append(numeral)
            value -= amount
    return "".join(out)


def in_case_of(example: str, text: str) -> str:
    """`text` in the letter case of a neighbouring heading: "USE RESTRICTIONS" or "Use Restrictions"."""
    letters = [c for c in example if c.isalpha()]
    if letters and all(c.isupper() for c in letters):
        return text.upper()
    return text
