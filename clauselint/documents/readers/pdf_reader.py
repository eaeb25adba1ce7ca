"""Reading a PDF contract into paragraph blocks.

Engine: pypdfium2 (PDFium). Per page it gives the text, each word's box (two calls per word), the
text's angle (one call per line) and the ruled lines drawn on the page; `pdf_layout` rebuilds
paragraphs from those.
pdfplumber would give the same words at ~20x the time and far more memory, so it is not used.
PDFium is not thread-safe: read PDFs in one thread per process (batches use processes).

    read_pdf(data, path, max_pages=2000, max_chars=None) -> Extraction(format="pdf", blocks=..., pages=N)

Raises ReadError with code corrupt-pdf, encrypted, no-text-layer, empty-document or too-large.
A file cut off before its end (no %%EOF) is refused rather than read in part: PDFium would
silently recover the pages it can, and a contract missing its later pages would lint as if
their clauses did not exist. Text placed outside the visible page is left out for the same
reason in reverse: what a reviewer cannot see must not satisfy a rule.
"""

from __future__ import annotations

import ctypes
import math
import os
import re

from clauselint.documents.errors import ReadError
from clauselint.documents.model import Extraction
from clauselint.documents.ocr import OcrOptions, flag_ocr_blocks, read_scanned_pages
from clauselint.documents.readers import pdf_text
from clauselint.documents.readers.pdf_layout import PageData, Word, build_blocks

# A word: characters up to a blank, or up to the hyphen PDFium marks at a line end (U+FFFE),
# since PDFium runs a hyphenated word on into the next line's text.
_WORD = re.compile(r"[^\s\ufffe]*\ufffe|[^\s\ufffe]+")

_EMPTY_PAGE_TREE = re.compile(rb"/Count\s+0(?![0-9])")
_PAGE_OBJECT = re.compile(rb"/Type\s*/Page(?![A-Za-z])")

_QUARTER = math.pi / 2

# Text smaller than this (in points, a full line's height) cannot be read on the page.
MIN_TEXT_HEIGHT = 1.0
# More characters than this on one page is not a contract page (a real dense page has ~6,000).
MAX_PAGE_CHARS = 200_000
_END_MARKER = b"%%EOF"
_TRAILING_PADDING = b"\x00 \t\r\n\x0c"

# Paths examined per page for table rules; more means a drawing, not a table.
_MAX_PATHS = 2000
_MAX_PATH_SEGMENTS = 64


def read_pdf(data: bytes, path: str, *, max_pages: int = 2000, max_chars: int | None = None,
             ocr: OcrOptions | None = None) -> Extraction:
    """The paragraphs of a PDF, with running headers/footers and footnotes as their own parts.

    With `ocr`, pages without a usable text layer (scans) are read by OCR (see documents.ocr).

    Stops with "too-large" as soon as the pages read hold more than `max_chars` characters."""
    name = os.path.basename(path) or path or "PDF"
    if not data:
        raise ReadError("empty-document", f"{name}: the file is empty (0 bytes); check that the right file was saved")
    if _END_MARKER not in data.rstrip(_TRAILING_PADDING)[-4096:]:
        raise ReadError(
            "corrupt-pdf",
            f"{name}: the PDF is incomplete (it is cut off before its end, as after a failed download or copy); "
            "ask for a fresh copy or export it again from the original document",
        )

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
                f"{name}: the PDF is password-protected; ask for a copy without a password (or open it and save an unprotected copy) and lint that",
            ) from None
        if _EMPTY_PAGE_TREE.search(data) and not _PAGE_OBJECT.search(data):
            raise _no_pages(name) from None  # PDFium refuses an empty page tree
        raise _corrupt(name, error) from None
    except Exception as error:  # noqa: BLE001 - anything the engine throws means it could not parse the file
        raise _corrupt(name, error) from None

    try:
        count = len(document)
        if count <= 0:
            if _PAGE_OBJECT.search(data):  # pages exist, but the page tree reaches none of them
                raise ReadError("corrupt-pdf", f"{name}: the PDF's page tree is damaged (it holds pages but leads to none of them); "
                                               "ask for a fresh copy or export it again from the original document")
            raise _no_pages(name)
        if count > max_pages:
            raise ReadError(
                "too-large",
                f"{name}: the PDF has {count} pages, more than the limit of {max_pages}; split it into parts or raise the page limit",
            )
        pages = []
        chars = 0
        for index in range(count):
            page = _read_page(document, index, raw, name)
            chars += sum(len(word.text) for word in page.words)
            if max_chars is not None and chars > max_chars:
                raise ReadError(
                    "too-large",
                    f"{name}: the first {index + 1} of {count} pages already hold more than {max_chars:,} characters of text, "
                    "more than a contract can have; split the PDF into parts and lint each",
                )
            pages.append(page)
        pages, scanned = read_scanned_pages(document, data, pages, name, ocr)
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
    return Extraction(format="pdf", blocks=tuple(flag_ocr_blocks(build_blocks(pages), scanned)), pages=count)


def _no_pages(name: str) -> ReadError:
    return ReadError("empty-document", f"{name}: the PDF has no pages; check that the right file was exported")


def _corrupt(name: str, error: BaseException) -> ReadError:
    detail = str(error).strip().rstrip(".") or type(error).__name__
    return ReadError(
        "corrupt-pdf",
        f"{name}: the PDF is damaged and cannot be read ({detail}); ask for a fresh copy or export it again from the original document",
    )


def _read_page(document, index: int, raw, name: str) -> PageData:
    page = document[index]
    try:
        textpage = page.get_textpage()
        try:
            if raw.FPDFText_CountChars(textpage.raw) > MAX_PAGE_CHARS:
                raise ReadError(
                    "too-large",
                    f"{name}: page {index + 1} holds more than {MAX_PAGE_CHARS:,} characters, which is not a contract page; "
                    "check the file, or export the contract again",
                )
            box = page.get_bbox()
            turn, words = _words(textpage, raw, box)
        finally:
            textpage.close()
        rules = [_turn_rule(turn, rule) for rule in _rules(page, raw)] if words else []
        x0, x1, bottom, top = _turned(turn, *box)
    finally:
        page.close()
    return PageData(index + 1, x0, bottom, x1, top, words, rules)


def _turned(turn: int, left: float, bottom: float, right: float, top: float) -> tuple[float, float, float, float]:
    """A box (left, bottom, right, top) as (x0, x1, bottom, top) in the frame where text reads
    left to right: `turn` is the text's clockwise angle in quarter turns, as PDFium gives it."""
    if turn == 0:
        return left, right, bottom, top
    if turn == 3:  # text running upwards
        return bottom, top, -right, -left
    if turn == 2:  # upside down
        return -right, -left, -top, -bottom
    return -top, -bottom, left, right  # text running downwards


def _turn_rule(turn: int, rule: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    x0, x1, bottom, top = _turned(turn, *rule)
    return x0, bottom, x1, top


def _words(textpage, raw, box: tuple[float, float, float, float]) -> tuple[int, list[Word]]:
    """(turn, words): the words set in the page's main direction, in the frame where they read
    left to right. Words at other angles (a diagonal watermark, a margin note) are left out, and
    so are words whose middle lies outside the visible page `box` (left, bottom, right, top).

    This is the reader's hot loop (two PDFium calls per word), so it is written flat: the boxes
    of a word's first and last characters are read straight from one reused rectangle."""
    handle = textpage.raw
    count = raw.FPDFText_CountChars(handle)
    if count <= 0:
        return 0, []
    text = textpage.get_text_range()
    if len(text) != count:  # text and character indices disagree: read one character at a time
        text = "".join(chr(raw.FPDFText_GetUnicode(handle, i) or 0xFFFD) for i in range(count))
    spans = [match.span() for match in _WORD.finditer(text)]
    if not spans:
        return 0, []
    turns = _word_turns(handle, raw, text, spans)
    tally = [0, 0, 0, 0]
    for turn in turns:
        if turn >= 0:
            tally[turn] += 1
    main = max(range(4), key=tally.__getitem__)
    chars = _CharBoxes(handle, raw, main)
    left, right, low, high = _turned(main, *box)
    # the page box widened by the 1-point slack a word's middle may overhang it
    left, right, low, high = left - 1, right + 1, low - 1, high + 1
    get, ref, rect = chars.get, chars.ref, chars.rect
    upright = main == 0
    clean_word, is_note_reference = pdf_text.clean_word, pdf_text.is_note_reference
    isfinite = math.isfinite
    words: list[Word] = []
    append = words.append
    for (start, end), turn in zip(spans, turns):
        if turn != main:
            continue
        if not get(handle, start, ref):
            continue
        if upright:
            x0, bottom, top = rect.left, rect.bottom, rect.top
        else:
            x0, _, bottom, top = _turned(main, rect.left, rect.bottom, rect.right, rect.top)
        if end - 1 > start:
            if not get(handle, end - 1, ref):
                continue
            if upright:
                x1, last_bottom, last_top = rect.right, rect.bottom, rect.top
            else:
                _, x1, last_bottom, last_top = _turned(main, rect.left, rect.bottom, rect.right, rect.top)
        else:
            x1 = rect.right if upright else _turned(main, rect.left, rect.bottom, rect.right, rect.top)[1]
            last_bottom, last_top = bottom, top
        height = top - bottom
        if not (x1 >= x0 and height >= MIN_TEXT_HEIGHT and isfinite(x0 + x1 + height)):
            continue  # no box, or print too small to read: what a reviewer cannot read is not read
        if not (bottom - 0.5 * height < (last_bottom + last_top) / 2 < top + 0.5 * height):
            # first and last characters are not on one line: place it by its characters
            for word in _split_word(chars, text, start, end):
                if (word.top - word.bottom >= MIN_TEXT_HEIGHT and left <= (word.x0 + word.x1) / 2 <= right
                        and low <= (word.bottom + word.top) / 2 <= high):
                    append(word)
            continue
        if last_top - last_bottom < 0.8 * height and last_bottom > bottom + 0.15 * height:
            # ends in a raised note reference ("surveillance¹"): the word without it; its box
            # keeps the mark's room so that text touching the mark touches the word
            cut = _superscript_start(chars, start, end, height)
            if cut is not None and is_note_reference(text[cut:end]):
                end = cut
        if not (left <= (x0 + x1) / 2 <= right and low <= (bottom + top) / 2 <= high):
            continue  # outside the visible page
        word = text[start:end]
        if not word.isascii():
            word = clean_word(word)
        if word:
            append(Word(word, x0, x1, bottom, top))
    return main, words


def _word_turns(handle, raw, text: str, spans: list[tuple[int, int]]) -> list[int]:
    """Each word's quarter turns (-1 when it is set at a slant), asked of PDFium once per line
    where the line's first and last words agree (text at another angle is set as lines of its
    own), word by word on a line whose ends disagree or are slanted."""
    angle_of = _unchecked(raw.FPDFText_GetCharAngle)

    def turn_at(index: int) -> int:
        angle = angle_of(handle, index)
        if angle < 0:  # PDFium cannot tell
            return 0
        quarters = round(angle / _QUARTER)
        return quarters % 4 if abs(angle - quarters * _QUARTER) < 0.02 else -1

    turns: list[int] = []
    total = len(spans)
    first = 0
    while first < total:
        line_end = text.find("\n", spans[first][0])
        if line_end < 0:
            line_end = len(text)
        last = first
        while last + 1 < total and spans[last + 1][0] < line_end:
            last += 1
        turn = turn_at(spans[first][0])
        if last == first:
            turns.append(turn)
        elif turn >= 0 and turn_at(spans[last][0]) == turn:
            turns.extend([turn] * (last - first + 1))
        else:
            turns.append(turn)
            turns.extend(turn_at(spans[i][0]) for i in range(first + 1, last + 1))
        first = last + 1
    return turns


def _unchecked(function):  # noqa: ANN001, ANN202 - a ctypes function pointer
    """The same PDFium function without ctypes' argument conversion, which costs more than the
    call itself in the per-word loop. Callers pass exactly what C takes: the handle object,
    a Python int for an int, ctypes.byref() for a pointer."""
    fast = type(function)(ctypes.cast(function, ctypes.c_void_p).value)
    fast.restype = function.restype
    return fast


class _CharBoxes:
    """Character boxes (PDFium's loose boxes: advance width by font height), turned upright."""

    def __init__(self, handle, raw, turn: int) -> None:
        self.handle, self.turn = handle, turn
        self.get = _unchecked(raw.FPDFText_GetLooseCharBox)
        self.rect = raw.FS_RECTF()
        self.ref = ctypes.byref(self.rect)

    def box(self, index: int) -> tuple[float, float, float, float] | None:
        """(x0, x1, bottom, top) of the character, or None when PDFium has no box for it."""
        if not self.get(self.handle, index, self.ref):
            return None
        r = self.rect
        if self.turn == 0:
            return r.left, r.right, r.bottom, r.top
        return _turned(self.turn, r.left, r.bottom, r.right, r.top)


def _superscript_start(chars: _CharBoxes, start: int, end: int, height: float) -> int | None:
    """Where the small print at the end of the word [start, end) begins, or None if all of it is."""
    cut = end - 1
    while cut > start:
        box = chars.box(cut - 1)
        if box is None:
            return None
        if box[3] - box[2] >= 0.8 * height:
            return cut
        cut -= 1
    return None


def _split_word(chars: _CharBoxes, text: str, start: int, end: int) -> list[Word]:
    """A run of characters PDFium did not break although it changes line: one word per line."""
    out: list[Word] = []
    run: list[str] = []
    x0 = x1 = bottom = top = 0.0
    for index in range(start, end):
        box = chars.box(index)
        if box is None:
            continue
        if run and not (bottom < (box[2] + box[3]) / 2 < top):
            out.append(Word(pdf_text.clean_word("".join(run)), x0, x1, bottom, top))
            run = []
        if not run:
            x0, _, bottom, top = box
        run.append(text[index])
        x1 = box[1]
    if run:
        out.append(Word(pdf_text.clean_word("".join(run)), x0, x1, bottom, top))
    return [w for w in out if w.text and math.isfinite(w.x0 + w.x1 + w.bottom + w.top)]


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
