"""What OCR read on each page of a scan, kept in the user's cache folder so a re-run is instant.

OCR costs seconds a page; an audit of a folder of signed scans is run again and again. Entries are
keyed by the file's content hash (SHA-256 of its bytes, so a renamed or copied scan is found
again and an edited one is not), the page, and the OCR settings. They live in
`$XDG_CACHE_HOME/clauselint/ocr` (else `~/.cache/clauselint/ocr`), never next to the contract,
in folders only the user can read (the text of a contract is confidential), written atomically;
`clauselint cache clear` removes them. A cache that cannot be read or written is simply not
used: it never stops a lint.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from clauselint.documents.ocr_words import OcrLine, OcrPage

# Bump when what is stored changes meaning (the geometry in ocr_words, the hOCR reading).
ENTRY_FORMAT = 2


def cache_root() -> Path:
    """The clauselint OCR cache folder (it may not exist yet)."""
    base = os.environ.get("XDG_CACHE_HOME", "").strip()
    root = Path(base) if base and os.path.isabs(base) else Path.home() / ".cache"
    return root / "clauselint" / "ocr"


def cache_size(root: Path | None = None) -> tuple[int, int]:
    """(pages cached, bytes they take)."""
    root = root or cache_root()
    files = size = 0
    if not root.is_dir() or root.is_symlink():
        return 0, 0
    for folder, _, names in os.walk(root):
        for name in names:
            try:
                size += os.lstat(os.path.join(folder, name)).st_size
                files += name.endswith(".json")
            except OSError:
                pass
    return files, size


def clear_cache(root: Path | None = None) -> tuple[int, int]:
    """Remove every cached OCR result; (pages removed, bytes freed)."""
    root = root or cache_root()
    files, size = cache_size(root)
    if root.is_symlink():
        root.unlink()  # a link someone put there: remove it, never what it points at
    elif root.is_dir():
        shutil.rmtree(root, ignore_errors=True)
    return files, size


@dataclass(frozen=True)
class PageCache:
    """The cache entries of one file under one set of OCR settings."""

    folder: Path

    @classmethod
    def for_file(cls, sha256: str, settings: str, root: Path | None = None) -> PageCache:
        return cls((root or cache_root()) / f"{sha256}-{settings}")

    def get(self, number: int) -> OcrPage | None:
        """The page read before, or None (never cached, or an entry that is damaged)."""
        try:
            with open(self.folder / f"page-{number}.json", encoding="utf-8") as stream:
                return _page_from(json.load(stream), number)
        except (OSError, ValueError, TypeError, KeyError, IndexError):
            return None

    def put(self, page: OcrPage) -> None:
        """Store a page atomically, readable by the user only; any failure is ignored."""
        target = self.folder / f"page-{page.number}.json"
        temporary = None
        try:
            os.makedirs(self.folder, mode=0o700, exist_ok=True)
            handle, temporary = tempfile.mkstemp(prefix=".page-", suffix=".tmp", dir=self.folder)
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                json.dump(_page_to(page), stream, ensure_ascii=False, separators=(",", ":"))
            os.replace(temporary, target)
            temporary = None
        except OSError:
            pass
        finally:
            if temporary is not None:
                try:
                    os.unlink(temporary)
                except OSError:
                    pass


def _page_to(page: OcrPage) -> dict:
    return {"format": ENTRY_FORMAT, "frame": list(page.frame), "confidence": page.confidence, "skew": page.skew,
            "rules": [list(rule) for rule in page.rules],
            "lines": [{"paragraph": line.paragraph, "size": line.size, "words": [list(word) for word in line.words]}
                      for line in page.lines]}


def _page_from(data: dict, number: int) -> OcrPage | None:
    """An entry read back, checked: a damaged or foreign file is a miss, not an error."""
    if not isinstance(data, dict) or data.get("format") != ENTRY_FORMAT:
        return None
    frame = tuple(_number(value) for value in data["frame"])
    if len(frame) != 4:
        return None
    lines = []
    for line in data["lines"]:
        size = line["size"]
        words = tuple((str(text), _number(x0), _number(x1), _number(baseline)) for text, x0, x1, baseline in line["words"])
        lines.append(OcrLine(int(line["paragraph"]), None if size is None else _number(size), words))
    rules = tuple(tuple(_number(value) for value in rule) for rule in data["rules"])
    if any(len(rule) != 4 for rule in rules):
        return None
    return OcrPage(number, frame, tuple(lines), _number(data["confidence"]), _number(data["skew"]), rules)  # type: ignore[arg-type]


def _number(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ValueError("not a number")
    return float(value)
