"""Turn a reader's raw paragraphs into located Blocks: citations, headings, lead-ins, offsets."""

from __future__ import annotations

import re
from dataclasses import replace

from clauselint.documents.definitions import find_defined_terms, find_parties, find_title
from clauselint.documents.labels import SectionState, advance, split_label
from clauselint.documents.model import BLOCK_SEPARATOR, TABLE_CELL_SEPARATOR, Block, Document, Extraction, Part, RawBlock

_SENTENCE_END = re.compile(r"[.!?][\"'”’)]*$")
_ANNOUNCES_LIST = re.compile(r"\b(?:the following|as follows)\b[^.;:]{0,60}[.:]$", re.IGNORECASE)
_ALL_CAPS_HEADING = re.compile(r"^[^a-z]*[A-Z]{3}[^a-z]*$")
STYLED_FORMATS = frozenset({"docx", "html", "markdown"})
ATTACHMENT_HEADING = re.compile(r"^(schedule|exhibit|annex|appendix|attachment|addendum)\s+([a-z0-9]{1,3})\b", re.IGNORECASE)
_NOTE_PARTS = (Part.HEADER, Part.FOOTER, Part.FOOTNOTE, Part.ENDNOTE)


def assemble(path: str, extraction: Extraction) -> Document:
    """Build the Document for one file from what its reader extracted."""
    blocks: list[Block] = []
    state = SectionState()
    headings: list[tuple[int, str]] = []
    open_lead_ins: list[tuple[int, float]] = []
    offset = 0
    styled = extraction.format in STYLED_FORMATS
    prefix: str | None = None  # "Schedule 3" once the contract's schedules begin
    column_heads: tuple[tuple[bool, int], ...] | None = None  # (heading is modal, its block) per column of this table
    for raw in extraction.blocks:
        text = " ".join(raw.text.split())
        if not text:
            continue
        index = len(blocks)
        if raw.continues and blocks:  # the rest of a paragraph cut for length: located where it started
            before = blocks[-1]
            block = Block(index=index, text=text, part=before.part, file=raw.file or path, page=raw.page, section=before.section,
                          label=None, heading_path=before.heading_path, depth=before.depth, lead_in=before.lead_in,
                          is_heading=False, start=offset, end=offset + len(text), page_breaks=_shift_breaks(raw, text), ocr=raw.ocr)
            blocks.append(block)
            offset = block.end + len(BLOCK_SEPARATOR)
            continue
        if raw.part is Part.TABLE:
            cells = [" ".join(cell.split()) for cell in text.split(TABLE_CELL_SEPARATOR.strip())]
            starts_table = not blocks or blocks[-1].part is not Part.TABLE
            if starts_table:
                modal = _modal_columns(cells)
                column_heads = None
                if len(cells) > 1 and any(modal):  # "You can | You can't": the heading governs its column
                    heads = [_cell_block(cell, raw, path, prefix, state, headings, None) for cell in cells]
                    placed, offset = _append_cells(blocks, heads, offset)
                    column_heads = tuple((m, b.index) for m, b in zip(modal, placed, strict=True))
                    continue
            elif column_heads and len(cells) == len(column_heads):
                row = [_cell_block(cell, raw, path, prefix, state, headings, head if is_modal else None)
                       for cell, (is_modal, head) in zip(cells, column_heads, strict=True)]
                _, offset = _append_cells(blocks, row, offset)
                continue
        else:
            column_heads = None
        label = raw.label
        if label is None and raw.part in (Part.BODY, Part.TEXTBOX, Part.TABLE):
            label, text = split_label(text)
        heading_level = raw.heading_level or (None if styled else _guess_heading_level(raw, label, text))
        if raw.part in _NOTE_PARTS or raw.part is Part.TABLE:
            section = _with_prefix(prefix, state.citation()) if raw.part is Part.TABLE else None
            depth, lead_in = state.depth + 0.5, None
        else:
            attachment = ATTACHMENT_HEADING.match(text) if not label and len(text) <= 120 else None
            if attachment and (heading_level is not None or not _SENTENCE_END.search(text)):
                prefix = f"{attachment.group(1).title()} {attachment.group(2).upper()}"
                state = SectionState()
            if label:
                state = advance(state, label)
            elif raw.bullet or raw.list_level:
                pass
            elif heading_level is None:
                state = SectionState(base=state.base, base_depth=state.base_depth)
            depth = _depth(state, raw, label, heading_level)
            while open_lead_ins and open_lead_ins[-1][1] >= depth:
                open_lead_ins.pop()
            is_item = bool(label or raw.bullet or raw.list_level) and heading_level is None  # a heading is no list item
            lead_in = open_lead_ins[-1][0] if open_lead_ins and is_item else None
            if not is_item and heading_level is None:
                open_lead_ins.clear()
            if heading_level is None and (not _SENTENCE_END.search(text) or _ANNOUNCES_LIST.search(text)):
                open_lead_ins.append((index, depth))  # "... any of the following acts." announces the items below
            section = _with_prefix(prefix, state.citation())
        if heading_level is not None and raw.part is Part.BODY:
            headings = [(level, title) for level, title in headings if level < heading_level]
            headings.append((heading_level, f"{label} {text}" if label else text))
            open_lead_ins.clear()
        block = Block(
            index=index,
            text=text,
            part=raw.part,
            file=raw.file or path,
            page=raw.page,
            section=section,
            label=label,
            heading_path=tuple(title for _, title in headings),
            depth=depth,
            lead_in=lead_in,
            is_heading=heading_level is not None,
            start=offset,
            end=offset + len(text),
            page_breaks=_shift_breaks(raw, text),
            ocr=raw.ocr,
        )
        blocks.append(block)
        offset = block.end + len(BLOCK_SEPARATOR)
    frozen = tuple(blocks)
    return Document(
        path=path,
        format=extraction.format,
        blocks=frozen,
        pages=extraction.pages,
        title=find_title(frozen),
        parties=find_parties(frozen),
        defined_terms=find_defined_terms(frozen),
    )


_MODAL_HEADING = re.compile(
    r"\b(?:can'?t|can ?not|cannot|must ?not|mustn'?t|may ?not|not permitted|not allowed|prohibited|forbidden|banned|"
    r"don'?t|do not|never|restricted|excluded|off[- ]limits)\b", re.IGNORECASE)


def _modal_columns(cells: list[str]) -> list[bool]:
    """Which column headings forbid what sits under them ("You can't", "Prohibited uses")."""
    return [0 < len(cell.split()) <= 6 and bool(_MODAL_HEADING.search(cell)) for cell in cells]


def _cell_block(text: str, raw: RawBlock, path: str, prefix: str | None, state: SectionState,
                headings: list[tuple[int, str]], lead_in: int | None) -> Block:
    """One cell of a table whose headings govern their columns: a block of its own, led in by its heading."""
    return Block(index=-1, text=text, part=Part.TABLE, file=raw.file or path, page=raw.page,
                 section=_with_prefix(prefix, state.citation()), label=None, heading_path=tuple(t for _, t in headings),
                 depth=state.depth + 0.5, lead_in=lead_in, is_heading=False, start=0, end=0, ocr=raw.ocr)


def _append_cells(blocks: list[Block], cells: list[Block], offset: int) -> tuple[list[Block], int]:
    """Append the non-empty cells with their indices and offsets laid end to end; returns them and the next offset."""
    placed = []
    for cell in cells:
        block = replace(cell, index=len(blocks), start=offset, end=offset + len(cell.text))
        if cell.text:
            blocks.append(block)
            offset = block.end + len(BLOCK_SEPARATOR)
        placed.append(block)
    return placed, offset


def _with_prefix(prefix: str | None, citation: str | None) -> str | None:
    """Clause numbers restart in a schedule: cite 'Schedule 3, 2(b)' rather than a bare '2(b)'."""
    if prefix is None:
        return citation
    return f"{prefix}, {citation}" if citation else prefix


def _depth(state: SectionState, raw: RawBlock, label: str | None, heading_level: int | None) -> float:
    if heading_level is not None and not label:
        return float(heading_level) - 1
    if label:
        return float(state.depth)
    if raw.bullet or raw.list_level:
        return state.depth + 1 + (raw.list_level or 0)
    return state.depth + 0.5


def _guess_heading_level(raw: RawBlock, label: str | None, text: str) -> int | None:
    """Formats without styles (PDF, text): a short unpunctuated line is a heading."""
    if raw.part is not Part.BODY:
        return None
    if len(text) > 90 or text.endswith((".", ";", ":", ",")):
        return None
    if label and re.fullmatch(r"(?:(?:ARTICLE|Article|SECTION|Section)\s*)?[0-9IVX]{1,4}\.?", label):
        return 1
    if label is None and _ALL_CAPS_HEADING.match(text) and len(text.split()) <= 10:
        return 1
    if label and re.fullmatch(r"\(?[A-Z]\)?\.?", label) and text[:1].isupper() and len(text.split()) <= 8:
        return 2  # "D. Law enforcement customers": a lettered part's title, not an item of the list above it
    return None


def _shift_breaks(raw: RawBlock, text: str) -> tuple[tuple[int, int], ...]:
    """Page breaks were measured on the raw text; keep them in range of the cleaned text."""
    if not raw.page_breaks:
        return ()
    cut = max(0, len(" ".join(raw.text.split())) - len(text))
    return tuple((max(0, at - cut), page) for at, page in raw.page_breaks)
