"""Word automatic numbering (word/numbering.xml), reconstructed as Word prints it.

A paragraph is numbered through a `w:num` (its own `w:numPr` or its style's), which points to a
`w:abstractNum` holding up to nine levels (`w:lvl`: start value, number format, level text such
as "%1.%2" or "(%3)", `w:isLgl`, `w:lvlRestart`). Counters are kept per abstract numbering for
the whole document, as Word keeps them: a `w:num` that points to the same abstract numbering
continues the same list, unless it carries a `w:lvlOverride/w:startOverride`, which restarts the
overridden levels the first time that `w:num` is used. Using a level restarts the deeper levels
(all of them, or as `w:lvlRestart` says).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from lxml import etree

from clauselint.documents.readers.docx_styles import parse_int
from clauselint.documents.readers.docx_xml import (
    ALTERNATE_CONTENT,
    ILVL,
    MC_CHOICE,
    MC_FALLBACK,
    PSTYLE,
    VAL,
    W,
)

_ABSTRACT_NUM = W + "abstractNum"
_ABSTRACT_NUM_ID = W + "abstractNumId"
_NUM = W + "num"
_NUM_ID_ATTR = W + "numId"
_LVL = W + "lvl"
_LVL_OVERRIDE = W + "lvlOverride"
_START_OVERRIDE = W + "startOverride"
_START = W + "start"
_NUM_FMT = W + "numFmt"
_FORMAT = W + "format"
_LVL_TEXT = W + "lvlText"
_IS_LGL = W + "isLgl"
_LVL_RESTART = W + "lvlRestart"
_PIC_BULLET = W + "lvlPicBulletId"
_NUM_STYLE_LINK = W + "numStyleLink"

LEVELS = 9
_PLACEHOLDER = re.compile(r"%([1-9])")
_CUSTOM_ZERO_PADDED = re.compile(r"\s*(0+1)\s*(,|$)")


@dataclass(frozen=True)
class Level:
    """One w:lvl of a numbering definition."""

    start: int = 0
    fmt: str = "decimal"
    text: str | None = None
    is_legal: bool = False
    restart: int | None = None  # w:lvlRestart: restart after level n (1-based) or shallower; 0 never
    bullet: bool = False
    style: str | None = None  # w:pStyle: the paragraph style linked to this level
    pieces: tuple[str | int, ...] = ()  # the level text split into literals and level indexes
    needs_normalising: bool = False  # the level text has whitespace to collapse or strip

    @staticmethod
    def split_text(text: str | None) -> tuple[str | int, ...]:
        pieces: list[str | int] = []
        for index, part in enumerate(_PLACEHOLDER.split(text or "")):
            if index % 2:
                pieces.append(int(part) - 1)
            elif part:
                pieces.append(part)
        return tuple(pieces)


@dataclass(frozen=True)
class ListItem:
    """What numbering gives one paragraph: the printed label (None for bullets) and its level."""

    label: str | None
    level: int
    bullet: bool


class _Levels:
    """The w:lvl elements of a definition, each parsed the first time it is needed."""

    __slots__ = ("_raw", "_parsed")

    def __init__(self, raw: dict[int, etree._Element]) -> None:
        self._raw = raw
        self._parsed: dict[int, Level] = {}

    def get(self, index: int) -> Level | None:
        level = self._parsed.get(index)
        if level is None:
            element = self._raw.get(index)
            if element is None:
                return None
            level = self._parsed[index] = _parse_level(element)
        return level

    def items(self) -> list[tuple[int, Level]]:
        return [(index, self.get(index)) for index in sorted(self._raw)]  # type: ignore[misc]

    def replaced(self, overrides: dict[int, etree._Element]) -> _Levels:
        return _Levels({**self._raw, **overrides}) if overrides else self


@dataclass(frozen=True)
class _Num:
    key: str  # the abstract numbering whose counters this list uses
    levels: _Levels
    start_overrides: dict[int, int]


def _parse_level(lvl: etree._Element) -> Level:
    start = 0
    fmt: str | None = None
    text: str | None = None
    is_legal = False
    restart: int | None = None
    picture = False
    style: str | None = None
    for child in lvl:
        tag = child.tag
        if tag == _START:
            start = parse_int(child.get(VAL)) or 0
        elif tag == _NUM_FMT:
            fmt = _num_format(child)
        elif tag == ALTERNATE_CONTENT and fmt is None:
            fmt = _alternate_num_format(child)
        elif tag == _LVL_TEXT:
            text = child.get(VAL)
        elif tag == _IS_LGL:
            is_legal = child.get(VAL) not in ("0", "false", "off")
        elif tag == _LVL_RESTART:
            restart = parse_int(child.get(VAL))
        elif tag == _PIC_BULLET:
            picture = True
        elif tag == PSTYLE:
            style = child.get(VAL)
    fmt = fmt or "decimal"
    bullet = fmt == "bullet" or picture
    if not bullet and fmt == "none" and text is not None and not _PLACEHOLDER.search(text):
        # a literal symbol as the "number" (e.g. an en dash) is a bullet in all but name
        literal = text.strip()
        bullet = len(literal) == 1 and not literal.isalnum()
    pieces = Level.split_text(text)
    normalise = bool(text) and (text != text.strip() or any(c.isspace() for c in text))
    return Level(start, fmt, text, is_legal, restart, bullet, style, pieces, normalise)


def _num_format(element: etree._Element) -> str:
    fmt = element.get(VAL) or "decimal"
    if fmt == "custom":
        # Word 2010 "001, 002, 003, ..." style formats: zero-padded decimals; others as decimal
        match = _CUSTOM_ZERO_PADDED.match(element.get(_FORMAT) or "")
        return f"zero{len(match.group(1))}" if match else "decimal"
    return fmt


def _alternate_num_format(alternate: etree._Element) -> str | None:
    """A w:numFmt wrapped in mc:AlternateContent (Word 2010 custom formats, decimal fallback)."""
    chosen: str | None = None
    fallback: str | None = None
    for branch in alternate:
        element = branch.find(_NUM_FMT) if branch.tag in (MC_CHOICE, MC_FALLBACK) else None
        if element is None:
            continue
        fmt = _num_format(element)
        if branch.tag == MC_CHOICE:
            if chosen is None and not (element.get(VAL) == "custom" and fmt == "decimal"):
                chosen = fmt  # a custom format we cannot render falls through to the fallback
        elif fallback is None:
            fallback = fmt
    return chosen or fallback


class Numbering:
    """The numbering definitions of one document and the counters of the lists in it."""

    def __init__(
        self,
        root: etree._Element | None,
        style_num_id: Callable[[str], str | None] = lambda style_id: None,
    ) -> None:
        self._abstract: dict[str, etree._Element] = {}
        self._nums: dict[str, etree._Element] = {}
        self._style_num_id = style_num_id
        self._resolved: dict[str, _Num | None] = {}
        self._abstract_resolved: dict[str, tuple[str, _Levels] | None] = {}
        self._counters: dict[str, list[int | None]] = {}
        self._used: set[str] = set()
        if root is None:
            return
        for child in root:
            if child.tag == _ABSTRACT_NUM:
                self._abstract.setdefault(child.get(_ABSTRACT_NUM_ID) or "", child)
            elif child.tag == _NUM:
                self._nums.setdefault(child.get(_NUM_ID_ATTR) or "", child)

    # -- definitions ------------------------------------------------------------------------

    def _abstract_levels(self, abstract_id: str, depth: int = 0) -> tuple[str, _Levels] | None:
        if abstract_id in self._abstract_resolved:
            return self._abstract_resolved[abstract_id]
        resolved = self._abstract_levels_uncached(abstract_id, depth)
        self._abstract_resolved[abstract_id] = resolved
        return resolved

    def _abstract_levels_uncached(self, abstract_id: str, depth: int) -> tuple[str, _Levels] | None:
        abstract = self._abstract.get(abstract_id)
        if abstract is None:
            return None
        link = abstract.find(_NUM_STYLE_LINK)
        if link is not None and depth < 4:
            # the definition lives in the abstract numbering of a numbering style's w:num
            linked_num = self._style_num_id(link.get(VAL) or "")
            num = self._nums.get(linked_num or "")
            target = num.find(_ABSTRACT_NUM_ID) if num is not None else None
            if target is not None and target.get(VAL) != abstract_id:
                resolved = self._abstract_levels(target.get(VAL) or "", depth + 1)
                if resolved is not None:
                    return resolved
        raw: dict[int, etree._Element] = {}
        for lvl in abstract:
            if lvl.tag != _LVL:
                continue
            index = parse_int(lvl.get(ILVL))
            if index is not None and 0 <= index < LEVELS and index not in raw:
                raw[index] = lvl
        return abstract_id, _Levels(raw)

    def _num(self, num_id: str) -> _Num | None:
        if num_id in self._resolved:
            return self._resolved[num_id]
        resolved: _Num | None = None
        num = self._nums.get(num_id)
        abstract_ref = num.find(_ABSTRACT_NUM_ID) if num is not None else None
        if abstract_ref is not None:
            found = self._abstract_levels(abstract_ref.get(VAL) or "")
            if found is not None:
                key, levels = found
                replaced: dict[int, etree._Element] = {}
                start_overrides: dict[int, int] = {}
                for override in num.iter(_LVL_OVERRIDE):
                    index = parse_int(override.get(ILVL))
                    if index is None or not 0 <= index < LEVELS:
                        continue
                    lvl = override.find(_LVL)
                    if lvl is not None:
                        replaced[index] = lvl
                    start = override.find(_START_OVERRIDE)
                    if start is not None:
                        start_overrides[index] = parse_int(start.get(VAL)) or 0
                    elif lvl is not None and lvl.find(_START) is not None:
                        start_overrides[index] = _parse_level(lvl).start
                resolved = _Num(key, levels.replaced(replaced), start_overrides)
        self._resolved[num_id] = resolved
        return resolved

    def level_for_style(self, num_id: str, style_id: str | None) -> int:
        """The level a paragraph style is linked to in a list (w:lvl/w:pStyle), else 0."""
        num = self._num(num_id)
        if num is not None and style_id is not None:
            for index, level in num.levels.items():
                if level.style == style_id:
                    return index
        return 0

    # -- counting ---------------------------------------------------------------------------

    def advance(self, num_id: str, ilvl: int) -> ListItem | None:
        """Count one paragraph of list `num_id` at level `ilvl`; None if it is not numbered."""
        if num_id == "0":
            return None
        num = self._num(num_id)
        if num is None:
            return None
        ilvl = min(max(ilvl, 0), LEVELS - 1)
        level = num.levels.get(ilvl)
        if level is None:
            return None
        counters = self._counters.get(num.key)
        if counters is None:
            counters = self._counters[num.key] = [None] * LEVELS
        if num_id not in self._used:
            self._used.add(num_id)
            for index in num.start_overrides:
                counters[index] = None
        current = counters[ilvl]
        counters[ilvl] = self._start(num, ilvl) if current is None else current + 1
        for deeper in range(ilvl + 1, LEVELS):
            if counters[deeper] is None:
                continue
            deeper_level = num.levels.get(deeper)
            restart = deeper_level.restart if deeper_level is not None and deeper_level.restart is not None else deeper
            if ilvl < restart:
                counters[deeper] = None
        if level.bullet:
            return ListItem(None, ilvl, True)
        return ListItem(self._label(num, level, counters), ilvl, False)

    @staticmethod
    def _start(num: _Num, index: int) -> int:
        if index in num.start_overrides:
            return num.start_overrides[index]
        level = num.levels.get(index)
        return level.start if level is not None else 0

    def _label(self, num: _Num, level: Level, counters: list[int | None]) -> str | None:
        if not level.text:
            return None
        out = []
        for piece in level.pieces:
            if piece.__class__ is str:
                out.append(piece)
                continue
            shown = num.levels.get(piece)
            if shown is not None and shown.bullet:
                continue
            value = counters[piece]
            if value is None:
                value = self._start(num, piece)
            fmt = shown.fmt if shown is not None else "decimal"
            if level.is_legal and fmt != "none":
                fmt = "decimal"
            out.append(format_number(value, fmt))
        label = "".join(out)
        if level.needs_normalising:
            label = " ".join(label.split())
        return label or None


# -- number formats -------------------------------------------------------------------------

_ROMAN = (
    (1000, "M"),
    (900, "CM"),
    (500, "D"),
    (400, "CD"),
    (100, "C"),
    (90, "XC"),
    (50, "L"),
    (40, "XL"),
    (10, "X"),
    (9, "IX"),
    (5, "V"),
    (4, "IV"),
    (1, "I"),
)
_ONES = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen").split()
_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()
_ORDINAL_WORDS = {
    "one": "first",
    "two": "second",
    "three": "third",
    "five": "fifth",
    "eight": "eighth",
    "nine": "ninth",
    "twelve": "twelfth",
}


def _roman(value: int) -> str:
    out = []
    for amount, numeral in _ROMAN:
        count, value = divmod(value, amount)
        out.append(numeral * count)
    return "".join(out)


def _cardinal(value: int) -> str | None:
    if not 0 <= value < 1000:
        return None
    if value < 20:
        return _ONES[value]
    if value < 100:
        tens, ones = divmod(value, 10)
        return _TENS[tens] + ("-" + _ONES[ones] if ones else "")
    hundreds, rest = divmod(value, 100)
    words = _ONES[hundreds] + " hundred"
    return words + (" " + _cardinal(rest) if rest else "")  # type: ignore[operator]


def _ordinal_word(cardinal: str) -> str:
    head, sep, last = cardinal.rpartition("-") if "-" in cardinal else cardinal.rpartition(" ")
    if last in _ORDINAL_WORDS:
        last = _ORDINAL_WORDS[last]
    elif last.endswith("y"):
        last = last[:-1] + "ieth"
    else:
        last += "th"
    return head + sep + last


def format_number(value: int, fmt: str) -> str:
    """`value` in a w:numFmt format as Word prints it (unknown formats as decimals)."""
    if fmt == "none" or fmt == "bullet":
        return ""
    if fmt in ("lowerLetter", "upperLetter") and 0 < value <= 780:  # Word stops at 30 repeats
        letter = chr(ord("a") + (value - 1) % 26) * ((value - 1) // 26 + 1)
        return letter.upper() if fmt == "upperLetter" else letter
    if fmt in ("lowerRoman", "upperRoman") and 0 < value < 4000:
        numeral = _roman(value)
        return numeral.lower() if fmt == "lowerRoman" else numeral
    if fmt == "decimalZero":
        return f"{value:02d}"
    if fmt.startswith("zero") and fmt[4:].isascii() and fmt[4:].isdigit():
        return f"{value:0{min(int(fmt[4:]), 9)}d}"  # a hostile width ("zero999999999") must not build a huge label
    if fmt == "ordinal" and value >= 0:
        suffix = "th" if 10 <= value % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(value % 10, "th")
        return f"{value}{suffix}"
    if fmt in ("cardinalText", "ordinalText"):
        words = _cardinal(value)
        if words is not None:
            if fmt == "ordinalText":
                words = _ordinal_word(words)
            return words[0].upper() + words[1:]
    if fmt == "decimalEnclosedParen":
        return f"({value})"
    if fmt == "decimalEnclosedFullstop":
        return f"{value}."
    return str(value)
