"""Where a new clause goes in the contract, decided on the Document's located blocks.

- A use restriction (and the duty to comply with them) goes at the end of the section that
  already holds the contract's use restrictions: the top-level section holding most of the
  evidence of the present or partial prohibitions.
- Cessation goes at the end of the termination section (found by its heading), else with the
  restrictions.
- Failing that, a section headed like one ("Acceptable Use", "Use Restrictions") takes them.
- When the contract has no such section, the clauses go into a new section after the last
  numbered section of the operative text: before the signature block, schedules and exhibits,
  so that no existing clause is renumbered and every cross-reference stays right.

Inserting at the end of a section (never in its middle) means a typed clause number is always
the next free one ("4.5" -> "4.6") and Word's automatic numbering shifts nothing that follows.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from clauselint.documents.model import Block, Document, Part
from clauselint.findings import Evidence

_SIGNATURE = re.compile(
    r"^(?:in witness|as witness|signed\b|signature|executed\b|execution\b|subscribed\b|the common seal|"
    r"agreed and accepted|accepted and agreed|by:\s)",
    re.IGNORECASE,
)
_ATTACHMENT = re.compile(r"^(?:schedule|exhibit|annex|appendix|attachment|addendum)\b", re.IGNORECASE)
_BACK_MATTER_HEADING = re.compile(r"\b(?:signatures?|execution|schedules?|exhibits?|annex(?:es)?|appendix|appendices|attachments?)\b",
                                  re.IGNORECASE)
_TERMINATION = re.compile(r"terminat", re.IGNORECASE)
_TERMINATION_CAPTION = re.compile(r"(?:[A-Z][\w-]*,? ){0,3}(?:and )?Terminat", re.IGNORECASE)
_RESTRICTIONS_HEADING = re.compile(r"\b(?:acceptable use|use restrictions?|restrictions on use|restricted uses?|prohibited uses?|"
                                   r"use limits|usage rules|what you must not do)\b", re.IGNORECASE)
_DEFINITIONS = re.compile(r"definition|interpretation", re.IGNORECASE)
_OPERATIVE_PARTS = (Part.BODY, Part.TABLE, Part.TEXTBOX)


@dataclass(frozen=True)
class Section:
    """A top-level section of the contract: its key ("4", or a heading) and its first and last block."""

    key: str
    first: int
    last: int


@dataclass(frozen=True)
class Placement:
    """Insert after the body element holding block `after`; `new_section` says a heading comes first."""

    after: int
    section: Section | None  # the existing section the clauses join (None for a new section)
    new_section: bool = False
    heading_template: int | None = None  # the heading a new section's heading copies
    clause_template: int | None = None  # the clause whose numbering and layout new clauses copy
    count_from: int | None = None  # the last numbered clause of the section: new numbers follow its number


def top_key(block: Block) -> str | None:
    """The top-level section a block belongs to: "4" for 4.3(b); the first heading where unnumbered."""
    if block.section:
        head = re.split(r"[.(]", block.section, maxsplit=1)[0].strip()
        if head:
            return head
    if block.heading_path:
        return "h:" + block.heading_path[0]
    return None


def is_back_matter(block: Block) -> bool:
    """The signature block, or a schedule / exhibit heading: where the operative text ends."""
    text = block.text
    if _SIGNATURE.match(text):
        return block.is_heading or len(text) < 120 or text.lower().startswith(("in witness", "as witness", "signed", "executed"))
    if _ATTACHMENT.match(text):
        return block.is_heading or (len(text) < 80 and not text.endswith("."))
    return block.is_heading and bool(_BACK_MATTER_HEADING.search(text)) and len(text) < 80


def operative_blocks(document: Document) -> list[Block]:
    return [b for b in document.blocks if b.part in _OPERATIVE_PARTS]


def section_at(document: Document, index: int) -> Section | None:
    """The top-level section holding block `index`, cut at the signature block or a schedule."""
    blocks = document.blocks
    key = top_key(blocks[index])
    if key is None:
        return None
    first = index
    while first > 0 and _same_section(blocks[first - 1], key) and not is_back_matter(blocks[first - 1]):
        first -= 1
    last = index
    while last + 1 < len(blocks) and _same_section(blocks[last + 1], key) and not is_back_matter(blocks[last + 1]):
        last += 1
    return Section(key, first, last)


def _same_section(block: Block, key: str) -> bool:
    return block.part in _OPERATIVE_PARTS and top_key(block) == key


def evidence_blocks(document: Document, evidence: Iterable[Evidence]) -> list[Block]:
    """The blocks of `document` that hold each quoted sentence (the one with the quoted section first)."""
    found = []
    for item in evidence:
        if item.file != document.path:
            continue
        candidates = [b for b in document.blocks if item.text in b.text and b.part in _OPERATIVE_PARTS]
        candidates.sort(key=lambda b: b.section != item.section)
        if candidates:
            found.append(candidates[0])
    return found


def restriction_section(document: Document, evidence: Sequence[Evidence]) -> Section | None:
    """The section holding most of the existing use restrictions (present or partial prohibitions)."""
    votes: Counter[str] = Counter()
    first_block: dict[str, int] = {}
    for block in evidence_blocks(document, evidence):
        key = top_key(block)
        if key is None or is_back_matter(block) or _in_definitions(block):
            continue
        votes[key] += 1
        first_block.setdefault(key, block.index)
    if not votes:
        return None
    best = max(votes, key=lambda k: (votes[k], -first_block[k]))
    return section_at(document, first_block[best])


def restrictions_heading(document: Document) -> Section | None:
    """A section headed like a home for use restrictions ("Acceptable Use", "Restrictions"), when no ban is found."""
    for block in operative_blocks(document):
        if block.part is Part.BODY and block.is_heading and _RESTRICTIONS_HEADING.search(block.text) and not is_back_matter(block):
            section = section_at(document, block.index)
            if section is not None:
                return section
    return None


def _in_definitions(block: Block) -> bool:
    """Definitions are no place for a new restriction, though a defined term's meaning may be evidence."""
    return any(_DEFINITIONS.search(heading) for heading in block.heading_path[:1])


def termination_section(document: Document) -> Section | None:
    """The section whose heading (or clause caption) speaks of termination."""
    for block in operative_blocks(document):
        if block.part is Part.BODY and block.is_heading and _TERMINATION.search(block.text) and not is_back_matter(block):
            return section_at(document, block.index)
    for block in operative_blocks(document):
        if block.part is Part.BODY and block.label and _TERMINATION_CAPTION.match(block.text):
            return section_at(document, block.index)
    return None


def join_section(document: Document, section: Section) -> Placement:
    """New clauses at the end of an existing section, numbered after its last clause."""
    clauses = _clauses(document, section)
    return Placement(after=section.last, section=section, clause_template=clause_template(document, section),
                     count_from=clauses[-1].index if clauses else None)


def clause_template(document: Document, section: Section) -> int | None:
    """The last clause of the section at the level just below its heading ("4.5" in section 4)."""
    clauses = _clauses(document, section)
    if clauses:
        standalone = [b for b in clauses if b.lead_in is None]
        return (standalone or clauses)[-1].index
    blocks = document.blocks[section.first: section.last + 1]
    plain = [b for b in blocks if b.part is Part.BODY and not b.is_heading and b.label is None and b.lead_in is None]
    return plain[-1].index if plain else None


def _clauses(document: Document, section: Section) -> list[Block]:
    """The numbered clauses of a section one level below its heading ("4.1" ... "4.5" in section 4)."""
    pattern = re.compile(re.escape(section.key) + r"\.[0-9]+$")
    return [b for b in document.blocks[section.first: section.last + 1]
            if b.part is Part.BODY and not b.is_heading and b.section and pattern.match(b.section) and b.label]


def new_section(document: Document) -> Placement | None:
    """A new top-level section after the last numbered section, before the signature block."""
    blocks = operative_blocks(document)
    if not blocks:
        return None
    headings = [b for b in blocks if b.part is Part.BODY and b.is_heading and _is_top_level(b) and not is_back_matter(b)]
    if headings:
        last = headings[-1]
        section = section_at(document, last.index)
        end = section.last if section else last.index
        template = clause_template(document, section) if section else None
        return Placement(after=end, section=None, new_section=True, heading_template=last.index, clause_template=template)
    start = next((b.index for b in blocks if b.is_heading), blocks[0].index)
    back = next((b.index for b in blocks if b.index > start and is_back_matter(b)), None)
    body = [b for b in blocks if b.part is Part.BODY and (back is None or b.index < back)]
    if not body:
        return None
    heading = next((b.index for b in reversed(body) if b.is_heading), None)
    plain = next((b.index for b in reversed(body) if not b.is_heading and b.label is None and b.lead_in is None), None)
    return Placement(after=body[-1].index, section=None, new_section=True, heading_template=heading, clause_template=plain)


def _is_top_level(block: Block) -> bool:
    """A numbered heading of the main sequence: "12." or "ARTICLE 12", not "Schedule 2, 1" or "4.3"."""
    return bool(block.section) and re.fullmatch(r"(?:[0-9]{1,3}|Article [IVXLC]+)", block.section) is not None
