"""WordprocessingML revisions: struck text (`w:del` + `w:delText`), inserted runs and paragraphs (`w:ins`).

Word shows these as Track Changes: the counterparty accepts or rejects each. A deletion
wraps the very runs that print the struck words (split where the words start and end inside
a run), so rejecting it restores the text exactly, formatting included. An inserted paragraph
carries an inserted paragraph mark, so rejecting it removes the paragraph, not only its text.
"""

from __future__ import annotations

import copy
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from lxml import etree

from clauselint.documents.readers.docx_xml import DEL, ID, INS, MOVE_FROM, MOVE_TO, PPR, RPR, SECT_PR, TAB, P, R, T, W
from clauselint.redline.textmap import ParagraphText

DEL_TEXT = W + "delText"
INSTR_TEXT = W + "instrText"
DEL_INSTR_TEXT = W + "delInstrText"
AUTHOR = W + "author"
DATE = W + "date"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_PPR_DROPPED = frozenset((SECT_PR, W + "pPrChange", W + "pageBreakBefore", W + "framePr"))
_RPR_DROPPED = frozenset((INS, DEL, MOVE_FROM, MOVE_TO, W + "rPrChange"))
_CONTAINERS = frozenset((INS, MOVE_TO))
_MOVABLE = frozenset((R, W + "bookmarkStart", W + "bookmarkEnd", W + "commentRangeStart", W + "commentRangeEnd", W + "proofErr",
                      W + "permStart", W + "permEnd"))


class Revisions:
    """Author, date and fresh ids for every revision mark clauselint writes into one document."""

    def __init__(self, author: str, date: str, first_id: int) -> None:
        self.author = author
        self.date = date
        self._ids = itertools.count(first_id)

    def mark(self, tag: str) -> etree._Element:
        return etree.Element(tag, {ID: str(next(self._ids)), AUTHOR: self.author, DATE: self.date})

    def renumber(self, element: etree._Element) -> None:
        element.set(ID, str(next(self._ids)))


def highest_id(*roots: etree._Element) -> int:
    """The largest numeric w:id in the given parts, so new revision ids collide with none."""
    best = 0
    for root in roots:
        for value in root.xpath("//@w:id", namespaces={"w": W[1:-1]}):
            try:
                best = max(best, int(value))
            except ValueError:
                continue
    return best


@dataclass(frozen=True)
class Piece:
    """A run to write: its text (None for a tab) and the run properties to copy."""

    text: str | None
    rpr: etree._Element | None = None


def make_run(piece: Piece) -> etree._Element:
    run = etree.Element(R)
    if piece.rpr is not None:
        properties = copy.deepcopy(piece.rpr)
        for child in list(properties):
            if child.tag in _RPR_DROPPED:
                properties.remove(child)
        run.append(properties)
    if piece.text is None:
        etree.SubElement(run, TAB)
    else:
        text = etree.SubElement(run, T)
        text.text = piece.text
        text.set(XML_SPACE, "preserve")
    return run


def strike(paragraph: etree._Element, start: int, end: int, revisions: Revisions) -> list[etree._Element]:
    """Mark the paragraph's text[start:end] (its read text) as deleted; returns the w:del elements."""
    runs = _isolate(paragraph, start, end)
    deletions = []
    for group in _sibling_groups(runs):
        first, last = group[0], group[-1]
        parent = first.getparent()
        for members in _movable_chunks(list(parent)[parent.index(first): parent.index(last) + 1]):
            deletion = revisions.mark(DEL)
            members[0].addprevious(deletion)
            deletion.extend(members)
            for run in deletion.iter(R):
                for child in run:
                    if child.tag == T:
                        child.tag = DEL_TEXT
                    elif child.tag == INSTR_TEXT:
                        child.tag = DEL_INSTR_TEXT
            deletions.append(deletion)
    return deletions


def _movable_chunks(members: Sequence[etree._Element]) -> list[list[etree._Element]]:
    """Stretches of siblings a w:del may hold (runs and range marks), each with a run in it."""
    chunks: list[list[etree._Element]] = [[]]
    for member in members:
        if member.tag in _MOVABLE:
            chunks[-1].append(member)
        elif chunks[-1]:
            chunks.append([])
    return [chunk for chunk in chunks if any(m.tag == R for m in chunk)]


def insert_after(anchor: etree._Element, pieces: Sequence[Piece], revisions: Revisions) -> etree._Element:
    """Insert runs right after `anchor` as one w:ins; a surrounding w:ins / w:moveTo is split around it."""
    insertion = revisions.mark(INS)
    for piece in pieces:
        insertion.append(make_run(piece))
    parent = anchor.getparent()
    if parent.tag in _CONTAINERS:
        rest = list(parent)[parent.index(anchor) + 1:]
        if rest:
            tail = etree.Element(parent.tag, dict(parent.attrib))
            revisions.renumber(tail)
            tail.extend(rest)
            parent.addnext(tail)
        parent.addnext(insertion)
    else:
        anchor.addnext(insertion)
    return insertion


def delete_paragraph_mark(paragraph: etree._Element, revisions: Revisions) -> None:
    """Mark the paragraph mark deleted: accepting joins the (now empty) paragraph to the next one."""
    _mark_properties(paragraph).insert(0, revisions.mark(DEL))


def new_paragraph(template: etree._Element | None, pieces: Sequence[Piece], revisions: Revisions) -> tuple[etree._Element, etree._Element]:
    """An inserted paragraph laid out like `template` (style, numbering, indents); returns (w:p, its w:ins)."""
    paragraph = etree.Element(P)
    properties = template.find(PPR) if template is not None else None
    properties = copy.deepcopy(properties) if properties is not None else etree.Element(PPR)
    for child in list(properties):
        if child.tag in _PPR_DROPPED:
            properties.remove(child)
    paragraph.append(properties)
    mark = _mark_properties(paragraph)
    for child in list(mark):
        if child.tag in _RPR_DROPPED:
            mark.remove(child)
    mark.insert(0, revisions.mark(INS))
    insertion = revisions.mark(INS)
    for piece in pieces:
        insertion.append(make_run(piece))
    paragraph.append(insertion)
    return paragraph, insertion


def _mark_properties(paragraph: etree._Element) -> etree._Element:
    """The paragraph mark's run properties (w:pPr/w:rPr), created in schema order when absent."""
    properties = paragraph.find(PPR)
    if properties is None:
        properties = etree.Element(PPR)
        paragraph.insert(0, properties)
    mark = properties.find(RPR)
    if mark is None:
        mark = etree.Element(RPR)
        later = next((c for c in properties if c.tag in (SECT_PR, W + "pPrChange")), None)
        if later is not None:
            later.addprevious(mark)
        else:
            properties.append(mark)
    return mark


# -- splitting runs at character boundaries ---------------------------------------------------


def _isolate(paragraph: etree._Element, start: int, end: int) -> list[etree._Element]:
    """Split runs so that text[start:end] is printed by whole runs; return those runs in order."""
    text = ParagraphText(paragraph)
    first, last = text.atom_span(start, end)
    if last < len(text.atoms):
        _boundary_before(text, last)
        text = ParagraphText(paragraph)
    _boundary_before(text, first)
    text = ParagraphText(paragraph)
    runs: list[etree._Element] = []
    for atom in text.atoms[first:last]:
        if not runs or runs[-1] is not atom.run:
            runs.append(atom.run)
    return runs


def _boundary_before(text: ParagraphText, index: int) -> None:
    """Ensure a run boundary right before character `index` of the paragraph."""
    atom = text.atoms[index]
    if index == 0 or text.atoms[index - 1].run is not atom.run:
        return
    run, node = atom.run, atom.node
    second = etree.Element(R, dict(run.attrib))
    properties = run.find(RPR)
    if properties is not None:
        second.append(copy.deepcopy(properties))
    children = list(run)
    position = children.index(node)
    if node.tag == T and atom.offset > 0:
        value = node.text or ""
        node.text = value[: atom.offset]
        node.set(XML_SPACE, "preserve")
        rest = etree.SubElement(second, T)
        rest.text = value[atom.offset:]
        rest.set(XML_SPACE, "preserve")
        moving = children[position + 1:]
    else:
        moving = children[position:]
    for child in moving:
        second.append(child)
    run.addnext(second)


def _sibling_groups(runs: Iterable[etree._Element]) -> list[list[etree._Element]]:
    """Runs split into groups of consecutive runs under the same parent element."""
    groups: list[list[etree._Element]] = []
    for run in runs:
        if groups and groups[-1][-1].getparent() is run.getparent():
            groups[-1].append(run)
        else:
            groups.append([run])
    return groups
