"""Write a Contract as a PDF with reportlab platypus, byte-for-byte deterministic.

- invariant=1 (fixed dates and document id), pageCompression=0 (bytes independent of zlib),
  base-14 fonts only (Times, Helvetica; nothing embedded).
- Accepted text: insertions printed as plain text, deletions left out.
- Footnotes: at the foot of the page where the reference is drawn. The reference carries an
  `<onDraw>` hook that records its page; the document is laid out again with that much space
  reserved at the foot of those pages, until every page's notes fit in its reservation
  (reservations only grow, so this settles in a few passes). The same passes settle {pages}.
- Running header and footer on every page, {page}/{pages} substituted.
- pdf_columns: 2: two frames per page; a leading '# title' spans both columns on page 1.
- pdf_hyphenate: true: pyphen (en_US / en_GB) through reportlab's hyphenationLang; a broken
  word ends its line with a visible '-'.
"""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import (BaseDocTemplate, Frame, FrameBreak, PageBreak, PageTemplate, Paragraph,
                                Spacer, Table, TableStyle)

from .numbering import INDENT_STEPS
from .source import Block, Contract, Span, column_weights

MARGIN = 72.0
COLUMN_GAP = 18.0
BODY_FONT, BOLD_FONT = "Times-Roman", "Times-Bold"
MAX_PASSES = 12


class PdfError(Exception):
    pass


def _hyphenator(style: str):
    try:
        import pyphen
    except ImportError:
        raise PdfError("pdf_hyphenate: true needs pyphen (pip install pyphen)") from None
    return pyphen.Pyphen(lang="en_US" if style == "us" else "en_GB").iterate


class _Styles:
    def __init__(self, hyphenate, two_columns: bool) -> None:
        extra = {"hyphenationLang": hyphenate} if hyphenate else {}
        self.body = ParagraphStyle("body", fontName=BODY_FONT, fontSize=10.5, leading=13.5, spaceAfter=6,
                                   alignment=TA_JUSTIFY, bulletFontName=BODY_FONT, bulletFontSize=10.5, **extra)
        self.title = ParagraphStyle("title", fontName="Helvetica-Bold", fontSize=15, leading=19,
                                    alignment=TA_CENTER, spaceAfter=14)
        self.h1 = ParagraphStyle("h1", fontName=BOLD_FONT, fontSize=12, leading=15, spaceBefore=8,
                                 spaceAfter=5, keepWithNext=1)
        self.h2 = ParagraphStyle("h2", fontName=BOLD_FONT, fontSize=11, leading=14, spaceBefore=6,
                                 spaceAfter=4, keepWithNext=1)
        self.cell = ParagraphStyle("cell", fontName=BODY_FONT, fontSize=9.5, leading=11.5, **extra)
        self.note = ParagraphStyle("note", fontName=BODY_FONT, fontSize=8, leading=9.6, leftIndent=10,
                                   bulletIndent=0, bulletFontName=BODY_FONT, bulletFontSize=8)
        self.running = ParagraphStyle("running", fontName="Helvetica", fontSize=8, leading=10, alignment=TA_CENTER)


def markup(spans: list[Span], fn_number: dict[str, int], *, force_bold: bool = False, hook: bool = True) -> str:
    out = []
    for s in spans:
        if s.change == "del":
            continue
        if s.fn is not None:
            n = fn_number[s.fn]
            out.append(f'<super size="6.5" rise="3.5">{n}</super>' + (f'<onDraw name="fnref" label="{n}"/>' if hook else ""))
            continue
        # WinAnsi's bullet extracts as (cid:127); Symbol's extracts as U+2022
        text = escape(s.text).replace("\u2022", '<font name="Symbol">\u2022</font>')
        if s.italic:
            text = f"<i>{text}</i>"
        if s.bold or force_bold:
            text = f"<b>{text}</b>"
        out.append(text)
    return "".join(out)


def _has_text(spans: list[Span]) -> bool:
    return any((s.text.strip() or s.fn) and s.change != "del" for s in spans)


class _Doc(BaseDocTemplate):
    """Frames are laid out anew for every page (footnote space, the title band on page 1)."""

    def __init__(self, buf, builder: "_PdfBuilder") -> None:
        self.b = builder
        super().__init__(buf, pagesize=builder.pagesize, leftMargin=MARGIN, rightMargin=MARGIN,
                         topMargin=MARGIN, bottomMargin=MARGIN, invariant=1, pageCompression=0,
                         title=builder.c.meta["title"], author="clauselint corpus", creator="clauselint corpus",
                         producer="clauselint corpus build", subject="", keywords=[])
        self.fn_pages: dict[int, list[int]] = {}
        template = PageTemplate(id="page", frames=self._frames(1), onPage=self._on_page, onPageEnd=self._on_page_end)
        self.addPageTemplates([template])

    def _frames(self, page: int) -> list[Frame]:
        b = self.b
        width, height = b.pagesize
        bottom = MARGIN + b.reserve.get(page, 0.0)
        top = height - MARGIN
        frames = []
        if page == 1 and b.title_band:
            band = b.title_band
            frames.append(Frame(MARGIN, top - band, width - 2 * MARGIN, band, 0, 0, 0, 0, id="title"))
            top -= band
        if b.columns == 1:
            frames.append(Frame(MARGIN, bottom, width - 2 * MARGIN, top - bottom, 0, 0, 0, 0, id="body"))
        else:
            col = (width - 2 * MARGIN - COLUMN_GAP) / 2
            frames.append(Frame(MARGIN, bottom, col, top - bottom, 0, 0, 0, 0, id="left"))
            frames.append(Frame(MARGIN + col + COLUMN_GAP, bottom, col, top - bottom, 0, 0, 0, 0, id="right"))
        return frames

    def _on_page(self, canv, doc) -> None:
        if doc.page == 1:
            canv.setNamedCB("fnref", self._fnref)
        self.pageTemplate.frames = self._frames(doc.page)
        self.b.draw_running(canv, doc.page)

    def _fnref(self, canv, kind, label) -> None:
        self.fn_pages.setdefault(self.page, []).append(int(label))

    def _on_page_end(self, canv, doc) -> None:
        notes = self.fn_pages.get(doc.page)
        if notes:
            self.b.draw_notes(canv, notes)


class _PdfBuilder:
    def __init__(self, contract: Contract) -> None:
        self.c = contract
        meta = contract.meta
        self.pagesize = LETTER if meta["style"] == "us" else A4
        self.columns = meta["pdf_columns"]
        hyph = _hyphenator(meta["style"]) if meta["pdf_hyphenate"] else None
        self.st = _Styles(hyph, self.columns == 2)
        self.fn_number = {key: n for n, key in enumerate(contract.footnotes, start=1)}
        self.fn_text = {self.fn_number[k]: v for k, v in contract.footnotes.items()}
        self.text_width = self.pagesize[0] - 2 * MARGIN
        self.col_width = self.text_width if self.columns == 1 else (self.text_width - COLUMN_GAP) / 2
        self.reserve: dict[int, float] = {}
        self.total_pages = 0
        self.title_band = 0.0
        first = contract.blocks[0]
        if self.columns == 2 and first.kind == "title":
            p = Paragraph(markup(first.spans, self.fn_number, hook=False), self.st.title)
            _, h = p.wrap(self.text_width, 1000)
            self.title_band = h + self.st.title.spaceAfter + 2

    # ------------------------------------------------------------------ flowables

    def flowables(self, b: Block, width: float) -> list:
        st, fnn = self.st, self.fn_number
        if b.kind == "title":
            return [Paragraph(markup(b.spans, fnn), st.title)]
        if b.kind == "heading":
            return [Paragraph(markup(b.spans, fnn), st.h1 if b.level == 1 else st.h2)] if _has_text(b.spans) else []
        if b.kind == "para":
            return [Paragraph(markup(b.spans, fnn), st.body)] if _has_text(b.spans) else []
        if b.kind == "item":
            level = INDENT_STEPS[b.label.kind]
            indent = (22.0 if self.columns == 1 else 12.0) * level
            label_w = stringWidth(b.label.text, BODY_FONT, st.body.fontSize)
            style = ParagraphStyle(f"item{level}", parent=st.body, bulletIndent=indent,
                                   leftIndent=indent + max(26.0, label_w + 5))
            return [Paragraph(markup(b.spans, fnn), style, bulletText=b.label.text)]
        if b.kind == "bullet":
            style = ParagraphStyle("bullet", parent=st.body, bulletIndent=10, leftIndent=24, bulletFontName="Symbol")
            return [Paragraph(markup(b.spans, fnn), style, bulletText="\u2022")]
        if b.kind == "pagebreak":
            return [PageBreak()]
        if b.kind == "table":
            return [self.table(b, width)]
        if b.kind == "textbox":
            return [self.textbox(b, width)]
        raise AssertionError(b.kind)

    def table(self, b: Block, width: float) -> Table:
        cols = self._columns(b, width)
        data = [[Paragraph(markup(cell, self.fn_number, force_bold=(r == 0)), self.st.cell) for cell in row]
                for r, row in enumerate(b.rows)]
        t = Table(data, colWidths=cols, repeatRows=0, hAlign="LEFT")  # no repeated header: same words once
        t.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                               ("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.9, 0.9, 0.9)),
                               ("TOPPADDING", (0, 0), (-1, -1), 3), ("BOTTOMPADDING", (0, 0), (-1, -1), 4)]))
        t.spaceAfter = 8
        return t

    def _columns(self, b: Block, width: float) -> list[float]:
        """Shared weights, widened where a column could not hold its longest word (reportlab
        would split such a word without a hyphen, which changes the extracted text)."""
        cols = [width * w for w in column_weights(b.rows)]
        need = []
        for c in range(len(cols)):
            widest = 0.0
            for r, row in enumerate(b.rows):
                font = BOLD_FONT if r == 0 else BODY_FONT
                for s in row[c]:
                    for word in s.text.split():
                        f = BOLD_FONT if s.bold else font
                        widest = max(widest, stringWidth(word, f, self.st.cell.fontSize) + 14)
            need.append(widest)
        for _ in range(len(cols)):
            short = [c for c in range(len(cols)) if cols[c] < need[c] - 1e-6]
            if not short:
                break
            extra = sum(need[c] - cols[c] for c in short)
            spare = [c for c in range(len(cols)) if c not in short]
            room = sum(cols[c] - need[c] for c in spare if cols[c] > need[c])
            if room <= 0:
                break
            take = min(extra, room)
            for c in short:
                cols[c] += (need[c] - cols[c]) * take / extra
            for c in spare:
                if cols[c] > need[c]:
                    cols[c] -= (cols[c] - need[c]) * take / room
        return cols

    def textbox(self, b: Block, width: float) -> Table:
        inner_w = width - 16
        rows = []
        for child in b.children:
            for f in self.flowables(child, inner_w - 12):
                rows.append([f])
        t = Table(rows, colWidths=[inner_w], hAlign="CENTER")
        t.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 0.9, colors.black),
                               ("LEFTPADDING", (0, 0), (-1, -1), 6), ("RIGHTPADDING", (0, 0), (-1, -1), 6),
                               ("TOPPADDING", (0, 0), (-1, -1), 1), ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
                               ("TOPPADDING", (0, 0), (-1, 0), 6), ("BOTTOMPADDING", (0, -1), (-1, -1), 4)]))
        t.spaceBefore = 4
        t.spaceAfter = 10
        return t

    def story(self) -> list:
        story = []
        blocks = self.c.blocks
        if self.title_band:
            story += [Paragraph(markup(blocks[0].spans, self.fn_number), self.st.title), FrameBreak()]
            blocks = blocks[1:]
        for b in blocks:
            story += self.flowables(b, self.col_width)
        if not story:
            story.append(Spacer(1, 1))
        return story

    # ------------------------------------------------------------------ page furniture

    def _running(self, spans: list[Span], page: int) -> str:
        text = markup(spans, {}, hook=False)
        return text.replace("{pages}", str(self.total_pages or 1)).replace("{page}", str(page))

    def draw_running(self, canv, page: int) -> None:
        width, height = self.pagesize
        if self.c.header:
            p = Paragraph(self._running(self.c.header, page), self.st.running)
            _, h = p.wrap(self.text_width, 100)
            p.drawOn(canv, MARGIN, height - MARGIN + 18)
        if self.c.footer:
            p = Paragraph(self._running(self.c.footer, page), self.st.running)
            _, h = p.wrap(self.text_width, 100)
            p.drawOn(canv, MARGIN, MARGIN - 30 - h + 10)

    def _note_paragraphs(self, numbers: list[int]) -> list[Paragraph]:
        return [Paragraph(markup(self.fn_text[n], {}, hook=False), self.st.note, bulletText=str(n))
                for n in numbers]

    def notes_height(self, numbers: list[int]) -> float:
        return 8 + sum(p.wrap(self.text_width, 1000)[1] + 2 for p in self._note_paragraphs(numbers))

    def draw_notes(self, canv, numbers: list[int]) -> None:
        paras = self._note_paragraphs(numbers)
        heights = [p.wrap(self.text_width, 1000)[1] for p in paras]
        y = MARGIN + sum(h + 2 for h in heights)
        canv.saveState()
        canv.setLineWidth(0.5)
        canv.line(MARGIN, y + 4, MARGIN + 108, y + 4)
        canv.restoreState()
        for p, h in zip(paras, heights):
            y -= h + 2
            p.drawOn(canv, MARGIN, y + 2)

    # ------------------------------------------------------------------ passes

    def render(self) -> tuple[bytes, int, dict[int, list[int]]]:
        buf = io.BytesIO()
        doc = _Doc(buf, self)
        doc.build(self.story())
        return buf.getvalue(), doc.page, doc.fn_pages

    def build(self) -> bytes:
        data = b""
        for _ in range(MAX_PASSES):
            data, pages, fn_pages = self.render()
            need = {p: self.notes_height(nums) for p, nums in fn_pages.items()}
            settled = pages == self.total_pages and all(h <= self.reserve.get(p, 0.0) + 1e-6 for p, h in need.items())
            if settled:
                return data
            for p, h in need.items():
                self.reserve[p] = max(self.reserve.get(p, 0.0), h)
            self.total_pages = pages
        return data


def _walk(blocks):
    for b in blocks:
        yield b
        yield from _walk(b.children)


def build_pdf(contract: Contract) -> bytes:
    return _PdfBuilder(contract).build()
