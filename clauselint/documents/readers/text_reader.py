"""Plain text and Markdown: paragraphs from blank lines, numbered lines, and Markdown structure."""

from __future__ import annotations

import re

from clauselint.documents.errors import ReadError
from clauselint.documents.labels import LABEL_AT_START
from clauselint.documents.model import Extraction, Part, RawBlock

_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*$")
_MD_BULLET = re.compile(r"^\s*[-*+•]\s+")
_MD_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{2,}")
_MD_INLINE = (
    (re.compile(r"!\[([^\]]*)\]\([^)]*\)"), r"\1"),
    (re.compile(r"\[([^\]]+)\]\([^)]*\)"), r"\1"),
    (re.compile(r"(\*\*|__)(.+?)\1"), r"\2"),
    (re.compile(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?!\w)"), r"\1"),
    (re.compile(r"`([^`]+)`"), r"\1"),
    (re.compile(r"<!--.*?-->"), ""),
)


def decode_text(data: bytes) -> str:
    """Decode text whatever its encoding: BOMs, UTF-8, else Windows-1252 (never fails).

    A UTF-8 file with a few broken bytes (a bad copy and paste) stays UTF-8, the broken bytes
    shown as U+FFFD: read as Windows-1252 all its accented and right-to-left text would garble."""
    for bom, encoding in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if data.startswith(bom):
            return data[len(bom):].decode(encoding, "replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("utf-8", "replace")
    broken = text.count("\ufffd")
    non_ascii = len(text) - len(text.encode("ascii", "ignore")) - broken
    return text if non_ascii >= 4 * broken else data.decode("cp1252", "replace")


def read_text(data: bytes, path: str, *, markdown: bool = False) -> Extraction:
    """Paragraphs are separated by blank lines; a line starting with a clause number starts one."""
    text = decode_text(data).replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n\n")
    blocks: list[RawBlock] = []
    pending: list[str] = []

    def flush() -> None:
        if pending:
            joined = " ".join(line.strip() for line in pending)
            if markdown:
                joined = _strip_inline(joined)
            if joined.strip():
                blocks.append(RawBlock(text=joined))
            pending.clear()

    for line in text.split("\n"):
        stripped = line.strip()
        if not stripped:
            flush()
            continue
        if markdown:
            heading = _MD_HEADING.match(stripped)
            if heading:
                flush()
                blocks.append(RawBlock(text=_strip_inline(heading.group(2)), heading_level=len(heading.group(1))))
                continue
            if stripped.startswith("|"):
                flush()
                if not _MD_TABLE_RULE.match(stripped):
                    blocks.extend(RawBlock(text=_strip_inline(cell.strip()), part=Part.TABLE)
                                  for cell in stripped.strip("|").split("|") if cell.strip())
                continue
            if _MD_BULLET.match(line):
                flush()
                pending.append(_MD_BULLET.sub("", line))
                flush()
                last = blocks.pop() if blocks else None
                if last is not None:
                    depth = (len(line) - len(line.lstrip())) // 2
                    blocks.append(RawBlock(text=last.text, bullet=True, list_level=depth))
                continue
        if LABEL_AT_START.match(stripped) and pending:
            flush()
        pending.append(stripped)
    flush()
    if not blocks:
        raise ReadError("empty-document", f"{path}: the file contains no text")
    return Extraction(format="markdown" if markdown else "text", blocks=tuple(blocks), pages=None)


def _strip_inline(text: str) -> str:
    for pattern, replacement in _MD_INLINE:
        text = pattern.sub(replacement, text)
    return text
