"""The text of each DOCX paragraph as clauselint's reader sees it, mapped back to the XML.

A finding quotes a sentence; to strike words of it as a tracked deletion we must know which
`w:t` nodes (and which characters in them) hold those words, although Word splits text into
runs wherever formatting, spell-check or earlier revisions changed. `ParagraphText` walks a
paragraph the way the reader does (insertions in, deletions out, hidden text and field codes
out, tabs and breaks as spaces) and keeps, for every character of the whitespace-collapsed
text, the node and offset it came from.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from lxml import etree

from clauselint.documents.model import Block, Part
from clauselint.documents.readers.docx_xml import (
    BDO,
    BR,
    CR,
    CUSTOM_XML,
    DIR,
    FLD_SIMPLE,
    HYPERLINK,
    INS,
    MOVE_TO,
    NO_BREAK_HYPHEN,
    PTAB,
    RPR,
    SDT,
    SDT_CONTENT,
    SMART_TAG,
    TAB,
    VAL,
    VANISH,
    P,
    R,
    T,
)

_TRANSPARENT = frozenset((INS, MOVE_TO, HYPERLINK, SMART_TAG, CUSTOM_XML, FLD_SIMPLE, DIR, BDO))
_OFF = frozenset(("0", "false", "off"))
_TOKEN = re.compile(r"\S+")


@dataclass(frozen=True)
class Atom:
    """One character as read: the run it belongs to, the node holding it and the offset there."""

    run: etree._Element
    node: etree._Element
    offset: int  # index into node.text for w:t; 0 for a tab, break or no-break hyphen


class ParagraphText:
    """A paragraph's read text (whitespace collapsed, as in Block.text) and where each character is."""

    def __init__(self, paragraph: etree._Element) -> None:
        self.paragraph = paragraph
        self._segments: list[tuple[int, etree._Element, etree._Element, list[int] | None]] = []
        pieces: list[str] = []
        length = 0
        for run, node, text, offsets in _pieces(paragraph):
            self._segments.append((length, run, node, offsets))
            pieces.append(text)
            length += len(text)
        self._length = length
        raw = "".join(pieces)
        tokens = [(m.start(), m.end()) for m in _TOKEN.finditer(raw)]
        index: list[int] = []
        for number, (start, end) in enumerate(tokens):
            if number:
                index.append(start - 1)  # the collapsed space stands for the whitespace before the token
            index.extend(range(start, end))
        self.text = " ".join(raw[start:end] for start, end in tokens)
        self._index = index
        self._starts = [segment[0] for segment in self._segments]
        self._atoms: list[Atom] | None = None

    @property
    def atoms(self) -> list[Atom]:
        """Every character as read, with its run, node and offset (built when first asked for)."""
        if self._atoms is None:
            self._atoms = [self._atom(position) for position in range(self._length)]
        return self._atoms

    def _atom(self, position: int) -> Atom:
        start, run, node, offsets = self._segments[bisect_right(self._starts, position) - 1]
        offset = position - start
        return Atom(run, node, offsets[offset] if offsets is not None else offset)

    def atom_span(self, start: int, end: int) -> tuple[int, int]:
        """The atoms [first, last) that print text[start:end], whitespace inside the range included."""
        return self._index[start], self._index[end - 1] + 1


def _pieces(parent: etree._Element) -> Iterator[tuple[etree._Element, etree._Element, str, list[int] | None]]:
    """(run, node, text as read, offsets into node.text or None when they are the identity)."""
    for child in parent:
        tag = child.tag
        if tag == R:
            yield from _run_pieces(child)
        elif tag in _TRANSPARENT:
            yield from _pieces(child)
        elif tag == SDT:
            for content in child.iterchildren(SDT_CONTENT):
                yield from _pieces(content)


def _run_pieces(run: etree._Element) -> Iterator[tuple[etree._Element, etree._Element, str, list[int] | None]]:
    rpr = run.find(RPR)
    if rpr is not None:
        vanish = rpr.find(VANISH)
        if vanish is not None and vanish.get(VAL) not in _OFF:
            return
    for node in run:
        tag = node.tag
        if tag == T:
            text = node.text or ""
            if "\xad" in text:  # soft hyphens are not read: keep where each read character sits
                offsets = [i for i, c in enumerate(text) if c != "\xad"]
                yield run, node, text.replace("\xad", ""), offsets
            elif text:
                yield run, node, text, None
        elif tag in (TAB, PTAB, CR, BR):
            yield run, node, " ", None
        elif tag == NO_BREAK_HYPHEN:
            yield run, node, "-", None


def story_paragraphs(body: etree._Element) -> list[ParagraphText]:
    """Every paragraph of the body (tables and text boxes included) in the reader's order, with text."""
    out = []
    for paragraph in body.iter(P):
        text = ParagraphText(paragraph)
        if text.text:
            out.append(text)
    return out


_ALIGN_WINDOW = 40
_MAX_LABEL = 24  # a typed number printed before the block's text: "7.2(b)(iv) ", "Section 12.01 "


def align_blocks(blocks: Sequence[Block], paragraphs: Sequence[ParagraphText]) -> dict[int, ParagraphText]:
    """Block index -> the paragraph that printed it, for the body, table and text-box blocks.

    Both lists are in reading order, so a forward walk that matches each block's text against the
    end of the next paragraphs pairs them; a block that cannot be paired (a paragraph merged by
    a deleted paragraph mark, say) is left out rather than guessed.
    """
    found: dict[int, ParagraphText] = {}
    position = 0
    for block in blocks:
        if block.part not in (Part.BODY, Part.TABLE, Part.TEXTBOX):
            continue
        for candidate in range(position, min(len(paragraphs), position + _ALIGN_WINDOW)):
            text = paragraphs[candidate].text
            if text.endswith(block.text) and len(text) - len(block.text) <= _MAX_LABEL:
                found[block.index] = paragraphs[candidate]
                position = candidate + 1
                break
    return found
