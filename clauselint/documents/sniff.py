"""Tell a file's format from its bytes, never from its name: a '.pdf' that is a DOCX is a DOCX.

Files that are not contracts in a format clauselint reads get a precise error instead of being
read as text: Office files that are not DOCX (by their OLE stream names or package parts),
RTF, Word 2003 XML, OpenDocument, other XML, ZIP archives, images and other binaries.
"""

from __future__ import annotations

import io
import zipfile

from clauselint.documents.errors import ReadError
from clauselint.documents.ole import OLE_MAGIC, stream_names

HTML_MARKERS = (b"<!doctype html", b"<html", b"<head", b"<body", b"<meta", b"<title", b"<p>", b"<div")
MAX_ZIP_ENTRIES = 20_000  # a DOCX has tens of parts, a few thousand with many images
_CENTRAL_DIRECTORY_ENTRY = b"PK\x01\x02"
_SAVE_AS_DOCX = "open it in Word or LibreOffice, save it as a Word Document (.docx) or PDF, and lint that"
_EXPORT = "export the contract as DOCX or PDF and lint that"


def sniff_format(data: bytes, name: str) -> str:
    """Return 'docx', 'pdf', 'html', 'markdown' or 'text', or raise ReadError saying what it is."""
    if not data.strip():
        raise ReadError("empty-document", f"{name}: the file is empty; check that this is the right file")
    head = data[:1024]
    if b"%PDF-" in head:
        return "pdf"
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _sniff_zip(data, name)
    legacy = legacy_format_error(data, name)
    if legacy is not None:
        raise legacy
    text_head = _decode_head(head)
    if text_head is None:
        raise ReadError("not-a-contract-format", f"{name}: not a DOCX, PDF, HTML, Markdown or text file (an image or other binary file?); "
                                                 + _EXPORT)
    lowered = text_head.lstrip().lower().encode("utf-8", "ignore")
    if lowered.startswith(b"<?xml"):
        return _sniff_xml(lowered, name)
    if any(lowered.startswith(marker) for marker in HTML_MARKERS) or b"<html" in lowered[:512]:
        return "html"
    if name.lower().endswith((".md", ".markdown")) or _looks_like_markdown(text_head):
        return "markdown"
    return "text"


def legacy_format_error(data: bytes, name: str) -> ReadError | None:
    """The error for an OLE compound file (.doc, protected DOCX, .xls, .msg ...) or an RTF file."""
    if data.startswith(OLE_MAGIC):
        return _ole_error(data, name)
    if data[:64].lstrip().startswith(b"{\\rtf"):
        return ReadError("unsupported-legacy-doc", f"{name}: an RTF file, which clauselint does not read; {_SAVE_AS_DOCX}")
    return None


def _ole_error(data: bytes, name: str) -> ReadError:
    names = stream_names(data)
    if names is None:  # a damaged directory: fall back on the raw bytes
        names = frozenset(n for n in ("EncryptedPackage", "WordDocument") if n.encode("utf-16-le") in data)
    lowered = {n.lower() for n in names}
    if "__properties_version1.0" in lowered or any(n.startswith("__substg1.0_") for n in lowered):
        return ReadError("not-a-contract-format", f"{name}: an Outlook e-mail (.msg), not a contract; save the attached contract and lint that")
    if "encryptedpackage" in lowered:
        return ReadError("encrypted", f"{name}: the document is password-protected; remove the password "
                                      "(in Word: File > Info > Protect Document > Encrypt with Password) or ask for an unprotected copy, and lint that")
    if "worddocument" in lowered:
        return ReadError("unsupported-legacy-doc", f"{name}: a Word 97-2003 document (.doc), which clauselint does not read; {_SAVE_AS_DOCX}")
    if "workbook" in lowered or "book" in lowered:
        return ReadError("not-a-contract-format", f"{name}: an Excel spreadsheet, not a contract document; " + _EXPORT)
    if "powerpoint document" in lowered:
        return ReadError("not-a-contract-format", f"{name}: a PowerPoint presentation, not a contract document; " + _EXPORT)
    return ReadError("unsupported-legacy-doc", f"{name}: an older Office or other OLE compound file, which clauselint does not read; {_SAVE_AS_DOCX}")


def _sniff_zip(data: bytes, name: str) -> str:
    entries = data.count(_CENTRAL_DIRECTORY_ENTRY)
    if entries > MAX_ZIP_ENTRIES:
        raise ReadError("too-large", f"{name}: the package holds {entries:,} parts, more than the {MAX_ZIP_ENTRIES:,} any Word document "
                                     "needs (a ZIP bomb?); check the file")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = {n.replace("\\", "/").lstrip("/").lower() for n in archive.namelist()}
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, UnicodeDecodeError) as exc:
        raise ReadError("corrupt-docx", f"{name}: the DOCX package is damaged or incomplete ({exc}); open it in Word, "
                                        "which offers to repair it, and save it again") from None
    if "word/document.xml" in names:
        return "docx"
    if "[content_types].xml" in names and any(n.startswith("word/") for n in names):
        return "docx"  # a main document part under another name: the reader follows the relationships
    if "content.xml" in names and "mimetype" in names:
        raise ReadError("unsupported-legacy-doc", f"{name}: an OpenDocument (.odt) file, which clauselint does not read; {_SAVE_AS_DOCX}")
    if "xl/workbook.xml" in names:
        raise ReadError("not-a-contract-format", f"{name}: an Excel workbook, not a contract document; " + _EXPORT)
    if "ppt/presentation.xml" in names:
        raise ReadError("not-a-contract-format", f"{name}: a PowerPoint presentation, not a contract document; " + _EXPORT)
    if "[content_types].xml" in names:
        raise ReadError("corrupt-docx", f"{name}: an Office package without a Word document part; open it in Word and save it again as .docx")
    raise ReadError("not-a-contract-format", f"{name}: a ZIP archive, not a DOCX; unpack it and lint the contracts inside")


def _sniff_xml(lowered: bytes, name: str) -> str:
    if b"<html" in lowered or b"xhtml" in lowered:
        return "html"
    if b"word.document" in lowered or b"<w:worddocument" in lowered or b"<pkg:package" in lowered:
        raise ReadError("unsupported-legacy-doc", f"{name}: a Word XML document (Word 2003 XML or flat OPC), which clauselint does not read; {_SAVE_AS_DOCX}")
    if b"office:document" in lowered or b"opendocument" in lowered:
        raise ReadError("unsupported-legacy-doc", f"{name}: a flat OpenDocument (.fodt) file, which clauselint does not read; {_SAVE_AS_DOCX}")
    raise ReadError("not-a-contract-format", f"{name}: an XML data file, not a contract document; " + _EXPORT)


def _decode_head(head: bytes) -> str | None:
    for bom, encoding in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if head.startswith(bom):
            return head[len(bom):].decode(encoding, "ignore")
    if b"\x00" in head:
        return None
    text = head.decode("utf-8", "ignore") if _is_utf8(head) else head.decode("cp1252", "replace")
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\n\r\f")
    return None if controls > max(2, len(text) // 50) else text


def _is_utf8(head: bytes) -> bool:
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start >= len(head) - 3  # a character cut by the 1 KiB window
    return True


def _looks_like_markdown(text: str) -> bool:
    lines = [line for line in text.splitlines() if line.strip()]
    return any(line.startswith(("# ", "## ", "### ")) for line in lines[:20])
