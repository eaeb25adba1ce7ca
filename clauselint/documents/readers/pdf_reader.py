"""Reading a PDF contract into paragraph blocks.

Engine: pypdfium2 (PDFium). Per page it gives the text, a box for each word (two calls per
word) and the ruled lines drawn on the page; `pdf_layout` rebuilds paragraphs from those.
pdfplumber would give the same words at ~100x the time and far more memory, so it is not used.

    read_pdf(data, path, max_pages=2000) -> Extraction(format="pdf", blocks=..., pages=N)

Raises ReadError with code corrupt-pdf, encrypted, no-text-layer, empty-document or too-large.
"""

from __future__ import annotations

import ctypes
import math
import os
import re

from clauselint.documents.errors import ReadError
from clauselint.documents.model import Extraction
from clauselint.documents.readers import pdf_text
from clauselint.documents.readers.pdf_layout import PageData, Word, build_blocks

# A word: characters up to a blank, or up to the hyphen PDFium marks at a line end (U+FFFE),
# since PDFium runs a hyphenated word on into the next line's text.
_WORD = re.compile(r"[^\s\ufffe]*\ufffe|[^\s\ufffe]+")

_EMPTY_PAGE_TREE = re.compile(rb"/Count\s+0(?![0-9])")
_PAGE_OBJECT = re.compile(rb"/Type\s*/Page(?![A-Za-z])")

_FULL_TURN = 2 * math.pi

# Paths examined per page for table rules; more means a drawing, not a table.
_MAX_PATHS = 2000
_MAX_PATH_SEGMENTS = 64


def read_pdf(data: bytes, path: str, *, max_pages: int = 2000) -> Extraction:
    """The paragraphs of a PDF, with running headers/footers and footnotes as their own parts."""
    name = os.path.basename(path) or path or "PDF"
    if not data:
        raise ReadError("empty-document", f"{name}: the file is empty (0 bytes); check that the right file was saved")

    import pypdfium2 as pdfium  # imported here: a DOCX-only run should not pay for it
    import pypdfium2.raw as raw

    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as error:
        # PDFium's error code can be left over from an earlier file, so the bytes must agree
        code = getattr(error, "err_code", None)
        if code in (raw.FPDF_ERR_PASSWORD, raw.FPDF_ERR_SECURITY) and b"/Encrypt" in data:
            raise ReadError(
                "encrypted",
                f"{name}: the PDF is password-protected; ask for a copy without a password "
                "(or open it and save an unprotected copy) and lint that",
            ) from None
        if _EMPTY_PAGE_TREE.search(data) and not _PAGE_OBJECT.search(data):
            raise _no_pages(name) from None  # PDFium refuses an empty page tree
        raise _corrupt(name, error) from None
    except Exception as error:  # noqa: BLE001 - anything the engine throws means it could not parse the file
        raise _corrupt(name, error) from None

    try:
        count = len(document)
        if count <= 0:
            raise _no_pages(name)
        if count > max_pages:
            raise ReadError(
                "too-large",
                f"{name}: the PDF has {count} pages, more than the limit of {max_pages}; "
                "split it into parts or raise the page limit",
            )
        pages = [_read_page(document, index, raw) for index in range(count)]
    except ReadError:
        raise
    except Exception as error:  # noqa: BLE001 - a damaged page or object tree: report, never a traceback
        raise _corrupt(name, error) from None
    finally:
        document.close()

    if not any(page.words for page in pages):
        raise ReadError(
            "no-text-layer",
            f"{name}: the PDF has no text layer (a scanned image?); run OCR first, then lint the OCR'd PDF",
        )
    return Extraction(format="pdf", blocks=tuple(build_blocks(pages)), pages=count)


def _no_pages(name: str) -> ReadError:
    return ReadError("empty-document", f"{name}: the PDF has no pages; check that the right file was exported")


def _corrupt(name: str, error: BaseException) -> ReadError:
    detail = str(error).strip() or type(error).__name__
    return ReadError(
        "corrupt-pdf",
        f"{name}: the PDF is damaged and cannot be read ({detail}); "
        "ask for a fresh copy or export it again from the original document",
    )


def _read_page(document, index: int, raw) -> PageData:
    page = document[index]
    try:
        left, bottom, right, top = page.get_bbox()
        textpage = page.get_textpage()
        try:
            words = _words(textpage, raw)
        finally:
            textpage.close()
        rules = _rules(page, raw) if words else []
    finally:
        page.close()
    return PageData(index + 1, left, bottom, right, top, words, rules)


def _words(textpage, raw) -> list[Word]:
    handle = textpage.raw
    count = raw.FPDFText_CountChars(handle)
    if count <= 0:
        return []
    text = textpage.get_text_range()
    if len(text) != count:  # text and character indices disagree: read one character at a time
        text = "".join(chr(raw.FPDFText_GetUnicode(handle, i) or 0xFFFD) for i in range(count))
    box = raw.FS_RECTF()
    box_ref = ctypes.byref(box)
    loose_box = raw.FPDFText_GetLooseCharBox
    angle_of = raw.FPDFText_GetCharAngle
    words = []
    for match in _WORD.finditer(text):
        start, end = match.span()
        angle = angle_of(handle, start)
        if 0.02 < angle < _FULL_TURN - 0.02:
            continue  # rotated: a watermark or a margin note set sideways, not running text
        if not loose_box(handle, start, box_ref):
            continue
        x0, bottom, top = box.left, box.bottom, box.top
        if end - 1 > start and not loose_box(handle, end - 1, box_ref):
            continue
        x1 = box.right
        if not (x1 >= x0 and top > bottom and math.isfinite(x0 + x1 + top + bottom)):
            continue
        height = top - bottom
        if not (bottom - 0.5 * height < (box.bottom + box.top) / 2 < top + 0.5 * height):
            # first and last characters are not on one line: place it by its characters
            words.extend(_split_word(handle, raw, text, start, end, box, box_ref))
            continue
        if box.top - box.bottom < 0.8 * height and box.bottom > bottom + 0.15 * height:
            # ends in a raised note reference ("surveillance¹"): the word without it; its box
            # keeps the mark's room so that text touching the mark touches the word
            cut = _superscript_start(handle, raw, start, end, height, box_ref, box)
            if cut is not None and pdf_text.is_note_reference(text[cut:end]):
                end = cut
        word = pdf_text.clean_word(text[start:end])
        if word:
            words.append(Word(word, x0, x1, bottom, top))
    return words


def _superscript_start(handle, raw, start: int, end: int, height: float, box_ref, box) -> int | None:
    """Where the small print at the end of the word [start, end) begins, or None if all of it is."""
    cut = end - 1
    while cut > start:
        if not raw.FPDFText_GetLooseCharBox(handle, cut - 1, box_ref):
            return None
        if box.top - box.bottom >= 0.8 * height:
            return cut
        cut -= 1
    return None


def _split_word(handle, raw, text: str, start: int, end: int, box, box_ref) -> list[Word]:
    """A run of characters PDFium did not break although it changes line: one word per line."""
    out: list[Word] = []
    chars: list[str] = []
    x0 = x1 = bottom = top = 0.0
    for index in range(start, end):
        if not raw.FPDFText_GetLooseCharBox(handle, index, box_ref):
            continue
        middle = (box.bottom + box.top) / 2
        if chars and not (bottom < middle < top):
            word = pdf_text.clean_word("".join(chars))
            if word:
                out.append(Word(word, x0, x1, bottom, top))
            chars = []
        if not chars:
            x0, bottom, top = box.left, box.bottom, box.top
        chars.append(text[index])
        x1 = box.right
    word = pdf_text.clean_word("".join(chars))
    if word:
        out.append(Word(word, x0, x1, bottom, top))
    return [w for w in out if math.isfinite(w.x0 + w.x1 + w.bottom + w.top)]


def _rules(page, raw) -> list[tuple[float, float, float, float]]:
    """Straight horizontal (x0, y, x1, y) and vertical (x, y0, x, y1) lines drawn on the page."""
    handle = page.raw
    rules: list[tuple[float, float, float, float]] = []
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    fill, stroke = ctypes.c_int(), ctypes.c_int()
    paths = 0
    for index in range(raw.FPDFPage_CountObjects(handle)):
        obj = raw.FPDFPage_GetObject(handle, index)
        if not obj or raw.FPDFPageObj_GetType(obj) != raw.FPDF_PAGEOBJ_PATH:
            continue
        paths += 1
        if paths > _MAX_PATHS:
            return []
        if not raw.FPDFPageObj_GetBounds(obj, left, bottom, right, top):
            continue
        x0, y0, x1, y1 = left.value, bottom.value, right.value, top.value
        if not math.isfinite(x0 + y0 + x1 + y1):
            continue
        if y1 - y0 <= 3 and x1 - x0 >= 8:
            y = (y0 + y1) / 2
            rules.append((x0, y, x1, y))
        elif x1 - x0 <= 3 and y1 - y0 >= 8:
            x = (x0 + x1) / 2
            rules.append((x, y0, x, y1))
        elif raw.FPDFPath_GetDrawMode(obj, fill, stroke) and stroke.value:
            rules.extend(_stroked_edges(obj, raw))
    return rules


def _stroked_edges(obj, raw) -> list[tuple[float, float, float, float]]:
    """The horizontal and vertical pieces of a stroked path (a frame drawn as one rectangle)."""
    count = raw.FPDFPath_CountSegments(obj)
    if count <= 1 or count > _MAX_PATH_SEGMENTS:
        return []
    matrix = raw.FS_MATRIX()
    if not raw.FPDFPageObj_GetMatrix(obj, matrix):
        return []
    a, b, c, d, e, f = matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f
    x, y = ctypes.c_float(), ctypes.c_float()
    edges = []
    start = previous = None
    for index in range(count):
        segment = raw.FPDFPath_GetPathSegment(obj, index)
        if not segment or not raw.FPDFPathSegment_GetPoint(segment, x, y):
            return []
        point = (a * x.value + c * y.value + e, b * x.value + d * y.value + f)
        if previous is None or raw.FPDFPathSegment_GetType(segment) == raw.FPDF_SEGMENT_MOVETO:
            start = point
        else:
            edges.append((previous, point))
        previous = point
        if raw.FPDFPathSegment_GetClose(segment):
            edges.append((previous, start))
            previous = start
    out = []
    for (ax, ay), (bx, by) in edges:
        if abs(ay - by) < 0.5 and abs(ax - bx) >= 8:
            out.append((min(ax, bx), ay, max(ax, bx), ay))
        elif abs(ax - bx) < 0.5 and abs(ay - by) >= 8:
            out.append((ax, min(ay, by), ax, max(ay, by)))
    return out
