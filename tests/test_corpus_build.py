"""sample_contracts/build.py: deterministic DOCX + PDF from the corpus source format.

One fixture, tests/fixtures/corpus_markup.md, uses every markup feature. It is built twice:
as written (numbering: manual, US Letter, one column) and as a variant with numbering: auto,
style: uk, pdf_columns: 2 and pdf_hyphenate: true (when pyphen is installed).
"""

from __future__ import annotations

import functools
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from lxml import etree

ROOT = Path(__file__).resolve().parents[1]
BUILD = ROOT / "sample_contracts" / "build.py"
FIXTURE = ROOT / "tests" / "fixtures" / "corpus_markup.md"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W, "v": "urn:schemas-microsoft-com:vml"}

try:
    import pyphen  # noqa: F401

    HAVE_PYPHEN = True
except ImportError:
    HAVE_PYPHEN = False

# the labels of the fixture's numbered paragraphs and labelled headings, in document order
FIXTURE_LABELS = [
    "1.", "1.1", "1.2", "2.", "2.1", "(a)", "(b)", "(c)", "(d)", "(i)", "(ii)", "(iii)", "2.2", "2.2(b)",
    "a.", "1)", "(a)", "3.", "3.1", "3.1.1", "3.1.2", "3.1.3", "3.1.4", "3.1.5", "4.", "4.1", "4.2",
    "4.3", "4.4", "4.5",
]


def _variant(text: str) -> str:
    text = text.replace("id: corpus-markup\n", "id: corpus-auto\n")
    text = text.replace("numbering: manual", "numbering: auto").replace("style: us", "style: uk")
    text = text.replace("pdf_columns: 1", "pdf_columns: 2")
    if HAVE_PYPHEN:
        text = text.replace("pdf_hyphenate: false", "pdf_hyphenate: true")
    return text


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(BUILD), *args], capture_output=True, text=True, timeout=120)


def _run_parallel(*arg_lists) -> list[subprocess.CompletedProcess]:
    procs = [subprocess.Popen([sys.executable, str(BUILD), *args], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for args in arg_lists]
    results = []
    for proc, args in zip(procs, arg_lists):
        out, err = proc.communicate(timeout=120)
        results.append(subprocess.CompletedProcess(args, proc.returncode, out, err))
    return results


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("corpus")
    src = base / "src"
    src.mkdir()
    text = FIXTURE.read_text(encoding="utf-8")
    (src / "corpus-markup.md").write_text(text, encoding="utf-8")
    (src / "corpus-auto.md").write_text(_variant(text), encoding="utf-8")
    # two separate processes (different hash seeds) must write the same bytes
    for result in _run_parallel(*(["--src", str(src), "--out", str(base / out)] for out in ("out1", "out2"))):
        assert result.returncode == 0, result.stderr
    return base


def _xml(docx: Path, part: str):
    with zipfile.ZipFile(docx) as zf:
        return etree.fromstring(zf.read(part))


def _paragraph_texts(root) -> list[str]:
    """Accepted text of every w:p in document order (text boxes and cells where they stand)."""
    out = []
    for p in root.iter(f"{{{W}}}p"):
        parts = []
        for el in p.iter(f"{{{W}}}t", f"{{{W}}}tab"):
            if next(el.iterancestors(f"{{{W}}}p")) is not p or el.getparent().tag != f"{{{W}}}r":
                continue
            parts.append((el.text or "") if el.tag == f"{{{W}}}t" else " ")
        out.append("".join(parts))
    return out


# --------------------------------------------------------------------------- determinism / CLI


def test_two_builds_are_byte_identical(built):
    for sub in ("docx", "pdf"):
        for stem in ("corpus-markup", "corpus-auto"):
            a = (built / "out1" / sub / f"{stem}.{sub}").read_bytes()
            b = (built / "out2" / sub / f"{stem}.{sub}").read_bytes()
            assert a == b, f"{stem}.{sub} differs between two builds"


def test_check_mode_and_only(built, tmp_path):
    out = tmp_path / "out"
    for sub in ("docx", "pdf"):
        (out / sub).mkdir(parents=True)
        (out / sub / f"corpus-markup.{sub}").write_bytes((built / "out1" / sub / f"corpus-markup.{sub}").read_bytes())
    (out / "pdf" / "corpus-markup.pdf").write_bytes(b"%PDF-stale")
    ok, bad = _run_parallel(["--src", str(built / "src"), "--out", str(built / "out1"), "--check"],
                            ["--src", str(built / "src"), "--out", str(out), "--only", "corpus-markup", "--check"])
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert "corpus-markup.pdf" in bad.stdout and "corpus-markup.docx" not in bad.stdout
    assert not (out / "pdf" / "corpus-auto.pdf").exists()  # --check writes nothing


def test_bad_markup_names_file_and_line_and_builds_the_rest(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    good = FIXTURE.read_text(encoding="utf-8")
    (src / "tiny.md").write_text("---\nid: tiny\ntitle: Tiny\nkind: other\nstyle: uk\nrole: attachment\n---\n\n"
                                 "# Tiny\n\n1. One clause.\n", encoding="utf-8")
    bad = good.replace("id: corpus-markup\n", "id: broken\n").replace("under **clause 2**,", "under **clause 2,")
    (src / "broken.md").write_text(bad, encoding="utf-8")
    result = _run("--src", str(src), "--out", str(tmp_path / "out"))
    assert result.returncode == 2
    line = bad.splitlines().index(next(l for l in bad.splitlines() if l.startswith("1.2 "))) + 1
    assert re.search(rf"broken\.md:{line}: .*never closed", result.stderr), result.stderr
    assert (tmp_path / "out" / "docx" / "tiny.docx").exists() and (tmp_path / "out" / "pdf" / "tiny.pdf").exists()
    assert not (tmp_path / "out" / "docx" / "broken.docx").exists()


# --------------------------------------------------------------------------- DOCX


def test_docx_package(built):
    import docx

    path = built / "out1" / "docx" / "corpus-markup.docx"
    d = docx.Document(str(path))
    assert d.core_properties.author == "clauselint corpus"
    assert d.core_properties.created.isoformat().startswith("2026-01-15")
    styles = [(p.style.name, p.text) for p in d.paragraphs]
    assert ("Title", "Fixture Services Agreement") in styles
    assert ("Heading 1", "1. Definitions") in styles
    assert ("Heading 2", "3.1 Term") in styles
    with zipfile.ZipFile(path) as zf:
        names = zf.namelist()
        assert {"word/footnotes.xml", "word/header1.xml", "word/footer1.xml", "word/numbering.xml"} <= set(names)
        assert all(i.date_time == (2026, 1, 15, 0, 0, 0) for i in zf.infolist())
        rels = zf.read("word/_rels/document.xml.rels").decode()
        types = zf.read("[Content_Types].xml").decode()
    for part in ("footnotes", "header", "footer", "numbering"):
        assert f"relationships/{part}" in rels
    assert "wordprocessingml.footnotes+xml" in types and "wordprocessingml.header+xml" in types


def test_docx_content(built):
    path = built / "out1" / "docx" / "corpus-markup.docx"
    doc = _xml(path, "word/document.xml")
    ins = doc.findall(".//w:ins", NS)
    dels = doc.findall(".//w:del", NS)
    assert any("".join(i.itertext()) == "unlawful" for i in ins)
    assert all(i.get(f"{{{W}}}author") == "Counsel" and i.get(f"{{{W}}}date") == "2026-01-15T00:00:00Z"
               for i in ins + dels)
    assert [d.findtext(".//w:delText", namespaces=NS) for d in dels] == ["lawful", "$500"]
    ids = [e.get(f"{{{W}}}id") for e in ins + dels]
    assert len(ids) == len(set(ids))
    texts = _paragraph_texts(doc)
    assert "(b)\tfor the unlawful surveillance of any individual;".replace("\t", " ") in texts
    assert "2.2(b) Where a suspension lasts longer than thirty days, either Party may terminate the affected " \
           "Order Form on written notice." in texts
    # emphasis
    runs = doc.findall(".//w:r", NS)
    assert any(r.find("w:rPr/w:b", NS) is not None and r.findtext("w:t", namespaces=NS) == "clause 2" for r in runs)
    assert any(r.find("w:rPr/w:i", NS) is not None and r.findtext("w:t", namespaces=NS) == "no one else" for r in runs)
    # manual numbering: labels typed, no list numbering except the bullets
    assert {n.get(f"{{{W}}}val") for n in doc.findall(".//w:numPr/w:numId", NS)} == {"1"}
    # footnotes: superscript reference runs, numbered in order, separators present
    refs = doc.findall(".//w:footnoteReference", NS)
    assert [r.get(f"{{{W}}}id") for r in refs] == ["1", "2", "3"]
    for r in refs:
        assert r.getparent().find("w:rPr/w:vertAlign", NS).get(f"{{{W}}}val") == "superscript"
    notes = _xml(path, "word/footnotes.xml")
    kinds = [(f.get(f"{{{W}}}id"), f.get(f"{{{W}}}type")) for f in notes.findall("w:footnote", NS)]
    assert kinds[:2] == [("-1", "separator"), ("0", "continuationSeparator")]
    assert "".join(notes.findall("w:footnote", NS)[3].itertext()).strip() == "See also the acceptable use policy."
    # table with header row and inline markup in cells
    tbl = doc.find(".//w:tbl", NS)
    rows = tbl.findall("w:tr", NS)
    assert len(rows) == 4 and rows[0].find("w:trPr/w:tblHeader", NS) is not None
    assert "".join(rows[3].findall("w:tc", NS)[0].itertext()) == "Legacy | archived"
    assert rows[2].find(".//w:ins", NS) is not None and rows[2].find(".//w:footnoteReference", NS) is not None
    # text box
    box = doc.find(".//w:txbxContent", NS)
    assert box is not None
    assert "Important notice." in "".join(box.itertext())
    # page break, header and footer fields
    assert doc.find(".//w:br[@w:type='page']", NS) is not None
    header = _xml(path, "word/header1.xml")
    assert "".join(header.itertext()) == "Fixture MSA - Confidential"
    footer = _xml(path, "word/footer1.xml")
    instr = [f.get(f"{{{W}}}instr").split()[0] for f in footer.findall(".//w:fldSimple", NS)]
    assert instr == ["PAGE", "NUMPAGES"]
    assert "Page " in "".join(footer.itertext())


def _word_labels(path: Path) -> list[tuple[str, str]]:
    """Simulate Word list numbering from numbering.xml: (printed label, paragraph text)."""
    numbering = _xml(path, "word/numbering.xml")
    abstract = {}
    for a in numbering.findall("w:abstractNum", NS):
        levels = {}
        for lvl in a.findall("w:lvl", NS):
            levels[int(lvl.get(f"{{{W}}}ilvl"))] = (
                int(lvl.find("w:start", NS).get(f"{{{W}}}val")),
                lvl.find("w:numFmt", NS).get(f"{{{W}}}val"),
                lvl.find("w:lvlText", NS).get(f"{{{W}}}val"),
                lvl.find("w:isLgl", NS) is not None,
            )
        abstract[a.get(f"{{{W}}}abstractNumId")] = levels
    nums = {n.get(f"{{{W}}}numId"): abstract[n.find("w:abstractNumId", NS).get(f"{{{W}}}val")]
            for n in numbering.findall("w:num", NS)}

    def fmt(value, kind):
        if kind == "decimal":
            return str(value)
        if kind == "lowerLetter":
            return chr(97 + (value - 1) % 26) * ((value - 1) // 26 + 1)
        if kind in ("lowerRoman", "upperRoman"):
            out, n = "", value
            for v, s in [(100, "c"), (90, "xc"), (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"),
                         (1, "i")]:
                while n >= v:
                    out, n = out + s, n - v
            return out if kind == "lowerRoman" else out.upper()
        raise AssertionError(kind)

    counters: dict[str, dict[int, int | None]] = {}
    out = []
    doc = _xml(path, "word/document.xml")
    for p in doc.iter(f"{{{W}}}p"):
        num = p.find("w:pPr/w:numPr", NS)
        if num is None:
            continue
        num_id, ilvl = num.find("w:numId", NS).get(f"{{{W}}}val"), int(num.find("w:ilvl", NS).get(f"{{{W}}}val"))
        levels = nums[num_id]
        if levels[0][1] == "bullet":
            continue
        c = counters.setdefault(num_id, {})
        c[ilvl] = levels[ilvl][0] if c.get(ilvl) is None else c[ilvl] + 1
        for deeper in [k for k in c if k > ilvl]:
            c[deeper] = None

        def sub(m):
            k = int(m.group(1)) - 1
            assert c.get(k) is not None, "lvlText refers to a level that is not running"
            return fmt(c[k], "decimal" if levels[ilvl][3] else levels[k][1])

        text = "".join(t.text or "" for t in p.iter(f"{{{W}}}t") if next(t.iterancestors(f"{{{W}}}p")) is p)
        out.append((re.sub(r"%(\d)", sub, levels[ilvl][2]), text))
    return out


def test_docx_auto_numbering_prints_the_source_labels(built):
    path = built / "out1" / "docx" / "corpus-auto.docx"
    labels = _word_labels(path)
    assert [label for label, _ in labels] == FIXTURE_LABELS
    assert ("1.", "Definitions") in labels  # heading: label removed from the text
    assert ("3.1", "Term") in labels
    doc = _xml(path, "word/document.xml")
    numbering = _xml(path, "word/numbering.xml")
    lvl_texts = {l.findtext("w:lvlText", namespaces=NS) or l.find("w:lvlText", NS).get(f"{{{W}}}val")
                 for l in numbering.iter(f"{{{W}}}lvl")}
    assert {"%1.", "%1.%2", "%1.%2.%3"} <= lvl_texts
    # no typed label left in an auto-numbered paragraph
    for p in doc.iter(f"{{{W}}}p"):
        if p.find("w:pPr/w:numPr", NS) is not None:
            assert p.find(".//w:tab", NS) is None


# --------------------------------------------------------------------------- PDF


@functools.cache
def _pdf_pages(path: Path):
    import pdfplumber

    with pdfplumber.open(str(path)) as pdf:
        return [(page.extract_text() or "", page.extract_words(extra_attrs=["size"]), page.width,
                 page.filter(lambda o: o.get("object_type") != "char" or o.get("size", 0) > 9).extract_text())
                for page in pdf.pages]


def test_pdf_one_column(built):
    pages = _pdf_pages(built / "out1" / "pdf" / "corpus-markup.pdf")
    assert len(pages) > 1
    for n, (text, _, _, _) in enumerate(pages, start=1):
        lines = text.splitlines()
        assert lines[0] == "Fixture MSA - Confidential"
        assert lines[-1] == f"Page {n} of {len(pages)}"
    full = "\n".join(t for t, _, _, _ in pages)
    flat = " ".join(full.split())
    assert "for the unlawful surveillance" in flat and "the lawful" not in flat
    assert "$500" not in flat and "Includes priority support" in flat
    assert "never rendered" not in flat
    first = pages[0][0]
    assert "Updates are provided only while a subscription is active." in first  # at the foot of its page
    assert "2.2(b) Where a suspension" in flat
    assert "Important notice. Customer must not use the Services for any high-risk activity." in flat


def test_pdf_text_matches_docx_words(built):
    """Body words (big type only: no running header/footer, notes or note markers) = DOCX words."""
    pages = _pdf_pages(built / "out1" / "pdf" / "corpus-markup.pdf")
    pdf_words = [w for w in " ".join(body for _, _, _, body in pages).split() if w != "\u2022"]  # Word bullet
    doc = _xml(built / "out1" / "docx" / "corpus-markup.docx", "word/document.xml")
    docx_words = " ".join(_paragraph_texts(doc)).split()
    docx_words = [w.replace("\u2022", "") for w in docx_words]
    assert pdf_words == [w for w in docx_words if w]


def test_pdf_two_columns_and_hyphenation(built):
    pages = _pdf_pages(built / "out1" / "pdf" / "corpus-auto.pdf")
    assert len(pages) > 1
    for n, (text, _, _, _) in enumerate(pages, start=1):
        assert text.splitlines()[0].startswith("Fixture MSA - Confidential")
        assert f"Page {n} of {len(pages)}" in text
    # the earlier text of a page sits in the left column, the later in the right one
    for early, late in (("Term and Termination", "entire agreement"),):
        for _, words, width, _ in pages:
            xs = {w["text"]: w["x0"] for w in words}
            first, second = early.split()[0], late.split()[-1]
            if first in xs and second in xs:
                assert xs[first] < width / 2 < xs[second]
                break
        else:
            pytest.fail(f"{early!r} and {late!r} not on one page")
    flat = " ".join(t for t, _, _, _ in pages)
    assert "unlawful surveillance" in " ".join(flat.split()) and "the lawful" not in flat
    if HAVE_PYPHEN:
        broken = [w for _, words, _, _ in pages for w in words
                  if re.fullmatch(r"[A-Za-z]{2,}-", w["text"]) and w["size"] > 9]
        assert broken, "no word was hyphenated at a line end"


# --------------------------------------------------------------------------- parser (in process)


def _parse(tmp_path: Path, body: str, **meta):
    if str(ROOT / "sample_contracts") not in sys.path:
        sys.path.insert(0, str(ROOT / "sample_contracts"))
    from _build.source import parse_file

    head = {"id": "x", "title": "X", "kind": "other", "style": "us", "role": "main", **meta}
    text = "---\n" + "".join(f"{k}: {v}\n" for k, v in head.items()) + "---\n\n" + body
    path = tmp_path / "x.md"
    path.write_text(text, encoding="utf-8")
    return parse_file(path)


@pytest.mark.parametrize("body, line, message", [
    ("Para one\ncontinues here.\n", 10, "one line"),
    ("Text with **bold\n", 9, "never closed"),
    ("Text[^1].\n", 9, "never defined"),
    ("Text.\n\n[^1]: Unused.\n", 11, "never referenced"),
    ("::: textbox\nInside[^1].\n:::\n\n[^1]: Note.\n", 10, "text box"),
    ("| a | b |\n|---|---|\n| 1 |\n", 11, "1 cells"),
    ("#### Too deep\n", 9, "heading"),
    ("::: textbox\nNever closed.\n", 9, "never closed"),
])
def test_bad_markup_errors(tmp_path, body, line, message):
    with pytest.raises(Exception) as info:
        _parse(tmp_path, body)
    assert type(info.value).__name__ == "SourceError"
    assert info.value.line == line, str(info.value)
    assert message in info.value.message


def test_front_matter_errors(tmp_path):
    with pytest.raises(Exception) as info:
        _parse(tmp_path, "Text.\n", pdf_column=2)
    assert info.value.line == 7 and "unknown front-matter key" in info.value.message
    with pytest.raises(Exception) as info:
        _parse(tmp_path, "Text.\n", numbering="roman")
    assert "numbering must be" in info.value.message


def test_label_kinds(tmp_path):
    body = "\n\n".join(["7. A", "7.2 B", "7.2.1 C", "(a) D", "(h) E", "(i) F", "(ii) G", "(i) H", "(v) I",
                        "7.2(b) J", "a. K", "1) L", "(aa) M", "e.g. not a label", "1.5 million is text"]) + "\n"
    c = _parse(tmp_path, body)
    got = [(b.label.text, b.label.kind) if b.label else (None, b.kind) for b in c.blocks]
    assert got == [("7.", "D1"), ("7.2", "D2"), ("7.2.1", "D3"), ("(a)", "A"), ("(h)", "A"), ("(i)", "A"),
                   ("(ii)", "R"), ("(i)", "R"), ("(v)", "R"), ("7.2(b)", "A"), ("a.", "A"), ("1)", "N"),
                   ("(aa)", "A"), (None, "para"), ("1.5", "D2")]


def test_unshowable_characters_are_substituted_in_both(tmp_path):
    c = _parse(tmp_path, "Fees \u2264 10 \u2192 cap; caf\u0065\u0301 \u2022 ok.\n")
    assert c.blocks[0].spans[0].text == "Fees <= 10 -> cap; caf\u00e9 \u2022 ok."
    assert len(c.notes) == 2


def test_auto_numbering_planner_edge_cases(tmp_path):
    body = "\n\n".join([
        "## ARTICLE IV - Services", "4.1 First.", "(a) one", "(h) eight", "(i) ninth letter", "(j) ten",
        "(i) roman one", "(ii) roman two", "4.2 Second.", "## ARTICLE V - Term", "5.1 Term.",
        "## 7. Late start", "7.3 skipped numbers", "7.4 next", "(c) starts at c", "9. Jump", "9.1 again",
        "2.2(b) composite", "1) paren", "2) paren",
    ]) + "\n"
    c = _parse(tmp_path, body, numbering="auto")
    from _build.docx_writer import build_docx

    path = tmp_path / "x.docx"
    path.write_bytes(build_docx(c))
    labels = [label for label, _ in _word_labels(path)]
    assert labels == ["ARTICLE IV -", "4.1", "(a)", "(h)", "(i)", "(j)", "(i)", "(ii)", "4.2", "ARTICLE V -", "5.1",
                      "7.", "7.3", "7.4", "(c)", "9.", "9.1", "2.2(b)", "1)", "2)"]
    numbering = _xml(path, "word/numbering.xml")
    assert numbering.find(".//w:isLgl", NS) is not None  # "4.1" under "ARTICLE IV"
