"""OCR seconds per page on this machine: sample contracts rendered to image-only PDFs and read back.

Each contract's pages are rendered at 200 dpi and saved as an image-only PDF (a scan), then read
by clauselint's PDF reader with OCR: once with one Tesseract process, once with `--jobs` of them,
and once more from the cache. Reports wall-clock seconds per page for each, and the CPU seconds
Tesseract spent per page (from the children's resource usage), as one JSON line and a summary.

    python bench/ocr_bench.py                       # 3 short sample contracts, jobs 1 and the machine's cores
    python bench/ocr_bench.py --jobs 2 sample_contracts/pdf/uk-halden-dpa.pdf
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_CONTRACTS = ("eu-tos-facetrail-api", "mix-amend-pellucid-northgate", "us-exb-maristow-restricted")


def make_scan(source: Path, target: Path, dpi: int = 200) -> int:
    """Write an image-only copy of `source` (each page a grey JPEG at `dpi`); its page count."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(source))
    try:
        images = [document[i].render(scale=dpi / 72, grayscale=True).to_pil().convert("L") for i in range(len(document))]
    finally:
        document.close()
    images[0].save(target, save_all=True, append_images=images[1:], resolution=dpi)
    return len(images)


def read_all(scans: list[Path], jobs: int) -> tuple[float, float]:
    """(wall seconds, Tesseract CPU seconds) to read every scan with OCR using `jobs` processes."""
    from clauselint.documents.reader import ReadLimits, read_document

    limits = ReadLimits(ocr="auto", ocr_jobs=jobs)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    for scan in scans:
        document = read_document(scan, limits)
        assert any(block.ocr for block in document.blocks), f"{scan}: nothing was read by OCR"
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    from clauselint.batch import default_jobs

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pdfs", nargs="*", help="text PDFs to turn into scans (default: three short sample contracts)")
    parser.add_argument("--jobs", type=int, default=default_jobs(), help="Tesseract processes at once for the parallel run")
    args = parser.parse_args()
    if shutil.which("tesseract") is None:
        sys.exit("ocr_bench: Tesseract is not installed (apt-get install tesseract-ocr tesseract-ocr-eng)")
    sources = [Path(p) for p in args.pdfs] or [ROOT / "sample_contracts" / "pdf" / f"{name}.pdf" for name in DEFAULT_CONTRACTS]
    with tempfile.TemporaryDirectory(prefix="clauselint-ocr-bench-") as folder:
        scans, pages = [], 0
        for source in sources:
            scan = Path(folder) / f"{source.stem}-scan.pdf"
            pages += make_scan(source, scan)
            scans.append(scan)
        runs = {}
        for label, jobs in (("jobs_1", 1), (f"jobs_{args.jobs}", args.jobs)):
            os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(dir=folder)  # a fresh cache: every page OCR'd
            wall, cpu = read_all(scans, jobs)
            runs[label] = {"seconds_per_page": round(wall / pages, 2), "tesseract_cpu_per_page": round(cpu / pages, 2)}
        wall, _ = read_all(scans, 1)  # the last cache is warm now
        runs["cached"] = {"seconds_per_page": round(wall / pages, 3)}
    load = round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else None
    result = {"files": len(scans), "pages": pages, "dpi": 200, "cores": default_jobs(), "load_average": load, **runs}
    print(json.dumps(result))
    print(f"OCR of {pages} scanned pages ({len(scans)} contracts, 200 dpi): "
          + "; ".join(f"{label.replace('_', ' ')}: {run['seconds_per_page']} s/page" for label, run in runs.items())
          + f"; Tesseract CPU {runs['jobs_1']['tesseract_cpu_per_page']} s/page (load average {load})", file=sys.stderr)


if __name__ == "__main__":
    main()
