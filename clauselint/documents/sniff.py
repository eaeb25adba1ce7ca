"""Tell a file's format from its bytes, never from its name: a '.pdf' that is a DOCX is a DOCX."""

from __future__ import annotations

import io
import zipfile

from clauselint.documents.errors import ReadError

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
HTML_MARKERS = (b"<!doctype html", b"<html", b"<head", b"<body", b"<meta", b"<title", b"<p>", b"<div")


def sniff_format(data: bytes, name: str) -> str:
    """Return 'docx', 'pdf', 'html', 'markdown' or 'text', or raise ReadError saying what it is."""
    if not data.strip():
        raise ReadError("empty-document", f"{name}: the file is empty")
    head = data[:1024]
    if b"%PDF-" in head:
        return "pdf"
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        return _sniff_zip(data, name)
    if data.startswith(OLE_MAGIC):
        if b"E\x00n\x00c\x00r\x00y\x00p\x00t\x00e\x00d\x00P\x00a\x00c\x00k\x00a\x00g\x00e" in data:
            raise ReadError("encrypted", f"{name}: the document is password-protected; save an unprotected copy and lint that")
        raise ReadError("unsupported-legacy-doc", f"{name}: a legacy Word (.doc) file; save it as .docx or PDF and lint that")
    if head.lstrip().startswith(b"{\\rtf"):
        raise ReadError("unsupported-legacy-doc", f"{name}: an RTF file; save it as .docx or PDF and lint that")
    text_head = _decode_head(head)
    if text_head is None:
        raise ReadError("not-a-contract-format", f"{name}: not a DOCX, PDF, HTML, Markdown or text file")
    lowered = text_head.lstrip().lower().encode("utf-8", "ignore")
    if any(lowered.startswith(marker) for marker in HTML_MARKERS) or b"<html" in lowered[:512]:
        return "html"
    if name.lower().endswith((".md", ".markdown")) or _looks_like_markdown(text_head):
        return "markdown"
    return "text"


def _sniff_zip(data: bytes, name: str) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ReadError("corrupt-docx", f"{name}: the DOCX package is damaged ({exc}); re-save it from Word") from None
    if "word/document.xml" in names:
        return "docx"
    if "content.xml" in names and "mimetype" in names:
        raise ReadError("unsupported-legacy-doc", f"{name}: an OpenDocument (.odt) file; save it as .docx or PDF and lint that")
    if "[Content_Types].xml" in names:
        raise ReadError("corrupt-docx", f"{name}: an Office package without a Word document (a spreadsheet or slides?)")
    raise ReadError("not-a-contract-format", f"{name}: a ZIP archive, not a DOCX; unpack it and lint the contracts inside")


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
