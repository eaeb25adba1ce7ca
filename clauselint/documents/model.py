"""The document model every reader produces: ordered blocks, each located in the original file."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class Part(str, Enum):
    """Where in the file a block lives; a reviewer needs this to find the text again."""

    BODY = "body"
    TABLE = "table"
    FOOTNOTE = "footnote"
    ENDNOTE = "endnote"
    HEADER = "header"
    FOOTER = "footer"
    TEXTBOX = "textbox"


@dataclass(frozen=True)
class RawBlock:
    """One paragraph-like unit as a reader extracted it, before structure is worked out.

    `label` is set when the reader knows the printed number separately from the text (Word
    automatic numbering); otherwise a number typed at the start of `text` is found later.
    `page_breaks` lists (offset in text, page) where the block continues on a later page.
    """

    text: str
    part: Part = Part.BODY
    page: int | None = None
    page_breaks: tuple[tuple[int, int], ...] = ()
    label: str | None = None
    list_level: int | None = None
    heading_level: int | None = None
    bullet: bool = False
    file: str = ""
    continues: bool = False  # the rest of an over-long paragraph the reader cut: it sits where the piece before does
    ocr: bool = False  # read by OCR from a scan: the reviewer should check the text against the image


@dataclass(frozen=True)
class Extraction:
    """What a reader returns for one file."""

    format: str
    blocks: tuple[RawBlock, ...]
    pages: int | None = None


@dataclass(frozen=True)
class Block:
    """A located paragraph of the contract: text without its printed label, and where it is."""

    index: int
    text: str
    part: Part
    file: str
    page: int | None
    section: str | None
    label: str | None
    heading_path: tuple[str, ...]
    depth: float
    lead_in: int | None
    is_heading: bool
    start: int
    end: int
    page_breaks: tuple[tuple[int, int], ...] = ()
    ocr: bool = False  # read by OCR from a scan: the reviewer should check the text against the image

    def page_at(self, offset: int) -> int | None:
        """The page on which the character at `offset` (relative to this block) is printed."""
        page = self.page
        for at, later_page in self.page_breaks:
            if offset >= at:
                page = later_page
        return page


@dataclass(frozen=True)
class Party:
    """A contracting party: its legal name, the name the contract calls it, and its role."""

    name: str
    defined_as: str | None
    role: str | None  # "provider" | "customer" | None when it cannot be told
    aliases: tuple[str, ...] = ()  # further names: ("System Integrator" or "SI"), ("Company", "we", "us")


@dataclass(frozen=True)
class DefinedTerm:
    """A term the contract defines, with the block that defines it."""

    term: str
    block: int
    definition: str


@dataclass(frozen=True)
class Document:
    """One file read into blocks; `text` joins the block texts and `Block.start/end` index it."""

    path: str
    format: str
    blocks: tuple[Block, ...]
    pages: int | None
    title: str | None = None
    parties: tuple[Party, ...] = ()
    defined_terms: tuple[DefinedTerm, ...] = field(default=())

    @property
    def text(self) -> str:
        return BLOCK_SEPARATOR.join(block.text for block in self.blocks)

    def party_name(self, role: str) -> str | None:
        """The defined name ("Customer", "Licensee", "you") of the party with `role`."""
        for party in self.parties:
            if party.role == role:
                return party.defined_as or party.name
        return None


BLOCK_SEPARATOR = "\n\n"
# A table row is one block: its cells in order, joined so that a row reads as one line.
TABLE_CELL_SEPARATOR = " | "
