"""Errors for a file that cannot be read: a stable code from the README and a one-line message.

The message is what a reviewing lawyer sees, so it says what is wrong and what to do about it.
It is always a single printable line, whatever a hostile file name or a library's error text
holds: line breaks, terminal escape sequences and bidirectional overrides are neutralised, and
it is cut to a bounded length, so one bad file can never forge or hide lines of the report.
"""

from __future__ import annotations

import unicodedata

# code -> what it means and what to do; the README's "Errors and limits" table says the same
ERROR_CODES: dict[str, str] = {
    "not-found": "no such file (or a symbolic-link loop): check the path",
    "permission-denied": "the file cannot be opened: check its access rights, or copy it somewhere you can read it",
    "is-a-directory": "a folder was given where a file was expected (for example with --with), or a folder holds no "
                      "contract files: name the file",
    "not-a-contract-format": "not a DOCX, PDF, HTML, Markdown or text file (an image, spreadsheet, e-mail or archive?): "
                             "export the contract itself as DOCX or PDF",
    "unsupported-legacy-doc": "a Word 97-2003 .doc, RTF, Word XML or OpenDocument (.odt) file: open it in Word or "
                              "LibreOffice, save it as .docx (or PDF) and lint that",
    "corrupt-docx": "the DOCX is damaged or nested too deeply to read: open it in Word (which offers to repair it) and save it again",
    "corrupt-pdf": "the PDF is damaged or incomplete (a cut-off download?): ask for a fresh copy or export it again",
    "encrypted": "password-protected (a PDF or an Office file): ask for an unprotected copy, or remove the password and lint that",
    "no-text-layer": "a scanned PDF without text: run OCR (for example Acrobat's Recognize Text) and lint the result",
    "empty-document": "the file holds no text (0 bytes, blank pages, or only images): check that it is the right file",
    "too-large": "over a limit on file size, pages, decompressed size or amount of text: split the file, or raise "
                 "the limit if the file is genuine",
    "timeout": "reading and checking the file took longer than the per-file time limit: lint it on its own, or raise --timeout",
    "internal-error": "clauselint itself failed on this file (a bug): please report it, with the file if you can share it",
}

MAX_MESSAGE_CHARS = 600
_BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


class ReadError(Exception):
    """A file could not be read; `code` is one of ERROR_CODES, `message` one line saying what to do."""

    def __init__(self, code: str, message: str) -> None:
        if code not in ERROR_CODES:
            raise ValueError(f"unknown error code {code!r}")
        message = one_line(message)
        super().__init__(message)
        self.code = code
        self.message = message

    def __reduce__(self) -> tuple[type[ReadError], tuple[str, str]]:
        return ReadError, (self.code, self.message)  # so that a worker process can send it back


def one_line(text: str, limit: int = MAX_MESSAGE_CHARS) -> str:
    """`text` as one printable line of at most `limit` characters.

    Whitespace runs (line breaks included) become one space; other control characters, unpaired
    surrogates (from undecodable file names) and bidirectional overrides are shown as escapes.
    """
    out = []
    for char in " ".join(text.split()):
        if char in _BIDI_CONTROLS or unicodedata.category(char) in ("Cc", "Cs", "Zl", "Zp"):
            out.append(f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}")
        else:
            out.append(char)
    line = "".join(out)
    if len(line) <= limit:
        return line
    keep = (limit - 1) // 2  # the start names the file, the end says what to do: keep both
    return line[:keep] + "…" + line[len(line) - (limit - 1 - keep):]
