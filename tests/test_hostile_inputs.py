"""Hostile and broken files through the real CLI: each gets one clear line, nothing hangs or leaks.

The corpus is generated here, in a temporary folder, by the test itself: empty and random files,
truncated packages, ZIP and XML bombs, external entities, deep nesting, cyclic PDFs, encrypted
files, legacy formats, lying extensions, links that loop, unreadable files, odd encodings. One
`clauselint ... --format json` run takes all of them between two good contracts, under a memory
limit (RLIMIT_AS) and a time limit, and every case is then checked against that run: its result
and error code, exactly one `clauselint:` line on standard error naming it, no traceback, exit
status 2, and the good contracts still reported in full.
"""

from __future__ import annotations

import ctypes
import io
import json
import os
import random
import re
import resource
import stat
import struct
import subprocess
import sys
import time
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

import pytest

from clauselint.documents.errors import ERROR_CODES, ReadError
from clauselint.documents.reader import ReadLimits, document_from_bytes, read_document

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "sample_contracts"
GOOD_DOCX = SAMPLES / "docx" / "uk-stavelake-msa.docx"
GOOD_PDF = SAMPLES / "pdf" / "uk-stavelake-msa.pdf"
MEMORY_LIMIT = 2 << 30  # address space of the CLI and of each worker it starts
TIME_LIMIT = 150  # seconds for the whole batch (it takes ~15 s on 2 shared cores)
CANARY = "CANARY-7f3c9e1ab2"  # the content of a local secret no output may ever show
CLAUSE = "Customer shall not use the Services to identify or track individuals for mass surveillance."
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
HEBREW = "הלקוח לא ישתמש בשירותים למעקב המוני אחר אנשים."
ARABIC = "يجب على العميل عدم استخدام الخدمات للمراقبة الجماعية."


# --------------------------------------------------------------------------- DOCX generators

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)
_PACKAGE_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="word/document.xml"/></Relationships>'
)


def p(text: str, rtl: bool = False) -> str:
    props = ("<w:pPr><w:bidi/></w:pPr>", "<w:rPr><w:rtl/></w:rPr>") if rtl else ("", "")
    return f'<w:p>{props[0]}<w:r>{props[1]}<w:t xml:space="preserve">{escape(text)}</w:t></w:r></w:p>'


def document_xml(body: str, prolog: str = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>') -> bytes:
    return f'{prolog}<w:document xmlns:w="{W_NS}"><w:body>{body}</w:body></w:document>'.encode()


def docx_package(document: bytes, extra: dict[str, bytes] | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _PACKAGE_RELS)
        archive.writestr("word/document.xml", document)
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


def docx(body: str, prolog: str | None = None) -> bytes:
    return docx_package(document_xml(body) if prolog is None else document_xml(body, prolog))


def nested_tables(depth: int) -> str:
    inner = p(f"Innermost cell at depth {depth}: {CLAUSE}")
    for level in range(depth, 0, -1):
        inner = f"<w:tbl><w:tr><w:tc>{p(f'level {level}')}{inner}{p('')}</w:tc></w:tr></w:tbl>"
    return p(CLAUSE) + inner + p("After the tables.")


def zip_bomb(megabytes: int, declared: int | None) -> bytes:
    """A DOCX whose document part inflates to `megabytes` MB; its headers claim `declared` bytes
    (None: the truth). The part is a valid XML start followed by blanks, so only size stops it."""
    head = f'<?xml version="1.0"?><w:document xmlns:w="{W_NS}"><w:body>'.encode()
    compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
    block = compressor.compress(b" " * (1 << 20)) + compressor.flush(zlib.Z_FULL_FLUSH)
    body = compressor.compress(head) + compressor.flush(zlib.Z_FULL_FLUSH) + block * megabytes + compressor.flush()
    size = len(head) + megabytes * (1 << 20)
    members = [("[Content_Types].xml", _CONTENT_TYPES.encode()), ("_rels/.rels", _PACKAGE_RELS.encode())]
    local, directory = io.BytesIO(), io.BytesIO()
    entries = [(name, _raw_deflate(data), zlib.crc32(data), len(data)) for name, data in members]
    entries.append(("word/document.xml", body, 0, size if declared is None else declared))
    for name, compressed, crc, length in entries:
        offset = local.tell()
        encoded = name.encode()
        header = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0, crc, len(compressed), length, len(encoded), 0)
        local.write(header + encoded + compressed)
        directory.write(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0, crc, len(compressed), length,
                                    len(encoded), 0, 0, 0, 0, 0, offset) + encoded)
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), directory.tell(), local.tell(), 0)
    return local.getvalue() + directory.getvalue() + end


def _raw_deflate(data: bytes) -> bytes:
    compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush()


def billion_laughs() -> bytes:
    entities = "".join(f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10}">' for i in range(1, 10))
    prolog = f'<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY lol0 "lol">{entities}]>'
    return docx(p(CLAUSE) + p("Laugh: &lol9; end.").replace("&amp;lol9;", "&lol9;"), prolog)


def external_entities(secret: Path) -> bytes:
    prolog = (f'<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY passwd SYSTEM "file:///etc/passwd">'
              f'<!ENTITY secret SYSTEM "{secret.as_uri()}"><!ENTITY % remote SYSTEM "{secret.as_uri()}"> %remote;]>')
    body = p(CLAUSE) + p("Passwd: &passwd; secret: &secret; end.").replace("&amp;passwd;", "&passwd;").replace("&amp;secret;", "&secret;")
    rels = ('<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/header" '
            'Target="../../../../../../etc/passwd"/><Relationship Id="rId8" '
            'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" '
            f'Target="{secret.as_uri()}" TargetMode="External"/></Relationships>')
    return docx_package(document_xml(body, prolog), {"word/_rels/document.xml.rels": rels.encode()})


def xinclude(secret: Path) -> bytes:
    include = f'<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="{secret.as_uri()}" parse="text"/>'
    return docx(p(CLAUSE) + f"<w:p><w:r><w:t>Included: </w:t></w:r>{include}</w:p>")


def many_parts(count: int) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _PACKAGE_RELS)
        archive.writestr("word/document.xml", document_xml(p(CLAUSE)))
        for index in range(count):
            archive.writestr(f"word/media/i{index}.bin", b"")
    return buffer.getvalue()


def odt() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<office:document-content/>")
    return buffer.getvalue()


def xlsx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("xl/workbook.xml", "<workbook/>")
    return buffer.getvalue()


# --------------------------------------------------------------------------- OLE (CFB) generator

def compound_file(streams: dict[str, bytes]) -> bytes:
    """A minimal but valid OLE compound file (MS-CFB version 3) holding `streams` at its root.

    Each stream is padded to at least 4,096 bytes so that it lives in ordinary sectors (no mini
    stream); olefile reads the result as Word's own files."""
    assert len(streams) <= 3, "one directory sector holds the root and three streams"
    sector = 512
    free, end, fat_marker = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
    data_sectors, chains, next_sector = [], [], 2  # sector 0: the FAT, sector 1: the directory
    for content in streams.values():
        padded = content.ljust(max(4096, -(-len(content) // sector) * sector), b"\0")
        count = len(padded) // sector
        chains.append((next_sector, count, len(padded)))  # at least the mini-stream cutoff: an ordinary stream
        data_sectors.append(padded)
        next_sector += count
    fat = [fat_marker, end]
    for start, count, _ in chains:
        fat.extend(list(range(start + 1, start + count)) + [end])
    fat.extend([free] * (sector // 4 - len(fat)))
    assert len(fat) == sector // 4

    def entry(name: str, kind: int, child: int, right: int, start: int, size: int) -> bytes:
        encoded = (name + "\0").encode("utf-16-le")
        return (encoded.ljust(64, b"\0") + struct.pack("<HBB", len(encoded), kind, 1) + struct.pack("<III", free, right, child)
                + bytes(16) + bytes(4) + bytes(16) + struct.pack("<IQ", start, size))

    names = list(streams)
    directory = entry("Root Entry", 5, 1 if names else free, free, end, 0)
    for index, (name, (start, _, size)) in enumerate(zip(names, chains), 1):
        directory += entry(name, 2, free, index + 1 if index < len(names) else free, start, size)
    directory = directory.ljust(sector, b"\0")
    header = (bytes.fromhex("d0cf11e0a1b11ae1") + bytes(16) + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + bytes(6)
              + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, end, 0, end, 0) + struct.pack("<109I", 0, *([free] * 108)))
    assert len(header) == sector
    return header + struct.pack(f"<{sector // 4}I", *fat) + directory + b"".join(data_sectors)


def encrypted_docx() -> bytes:
    """What Word writes for a password-protected .docx: an OLE container, not a ZIP."""
    info = struct.pack("<HHI", 4, 4, 0x40) + b"<?xml version='1.0'?><encryption/>"
    return compound_file({"EncryptionInfo": info, "EncryptedPackage": struct.pack("<Q", 9000) + random.Random(7).randbytes(9000)})


# --------------------------------------------------------------------------- PDF generators

def pdf_objects(*objects: bytes) -> bytes:
    """A PDF of the given objects (object 1 is the catalog) with a correct cross-reference table."""
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def pdf_stream(content: bytes) -> bytes:
    return b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream"


_CATALOG = b"<< /Type /Catalog /Pages 2 0 R >>"
_FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
_PAGE = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>"
_TEXT = b"BT /F1 11 Tf 72 700 Td (" + CLAUSE.encode() + b") Tj ET"


def cyclic_pdf() -> bytes:
    """The page tree lists itself among its kids, and a form draws itself."""
    return pdf_objects(_CATALOG, b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>",
                       _PAGE.replace(b">> >> >>", b">> /XObject << /X1 6 0 R >> >> >>"),
                       pdf_stream(_TEXT + b" /X1 Do"), _FONT,
                       b"<< /Type /XObject /Subtype /Form /BBox [0 0 612 792] /Resources << /XObject << /X1 6 0 R >> >> /Length 6 >>"
                       b"\nstream\n/X1 Do\nendstream")


def deep_pdf() -> bytes:
    """An object nested 200,000 arrays deep, and a page tree 5,000 levels deep."""
    deep = b"[" * 200_000 + b"]" * 200_000
    levels = 5000
    objects = [_CATALOG, b"<< /Type /Pages /Kids [6 0 R] /Count 1 /Junk " + deep + b" >>",
               _PAGE.replace(b"/Parent 2 0 R", b"/Parent %d 0 R" % (5 + levels)), pdf_stream(_TEXT), _FONT]
    for level in range(levels):  # object 6 .. 5+levels: each /Pages node has one kid, the next node
        number = 6 + level
        kid = 3 if level == levels - 1 else number + 1
        parent = 2 if level == 0 else number - 1
        objects.append(b"<< /Type /Pages /Parent %d 0 R /Kids [%d 0 R] /Count 1 >>" % (parent, kid))
    return pdf_objects(*objects)


def zero_page_pdf() -> bytes:
    return pdf_objects(_CATALOG, b"<< /Type /Pages /Kids [] /Count 0 >>")


def reportlab_pdf(pages: list[list[str]], **options) -> bytes:
    from reportlab.lib.pagesizes import letter
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    drawing = canvas.Canvas(buffer, pagesize=letter, **options)
    for lines in pages:
        drawing.setFont("Helvetica", 10)
        for row, line in enumerate(lines):
            drawing.drawString(72, 720 - 14 * row, line)
        drawing.showPage()
    drawing.save()
    return buffer.getvalue()


def encrypted_pdf() -> bytes:
    from reportlab.lib import pdfencrypt

    return reportlab_pdf([[CLAUSE]], encrypt=pdfencrypt.StandardEncryption("secret", ownerPassword="owner"))


def image_only_pdf() -> bytes:
    from PIL import Image
    from reportlab.lib.pagesizes import letter
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    drawing = canvas.Canvas(buffer, pagesize=letter)
    drawing.drawImage(ImageReader(Image.new("L", (120, 160), 180)), 72, 200, width=400, height=500)
    drawing.save()
    return buffer.getvalue()


def thousand_pages() -> bytes:
    return reportlab_pdf([[f"{n}. Page {n} of the schedule.", CLAUSE if n == 1 else "Intentionally brief."] for n in range(1, 1001)])


# --------------------------------------------------------------------------- the corpus

@dataclass(frozen=True)
class Case:
    """One generated bad (or merely odd) input: the name it gets and what must come out of it.

    `expect` is the error code, or "ok" when the file must be read and linted; `make` writes the
    file (or folder, link ...) in the given folder and returns the path to give the CLI."""

    name: str
    expect: str
    make: Callable[[Path, Path], Path]  # (folder, secret file) -> path


def write(data: bytes | Callable[[Path], bytes]) -> Callable[[Path, Path], Path]:
    def make(target: Path, secret: Path) -> Path:
        target.write_bytes(data(secret) if callable(data) else data)
        return target
    return make


def _folder_named_like_a_file(target: Path, secret: Path) -> Path:
    target.mkdir()
    (target / "inside.docx").write_bytes(docx(p(CLAUSE)))
    return target


def _symlink_loop(target: Path, secret: Path) -> Path:
    target.symlink_to(target.name)  # a link to itself
    return target


def _unreadable(target: Path, secret: Path) -> Path:
    target.write_bytes(GOOD_DOCX.read_bytes())
    target.chmod(0)
    return target


def _sparse(size: int) -> Callable[[Path, Path], Path]:
    def make(target: Path, secret: Path) -> Path:
        with target.open("wb") as handle:
            handle.truncate(size)  # no disk space used: the size alone must refuse it
        return target
    return make


def _random(size: int, seed: int) -> bytes:
    data = random.Random(seed).randbytes(size)
    assert b"%PDF-" not in data[:1024] and not data.startswith((b"PK", b"\xd0\xcf"))
    return data


CASES = [
    Case("01-empty.docx", "empty-document", write(b"")),
    Case("02-random-bytes.pdf", "not-a-contract-format", write(_random(65536, 2))),
    Case("03-truncated.docx", "corrupt-docx", write(GOOD_DOCX.read_bytes()[: GOOD_DOCX.stat().st_size // 2])),
    Case("04-truncated.pdf", "corrupt-pdf", write(GOOD_PDF.read_bytes()[: GOOD_PDF.stat().st_size // 2])),
    Case("05-zip-bomb.docx", "too-large", write(lambda _: zip_bomb(64, declared=None))),
    Case("06-zip-bomb-lying-header.docx", "corrupt-docx", write(lambda _: zip_bomb(64, declared=49 << 20))),
    Case("07-billion-laughs.docx", "corrupt-docx", write(lambda _: billion_laughs())),
    Case("08-external-entities.docx", "corrupt-docx", write(external_entities)),
    Case("09-xinclude.docx", "ok", write(xinclude)),
    Case("10-nested-tables.docx", "ok", write(lambda _: docx(nested_tables(40)))),
    Case("11-tables-nested-too-deep.docx", "corrupt-docx", write(lambda _: docx(nested_tables(400)))),
    Case("12-cyclic.pdf", "corrupt-pdf", write(lambda _: cyclic_pdf())),
    Case("13-deep-object-tree.pdf", "corrupt-pdf", write(lambda _: deep_pdf())),
    Case("14-encrypted.pdf", "encrypted", write(lambda _: encrypted_pdf())),
    Case("15-password-protected.docx", "encrypted", write(lambda _: encrypted_docx())),
    Case("16-image-only.pdf", "no-text-layer", write(lambda _: image_only_pdf())),
    Case("17-thousand-pages.pdf", "ok", write(lambda _: thousand_pages())),
    Case("18-really-a-docx.pdf", "ok", write(GOOD_DOCX.read_bytes())),
    Case("19-really-a-pdf.docx", "ok", write(GOOD_PDF.read_bytes())),
    Case("20-folder.docx", "ok", _folder_named_like_a_file),
    Case("21-symlink-loop.docx", "not-found", _symlink_loop),
    Case("22-unreadable.docx", "permission-denied", _unreadable),
    Case("23-windows-1252.txt", "ok", write(f"1. “Services” means the café’s platform. {CLAUSE}".encode("cp1252"))),
    Case("24-right-to-left.docx", "ok", write(lambda _: docx(p(HEBREW, rtl=True) + p(ARABIC, rtl=True) + p(CLAUSE)))),
    Case("25-right-to-left.txt", "ok", write(f"{HEBREW}\n\n\u202e{ARABIC}\u202c\n\n{CLAUSE}\n".encode())),
    Case("26-zero-pages.pdf", "empty-document", write(lambda _: zero_page_pdf())),
    Case("27-legacy-word-97.doc", "unsupported-legacy-doc", write(lambda _: compound_file({"WordDocument": b"\xec\xa5" + bytes(600), "1Table": bytes(64)}))),
    Case("28-contract.rtf", "unsupported-legacy-doc", write(b"{\\rtf1\\ansi " + CLAUSE.encode() + b"}")),
    Case("29-contract.odt.docx", "unsupported-legacy-doc", write(lambda _: odt())),
    Case("30-spreadsheet.docx", "not-a-contract-format", write(lambda _: xlsx())),
    Case("31-outlook-message.docx", "not-a-contract-format",
         write(lambda _: compound_file({"__properties_version1.0": bytes(32), "__substg1.0_0037001F": "Contract".encode("utf-16-le")}))),
    Case("32-over-the-size-limit.pdf", "too-large", _sparse(ReadLimits().max_bytes + 1)),
    Case("33-too-much-text.txt", "too-large", write(lambda _: b"Clause. " * (ReadLimits().max_text_chars // 2))),
    Case("34-utf-16.txt", "ok", write(b"\xff\xfe" + f"{CLAUSE}\n\n{HEBREW}\n".encode("utf-16-le"))),
    Case("35-line\nbreak \x1b[2J\u202ename.docx", "not-a-contract-format", write(_random(4096, 35))),
    Case("36-twenty-thousand-parts.docx", "too-large", write(lambda _: many_parts(20_001))),
    Case("37-deeply-nested.html", "ok", write(("<html><body>" + "<div>" * 10_000 + f"<p>{CLAUSE}</p>" + "</div>" * 10_000 + "</body></html>").encode())),
    # found by the fuzzer: Python's html.parser gives up on a marked section that browsers read as a comment
    Case("38-marked-section.html", "ok", write(f"<html><body><![DOCTYPE html]><p>{CLAUSE}</p><![if !IE]><p>More.</p><![endif]></body></html>".encode())),
]
CASE_IDS = [re.sub(r"[^a-z0-9]+", "-", case.name.split(".")[0].lower()) for case in CASES]


def _limits() -> None:
    """In the CLI's process, before it starts: a hard cap on memory and CPU time, and (when the
    tests run as root) no power to read files whatever their permissions."""
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    resource.setrlimit(resource.RLIMIT_CPU, (TIME_LIMIT, TIME_LIMIT))
    _drop_file_read_override()


def _drop_file_read_override() -> None:
    """Drop CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH from the bounding set, so that after exec even
    root obeys file permissions (best effort: without CAP_SETPCAP this does nothing)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        for capability in (1, 2):  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH
            libc.prctl(24, capability, 0, 0, 0)  # PR_CAPBSET_DROP
    except (OSError, AttributeError):
        pass


@pytest.fixture(scope="module")
def cli_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The CLI's environment, with a cache folder of its own: OCR (of the image-only PDF) keeps
    what it read in the cache, and a test must not add to the user's."""
    return {**os.environ, "XDG_CACHE_HOME": str(tmp_path_factory.mktemp("cache"))}


def run_cli(env: dict[str, str], *args: str, timeout: float = TIME_LIMIT, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "clauselint", *args], capture_output=True, text=True, cwd=cwd,
                          timeout=timeout, preexec_fn=_limits, errors="replace", env=env)


# Runs the CLI and writes the peak memory of the CLI and its workers (its waited children) to a file.
_MEASURED = ("import resource, subprocess, sys; done = subprocess.run([sys.executable, '-m', 'clauselint', *sys.argv[2:]]); "
             "open(sys.argv[1], 'w').write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024)); sys.exit(done.returncode)")


def run_cli_measured(env: dict[str, str], peak_file: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", _MEASURED, str(peak_file), *args], capture_output=True, text=True, cwd=ROOT,
                          timeout=TIME_LIMIT, preexec_fn=_limits, errors="replace", env=env)


@dataclass(frozen=True)
class Batch:
    process: subprocess.CompletedProcess[str]
    report: dict
    paths: dict[str, Path]  # case name -> the path given to the CLI
    secret: Path
    seconds: float
    dump: subprocess.CompletedProcess[str]
    unreadable_is_unreadable: bool
    secret_atime_untouched: bool | None  # None: the file system records no access times
    peak_memory: int  # bytes, the largest process of the run


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory, cli_env: dict[str, str]) -> Batch:
    folder = tmp_path_factory.mktemp("hostile")
    secret = tmp_path_factory.mktemp("secret") / "secret.txt"
    secret.write_text(f"{CANARY}\n")
    atime_observable = _age_access_time(secret)
    paths = {case.name: case.make(folder / case.name, secret) for case in CASES}
    args = [str(GOOD_DOCX), *(str(path) for path in paths.values()), str(GOOD_PDF)]
    started = time.perf_counter()
    peak_file = folder.parent / "peak-memory.txt"
    process = run_cli_measured(cli_env, peak_file, *args, "--format", "json")
    seconds = time.perf_counter() - started
    probe = subprocess.run([sys.executable, "-c", f"open({str(paths['22-unreadable.docx'])!r}, 'rb')"], capture_output=True,
                           preexec_fn=_drop_file_read_override)
    readable = [str(paths[name]) for name in ("09-xinclude.docx", "23-windows-1252.txt", "24-right-to-left.docx", "25-right-to-left.txt")]
    dump = run_cli(cli_env, "dump", "--format", "json", *readable, timeout=60)
    report = json.loads(process.stdout)
    untouched = os.stat(secret).st_atime_ns == 0 if atime_observable else None
    return Batch(process, report, paths, secret, seconds, dump, unreadable_is_unreadable=probe.returncode != 0,
                 secret_atime_untouched=untouched, peak_memory=int(peak_file.read_text()))


def _age_access_time(path: Path) -> bool:
    """Set the access time to 1970, so that any read moves it (with relatime, the Linux default,
    a read updates an access time older than the modification time); check that reading does."""
    control = path.with_name("control.txt")
    control.write_text("control")
    os.utime(control, ns=(0, time.time_ns()))
    control.read_bytes()
    os.utime(path, ns=(0, time.time_ns()))
    return os.stat(control).st_atime_ns != 0


def _result(batch: Batch, case: Case) -> dict:
    path = str(batch.paths[case.name])
    found = [r for r in batch.report["results"] if r["path"] == path or r["path"].startswith(path + os.sep)]
    assert len(found) == 1, f"{case.name}: expected one result, got {[r['path'] for r in found]}"
    return found[0]


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_each_hostile_file_gets_its_code_and_one_line(batch: Batch, case: Case) -> None:
    if case.name == "22-unreadable.docx" and not batch.unreadable_is_unreadable:
        pytest.skip("running as root with CAP_DAC_OVERRIDE that could not be dropped, so a chmod 0 file is readable; "
                    "the permission-denied path is covered by test_a_file_without_read_permission_in_process")
    result = _result(batch, case)
    lines = [line for line in batch.process.stderr.splitlines() if Path(case.name).name.split("\n")[0][:12] in line]
    if case.expect == "ok":
        assert result["ok"], result["error"]
        assert result["findings"], "a readable file gets one finding per rule"
        assert not lines, lines
    else:
        assert not result["ok"] and result["error"]["code"] == case.expect, result["error"]
        assert result["error"]["code"] in ERROR_CODES
        message = result["error"]["message"]
        assert "\n" not in message and "\x1b" not in message and "\u202e" not in message
        assert len(lines) == 1, f"one stderr line per bad file, got {lines}"
        assert lines[0] == f"clauselint: {message}"


def test_the_batch_exits_2_without_a_traceback_within_time_and_memory(batch: Batch) -> None:
    process = batch.process
    assert process.returncode == 2, process.stderr[-2000:]
    assert "Traceback" not in process.stderr
    assert all(line.startswith("clauselint: ") for line in process.stderr.splitlines()), process.stderr
    errors = [r for r in batch.report["results"] if not r["ok"]]
    assert len(process.stderr.splitlines()) == len(errors)
    assert batch.report["summary"]["errors"] == len(errors)
    assert batch.seconds < TIME_LIMIT
    assert batch.peak_memory < MEMORY_LIMIT // 2, f"{batch.peak_memory >> 20} MB"  # measured: ~0.3 GB


def test_the_good_files_of_the_batch_are_still_reported_in_full(batch: Batch, cli_env: dict[str, str]) -> None:
    rules = json.loads(run_cli(cli_env, "rules", "--format", "json", timeout=60).stdout)
    expected = [rule["id"] for pack in rules for rule in pack["rules"]]
    for good in (GOOD_DOCX, GOOD_PDF):
        [result] = [r for r in batch.report["results"] if r["path"] == str(good)]
        assert result["ok"] and [f["rule"] for f in result["findings"]] == expected
    # the first and the last: nothing in between stopped the batch or shifted the order
    assert batch.report["results"][0]["path"] == str(GOOD_DOCX) and batch.report["results"][-1]["path"] == str(GOOD_PDF)


def test_no_local_file_leaks_through_entities_links_or_includes(batch: Batch) -> None:
    outputs = batch.process.stdout + batch.process.stderr + batch.dump.stdout + batch.dump.stderr
    passwd = Path("/etc/passwd").read_text(errors="replace").splitlines() if Path("/etc/passwd").exists() else []
    assert CANARY not in outputs
    assert not any(line and line in outputs for line in passwd if ":" in line)
    assert "root:x:0:0" not in outputs and "/bin/bash" not in outputs and "/usr/sbin/nologin" not in outputs


def _dumped(batch: Batch) -> dict[str, dict]:
    """`dump --format json` prints one JSON object per file, one after the other."""
    decoder, text, out, at = json.JSONDecoder(), batch.dump.stdout, {}, 0
    while True:
        while at < len(text) and text[at].isspace():
            at += 1
        if at >= len(text):
            return out
        value, at = decoder.raw_decode(text, at)
        out[Path(value["path"]).name] = value


def test_an_xinclude_is_left_out_and_the_rest_is_read(batch: Batch) -> None:
    assert batch.dump.returncode == 0, batch.dump.stderr
    assert [block["text"] for block in _dumped(batch)["09-xinclude.docx"]["blocks"]] == [CLAUSE, "Included:"]


def test_the_secret_file_named_by_entities_is_never_even_opened(batch: Batch) -> None:
    """External (parameter) entities, an external relationship and an XInclude name the secret
    file; had any reader opened and read it, its access time would have moved."""
    if batch.secret_atime_untouched is None:
        pytest.skip("this file system does not record access times (noatime), so a read of the secret file cannot be seen")
    assert batch.secret_atime_untouched, "the secret file was read"


def test_right_to_left_and_windows_1252_text_is_read_exactly(batch: Batch) -> None:
    dumped = _dumped(batch)
    rtl_docx = [block["text"] for block in dumped["24-right-to-left.docx"]["blocks"]]
    assert rtl_docx == [HEBREW, ARABIC, CLAUSE]
    rtl_text = [block["text"] for block in dumped["25-right-to-left.txt"]["blocks"]]
    assert rtl_text == [HEBREW, f"\u202e{ARABIC}\u202c", CLAUSE]
    legacy = " ".join(block["text"] for block in dumped["23-windows-1252.txt"]["blocks"])
    assert "“Services” means the café’s platform." in legacy


def test_lying_extensions_are_read_by_content_and_the_thousand_page_pdf_is_read_whole(batch: Batch) -> None:
    by_name = {case.name: _result(batch, case) for case in CASES if case.expect == "ok"}
    assert by_name["18-really-a-docx.pdf"]["document"]["format"] == "docx"
    assert by_name["19-really-a-pdf.docx"]["document"]["format"] == "pdf"
    assert by_name["17-thousand-pages.pdf"]["document"]["pages"] == 1000
    assert by_name["20-folder.docx"]["path"].endswith("inside.docx")


# --------------------------------------------------------------------------- single runs

def test_a_single_bad_file_exits_2_with_one_line(tmp_path: Path, cli_env: dict[str, str]) -> None:
    bomb = tmp_path / "bomb.docx"
    bomb.write_bytes(zip_bomb(64, declared=None))
    process = run_cli(cli_env, str(bomb), timeout=60)
    assert process.returncode == 2
    [line] = process.stderr.splitlines()
    assert line.startswith(f"clauselint: {bomb}: ") and "limit" in line


def test_a_folder_given_with_with_is_a_directory_error(tmp_path: Path, cli_env: dict[str, str]) -> None:
    folder = tmp_path / "exhibit.pdf"
    folder.mkdir()
    process = run_cli(cli_env, str(GOOD_DOCX), "--with", str(folder), "--format", "json", timeout=60)
    assert process.returncode == 2 and "Traceback" not in process.stderr
    [result] = json.loads(process.stdout)["results"]
    assert result["error"]["code"] == "is-a-directory"


# --------------------------------------------------------------------------- in process

def test_a_file_without_read_permission_in_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Whoever runs the tests (CI runs as root, which ignores chmod 0), opening the file fails
    here as it would for an ordinary user, and the reader says so."""
    target = tmp_path / "locked.docx"
    target.write_bytes(GOOD_DOCX.read_bytes())
    target.chmod(0)
    real_open = os.open

    def denied(path, flags, *args, **kwargs):  # noqa: ANN001, ANN202
        if os.fspath(path) == str(target):
            raise PermissionError(13, "Permission denied", str(target))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", denied)
    with pytest.raises(ReadError) as caught:
        read_document(target)
    assert caught.value.code == "permission-denied" and "locked.docx" in caught.value.message


def test_pipes_and_devices_are_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "contract.txt"
    os.mkfifo(fifo)
    started = time.perf_counter()
    for path in (fifo, Path("/dev/zero")):
        with pytest.raises(ReadError) as caught:
            read_document(path)
        assert caught.value.code == "not-a-contract-format" and "not a regular file" in caught.value.message
    assert time.perf_counter() - started < 1.0
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)


def test_names_that_are_not_file_names() -> None:
    for name, code in (("contract\x00.docx", "not-found"), ("x" * 5000 + ".docx", "not-found"), ("/etc/passwd/x.docx", "not-found")):
        with pytest.raises(ReadError) as caught:
            read_document(name)
        assert caught.value.code == code
        assert len(caught.value.message) <= 600 and "\x00" not in caught.value.message


def test_unexpected_exceptions_inside_a_reader_become_read_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    """The reader boundary: a library bug or a parser's own exception is a one-line 'corrupt' error."""
    from clauselint.documents import reader

    data = GOOD_DOCX.read_bytes()
    for exception, code in ((KeyError("w:val"), "corrupt-docx"), (RecursionError("maximum recursion depth exceeded"), "corrupt-docx"),
                            (MemoryError(), "too-large"), (ZeroDivisionError("float division by zero"), "corrupt-docx")):
        def explode(*args, exception=exception, **kwargs):  # noqa: ANN002, ANN003, ANN202
            raise exception
        monkeypatch.setattr(reader, "_extract", explode)
        with pytest.raises(ReadError) as caught:
            document_from_bytes(data, "msa.docx")
        assert caught.value.code == code, exception
        assert caught.value.message.startswith("msa.docx: ") and "\n" not in caught.value.message
    monkeypatch.setattr(reader, "_extract", lambda *a, **k: (_ for _ in ()).throw(ValueError("bad\nxref\n")))
    with pytest.raises(ReadError) as caught:
        document_from_bytes(GOOD_PDF.read_bytes(), "msa.pdf")
    assert caught.value.code == "corrupt-pdf" and "bad xref" in caught.value.message


def test_messages_are_one_bounded_printable_line() -> None:
    error = ReadError("corrupt-pdf", "evil\nname\r\x1b[31m\u202eeman.pdf: " + "x" * 5000 + " ask for a fresh copy")
    assert "\n" not in error.message and "\r" not in error.message and "\x1b" not in error.message and "\u202e" not in error.message
    assert "\\x1b" in error.message and "\\u202e" in error.message
    assert len(error.message) <= 600 and error.message.endswith("ask for a fresh copy")
    with pytest.raises(ValueError):
        ReadError("no-such-code", "message")


def test_a_paragraph_longer_than_spacy_accepts_is_cut_at_sentence_ends_and_keeps_its_section() -> None:
    """spaCy refuses a text over 1,000,000 characters (a traceback before this was fixed), and
    its sentence splitting costs the square of a block's length: long blocks are cut."""
    from clauselint.documents.reader import MAX_BLOCK_CHARS
    from clauselint.nlp import get_nlp

    text = "12.3 " + (CLAUSE + " ") * 12_000  # 1.1 million characters without a blank line
    document = document_from_bytes(f"12. Restrictions\n\n{text}\n\n12.4 Next clause.".encode(), "one-paragraph.txt")
    pieces = [block for block in document.blocks if block.section == "12.3"]
    assert len(pieces) > 100 and max(len(block.text) for block in document.blocks) <= MAX_BLOCK_CHARS < get_nlp().max_length
    assert all(block.text.endswith(".") for block in pieces)
    assert " ".join(block.text for block in pieces) == text[5:].strip()
    assert document.blocks[-1].section == "12.4" and document.blocks[-1].text == "Next clause."


def test_text_outside_the_visible_page_or_too_small_to_read_is_not_read() -> None:
    """Hidden text must not satisfy a rule; and a word 90 million points to the right once made
    column detection build a list of 45 million counters, and print 0.2 points high divided by zero."""
    lines = b"".join(b"BT /F1 10 Tf 72 %d Td (Clause %d applies to the Customer.) Tj ET\n" % (700 - 14 * i, i) for i in range(8))
    hidden = b"BT /F1 10 Tf 90000000 500 Td (Customer shall not use the Services for surveillance.) Tj ET\n"
    hidden += b"".join(b"BT /F1 0.2 Tf 72 %d Td (Customer shall not use the Services for surveillance.) Tj ET\n" % (300 - i) for i in range(6))
    data = pdf_objects(_CATALOG, b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>", _PAGE, pdf_stream(lines + hidden), _FONT)
    started = time.perf_counter()
    document = document_from_bytes(data, "offpage.pdf")
    assert time.perf_counter() - started < 2.0
    text = " ".join(block.text for block in document.blocks)
    assert text.count("applies to the Customer.") == 8 and "surveillance" not in text


def test_every_error_code_is_documented_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Errors and limits", 1)[1].split("\n## ", 1)[0]
    for code, meaning in ERROR_CODES.items():
        assert f"| `{code}` | {meaning} |" in section, f"README row for {code} differs from errors.ERROR_CODES"


def test_damaged_ole_containers_are_classified_without_hanging_or_raising() -> None:
    """Sector chains that loop or point past the end, truncations and flipped bytes: the stream
    names are read as far as they can be, and the file still gets an OLE error, never a crash."""
    from clauselint.documents.ole import stream_names

    data = encrypted_docx()
    assert {"EncryptionInfo", "EncryptedPackage"} <= stream_names(data)
    looped = bytearray(data)
    struct.pack_into("<I", looped, 512 + 4, 1)  # the directory's chain points back to itself
    struct.pack_into("<I", looped, 0x44, 0)  # the DIFAT chain starts at the FAT sector, which then loops
    struct.pack_into("<I", looped, 0x48, 5)
    variants = [bytes(looped), data[:600], data[:1100]]
    rng = random.Random(11)
    for _ in range(300):
        flipped = bytearray(data)
        for _ in range(rng.randint(1, 20)):
            flipped[rng.randrange(len(flipped))] = rng.randrange(256)
        variants.append(bytes(flipped))
    variants += [data[:cut] for cut in range(0, len(data), 97)]
    started = time.perf_counter()
    for variant in variants:
        stream_names(variant)
        try:
            document_from_bytes(variant, "protected.docx")
        except ReadError as error:
            assert error.code in ERROR_CODES
    assert time.perf_counter() - started < 5.0
    assert {"EncryptionInfo", "EncryptedPackage"} <= stream_names(bytes(looped))


def test_a_named_pipe_is_refused_without_hanging(tmp_path: Path) -> None:
    """Hashing for waivers must not open a FIFO for reading: that would block forever."""
    import os
    import subprocess
    import sys

    fifo = tmp_path / "contract.txt"
    os.mkfifo(fifo)
    result = subprocess.run([sys.executable, "-m", "clauselint", str(fifo), "--format", "json"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
