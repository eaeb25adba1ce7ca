"""Text rules for rebuilding PDF lines into paragraphs: labels, sentence ends, hyphenated joins.

Pure string functions, no geometry: `pdf_layout` decides where lines go, this module decides
how their text reads once joined.
"""

from __future__ import annotations

import re

# pdfium reports a hyphen it recognised at a line end as U+FFFE; a soft hyphen (U+00AD) printed
# at a line end means the same. Both are resolved when the line is joined to the next one.
LINE_END_HYPHEN = "\ufffe"
SOFT_HYPHEN = "\xad"

_LIGATURES = {
    "\ufb00": "ff",
    "\ufb01": "fi",
    "\ufb02": "fl",
    "\ufb03": "ffi",
    "\ufb04": "ffl",
    "\ufb05": "st",
    "\ufb06": "st",
}
# Zero-width characters and byte-order marks carry no text.
_INVISIBLE = {"\u200b": None, "\u200c": None, "\u200d": None, "\u2060": None, "\ufeff": None}
_WORD_TABLE = str.maketrans({**_LIGATURES, **_INVISIBLE})


def clean_word(word: str) -> str:
    """One extracted word with ligatures expanded, invisible characters dropped.

    A soft hyphen inside the word is dropped; one at its end is kept as a line-end hyphen
    marker so that the join with the next line decides whether a hyphen is printed.
    """
    if word.isascii():
        return word
    word = word.translate(_WORD_TABLE)
    if SOFT_HYPHEN in word:
        ends_soft = word.endswith(SOFT_HYPHEN)
        word = word.replace(SOFT_HYPHEN, "")
        if ends_soft and word:
            word += LINE_END_HYPHEN
    return word


def finish(text: str) -> str:
    """A block's final text: any line-end hyphen marker left over is printed as a hyphen."""
    return " ".join(text.replace(LINE_END_HYPHEN, "-").split())


# First parts of compounds that stay hyphenated when a line break falls on their hyphen
# ("third-\nparty" reads "third-party"); any other fragment is a word broken for the line
# ("sur-\nveillance" reads "surveillance").
COMPOUND_FIRST_PARTS = frozenset("self third non co anti long short well high low cross real end multi semi full".split())

_HYPHEN_END = re.compile(r"(\w+)[-\u2010\ufffe]$")


def _broken_word(text: str) -> str | None:
    """The start of a word broken at the end of `text` ("sur" in "... sur-"), if there is one."""
    if not text or text[-1] not in "-\u2010\ufffe":
        return None
    match = _HYPHEN_END.search(text[-80:])
    return match.group(1) if match and match.group(1)[-1].isalpha() else None


def ends_with_broken_word(text: str) -> bool:
    """Whether the text ends with a letter and a hyphen: a word may continue on the next line."""
    return _broken_word(text) is not None


def join_lines(first: str, second: str) -> tuple[str, int]:
    """`first` followed by the next line `second`, and the offset in the result where `second` starts.

    Joined with a space, except after a hyphenated line end: "sur-" + "veillance" gives
    "surveillance", "MER-" + "CHANTABILITY" gives "MERCHANTABILITY", "third-" + "party" gives
    "third-party", "Non-" + "Exclusive" gives "Non-Exclusive".
    """
    if not first:
        return second, 0
    fragment = _broken_word(first) if second else None
    if fragment is not None:
        # the word goes on in the same case: "sur-" "veillance", "MER-" "CHANTABILITY"
        word = second.split(" ", 1)[0]
        same_case = second[0].islower() or (fragment.isupper() and word.isupper())
        # "third-" "party" stays a compound; "low-" "er" is one word ("lower")
        compound = fragment.lower() in COMPOUND_FIRST_PARTS and sum(ch.isalpha() for ch in word) >= 4
        if same_case and not compound:
            head = first[:-1]
        else:
            head = first[:-1] + "-"
        return head + second, len(head)
    if first.endswith(("\u2014", "/")) and len(first) > 1 and first[-2].isalpha():
        return first + second, len(first)
    return first + " " + second, len(first) + 1


_SENTENCE_END = re.compile(r"[.;:?!][\"'\u201d\u2019)\]]*$")
_LIST_END = re.compile(r"(?:[.;:?!,][\"'\u201d\u2019)\]]*|\b(?:and|or|and/or))$")


def ends_sentence(text: str) -> bool:
    """Whether the text ends like a finished sentence: . ; : ? ! optionally with a closing quote."""
    return bool(_SENTENCE_END.search(text[-40:].rstrip()))


def ends_list_item(text: str) -> bool:
    """Whether a numbered item may start after this text: a sentence end, a comma, "and", "or"."""
    return bool(_LIST_END.search(text[-40:].rstrip()))


def is_capitals(text: str) -> bool:
    """Whether the text is set in capitals, as headings often are ("4. ORDERS AND PAYMENT")."""
    tail = text[-60:]
    return tail.upper() == tail and sum(ch.isalpha() for ch in tail) >= 3


_RUNS_ON = re.compile(r"(?:[,\-\u2013\u2014(/&]|\b(?:of|the|and|or|to|by|in|for|with|a|an|as|at|on|from|under|between))$", re.IGNORECASE)
_SENTENCE_START = re.compile(r"[A-Z][a-z]")


def heading_then_text(before: str, line: str) -> bool:
    """Whether `before` is a heading in capitals and `line` starts the text under it:
    "RESTRICTED DEPLOYMENT NOTICE" then "The Partner shall ...", but not "THE LAWS OF" then
    "New York" nor "IN CONSIDERATION OF THE PROMISES" then "set out below"."""
    return is_capitals(before) and bool(_SENTENCE_START.match(line)) and not _RUNS_ON.search(before.rstrip())


_LABEL = re.compile(
    r"""^(?:
        \d+(?:\.\d+)+\.?(?:\([A-Za-z0-9]{1,4}\))*   # 7.2  7.2.1  7.2(b)
      | \d{1,3}\.(?:\([A-Za-z0-9]{1,4}\))*           # 7.  (not a year: "2028.")
      | \d+(?:\([A-Za-z0-9]{1,4}\))+                # 7(b)
      | \d{1,3}\)                                   # 1)
      | \((?:[a-z]{1,2}|[A-Z]{1,2}|[ivxlcdm]{1,6}|[IVXLCDM]{1,6}|\d{1,3})\)   # (b) (iv) (2)
      | (?:[a-zA-Z]|[ivxlcdm]{1,6}|[IVXLCDM]{1,6})[.)]   # b.  iv.  B)
      | (?:Section|SECTION|Article|ARTICLE|Clause|CLAUSE|Schedule|SCHEDULE|Exhibit|EXHIBIT
          |Annex|ANNEX|Appendix|APPENDIX)(?:\s+[0-9IVXLCDM]+[A-Za-z]?(?:\.\d+)*\.?)?
      | [\u2022\u2023\u25aa\u25e6\u25cf\u25cb\u25a0\u25a1\u2043\u00b7*\-\u2013\u2014]
    )(?=\s|$)""",
    re.VERBOSE,
)

BULLETS = "\u2022\u2023\u25aa\u25e6\u25cf\u25cb\u25a0\u25a1\u2043\u00b7"


def starts_with_label(text: str) -> bool:
    """Whether a line starts with a paragraph label: "7.2", "(b)", "(iv)", "Section 4", "ARTICLE", "•"."""
    return bool(_LABEL.match(text))


_NUMBER = re.compile(r"\d+(?:\.\d+)*\.?\s")


def opens_paragraph(before: str, line: str) -> bool:
    """Whether `line`, coming after the text `before`, starts a new labelled paragraph.

    It must start with a label, and what comes before must be finished (". ; : , and or") or be
    a heading in capitals followed by ordinary text. After a comma a number is a reference run
    on ("Sections 3.3, 6, 9," then "10.5 and 11 survive"), not a new paragraph.
    """
    if not starts_with_label(line):
        return False
    if is_capitals(before) and not is_capitals(line):
        return True
    if not ends_list_item(before):
        return False
    return not (before.rstrip().endswith(",") and _NUMBER.match(line))


_NOTE_REFERENCE = re.compile(r"[0-9*\u2020\u2021\u00a7\u00b6,]{1,5}")


def is_note_reference(text: str) -> bool:
    """Whether raised small print is a note reference ("1", "12", "*", "†"), not a word."""
    return bool(_NOTE_REFERENCE.fullmatch(text))


_FOOTNOTE_MARK = re.compile(r"^(\d{1,3}|[*\u2020\u2021\u00a7\u00b6]{1,3})(?:\s+|(?=[A-Z\"\u201c]))")


def footnote_mark(text: str) -> re.Match[str] | None:
    """The note number or symbol at the start of a footnote line ("1 Text", "1Text", "* Text")."""
    return _FOOTNOTE_MARK.match(text)


_PAGE_NUMBER = re.compile(
    r"^(?:page\s*|p\.\s*)?[-\u2013\u2014(\[|]?\s*\d{1,5}\s*[-\u2013\u2014)\]|]?"
    r"(?:\s*(?:of|/)\s*\d{1,5})?$",
    re.IGNORECASE,
)


def is_page_number(text: str) -> bool:
    """A bare page number: "3", "- 3 -", "Page 3", "Page 3 of 12", "3/12"."""
    return bool(_PAGE_NUMBER.match(text.strip()))


_PAGE_PHRASE = re.compile(r"\bpage\s+\d+(?:\s*(?:of|/)\s*\d+)?\b", re.IGNORECASE)


def states_page_number(text: str) -> bool:
    """Whether the text says which page it is on ("Exhibit C - Page 1 of 1")."""
    return bool(_PAGE_PHRASE.search(text))


_DIGITS = re.compile(r"\d+")


def running_key(text: str) -> str:
    """What a running header or footer looks like on every page: digits and case ignored."""
    return " ".join(_DIGITS.sub("#", text.lower()).split())


def running_template(instances: list[str]) -> str:
    """One text for a header or footer printed on several pages: numbers that change from page
    to page become "{page}", and a fixed total after "{page} of" becomes "{pages}"."""
    split = [_DIGITS.split(text) for text in instances]
    numbers = [_DIGITS.findall(text) for text in instances]
    parts, first_numbers = split[0], numbers[0]
    out = [parts[0]]
    for index, value in enumerate(first_numbers):
        values = {nums[index] for nums in numbers if len(nums) == len(first_numbers)}
        out.append(value if len(values) == 1 else "{page}")
        out.append(parts[index + 1])
    template = " ".join("".join(out).split())
    template = re.sub(r"(\{page\}\s*(?:of|/)\s*)\d+", r"\1{pages}", template, flags=re.IGNORECASE)
    # "Page 1 of 1" on a one-page document names its page as surely as on a long one
    template = re.sub(r"\b(page\s+)\d+(\s*(?:of|/)\s*)\d+\b", r"\1{page}\2{pages}", template, flags=re.IGNORECASE)
    return re.sub(r"\b(page\s+)\d+\b", r"\1{page}", template, flags=re.IGNORECASE)
