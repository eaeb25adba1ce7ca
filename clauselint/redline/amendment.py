"""An amendment for a contract that cannot carry tracked changes (a PDF, HTML or text file).

A signed PDF is not a draft: the way to change it is an amendment both parties sign. This writes
one as a DOCX: "Amendment to [title]", the parties named as the contract names them, recitals,
one numbered amendment per change of the plan (words deleted and replaced, where the contract's
text showed them; clauses added, at the place and with the number the plan chose), a
precedence clause and signature blocks. Each amendment carries the same comment a redline
would: the rule, its status, what was done, and the pledge commitment.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from clauselint.documents.model import Block, Document
from clauselint.findings import Evidence, FileResult
from clauselint.library import Pack
from clauselint.redline.comments import CommentWriter, anchor
from clauselint.redline.package import DocxPackage
from clauselint.redline.plan import Change, Plan, Spot, plan_changes

PLACEHOLDER = "[\u25cf]"


class TextSource:
    """The plan's view of a format without revisions: sentences are found in the blocks' text."""

    def __init__(self, document: Document) -> None:
        self.document = document

    def find(self, evidence: Evidence, block: Block | None) -> Spot | None:
        if block is None or evidence.text not in block.text:
            return None
        start = block.text.index(evidence.text)
        covers = start == 0 and start + len(evidence.text) == len(block.text)
        return Spot(block.index, start, start + len(evidence.text), covers)

    def typed(self, block: int) -> bool:
        return True  # a PDF prints every number as text


def build_amendment(document: Document, lint: FileResult, packs: dict[str, Pack], author: str, date: str) -> tuple[Plan, bytes, str]:
    """The plan, the amendment's DOCX bytes and its title."""
    from docx import Document as new_document
    from docx.shared import Pt

    plan = plan_changes(document, lint.findings, packs, TextSource(document), strikes_suffice=False)
    contract = _title(document)
    title = f"Amendment to {contract}"
    docx = new_document()
    docx.core_properties.title = title
    docx.core_properties.author = author
    docx.add_heading(title, level=0)
    docx.add_paragraph(f"This amendment (the \u201cAmendment\u201d) to the {contract} (the \u201cAgreement\u201d) is dated "
                       f"{PLACEHOLDER} and made between:")
    parties = _parties(document)
    for number, party in enumerate(parties, start=1):
        ending = "; and" if number == len(parties) - 1 else ("." if number == len(parties) else ";")
        docx.add_paragraph(f"({number}) {party}{ending}")
    docx.add_heading("Background", level=1)
    docx.add_paragraph("(A) The parties are parties to the Agreement.")
    docx.add_paragraph("(B) The parties wish to amend the Agreement so that it contains the use restrictions that commitment "
                       "4.1 of the Safe Face Pledge asks for: no use of the technology in lethal operations, for secret, mass "
                       "or discriminatory surveillance, or by law enforcement without legislative authorisation; a duty to "
                       "comply with those restrictions; and cessation of use on any breach of them.")
    docx.add_heading("Agreed terms", level=1)
    docx.add_heading("1. Amendments", level=2)
    docx.add_paragraph("1.1 With effect from the date of this Amendment, the Agreement is amended as set out in this clause 1.")
    commented: list[tuple[object, Change]] = []
    for number, change in enumerate(plan.changes, start=2):
        instruction, clause = _amendment_text(change)
        paragraph = docx.add_paragraph(f"1.{number} {instruction}")
        commented.append((paragraph._p, change))
        if clause:
            quoted = docx.add_paragraph(clause)
            quoted.paragraph_format.left_indent = Pt(36)
    docx.add_heading("2. General", level=2)
    docx.add_paragraph("2.1 Except as amended by this Amendment, the Agreement continues in full force and effect. If this "
                       "Amendment and the Agreement conflict, this Amendment prevails.")
    docx.add_paragraph("2.2 This Amendment is governed by the law that governs the Agreement and may be signed in counterparts.")
    docx.add_paragraph("Signed by the parties' authorised representatives.")
    for party in parties:
        docx.add_paragraph(f"For and on behalf of {party.split(' (')[0]}")
        docx.add_paragraph("Signature: ______________________  Name: ______________________  Title: ______________________  "
                           "Date: ______________")
    body_paragraphs = list(docx.element.body.iterchildren("{*}p"))
    positions = [(body_paragraphs.index(element), change) for element, change in commented]
    buffer = io.BytesIO()
    docx.save(buffer)
    return plan, _add_comments(buffer.getvalue(), positions, author, date), title


def _add_comments(data: bytes, positions: Sequence[tuple[int, Change]], author: str, date: str) -> bytes:
    package = DocxPackage(data, "amendment")
    main = package.main_document()
    root = package.xml(main)
    body = root.find("{*}body")
    paragraphs = list(body.iterchildren("{*}p"))
    writer = CommentWriter(package, main, author, date)
    for position, change in positions:
        runs = paragraphs[position].findall("{*}r")
        if runs:
            anchor(runs[0], runs[-1], writer.add(change.comment))
    return package.to_bytes()


def _amendment_text(change: Change) -> tuple[str, str | None]:
    """The numbered instruction for one change, and the clause text set out below it (if any)."""
    if change.strike is not None:
        struck = change.strike
        words = struck.words.strip(" ,;")
        where = _section_of(change)
        if any(words == e.text.strip(" ,;") for e in change.finding.evidence):
            if struck.replacement:
                return f"In {where}, the sentence \u201c{words}\u201d is deleted and replaced by the following:", struck.replacement.strip()
            return f"In {where}, the sentence \u201c{words}\u201d is deleted.", None
        if struck.replacement:
            replacement = struck.replacement.strip(" ,")
            if len(replacement) > 200:
                return f"In {where}, the words \u201c{words}\u201d are deleted and replaced by the following:", replacement
            return f"In {where}, the words \u201c{words}\u201d are deleted and replaced by \u201c{replacement}\u201d.", None
        return f"In {where}, the words \u201c{words}\u201d are deleted.", None
    clause = change.clause
    if clause.placement.new_section:
        number = f" as clause {clause.label}" if clause.label else ""
        return f"The following clause is added to the Agreement{number}, in a new section headed \u201cUse Restrictions\u201d:", clause.text
    if clause.placement.section is not None and clause.label:
        return f"The following clause is added to the Agreement as clause {clause.label}:", clause.text
    if clause.placement.section is not None:
        key = clause.placement.section.key
        name = f"the section headed \u201c{key[2:]}\u201d" if key.startswith("h:") else f"section {key}"
        return f"The following clause is added at the end of {name} of the Agreement:", clause.text
    return "The following clause is added to the Agreement:", clause.text


def _section_of(change: Change) -> str:
    for evidence in change.finding.evidence:
        if evidence.section:
            return f"section {evidence.section} of the Agreement"
    return "the Agreement"


def _title(document: Document) -> str:
    title = " ".join((document.title or "").split())
    if not title:
        return "Agreement"
    return title.title() if title.isupper() else title


def _parties(document: Document) -> list[str]:
    """"Acme Vision Inc. (\u201cProvider\u201d)" for each party; placeholders when none were found."""
    out = []
    for party in document.parties:
        if party.name.lower() == "you":
            out.append("each person who has accepted the Agreement (\u201cyou\u201d)")
        elif party.defined_as and party.defined_as != party.name:
            out.append(f"{party.name} (\u201c{party.defined_as}\u201d)")
        else:
            out.append(party.name)
    if len(out) < 2:
        out += [f"{PLACEHOLDER} (\u201cParty {n}\u201d)" for n in range(len(out) + 1, 3)]
    return out
