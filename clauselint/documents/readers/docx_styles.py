"""Word styles (word/styles.xml): what a paragraph or character style implies for reading.

Only the properties the reader needs are resolved, each through the style's `w:basedOn` chain:
the outline (heading) level, the numbering (`w:numPr`), `w:pageBreakBefore` and hidden text
(`w:vanish`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from clauselint.documents.readers.docx_xml import (
    ILVL,
    NUM_ID,
    NUMPR,
    OUTLINE_LVL,
    PAGE_BREAK_BEFORE,
    PPR,
    RPR,
    TYPE,
    VAL,
    VANISH,
    W,
    is_on,
)

_STYLE = W + "style"
_NAME = W + "name"
_BASED_ON = W + "basedOn"
_STYLE_ID = W + "styleId"
_DEFAULT = W + "default"
_DOC_DEFAULTS = W + "docDefaults"
_RPR_DEFAULT = W + "rPrDefault"

_HEADING_NAME = re.compile(r"heading\s*([1-9])", re.IGNORECASE)
_MAX_CHAIN = 32  # basedOn chains are short; this also stops a cycle


def outline_to_heading(value: str | None) -> int | None:
    """w:outlineLvl (0-8 a heading level 1-9, 9 body text) as a heading level, or None."""
    try:
        level = int(value) if value is not None else 9
    except ValueError:
        return None
    return level + 1 if 0 <= level <= 8 else None


def parse_int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


@dataclass(frozen=True)
class StyleInfo:
    """A style with its basedOn chain resolved."""

    heading_level: int | None = None
    num_id: str | None = None  # "0" removes numbering inherited from a parent style
    ilvl: int | None = None
    page_break_before: bool = False
    hidden: bool | None = None  # None: the style says nothing about w:vanish


_NO_STYLE = StyleInfo()


class Styles:
    """Style lookups by style id, resolved lazily and memoised."""

    def __init__(self, root: etree._Element | None) -> None:
        self._raw: dict[str, etree._Element] = {}
        self.default_paragraph: str | None = None
        self.default_hidden: bool | None = None
        self._resolved: dict[str | None, StyleInfo] = {}
        if root is None:
            return
        for style in root.iter(_STYLE):
            style_id = style.get(_STYLE_ID)
            if style_id is None:
                continue
            self._raw.setdefault(style_id, style)
            if self.default_paragraph is None and style.get(TYPE) == "paragraph" and style.get(_DEFAULT) in ("1", "true", "on"):
                self.default_paragraph = style_id
        defaults = root.find(_DOC_DEFAULTS)
        if defaults is not None:
            rpr = defaults.find(f"{_RPR_DEFAULT}/{RPR}")
            if rpr is not None:
                self.default_hidden = is_on(rpr.find(VANISH))

    def _chain(self, style_id: str | None) -> list[etree._Element]:
        chain: list[etree._Element] = []
        seen: set[str] = set()
        while style_id is not None and style_id not in seen and len(chain) < _MAX_CHAIN:
            style = self._raw.get(style_id)
            if style is None:
                break
            seen.add(style_id)
            chain.append(style)
            based_on = style.find(_BASED_ON)
            style_id = based_on.get(VAL) if based_on is not None else None
        return chain

    def paragraph(self, style_id: str | None) -> StyleInfo:
        """The paragraph style `style_id` (None or unknown: the default paragraph style)."""
        info = self._resolved.get(style_id)
        if info is not None:
            return info
        chain = self._chain(style_id) if style_id in self._raw else self._chain(self.default_paragraph)
        info = self._resolve(chain) if chain else _NO_STYLE
        if info.hidden is None and self.default_hidden is not None:
            info = StyleInfo(info.heading_level, info.num_id, info.ilvl, info.page_break_before, self.default_hidden)
        self._resolved[style_id] = info
        return info

    def character_hidden(self, style_id: str | None) -> bool | None:
        """Whether the character style `style_id` hides its text (None: it does not say)."""
        key = "\0r" + (style_id or "")
        info = self._resolved.get(key)
        if info is None:
            info = self._resolve(self._chain(style_id))
            self._resolved[key] = info
        return info.hidden

    def num_id_of(self, style_id: str) -> str | None:
        """The numId a (numbering) style points to, for w:numStyleLink."""
        return self._resolve(self._chain(style_id)).num_id

    @staticmethod
    def _resolve(chain: list[etree._Element]) -> StyleInfo:
        heading: int | None = None
        heading_found = False
        num_id: str | None = None
        ilvl: int | None = None
        page_break_before: bool | None = None
        hidden: bool | None = None
        for style in chain:
            ppr = style.find(PPR)
            if ppr is not None:
                if not heading_found:
                    outline = ppr.find(OUTLINE_LVL)
                    if outline is not None:
                        heading, heading_found = outline_to_heading(outline.get(VAL)), True
                if num_id is None:
                    numpr = ppr.find(NUMPR)
                    if numpr is not None:
                        num = numpr.find(NUM_ID)
                        if num is not None:
                            num_id = num.get(VAL)
                            level = numpr.find(ILVL)
                            ilvl = parse_int(level.get(VAL)) if level is not None else None
                if page_break_before is None:
                    page_break_before = is_on(ppr.find(PAGE_BREAK_BEFORE))
            if not heading_found:
                name = style.find(_NAME)
                match = _HEADING_NAME.fullmatch((name.get(VAL) or "").strip()) if name is not None else None
                if match:
                    heading, heading_found = int(match.group(1)), True
            if hidden is None:
                rpr = style.find(RPR)
                if rpr is not None:
                    hidden = is_on(rpr.find(VANISH))
        return StyleInfo(heading, num_id, ilvl, bool(page_break_before), hidden)
