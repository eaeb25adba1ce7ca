"""The PDF reader on PDFs drawn here with reportlab: every trap with exact texts and pages."""

from __future__ import annotations

import io
import os
import random

import pytest
import reportlab
from reportlab.lib import colors, pdfencrypt
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY
from reportlab.lib.pagesizes import letter
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Frame,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    SimpleDocTemplate,
    Table,
    TableStyle,
)

from clauselint.documents.errors import ReadError
from clauselint.documents.model import Part
from clauselint.documents.readers import pdf_text
from clauselint.documents.readers.pdf_reader import read_pdf

WIDTH, HEIGHT = letter
LEFT, RIGHT, TOP, BOTTOM = 72.0, 540.0, 720.0, 80.0
FONT, SIZE, LEADING = "Helvetica", 10, 12


def wrap(text: str, width: float, font: str = FONT, size: float = SIZE, indent: float = 0.0) -> list[str]:
    """Greedy line breaking, as a word processor does; `indent` narrows the first line."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}" if current else word
        room = width - (indent if not lines else 0.0)
        if current and pdfmetrics.stringWidth(candidate, font, size) > room:
            lines.append(current)
            current = word
        else:
            current = candidate
    lines.append(current)
    return lines


class Layout:
    """A tiny typesetter: paragraphs flow down columns and pages; every line's page is recorded."""

    def __init__(
        self, *, header: str | None = None, footer: str | None = None, total: int | None = None, columns: list[tuple[float, float]] | None = None
    ) -> None:
        self.buffer = io.BytesIO()
        self.canvas = canvas.Canvas(self.buffer, pagesize=letter)
        self.header, self.footer, self.total = header, footer, total
        self.page = 1
        self.columns = columns or [(LEFT, RIGHT)]
        self.column = 0
        self.top = TOP
        self.bottom = BOTTOM
        self.y = TOP
        self.log: list[tuple[int, str]] = []  # (column, line) of every printed line

    # -- page furniture
    def _decorate(self) -> None:
        c = self.canvas
        if self.header:
            c.setFont(FONT, 9)
            c.drawString(LEFT, 750, self.header)
        if self.footer:
            c.setFont(FONT, 9)
            c.drawCentredString(WIDTH / 2, 40, self.footer.format(page=self.page, pages=self.total))

    def new_page(self, columns: list[tuple[float, float]] | None = None) -> None:
        self._decorate()
        self.canvas.showPage()
        self.page += 1
        self.columns = columns or [(LEFT, RIGHT)]
        self.column = 0
        self.top = self.y = TOP

    def set_columns(self, columns: list[tuple[float, float]], bottom: float = BOTTOM) -> None:
        """Continue below what is printed, in columns ending at `bottom`."""
        self.columns, self.column, self.top, self.bottom = columns, 0, self.y, bottom

    def _next_line_slot(self, leading: float) -> None:
        if self.y < self.bottom:
            if self.column + 1 < len(self.columns):
                self.column += 1
                self.y = self.top
            else:
                self.new_page()

    @property
    def frame(self) -> tuple[float, float]:
        return self.columns[self.column]

    # -- content
    def paragraph(
        self,
        text: str = "",
        *,
        lines: list[str] | None = None,
        font: str = FONT,
        size: float = SIZE,
        leading: float = LEADING,
        space_after: float = 6,
        first_indent: float = 0.0,
        rest_indent: float = 0.0,
        justify: bool = False,
        justify_last: bool = False,
        centred: bool = False,
    ) -> list[tuple[int, str]]:
        """Print a paragraph; returns (page, line) for each printed line."""
        x0, x1 = self.frame
        if lines is None:
            lines = wrap(text, x1 - x0 - rest_indent, font, size, indent=first_indent - rest_indent)
        placed = []
        for index, line in enumerate(lines):
            self._next_line_slot(leading)
            x0, x1 = self.frame
            x = x0 + (first_indent if index == 0 else rest_indent)
            self.canvas.setFont(font, size)
            last = index == len(lines) - 1
            if centred:
                self.canvas.drawCentredString((x0 + x1) / 2, self.y, line)
            elif justify and (not last or justify_last) and " " in line:
                words = line.split()
                room = x1 - x - sum(pdfmetrics.stringWidth(w, font, size) for w in words)
                gap = room / (len(words) - 1)
                for word in words:
                    self.canvas.drawString(x, self.y, word)
                    x += pdfmetrics.stringWidth(word, font, size) + gap
            else:
                self.canvas.drawString(x, self.y, line)
            placed.append((self.page, line))
            self.log.append((self.column, line))
            self.y -= leading
        self.y -= space_after
        return placed

    def save(self) -> bytes:
        self._decorate()
        self.canvas.save()
        return self.buffer.getvalue()


def expected_breaks(placed: list[tuple[int, str]]) -> tuple[tuple[int, int], ...]:
    """(offset, page) where the space-joined lines continue on a later page."""
    breaks, offset = [], 0
    for index, (page, line) in enumerate(placed):
        if index and page != placed[index - 1][0]:
            breaks.append((offset, page))
        offset += len(line) + 1
    return tuple(breaks)


def body(extraction) -> list[str]:
    return [b.text for b in extraction.blocks if b.part is Part.BODY]


def read(data: bytes, tmp_path=None, name: str = "contract.pdf", **kwargs):
    if tmp_path is not None:  # the reader takes bytes; the file is written so a failing test can be opened
        (tmp_path / name).write_bytes(data)
    return read_pdf(data, name, **kwargs)


CLAUSES = [
    "Customer shall not use the Services, or permit any third party to use the Services, to identify, "
    "locate or track individuals for any law enforcement agency unless a statute expressly authorises that use",
    "Provider may suspend the Services immediately on becoming aware of any use that breaches this Section and "
    "Customer shall cease that use at once and confirm in writing that it has done so",
    "Each party shall comply with all applicable laws in performing this Agreement, including export control "
    "laws and laws on the protection of personal data, and shall keep records showing that compliance",
    "Customer shall ensure that each of its end users is bound by terms that are at least as protective of "
    "the persons whose images are processed as the terms of this Agreement and shall enforce those terms",
]


def contract_paragraphs(count: int) -> list[str]:
    out = []
    for n in range(count):
        clause = CLAUSES[n % len(CLAUSES)]
        out.append(f"{n // 4 + 1}.{n % 4 + 1} {clause}, and this obligation applies for the whole term of this Agreement and for {n + 2} years after it ends.")
    return out


# --------------------------------------------------------------------------- running text


def test_three_page_contract_keeps_headers_footers_out_and_rejoins_a_paragraph_across_pages(tmp_path):
    layout = Layout(header="Acme - Confidential", footer="Page {page} of {pages}", total=3)
    title = layout.paragraph("MASTER SERVICES AGREEMENT", font="Helvetica-Bold", size=14, leading=18, space_after=12)
    paragraphs, placed = [], []
    for text in contract_paragraphs(100):  # fill two pages and start a third
        paragraphs.append(text)
        placed.append(layout.paragraph(text))
        if placed[-1][0][0] == 3:
            break
    data = layout.save()
    assert layout.page == 3
    crossing = [i for i, lines in enumerate(placed) if lines[0][0] == 1 and lines[-1][0] == 2]
    assert len(crossing) == 1  # the layout splits one paragraph between pages 1 and 2
    page_one_part = " ".join(line for page, line in placed[crossing[0]] if page == 1)
    assert not pdf_text.ends_sentence(page_one_part)

    extraction = read(data, tmp_path)

    assert extraction.format == "pdf" and extraction.pages == 3
    blocks = extraction.blocks
    assert [b.text for b in blocks] == ["MASTER SERVICES AGREEMENT", *paragraphs, "Acme - Confidential", "Page {page} of {pages}"]
    assert [b.part for b in blocks[-2:]] == [Part.HEADER, Part.FOOTER]
    assert [b.page for b in blocks[-2:]] == [1, 1]
    assert title[0][0] == 1 and blocks[0].page == 1
    for block, lines in zip(blocks[1:-2], placed):
        assert block.part is Part.BODY
        assert block.page == lines[0][0]
        assert block.page_breaks == expected_breaks(lines)
    split = blocks[1 + crossing[0]]
    assert split.page == 1 and len(split.page_breaks) == 1 and split.page_breaks[0][1] == 2
    offset = split.page_breaks[0][0]
    first_line_on_page_two = next(line for page, line in placed[crossing[0]] if page == 2)
    assert split.text[offset:].startswith(first_line_on_page_two)


def test_page_break_joins_only_an_unfinished_sentence(tmp_path):
    """Justified text: the page-end line is full either way, so only its punctuation decides."""
    layout = Layout()
    layout.y = BOTTOM + 2 * LEADING  # three lines left on page 1
    first = (
        "1.1 The Customer shall not use the Services for the mass surveillance of individuals and "
        "shall not allow its affiliates to use them for that purpose in any country where the"
    )
    lines = wrap(first, RIGHT - LEFT)
    assert len(lines) == 2
    one = layout.paragraph(lines=lines + ["Customer operates or where any of its end users is established or"], justify=True, justify_last=True, space_after=0)
    two = layout.paragraph("located, and the Customer shall tell the Provider of any such use without delay.", space_after=6)
    layout.y = BOTTOM + 2 * LEADING  # three lines left on page 2
    three_lines = wrap(
        "1.2 The Provider may audit the Customer's compliance with this Section once in each "
        "year on reasonable notice and the Customer shall give the Provider access to its "
        "records, systems and personnel for that purpose and shall answer questions.",
        RIGHT - LEFT,
    )
    assert len(three_lines) == 3
    three = layout.paragraph(lines=three_lines, justify=True, justify_last=True)
    four = layout.paragraph("Customer shall keep those records for three years.")
    data = layout.save()
    assert {p for p, _ in one} == {1} and {p for p, _ in two} == {2}
    assert {p for p, _ in three} == {2} and {p for p, _ in four} == {3}
    assert three_lines[-1].endswith(".")

    extraction = read(data, tmp_path)

    joined = " ".join(line for _, line in one + two)
    assert body(extraction) == [joined, " ".join(three_lines), "Customer shall keep those records for three years."]
    blocks = extraction.blocks
    assert blocks[0].page == 1
    assert blocks[0].page_breaks == ((joined.index("located, and"), 2),)
    assert (blocks[1].page, blocks[1].page_breaks) == (2, ())
    assert (blocks[2].page, blocks[2].page_breaks) == (3, ())


def test_hyphenated_line_ends_are_rejoined(tmp_path):
    layout = Layout()
    layout.paragraph(
        lines=[
            "2.1 Customer shall not use the Services for covert sur-",
            "veillance of any person, nor permit any third-",
            "party to do so, nor enter into any co-",
            "Operation with a government agency for that purpose.",
        ]
    )
    layout.paragraph(
        lines=[
            "2.2 The restrictions in this Section are long-",
            "term obligations and apply to each self-",
            "hosted deployment of the con\u00ad",
            "fidential models.",
        ]
    )
    extraction = read(layout.save(), tmp_path)

    assert body(extraction) == [
        "2.1 Customer shall not use the Services for covert surveillance of any person, nor permit any "
        "third-party to do so, nor enter into any co-Operation with a government agency for that purpose.",
        "2.2 The restrictions in this Section are long-term obligations and apply to each self-hosted deployment of the confidential models.",
    ]


def test_two_column_page_is_read_column_by_column(tmp_path):
    layout = Layout()
    title = "SCHEDULE 2 - ACCEPTABLE USE POLICY"
    layout.paragraph(title, font="Helvetica-Bold", size=12, leading=16, space_after=10)
    texts = [
        "1. Customer shall not use the Services to develop or operate any system that identifies or tracks "
        "people in public places without their knowledge, and shall not use the Services to build or improve "
        "a database of faces collected from the internet, from closed-circuit television or from any other "
        "source without the consent of the persons concerned.",
        "2. Customer shall not use the Services to support the targeting of people in military or other "
        "operations in which lethal force may be used, and shall not sell or license any output of the "
        "Services to a person that it knows will use it for such operations.",
        "3. Customer shall ensure that its end users comply with this Policy and shall promptly report any breach of it to the Provider.",
        "4. Provider may suspend the Services if Customer breaches this Policy.",
    ]
    left, right, column_width = (LEFT, 298.0), (314.0, RIGHT), 298.0 - LEFT
    first_lines = len(wrap(texts[0], column_width))
    # the left column ends after the third line of the second paragraph, in mid-sentence
    bottom = layout.y - first_lines * LEADING - 6 - 2 * LEADING - 6
    assert not pdf_text.ends_sentence(wrap(texts[1], column_width)[2])
    layout.set_columns([left, right], bottom=bottom)
    placed = [layout.paragraph(text) for text in texts]
    layout.new_page()
    after = "5. This Schedule forms part of the Agreement and is read with it."
    layout.paragraph(after)
    data = layout.save()
    assert {page for lines in placed for page, _ in lines} == {1}
    columns = [column for column, _ in layout.log[1:]]
    assert columns[: first_lines + 3] == [0] * (first_lines + 3) and set(columns[first_lines + 3 : -1]) == {1}

    extraction = read(data, tmp_path)

    assert body(extraction) == [title, *texts, after]
    assert [b.page for b in extraction.blocks] == [1, 1, 1, 1, 1, 2]
    assert all(b.page_breaks == () for b in extraction.blocks)


def test_justified_two_column_terms_over_several_pages(tmp_path):
    """Platypus frames: a title across the top of page 1, then two justified columns whose lines
    do not share baselines (bullets hang in a different font); every paragraph comes back whole."""
    rng = random.Random(2)
    words = "you must not use the app to identify track or target any person for police or military purposes".split()
    body_style = ParagraphStyle("b", fontName="Helvetica", fontSize=9, leading=11, spaceAfter=4, alignment=TA_JUSTIFY)
    bullet_style = ParagraphStyle("u", parent=body_style, leftIndent=14, bulletIndent=4, bulletFontName="Symbol")
    title_style = ParagraphStyle("t", fontName="Helvetica-Bold", fontSize=14, leading=18, alignment=TA_CENTER)
    story, expected = [Paragraph("TERMS OF SERVICE", title_style), NextPageTemplate("later")], ["TERMS OF SERVICE"]
    for number in range(1, 40):
        text = f"{number}. " + " ".join(" ".join(rng.choice(words) for _ in range(rng.randint(8, 22))).capitalize() + "." for _ in range(rng.randint(1, 3)))
        story.append(Paragraph(text, body_style))
        expected.append(text)
        if number % 7 == 0:
            text = " ".join(rng.choice(words) for _ in range(12)).capitalize() + "."
            story.append(Paragraph(text, bullet_style, bulletText="\u2022"))
            expected.append(text)
    margin, gutter = 50, 14
    column = (WIDTH - 2 * margin - gutter) / 2
    right_x = margin + column + gutter
    first = PageTemplate(
        "first",
        [
            Frame(margin, HEIGHT - margin - 40, WIDTH - 2 * margin, 40),
            Frame(margin, margin, column, HEIGHT - 2 * margin - 40),
            Frame(right_x, margin, column, HEIGHT - 2 * margin - 40),
        ],
    )
    later = PageTemplate("later", [Frame(margin, margin, column, HEIGHT - 2 * margin), Frame(right_x, margin, column, HEIGHT - 2 * margin)])
    buffer = io.BytesIO()
    BaseDocTemplate(buffer, pagesize=letter, pageTemplates=[first, later]).build(story)
    extraction = read(buffer.getvalue(), tmp_path)

    assert extraction.pages >= 2
    assert body(extraction) == expected
    assert sum(b.bullet for b in extraction.blocks) == 5
    assert any(b.page_breaks for b in extraction.blocks)


def test_numbered_paragraphs_and_labels_start_new_blocks(tmp_path):
    layout = Layout()
    # no space between paragraphs: only labels, short lines and indentation tell them apart
    kw = dict(space_after=0)
    texts = [
        ("ARTICLE 7 - USE RESTRICTIONS", {}),
        (
            "7.1 Customer shall not use the Services to identify or track individuals for a law enforcement agency "
            "unless a statute passed after public consultation expressly authorises that use.",
            {},
        ),
        ("7.2 Customer shall not, and shall not permit any third party to:", {}),
        (
            "(a) use the Services to select targets for military operations in which lethal force may be used, whether or not those operations are lawful;",
            dict(first_indent=18, rest_indent=36),
        ),
        ("(b) use the Services for the covert surveillance of individuals; and", dict(first_indent=18, rest_indent=36)),
        ("(iv) resell the Services to any government agency.", dict(first_indent=18, rest_indent=36)),
        ("Section 8 applies to any breach of this Article.", {}),
    ]
    placed = []
    for text, options in texts:
        placed.append(layout.paragraph(text, **kw, **options))
    # wrapped lines that start with "Section 4.2" or "4.2" in mid-sentence do not start a block
    line = "7.3 These restrictions apply in addition to, and do not limit, the obligations of the Customer set out in"
    width = RIGHT - LEFT
    assert pdfmetrics.stringWidth(line + " Section", FONT, SIZE) > width  # a greedy wrap puts it first
    section_lines = [line, "Section 4.2 of the Master Agreement, which survive termination."]
    line = "7.4 The restrictions in this Article apply in addition to the duties of the Customer that are set out in Section"
    assert pdfmetrics.stringWidth(line, FONT, SIZE) <= width < pdfmetrics.stringWidth(line + " 4.2", FONT, SIZE)
    number_lines = [line, "4.2 of the Data Processing Terms, which survive termination."]
    layout.paragraph(lines=section_lines, **kw)
    layout.paragraph(lines=number_lines, **kw)
    layout.paragraph("\u2022 Customer shall keep a register of its end users.", **kw)
    layout.paragraph("\u2022 Customer shall give the register to Provider on request.", **kw)
    extraction = read(layout.save(), tmp_path)

    assert body(extraction) == [t for t, _ in texts] + [
        " ".join(section_lines),
        " ".join(number_lines),
        "Customer shall keep a register of its end users.",
        "Customer shall give the register to Provider on request.",
    ]
    assert [b.bullet for b in extraction.blocks][-3:] == [False, True, True]
    assert len(placed[1]) > 1 and len(placed[3]) > 1  # the numbered paragraphs really wrapped


def test_footnotes_in_smaller_print_become_footnote_blocks(tmp_path):
    first = "3.1 Customer shall not use the Services for mass surveillance, as defined in the note below, or for any similar purpose."
    second = "3.2 Provider may terminate this Agreement if Customer breaches Section 3.1."

    def notes(c, doc):
        if doc.page == 1:
            c.line(LEFT, 112, LEFT + 120, 112)
            c.setFont(FONT, 5)
            c.drawString(LEFT, 104, "1")
            lines = wrap(
                "Mass surveillance means the monitoring of a population or a substantial part of it without individual suspicion, by any technical means.",
                RIGHT - LEFT - 4,
                size=8,
            )
            c.setFont(FONT, 8)
            for n, line in enumerate(lines):
                c.drawString(LEFT + 4, 101 - 9.6 * n, line)
        c.setFont(FONT, 9)
        c.drawCentredString(WIDTH / 2, 40, f"- {doc.page} -")

    style = ParagraphStyle("body", fontName=FONT, fontSize=SIZE, leading=LEADING, spaceAfter=6)
    story = [Paragraph(first.replace("surveillance,", "surveillance<super>1</super>,"), style), PageBreak(), Paragraph(second, style)]
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=letter).build(story, onFirstPage=notes, onLaterPages=notes)
    extraction = read(buffer.getvalue(), tmp_path)

    assert [(b.text, b.part, b.page, b.label) for b in extraction.blocks] == [
        (first, Part.BODY, 1, None),  # the raised reference mark is not part of the word
        (second, Part.BODY, 2, None),
        (
            "Mass surveillance means the monitoring of a population or a substantial part of it without individual suspicion, by any technical means.",
            Part.FOOTNOTE,
            1,
            "1",
        ),
    ]  # the footers "- 1 -" and "- 2 -" are bare page numbers: dropped


def test_justified_multi_page_contract_set_by_a_word_processor(tmp_path):
    """Platypus sets justified Times with hanging-indent items; every paragraph comes back exact."""
    rng = random.Random(4)
    vocabulary = (
        "customer provider services shall not use permit third party surveillance law enforcement "
        "government agency personal data comply applicable laws terminate suspend breach notice "
        "written consent licence software facial recognition identify track military lethal"
    ).split()

    def sentence(n: int) -> str:
        return " ".join(rng.choice(vocabulary) for _ in range(n)).capitalize() + "."

    body_style = ParagraphStyle("b", fontName="Times-Roman", fontSize=11, leading=13.5, spaceAfter=6, alignment=TA_JUSTIFY)
    item_style = ParagraphStyle("i", parent=body_style, leftIndent=36, firstLineIndent=-18)
    head_style = ParagraphStyle("h", fontName="Times-Bold", fontSize=12, leading=15, spaceBefore=8, spaceAfter=6)
    story, expected = [], []
    for article in range(1, 9):
        text = f"ARTICLE {article} - {rng.choice(vocabulary).upper()} {rng.choice(vocabulary).upper()}"
        story.append(Paragraph(text, head_style))
        expected.append(text)
        for number in range(1, 4):
            text = f"{article}.{number} " + " ".join(sentence(rng.randint(8, 25)) for _ in range(rng.randint(1, 4)))
            if number == 2:
                text = text[:-1] + ":"
            story.append(Paragraph(text, body_style))
            expected.append(text)
            if number == 2:
                for label in ("(a)", "(b)"):
                    text = f"{label} {sentence(rng.randint(6, 30))[:-1]};"
                    story.append(Paragraph(text, item_style))
                    expected.append(text)

    def furniture(c, doc):
        c.setFont("Times-Italic", 9)
        c.drawString(LEFT, HEIGHT - 40, "Lumen Harbor MSA - Confidential")
        c.drawRightString(WIDTH - LEFT, HEIGHT - 40, "Draft 3")
        c.drawCentredString(WIDTH / 2, 30, f"Page {doc.page}")

    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=letter).build(story, onFirstPage=furniture, onLaterPages=furniture)
    extraction = read(buffer.getvalue(), tmp_path)

    assert extraction.pages >= 3
    assert body(extraction) == expected
    assert [(b.part, b.text) for b in extraction.blocks if b.part is not Part.BODY] == [
        (Part.HEADER, "Lumen Harbor MSA - Confidential"),
        (Part.HEADER, "Draft 3"),
        (Part.FOOTER, "Page {page}"),
    ]
    assert sum(1 for b in extraction.blocks if b.page_breaks) >= 1


def test_ruled_table_cells_are_table_blocks_in_reading_order(tmp_path):
    layout = Layout()
    layout.paragraph("4.1 The permitted uses are listed in the table below.")
    table = Table(
        [["Use", "Permitted"], ["Police identification of suspects", "No"], ["Access control at Customer premises", "Yes, with consent"]], colWidths=[250, 150]
    )
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("FONT", (0, 0), (-1, -1), FONT, 10)]))
    _, height = table.wrapOn(layout.canvas, RIGHT - LEFT, 400)
    table.drawOn(layout.canvas, LEFT, layout.y - height)
    layout.y -= height + 20
    layout.paragraph("4.2 Any use not listed is prohibited.")
    extraction = read(layout.save(), tmp_path)

    assert [(b.text, b.part) for b in extraction.blocks] == [
        ("4.1 The permitted uses are listed in the table below.", Part.BODY),
        ("Use | Permitted", Part.TABLE),
        ("Police identification of suspects | No", Part.TABLE),
        ("Access control at Customer premises | Yes, with consent", Part.TABLE),
        ("4.2 Any use not listed is prohibited.", Part.BODY),
    ]


def test_framed_box_is_a_text_box_but_a_page_border_is_not(tmp_path):
    layout = Layout()
    layout.canvas.rect(LEFT - 20, BOTTOM - 20, RIGHT - LEFT + 40, TOP - BOTTOM + 40)  # a border round the page
    layout.paragraph("6.1 Customer shall comply with the Acceptable Use Policy.")
    top = layout.y
    layout.paragraph("IMPORTANT: the Services must not be used to identify people for the police.")
    layout.canvas.rect(LEFT - 4, layout.y + 2, RIGHT - LEFT + 8, top - layout.y + 6)  # a box round it
    layout.y -= 10
    layout.paragraph("6.2 Provider may suspend the Services for any breach of this Section.")
    extraction = read(layout.save(), tmp_path)

    assert [(b.text, b.part) for b in extraction.blocks] == [
        ("6.1 Customer shall comply with the Acceptable Use Policy.", Part.BODY),
        ("IMPORTANT: the Services must not be used to identify people for the police.", Part.TEXTBOX),
        ("6.2 Provider may suspend the Services for any breach of this Section.", Part.BODY),
    ]


def test_sideways_schedule_is_read_and_a_diagonal_watermark_is_not(tmp_path):
    """A landscape schedule drawn turned on a portrait page, stamped DRAFT, with a slanted note."""
    texts = [
        "1. Customer shall not use the Services to develop or operate any system that identifies or tracks "
        "people in public places without their knowledge or consent.",
        "2. Provider may suspend the Services if Customer breaches this Schedule and Customer shall then stop all use of the Services at once.",
    ]
    buffer = io.BytesIO()
    c = canvas.Canvas(buffer, pagesize=letter)
    c.saveState()
    c.translate(WIDTH, 0)
    c.rotate(90)  # the text now runs up the page, in a frame 792 wide and 612 high
    y = WIDTH - 72
    c.setFont(FONT, SIZE)
    for text in texts:
        for line in wrap(text, HEIGHT - 144):
            c.drawString(72, y, line)
            y -= LEADING
        y -= 6
    c.restoreState()
    for x, y, angle, size, text in [(WIDTH / 2, HEIGHT / 2, 45, 80, "DRAFT"), (30, 200, 30, 7, "DocID 4471-22")]:
        c.saveState()
        c.translate(x, y)
        c.rotate(angle)
        c.setFont("Helvetica-Bold", size)
        c.drawCentredString(0, 0, text)
        c.restoreState()
    c.save()
    extraction = read(buffer.getvalue(), tmp_path)

    assert body(extraction) == texts


def test_double_spaced_paragraphs_with_first_line_indents(tmp_path):
    rng = random.Random(9)
    words = "customer provider services shall not use surveillance police data notice breach terminate".split()
    texts = [" ".join(" ".join(rng.choice(words) for _ in range(rng.randint(8, 20))).capitalize() + "." for _ in range(rng.randint(1, 4))) for _ in range(12)]
    style = ParagraphStyle("double", fontName="Times-Roman", fontSize=12, leading=24, firstLineIndent=36, alignment=TA_JUSTIFY)
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=letter).build([Paragraph(text, style) for text in texts])
    extraction = read(buffer.getvalue(), tmp_path)

    assert extraction.pages >= 2
    assert body(extraction) == texts


def test_ligatures_soft_hyphens_and_spaces_are_normalised(tmp_path):
    pdfmetrics.registerFont(TTFont("Vera", os.path.join(os.path.dirname(reportlab.__file__), "fonts", "Vera.ttf")))
    layout = Layout()
    layout.paragraph(lines=["5.1 The \ufb01nal \ufb02ow of con\u00adfidential data  is   logged."], font="Vera")
    extraction = read(layout.save(), tmp_path)

    assert body(extraction) == ["5.1 The final flow of confidential data is logged."]


def test_text_helpers():
    assert pdf_text.clean_word("con\u00adfi\u200bdential") == "confidential"
    assert pdf_text.join_lines("sur-", "veillance") == ("surveillance", 3)
    assert pdf_text.join_lines("third-", "party") == ("third-party", 6)
    assert pdf_text.join_lines("OF MER-", "CHANTABILITY AND") == ("OF MERCHANTABILITY AND", 6)
    assert pdf_text.join_lines("NON-", "INFRINGEMENT") == ("NON-INFRINGEMENT", 4)
    assert pdf_text.join_lines("Non-", "Exclusive") == ("Non-Exclusive", 4)
    assert pdf_text.join_lines("the", "Customer") == ("the Customer", 4)
    assert pdf_text.running_template(["Page 1 of 3", "Page 2 of 3", "Page 3 of 3"]) == "Page {page} of {pages}"
    assert pdf_text.running_template(["Acme MSA v2 - 1", "Acme MSA v2 - 2"]) == "Acme MSA v2 - {page}"
    assert pdf_text.running_template(["Exhibit C - Page 1 of 1"]) == "Exhibit C - Page {page} of {pages}"
    for label in ["7.2 The", "(b) use", "(iv) any", "Section 4 applies", "ARTICLE V", "\u2022 Customer", "7.2(b) use", "a. any"]:
        assert pdf_text.starts_with_label(label), label
    for text in ["30 days", "the Customer", "Sections", "e.g. this"]:
        assert not pdf_text.starts_with_label(text), text
    assert pdf_text.opens_paragraph("any third party to:", "(a) use the Services")
    assert pdf_text.opens_paragraph("4. ORDERS AND PAYMENT", "4.1 Orders. Reseller shall")
    assert not pdf_text.opens_paragraph("in accordance with", "Section 4.2 of the Agreement")
    assert not pdf_text.opens_paragraph("Sections 3.3, 6, 9,", "10.5 and 11 survive.")
    assert pdf_text.heading_then_text("RESTRICTED DEPLOYMENT NOTICE", "The Partner shall not")
    assert not pdf_text.heading_then_text("GOVERNED BY THE LAWS OF THE STATE OF", "New York")
    assert not pdf_text.heading_then_text("IN CONSIDERATION OF THE PROMISES", "set out below")
    for number in ["3", "- 3 -", "Page 3", "Page 3 of 12", "3/12"]:
        assert pdf_text.is_page_number(number), number
    assert pdf_text.ends_sentence('as "Services."') and not pdf_text.ends_sentence("of the")


# --------------------------------------------------------------------------- files that cannot be read


def _single_page(text: str = "Customer shall not use the Services for surveillance.", **canvas_options) -> bytes:
    buffer = io.BytesIO()
    c = canvas.Canvas(buffer, pagesize=letter, **canvas_options)
    c.setFont(FONT, SIZE)
    c.drawString(LEFT, TOP, text)
    c.save()
    return buffer.getvalue()


def _error(data: bytes, **kwargs) -> ReadError:
    with pytest.raises(ReadError) as caught:
        read_pdf(data, "/contracts/msa.pdf", **kwargs)
    assert caught.value.message.startswith("msa.pdf: ")
    return caught.value


def test_password_protected_pdf_is_reported_as_encrypted():
    data = _single_page(encrypt=pdfencrypt.StandardEncryption("secret", ownerPassword="owner"))
    assert _error(data).code == "encrypted"


def test_pdf_encrypted_with_an_empty_password_is_read():
    data = _single_page(encrypt=pdfencrypt.StandardEncryption("", ownerPassword="owner", canCopy=0))
    assert body(read_pdf(data, "msa.pdf")) == ["Customer shall not use the Services for surveillance."]


def test_image_only_pdf_has_no_text_layer():
    from PIL import Image
    from reportlab.lib.utils import ImageReader

    buffer = io.BytesIO()
    c = canvas.Canvas(buffer, pagesize=letter)
    c.drawImage(ImageReader(Image.new("L", (60, 80), 200)), LEFT, 300, width=300, height=400)
    c.rect(LEFT, 100, 200, 100, fill=1)
    c.save()
    error = _error(buffer.getvalue())
    assert error.code == "no-text-layer"
    assert "has no text layer (a scanned image?); run OCR first" in error.message


@pytest.mark.parametrize(
    "data", [b"%PDF-1.7\n" + b"\x00\xff garbage " * 200, b"%PDF-", b"not a pdf at all"], ids=["garbage-after-header", "header-only", "not-a-pdf"]
)
def test_garbage_is_a_corrupt_pdf(data):
    assert _error(data).code == "corrupt-pdf"


def test_truncated_pdfs_never_raise_anything_but_read_errors():
    layout = Layout()
    for text in contract_paragraphs(60):
        layout.paragraph(text)
    data = layout.save()
    for cut in range(0, len(data), max(1, len(data) // 60)):
        try:
            extraction = read_pdf(data[:cut], "msa.pdf")
        except ReadError as error:
            assert error.code in {"corrupt-pdf", "no-text-layer", "empty-document"}
        else:
            assert extraction.pages and extraction.pages >= 1


def _pdf(*objects: bytes) -> bytes:
    """A PDF file of the given objects (object 1 is the catalog), with a correct xref table."""
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body_bytes in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body_bytes + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def _stream(head: bytes, content: bytes) -> bytes:
    return head + b" /Length %d >>\nstream\n" % len(content) + content + b"\nendstream"


FONT_OBJECT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
PAGE = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >>"


@pytest.mark.parametrize(
    "data",
    [
        # a page tree that lists itself among its kids
        _pdf(
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>",
            PAGE + b" >> >>",
            _stream(b"<<", b"BT /F1 12 Tf 72 700 Td (Customer shall comply.) Tj ET"),
            FONT_OBJECT,
        ),
        # a form that draws itself
        _pdf(
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            PAGE + b" /XObject << /X1 6 0 R >> >> >>",
            _stream(b"<<", b"BT /F1 12 Tf 72 700 Td (Customer shall comply.) Tj ET /X1 Do"),
            FONT_OBJECT,
            _stream(b"<< /Type /XObject /Subtype /Form /BBox [0 0 612 792] /Resources << /XObject << /X1 6 0 R >> >>", b"/X1 Do"),
        ),
        # pages whose parents point at each other
        _pdf(
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 /Parent 3 0 R >>",
            b"<< /Type /Pages /Parent 2 0 R /Kids [2 0 R] /Count 1 >>",
        ),
        # nesting 100,000 arrays deep
        _pdf(
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            PAGE + b" >> /Junk " + b"[" * 100_000 + b"]" * 100_000 + b" >>",
            _stream(b"<<", b"BT /F1 12 Tf 72 700 Td (Customer shall comply.) Tj ET"),
            FONT_OBJECT,
        ),
    ],
    ids=["kids-cycle", "form-cycle", "parent-cycle", "deep-nesting"],
)
def test_cyclic_or_deep_object_trees_are_read_or_reported_as_corrupt(data):
    try:
        extraction = read_pdf(data, "msa.pdf")
    except ReadError as error:
        assert error.code == "corrupt-pdf"
    else:
        assert body(extraction) == ["Customer shall comply."]


def test_zero_pages_and_too_many_pages():
    empty = _pdf(b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>")
    assert _error(empty).code == "empty-document"

    layout = Layout()
    layout.paragraph("One.")
    layout.new_page()
    layout.paragraph("Two.")
    layout.new_page()
    layout.paragraph("Three.")
    error = _error(layout.save(), max_pages=2)
    assert error.code == "too-large" and "3 pages" in error.message
