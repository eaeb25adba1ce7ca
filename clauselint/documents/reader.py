"""Open a file safely, pick its reader by content, and assemble the Document."""

from __future__ import annotations

import errno
import os
from dataclasses import dataclass
from pathlib import Path

from clauselint.documents.assemble import assemble
from clauselint.documents.errors import ReadError
from clauselint.documents.model import Document, Extraction
from clauselint.documents.sniff import sniff_format


@dataclass(frozen=True)
class ReadLimits:
    """Bounds on what one file may cost; a counterparty's file is never trusted."""

    max_bytes: int = 100 * 1024 * 1024
    max_uncompressed: int = 300 * 1024 * 1024
    max_pages: int = 2000


def read_document(path: str | os.PathLike[str], limits: ReadLimits = ReadLimits()) -> Document:
    """Read one contract file into a Document, or raise ReadError with a code and a plain message."""
    name = str(path)
    data = _read_bytes(Path(path), name, limits)
    fmt = sniff_format(data, name)
    extraction = _extract(fmt, data, name, limits)
    document = assemble(name, extraction)
    if not document.blocks:
        raise ReadError("empty-document", f"{name}: the file contains no text")
    return document


def _extract(fmt: str, data: bytes, name: str, limits: ReadLimits) -> Extraction:
    if fmt == "docx":
        from clauselint.documents.readers.docx_reader import read_docx

        return read_docx(data, name, max_uncompressed=limits.max_uncompressed)
    if fmt == "pdf":
        from clauselint.documents.readers.pdf_reader import read_pdf

        return read_pdf(data, name, max_pages=limits.max_pages)
    if fmt == "html":
        from clauselint.documents.readers.html_reader import read_html

        return read_html(data, name)
    from clauselint.documents.readers.text_reader import read_text

    return read_text(data, name, markdown=fmt == "markdown")


def _read_bytes(path: Path, name: str, limits: ReadLimits) -> bytes:
    try:
        if path.is_dir():
            raise ReadError("is-a-directory", f"{name}: is a directory; pass the files in it, or the directory itself to lint all of it")
        size = path.stat().st_size
        if size > limits.max_bytes:
            raise ReadError("too-large", f"{name}: {size // (1024 * 1024)} MB exceeds the {limits.max_bytes // (1024 * 1024)} MB limit (--max-file-size)")
        with path.open("rb") as handle:
            return handle.read(limits.max_bytes + 1)
    except FileNotFoundError:
        raise ReadError("not-found", f"{name}: no such file") from None
    except PermissionError:
        raise ReadError("permission-denied", f"{name}: permission denied; check the file's access rights") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise ReadError("not-found", f"{name}: a symbolic link loop, not a file") from None
        if exc.errno == errno.EISDIR:
            raise ReadError("is-a-directory", f"{name}: is a directory") from None
        raise ReadError("not-found", f"{name}: cannot be read ({exc.strerror})") from None
