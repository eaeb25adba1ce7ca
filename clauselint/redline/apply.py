"""Carry a plan out on a copy of the DOCX package: revisions and comments in the contract's own layout.

`DocxSource` answers the plan's questions about the file (where a quoted sentence is printed,
whether a clause number is typed or Word's automatic numbering); `apply_plan` writes the strikes
(right to left within a paragraph, so earlier positions stay valid), the new section heading
and the new clauses after the body element that closes their section, a comment on each, and
switches Track Changes on so the counterparty's own edits are tracked too.
"""

from __future__ import annotations

from lxml import etree

from clauselint.documents.model import Block, Document
from clauselint.documents.readers.docx_xml import BODY, RPR, TAB, W
from clauselint.findings import Evidence
from clauselint.redline.comments import CommentWriter, anchor
from clauselint.redline.package import DocxPackage
from clauselint.redline.plan import Change, NewSection, Plan, Spot, typed_prefix
from clauselint.redline.textmap import ParagraphText, align_blocks, story_paragraphs
from clauselint.redline.trackchanges import (
    Piece,
    Revisions,
    delete_paragraph_mark,
    highest_id,
    insert_after,
    new_paragraph,
    strike,
)

SETTINGS_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"
TRACK_REVISIONS = W + "trackRevisions"
# w:settings children that must come before w:trackRevisions (ECMA-376 CT_Settings order)
_BEFORE_TRACK_REVISIONS = tuple(W + name for name in (
    "writeProtection", "view", "zoom", "removePersonalInformation", "removeDateAndTime", "doNotDisplayPageBoundaries",
    "displayBackgroundShape", "printPostScriptOverText", "printFractionalCharacterWidth", "printFormsData",
    "embedTrueTypeFonts", "embedSystemFonts", "saveSubsetFonts", "saveFormsData", "mirrorMargins", "alignBordersAndEdges",
    "bordersDoNotSurroundHeader", "bordersDoNotSurroundFooter", "gutterAtTop", "hideSpellingErrors",
    "hideGrammaticalErrors", "activeWritingStyle", "proofState", "formsDesign", "attachedTemplate", "linkStyles",
    "stylePaneFormatFilter", "stylePaneSortMethod", "documentType", "mailMerge", "revisionView"))


class DocxSource:
    """The main document part read back as paragraphs, paired with the Document's blocks."""

    def __init__(self, document: Document, root: etree._Element) -> None:
        self.document = document
        self.body = root.find(BODY)
        self.paragraphs = story_paragraphs(self.body)
        self.by_block = align_blocks(document.blocks, self.paragraphs)
        self._position = {id(text): number for number, text in enumerate(self.paragraphs)}

    def find(self, evidence: Evidence, block: Block | None) -> Spot | None:
        sentence = evidence.text
        candidates: list[ParagraphText] = []
        if block is not None and block.index in self.by_block:
            candidates.append(self.by_block[block.index])
        candidates += [p for p in self.paragraphs if sentence in p.text]
        for text in candidates:
            start = text.text.find(sentence)
            if start < 0:
                continue
            before = text.text[:start].strip()
            typed_label = block.label if block is not None and block.label else None
            covers = not text.text[start + len(sentence):].strip() and (not before or before == typed_label)
            return Spot(self._position[id(text)], start, start + len(sentence), covers)
        return None

    def typed(self, block: int) -> bool:
        """The block's number is typed in its text (not printed by Word's automatic numbering)."""
        text = self.by_block.get(block)
        if text is None:
            return False
        return text.text != self.document.blocks[block].text

    def paragraph_of(self, block: int | None) -> ParagraphText | None:
        if block is None:
            return None
        return self.by_block.get(block)


def apply_plan(package: DocxPackage, main_part: str, source: DocxSource, plan: Plan, author: str, date: str) -> list[str]:
    """Write the plan into the package; returns notes on any change that could not be written."""
    root = package.xml(main_part)
    revisions = Revisions(author, date, highest_id(root) + 1)
    comments = CommentWriter(package, main_part, author, date)
    notes: list[str] = []
    strikes = sorted((c for c in plan.changes if c.strike is not None), key=lambda c: (c.strike.paragraph, -c.strike.start))
    for change in strikes:
        if not _apply_strike(source, change, revisions, comments):
            notes.append(f"{change.finding.rule}: could not mark the words as deleted; strike them by hand: \"{change.strike.words}\"")
    notes += _insert_clauses(source, plan, revisions, comments)
    _track_revisions(package, main_part)
    return notes


def _apply_strike(source: DocxSource, change: Change, revisions: Revisions, comments: CommentWriter) -> bool:
    struck = change.strike
    paragraph = source.paragraphs[struck.paragraph].paragraph
    start, end = struck.start, struck.end
    if struck.whole_paragraph:
        start, end = 0, len(ParagraphText(paragraph).text)
    deletions = strike(paragraph, start, end, revisions)
    if not deletions:
        return False
    last = deletions[-1]
    if struck.replacement:
        runs = [r for d in deletions for r in d.iter(W + "r")]
        last = insert_after(last, [Piece(struck.replacement, runs[-1].find(RPR) if runs else None)], revisions)
    if struck.whole_paragraph and paragraph.getnext() is not None and paragraph.getnext().tag == paragraph.tag:
        delete_paragraph_mark(paragraph, revisions)  # the last paragraph of a cell or of the body keeps its mark
    anchor(deletions[0], last, comments.add(change.comment))
    return True


def _insert_clauses(source: DocxSource, plan: Plan, revisions: Revisions, comments: CommentWriter) -> list[str]:
    notes: list[str] = []
    groups: dict[object, list[Change]] = {}
    for change in plan.changes:
        if change.clause is not None:
            groups.setdefault(change.clause.placement, []).append(change)
    for placement, changes in groups.items():
        changes.sort(key=lambda c: c.clause.order)
        after = _body_element_after(source, placement.after)
        if after is None:
            notes += [f"{c.finding.rule}: found no place in the document's XML for the clause; add it by hand: \"{c.clause.text}\""
                      for c in changes]
            continue
        if placement.new_section and plan.new_section is not None:
            heading = _heading_paragraph(source, plan.new_section, revisions, comments)
            after.addnext(heading)
            after = heading
        template = source.paragraph_of(placement.clause_template)
        typed = placement.clause_template is not None and source.typed(placement.clause_template)
        template_label = source.document.blocks[placement.clause_template].label if placement.clause_template is not None else None
        for change in changes:
            clause = change.clause
            pieces = _numbered_pieces(template, template_label, clause.label if typed else None, clause.text)
            paragraph, insertion = new_paragraph(template.paragraph if template else None, pieces, revisions)
            runs = insertion.findall(W + "r")
            anchor(runs[0], runs[-1], comments.add(change.comment))
            after.addnext(paragraph)
            after = paragraph
    return notes


def _heading_paragraph(source: DocxSource, section: NewSection, revisions: Revisions, comments: CommentWriter) -> etree._Element:
    template_block = section.placement.heading_template
    template = source.paragraph_of(template_block)
    typed = template_block is not None and source.typed(template_block)
    block = source.document.blocks[template_block] if template_block is not None else None
    template_label = (block.label or typed_prefix(block)) if block is not None else None
    pieces = _numbered_pieces(template, template_label, section.label if typed else None, section.title, heading=True)
    if template is None:
        pieces = [Piece(section.title, _bold())]
    paragraph, insertion = new_paragraph(template.paragraph if template else None, pieces, revisions)
    runs = insertion.findall(W + "r")
    anchor(runs[0], runs[-1], comments.add((
        "clauselint \u2014 new section",
        "The contract has no section of use restrictions; this new section holds the clauses the Safe Face Pledge "
        "(commitment 4.1) asks a contract to contain. It is placed after the last numbered section so that no "
        "existing clause is renumbered.")))
    return paragraph


def _numbered_pieces(template: ParagraphText | None, template_label: str | None, label: str | None, text: str,
                     heading: bool = False) -> list[Piece]:
    """The runs of a new paragraph: a typed number (with the template's tab or space), then the text."""
    if template is None:
        return [Piece(text)]
    prefix_end = 0
    if template_label and template.text.startswith(template_label):
        prefix_end = template.atom_span(0, len(template_label))[1]
    first_rpr = template.atoms[0].run.find(RPR) if template.atoms else None
    body_rpr = _body_rpr(template, prefix_end, heading)
    if not label:
        return [Piece(text, body_rpr)]
    if _tab_after(template, prefix_end):
        return [Piece(label, first_rpr), Piece(None, first_rpr), Piece(text, body_rpr)]
    return [Piece(label + " ", first_rpr), Piece(text, body_rpr)]


def _tab_after(template: ParagraphText, index: int) -> bool:
    for atom in template.atoms[index:]:
        if atom.node.tag == TAB:
            return True
        if not (atom.node.text or " ")[atom.offset: atom.offset + 1].isspace():
            return False
    return False


def _body_rpr(template: ParagraphText, prefix_end: int, heading: bool) -> etree._Element | None:
    """Headings take the formatting of their title; clauses that of their last run (after any bold caption)."""
    atoms = template.atoms[prefix_end:] or template.atoms
    if not atoms:
        return None
    chosen = atoms[0] if heading else atoms[-1]
    if not heading:
        for atom in reversed(atoms):
            if atom.node.tag != TAB and not (atom.node.text or " ")[atom.offset: atom.offset + 1].isspace():
                chosen = atom
                break
    return chosen.run.find(RPR)


def _bold() -> etree._Element:
    properties = etree.Element(RPR)
    etree.SubElement(properties, W + "b")
    return properties


def _body_element_after(source: DocxSource, block: int) -> etree._Element | None:
    """The direct child of w:body holding `block` (or the nearest earlier block that was paired)."""
    for index in range(block, -1, -1):
        text = source.by_block.get(index)
        if text is None:
            continue
        element = text.paragraph
        while element.getparent() is not None and element.getparent() is not source.body:
            element = element.getparent()
        if element.getparent() is source.body:
            return element
    return None


def _track_revisions(package: DocxPackage, main_part: str) -> None:
    """Switch Track Changes on in the copy, as a lawyer sending a redline does."""
    part = package.related(main_part, "settings")
    if part is None or not package.has(part):
        return
    settings = package.xml(part)
    if settings.find(TRACK_REVISIONS) is not None:
        return
    before = [child for child in settings if child.tag in _BEFORE_TRACK_REVISIONS]
    element = etree.Element(TRACK_REVISIONS)
    if before:
        before[-1].addnext(element)
    else:
        settings.insert(0, element)

