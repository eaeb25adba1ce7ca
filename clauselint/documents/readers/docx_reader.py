"""The DOCX reader: a WordprocessingML package read into located blocks, in reading order.

`read_docx(data, path)` opens the ZIP package itself and parses the parts it needs with lxml
(python-docx is not used for reading: lxml on the parts directly is an order of magnitude faster
and reaches everything, such as text boxes, footnotes and tracked changes).

What is read, each paragraph one RawBlock (empty paragraphs are skipped):
- the body in reading order: paragraphs (Part.BODY) with heading level (Heading 1-9 styles and
  outline levels, through the style's basedOn chain), Word automatic numbering reconstructed as
  printed in `label` (see docx_numbering) with `list_level`, and bullets; tables (Part.TABLE)
  row by row, nested tables included, merged cells once; text boxes (Part.TEXTBOX) right after
  the paragraph they are anchored in; content controls read as ordinary text;
- then the footnotes and endnotes that the body refers to, in order of reference;
- then each header and footer part that some section displays, once (and the same running
  text found in several such parts, such as a first-page and a default header, once).

Tracked changes are read as if accepted (insertions and moves in, deletions out, a deleted
paragraph mark joins the paragraph to the next one); field codes and hidden text are left out,
fields show their last result. Pages come from explicit page information only (page breaks,
"page break before", section breaks that start a new page, and the page breaks Word recorded
when it last laid the document out); with none at all every page is None.
"""

from __future__ import annotations

import io
import posixpath
import re
import threading
import zipfile
import zlib
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import NamedTuple

from lxml import etree

from clauselint.documents.errors import ReadError
from clauselint.documents.model import TABLE_CELL_SEPARATOR, Extraction, Part, RawBlock
from clauselint.documents.readers.docx_numbering import ListItem, Numbering
from clauselint.documents.readers.docx_styles import StyleInfo, Styles, outline_to_heading, parse_int
from clauselint.documents.readers.docx_xml import (
    ALTERNATE_CONTENT,
    BDO,
    BODY,
    BR,
    CELL_DEL,
    CR,
    CUSTOM_MARK_FOLLOWS,
    CUSTOM_XML,
    DEL,
    DIR,
    DRAWING,
    DTD_REFUSED,
    ENDNOTE,
    ENDNOTE_REFERENCE,
    FLD_SIMPLE,
    FOOTER_REFERENCE,
    FOOTNOTE,
    FOOTNOTE_REFERENCE,
    HEADER_REFERENCE,
    HMERGE,
    HYPERLINK,
    ID,
    ILVL,
    INS,
    LAST_RENDERED_PAGE_BREAK,
    M_OMATH,
    M_OMATH_PARA,
    M_T,
    MOVE_FROM,
    MOVE_TO,
    NO_BREAK_HYPHEN,
    NUM_ID,
    NUMPR,
    OBJECT,
    OUTLINE_LVL,
    PAGE_BREAK_BEFORE,
    PICT,
    PKG_REL_NS,
    PPR,
    PSTYLE,
    PTAB,
    R_ID,
    RPR,
    RSTYLE,
    RUBY,
    RUBY_BASE,
    SDT,
    SDT_CONTENT,
    SECT_PR,
    SMART_TAG,
    TAB,
    TBL,
    TC,
    TCPR,
    TITLE_PG,
    TR,
    TRPR,
    TXBX_CONTENT,
    TYPE,
    VAL,
    VANISH,
    VMERGE,
    P,
    R,
    T,
    W,
    choose_alternate,
    is_on,
    make_parser,
    parse_part,
)
from clauselint.documents.sniff import MAX_ZIP_ENTRIES, legacy_format_error

__all__ = ["read_docx", "DEFAULT_MAX_UNCOMPRESSED"]

DEFAULT_MAX_UNCOMPRESSED = 50 * 1024 * 1024  # the XML parts read; the same default as ReadLimits

_REL = "{" + PKG_REL_NS + "}Relationship"
_EVEN_AND_ODD_HEADERS = W + "evenAndOddHeaders"
_NOTE_SKIPPED_TYPES = frozenset(("separator", "continuationSeparator", "continuationNotice"))
_PAGE_SECTION_TYPES = frozenset(("nextPage", "oddPage", "evenPage"))
_OFF = frozenset(("0", "false", "off"))
_STYLES_CACHE: OrderedDict[bytes, Styles] = OrderedDict()
_STYLES_CACHE_SIZE = 4
_STYLES_LOCK = threading.Lock()
_TOKEN = re.compile(r"\S+")

# inline containers whose children are read as if they were the paragraph's own
_TRANSPARENT_INLINE = frozenset((INS, MOVE_TO, HYPERLINK, SMART_TAG, CUSTOM_XML, FLD_SIMPLE, DIR, BDO))
# block containers read through (w:ins/w:moveTo only in the wild from non-Word producers)
_TRANSPARENT_BLOCK = frozenset((CUSTOM_XML, INS, MOVE_TO))
_SKIPPED = frozenset((DEL, MOVE_FROM))


def read_docx(data: bytes, path: str, *, max_uncompressed: int = DEFAULT_MAX_UNCOMPRESSED) -> Extraction:
    """Read a DOCX file's bytes into an Extraction of blocks in reading order.

    `path` names the file in error messages and in each block's `file`. At most
    `max_uncompressed` bytes are decompressed in total (a ZIP bomb raises "too-large").
    Raises ReadError "corrupt-docx", "too-large", "empty-document", and "encrypted" or
    "unsupported-legacy-doc" for an OLE2 or RTF file that carries a .docx name.
    """
    name = path
    package = _Package(data, name, max_uncompressed)
    try:
        blocks, pages = _Reader(package, path).read()
    except RecursionError:
        raise ReadError(
            "corrupt-docx",
            f"{name}: the document is nested too deeply to read (tables or content controls inside "
            "one another hundreds of times); open it in Word and save it again as .docx",
        ) from None
    if not blocks:
        raise ReadError(
            "empty-document",
            f"{name}: the document contains no text; check that this is the right file (a DOCX "
            "holding only images or scanned pages must be converted to text first)",
        )
    return Extraction(format="docx", blocks=tuple(blocks), pages=pages)


# -- the package ----------------------------------------------------------------------------


class _Package:
    """The ZIP package: parts found through their relationships, read within a byte budget."""

    def __init__(self, data: bytes, name: str, max_uncompressed: int) -> None:
        self.name = name
        self._budget = self._limit = max_uncompressed
        self._parser = make_parser()
        if not data:
            raise ReadError("empty-document", f"{name}: the file is empty (0 bytes); check that this is the right file")
        legacy = legacy_format_error(data, name)  # an OLE or RTF file with a .docx name
        if legacy is not None:
            raise legacy
        entries = data.count(b"PK\x01\x02")
        if entries > MAX_ZIP_ENTRIES:
            raise ReadError("too-large", f"{name}: the package holds {entries:,} parts, more than the {MAX_ZIP_ENTRIES:,} any Word "
                                         "document needs (a ZIP bomb?); check the file")
        try:
            self._zip = zipfile.ZipFile(io.BytesIO(data))
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as exc:
            raise self._corrupt(f"it is not a valid DOCX (ZIP) package ({exc})") from None
        self._members: dict[str, zipfile.ZipInfo] = {}
        for info in self._zip.infolist():
            if not info.is_dir():
                self._members.setdefault(info.filename, info)
                self._members.setdefault(info.filename.replace("\\", "/").lstrip("/").lower(), info)

    def _corrupt(self, what: str) -> ReadError:
        return ReadError(
            "corrupt-docx",
            f"{self.name}: {what}; the file is damaged or not a Word document - open it in Word (which offers to repair it) and save it again as .docx",
        )

    def info(self, part: str) -> zipfile.ZipInfo | None:
        return self._members.get(part) or self._members.get(part.lower())

    def check_budget(self, parts: list[str]) -> None:
        """Refuse before reading anything when the declared sizes already exceed the budget."""
        declared = sum(info.file_size for info in (self.info(part) for part in set(parts)) if info)
        if declared > self._budget:
            raise self._too_large(declared)

    def _too_large(self, size: int) -> ReadError:
        return ReadError(
            "too-large",
            f"{self.name}: the document's parts decompress to more than the limit of {_size(self._limit)} "
            f"({_size(size)} in one part alone or with the parts already read); this is not a normal "
            "contract (possibly a ZIP bomb) - check the file, or raise the size limit if it is genuine",
        )

    def read(self, part: str) -> bytes | None:
        """The bytes of `part` (None when absent), counted against the budget."""
        info = self.info(part)
        if info is None:
            return None
        if info.file_size > self._budget:
            raise self._too_large(info.file_size)
        try:
            with self._zip.open(info) as stream:
                data = stream.read(self._budget + 1)  # bounded, whatever the header declares
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError, ValueError, OSError) as exc:
            raise self._corrupt(f"its part {info.filename} cannot be decompressed ({exc})") from None
        if len(data) > self._budget:
            raise self._too_large(len(data))
        self._budget -= len(data)
        return data

    def xml(self, part: str) -> etree._Element | None:
        data = self.read(part)
        return None if data is None else self.parse(data, part)

    def parse(self, data: bytes, part: str) -> etree._Element:
        try:
            return parse_part(data, self._parser)
        except (etree.XMLSyntaxError, ValueError) as exc:
            detail = str(exc)
            if "Excessive depth" in detail:
                raise self._corrupt(f"its part {part} is nested too deeply to read (tables or content controls inside one "
                                    "another hundreds of times)") from None
            if "Resource limit exceeded" in detail:
                raise ReadError("too-large", f"{self.name}: its part {part} holds a single piece of text or markup over 10 MB, "
                                             "which is not a normal contract; check the file") from None
            if detail == DTD_REFUSED or b"<!DOCTYPE" in data:
                raise self._corrupt(f"its part {part} declares XML entities (a DTD), which Word never writes, so it was not read "
                                    "(entities can hide an attempt to read other files or exhaust memory)") from None
            raise self._corrupt(f"its part {part} is not well-formed XML ({detail})") from None

    def relationships(self, part: str) -> dict[str, tuple[str, str]]:
        """rId -> (relationship type, target part name) for the internal targets of `part`."""
        folder, base = posixpath.split(part)
        rels = self.xml(posixpath.join(folder, "_rels", base + ".rels"))
        found: dict[str, tuple[str, str]] = {}
        if rels is None:
            return found
        for rel in rels.iter(_REL):
            target = rel.get("Target")
            if not target or rel.get("TargetMode") == "External":
                continue
            if target.startswith("/"):
                resolved = target.lstrip("/")
            else:
                resolved = posixpath.normpath(posixpath.join(folder, target))
            found[rel.get("Id") or ""] = (rel.get("Type") or "", resolved)
        return found

    def main_document(self) -> str:
        for rel_type, target in self.relationships("").values():
            if rel_type.endswith("/officeDocument") and self.info(target) is not None:
                return target
        if self.info("word/document.xml") is not None:
            return "word/document.xml"
        if self.info("content.xml") is not None and self.info("mimetype") is not None:
            raise ReadError(
                "unsupported-legacy-doc",
                f"{self.name}: this is an OpenDocument (.odt) file with a .docx name; open it in Word or LibreOffice and save it as a Word Document (.docx)",
            )
        raise self._corrupt("the package has no main document part (word/document.xml)")


def _size(count: int) -> str:
    return f"{count / (1024 * 1024):.1f} MB" if count >= 1024 * 1024 else f"{count:,} bytes"


# -- reading --------------------------------------------------------------------------------


def _rel_kind(rel_type: str) -> str:
    return rel_type.rsplit("/", 1)[-1]


@dataclass
class _Draft:
    """A paragraph being read: its raw text pieces, page breaks and deferred text boxes."""

    start_page: int
    pieces: list[str] = field(default_factory=list)
    length: int = 0
    breaks: list[tuple[int, int]] = field(default_factory=list)
    textboxes: list[tuple[etree._Element, int]] = field(default_factory=list)
    props: _Properties | None = None  # the properties the block takes (the last merged paragraph's)


class _Container:
    """A run of sibling blocks (a story, a cell, a text box): holds a paragraph whose mark was
    deleted in tracked changes until the next paragraph it merges with."""

    __slots__ = ("pending", "part")

    def __init__(self) -> None:
        self.pending: _Draft | None = None
        self.part = Part.BODY


class _Reader:
    def __init__(self, package: _Package, path: str) -> None:
        self.package = package
        self.path = path
        self.out: list[tuple[str, Part, int | None, tuple[tuple[int, int], ...], ListItem | None, int | None]] = []
        # pagination (body story only)
        self.page = 1
        self.paging = False
        self.page_info = False
        self.at_top = True  # no text on the current page yet
        self.absorb = False  # a page was started explicitly; Word's next rendered break repeats it
        self.seen_text = False
        self.section_index = 0
        self.section_starts: list[int] = [1]
        # the story being read
        self.story = Part.BODY
        self.draft: _Draft | None = None
        self.para_hidden = False
        self.skip_mark_text = False
        self.footnote_refs: dict[str, int] = {}
        self.endnote_refs: dict[str, int] = {}

    # -- driver ------------------------------------------------------------------------------

    def read(self) -> tuple[list[RawBlock], int | None]:
        package = self.package
        main = package.main_document()
        rels = package.relationships(main)
        by_kind: dict[str, list[str]] = {}
        for rel_type, target in rels.values():
            by_kind.setdefault(_rel_kind(rel_type), []).append(target)
        wanted = [main]
        for kind in ("styles", "numbering", "settings", "footnotes", "endnotes", "header", "footer"):
            wanted += by_kind.get(kind, [])[: None if kind in ("header", "footer") else 1]
        package.check_budget(wanted)

        document = package.xml(main)
        body = document.find(BODY) if document is not None else None
        if body is None:
            raise package._corrupt(f"its main document part {main} has no body")
        self.styles = self._styles(by_kind.get("styles", [None])[0])
        self.numbering = Numbering(self._first(by_kind, "numbering"), self.styles.num_id_of)
        self.default_style = self.styles.paragraph(None)

        # sections, in order: what each starts with and which headers and footers it shows
        self.sections = [
            section
            for section in body.iter(SECT_PR)
            if section.getparent().tag in (PPR, BODY) and not any(a.tag == TXBX_CONTENT for a in section.iterancestors())
        ]

        self.story, self.paging = Part.BODY, True
        self._story(body, Part.BODY)
        self.paging = False
        end_page = self.page

        notes = (
            (Part.FOOTNOTE, "footnotes", FOOTNOTE, self.footnote_refs),
            (Part.ENDNOTE, "endnotes", ENDNOTE, self.endnote_refs),
        )
        for part, kind, tag, refs in notes:
            if not refs:
                continue
            root = self._first(by_kind, kind)
            if root is None:
                continue
            found = {}
            for note in root.iter(tag):
                if note.get(TYPE) not in _NOTE_SKIPPED_TYPES:
                    found.setdefault(note.get(ID), note)
            for note_id, page in refs.items():
                note = found.get(note_id)
                if note is not None:
                    self.page = page if part is Part.FOOTNOTE else end_page
                    self._story(note, part)

        body_and_notes = len(self.out)
        for part, parts_by_page in self._headers_and_footers(rels).items():
            for target, page in parts_by_page.items():
                root = package.xml(target)
                if root is not None:
                    self.page = page
                    self._story(root, part)
        # the same running text in several header (footer) parts, e.g. first-page and default: once
        seen: set[tuple[str, Part]] = set()
        running = self.out[body_and_notes:]
        del self.out[body_and_notes:]
        for block in running:
            if (block[0], block[1]) not in seen:
                seen.add((block[0], block[1]))
                self.out.append(block)

        pages = end_page if self.page_info else None
        blocks = [
            RawBlock(
                text=text,
                part=part,
                page=page if pages else None,
                page_breaks=breaks if pages else (),
                label=item.label if item else None,
                list_level=item.level if item else None,
                heading_level=heading,
                bullet=item.bullet if item else False,
                file=self.path,
            )
            for text, part, page, breaks, item, heading in self.out
        ]
        return blocks, pages

    def _styles(self, part: str | None) -> Styles:
        """The document's styles; parsed once per distinct styles.xml (documents made from one
        template share it, and it is often larger than the text)."""
        data = self.package.read(part) if part else None
        if data is None:
            return Styles(None)
        with _STYLES_LOCK:
            styles = _STYLES_CACHE.get(data)
            if styles is not None:
                _STYLES_CACHE.move_to_end(data)
                return styles
        styles = Styles(self.package.parse(data, part))
        with _STYLES_LOCK:
            _STYLES_CACHE[data] = styles
            while len(_STYLES_CACHE) > _STYLES_CACHE_SIZE:
                _STYLES_CACHE.popitem(last=False)
        return styles

    def _first(self, by_kind: dict[str, list[str]], kind: str) -> etree._Element | None:
        targets = by_kind.get(kind)
        return self.package.xml(targets[0]) if targets else None

    def _headers_and_footers(self, rels: dict[str, tuple[str, str]]) -> dict[Part, dict[str, int]]:
        """Each header/footer part some section displays, once, with the page it first shows on."""
        settings_targets = [t for k, t in rels.values() if _rel_kind(k) == "settings"]
        settings = self.package.xml(settings_targets[0]) if settings_targets else None
        even_and_odd = bool(settings is not None and is_on(settings.find(_EVEN_AND_ODD_HEADERS)))
        shown: dict[Part, dict[str, int]] = {Part.HEADER: {}, Part.FOOTER: {}}
        inherited: dict[tuple[str, str], str] = {}
        for index, section in enumerate(self.sections):
            for child in section:
                if child.tag in (HEADER_REFERENCE, FOOTER_REFERENCE):
                    inherited[(child.tag, child.get(TYPE) or "default")] = child.get(R_ID) or ""
            kinds = ["default"]
            if is_on(section.find(TITLE_PG)):
                kinds.insert(0, "first")
            if even_and_odd:
                kinds.append("even")
            start = self.section_starts[index] if index < len(self.section_starts) else self.page
            for tag, part in ((HEADER_REFERENCE, Part.HEADER), (FOOTER_REFERENCE, Part.FOOTER)):
                for kind in kinds:
                    rel = rels.get(inherited.get((tag, kind), ""))
                    if rel is not None:
                        shown[part].setdefault(rel[1], start)
        return shown

    # -- stories and block containers ---------------------------------------------------------

    def _story(self, root: etree._Element, part: Part) -> None:
        self.story = part
        container = _Container()
        self._blocks(root, part, container)
        self._flush(container)

    def _blocks(self, parent: etree._Element, part: Part, container: _Container) -> None:
        for child in parent:
            tag = child.tag
            if tag == P:
                self._paragraph(child, part, container)
            elif tag == TBL:
                self._flush(container)
                self._table(child)
            elif tag == SDT:
                content = _child(child, SDT_CONTENT)
                if content is not None:
                    self._blocks(content, part, container)
            elif tag in _TRANSPARENT_BLOCK:
                self._blocks(child, part, container)
            elif tag == ALTERNATE_CONTENT:
                branch = choose_alternate(child)
                if branch is not None:
                    self._blocks(branch, part, container)

    def _flush(self, container: _Container) -> None:
        """A paragraph whose mark was deleted but with nothing to merge into stands alone."""
        draft = container.pending
        if draft is not None:
            container.pending = None
            self._emit(draft, draft.props, container.part, numbered=draft.length > 0)

    def _table(self, table: etree._Element) -> None:
        part = Part.TABLE if self.story is Part.BODY else self.story
        for row in _children(table, TR):
            trpr = _child(row, TRPR)
            if trpr is not None and _child(trpr, DEL) is not None:
                continue  # a row deleted in tracked changes
            row_state = (self.page, self.at_top, self.absorb)
            row_end = self.page
            row_start = len(self.out)
            for cell in _children(row, TC):
                tcpr = cell[0] if len(cell) else None
                if tcpr is not None and tcpr.tag == TCPR and _continues_merge(tcpr):
                    continue
                if self.paging:
                    # every cell of a row starts on the page the row starts on
                    self.page, self.at_top, self.absorb = row_state
                container = _Container()
                self._blocks(cell, part, container)
                self._flush(container)
                row_end = max(row_end, self.page)
            if part is Part.TABLE:
                self._join_row(row_start)
            if self.paging and row_end != self.page:
                self.page, self.at_top, self.absorb = row_end, False, False

    def _join_row(self, start: int) -> None:
        """One block per table row, cells joined by ' | ': 'Military targeting | Prohibited' reads
        as one statement, which is how a reviewer reads a row."""
        cells = self.out[start:]
        if len(cells) < 2:
            return
        text, part, page, _breaks, _item, _heading = cells[0]
        del self.out[start:]
        self.out.append((TABLE_CELL_SEPARATOR.join(cell[0] for cell in cells), part, page, (), None, None))

    def _textbox(self, content: etree._Element, page: int) -> None:
        saved = (self.page, self.paging, self.draft, self.para_hidden)
        self.page, self.paging = page, False  # a text box does not move the body's pagination
        part = Part.TEXTBOX if self.story is Part.BODY else self.story
        container = _Container()
        self._blocks(content, part, container)
        self._flush(container)
        self.page, self.paging, self.draft, self.para_hidden = saved

    # -- paragraphs -------------------------------------------------------------------------

    def _paragraph(self, p: etree._Element, part: Part, container: _Container) -> None:
        first = p[0] if len(p) else None
        props = _properties(first) if first is not None and first.tag == PPR else _NO_PROPERTIES
        style = self.styles.paragraph(props.style_id)
        draft = container.pending
        if draft is None:
            if self.paging and not self.at_top:
                page_break_before = props.page_break_before
                if page_break_before if page_break_before is not None else style.page_break_before:
                    self._new_page()
            draft = _Draft(self.page)
        else:
            container.pending = None
        self.draft = draft
        self.para_hidden = bool(style.hidden)
        self.skip_mark_text = False
        self._inline(p)
        draft.props = props
        if props.mark_deleted:
            container.pending, container.part = draft, part
        else:
            self._emit(draft, props, part)
        if props.section and self.paging:
            self._section_break()

    def _emit(self, draft: _Draft, props: _Properties, part: Part, numbered: bool = True) -> None:
        style = self.styles.paragraph(props.style_id)
        item = self._list_item(props, style) if numbered else None
        text, page, breaks = _normalise(draft)
        if text:
            heading = props.heading_level if props.has_outline else style.heading_level
            self.out.append((text, part, page, breaks, item, heading))
        for content, anchor_page in draft.textboxes:
            self._textbox(content, anchor_page)

    def _list_item(self, props: _Properties, style: StyleInfo) -> ListItem | None:
        num_id, ilvl = props.num_id, props.ilvl
        if num_id is None:
            num_id = style.num_id
            if num_id is None or num_id == "0":
                return None
            if ilvl is None:
                ilvl = style.ilvl
            if ilvl is None:
                style_id = props.style_id if props.style_id is not None else self.styles.default_paragraph
                ilvl = self.numbering.level_for_style(num_id, style_id)
        return self.numbering.advance(num_id, ilvl or 0)

    # -- runs -------------------------------------------------------------------------------

    def _inline(self, parent: etree._Element) -> None:
        for child in parent:
            tag = child.tag
            if tag == R:
                self._run(child)
            elif tag in _TRANSPARENT_INLINE:
                self._inline(child)
            elif tag in _SKIPPED:
                continue
            elif tag == SDT:
                content = _child(child, SDT_CONTENT)
                if content is not None:
                    self._inline(content)
            elif tag == ALTERNATE_CONTENT:
                branch = choose_alternate(child)
                if branch is not None:
                    self._inline(branch)
            elif tag == M_OMATH_PARA or tag == M_OMATH:
                self._add("".join(t.text for t in child.iter(M_T) if t.text))

    def _run(self, run: etree._Element) -> None:
        rpr = run[0] if len(run) else None
        if rpr is None or rpr.tag != RPR:
            if self.para_hidden:
                return
        elif self._hidden(rpr):
            return
        self._run_content(run)
        self.skip_mark_text = False

    def _hidden(self, rpr: etree._Element) -> bool:
        character_style = None
        for child in rpr:
            tag = child.tag
            if tag == VANISH:
                return child.get(VAL) not in _OFF
            if tag == RSTYLE:
                character_style = child.get(VAL)
        if character_style is not None:
            hidden = self.styles.character_hidden(character_style)
            if hidden is not None:
                return hidden
        return self.para_hidden

    def _run_content(self, run: etree._Element) -> None:
        for child in run:
            tag = child.tag
            if tag == T:
                if self.skip_mark_text:
                    self.skip_mark_text = False
                    continue
                text = child.text
                if len(child):  # entity references left unresolved: keep only the text around them
                    text = (text or "") + "".join(grand.tail or "" for grand in child)
                if text:
                    # _add, inlined: this is the hot path
                    if "\xad" in text:
                        text = text.replace("\xad", "")
                    draft = self.draft
                    draft.pieces.append(text)
                    draft.length += len(text)
                    if self.paging and not text.isspace():
                        self.at_top = self.absorb = False
                        self.seen_text = True
            elif tag == RPR:
                continue
            elif tag == TAB or tag == PTAB or tag == CR:
                self._add(" ")
            elif tag == BR:
                if child.get(TYPE) == "page" and self.paging:
                    self._add(" ")
                    self._new_page(in_paragraph=True)
                else:
                    self._add(" ")
            elif tag == NO_BREAK_HYPHEN:
                self._add("-")
            elif tag == LAST_RENDERED_PAGE_BREAK:
                self._rendered_page_break()
            elif tag == FOOTNOTE_REFERENCE or tag == ENDNOTE_REFERENCE:
                if self.story is Part.BODY:
                    refs = self.footnote_refs if tag == FOOTNOTE_REFERENCE else self.endnote_refs
                    refs.setdefault(child.get(ID) or "", self.page)
                    self.skip_mark_text = child.get(CUSTOM_MARK_FOLLOWS) in ("1", "true", "on")
            elif tag == DRAWING or tag == PICT or tag == OBJECT:
                self._find_textboxes(child)
            elif tag == ALTERNATE_CONTENT:
                branch = choose_alternate(child)
                if branch is not None:
                    self._run_content(branch)
            elif tag == RUBY:
                base = _child(child, RUBY_BASE)
                if base is not None:
                    self._inline(base)
            # w:delText, w:instrText, w:fldChar, w:softHyphen, w:sym, w:rPr ...: no text

    def _find_textboxes(self, element: etree._Element) -> None:
        for child in element:
            tag = child.tag
            if tag == TXBX_CONTENT:
                self.draft.textboxes.append((child, self.page))
            elif tag == ALTERNATE_CONTENT:
                branch = choose_alternate(child)
                if branch is not None:
                    self._find_textboxes(branch)
            elif len(child):
                self._find_textboxes(child)

    def _add(self, text: str) -> None:
        draft = self.draft
        if "\xad" in text:
            text = text.replace("\xad", "")
        draft.pieces.append(text)
        draft.length += len(text)
        if self.paging and not text.isspace():
            self.at_top = self.absorb = False
            self.seen_text = True

    # -- pages ------------------------------------------------------------------------------

    def _new_page(self, in_paragraph: bool = False) -> None:
        """An explicit page break: a page break character, page-break-before, a section break."""
        self.page += 1
        self.page_info = True
        self.at_top = self.absorb = True
        if in_paragraph:
            self.draft.breaks.append((self.draft.length, self.page))

    def _rendered_page_break(self) -> None:
        """w:lastRenderedPageBreak: where Word's last layout started a page."""
        if not self.paging:
            return
        if self.absorb or not self.seen_text:
            self.absorb = False  # the page an explicit break already started
            return
        self.page += 1
        self.page_info = True
        self.at_top = True
        self.draft.breaks.append((self.draft.length, self.page))

    def _section_break(self) -> None:
        self.section_index += 1
        if self.section_index < len(self.sections):
            kind = self.sections[self.section_index].find(TYPE)
            if (kind.get(VAL) if kind is not None else "nextPage") in _PAGE_SECTION_TYPES:
                self._new_page()
        self.section_starts.append(self.page)


# -- helpers --------------------------------------------------------------------------------


def _children(parent: etree._Element, tag: str):
    """Children with `tag`, looking through content controls and custom XML wrappers."""
    for child in parent:
        if child.tag == tag:
            yield child
        elif child.tag == SDT:
            content = _child(child, SDT_CONTENT)
            if content is not None:
                yield from _children(content, tag)
        elif child.tag == CUSTOM_XML:
            yield from _children(child, tag)


def _continues_merge(tcpr: etree._Element) -> bool:
    """A cell that continues a vertical (or legacy horizontal) merge: its text is shown once."""
    for child in tcpr:
        tag = child.tag
        if tag == CELL_DEL or ((tag == VMERGE or tag == HMERGE) and child.get(VAL) != "restart"):
            return True
    return False


def _child(parent: etree._Element, tag: str) -> etree._Element | None:
    for child in parent:
        if child.tag == tag:
            return child
    return None


class _Properties(NamedTuple):
    """The direct paragraph properties (w:pPr) the reader uses."""

    style_id: str | None = None
    num_id: str | None = None
    ilvl: int | None = None
    has_outline: bool = False
    heading_level: int | None = None
    page_break_before: bool | None = None
    section: bool = False
    mark_deleted: bool = False  # the paragraph mark is deleted (or moved away) in tracked changes


_NO_PROPERTIES = _Properties()


def _properties(ppr: etree._Element) -> _Properties:
    style_id = num_id = None
    ilvl = heading = page_break_before = None
    has_outline = section = mark_deleted = False
    for child in ppr:
        tag = child.tag
        if tag == PSTYLE:
            style_id = child.get(VAL)
        elif tag == NUMPR:
            for grand in child:
                if grand.tag == NUM_ID:
                    num_id = grand.get(VAL)
                elif grand.tag == ILVL:
                    ilvl = parse_int(grand.get(VAL))
        elif tag == OUTLINE_LVL:
            has_outline, heading = True, outline_to_heading(child.get(VAL))
        elif tag == PAGE_BREAK_BEFORE:
            page_break_before = child.get(VAL) not in _OFF
        elif tag == SECT_PR:
            section = True
        elif tag == RPR:
            for grand in child:
                if grand.tag == DEL or grand.tag == MOVE_FROM:
                    mark_deleted = True
    return _Properties(style_id, num_id, ilvl, has_outline, heading, page_break_before, section, mark_deleted)


def _normalise(draft: _Draft) -> tuple[str, int, tuple[tuple[int, int], ...]]:
    """The paragraph's text with whitespace collapsed, its first page and later page breaks."""
    raw = "".join(draft.pieces)
    if not draft.breaks:
        return " ".join(raw.split()), draft.start_page, ()
    tokens = [(m.start(), m.end()) for m in _TOKEN.finditer(raw)]
    text = " ".join(raw[start:end] for start, end in tokens)
    page = draft.start_page
    breaks: dict[int, int] = {}
    at = 0  # offset of the current token in `text`
    index = 0
    for raw_offset, later_page in draft.breaks:
        while index < len(tokens) and tokens[index][1] <= raw_offset:
            at += tokens[index][1] - tokens[index][0] + 1
            index += 1
        if index == len(tokens):
            break  # the break ends the paragraph: the next block starts on the later page
        start = tokens[index][0]
        offset = at + max(0, raw_offset - start)
        if offset == 0:
            page = later_page
        else:
            breaks[offset] = later_page
    return text, page, tuple(sorted(breaks.items()))
