"""Scanned contracts: image-only PDFs are read by OCR (Tesseract) and linted like the originals.

The scans are made here from sample contracts: each page rendered at 200 dpi and saved as an
image-only PDF (JPEG inside, as scanners write them); a one-page contract with a ruled table also
turned by 0.7 degrees with sensor noise and dust; and a contract whose first page is scanned
upside down and whose second keeps its text layer. Expected statuses come from linting the original PDFs in the
same run, so the tests hold whatever the engine decides about those contracts. Tests that need
Tesseract skip when it is not installed.
"""

from __future__ import annotations

import dataclasses
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from clauselint.documents import ocr_words
from clauselint.documents.model import Part, RawBlock
from clauselint.documents.ocr import flag_ocr_blocks
from clauselint.documents.ocr_cache import PageCache, cache_root, clear_cache
from clauselint.documents.ocr_words import OcrLine, OcrPage

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "sample_contracts" / "pdf"
# Short contracts with several clauses found: two columns with running headers and footers
# (2 pages), and a one-page schedule whose restrictions are rows of a ruled table.
CONTRACTS = ("eu-tos-facetrail-api", "uk-tamarind-reseller-sched4")
VARIANT_OF = "uk-tamarind-reseller-sched4"  # turned and noisy
MIXED_OF = "eu-tos-facetrail-api"  # page 1 scanned upside down, page 2 text
TESSERACT = shutil.which("tesseract")
needs_tesseract = pytest.mark.skipif(
    TESSERACT is None, reason="Tesseract is not installed (apt-get install tesseract-ocr tesseract-ocr-eng): scans cannot be OCR'd here")
INSTALL_LINE = "install Tesseract (apt-get install tesseract-ocr tesseract-ocr-eng) to lint scans, or run with --ocr never"


# ------------------------------------------------------------------------------------ fixtures


def _pages(source: Path) -> list:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(source))
    try:
        return [document[index].render(scale=200 / 72, grayscale=True).to_pil().convert("L") for index in range(len(document))]
    finally:
        document.close()


def _save_scan(images: list, target: Path) -> Path:
    images[0].save(target, save_all=True, append_images=images[1:], resolution=200)
    return target


def _turned_and_noisy(image):  # noqa: ANN001, ANN202 - PIL images
    import numpy as np
    from PIL import Image

    turned = image.rotate(0.7, resample=Image.BICUBIC, fillcolor=255)
    random = np.random.default_rng(7)
    pixels = np.asarray(turned).astype(np.int16) + random.normal(0, 10, (turned.height, turned.width)).astype(np.int16)
    pixels[random.random(pixels.shape) < 0.0002] = 0  # dust
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))


def _mixed_pdf(original: Path, scan: Path, target: Path) -> Path:
    """The first page of `scan`, then the original's second page with its text layer."""
    import pypdfium2 as pdfium

    mixed = pdfium.PdfDocument.new()
    mixed.import_pages(pdfium.PdfDocument(str(scan)), [0])
    mixed.import_pages(pdfium.PdfDocument(str(original)), [1])
    buffer = io.BytesIO()
    mixed.save(buffer)
    target.write_bytes(buffer.getvalue())
    return target


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """name -> PDF: the originals, their scans (`<name>-scan`), the turned noisy scan and the mixed file."""
    folder = tmp_path_factory.mktemp("scans")
    files = {}
    for name in CONTRACTS:
        files[name] = SAMPLES / f"{name}.pdf"
        files[f"{name}-scan"] = _save_scan(_pages(SAMPLES / f"{name}.pdf"), folder / f"{name}-scan.pdf")
    files["variant"] = _save_scan([_turned_and_noisy(image) for image in _pages(SAMPLES / f"{VARIANT_OF}.pdf")], folder / "variant.pdf")
    upside_down = _save_scan([_pages(SAMPLES / f"{MIXED_OF}.pdf")[0].rotate(180)], folder / "upside-down.pdf")
    files["mixed"] = _mixed_pdf(SAMPLES / f"{MIXED_OF}.pdf", upside_down, folder / "mixed.pdf")
    upside_down.unlink()
    return files


def _run(*args: str, cache: Path, path: str | None = None) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "XDG_CACHE_HOME": str(cache)}
    if path is not None:
        environment["PATH"] = path
    return subprocess.run([sys.executable, "-m", "clauselint", *args], capture_output=True, text=True, cwd=ROOT,
                          env=environment, timeout=600, check=False)


@pytest.fixture(scope="module")
def cache_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("cache-home")


@pytest.fixture(scope="module")
def first_run(corpus: dict[str, Path], cache_home: Path) -> dict[str, dict]:
    """One batch over originals, scans and the variant (OCR in 2 worker processes); results by name."""
    done = _run(*map(str, corpus.values()), "--format", "json", "--jobs", "2", "--exit-zero", cache=cache_home)
    assert done.returncode == 0, done.stderr
    results = json.loads(done.stdout)["results"]
    return {name: result for name, result in zip(corpus, results, strict=True)}


def _statuses(result: dict) -> dict[str, str]:
    assert result["ok"], result["error"]
    return {finding["rule"]: finding["status"] for finding in result["findings"]}


def _evidence(result: dict) -> list[dict]:
    return [item for finding in result["findings"] for item in finding["evidence"]]


# ------------------------------------------------------------------------------------ scans


@needs_tesseract
@pytest.mark.parametrize("name", CONTRACTS)
def test_a_scan_gets_the_statuses_of_its_original(first_run: dict[str, dict], name: str) -> None:
    original, scan = first_run[name], first_run[f"{name}-scan"]
    expected = _statuses(original)
    assert set(expected.values()) != {"missing"}, "pick a sample contract where something is found"
    assert _statuses(scan) == expected
    assert scan["document"]["pages"] == original["document"]["pages"]
    evidence = _evidence(scan)
    assert evidence and all(item["ocr"] is True for item in evidence)
    assert all(item["ocr"] is False for item in _evidence(original))
    # the quotes are the OCR text, found on the pages of the scan where the original has them
    assert {(item["page"], item["section"]) for item in evidence} & {(item["page"], item["section"]) for item in _evidence(original)}


@needs_tesseract
def test_a_turned_noisy_scan_gets_the_statuses_of_its_original(first_run: dict[str, dict]) -> None:
    assert _statuses(first_run["variant"]) == _statuses(first_run[VARIANT_OF])
    evidence = _evidence(first_run["variant"])
    assert evidence and all(item["ocr"] for item in evidence)
    # the restrictions are rows of a ruled table: found on the scan as in the text layer
    assert {item["part"] for item in evidence} == {item["part"] for item in _evidence(first_run[VARIANT_OF])}


@needs_tesseract
def test_only_the_scanned_page_of_a_mixed_pdf_is_read_by_ocr_turned_upright(first_run: dict[str, dict], corpus: dict[str, Path],
                                                            cache_home: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from clauselint.documents.reader import read_document

    mixed = first_run["mixed"]
    assert _statuses(mixed) == _statuses(first_run[MIXED_OF])
    assert all(item["ocr"] == (item["page"] == 1) for item in _evidence(mixed))
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache_home))
    monkeypatch.setenv("PATH", str(tmp_path))  # no tesseract: page 1 comes from the cache
    document = read_document(corpus["mixed"])
    body = [block for block in document.blocks if block.part is Part.BODY]
    assert {block.page for block in body} == {1, 2}
    assert all(block.ocr == (block.page == 1) for block in body)
    original = read_document(corpus[MIXED_OF])
    # the running header and footer are recognised across the scanned and the text page
    assert [(b.part, b.text) for b in document.blocks if b.part is not Part.BODY] == \
        [(b.part, b.text) for b in original.blocks if b.part is not Part.BODY]


@needs_tesseract
def test_a_second_run_reads_the_cache_and_never_calls_tesseract(corpus: dict[str, Path], cache_home: Path,
                                                                  first_run: dict[str, dict], tmp_path: Path) -> None:
    cached = sorted((cache_home / "clauselint" / "ocr").rglob("page-*.json"))
    assert len(cached) == 5  # 2 + 1 scanned pages, the variant's and the mixed file's first; text pages are never OCR'd
    nowhere = tmp_path / "no-programs"
    nowhere.mkdir()  # a PATH without tesseract: a cache miss would be an error
    scans = [str(corpus[f"{name}-scan"]) for name in CONTRACTS]
    again = _run(*scans, "--format", "json", "--jobs", "1", "--exit-zero", cache=cache_home, path=str(nowhere))
    assert again.returncode == 0, again.stderr
    assert [_statuses(r) for r in json.loads(again.stdout)["results"]] == [_statuses(first_run[f"{n}-scan"]) for n in CONTRACTS]
    assert sorted((cache_home / "clauselint" / "ocr").rglob("page-*.json")) == cached
    # nothing was written next to the scans
    folder = corpus["variant"].parent
    assert sorted(p.name for p in folder.iterdir()) == sorted(p.name for p in corpus.values() if p.parent == folder)


@needs_tesseract
def test_the_text_and_markdown_reports_say_to_check_ocr_quotes(corpus: dict[str, Path], cache_home: Path,
                                                               first_run: dict[str, dict], monkeypatch: pytest.MonkeyPatch) -> None:
    from clauselint import lint
    from clauselint.reporters import get_reporter

    monkeypatch.setenv("XDG_CACHE_HOME", str(cache_home))  # OCR'd by the first run: read from the cache
    report = lint([str(corpus[f"{CONTRACTS[0]}-scan"]), str(corpus[CONTRACTS[0]])])
    scan, original = (dataclasses.replace(report, results=(result,)) for result in report.results)
    quotes = sum(len(finding.evidence) for finding in report.results[0].findings)
    for fmt, mark in (("text", "(OCR: check against the scan)"), ("markdown", "*(OCR: check against the scan)*")):
        assert get_reporter(fmt)(scan, color=False, width=5000).count(mark) == quotes
        assert "OCR" not in get_reporter(fmt)(original, color=False, width=5000)


def test_cache_clear_removes_the_ocr_results(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    entry = PageCache.for_file("0" * 64, "test", root=cache / "clauselint" / "ocr")
    entry.put(OcrPage(1, (0.0, 0.0, 612.0, 792.0), (OcrLine(0, 11.0, (("Customer", 72.0, 110.0, 700.0),)),), 90.0))
    assert entry.get(1) is not None
    done = _run("cache", "clear", cache=cache)
    assert done.returncode == 0, done.stderr
    assert "removed 1 cached page(s)" in done.stdout
    assert not (cache / "clauselint" / "ocr").exists()


# ------------------------------------------------------------------------------------ without OCR


def test_ocr_never_reports_a_scan_as_no_text_layer(corpus: dict[str, Path], tmp_path: Path) -> None:
    done = _run(str(corpus[f"{CONTRACTS[1]}-scan"]), "--ocr", "never", "--format", "json", cache=tmp_path)
    assert done.returncode == 2
    assert json.loads(done.stdout)["results"][0]["error"]["code"] == "no-text-layer"
    assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr
    assert not (tmp_path / "clauselint").exists()


def test_without_tesseract_a_scan_says_how_to_install_it(corpus: dict[str, Path], tmp_path: Path) -> None:
    nowhere = tmp_path / "no-programs"
    nowhere.mkdir()
    done = _run(str(corpus[f"{CONTRACTS[1]}-scan"]), str(corpus[CONTRACTS[1]]), "--format", "json", cache=tmp_path / "cache",
                path=str(nowhere))
    assert done.returncode == 2
    scan, text_pdf = json.loads(done.stdout)["results"]
    assert scan["error"]["code"] == "no-text-layer"
    assert scan["error"]["message"].endswith(f"the PDF has no text layer; {INSTALL_LINE}")
    assert done.stderr.strip() == f"clauselint: {scan['error']['message']}"
    assert text_pdf["ok"]  # a PDF with a text layer never needs Tesseract


def test_ocr_mode_is_checked_like_any_option(tmp_path: Path) -> None:
    done = _run(str(SAMPLES / f"{CONTRACTS[1]}.pdf"), "--ocr", "sometimes", cache=tmp_path)
    assert done.returncode == 2
    assert done.stderr.strip() == "clauselint: --ocr: 'sometimes' is not one of auto, always, never"
    config = tmp_path / ".clauselint.toml"
    config.write_text('ocr = "never"\n', encoding="utf-8")
    shown = _run("config", "--config", str(config), cache=tmp_path)
    assert 'ocr = "never"' in shown.stdout


# ------------------------------------------------------------------------------------ pieces


def test_blocks_on_ocr_pages_are_flagged() -> None:
    blocks = [RawBlock("on a text page", page=1), RawBlock("runs on to the scan", page=1, page_breaks=((5, 2),)),
              RawBlock("on the scan", page=2), RawBlock("Header", part=Part.HEADER, page=2)]
    assert [block.ocr for block in flag_ocr_blocks(blocks, frozenset({2}))] == [False, True, True, True]
    assert flag_ocr_blocks(blocks, frozenset()) == blocks


def _hocr(lines: list[tuple[float, list[tuple[str, float, float, float]]]]) -> bytes:
    """A minimal hOCR page of lines (slope, [(word, left, top, bottom)]), 2 px per point."""
    out = ["<html xmlns='http://www.w3.org/1999/xhtml'><body><div class='ocr_page' title='bbox 0 0 1224 1584'>"]
    for number, (slope, words) in enumerate(lines):
        left, right = words[0][1], words[-1][1] + 60
        top, bottom = min(w[2] for w in words), max(w[3] for w in words)
        out.append(f"<p class='ocr_par' id='par_{number}'><span class='ocr_line' title='bbox {left} {top} {right} {bottom}; "
                   f"baseline {slope} 0'>")
        out += [f"<span class='ocrx_word' title='bbox {x} {t} {x + 60} {b}; x_wconf 95'>{text}</span>" for text, x, t, b in words]
        out.append("</span></p>")
    out.append("</div></body></html>")
    return "".join(out).encode()


def test_ocr_words_are_deskewed_and_sized_like_a_text_layer() -> None:
    # two lines turned by a slope of 0.02: each word 100 px right is 2 px lower
    skewed = [(0.02, [(w, 100 + 100 * i, 200 + 2 * i, 228 + 2 * i) for i, w in enumerate(["The", "Hold", "Black"])]),
              (0.02, [(w, 100 + 100 * i, 260 + 2 * i, 288 + 2 * i) for i, w in enumerate(["Did", "Lot", "Kind"])])]
    page = ocr_words.read_hocr(_hocr(skewed), 1, (0.0, 0.0, 612.0, 792.0), 2.0)
    words = ocr_words.page_words([page])[1]
    first, second = words[:3], words[3:]
    assert max(w.bottom for w in first) - min(w.bottom for w in first) < 0.2  # one baseline after deskewing
    assert len({w.top - w.bottom for w in words}) == 1  # one size of print, as in a text layer
    assert words[0].top - words[0].bottom == pytest.approx(14 / ocr_words.TALL_SHARE, abs=0.05)  # 28 px tall at 2 px/pt
    assert first[0].bottom - second[0].bottom == pytest.approx(30, abs=0.5)
    assert [w.text for w in words] == ["The", "Hold", "Black", "Did", "Lot", "Kind"]


def test_a_hanging_clause_number_misread_as_punctuation_is_mended() -> None:
    lines = [(0.0, [("1;", 100, 200, 228)]), (0.0, [("Licensee", 300, 200, 228), ("shall", 400, 200, 228)]),
             (0.0, [("2,", 100, 260, 288), ("Such", 180, 260, 288)])]  # "2," close to its word: left alone
    page = ocr_words.read_hocr(_hocr(lines), 1, (0.0, 0.0, 612.0, 792.0), 2.0)
    assert [w[0] for line in page.lines for w in line.words] == ["1.", "Licensee", "shall", "2,", "Such"]


def test_the_cache_lives_in_the_users_cache_folder(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache_root() == tmp_path / "clauselint" / "ocr"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/path")  # not absolute: ignored, as the XDG spec says
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache_root() == tmp_path / "home" / ".cache" / "clauselint" / "ocr"
    damaged = PageCache.for_file("f" * 64, "x", root=tmp_path / "c")
    damaged.folder.mkdir(parents=True)
    (damaged.folder / "page-1.json").write_text('{"format": 1, "frame": [0, 0, "x", 1], "lines": []}', encoding="utf-8")
    assert damaged.get(1) is None  # a damaged entry is a miss, never an error
    size = (damaged.folder / "page-1.json").stat().st_size
    assert clear_cache(tmp_path / "c") == (1, size)
    assert not (tmp_path / "c").exists()


def _searchable_scan(mode: int) -> bytes:
    """A page-filling picture with the contract's text over it in text render `mode` (3: invisible,
    the OCR layer a scanner adds; 0: ordinary visible text)."""
    from PIL import Image
    from reportlab.lib.pagesizes import letter
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=letter)
    page.drawImage(ImageReader(Image.new("L", (85, 110), 235)), 0, 0, width=letter[0], height=letter[1])
    text = page.beginText(72, 700)
    text.setTextRenderMode(mode)
    text.setFont("Times-Roman", 11)
    for line in ("4.1 The Customer shall not use the Services for the mass surveillance of people,",
                 "or to locate or identify people as targets of weapons or military operations."):
        text.textLine(line)
    page.drawText(text)
    page.save()
    return buffer.getvalue()


def test_a_searchable_scans_ocr_layer_is_kept_and_flagged() -> None:
    from clauselint.documents.reader import document_from_bytes

    searchable = document_from_bytes(_searchable_scan(3), "searchable-scan.pdf")
    assert "mass surveillance" in searchable.text
    assert all(block.ocr for block in searchable.blocks)
    printed = document_from_bytes(_searchable_scan(0), "printed.pdf")
    assert printed.text == searchable.text and not any(block.ocr for block in printed.blocks)
