"""bench/: the generated contracts are valid DOCX/PDF of the requested size, and the harness judges targets right.

Small sizes only, and no timing assertions: speed belongs in `python bench/run.py`, not in tests.
"""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import docx
import pypdfium2
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.generate import CorpusSpec, generate, generate_corpus  # noqa: E402
from bench.measure import Sample, run_process  # noqa: E402
from bench.report import Figures, evaluate_targets, format_report  # noqa: E402


def _pdf_pages(path: str) -> list[str]:
    document = pypdfium2.PdfDocument(path)
    try:
        return [document[i].get_textpage().get_text_range() for i in range(len(document))]
    finally:
        document.close()


@pytest.fixture(scope="module")
def six_pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    folder = tmp_path_factory.mktemp("six")
    return {g.format: g for g in generate(folder, "vendor", 6, seed=11)}


def test_pdf_has_exactly_the_pages_asked_for_with_running_header_and_footer(six_pages: dict) -> None:
    pages = _pdf_pages(six_pages["pdf"].path)
    assert len(pages) == six_pages["pdf"].pages == 6
    assert all(f"Page {n} of 6" in text for n, text in enumerate(pages, 1))
    assert all("Confidential" in text for text in pages)
    assert "USE RESTRICTIONS" in "".join(pages[:5])  # before the execution page, so short contracts have it too
    assert "EXECUTION" in pages[-1]


def test_docx_is_a_word_document_with_the_same_clauses_tables_and_a_page_number_footer(six_pages: dict) -> None:
    path = six_pages["docx"].path
    document = docx.Document(path)
    text = "\n".join(p.text for p in document.paragraphs)
    assert "3.1\tThe Customer shall not" in text
    assert any(p.style.name == "Heading 1" for p in document.paragraphs)
    assert document.tables, "the execution block is a table"
    with zipfile.ZipFile(path) as package:
        footers = "".join(package.read(n).decode() for n in package.namelist() if n.startswith("word/footer"))
    assert 'w:instr="PAGE"' in footers and 'w:instr="NUMPAGES"' in footers
    words = len(text.split()) + sum(len(c.text.split()) for t in document.tables for r in t.rows for c in r.cells)
    assert words == pytest.approx(six_pages["docx"].words, rel=0.05)  # the PDF's elements, nothing lost or added


def test_same_seed_same_contract_and_pages_scale_the_text(tmp_path: Path) -> None:
    first = generate(tmp_path / "a", "c", 4, seed=3, formats=("pdf",))[0]
    again = generate(tmp_path / "b", "c", 4, seed=3, formats=("pdf",))[0]
    longer = generate(tmp_path / "c", "c", 12, seed=3, formats=("pdf",))[0]
    assert Path(first.path).read_bytes() == Path(again.path).read_bytes()
    assert len(_pdf_pages(longer.path)) == 12
    assert longer.words > 3 * first.words
    assert 400 * 11 < longer.words < 800 * 11  # a dense contract page (the last one holds the signatures)


def test_corpus_is_reused_when_the_folder_already_holds_it(tmp_path: Path) -> None:
    spec = CorpusSpec(big_pages=(3,), startup_pages=1, batch=4, batch_pages=(2, 3))
    manifest = generate_corpus(tmp_path, spec, log=lambda _: None)
    batch = manifest["files"]["batch"]
    assert {f["format"] for f in batch} == {"pdf", "docx"} and len(batch) == 4
    assert [len(_pdf_pages(f["path"])) for f in batch if f["format"] == "pdf"] == [f["pages"] for f in batch if f["format"] == "pdf"]
    stamp = Path(batch[0]["path"]).stat().st_mtime_ns
    assert generate_corpus(tmp_path, spec, log=lambda _: None) == manifest
    assert Path(batch[0]["path"]).stat().st_mtime_ns == stamp


def test_floor_reads_both_formats_and_matches_phrases(six_pages: dict) -> None:
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "floor.py"), six_pages["pdf"].path, six_pages["docx"].path],
                          capture_output=True, text=True, check=True, timeout=120)
    counts = json.loads(done.stdout)
    assert counts["files"] == 2
    assert counts["tokens"] > six_pages["pdf"].words  # both files' words, plus punctuation
    assert counts["sentences"] > 20 and counts["matches"] > 5


def test_run_process_reports_exit_status_peak_memory_and_stderr() -> None:
    sample = run_process([sys.executable, "-c", "import sys; b = bytearray(80 * 1024 * 1024); sys.exit('no good')"])
    assert sample.status == 1 and "no good" in sample.stderr
    assert sample.peak_mb >= 80


def _figures(clauselint: dict[str, list[float]], floor: dict[str, list[float]], peak: float = 150.0) -> Figures:
    samples = {k: [Sample(s, peak, 0, cpu_seconds=s) for s in v] for k, v in clauselint.items()}
    samples.update({f"floor:{k}": [Sample(s, 100.0, 0, cpu_seconds=s) for s in v] for k, v in floor.items()})
    groups = {"start": {"label": "2-page PDF", "pages": 2, "files": 1, "variants": ["start"]},
              "pdf40": {"label": "40-page PDF", "pages": 40, "files": 1, "variants": ["pdf40"]},
              "pdf200": {"label": "200-page PDF", "pages": 200, "files": 1, "variants": ["pdf200"]},
              "batch": {"label": "batch", "pages": 2000, "files": 200, "variants": ["batch-j1", "batch-j2"]}}
    return Figures(groups=groups, samples=samples, runs=3)


def test_targets_use_paired_ratios_and_say_pass_fail_invalid_or_not_run() -> None:
    figures = _figures({"start": [1.0, 1.0, 1.0], "pdf40": [1.4, 1.4, 2.0], "pdf200": [4.0, 3.0, 3.0],
                        "batch-j1": [20.0, 20.0, 20.0], "batch-j2": [10.0, 11.0, 12.0]},
                       {"start": [0.8] * 3, "pdf40": [1.0, 1.0, 1.0], "pdf200": [2.0, 2.0, 2.0], "batch": [10.0, 10.0, 10.0]})
    verdicts = {t.name.split(" within")[0].split(" at ")[0]: t.verdict for t in evaluate_targets(figures, jobs_valid=True)}
    assert verdicts["40-page PDF"] == "PASS"  # paired ratios 1.4, 1.4, 2.0: median 1.4
    assert verdicts["40-page DOCX"] == "n/a"
    assert verdicts["200-page PDF"] == "PASS"  # 2.0, 1.5, 1.5
    assert verdicts["batch --jobs 2 no slower than the floor on one core"] == "FAIL"  # 1.1
    assert verdicts["--jobs 2"] == "PASS"  # 20/11 = 1.82
    growth = figures.growth()  # per run: (3.0 - 1.0) / 198 over (1.4 - 1.0) / 38, (2.0 / 198) / (0.4 / 38), (2.0 / 198) / (1.0 / 38)
    assert growth[2] == pytest.approx((2.0 / 198) / (0.4 / 38))
    assert growth[0] == pytest.approx(0.4 / 38)
    invalid = {t.verdict for t in evaluate_targets(figures, jobs_valid=False) if "jobs" in t.name}
    assert invalid == {"INVALID"}
    busy = dataclasses.replace(figures, machine={"cores": 2, "load_average": {"before": [2.5, 2.0, 1.0], "after": [3.0, 2.0, 1.0]}})
    assert {t.verdict for t in evaluate_targets(busy, jobs_valid=True) if "jobs" in t.name} == {"INVALID"}
    printed = format_report(figures, evaluate_targets(figures, jobs_valid=True))
    assert "200-page PDF peak memory at most 300 MB" in printed and "FAIL" in printed
    assert json.loads(json.dumps(figures.as_json(evaluate_targets(figures, jobs_valid=True))))["rows"]["pdf40"]["ratio"] == 1.4
