"""Turning Tesseract's hOCR for one rendered page into the PDF reader's positioned words.

The layout code (`readers.pdf_layout`) expects what PDFium gives for a text layer: each word's
left and right edges, and a bottom and top that span the font's full height, the same for every
word set in one size on one baseline. OCR boxes are not like that: each word's box hugs its own
ink ("we" is short, "Ally" tall), a scan is skewed by a fraction of a degree, and the heights of
one font wobble by a pixel or two from line to line. So, from hOCR (which, unlike Tesseract's
TSV output, carries each line's baseline):

1. the page is turned back by its skew (the median slope of the lines' baselines), so that the
   words of one line share a baseline and a column's left edge is straight;
2. each line gets a print size from the height of its tall letters above the baseline (capitals,
   digits, b d f h k l t), the part of a word's box that does not depend on which letters it has;
3. sizes are snapped, across the whole document, to the few sizes the contract is set in, so a
   paragraph's lines are one size as they are in a text layer;
4. every word of a line gets that size, with its bottom at the font's descent below the baseline.

Steps 1-2 work per page (`read_hocr`, cached); step 3-4 needs every page (`page_words`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import median

from clauselint.documents.readers import pdf_text
from clauselint.documents.readers.pdf_layout import Word

# Height of capitals and ascenders above the baseline, as a share of the full height PDFium gives
# a word (ascent + descent); and the descent's share. Measured on the sample contracts (Times and
# Helvetica rendered at 150-300 dpi): 0.61-0.63 and 0.21-0.23.
TALL_SHARE = 0.615
DESCENT_SHARE = 0.22
# Lines whose sizes differ by less than this share are one size of print (OCR wobbles by ~5%;
# a heading a point larger than 11pt text is 9% larger).
SNAP_SHARE = 0.06
# A word Tesseract is less sure of than this (0-100), with no letter or digit in it or much
# shorter than the page's print, is a speck of dirt or stray marks. Confidence alone says little:
# Tesseract gives 15 to a clean "If a payment" it read right, and 19 to a section number.
SPECK_CONFIDENCE = 60
# Letters that reach the height of capitals ("t" is shorter), and marks that reach below the line.
_TALL = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZbdfhkl0123456789")
_MISREAD_LABEL = re.compile(r"^\d{1,3}[,;:]$")
_DESCENDING = frozenset("gjpqyQ(),;[]{}|/\\_@$§")
_LINE_CLASSES = frozenset({"ocr_line", "ocr_header", "ocr_caption", "ocr_textfloat"})
_NUMBER = r"-?\d+(?:\.\d+)?"
_BBOX = re.compile(rf"\bbbox ({_NUMBER}) ({_NUMBER}) ({_NUMBER}) ({_NUMBER})")
_BASELINE = re.compile(rf"\bbaseline ({_NUMBER}) ({_NUMBER})")
_CONFIDENCE = re.compile(rf"\bx_wconf ({_NUMBER})")


@dataclass(frozen=True)
class OcrLine:
    """One line of OCR text on a page, deskewed, in PDF points: (text, x0, x1, baseline) per
    word, and the line's print size (None when it has no tall letter to measure it by)."""

    paragraph: int
    size: float | None
    words: tuple[tuple[str, float, float, float], ...]


@dataclass(frozen=True)
class OcrPage:
    """What OCR read on one page: its frame (left, bottom, right, top) in points, and its lines."""

    number: int
    frame: tuple[float, float, float, float]
    lines: tuple[OcrLine, ...]
    confidence: float  # mean word confidence, 0-100 (0 when no word was read)
    skew: float = 0.0  # radians the page was turned back by
    rules: tuple[tuple[float, float, float, float], ...] = ()  # ruled lines, as `pdf_layout.PageData.rules`


@dataclass(frozen=True)
class _Box:
    text: str
    left: float
    top: float
    right: float
    bottom: float
    confidence: float


def read_hocr(hocr: bytes, number: int, frame: tuple[float, float, float, float], scale: float) -> OcrPage:
    """The lines of one page's hOCR (pixels at `scale` pixels per point) in the page's `frame`."""
    raw_lines = _parse(hocr)
    left, bottom, right, top = frame
    centre_x, centre_y = (right - left) * scale / 2, (top - bottom) * scale / 2
    # the skew: the median slope of the lines' baselines, longer lines counting for more
    slopes = sorted((slope, box[2] - box[0]) for box, slope, _, _, _ in raw_lines if box[2] > box[0])
    angle = math.atan(_weighted_median(slopes)) if slopes else 0.0
    cos, sin = math.cos(angle), math.sin(angle)
    measured = [_measure(box, slope, offset, words) for box, slope, offset, _, words in raw_lines]
    talls = sorted(tall for _, tall in measured if tall)
    speck = 0.5 * talls[len(talls) // 2] if talls else 0.0
    lines: list[OcrLine] = []
    confidences = [word.confidence for *_, words in raw_lines for word in words]
    for (box, slope, _, paragraph, boxes), (baseline_at, tall) in zip(raw_lines, measured):
        words = []
        for word in boxes:
            text = pdf_text.clean_word(word.text.strip())
            if not text or _is_speck(word, text, speck):
                continue
            middle = (word.left + word.right) / 2
            baseline = baseline_at + slope * (middle - box[0])  # image rows grow downwards
            # turn the word's baseline point back by the skew, about the middle of the page
            dx, dy = middle - centre_x, baseline - centre_y
            x = centre_x + dx * cos + dy * sin
            y = centre_y - dx * sin + dy * cos
            half = (word.right - word.left) / 2
            words.append((text, left + (x - half) / scale, left + (x + half) / scale, top - y / scale))
        if words:
            size = round(tall / scale / TALL_SHARE * 20) / 20 if tall else None  # to 0.05 pt: few sizes to snap
            lines.append(OcrLine(paragraph, size, tuple(words)))
    confidence = sum(confidences) / len(confidences) if confidences else 0.0
    return OcrPage(number, frame, _with_labels_mended(lines), round(confidence, 2), angle)


def _with_labels_mended(lines: list[OcrLine]) -> tuple[OcrLine, ...]:
    """The lines, with a hanging clause number read as "1;" or "2," printed "1." and "2.".

    Tesseract reads a number set apart from its text (a hanging label) on its own, and often
    takes its full stop for a comma or semicolon. A number so punctuated that starts a line and
    stands a wide gap (more than its print's size) before the text is a misread label."""
    placed = [(word, line.size or 0.0) for line in lines for word in line.words]
    out = []
    for line in lines:
        words = list(line.words)
        for index, (text, x0, x1, baseline) in enumerate(words):
            if not _MISREAD_LABEL.match(text):
                continue
            size = line.size or max((s for _, s in placed), default=0.0)
            row = [(w, s) for w, s in placed if abs(w[3] - baseline) < 0.3 * size and w is not words[index]]
            before = any(w[1] <= x0 and x0 - w[2] < 3 * size for w, _ in row)
            after = min((w[1] - x1 for w, _ in row if w[1] >= x1), default=None)
            if not before and after is not None and after > size:
                words[index] = (text[:-1] + ".", x0, x1, baseline)
        out.append(OcrLine(line.paragraph, line.size, tuple(words)) if words != list(line.words) else line)
    return tuple(out)


def _measure(box: tuple[float, float, float, float], slope: float, offset: float, words: Sequence[_Box]) -> tuple[float, float | None]:
    """(the line's baseline at its left edge, the height of its tall letters), in pixels.

    Measured on the words that do not reach below the baseline: their boxes sit on it, and
    those with a capital, digit or ascender reach exactly the height of the tall letters.
    Tesseract's own baseline (often a pixel or two off) is used only when there are none."""
    x0 = box[0]
    flat = [word for word in words if not (_DESCENDING & set(word.text)) and word.bottom > word.top]
    if flat:
        baseline = median(word.bottom - slope * ((word.left + word.right) / 2 - x0) for word in flat)
        heights = [word.bottom - word.top for word in flat if _TALL & set(word.text)]
    else:
        baseline = box[3] + offset
        heights = [baseline + slope * ((word.left + word.right) / 2 - x0) - word.top for word in words if _TALL & set(word.text)]
    tall = median(heights) if heights else None
    return baseline, tall if tall and tall > 0 else None


def _is_speck(word: _Box, text: str, speck: float) -> bool:
    """Whether an OCR "word" is dirt, the edge of a picture or quote marks read as a line of
    their own: Tesseract is unsure of it, and it has no letter or digit or is much smaller than
    the print on the page."""
    if word.confidence < SPECK_CONFIDENCE:
        return not any(ch.isalnum() for ch in text) or word.bottom - word.top < speck
    return False


def page_words(pages: Sequence[OcrPage]) -> dict[int, list[Word]]:
    """Each page's words, sized as the layout code expects (steps 3 and 4), by page number."""
    sizes = _snapped_sizes(pages)
    out: dict[int, list[Word]] = {}
    for page in pages:
        words: list[Word] = []
        known = [sizes[line.size] for line in page.lines if line.size is not None]
        page_size = max(set(known), key=known.count) if known else sizes.get(None, 0.0)
        for index, line in enumerate(page.lines):
            size = sizes[line.size] if line.size is not None else _neighbour_size(page.lines, index, sizes) or page_size
            if size <= 0:
                continue
            for text, x0, x1, baseline in line.words:
                bottom = baseline - DESCENT_SHARE * size
                words.append(Word(text, x0, x1, bottom, bottom + size))
        out[page.number] = words
    return out


def _snapped_sizes(pages: Sequence[OcrPage]) -> dict[float | None, float]:
    """Each measured line size mapped to the size of print it belongs to; None to the body size.

    The most used size takes every size within SNAP_SHARE of it, then the most used of the rest,
    and so on; each group is printed at the median of its members, weighted by characters."""
    weight: dict[float, int] = {}
    for page in pages:
        for line in page.lines:
            if line.size is not None:
                weight[line.size] = weight.get(line.size, 0) + sum(len(word[0]) for word in line.words)
    out: dict[float | None, float] = {}
    left = sorted(weight, key=lambda size: -weight[size])
    while left:
        centre = left[0]
        group = [size for size in left if abs(size - centre) <= SNAP_SHARE * centre]
        printed = _weighted_median(sorted((size, weight[size]) for size in group))
        for size in group:
            out[size] = printed
        if None not in out:
            out[None] = printed  # the first group is the body text
        left = [size for size in left if size not in out]
    return out


def _neighbour_size(lines: Sequence[OcrLine], index: int, sizes: dict[float | None, float]) -> float | None:
    """The size of the nearest line of the same paragraph that has one (for a line like "arrears."
    that has no tall letter to measure)."""
    paragraph = lines[index].paragraph
    for distance in range(1, len(lines)):
        for other in (index - distance, index + distance):
            if 0 <= other < len(lines) and lines[other].paragraph == paragraph and lines[other].size is not None:
                return sizes[lines[other].size]
    return None


def _weighted_median(pairs: Sequence[tuple[float, float]]) -> float:
    """The median of sorted (value, weight) pairs."""
    total = sum(weight for _, weight in pairs)
    running = 0.0
    for value, weight in pairs:
        running += weight
        if running >= total / 2:
            return value
    return pairs[-1][0]


def _parse(hocr: bytes) -> list[tuple[tuple[float, float, float, float], float, float, int, list[_Box]]]:
    """(line box, baseline slope, baseline offset, paragraph number, word boxes) of each line."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, recover=True)
    root = etree.fromstring(hocr, parser) if hocr.strip() else None
    if root is None:
        return []
    lines = []
    paragraphs: dict[str | None, int] = {}
    for element in root.iter("{*}span"):
        if element.get("class") not in _LINE_CLASSES:
            continue
        title = element.get("title", "")
        bbox = _BBOX.search(title)
        if bbox is None:
            continue
        baseline = _BASELINE.search(title)
        slope, offset = (float(baseline.group(1)), float(baseline.group(2))) if baseline else (0.0, 0.0)
        parent = element.getparent()
        paragraph = paragraphs.setdefault(parent.get("id") if parent is not None else None, len(paragraphs))
        boxes = []
        for word in element.iter("{*}span"):
            if word.get("class") != "ocrx_word":
                continue
            box = _BBOX.search(word.get("title", ""))
            confidence = _CONFIDENCE.search(word.get("title", ""))
            text = "".join(word.itertext())
            if box is not None and text.strip():
                boxes.append(_Box(text, *(float(v) for v in box.groups()), float(confidence.group(1)) if confidence else 100.0))
        if boxes:
            lines.append((tuple(float(v) for v in bbox.groups()), slope, offset, paragraph, boxes))  # type: ignore[misc]
    return lines
