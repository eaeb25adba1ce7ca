"""Fuzz the document readers: mutated real contracts must give a Document or a ReadError, nothing else.

    python tests/fuzz/fuzz_readers.py --minutes 10 --reader docx     # or pdf, html, text, all
    python tests/fuzz/fuzz_readers.py --minutes 1 --reader pdf --engine  # also lint what was read

Inputs are the sample contracts (sample_contracts/docx, sample_contracts/pdf, the Markdown
sources, and HTML made from them) mutated by Hypothesis: byte flips, insertions of interesting
tokens, deletions, duplications, truncations, splices between files, numbers swapped for extreme
ones; for DOCX the package is opened and its XML parts mutated element by element, then zipped
again (a byte flip inside a ZIP only ever tests the ZIP checksum); for PDF the content streams
(uncompressed in the samples) get extreme coordinates, matrices and text operators.

Each input goes through the unguarded reading pipeline (`parse_document`: the reader forced,
limits, long-paragraph cutting, assembly), so that the reader boundary's safety net cannot hide
a bug. Anything but ReadError is a crash; an input that takes more than --slow seconds of CPU
is reported too. Crashing and slow inputs are saved under --out with the traceback, one per
distinct place in the code, and the run goes on. Exit status 1 if any.

`tests/test_fuzz_readers.py` runs the same strategies for a few seconds in the normal suite.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import io
import re
import resource
import sys
import time
import traceback
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from clauselint.documents.errors import ERROR_CODES, ReadError  # noqa: E402
from clauselint.documents.reader import ReadLimits, parse_document  # noqa: E402

READERS = ("docx", "pdf", "html", "text")
SAMPLES = ROOT / "sample_contracts"
# Small enough that a mutation multiplying text cannot make one example take minutes. No OCR by
# default: it costs seconds a page and keeps what it read in the user's cache (--ocr auto fuzzes it).
FUZZ_LIMITS = ReadLimits(max_bytes=8 << 20, max_uncompressed=8 << 20, max_pages=200, max_text_chars=400_000, max_blocks=20_000,
                         ocr="never")

INTERESTING_NUMBERS = (b"0", b"-1", b"1", b"-0", b"2147483647", b"-2147483648", b"4294967296", b"99999999999999999999",
                       b"1e308", b"-1e308", b"1e-308", b"3.4e38", b"nan", b"inf", b"0.0000001", b"65535", b"9" * 400)
INTERESTING_BYTES = (b"\x00", b"\xff", b"\xfe\xff", b"\xef\xbb\xbf", b"\r", b"\n", b"\x0c", b"(", b")", b"<", b">", b"&", b"\\",
                     b"%", b"/", b"[", b"]", b"{", b"}", b"\"", b"'", b"\xe2\x80\xae", b"\xc3", b"\xed\xa0\x80", b"\xf4\x90\x80\x80")
XML_SNIPPETS = (
    "<w:p><w:r><w:t>Customer shall not use the Services for surveillance.</w:t></w:r></w:p>",
    "<w:tbl><w:tr><w:tc><w:p><w:r><w:t>cell</w:t></w:r></w:p></w:tc></w:tr></w:tbl>",
    "<w:tbl><w:tr><w:tc><w:tcPr><w:vMerge/><w:gridSpan w:val=\"99999\"/></w:tcPr></w:tc></w:tr></w:tbl>",
    "<w:sdt><w:sdtContent><w:p><w:r><w:t>control</w:t></w:r></w:p></w:sdtContent></w:sdt>",
    "<w:p><w:pPr><w:numPr><w:ilvl w:val=\"8\"/><w:numId w:val=\"1\"/></w:numPr></w:pPr><w:r><w:t>item</w:t></w:r></w:p>",
    "<w:p><w:pPr><w:numPr><w:ilvl w:val=\"-1\"/><w:numId w:val=\"999999\"/></w:numPr></w:pPr></w:p>",
    "<w:p><w:pPr><w:pStyle w:val=\"Heading1\"/><w:outlineLvl w:val=\"12\"/></w:pPr><w:r><w:t>H</w:t></w:r></w:p>",
    "<w:p><w:r><w:br w:type=\"page\"/><w:lastRenderedPageBreak/><w:t>after break</w:t></w:r></w:p>",
    "<w:p><w:r><w:footnoteReference w:id=\"1\"/><w:endnoteReference w:id=\"-5\"/></w:r></w:p>",
    "<w:p><w:ins><w:r><w:t>inserted</w:t></w:r></w:ins><w:del><w:r><w:delText>deleted</w:delText></w:r></w:del></w:p>",
    "<w:p><w:pPr><w:rPr><w:del/></w:rPr></w:pPr><w:r><w:t>mark deleted</w:t></w:r></w:p>",
    "<w:p><w:fldSimple w:instr=\"PAGE\"><w:r><w:t>7</w:t></w:r></w:fldSimple><w:r><w:fldChar w:fldCharType=\"begin\"/></w:r></w:p>",
    "<mc:AlternateContent xmlns:mc=\"http://schemas.openxmlformats.org/markup-compatibility/2006\"><mc:Choice Requires=\"wps\">"
    "<w:p><w:r><w:t>choice</w:t></w:r></w:p></mc:Choice><mc:Fallback><w:p/></mc:Fallback></mc:AlternateContent>",
    "<w:p><w:r><w:pict><v:textbox xmlns:v=\"urn:schemas-microsoft-com:vml\"><w:txbxContent><w:p><w:r><w:t>box</w:t></w:r></w:p>"
    "</w:txbxContent></v:textbox></w:pict></w:r></w:p>",
    "<w:sectPr><w:headerReference w:type=\"default\" r:id=\"rId999\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/"
    "relationships\"/><w:titlePg/><w:type w:val=\"nextPage\"/></w:sectPr>",
    "<w:p><w:r><w:rPr><w:vanish/></w:rPr><w:t>hidden</w:t></w:r><w:r><w:ruby><w:rubyBase><w:r><w:t>base</w:t></w:r></w:rubyBase>"
    "</w:ruby></w:r></w:p>",
)
ATTRIBUTE_VALUES = ("", "0", "-1", "1", "8", "9", "10", "999999999", "99999999999999999999999", "x", "none", "bullet",
                    "decimal", "lowerRoman", "upperLetter", "zero999999999", "cardinalText", "ordinalText", "%1.%2.%3.%4.%5.%6.%7.%8.%9",
                    "%0", "%10", "\u202e", "Heading1", "rId1", "rId0", "../../../etc/passwd", "file:///etc/passwd", "true", "off")
PDF_OPERATORS = (b"Tj", b"TJ", b"'", b"\"", b"Td", b"TD", b"Tm", b"T*", b"Tf", b"Tc", b"Tw", b"Tz", b"TL", b"Tr", b"Ts", b"BT", b"ET",
                 b"cm", b"q", b"Q", b"re", b"m", b"l", b"c", b"h", b"S", b"s", b"f", b"B", b"n", b"W", b"Do", b"BI", b"ID", b"EI", b"gs")
PDF_SNIPPETS = (
    b"BT /F1 10 Tf 1e30 700 Td (far away words here) Tj ET",
    b"BT /F1 10 Tf 0 0 0 0 72 700 Tm (degenerate matrix) Tj ET",
    b"BT /F1 0.0001 Tf 72 700 Td (tiny) Tj ET",
    b"BT /F1 1000 Tf -500 -500 Td (huge) Tj ET",
    b"BT /F1 10 Tf 0 1 -1 0 300 300 Tm (sideways words) Tj ET",
    b"BT /F1 10 Tf 0.7 0.7 -0.7 0.7 200 200 Tm (diagonal) Tj ET",
    b"BT /F1 10 Tf 72 700 Td [(A) -99999 (B) 99999 (C)] TJ ET",
    b"BT /F1 10 Tf 3 Tr 72 650 Td (invisible text) Tj ET",
    b"0 0 1e9 1 re f 72 72 m 1e9 72 l S 72 72 m 72 1e9 l S",
    b"q 1e-9 0 0 1e-9 0 0 cm BT /F1 10 Tf 72 700 Td (scaled) Tj ET Q",
    b"BT /F1 10 Tf 72 700 Td (\\376\\377\\000A\\330\\000) Tj ET",
    b"BT /F9 10 Tf 72 700 Td (undefined font) Tj ET",
)
_NUMBER = re.compile(rb"-?\d+(?:\.\d+)?")
_CONTENT_STREAM = re.compile(rb"stream\r?\n(.*?)endstream", re.S)
_XML_ATTRIBUTE = re.compile(rb'(\s[\w:]+=")([^"]*)(")')
_XML_ELEMENT = re.compile(rb"<w:(p|tbl|tr|tc|r|sdt|ins|del|numPr|pPr|rPr|lvl|abstractNum|num|style|footnote|hdr|ftr)\b[^>]*(?<!/)>.*?</w:\1>", re.S)


# --------------------------------------------------------------------------- seeds


@cache
def seeds(reader: str) -> tuple[bytes, ...]:
    """The unmutated inputs for a reader: sample contracts, and small files made here."""
    if reader == "docx":
        return tuple(p.read_bytes() for p in sorted((SAMPLES / "docx").glob("*.docx")))
    if reader == "pdf":
        return tuple(p.read_bytes() for p in sorted((SAMPLES / "pdf").glob("*.pdf"), key=lambda p: p.stat().st_size))
    sources = [p.read_text(encoding="utf-8") for p in sorted((SAMPLES / "src").glob("*.md"))]
    if reader == "text":
        return tuple(s.encode("utf-8") for s in sources[:20]) + (sources[0].encode("cp1252", "replace"), sources[1].encode("utf-16"))
    return tuple(markdown_to_html(s).encode("utf-8") for s in sources[:20])


def markdown_to_html(markdown: str) -> str:
    """A web page like a terms-of-service page: navigation, headings, lists, tables, scripts."""
    out = ["<!DOCTYPE html><html><head><title>Terms</title><script>var x = '<p>not text</p>';</script></head><body>",
           "<nav class='menu'><a href='/'>Home</a></nav><header>Site</header><main>"]
    for para in markdown.split("\n\n"):
        para = para.strip()
        if para.startswith("#"):
            level = min(6, len(para) - len(para.lstrip("#")))
            out.append(f"<h{level}>{para.lstrip('#').strip()}</h{level}>")
        elif para.startswith(("- ", "* ")):
            out.append("<ul>" + "".join(f"<li>{line[2:]}</li>" for line in para.splitlines()) + "</ul>")
        elif para.startswith("|"):
            rows = [line.strip("|").split("|") for line in para.splitlines() if not set(line) <= set("|-: ")]
            out.append("<table>" + "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows) + "</table>")
        elif para:
            out.append(f"<p>{para}</p>")
    out.append("</main><footer class='site-footer'>© Example</footer></body></html>")
    return "\n".join(out)


# --------------------------------------------------------------------------- mutations


def _byte_mutation(data: bytes, draw: Callable, pool: tuple[bytes, ...]) -> bytes:
    if not data:
        return draw(st.binary(max_size=64))
    kind = draw(st.sampled_from(("flip", "set", "insert", "delete", "duplicate", "truncate", "splice", "number", "token")))
    at = draw(st.integers(0, len(data) - 1))
    if kind == "flip":
        return data[:at] + bytes([data[at] ^ (1 << draw(st.integers(0, 7)))]) + data[at + 1:]
    if kind == "set":
        return data[:at] + draw(st.binary(min_size=1, max_size=8)) + data[at + 8:]
    if kind == "insert":
        return data[:at] + draw(st.sampled_from(INTERESTING_BYTES) | st.binary(min_size=1, max_size=16)) + data[at:]
    if kind == "delete":
        return data[:at] + data[at + draw(st.integers(1, max(1, len(data) // 4))):]
    if kind == "duplicate":
        length = draw(st.integers(1, min(4096, len(data) - at)))
        return data[:at] + data[at:at + length] * draw(st.integers(2, 50)) + data[at:]
    if kind == "truncate":
        return data[:at]
    if kind == "splice":
        other = draw(st.sampled_from(pool))
        cut = draw(st.integers(0, len(other)))
        return data[:at] + other[cut:cut + draw(st.integers(1, 4096))] + data[at:]
    if kind == "number":
        numbers = list(_NUMBER.finditer(data))
        if not numbers:
            return data
        match = numbers[draw(st.integers(0, len(numbers) - 1))]
        return data[:match.start()] + draw(st.sampled_from(INTERESTING_NUMBERS)) + data[match.end():]
    return data[:at] + draw(st.sampled_from((*PDF_OPERATORS, b"<w:p>", b"</w:p>", b"<p>", b"</div>", b"1.", b"(a)", b"\n\n", b"%%EOF",
                                             b"endobj", b"obj", b"R", b"<<", b">>", b"/Type /Page", b"&lol;", b"<!DOCTYPE x>"))) + data[at:]


def _xml_mutation(xml: bytes, draw: Callable) -> bytes:
    kind = draw(st.sampled_from(("attribute", "attribute", "snippet", "snippet", "duplicate", "delete", "nest", "move", "bytes")))
    if kind == "bytes":
        return _byte_mutation(xml, draw, (xml,))
    if kind == "attribute":
        return _attribute_mutation(xml, draw)
    at = _tag_boundary(xml, draw)
    if kind == "snippet":
        return xml[:at] + draw(st.sampled_from(XML_SNIPPETS)).encode() + xml[at:]
    elements = [m for m in _XML_ELEMENT.finditer(xml) if _balanced(m.group(0), m.group(1))]
    if not elements:
        return xml
    element = elements[draw(st.integers(0, len(elements) - 1))]
    body = element.group(0)
    if kind == "duplicate":
        return xml[:element.end()] + body * draw(st.integers(1, 20)) + xml[element.end():]
    if kind == "delete":
        return xml[:element.start()] + xml[element.end():]
    if kind == "nest":
        open_tag = body[: body.index(b">") + 1]
        close_tag = b"</w:" + element.group(1) + b">"
        depth = draw(st.integers(1, 40))
        return xml[:element.start()] + open_tag * depth + body + close_tag * depth + xml[element.end():]
    rest = xml[:element.start()] + xml[element.end():]  # move
    at = _tag_boundary(rest, draw)
    return rest[:at] + body + rest[at:]


def _attribute_mutation(xml: bytes, draw: Callable) -> bytes:
    prolog = xml.find(b"?>") + 2 if xml.startswith(b"<?xml") else 0  # not the XML declaration's own
    attributes = list(_XML_ATTRIBUTE.finditer(xml, prolog))
    if not attributes:
        return xml
    match = attributes[draw(st.integers(0, len(attributes) - 1))]
    value = draw(st.sampled_from(ATTRIBUTE_VALUES)).encode()
    return xml[:match.start(2)] + value + xml[match.end(2):]


def _balanced(body: bytes, name: bytes) -> bool:
    """Whether the element the non-greedy pattern matched closes what it opens (nested tables may not)."""
    opened = len(re.findall(rb"<w:" + name + rb"[\s>]", body))
    return opened == body.count(b"</w:" + name + b">")


def _tag_boundary(xml: bytes, draw: Callable) -> int:
    """A position just before a '<' (or the start), where inserted markup stays well-formed."""
    positions = [m.start() for m in re.finditer(rb"<w:", xml[:200_000])][1:]  # not before the root element
    return positions[draw(st.integers(0, len(positions) - 1))] if positions else len(xml)


def _mutate_docx(data: bytes, draw: Callable, pool: tuple[bytes, ...]) -> bytes:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = {info.filename: archive.read(info) for info in archive.infolist()}
    except Exception:  # noqa: BLE001 - an earlier mutation broke the package: mutate its bytes instead
        return _byte_mutation(data, draw, pool)
    xml_parts = sorted(name for name in parts if name.endswith((".xml", ".rels")))
    for _ in range(draw(st.integers(1, 4))):
        if not xml_parts:
            break
        name = draw(st.sampled_from(xml_parts))
        if name.startswith("word/") and name.endswith(".xml"):
            parts[name] = _xml_mutation(parts[name], draw)
        else:  # relationships and content types: point them somewhere else, mostly
            parts[name] = _attribute_mutation(parts[name], draw) if draw(st.integers(0, 4)) else _byte_mutation(parts[name], draw, pool)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    out = buffer.getvalue()
    if draw(st.integers(0, 9)) == 0:  # now and then, damage the package itself
        out = _byte_mutation(out, draw, pool)
    return out


def _mutate_pdf(data: bytes, draw: Callable, pool: tuple[bytes, ...]) -> bytes:
    streams = list(_CONTENT_STREAM.finditer(data))
    if streams and draw(st.booleans()):
        match = streams[draw(st.integers(0, len(streams) - 1))]
        content = match.group(1)
        kind = draw(st.sampled_from(("snippet", "number", "operator", "bytes")))
        if kind == "snippet":
            at = draw(st.integers(0, len(content)))
            content = content[:at] + b"\n" + draw(st.sampled_from(PDF_SNIPPETS)) + b"\n" + content[at:]
        elif kind == "number":
            for _ in range(draw(st.integers(1, 6))):
                numbers = list(_NUMBER.finditer(content))
                if not numbers:
                    break
                number = numbers[draw(st.integers(0, len(numbers) - 1))]
                content = content[:number.start()] + draw(st.sampled_from(INTERESTING_NUMBERS)) + content[number.end():]
        elif kind == "operator":
            operators = [m for m in re.finditer(rb"(?<=\s)(T[jJdDmf*cwzLrs]|cm|re|[mlcSfQqn])(?=\s)", content)]
            if operators:
                operator = operators[draw(st.integers(0, len(operators) - 1))]
                content = content[:operator.start()] + draw(st.sampled_from(PDF_OPERATORS)) + content[operator.end():]
        else:
            content = _byte_mutation(content, draw, pool)
        return data[:match.start(1)] + content + data[match.end(1):]  # /Length now lies, as in many real files
    return _byte_mutation(data, draw, pool)


def mutated(reader: str, max_mutations: int = 4) -> st.SearchStrategy[bytes]:
    """Inputs for `reader`: one of its seeds, mutated a few times (sometimes not at all)."""
    pool = seeds(reader)

    @st.composite
    def build(draw: Callable) -> bytes:
        data = draw(st.sampled_from(pool))
        for _ in range(draw(st.integers(0, max_mutations))):
            if reader == "docx":
                data = _mutate_docx(data, draw, pool)
            elif reader == "pdf":
                data = _mutate_pdf(data, draw, pool)
            else:
                data = _byte_mutation(data, draw, pool)
        return data

    return build()


# --------------------------------------------------------------------------- the property


def read_with(reader: str, data: bytes, limits: ReadLimits = FUZZ_LIMITS):
    """The unguarded reading pipeline with the reader forced: returns the Document or the
    ReadError, and lets any other exception through (that is the bug being looked for)."""
    try:
        document = parse_document(data, f"fuzz.{reader}", limits, fmt=reader)
    except ReadError as error:
        check_error(error)
        return error
    check_document(document)
    return document


def check_error(error: ReadError) -> None:
    assert error.code in ERROR_CODES, error.code
    assert error.message and "\n" not in error.message and len(error.message) <= 600, error.message


def check_document(document) -> None:  # noqa: ANN001 - a Document
    assert document.blocks, "a Document always has blocks"
    previous_end = -1
    for index, block in enumerate(document.blocks):
        assert block.index == index and block.text and block.text == block.text.strip(), block
        assert previous_end < block.start <= block.end, block
        previous_end = block.end
        if document.pages is not None and block.page is not None:
            assert 1 <= block.page <= document.pages, (block.page, document.pages)


def lint_document(document) -> None:  # noqa: ANN001 - a Document
    """With --engine: the rule engine must judge whatever the readers produce."""
    from clauselint.engine import evaluate_pack

    findings = evaluate_pack((document,), "sfp-4.1")
    assert findings and all(f.status.value in ("present", "partial", "missing", "conflict") for f in findings)


# --------------------------------------------------------------------------- the long run


@dataclass
class Tally:
    examples: int = 0
    read: int = 0
    errors: dict[str, int] = field(default_factory=dict)
    crashes: dict[str, str] = field(default_factory=dict)  # signature -> saved file
    slow: dict[str, float] = field(default_factory=dict)  # saved file -> seconds
    slowest: float = 0.0


def _signature(error: BaseException) -> str:
    frames = [f for f in traceback.extract_tb(error.__traceback__) if "clauselint" in f.filename] or traceback.extract_tb(error.__traceback__)
    where = f"{Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else "?"
    return f"{type(error).__name__} at {where}"


def _save(out: Path, reader: str, data: bytes, note: str) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{reader}-{hashlib.sha256(data).hexdigest()[:16]}.{reader if reader != 'text' else 'txt'}"
    path.write_bytes(data)
    path.with_suffix(path.suffix + ".txt").write_text(note, encoding="utf-8")
    return path


def fuzz(reader: str, seconds: float, out: Path, slow: float, engine: bool, limits: ReadLimits = FUZZ_LIMITS) -> Tally:
    tally = Tally()
    deadline = time.monotonic() + seconds
    strategy = mutated(reader)

    @settings(max_examples=500, deadline=None, database=None, derandomize=False, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck), report_multiple_bugs=False)
    @given(strategy)
    def one(data: bytes) -> None:
        tally.examples += 1
        started = time.process_time()  # CPU time: on a shared machine, waiting for a core is not slowness
        try:
            result = read_with(reader, data, limits)
            if engine and not isinstance(result, ReadError):
                lint_document(result)
        except Exception as error:  # noqa: BLE001 - every escape (RecursionError, MemoryError included) is a finding
            signature = _signature(error)
            if signature not in tally.crashes:
                note = f"{signature}\n\n" + "".join(traceback.format_exception(error))
                tally.crashes[signature] = str(_save(out, reader, data, note))
                print(f"\n  CRASH {signature} -> {tally.crashes[signature]}", flush=True)
            return
        finally:
            elapsed = time.process_time() - started
            tally.slowest = max(tally.slowest, elapsed)
            if elapsed > slow and len(tally.slow) < 20:
                saved = _save(out, reader, data, f"slow: {elapsed:.1f} s")
                tally.slow[str(saved)] = elapsed
                print(f"\n  SLOW {elapsed:.1f} s -> {saved}", flush=True)
        if isinstance(result, ReadError):
            tally.errors[result.code] = tally.errors.get(result.code, 0) + 1
        else:
            tally.read += 1

    while time.monotonic() < deadline:
        one()  # 500 examples a round, fresh random choices each round
        left = max(0, deadline - time.monotonic())
        print(f"\r  {reader}: {tally.examples:,} inputs, {tally.read:,} read, {sum(tally.errors.values()):,} refused, "
              f"{len(tally.crashes)} crashes, slowest {tally.slowest:.2f} s, {left / 60:.1f} min left   ", end="", flush=True)
    print()
    return tally


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=1.0, help="how long to fuzz each reader (default 1)")
    parser.add_argument("--reader", choices=(*READERS, "all"), default="all")
    parser.add_argument("--out", type=Path, default=Path("fuzz-findings"), help="where crashing and slow inputs are saved")
    parser.add_argument("--slow", type=float, default=5.0, help="report an input that takes more than this many seconds of CPU")
    parser.add_argument("--engine", action="store_true", help="also run the rule engine on every document read")
    parser.add_argument("--ocr", choices=("never", "auto", "always"), default="never",
                        help="OCR scanned pages (slow; results go to the OCR cache in $XDG_CACHE_HOME, so point it at a scratch folder)")
    parser.add_argument("--memory", type=float, default=3.0, help="address space limit in GB (a blow-up becomes MemoryError)")
    args = parser.parse_args(argv)
    limit = int(args.memory * (1 << 30))
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 1000))
    failed = False
    for reader in READERS if args.reader == "all" else (args.reader,):
        started = time.monotonic()
        tally = fuzz(reader, args.minutes * 60, args.out, args.slow, args.engine, dataclasses.replace(FUZZ_LIMITS, ocr=args.ocr))
        minutes = (time.monotonic() - started) / 60
        refused = ", ".join(f"{code} {count}" for code, count in sorted(tally.errors.items(), key=lambda kv: -kv[1]))
        print(f"{reader}: {minutes:.1f} min, {tally.examples:,} inputs ({tally.examples / max(minutes * 60, 1e-9):.0f}/s), "
              f"{tally.read:,} read, refused: {refused or 'none'}; crashes: {len(tally.crashes)}, slow inputs: {len(tally.slow)}, "
              f"slowest {tally.slowest:.2f} s")
        for signature, path in tally.crashes.items():
            print(f"  crash: {signature}: {path}")
        failed = failed or bool(tally.crashes or tally.slow)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
