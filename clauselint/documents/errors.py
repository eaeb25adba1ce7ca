"""Errors a reader raises for a file it cannot read, each with a stable code from the README."""

from __future__ import annotations

ERROR_CODES: dict[str, str] = {
    "not-found": "the file does not exist",
    "permission-denied": "the file cannot be opened for reading",
    "is-a-directory": "a directory was given where a file was expected",
    "not-a-contract-format": "the file is not DOCX, PDF, HTML, Markdown or plain text",
    "unsupported-legacy-doc": "a legacy format (.doc, .rtf, .odt) that must be saved as DOCX or PDF first",
    "corrupt-docx": "the DOCX package is damaged",
    "corrupt-pdf": "the PDF is damaged",
    "encrypted": "the file is password-protected",
    "no-text-layer": "the PDF has no text layer (a scanned image?)",
    "empty-document": "the file contains no text",
    "too-large": "the file exceeds a size limit",
    "timeout": "reading the file took longer than the time limit",
}


class ReadError(Exception):
    """A file could not be read; `code` is one of ERROR_CODES, `message` says what to do."""

    def __init__(self, code: str, message: str) -> None:
        if code not in ERROR_CODES:
            raise ValueError(f"unknown error code {code!r}")
        super().__init__(message)
        self.code = code
        self.message = message
