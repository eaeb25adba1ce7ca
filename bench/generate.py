"""Write the benchmark's contracts as PDF (reportlab) and DOCX (python-docx), deterministically.

The PDF is laid out page by page (A4, Times 11/14, running header and "Page n of N" footer) until
exactly the requested number of pages is full; the DOCX gets the same elements, so a DOCX and a PDF
of "40 pages" say the same thing. `python bench/generate.py DIR` writes the whole benchmark corpus.
"""

from __future__ import annotations

import argparse
import io
import json
import random
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from xml.sax.saxutils import escape

if __package__ in (None, ""):  # run as a script: make `bench` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.contract_text import Clause, ContractText, Element, Heading, Table

GENERATOR_VERSION = 2  # bump when the output changes, so cached corpora are rebuilt
PAGE_WIDTH_MM, PAGE_HEIGHT_MM, MARGIN_MM = 210.0, 297.0, 25.0


@dataclass(frozen=True)
class Generated:
    """One written contract file: its path, format, pages (PDF: exact; DOCX: those of its PDF twin) and words."""

    path: str
    format: str
    pages: int
    words: int


# ----------------------------------------------------------------------------------------- PDF

def _pdf_styles() -> dict:
    from reportlab.lib.styles import ParagraphStyle

    body = ParagraphStyle("body", fontName="Times-Roman", fontSize=11, leading=14, spaceAfter=5, alignment=4,
                          leftIndent=34, bulletIndent=0, bulletFontName="Times-Roman", bulletFontSize=11)
    return {
        "heading": ParagraphStyle("heading", parent=body, fontName="Times-Bold", leftIndent=0, spaceBefore=8, spaceAfter=6,
                                  alignment=0, keepWithNext=1),
        "title": ParagraphStyle("title", parent=body, fontName="Times-Bold", fontSize=14, leading=18, leftIndent=0,
                                alignment=1, spaceAfter=12),
        0: body,
        1: ParagraphStyle("item1", parent=body, leftIndent=64, bulletIndent=34),
        2: ParagraphStyle("item2", parent=body, leftIndent=94, bulletIndent=64),
        "cell": ParagraphStyle("cell", parent=body, fontSize=9.5, leading=11.5, leftIndent=0, spaceAfter=0, alignment=0),
    }


def _flowable(element: Element, styles: dict, width: float):  # noqa: ANN202 - a reportlab Flowable
    from reportlab.lib import colors
    from reportlab.platypus import Paragraph
    from reportlab.platypus import Table as PdfTable

    if isinstance(element, Heading):
        if not element.number:
            return Paragraph(escape(element.title), styles["title" if element.title.isupper() and "AGREEMENT" in element.title
                                                          else "heading"])
        return Paragraph(escape(f"{element.number}{'.' if element.number.isdigit() else ''}  {element.title}"), styles["heading"])
    if isinstance(element, Clause):
        style = styles[element.level]
        if element.number:
            return Paragraph(escape(element.text), style, bulletText=element.number)
        return Paragraph(escape(element.text), style)
    cells = [[Paragraph(escape(c), styles["cell"]) for c in row] for row in (element.header, *element.rows)]
    columns = len(element.header)
    table = PdfTable(cells, colWidths=[(width - 34) / columns] * columns, repeatRows=1, hAlign="RIGHT")
    table.setStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.lightgrey)])
    table.spaceAfter = 8
    return table


def _running_text(canvas, contract: ContractText, page: int, pages: int) -> None:  # noqa: ANN001
    from reportlab.lib.units import mm

    canvas.setFont("Times-Italic", 8.5)
    canvas.drawCentredString(PAGE_WIDTH_MM * mm / 2, (PAGE_HEIGHT_MM - 14) * mm, contract.header)
    canvas.drawCentredString(PAGE_WIDTH_MM * mm / 2, 12 * mm, contract.footer.format(page=page, pages=pages))


def layout_pdf(contract: ContractText, pages: int, target: str | Path | io.BytesIO) -> list[Element]:
    """Fill exactly `pages` pages (the last one with the execution block); return the elements printed."""
    from reportlab.lib.units import mm
    from reportlab.pdfgen.canvas import Canvas
    from reportlab.platypus import Frame

    if pages < 1:
        raise ValueError("a contract has at least one page")
    canvas = Canvas(str(target) if isinstance(target, Path) else target, pagesize=(PAGE_WIDTH_MM * mm, PAGE_HEIGHT_MM * mm),
                    invariant=1, pageCompression=1)
    canvas.setTitle(contract.title.title())
    canvas.setAuthor(contract.parties.provider)
    styles = _pdf_styles()
    width, height = (PAGE_WIDTH_MM - 2 * MARGIN_MM) * mm, (PAGE_HEIGHT_MM - 2 * MARGIN_MM) * mm
    printed: list[Element] = []
    stream: Iterator[Element] = contract.body()
    pending: list = []
    continued = False
    for page in range(1, pages + 1):
        _running_text(canvas, contract, page, pages)
        frame = Frame(MARGIN_MM * mm, MARGIN_MM * mm, width, height, leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        if page == pages:  # the execution block; whatever was cut off the page before is dropped
            closing = list(contract.closing())
            if pages == 1:
                closing = [*contract.front(), *closing]
            for element in closing:
                if frame.add(_flowable(element, styles, width), canvas):
                    printed.append(element)
        else:
            last_body_page = page == pages - 1
            while True:
                if not pending:
                    element = next(stream)
                    printed.append(element)
                    pending, continued = [_flowable(element, styles, width)], False
                if frame.add(pending[0], canvas):
                    pending.pop(0)
                    continue
                # split across the page break, except on the last body page (no half clause before the signatures)
                parts = frame.split(pending[0], canvas) if not last_body_page or continued else []
                if len(parts) > 1 and frame.add(parts[0], canvas):
                    pending[0:1], continued = parts[1:], True
                elif frame._atTop:  # noqa: SLF001 - nothing of it fits even on an empty page
                    raise RuntimeError("an element is taller than a page")
                elif last_body_page and not continued:
                    printed.pop()
                    pending = []
                break
        canvas.showPage()
    canvas.save()
    return printed


# ---------------------------------------------------------------------------------------- DOCX

def write_docx(contract: ContractText, elements: Sequence[Element], path: str | Path) -> None:
    """The same elements as a Word document with Heading styles, hanging-indent numbering, tables,
    and a running header and a "Page n of N" footer made of PAGE / NUMPAGES fields."""
    from docx import Document
    from docx.shared import Mm, Pt

    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(PAGE_WIDTH_MM), Mm(PAGE_HEIGHT_MM)
    section.left_margin = section.right_margin = section.top_margin = section.bottom_margin = Mm(MARGIN_MM)
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = "Times New Roman", Pt(11)
    document.core_properties.title = contract.title.title()
    document.core_properties.author = contract.parties.provider
    section.header.paragraphs[0].text = contract.header
    _page_footer(section.footer.paragraphs[0])
    for element in elements:
        if isinstance(element, Heading):
            if not element.number and "AGREEMENT" in element.title:
                document.add_heading(element.title, level=0)
            else:
                level = 2 if element.number.startswith("Part") else 1
                dot = "." if element.number.isdigit() else ""
                document.add_heading(f"{element.number}{dot}\t{element.title}".strip(), level=level)
        elif isinstance(element, Clause):
            paragraph = document.add_paragraph(f"{element.number}\t{element.text}" if element.number else element.text)
            indent = Mm(12 + 10 * element.level)
            paragraph.paragraph_format.left_indent = indent
            paragraph.paragraph_format.first_line_indent = -Mm(12) if element.number else None
            paragraph.paragraph_format.space_after = Pt(5)
        else:
            _docx_table(document, element)
    document.save(str(path))


def _page_footer(paragraph) -> None:  # noqa: ANN001 - a python-docx Paragraph
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    def field(instruction: str, shown: str) -> None:
        simple = OxmlElement("w:fldSimple")
        simple.set(qn("w:instr"), instruction)
        run = OxmlElement("w:r")
        text = OxmlElement("w:t")
        text.text = shown
        run.append(text)
        simple.append(run)
        paragraph._p.append(simple)  # noqa: SLF001 - python-docx has no field API

    paragraph.add_run("Page ")
    field("PAGE", "1")
    paragraph.add_run(" of ")
    field("NUMPAGES", "1")


def _docx_table(document, table: Table) -> None:  # noqa: ANN001
    rows = (table.header, *table.rows)
    out = document.add_table(rows=len(rows), cols=len(table.header))
    out.style = "Table Grid"
    for row, values in zip(out.rows, rows):
        for cell, value in zip(row.cells, values):
            cell.text = value


# -------------------------------------------------------------------------------------- corpus

def words_of(elements: Sequence[Element]) -> int:
    count = 0
    for element in elements:
        if isinstance(element, Heading):
            count += len(f"{element.number} {element.title}".split())
        elif isinstance(element, Clause):
            count += len(f"{element.number} {element.text}".split())
        else:
            count += sum(len(cell.split()) for row in (element.header, *element.rows) for cell in row)
    return count


def generate(folder: str | Path, name: str, pages: int, seed: int, formats: Sequence[str] = ("pdf", "docx"),
             restrictions: str = "full") -> list[Generated]:
    """Write `name`.pdf and/or `name`.docx of `pages` pages into `folder`."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    out: list[Generated] = []
    pdf_target: Path | io.BytesIO = folder / f"{name}.pdf" if "pdf" in formats else io.BytesIO()
    elements = layout_pdf(ContractText(seed, restrictions), pages, pdf_target)
    words = words_of(elements)
    if "pdf" in formats:
        out.append(Generated(str(pdf_target), "pdf", pages, words))
    if "docx" in formats:
        path = folder / f"{name}.docx"
        write_docx(ContractText(seed, restrictions), elements, path)
        out.append(Generated(str(path), "docx", pages, words))
    return out


@dataclass(frozen=True)
class CorpusSpec:
    """What the benchmark needs; `batch` contracts of `batch_pages` pages, DOCX and PDF alternating."""

    big_pages: tuple[int, ...] = (40, 200)
    startup_pages: int = 2
    batch: int = 200
    batch_pages: tuple[int, int] = (5, 15)
    seed: int = 2025


def generate_corpus(folder: str | Path, spec: CorpusSpec = CorpusSpec(), log=print) -> dict:  # noqa: ANN001
    """Write (or reuse, when `folder` holds a manifest of the same spec and version) the whole corpus."""
    folder = Path(folder)
    manifest_path = folder / "manifest.json"
    wanted = {"version": GENERATOR_VERSION, "spec": asdict(spec)}
    if manifest_path.is_file():
        manifest = json.loads(manifest_path.read_text())
        if {k: manifest.get(k) for k in wanted} == json.loads(json.dumps(wanted)) and all(
                Path(f["path"]).is_file() for group in manifest["files"].values() for f in group):
            return manifest
    started = time.perf_counter()
    files: dict[str, list[dict]] = {}
    for pages in sorted({*spec.big_pages, spec.startup_pages}):
        name = f"agreement-{pages}p"
        files[name] = [asdict(g) for g in generate(folder, name, pages, spec.seed)]
        log(f"  generated {name} (.pdf, .docx): {files[name][0]['words']:,} words")
    rng = random.Random(spec.seed)
    batch: list[dict] = []
    for index in range(spec.batch):
        pages = rng.randint(*spec.batch_pages)
        fmt = "pdf" if index % 2 == 0 else "docx"
        restrictions = ("full", "full", "full", "partial", "none")[rng.randrange(5)]
        batch.extend(asdict(g) for g in generate(folder / "batch", f"contract-{index:03d}", pages, spec.seed + 1 + index,
                                                  formats=(fmt,), restrictions=restrictions))
    files["batch"] = batch
    if spec.batch:
        log(f"  generated {spec.batch} batch contracts ({sum(f['pages'] for f in batch):,} pages)")
    manifest = json.loads(json.dumps({**wanted, "files": files, "seconds": round(time.perf_counter() - started, 1)}))
    manifest_path.write_text(json.dumps(manifest, indent=1))
    return manifest


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", help="where to write the contracts (reused when it already holds the same corpus)")
    parser.add_argument("--batch", type=int, default=CorpusSpec.batch, help="number of batch contracts (default 200)")
    args = parser.parse_args(argv)
    manifest = generate_corpus(args.folder, CorpusSpec(batch=args.batch))
    print(f"{args.folder}: corpus ready ({manifest['seconds']} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
