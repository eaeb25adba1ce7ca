"""Files per second of `clauselint audit`: 1 and 2 local workers, and a Dask LocalCluster of two workers.

    python bench/audit_bench.py                          # 120 generated contracts of 2-6 pages, one run of each case
    python bench/audit_bench.py --files 400 --runs 3 --data /tmp/audit-bench --json audit-figures.json

Each case is a whole `clauselint audit` process writing a fresh results file, timed from outside
("wall": start-up, worker warm-up and, for Dask, starting the cluster included) and at the pace the
audit reports once its workers are up ("audit": from the first file done to the last). A last case re-runs
the 2-worker audit on its own results: nothing changed, so every file is hashed and skipped. The
contracts are DOCX and PDF from bench/generate.py (deterministic; kept in --data DIR for re-use).
With --runs N the median of N runs is shown; figures drift ±30% on a shared machine.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `bench` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.generate import GENERATOR_VERSION, generate
from bench.measure import run_process

CASES = {
    "local, 1 worker": ["--jobs", "1"],
    "local, 2 workers": ["--jobs", "2"],
    "Dask LocalCluster, 2 workers": ["--engine", "dask", "--scheduler", "local", "--jobs", "2"],
}
RERUN = "re-run, nothing changed (local, 2 workers)"
_RATE = re.compile(r"([0-9.]+) files/s once started")


@dataclass(frozen=True)
class Figure:
    case: str
    files: int
    wall_seconds: float
    wall_files_per_second: float
    audit_files_per_second: float | None
    cpu_seconds: float


def make_corpus(folder: Path, files: int, pages: tuple[int, int]) -> list[Path]:
    """`files` contracts, DOCX and PDF alternating, restrictions varied; reused when the folder already holds them."""
    manifest = folder / "audit-bench.json"
    wanted = {"version": GENERATOR_VERSION, "files": files, "pages": list(pages)}
    if manifest.is_file() and json.loads(manifest.read_text()) == wanted:
        return sorted(p for p in folder.glob("contract-*") if p.suffix in (".docx", ".pdf"))
    made: list[Path] = []
    for index in range(files):
        count = pages[0] + index % (pages[1] - pages[0] + 1)
        fmt = "pdf" if index % 2 else "docx"
        restrictions = ("full", "partial", "none")[index % 3]
        made += [Path(g.path) for g in generate(folder, f"contract-{index:04d}", count, 7000 + index, formats=(fmt,),
                                                restrictions=restrictions)]
    manifest.write_text(json.dumps(wanted))
    return sorted(made)


def audit_once(case: str, corpus: Path, results: Path, extra: Sequence[str], expected: int) -> Figure:
    """A fresh audit of the whole corpus."""
    results.unlink(missing_ok=True)
    return measure(case, corpus, results, extra, expected)


def measure(case: str, corpus: Path, results: Path, extra: Sequence[str], expected: int) -> Figure:
    """One `clauselint audit` process into `results`, which must then hold one line per contract."""
    command = [sys.executable, "-m", "clauselint", "audit", str(corpus), "--results", str(results), "--isolated", *extra]
    sample = run_process(command)
    if sample.status != 0:
        raise SystemExit(f"audit_bench: {' '.join(command)} failed ({sample.status}):\n{sample.stderr}")
    lines = results.read_bytes().count(b"\n")
    if lines != expected:
        raise SystemExit(f"audit_bench: {results} has {lines} lines, expected {expected}")
    rate = _RATE.findall(sample.stderr)
    audited = case != RERUN and rate  # a re-run lints nothing: only its wall rate (files checked per second) means anything
    return Figure(case, expected, round(sample.seconds, 2), round(expected / sample.seconds, 2),
                  float(rate[-1]) if audited else None, round(sample.cpu_seconds, 2))


def median(figures: list[Figure]) -> Figure:
    pick = sorted(figures, key=lambda f: f.wall_seconds)[len(figures) // 2]
    rates = [f.audit_files_per_second for f in figures if f.audit_files_per_second is not None]
    return Figure(pick.case, pick.files, pick.wall_seconds, pick.wall_files_per_second,
                  round(statistics.median(rates), 2) if rates else None, pick.cpu_seconds)


def format_table(figures: Sequence[Figure]) -> str:
    rows = [f"{'case':<44} {'files':>6} {'wall s':>8} {'wall files/s':>13} {'audit files/s':>14} {'CPU s':>7}"]
    for f in figures:
        audit = f"{f.audit_files_per_second:.1f}" if f.audit_files_per_second is not None else "-"
        rows.append(f"{f.case:<44} {f.files:>6} {f.wall_seconds:>8.1f} {f.wall_files_per_second:>13.1f} {audit:>14} {f.cpu_seconds:>7.1f}")
    return "\n".join(rows)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=120, help="contracts to generate (default 120)")
    parser.add_argument("--pages", default="2-6", help="pages per contract, a range (default 2-6)")
    parser.add_argument("--runs", type=int, default=1, help="runs of each case; the median is shown (default 1)")
    parser.add_argument("--data", help="keep the contracts in this folder and reuse them next time")
    parser.add_argument("--json", dest="json_out", help="also write the figures to this JSON file")
    parser.add_argument("--no-dask", action="store_true", help="leave out the Dask case (for a machine without the dask extra)")
    args = parser.parse_args(argv)
    low, _, high = args.pages.partition("-")
    pages = (int(low), int(high or low))
    with tempfile.TemporaryDirectory(prefix="clauselint-audit-bench-") as scratch:
        corpus = Path(args.data) if args.data else Path(scratch) / "corpus"
        corpus.mkdir(parents=True, exist_ok=True)
        files = make_corpus(corpus, args.files, pages)
        print(f"{len(files)} contracts ({pages[0]}-{pages[1]} pages, DOCX and PDF) in {corpus}", flush=True)
        cases = {name: extra for name, extra in CASES.items() if not (args.no_dask and "Dask" in name)}
        figures: list[Figure] = []
        for name, extra in cases.items():
            figures.append(median([audit_once(name, corpus, Path(scratch) / "results.jsonl", extra, len(files))
                                   for _ in range(args.runs)]))
            print(format_table(figures[-1:]).splitlines()[1], flush=True)
        results = Path(scratch) / "rerun.jsonl"
        audit_once(RERUN, corpus, results, CASES["local, 2 workers"], len(files))
        rerun = [measure(RERUN, corpus, results, CASES["local, 2 workers"], len(files)) for _ in range(args.runs)]
        figures.append(median(rerun))
    print()
    print(format_table(figures))
    if args.json_out:
        Path(args.json_out).write_text(json.dumps([asdict(f) for f in figures], indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
