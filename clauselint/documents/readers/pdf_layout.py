"""Rebuilding a contract's paragraphs from positioned PDF words.

The PDF engine (see `pdf_reader`) hands over, per page, the words with their boxes and the ruled
lines drawn on it. From those this module:

1. keeps text inside a ruled grid apart (a table, or a framed text box);
2. groups the other words into lines;
3. removes running headers and footers (lines near the top or bottom edge whose text, digits
   ignored, repeats on most pages) and bare page numbers, keeping one copy of each;
4. moves smaller-print lines at the foot of a page into footnotes;
5. orders the rest: a page with a gutter is read left column, then right column, with full-width
   lines (a title above the columns) in their place between the column runs;
6. joins the lines into paragraphs, across columns and pages when a sentence runs on.

Coordinates are PDF user space: x grows to the right, y grows upwards.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from operator import attrgetter

from clauselint.documents.model import TABLE_CELL_SEPARATOR, Part, RawBlock
from clauselint.documents.readers import pdf_text as pt

# Lines this close to the top or bottom edge (share of the page height) can be running ones.
MARGIN_BAND = 0.11
# A line in smaller print than this share of the body text's size can be a footnote.
FOOTNOTE_SIZE = 0.88
# Line sizes within this share of each other are the same print (a bold and a regular face of
# one family differ by about 3%; a heading set a point larger than 11pt text by 9%).
SAME_SIZE = 0.06


@dataclass(slots=True)
class Word:
    """A run of non-blank characters and its box; `bottom`/`top` span the font's full height."""

    text: str
    x0: float
    x1: float
    bottom: float
    top: float

    @property
    def size(self) -> float:
        return self.top - self.bottom

    @property
    def middle(self) -> float:
        return (self.top + self.bottom) / 2


@dataclass(slots=True)
class PageData:
    """What the engine read from one page: its box, its words, its straight ruled lines."""

    number: int
    left: float
    bottom: float
    right: float
    top: float
    words: list[Word]
    rules: list[tuple[float, float, float, float]] = field(default_factory=list)

    @property
    def height(self) -> float:
        return self.top - self.bottom


@dataclass(slots=True)
class Line:
    """Words printed on one baseline (within one column), left to right."""

    words: list[Word]
    page: int
    x0: float
    x1: float
    bottom: float
    top: float
    size: float
    text: str
    left: float = 0.0  # where lines of the text column the line is set in start...
    right: float = 0.0  # ...and where they end when full
    next_x0: float | None = None  # where the line after it in the same column starts


def make_line(words: list[Word], page: int) -> Line:
    """A line of `words` (sorted left to right); its size is the size most of its characters have."""
    return _sorted_line(sorted(words, key=_by_x0), page)


def _sorted_line(words: list[Word], page: int) -> Line:
    """make_line for words already sorted left to right (the layout's most frequent call)."""
    sizes = [round((word.top - word.bottom) * 2) / 2 for word in words]
    first = words[0]
    if sizes.count(sizes[0]) == len(sizes):  # one size of print: every word is within half a point of it
        size = sizes[0]
        bottom = min(map(_bottom, words))
    else:
        weight: dict[float, int] = {}
        for word, word_size in zip(words, sizes):
            weight[word_size] = weight.get(word_size, 0) + len(word.text)
        size = max(weight, key=weight.__getitem__)
        bottom = min((w.bottom for w in words if abs(w.top - w.bottom - size) <= 0.5), default=first.bottom)
    x1 = max(map(_x1, words))
    top = max(map(_top, words))
    # Words that touch are one word the engine split (a change of font inside it).
    touching = 0.1 * size
    parts = [first.text]
    previous = first
    for word in words[1:]:
        if word.x0 - previous.x1 >= touching:
            parts.append(" ")
        parts.append(word.text)
        previous = word
    return Line(words, page, first.x0, x1, bottom, top, size, "".join(parts))


_by_x0 = attrgetter("x0")
_bottom = attrgetter("bottom")
_x1 = attrgetter("x1")
_top = attrgetter("top")


def _by_height_on_page(word: Word) -> float:
    return -(word.top + word.bottom)


def group_lines(words: list[Word], page: int) -> list[Line]:
    """Words grouped into lines, top of the page first. Side-by-side columns share lines here."""
    lines: list[list[Word]] = []
    floor = math.inf  # the bottom of the line's highest word: what hangs lower starts a new line
    for word in sorted(words, key=_by_height_on_page):
        if lines and (word.top + word.bottom) / 2 > floor:
            lines[-1].append(word)
        else:
            lines.append([word])
            floor = word.bottom
    result = []
    for group in lines:
        group.sort(key=_by_x0)
        kept = [group[0]]
        last = group[0]
        for word in group[1:]:  # the same word printed twice to fake bold
            if word.text == last.text and abs(word.x0 - last.x0) < 0.3 * word.size:
                continue
            kept.append(word)
            last = word
        result.append(_without_note_marks(_sorted_line(kept, page)))
    return result


def _without_note_marks(line: Line) -> Line:
    """The line without raised note references printed apart from their word ("surveillance ¹,").

    A note's own number, first on its line, stays. Text that touched the mark ("¹,") is moved
    against the word before it, so that it is joined to it without a space.
    """
    small = 0.8 * line.size
    raised_bottom = line.bottom + 0.15 * line.size
    is_note_reference = pt.is_note_reference

    def raised(word: Word) -> bool:
        return word.top - word.bottom < small and word.bottom > raised_bottom and is_note_reference(word.text)

    if not any(word.bottom > raised_bottom and word.top - word.bottom < small and is_note_reference(word.text)
               for word in line.words[1:]):
        return line
    words = [line.words[0]]
    mark = None
    for word in line.words[1:]:
        if raised(word):
            mark = word if word.x0 - words[-1].x1 < 0.1 * line.size else None
            continue
        if mark is not None and word.x0 - mark.x1 < 0.1 * line.size:
            word = Word(word.text, words[-1].x1, word.x1, word.bottom, word.top)
        words.append(word)
        mark = None
    return make_line(words, line.page)


def split_at_gaps(line: Line, factor: float) -> list[Line]:
    """The line cut where the space between two words is wider than `factor` x its size."""
    parts: list[list[Word]] = [[line.words[0]]]
    for word in line.words[1:]:
        if word.x0 - parts[-1][-1].x1 > factor * line.size:
            parts.append([word])
        else:
            parts[-1].append(word)
    if len(parts) == 1:
        return [line]
    return [make_line(part, line.page) for part in parts]


# --------------------------------------------------------------------------- tables, boxes


@dataclass(slots=True)
class Region:
    """A ruled grid on a page: a table, or (one cell) a framed text box."""

    x0: float
    bottom: float
    x1: float
    top: float
    xs: list[float]  # column edges, left to right
    ys: list[float]  # row edges, top to bottom
    page: int
    words: list[Word] = field(default_factory=list)

    @property
    def part(self) -> Part:
        return Part.TEXTBOX if len(self.xs) == 2 and len(self.ys) == 2 else Part.TABLE

    def contains(self, word: Word) -> bool:
        x = (word.x0 + word.x1) / 2
        return self.x0 < x < self.x1 and self.bottom < word.middle < self.top


def _cluster(values: list[float], tolerance: float = 2.0) -> list[float]:
    out: list[float] = []
    for value in sorted(values):
        if out and value - out[-1] <= tolerance:
            continue
        out.append(value)
    return out


def find_regions(page: PageData) -> list[Region]:
    """Ruled grids: horizontal and vertical rules that cross, with at least two of each."""
    horizontal = [r for r in page.rules if r[1] == r[3]]
    vertical = [r for r in page.rules if r[0] == r[2]]
    if len(horizontal) < 2 or len(vertical) < 2 or len(horizontal) * len(vertical) > 250_000:
        return []
    parent = list(range(len(horizontal) + len(vertical)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    slack = 2.0
    for hi, (hx0, hy, hx1, _) in enumerate(horizontal):
        for vi, (vx, vy0, _, vy1) in enumerate(vertical):
            if hx0 - slack <= vx <= hx1 + slack and vy0 - slack <= hy <= vy1 + slack:
                a, b = root(hi), root(len(horizontal) + vi)
                if a != b:
                    parent[a] = b
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(len(parent)):
        groups[root(i)].append(i)
    page_area = (page.right - page.left) * page.height
    regions = []
    for members in groups.values():
        hs = [horizontal[i] for i in members if i < len(horizontal)]
        vs = [vertical[i - len(horizontal)] for i in members if i >= len(horizontal)]
        ys = _cluster([r[1] for r in hs])
        xs = _cluster([r[0] for r in vs])
        if len(ys) < 2 or len(xs) < 2:
            continue
        x0, x1, bottom, top = xs[0], xs[-1], ys[0], ys[-1]
        if x1 - x0 < 20 or top - bottom < 8 or (x1 - x0) * (top - bottom) > 0.8 * page_area:
            continue
        regions.append(Region(x0, bottom, x1, top, xs, ys[::-1], page.number))
    return regions


def _place_in_regions(page: PageData) -> tuple[list[Region], list[Word]]:
    """(regions with their words, the words outside every region) for one page."""
    regions = find_regions(page)
    if not regions:
        return [], page.words
    regions.sort(key=lambda r: (r.x1 - r.x0) * (r.top - r.bottom))  # the innermost grid first
    free = []
    for word in page.words:
        home = next((r for r in regions if r.contains(word)), None)
        if home is None:
            free.append(word)
        else:
            home.words.append(word)
    kept = []
    for region in regions:
        if region.part is Part.TEXTBOX and len(region.words) > 0.5 * len(page.words):
            free.extend(region.words)  # a border drawn around the page's text, not a text box
        elif region.words:
            kept.append(region)
    return kept, free


def region_rows(region: Region) -> list[list[list[Line]]]:
    """The cells of each table row (each cell its lines), row by row, left to right."""
    rows: dict[int, list[list[Line]]] = defaultdict(list)
    for (row, _col), lines in region_cell_map(region):
        rows[row].append(lines)
    return [rows[key] for key in sorted(rows)]


def region_cells(region: Region) -> list[list[Line]]:
    """The lines of each cell with text, row by row, left to right."""
    return [lines for _key, lines in region_cell_map(region)]


def region_cell_map(region: Region) -> list[tuple[tuple[int, int], list[Line]]]:
    """((row, column), lines) of each cell with text, row by row, left to right."""
    cells: dict[tuple[int, int], list[Word]] = defaultdict(list)
    for word in region.words:
        x = (word.x0 + word.x1) / 2
        row = next((i for i in range(len(region.ys) - 1) if word.middle > region.ys[i + 1]), len(region.ys) - 2)
        col = next((i for i in range(len(region.xs) - 1) if x < region.xs[i + 1]), len(region.xs) - 2)
        cells[(row, col)].append(word)
    out = []
    for key in sorted(cells):
        lines = group_lines(cells[key], region.page)
        _set_column(lines)
        out.append((key, lines))
    return out


# --------------------------------------------------------------------------- headers, footers


def _segments(line: Line) -> list[Line]:
    return split_at_gaps(line, 2.0)


def strip_running(pages: list[PageData], lines_by_page: dict[int, list[Line]]) -> list[RawBlock]:
    """Remove running headers/footers and page numbers from `lines_by_page`; one block for each.

    A segment of a line in the top or bottom band is running when its text, digits ignored,
    is printed in the same band on at least two pages and on at least half of the pages; when
    it is repeated in the place where such lines are printed; when it states the page number
    ("Exhibit C - Page 1 of 1"); or, on a one-page document, when it is in smaller print than
    the body and not a numbered note.
    """
    bands: dict[int, list[tuple[Line, Line, str]]] = {}  # page -> (line, segment, band)
    seen: dict[tuple[str, str], dict[int, str]] = defaultdict(dict)  # (band, key) -> page -> text
    order: dict[tuple[str, str], tuple[int, float, float]] = {}
    for page in pages:
        band = MARGIN_BAND * page.height
        found = []
        for line in lines_by_page.get(page.number, []):
            if line.bottom >= page.top - band:
                where = "header"
            elif line.top <= page.bottom + band:
                where = "footer"
            else:
                continue
            for segment in _segments(line):
                found.append((line, segment, where))
                key = (where, pt.running_key(segment.text))
                seen[key].setdefault(page.number, segment.text)
                order.setdefault(key, (page.number, -segment.top, segment.x0))
        bands[page.number] = found
    needed = max(2, math.ceil(len(pages) / 2))
    running = {key for key, on_pages in seen.items() if len(on_pages) >= needed}
    # Where running lines and page numbers are printed; a line repeated in that slot on a few
    # pages is running too ("Chapter 2: Use Restrictions" on the pages of chapter 2).
    slots = {
        (where, round(segment.bottom))
        for found in bands.values()
        for _, segment, where in found
        if pt.is_page_number(segment.text) or (where, pt.running_key(segment.text)) in running
    }
    small = 0.9 * body_size(lines_by_page) if len(pages) == 1 else 0.0
    for found in bands.values():
        for _, segment, where in found:
            key = (where, pt.running_key(segment.text))
            if key in running:
                continue
            if len(seen[key]) >= 2 and any((where, round(segment.bottom) + delta) in slots for delta in range(-2, 3)):
                running.add(key)
            elif pt.states_page_number(segment.text):
                running.add(key)
            elif segment.size < small and not pt.footnote_mark(segment.text):
                running.add(key)

    for number, found in bands.items():
        dropped: dict[int, set[int]] = defaultdict(set)  # id(line) -> ids of dropped words
        for line, segment, where in found:
            if pt.is_page_number(segment.text) or (where, pt.running_key(segment.text)) in running:
                dropped[id(line)].update(id(w) for w in segment.words)
        if not dropped:
            continue
        kept = []
        for line in lines_by_page[number]:
            gone = dropped.get(id(line))
            if not gone:
                kept.append(line)
                continue
            rest = [w for w in line.words if id(w) not in gone]
            if rest:
                kept.append(make_line(rest, number))
        lines_by_page[number] = kept

    blocks = []
    for key in sorted(running, key=lambda k: (k[0] != "header", order[k])):
        on_pages = seen[key]
        text = pt.running_template([on_pages[p] for p in sorted(on_pages)])
        if not any(ch.isalpha() for ch in text.replace("{page}", "").replace("{pages}", "")):
            continue  # a bare page number says nothing about the contract
        part = Part.HEADER if key[0] == "header" else Part.FOOTER
        blocks.append(RawBlock(text=pt.finish(text), part=part, page=min(on_pages)))
    return blocks


# --------------------------------------------------------------------------- footnotes


def body_size(lines_by_page: dict[int, list[Line]]) -> float:
    """The size of the print most of the text is set in."""
    weight: Counter[float] = Counter()
    for lines in lines_by_page.values():
        for line in lines:
            weight[line.size] += len(line.text)
    return weight.most_common(1)[0][0] if weight else 0.0


def split_footnotes(lines: list[Line], page: PageData, size: float) -> tuple[list[Line], list[Line]]:
    """(body lines, footnote lines): smaller print in the lower half with no body text below it."""
    limit = size * FOOTNOTE_SIZE
    body = [line for line in lines if line.size > limit]
    if not body:
        return lines, []
    notes = []
    for line in lines:
        if line.size > limit:
            continue
        below = any(b.top <= line.bottom + 1 and b.x0 < line.x1 and b.x1 > line.x0 for b in body)
        if not below:
            notes.append(line)
    if not notes:
        return lines, []
    # The notes sit in the lower half and start with a note mark; small print at the foot of
    # the page that does not (a listing, a signature block) is body text.
    first = max(notes, key=lambda line: line.top)
    if first.top > page.bottom + page.height / 2 or not pt.footnote_mark(first.text):
        return lines, []
    note_ids = {id(line) for line in notes}
    return [line for line in lines if id(line) not in note_ids], notes


# --------------------------------------------------------------------------- reading order

BREAK = object()
"""A flow item: the text jumps (to another column); geometry says nothing across it."""


_MAX_GUTTER_WIDTH = 20_000.0  # points: wider than any page a PDF may declare (14,400)


def find_gutter(lines: list[Line]) -> tuple[float, float] | None:
    """The empty vertical strip between two columns of text, if the lines have one."""
    if len(lines) < 6:
        return None
    left = min(line.x0 for line in lines)
    right = max(line.x1 for line in lines)
    width = right - left
    if not 100 <= width <= _MAX_GUTTER_WIDTH:  # narrow, or no real page (the strip is measured in half points)
        return None
    import numpy  # here, not at the top: `clauselint --help` and DOCX runs need no numpy to start

    lo = left + 0.25 * width
    bins = int(0.5 * width)
    # How many words cover each half point of the middle half of the text width (the words'
    # edges truncated to whole steps as int() and ceil() do), counted with numpy: every page
    # is measured, and most have one column that a glance at these counts rules out.
    starts = numpy.array([word.x0 for line in lines for word in line.words]) - lo
    ends = numpy.array([word.x1 for line in lines for word in line.words]) - lo
    first = numpy.maximum(starts.astype(numpy.int64), 0)
    last = numpy.minimum(numpy.ceil(ends).astype(numpy.int64), bins)
    spans = first < last
    occupancy = numpy.bincount(first[spans], minlength=bins + 1) - numpy.bincount(last[spans], minlength=bins + 1)
    counts_array = numpy.cumsum(occupancy[:bins])
    # The gutter is the emptiest strip: a few lines may cross it (a title over both columns),
    # but not the numbers hanging at the left of the right column.
    fewest = int(counts_array.min()) if bins else 0
    if fewest > 0.15 * len(lines):
        return None
    counts = counts_array.tolist()
    allowed = fewest + max(1, int(0.03 * len(lines)))
    best, run_start = (0, 0), None
    for i, count in enumerate(counts):
        if count <= allowed:
            if run_start is None:
                run_start = i
            if i + 1 - run_start > best[1] - best[0]:
                best = (run_start, i + 1)
        else:
            run_start = None
    sizes = sorted(line.size for line in lines)
    if best[1] - best[0] < max(6.0, 0.6 * sizes[len(sizes) // 2]):
        return None
    g0, g1 = lo + best[0], lo + best[1]
    # Wide word spacing in justified text is not a gutter: the gutter is much wider than a space.
    gaps = sorted(b.x0 - a.x1 for line in lines for a, b in zip(line.words, line.words[1:]) if not (a.x1 <= g0 + 1 and b.x0 >= g1 - 1))
    if gaps and g1 - g0 < 2.5 * gaps[len(gaps) // 2]:
        return None
    lefts = [max(w.x1 for w in line.words if w.x1 <= g0 + 1) for line in lines if line.words[0].x1 <= g0 + 1]
    rights = [line.x1 for line in lines if line.x1 >= g1 - 1 and any(w.x0 >= g1 - 1 for w in line.words)]
    if min(len(lefts), len(rights)) < max(3, 0.25 * len(lines)):
        return None
    lefts.sort()
    rights.sort()
    # Both columns are filled with running text, not a few short labels beside a block.
    if lefts[len(lefts) // 2] < g0 - 0.35 * (g0 - left):
        return None
    if rights[len(rights) // 2] < right - 0.35 * (right - g1):
        return None
    return g0, g1


def _set_column(lines: list[Line]) -> None:
    """Record on each line where the column it is set in starts and ends: a low percentile of
    the lines' starts and a high one of their ends, so that an indented first line or a line
    sticking out into the margin (a long address) does not move them."""
    if not lines:
        return
    starts = sorted(line.x0 for line in lines)
    ends = sorted(line.x1 for line in lines)
    left = starts[int(0.15 * (len(starts) - 1))]
    right = ends[int(0.85 * (len(ends) - 1))]
    for line in lines:
        line.left, line.right = left, right


def fits_gutter(lines: list[Line], gutter: tuple[float, float]) -> bool:
    """Whether a page with too little text to show its columns leaves the document's gutter
    empty, with text on both sides of it (the last lines of a two-column contract)."""
    g0, g1 = gutter
    crossing = sum(1 for line in lines if any(w.x0 < g1 - 1 and w.x1 > g0 + 1 for w in line.words))
    left = any(w.x1 <= g0 + 1 for line in lines for w in line.words)
    right = any(w.x0 >= g1 - 1 for line in lines for w in line.words)
    return left and right and crossing <= 0.2 * len(lines)


def order_page(lines: list[Line], regions: list[Region], gutter: tuple[float, float] | None) -> list[object]:
    """The page's lines and regions in reading order, with BREAK where a column ends."""
    if gutter is None:
        _set_column(lines)
        items: list[tuple[float, object]] = [(line.top, line) for line in lines]
        items += [(region.top, region) for region in regions]
        items.sort(key=lambda item: -item[0])
        return [item for _, item in items]

    middle = sum(gutter) / 2
    # (top, side, item): side 0 spans the page, 1 is the left column, 2 the right one
    placed: list[tuple[float, int, object]] = []
    sides: dict[int, list[Word]] = {1: [], 2: []}
    for line in lines:
        if any(w.x0 < middle < w.x1 for w in line.words):
            placed.append((line.top, 0, line))
        else:
            for word in line.words:
                sides[1 if word.x1 <= middle else 2].append(word)
    for side, words in sides.items():  # each column's lines anew: the columns' baselines differ
        placed += [(line.top, side, line) for line in group_lines(words, lines[0].page)]
    g0, g1 = gutter
    for region in regions:
        if region.x0 < g0 - 10 and region.x1 > g1 + 10:
            side = 0
        else:
            side = 1 if region.x0 + region.x1 < 2 * middle else 2
        placed.append((region.top, side, region))
    for side in (0, 1, 2):
        _set_column([item for _, s, item in placed if s == side and isinstance(item, Line)])

    placed.sort(key=lambda p: -p[0])
    out: list[object] = []
    last_side = 0

    def emit(side: int, item: object) -> None:
        nonlocal last_side
        if out and last_side and side != last_side:  # leaving a column: the text jumps
            out.append(BREAK)
        out.append(item)
        last_side = side

    columns: dict[int, list[object]] = {1: [], 2: []}
    for _, side, item in placed + [(0.0, 0, None)]:
        if side:
            columns[side].append(item)
            continue
        for column in (1, 2):  # a run of two-column text ends: left column, then right
            for queued in columns[column]:
                emit(column, queued)
            columns[column] = []
        if item is not None:
            emit(0, item)
    return out


# --------------------------------------------------------------------------- paragraphs


def leading_ratio(flows: list[list[object]]) -> float:
    """Baseline-to-baseline distance inside a paragraph, as a multiple of the line size."""
    ratios = []
    for flow in flows:
        previous = None
        for item in flow:
            if isinstance(item, Line) and isinstance(previous, Line) and previous.size > 0:
                if abs(item.size - previous.size) <= SAME_SIZE * previous.size:
                    ratio = (previous.bottom - item.bottom) / previous.size
                    if 0.6 < ratio < 3.0:
                        ratios.append(ratio)
            previous = item
    if len(ratios) < 4:
        return 1.3
    # the most common spacing (to 5%): line spacing in a paragraph, single or double
    counts = Counter(round(ratio * 20) for ratio in ratios)
    return max(counts, key=lambda bin_: (counts[bin_], -bin_)) / 20


@dataclass(slots=True)
class _Paragraph:
    text: str
    page: int
    last: Line
    lines: int = 1
    cont_x0: float = 0.0
    spacing: float = 0.0  # baseline to baseline between its last two lines, once known
    breaks: list[tuple[int, int]] = field(default_factory=list)


def _would_fit(previous: Line, following: Line) -> bool:
    """Whether the next line's first word had room at the end of `previous`: a chosen break."""
    first = following.words[0]
    room = 0.3 * following.size + (first.x1 - first.x0)
    if _centred(previous) and _centred(following):
        return previous.x1 - previous.x0 + room <= previous.right - previous.left - 0.5
    return previous.x1 + room <= previous.right - 0.5


def _centred(line: Line) -> bool:
    """Whether the line is set centred in its column (a title), not from its left edge."""
    tolerance = max(2.0, 0.25 * line.size)
    middle = (line.left + line.right) / 2
    return line.x0 > line.left + 1 and abs((line.x0 + line.x1) / 2 - middle) <= tolerance


class ParagraphBuilder:
    """Joins lines, given in reading order, into paragraph blocks of one part."""

    def __init__(self, leading: float, part: Part = Part.BODY, footnotes: bool = False) -> None:
        self.leading = leading
        self.part = part
        self.footnotes = footnotes
        self.blocks: list[RawBlock] = []
        self._current: _Paragraph | None = None
        self._jump = False

    def jump(self) -> None:
        """The next line follows on from another column or page."""
        self._jump = True

    def add(self, line: Line) -> None:
        current = self._current
        if current is not None and self._continues(current, line):
            text, at = pt.join_lines(current.text, line.text)
            if line.page != current.last.page:
                current.breaks.append((at, line.page))
            current.text = text
            same_flow = not self._jump and line.page == current.last.page
            current.spacing = current.last.bottom - line.bottom if same_flow else 0.0
            if current.lines == 1 or not same_flow:
                current.cont_x0 = line.x0  # where continuation lines start in this column
            current.lines += 1
            current.last = line
        else:
            self.flush()
            self._current = _Paragraph(line.text, line.page, line)
        self._jump = False

    def add_blocks(self, blocks: list[RawBlock]) -> None:
        self.flush()
        self.blocks.extend(blocks)

    def flush(self) -> None:
        paragraph, self._current = self._current, None
        if paragraph is None:
            return
        text, breaks = paragraph.text, paragraph.breaks
        label, bullet = None, False
        if self.footnotes:
            mark = pt.footnote_mark(text)
            if mark and mark.end() < len(text):
                label, cut = mark.group(1), mark.end()
                text, breaks = text[cut:], [(at - cut, p) for at, p in breaks]
        elif text[:1] in pt.BULLETS and text[1:2] == " ":
            bullet = True
            text, breaks = text[2:], [(at - 2, p) for at, p in breaks]
        final = pt.finish(text)
        if final != text.strip():  # whitespace collapsed or hyphens printed: offsets move
            breaks = _remap(text, final, breaks)
        if final:
            self.blocks.append(
                RawBlock(
                    text=final,
                    part=self.part,
                    page=paragraph.page,
                    page_breaks=tuple(breaks),
                    label=label,
                    bullet=bullet,
                )
            )

    def _opens(self, before: str, line: str) -> bool:
        """Whether `line` starts a new paragraph (a numbered one, a note, the text under a
        heading) after the text `before`."""
        if self.footnotes:
            return pt.footnote_mark(line) is not None and pt.ends_list_item(before)
        return pt.opens_paragraph(before, line) or pt.heading_then_text(before, line)

    def _starts_new(self, text: str) -> bool:
        if self.footnotes:
            return pt.footnote_mark(text) is not None
        return pt.starts_with_label(text)

    def _continues(self, current: _Paragraph, line: Line) -> bool:
        last = current.last
        if abs(line.size - last.size) > SAME_SIZE * max(line.size, last.size):
            return False
        broken_word = pt.ends_with_broken_word(current.text) and line.text[:1].isalnum()
        if self._jump or line.page != last.page:
            if broken_word:
                return True
            return not (pt.ends_sentence(current.text) or self._opens(current.text, line.text) or _would_fit(last, line))
        gap = last.bottom - line.bottom
        expected = current.spacing or self.leading * last.size
        if gap <= 0 or gap > expected * 1.2 + 0.5:
            return False
        if broken_word:
            return True
        if self._opens(current.text, line.text):
            return False
        if _would_fit(last, line):
            return False
        tolerance = max(2.0, 0.25 * last.size)
        if _centred(last) and _centred(line):
            return True  # a title set over several centred lines
        if current.lines >= 2:
            return abs(line.x0 - current.cont_x0) <= tolerance
        if (
            last.x0 - last.left > tolerance
            and abs(line.x0 - last.x0) <= tolerance
            and line.next_x0 is not None
            and abs(line.next_x0 - line.left) <= tolerance
            and pt.ends_sentence(current.text)
            and line.text[:1].isupper()
        ):
            return False  # a one-line paragraph, then the next one's indented first line
        return line.x0 <= last.x0 + tolerance or self._starts_new(last.text)


def _remap(raw: str, final: str, breaks: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Offsets in `raw` moved to the same characters in `final` (spaces collapsed, markers printed)."""
    if not breaks:
        return breaks
    mapping = []
    j = 0
    raw_stripped_start = len(raw) - len(raw.lstrip())
    for i, ch in enumerate(raw):
        if i < raw_stripped_start:
            mapping.append(0)
            continue
        mapping.append(j)
        if j < len(final) and (final[j] == ch or (ch == pt.LINE_END_HYPHEN and final[j] == "-")):
            j += 1
    mapping.append(len(final))
    return [(min(mapping[at], len(final)), p) for at, p in breaks]


# --------------------------------------------------------------------------- the whole document


def build_blocks(pages: list[PageData]) -> list[RawBlock]:
    """The document's blocks: body (tables and text boxes in place), footnotes, headers, footers."""
    lines_by_page: dict[int, list[Line]] = {}
    regions_by_page: dict[int, list[Region]] = {}
    for page in pages:
        regions, free = _place_in_regions(page)
        regions_by_page[page.number] = regions
        lines_by_page[page.number] = group_lines(free, page.number) if free else []

    running = strip_running(pages, lines_by_page)
    size = body_size(lines_by_page)

    bodies, notes_by_page = [], []
    for page in pages:
        body, notes = split_footnotes(lines_by_page[page.number], page, size)
        bodies.append(body)
        notes_by_page.append(notes)
    gutters = [find_gutter(body) for body in bodies]
    found = Counter((round(g[0]), round(g[1])) for g in gutters if g)
    if found:  # a page with little text in a two-column document keeps the document's gutter
        common = found.most_common(1)[0][0]
        gutters = [g or (common if fits_gutter(body, common) else None) for g, body in zip(gutters, bodies)]
    flows = [order_page(body, regions_by_page[page.number], gutter) for page, body, gutter in zip(pages, bodies, gutters)]

    for flow in flows:
        for item, following in zip(flow, flow[1:]):
            if isinstance(item, Line) and isinstance(following, Line):
                item.next_x0 = following.x0
    leading = leading_ratio(flows)
    builder = ParagraphBuilder(leading)
    for flow in flows:
        builder.jump()
        for item in flow:
            if item is BREAK:
                builder.jump()
            elif isinstance(item, Region):
                builder.add_blocks(_region_blocks(item, leading))
                builder.jump()
            else:
                builder.add(item)
    builder.flush()

    notes = ParagraphBuilder(leading, Part.FOOTNOTE, footnotes=True)
    for page_notes in notes_by_page:
        if page_notes:
            for line in order_page(page_notes, [], find_gutter(page_notes)):
                if line is BREAK:
                    notes.jump()
                else:
                    notes.add(line)
            notes.flush()
    return builder.blocks + notes.blocks + running


def _region_blocks(region: Region, leading: float) -> list[RawBlock]:
    """A text box's paragraphs; a table's rows, each one block with its cells joined by ' | ' so
    a rule reads 'Targeting in armed conflict | Prohibited' as one line, as a reader does."""
    if region.part is not Part.TABLE:
        builder = ParagraphBuilder(leading, region.part)
        for lines in region_cells(region):
            for line in lines:
                builder.add(line)
            builder.flush()
        return builder.blocks
    blocks: list[RawBlock] = []
    for row in region_rows(region):
        builder = ParagraphBuilder(leading, region.part)
        for lines in row:
            for line in lines:
                builder.add(line)
            builder.flush()
        if builder.blocks:
            first = builder.blocks[0]
            blocks.append(replace(first, text=TABLE_CELL_SEPARATOR.join(b.text for b in builder.blocks), page_breaks=()))
    return blocks
