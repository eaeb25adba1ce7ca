"""OCR for the pages of a PDF that have no usable text layer (scans), with Tesseract.

Executed agreements are often scans. `--ocr auto` (the default) reads such pages with Tesseract
and keeps the text layer wherever there is one; `always` reads every page by OCR (for a text
layer that is garbage); `never` reads the text layer only, and a scan is `no-text-layer`.

How: each page to read is rendered by PDFium (in the reader's thread: PDFium is not
thread-safe) at the scan's own resolution (200-300 dpi), handed to the `tesseract` program on
its standard input, and Tesseract's hOCR is turned into the reader's positioned words
(`ocr_words`) and the page's pixels into its ruled lines (`ocr_rules`), so a scan goes through
the same layout code as a text PDF: columns, tables, running headers and footers, hyphenation,
paragraphs, page numbers. A page Tesseract reads badly is checked for being scanned sideways or
upside down and read again upright. Pages are read by up to `jobs`
Tesseract processes at once (each limited to one thread), the next page rendered while they work.
Results are cached by the file's content hash (`ocr_cache`), so a re-run does not OCR again.

The `tesseract` program is run directly rather than through pytesseract: one subprocess call with
the image on standard input (no temporary file, nothing written anywhere), and no extra
dependency for what is a few lines of code. OCRmyPDF would write a new PDF and then read it again.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
from collections.abc import Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, replace

from clauselint.documents import ocr_rules, ocr_words
from clauselint.documents.errors import ReadError
from clauselint.documents.model import RawBlock
from clauselint.documents.ocr_cache import ENTRY_FORMAT, PageCache
from clauselint.documents.ocr_words import OcrPage
from clauselint.documents.readers.pdf_layout import PageData

MODES = ("auto", "always", "never")
INSTALL_HINT = "install Tesseract (apt-get install tesseract-ocr tesseract-ocr-eng) to lint scans, or run with --ocr never"
LANGUAGE = "eng"
PAGE_SEGMENTATION = "3"  # Tesseract's default: find the columns and blocks on the page itself
# Scans are read at their own resolution, within these bounds (dpi); pages drawn without a
# picture (text turned into outlines) at the upper one. Tesseract reads 10pt print well from 200.
MIN_DPI, MAX_DPI = 200, 300
MAX_PIXELS = 40_000_000  # one rendered page (a grey byte each): a poster-sized page is read at less
PAGE_SECONDS = 180  # one page through Tesseract: a dense page takes 2-6 s on one core
# A page read with less mean word confidence than this (0-100; a clean page gives 90-96, one
# upside down about 40) is checked for being scanned sideways or upside down.
REREAD_CONFIDENCE = 60
MIN_ORIENTATION_CONFIDENCE = 2.0  # Tesseract's own measure: 20-26 on clear pages
_ROTATE = re.compile(r"^Rotate: (\d+)", re.MULTILINE)
_ORIENTATION_CONFIDENCE = re.compile(r"^Orientation confidence: ([\d.]+)", re.MULTILINE)
# A page with fewer characters than this, drawn over a picture covering at least half of it, is a
# scan with a stamp (a page number, a file reference) in its text layer, not text.
USABLE_CHARS = 100
SCAN_COVERAGE = 0.5
# A page without text is worth reading when this share of it is dark (a page of text is 4-10%,
# a single line of text 0.3%; a blank scan's specks are well under). Better to OCR a page holding
# only a rule than to miss the contract's last line.
INK_SHARE = 0.001
_DARK = bytes(1 if value < 160 else 0 for value in range(256))


@dataclass(frozen=True)
class OcrOptions:
    """How to OCR: `mode` (auto, always, never) and how many pages at once (`jobs`)."""

    mode: str = "auto"
    jobs: int = 1

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise ValueError(f"OCR mode {self.mode!r} is not one of {', '.join(MODES)}")

    def fingerprint(self) -> str:
        """What the cached results depend on besides the file: a change makes old entries misses."""
        settings = (f"{ENTRY_FORMAT}|{LANGUAGE}|psm{PAGE_SEGMENTATION}|{MIN_DPI}-{MAX_DPI}|{ocr_words.TALL_SHARE}|"
                    f"{ocr_words.DESCENT_SHARE}|upright{REREAD_CONFIDENCE}")
        return hashlib.sha256(settings.encode()).hexdigest()[:12]


@dataclass(frozen=True)
class _Render:
    """One page rendered for Tesseract: a binary PGM, its resolution, and where it sits in points."""

    number: int
    image: bytes
    width: int
    height: int
    dpi: int
    scale: float  # pixels per point
    frame: tuple[float, float, float, float]


def read_scanned_pages(document, data: bytes, pages: list[PageData], name: str,
                       options: OcrOptions | None) -> tuple[list[PageData], frozenset[int]]:
    """(the pages with OCR words in place of the scans', the numbers of the pages whose text is OCR).

    A "searchable" scan, whose text layer is someone else's OCR (invisible text over the page's
    picture), keeps that text, and its pages count as OCR text too. `document` is the open
    pypdfium2 document `pages` were read from. Raises ReadError (no-text-layer) when pages need
    OCR and Tesseract is missing or fails, or when OCR finds no text on a PDF that has no text
    layer either."""
    if options is None or options.mode == "never":
        return pages, frozenset()
    if options.mode == "always":
        indices = list(range(len(pages)))
    else:
        indices = [index for index, page in enumerate(pages) if _needs_ocr(document, index, page)]
    searchable = _searchable_pages(document, pages, indices)
    if not indices:
        return pages, searchable
    cache = PageCache.for_file(hashlib.sha256(data).hexdigest(), options.fingerprint())
    read: dict[int, OcrPage] = {}
    for index in indices:
        hit = cache.get(index + 1)
        if hit is not None:
            read[index + 1] = hit
    missing = [index for index in indices if index + 1 not in read]
    if missing:
        program = _tesseract(name, missing, len(pages), options.mode)
        for page in _recognise(document, missing, program, name, max(1, options.jobs)):
            if page.lines:  # a page with nothing on it is quick to read again: no entry for it
                cache.put(page)
            read[page.number] = page
    words = ocr_words.page_words([read[number] for number in sorted(read)])
    out = list(pages)
    for number, page in read.items():
        left, bottom, right, top = page.frame
        out[number - 1] = PageData(number, left, bottom, right, top, words[number], list(page.rules))
    if not any(page.words for page in out):
        raise ReadError(
            "no-text-layer",
            f"{name}: the PDF has no text layer, and OCR found no text on its {_pages_phrase(indices, len(pages))} "
            "(blank or illegible scans?); check that this is the right file, or ask for a clearer scan",
        )
    return out, frozenset(read) | searchable


def flag_ocr_blocks(blocks: Sequence[RawBlock], numbers: frozenset[int]) -> list[RawBlock]:
    """The blocks, those printed (wholly or partly) on a page read by OCR marked `ocr`."""
    if not numbers:
        return list(blocks)
    return [replace(block, ocr=True) if block.page in numbers or any(page in numbers for _, page in block.page_breaks)
            else block for block in blocks]


# ------------------------------------------------------------------------------ which pages


def _needs_ocr(document, index: int, page: PageData) -> bool:
    """Whether a page has no usable text layer: no text but ink on it (a scan, text turned into
    outlines; not a blank page or one with a lone rule), or a few characters over a picture
    covering most of it (a scan with a stamped page number)."""
    chars = sum(len(word.text) for word in page.words)
    if chars >= USABLE_CHARS:
        return False
    import pypdfium2.raw as raw

    pdf_page = document[index]
    try:
        handle = pdf_page.raw
        count = raw.FPDFPage_CountObjects(handle)
        if count <= 0:
            return False
        if chars == 0:
            return _inked(pdf_page, raw)
        left, bottom, right, top = pdf_page.get_bbox()
        area = max(1.0, (right - left) * (top - bottom))
        covered = sum(_area(obj, raw) for obj in _pictures(handle, count, raw))
        return covered >= SCAN_COVERAGE * area
    finally:
        pdf_page.close()


def _searchable_pages(document, pages: list[PageData], scanned: list[int]) -> frozenset[int]:
    """The numbers of the pages with someone else's OCR for text. Looked for (about 1 ms a page)
    only when the first page with text is one: a searchable scan is scanned from its first page."""
    candidates = [index for index, page in enumerate(pages) if page.words and index not in scanned]
    if not candidates or not _invisible_text_over_picture(document, candidates[0]):
        return frozenset()
    return frozenset(index + 1 for index in candidates if index == candidates[0] or _invisible_text_over_picture(document, index))


def _invisible_text_over_picture(document, index: int) -> bool:
    """Whether the page's text is all invisible (the OCR layer a scanner or OCR program adds)
    over a picture covering most of it. Stops at the first visible text: cheap on text PDFs."""
    import pypdfium2.raw as raw

    pdf_page = document[index]
    try:
        handle = pdf_page.raw
        count = raw.FPDFPage_CountObjects(handle)
        texts = 0
        for position in range(min(count, 100_000)):
            obj = raw.FPDFPage_GetObject(handle, position)
            if obj and raw.FPDFPageObj_GetType(obj) == raw.FPDF_PAGEOBJ_TEXT:
                if raw.FPDFTextObj_GetTextRenderMode(obj) != raw.FPDF_TEXTRENDERMODE_INVISIBLE:
                    return False
                texts += 1
        if not texts:
            return False
        left, bottom, right, top = pdf_page.get_bbox()
        covered = sum(_area(obj, raw) for obj in _pictures(handle, count, raw))
        return covered >= SCAN_COVERAGE * max(1.0, (right - left) * (top - bottom))
    finally:
        pdf_page.close()


def _inked(pdf_page, raw) -> bool:
    """Whether the page, seen at a glance (36 dpi), has enough dark print to hold text."""
    bitmap = pdf_page.render(scale=0.5, force_bitmap_format=raw.FPDFBitmap_Gray, may_draw_forms=True)
    try:
        pixels = bytes(bitmap.buffer)
    finally:
        bitmap.close()
    dark = pixels.translate(_DARK).count(1)
    return dark >= INK_SHARE * max(1, len(pixels))


def _pictures(handle, count: int, raw) -> list:
    """The page's images and form objects (a scan is often wrapped in one), up to a bound."""
    kinds = (raw.FPDF_PAGEOBJ_IMAGE, raw.FPDF_PAGEOBJ_FORM)
    out = []
    for index in range(min(count, 10_000)):
        obj = raw.FPDFPage_GetObject(handle, index)
        if obj and raw.FPDFPageObj_GetType(obj) in kinds:
            out.append(obj)
    return out


def _area(obj, raw) -> float:
    import ctypes

    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    if not raw.FPDFPageObj_GetBounds(obj, left, bottom, right, top):
        return 0.0
    return max(0.0, right.value - left.value) * max(0.0, top.value - bottom.value)


def _scan_dpi(pdf_page, raw) -> int:
    """The resolution of the largest picture on the page (a scan's own), within MIN_DPI-MAX_DPI."""
    import ctypes

    handle = pdf_page.raw
    best_area, dpi = 0.0, float(MAX_DPI)
    width, height = ctypes.c_uint(), ctypes.c_uint()
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    for obj in _pictures(handle, raw.FPDFPage_CountObjects(handle), raw):
        if raw.FPDFPageObj_GetType(obj) != raw.FPDF_PAGEOBJ_IMAGE:
            continue
        if not (raw.FPDFPageObj_GetBounds(obj, left, bottom, right, top) and raw.FPDFImageObj_GetImagePixelSize(obj, width, height)):
            continue
        shown_w, shown_h = right.value - left.value, top.value - bottom.value
        if shown_w * shown_h > best_area and shown_w > 0 and shown_h > 0:
            best_area = shown_w * shown_h
            # the picture may be turned a quarter: take the larger of its two resolutions
            dpi = max(width.value, height.value) / max(shown_w, shown_h) * 72
    return int(min(MAX_DPI, max(MIN_DPI, round(dpi))))


# ------------------------------------------------------------------------------ reading them


def _tesseract(name: str, missing: list[int], count: int, mode: str) -> str:
    """The path of the tesseract program, or a ReadError saying how to install it."""
    program = shutil.which("tesseract")
    if program is None:
        what = "the PDF has" if len(missing) == count else f"{_pages_phrase(missing, count)} of the PDF {'has' if len(missing) == 1 else 'have'}"
        if mode == "always":
            raise ReadError("no-text-layer", f"{name}: --ocr always needs Tesseract, which is not installed; "
                                             "install it (apt-get install tesseract-ocr tesseract-ocr-eng), or run with --ocr auto")
        raise ReadError("no-text-layer", f"{name}: {what} no text layer; {INSTALL_HINT}")
    return program


def _recognise(document, indices: list[int], program: str, name: str, jobs: int) -> list[OcrPage]:
    """OCR the pages `indices`: rendered here one after another, read by up to `jobs` Tesseract
    processes at once; at most one rendered page waits, so memory stays bounded."""
    import pypdfium2.raw as raw

    out: list[OcrPage] = []
    running: set[Future[OcrPage]] = set()
    with ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="clauselint-ocr") as pool:
        try:
            for index in indices:
                render = _render(document, index, raw)
                running.add(pool.submit(_read_page, program, render, name))
                while len(running) > jobs:
                    done, running = _settle(running)
                    out.extend(future.result() for future in done)
            while running:
                done, running = _settle(running)
                out.extend(future.result() for future in done)
        except BaseException:
            for future in running:
                future.cancel()
            raise
    return out


def _settle(running: set[Future[OcrPage]]) -> tuple[set[Future[OcrPage]], set[Future[OcrPage]]]:
    done, left = wait(running, return_when=FIRST_COMPLETED)
    return set(done), set(left)


def _render(document, index: int, raw) -> _Render:
    """The page as a grey image at the scan's resolution (as displayed: /Rotate applied)."""
    pdf_page = document[index]
    try:
        dpi = _scan_dpi(pdf_page, raw)
        width, height = pdf_page.get_size()
        scale = dpi / 72
        if width * height * scale * scale > MAX_PIXELS:
            scale = (MAX_PIXELS / max(1.0, width * height)) ** 0.5
        bitmap = pdf_page.render(scale=scale, force_bitmap_format=raw.FPDFBitmap_Gray, may_draw_forms=True)
        try:
            w, h, stride = bitmap.width, bitmap.height, bitmap.stride
            buffer = bytes(bitmap.buffer)
            rows = buffer[: w * h] if stride == w else b"".join(buffer[row * stride: row * stride + w] for row in range(h))
        finally:
            bitmap.close()
        if pdf_page.get_rotation() % 360 == 0:
            left, bottom, _, _ = pdf_page.get_bbox()
        else:  # a turned page: its frame as displayed, which is where its text reads left to right
            left, bottom = 0.0, 0.0
        pixel_scale = w / width if width > 0 else scale
        frame = (left, bottom, left + w / pixel_scale, bottom + h / pixel_scale)
        return _Render(index + 1, b"P5\n%d %d\n255\n" % (w, h) + rows, w, h, round(scale * 72), pixel_scale, frame)
    finally:
        pdf_page.close()


def _read_page(program: str, render: _Render, name: str) -> OcrPage:
    """One rendered page through Tesseract, its hOCR turned into lines and its ruled lines found.

    A page Tesseract reads with little confidence may be scanned sideways or upside down: its
    orientation is then asked of Tesseract, and the page read again turned upright."""
    page = _recognise_page(program, render, name)
    if page.lines and page.confidence < REREAD_CONFIDENCE:
        turn = _orientation(program, render)
        if turn:
            upright = _turned(render, turn)
            second = _recognise_page(program, upright, name)
            if second.confidence > page.confidence:
                page, render = second, upright
    pixels = render.image[len(render.image) - render.width * render.height:]
    return replace(page, rules=tuple(ocr_rules.find_rules(pixels, render.width, render.height, page.skew, render.scale, render.frame)))


def _orientation(program: str, render: _Render) -> int:
    """How far (degrees clockwise: 0, 90, 180, 270) the page must turn to be upright, by
    Tesseract's orientation detection; 0 when it is unsure or cannot tell."""
    command = [program, "stdin", "stdout", "--dpi", str(render.dpi), "--psm", "0"]
    try:
        done = subprocess.run(command, input=render.image, capture_output=True, timeout=PAGE_SECONDS, env=_tesseract_environment(), check=False)
    except (OSError, subprocess.TimeoutExpired):
        return 0
    text = done.stdout.decode("utf-8", "replace")
    turn, sure = _ROTATE.search(text), _ORIENTATION_CONFIDENCE.search(text)
    if done.returncode != 0 or turn is None or sure is None or float(sure.group(1)) < MIN_ORIENTATION_CONFIDENCE:
        return 0
    return int(turn.group(1)) % 360 if int(turn.group(1)) % 90 == 0 else 0


def _turned(render: _Render, degrees: int) -> _Render:
    """The rendered page turned clockwise by a multiple of 90 degrees, in a frame of its own."""
    from PIL import Image

    pixels = render.image[len(render.image) - render.width * render.height:]
    image = Image.frombytes("L", (render.width, render.height), pixels)
    image = image.transpose({90: Image.Transpose.ROTATE_270, 180: Image.Transpose.ROTATE_180, 270: Image.Transpose.ROTATE_90}[degrees])
    w, h = image.size
    frame = (0.0, 0.0, w / render.scale, h / render.scale)
    return _Render(render.number, b"P5\n%d %d\n255\n" % (w, h) + image.tobytes(), w, h, render.dpi, render.scale, frame)


def _recognise_page(program: str, render: _Render, name: str) -> OcrPage:
    """One rendered page through Tesseract (one thread of it), its hOCR turned into lines."""
    command = [program, "stdin", "stdout", "--dpi", str(render.dpi), "--psm", PAGE_SEGMENTATION, "-l", LANGUAGE, "hocr"]
    try:
        done = subprocess.run(command, input=render.image, capture_output=True, timeout=PAGE_SECONDS, env=_tesseract_environment(), check=False)
    except subprocess.TimeoutExpired:
        raise ReadError("too-large", f"{name}: OCR of page {render.number} took more than {PAGE_SECONDS} s; "
                                     "lint it with --ocr never, or ask for a cleaner scan") from None
    except OSError as error:
        raise ReadError("no-text-layer", f"{name}: page {render.number} has no text layer and Tesseract could not be run "
                                         f"({error.strerror or error}); {INSTALL_HINT}") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace")
        if "Failed loading language" in message or "traineddata" in message:
            raise ReadError("no-text-layer", f"{name}: page {render.number} has no text layer and Tesseract has no English "
                                             "language data; install it (apt-get install tesseract-ocr-eng), or run with --ocr never")
        detail = " ".join(message.split())[-160:] or f"exit status {done.returncode}"
        raise ReadError("no-text-layer", f"{name}: OCR of page {render.number} failed (tesseract: {detail}); "
                                         "check the scan, or run with --ocr never")
    return ocr_words.read_hocr(done.stdout, render.number, render.frame, render.scale)


def _tesseract_environment() -> dict[str, str]:
    """Tesseract's environment: one thread each, since the parallelism is ours, within --jobs."""
    return {**os.environ, "OMP_THREAD_LIMIT": "1"}


def _pages_phrase(indices: Sequence[int], count: int) -> str:
    """"page 3", "pages 1-4, 7" (from 0-based indices), or "1 page" / "12 pages" for all of them."""
    if len(indices) == count:
        return "page" if count == 1 else f"{count} pages"
    numbers = sorted(index + 1 for index in indices)
    runs: list[list[int]] = []
    for number in numbers:
        if runs and number == runs[-1][-1] + 1:
            runs[-1].append(number)
        else:
            runs.append([number])
    text = ", ".join(f"{run[0]}-{run[-1]}" if len(run) > 1 else str(run[0]) for run in runs[:6])
    if len(runs) > 6:
        text += ", ..."
    return ("page " if len(numbers) == 1 else "pages ") + text
