"""The ruled lines of a scanned page (table grids, framed boxes), found in its pixels.

A text layer's table comes with the lines drawn around its cells, and `pdf_layout` uses them to
read a row as one block ("Weapons and armed conflict | Prohibited"). A scan has the same lines as
pixels only. Here they are found as long straight runs of dark pixels, after the page is turned
back by its skew (the same turn its OCR words get), so that the layout code sees them exactly as
it sees the lines of a text PDF. Runs that are too short or too thick are print, not rules.
"""

from __future__ import annotations

import math

# A rule is at least this long and at most this thick (points); a PDF's own rules pass from 8 pt,
# but on a scan a bold dash or a run of underscores must not count.
MIN_LENGTH = 20.0
MAX_THICKNESS = 4.0
DARK = 128  # grey level below which a pixel is ink
MAX_RULES = 2000


def find_rules(pixels: bytes, width: int, height: int, angle: float, scale: float,
               frame: tuple[float, float, float, float]) -> list[tuple[float, float, float, float]]:
    """Horizontal (x0, y, x1, y) and vertical (x, y0, x, y1) rules in the page's frame (points).

    `pixels` is the grey page, one byte a pixel, rows top first; `angle` the skew (radians) the
    words were turned back by; `scale` pixels per point."""
    import numpy as np

    image = np.frombuffer(pixels, dtype=np.uint8, count=width * height).reshape(height, width)
    if abs(angle) > 1e-4:
        from PIL import Image

        turned = Image.fromarray(image).rotate(math.degrees(angle), resample=Image.BILINEAR, fillcolor=255)
        image = np.asarray(turned)
    dark = image < DARK
    length = max(2, int(MIN_LENGTH * scale))
    thickness = max(1, math.ceil(MAX_THICKNESS * scale))
    left, _, _, top = frame
    rules: list[tuple[float, float, float, float]] = []
    for row, x0, x1 in _strokes(_runs(dark, length), thickness):
        y = top - row / scale
        rules.append((left + x0 / scale, y, left + x1 / scale, y))
    for column, y0, y1 in _strokes(_runs(dark.T, length), thickness):
        x = left + column / scale
        rules.append((x, top - y1 / scale, x, top - y0 / scale))
    return rules if len(rules) <= MAX_RULES else []


def _runs(dark, length: int) -> list[tuple[int, int, int]]:
    """(row, start, end) of every run of at least `length` dark pixels along the rows."""
    import numpy as np

    padded = np.zeros((dark.shape[0], dark.shape[1] + 2), dtype=np.int8)
    padded[:, 1:-1] = dark
    change = np.diff(padded, axis=1)
    start_rows, starts = np.nonzero(change == 1)
    _, ends = np.nonzero(change == -1)  # row by row, in order: the n-th end closes the n-th start
    keep = ends - starts >= length
    return list(zip(start_rows[keep].tolist(), starts[keep].tolist(), ends[keep].tolist()))


def _strokes(runs: list[tuple[int, int, int]], thickness: int) -> list[tuple[float, int, int]]:
    """Runs on adjacent rows that start and end together, merged into one stroke each:
    (middle row, start, end); strokes thicker than `thickness` rows (a filled box) are dropped."""
    open_: list[list[int]] = []  # [first row, last row, start, end]
    done: list[list[int]] = []
    for row, start, end in sorted(runs):
        slack = 3
        match = next((s for s in open_ if s[1] >= row - 1 and abs(s[2] - start) <= slack and abs(s[3] - end) <= slack), None)
        if match is None:
            open_.append([row, row, start, end])
        else:
            match[1], match[2], match[3] = row, min(match[2], start), max(match[3], end)
        finished = [s for s in open_ if s[1] < row - 1]
        done.extend(finished)
        open_ = [s for s in open_ if s[1] >= row - 1]
    done.extend(open_)
    return [((first + last) / 2, start, end) for first, last, start, end in done if last - first + 1 <= thickness]
