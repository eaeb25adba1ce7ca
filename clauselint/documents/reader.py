"""Open a file safely, pick its reader by content, and assemble the Document.

This is the boundary between files nobody on the reviewing side controls and the rest of
clauselint. Whatever a file holds, `read_document` returns a Document or raises ReadError with
a documented code and a one-line message: an unexpected exception inside a reader (a library's
parser error, a bug, recursion too deep) is turned into the reader's "corrupt" error here, and
every read is bounded by ReadLimits (bytes read, bytes decompressed, pages, text, paragraphs).
Files are only ever opened for reading; nothing is written anywhere.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass

from clauselint.documents.assemble import assemble
from clauselint.documents.errors import ReadError
from clauselint.documents.model import Document, Extraction, RawBlock
from clauselint.documents.sniff import sniff_format

MB = 1024 * 1024
# One paragraph longer than this is a reading accident (a text file without blank lines, a PDF
# whose lines all ran together), not drafting: it is cut into pieces at sentence or word ends.
# Kept well below spaCy's limit (1,000,000) because sentence splitting costs the square of a
# block's length; contract paragraphs rarely pass 5,000 characters.
MAX_BLOCK_CHARS = 10_000
_READ_CHUNK = MB


@dataclass(frozen=True)
class ReadLimits:
    """Bounds on what one file may cost; a counterparty's file is never trusted.

    The defaults let the longest genuine contracts through and keep any one file within about a
    gigabyte of memory and a minute or so of work (measured on the readers and the engine).
    """

    max_bytes: int = 100 * MB  # the file as stored
    max_uncompressed: int = 50 * MB  # DOCX: the XML parts read, decompressed (images are never inflated)
    max_pages: int = 2000  # PDF pages
    max_text_chars: int = 5_000_000  # characters of text read (~2,500 dense pages)
    max_blocks: int = 100_000  # paragraphs, table cells, notes ... read
    ocr: str = "auto"  # PDF pages without a usable text layer: auto (OCR them), always (OCR every page), never
    ocr_jobs: int = 1  # Tesseract processes one file may run at once (the CLI gives a lone file all of --jobs)


def read_document(path: str | os.PathLike[str], limits: ReadLimits = ReadLimits()) -> Document:
    """Read one contract file into a Document, or raise ReadError with a code and a plain message."""
    name = os.fspath(path)
    return document_from_bytes(read_file_bytes(name, limits.max_bytes), name, limits)


def document_from_bytes(data: bytes, name: str, limits: ReadLimits = ReadLimits()) -> Document:
    """A Document from a file's bytes (`name` is for messages); only ReadError ever comes out."""
    fmt: str | None = None
    try:
        fmt = sniff_format(data, name)
        return parse_document(data, name, limits, fmt)
    except ReadError:
        raise
    except RecursionError:
        raise ReadError(_corrupt_code(fmt), f"{name}: the {_kind(fmt)} is nested too deeply to read (tables, lists or objects inside "
                                            f"one another hundreds of times); {_remedy(fmt)}") from None
    except MemoryError:
        raise ReadError("too-large", f"{name}: reading the {_kind(fmt)} needs more memory than is available; "
                                     "split it into smaller files, or lint it on a larger machine") from None
    except Exception as error:  # noqa: BLE001 - the boundary: a hostile file must never surface as a traceback
        detail = f"{type(error).__name__}: {error}"[:160]
        raise ReadError(_corrupt_code(fmt), f"{name}: the {_kind(fmt)} could not be read ({detail}); {_remedy(fmt)}; "
                                            "if that does not help, please report it") from None


def parse_document(data: bytes, name: str, limits: ReadLimits = ReadLimits(), fmt: str | None = None) -> Document:
    """The reading pipeline without the safety net of `document_from_bytes`: for fuzzing and tests.

    Raises ReadError for what the readers recognise as bad input, and lets anything else through
    so that a fuzzer sees the real exception."""
    fmt = fmt or sniff_format(data, name)
    if fmt in ("html", "markdown", "text") and len(data) > 4 * limits.max_text_chars:
        raise _too_much_text(name, f"{len(data) / MB:.0f} MB of {fmt}", limits)
    extraction = _extract(fmt, data, name, limits)
    blocks = tuple(split_long_blocks(extraction.blocks))
    chars = sum(len(block.text) for block in blocks)
    if chars > limits.max_text_chars:
        raise _too_much_text(name, f"{chars:,} characters of text", limits)
    if len(blocks) > limits.max_blocks:
        raise _too_much_text(name, f"{len(blocks):,} paragraphs", limits)
    document = assemble(name, Extraction(extraction.format, blocks, extraction.pages))
    if not document.blocks:
        raise ReadError("empty-document", f"{name}: the file contains no text; check that this is the right file")
    return document


def _extract(fmt: str, data: bytes, name: str, limits: ReadLimits) -> Extraction:
    if fmt == "docx":
        from clauselint.documents.readers.docx_reader import read_docx

        return read_docx(data, name, max_uncompressed=limits.max_uncompressed)
    if fmt == "pdf":
        from clauselint.documents.ocr import OcrOptions
        from clauselint.documents.readers.pdf_reader import read_pdf

        return read_pdf(data, name, max_pages=limits.max_pages, max_chars=limits.max_text_chars,
                        ocr=OcrOptions(limits.ocr, limits.ocr_jobs))
    if fmt == "html":
        from clauselint.documents.readers.html_reader import read_html

        return read_html(data, name)
    from clauselint.documents.readers.text_reader import read_text

    return read_text(data, name, markdown=fmt == "markdown")


def _too_much_text(name: str, what: str, limits: ReadLimits) -> ReadError:
    return ReadError("too-large", f"{name}: {what}, more than the limit of {limits.max_text_chars:,} characters or "
                                  f"{limits.max_blocks:,} paragraphs a contract can have; split it into parts and lint each")


def _corrupt_code(fmt: str | None) -> str:
    return {"docx": "corrupt-docx", "pdf": "corrupt-pdf"}.get(fmt or "", "not-a-contract-format")


def _kind(fmt: str | None) -> str:
    return {"docx": "DOCX", "pdf": "PDF", "html": "HTML page", "markdown": "Markdown file", "text": "text file"}.get(fmt or "", "file")


def _remedy(fmt: str | None) -> str:
    if fmt == "docx":
        return "open it in Word and save it again as .docx"
    if fmt == "pdf":
        return "ask for a fresh copy or export it again from the original document"
    return "export the contract as DOCX or PDF and lint that"


# -- long paragraphs -------------------------------------------------------------------------


def split_long_blocks(blocks: Iterable[RawBlock], limit: int = MAX_BLOCK_CHARS) -> Iterable[RawBlock]:
    """Each block, or for one longer than `limit` characters, pieces of it cut at sentence ends
    (else at spaces, else anywhere), each piece keeping the page where it starts."""
    for block in blocks:
        if len(block.text) <= limit:
            yield block
            continue
        start = 0
        text = block.text
        while start < len(text):
            end = _cut(text, start, limit)
            piece = text[start:end]
            page = block.page
            for offset, later in block.page_breaks:
                if offset <= start:
                    page = later
            breaks = tuple((offset - start, later) for offset, later in block.page_breaks if start < offset < end)
            first = start == 0
            yield RawBlock(text=piece, part=block.part, page=page, page_breaks=breaks, label=block.label if first else None,
                           list_level=block.list_level, heading_level=block.heading_level if first else None,
                           bullet=block.bullet and first, file=block.file, continues=not first, ocr=block.ocr)
            start = end


def _cut(text: str, start: int, limit: int) -> int:
    end = start + limit
    if end >= len(text):
        return len(text)
    window = text[start + limit // 2: end]
    for marker in (". ", "; ", " "):
        at = window.rfind(marker)
        if at >= 0:
            return start + limit // 2 + at + len(marker)
    return end


# -- opening the file ------------------------------------------------------------------------

_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)


def read_file_bytes(name: str, max_bytes: int) -> bytes:
    """The bytes of a regular file, at most `max_bytes` of them, opened read-only.

    Never blocks on a pipe or a device (they are refused, not read), never follows a symbolic
    link loop, and reads no more than the limit whatever size the file claims."""
    try:
        if os.path.isdir(name):
            raise ReadError("is-a-directory", f"{name}: a folder with no contract files in it (DOCX, PDF, HTML, Markdown "
                                              "or text); check the path, or name the files")
        descriptor = os.open(name, _OPEN_FLAGS)
    except ReadError:
        raise
    except (OSError, ValueError) as error:
        raise _open_error(name, error) from None
    try:
        info = os.fstat(descriptor)
        if stat.S_ISDIR(info.st_mode):
            raise ReadError("is-a-directory", f"{name}: is a folder, not a file; name the file")
        if not stat.S_ISREG(info.st_mode):
            raise ReadError("not-a-contract-format", f"{name}: not a regular file (a device, pipe or socket); "
                                                     "save the contract to a file and lint that")
        if info.st_size > max_bytes:
            raise _file_too_large(name, info.st_size, max_bytes)
        chunks: list[bytes] = []
        total = 0
        while True:
            chunk = os.read(descriptor, _READ_CHUNK)
            if not chunk:
                break
            total += len(chunk)
            if total > max_bytes:  # the file grew while it was read, or its size was not told
                raise _file_too_large(name, total, max_bytes)
            chunks.append(chunk)
        return b"".join(chunks)
    except OSError as error:
        raise _open_error(name, error) from None
    finally:
        os.close(descriptor)


def _file_too_large(name: str, size: int, max_bytes: int) -> ReadError:
    return ReadError("too-large", f"{name}: the file is over {size / MB:.0f} MB, more than the {max_bytes / MB:.0f} MB limit; "
                                  "split it, or raise the limit (--max-file-size) if it is genuine")


def _open_error(name: str, error: OSError | ValueError) -> ReadError:
    if isinstance(error, ValueError):
        return ReadError("not-found", f"{name}: not a valid file name ({error})")
    number = error.errno
    if isinstance(error, FileNotFoundError):
        return ReadError("not-found", f"{name}: no such file; check the path")
    if isinstance(error, PermissionError) or number in (errno.EACCES, errno.EPERM):
        return ReadError("permission-denied", f"{name}: permission denied; check the file's access rights, or copy it "
                                              "somewhere you can read it")
    if isinstance(error, IsADirectoryError):
        return ReadError("is-a-directory", f"{name}: is a folder, not a file; name the file")
    if number == errno.ELOOP:
        return ReadError("not-found", f"{name}: a symbolic link that loops (points back to itself), not a file")
    if number == errno.ENOTDIR:
        return ReadError("not-found", f"{name}: no such file (a part of the path is not a folder); check the path")
    if number == errno.ENAMETOOLONG:
        return ReadError("not-found", f"{name}: the path is too long for the system; move the file and try again")
    return ReadError("not-found", f"{name}: cannot be read ({error.strerror or type(error).__name__}); check the file and the disk")
