"""Benchmark clauselint against the floor (bench/floor.py) on generated contracts, and check the targets.

    python bench/run.py               # 3 runs of every case (about 5-10 minutes on 2 cores)
    python bench/run.py --quick       # 1 run, a 40-contract batch: a few minutes, for a first look
    python bench/run.py --runs 5 --out figures.json --data /tmp/bench-corpus

Every figure is a whole process (start-up included), and clauselint and the floor run alternately
on the same files within each run, so drift on a shared machine hits both; the ratio of each run's
pair is taken and the median over runs reported. The contracts are generated deterministically
(bench/generate.py) into a temporary folder, or into --data DIR where they are kept and reused.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import shlex
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `bench` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.generate import CorpusSpec, generate_corpus
from bench.measure import Sample, run_process
from bench.report import Figures, evaluate_targets, format_report

FLOOR = str(Path(__file__).resolve().parent / "floor.py")
QUICK_BATCH = 40


@dataclass(frozen=True)
class Variant:
    """One clauselint command on a group's inputs (a batch has two: --jobs 1 and --jobs 2)."""

    key: str
    jobs: int | None = None


@dataclass(frozen=True)
class Group:
    """Inputs measured together: the floor once per run, then each clauselint variant."""

    key: str
    label: str
    files: tuple[str, ...]
    clauselint_inputs: tuple[str, ...]
    variants: tuple[Variant, ...]
    pages: int = 0


@dataclass
class Collected:
    """Samples per key (a variant's key, or 'floor:<group>'), in run order."""

    samples: dict[str, list[Sample]] = field(default_factory=dict)
    problems: dict[str, str] = field(default_factory=dict)

    def add(self, key: str, sample: Sample) -> None:
        self.samples.setdefault(key, []).append(sample)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parse(argv)
    runs = args.runs or (1 if args.quick else 3)
    data = Path(args.data).resolve() if args.data else Path(tempfile.mkdtemp(prefix="clauselint-bench-"))
    try:
        return _benchmark(args, runs, data)
    except KeyboardInterrupt:
        print("\ninterrupted", file=sys.stderr)
        return 130
    finally:
        if not args.data and not args.keep:
            shutil.rmtree(data, ignore_errors=True)
        elif args.keep or args.data:
            print(f"contracts kept in {data}")


def _parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Benchmark clauselint against the floor (see bench/floor.py).")
    parser.add_argument("--quick", action="store_true", help=f"one run, a {QUICK_BATCH}-contract batch, no 200-page DOCX row")
    parser.add_argument("--runs", type=int, help="runs of every case (default 3; 1 with --quick)")
    parser.add_argument("--out", metavar="FILE", help="also write the figures as JSON to FILE")
    parser.add_argument("--data", metavar="DIR", help="generate the contracts into DIR and keep them (reused if already there)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder of contracts and reports")
    parser.add_argument("--only", metavar="KEYS", help="comma-separated groups: start,pdf40,docx40,pdf200,docx200,batch")
    parser.add_argument("--clauselint", metavar="CMD", default=f"{shlex.quote(sys.executable)} -m clauselint",
                        help="how to start clauselint (default: this Python's `-m clauselint`)")
    args = parser.parse_args(argv)
    if args.runs is not None and args.runs < 1:
        parser.error("--runs must be at least 1")
    return args


def _benchmark(args: argparse.Namespace, runs: int, data: Path) -> int:
    clauselint = shlex.split(args.clauselint)
    env = _environment(data)
    machine = _machine(clauselint)
    print(f"clauselint benchmark: {machine['date']}, {machine['cpu']}, {machine['cores']} cores, Python {machine['python']}, "
          f"clauselint {machine['clauselint']}, spaCy {machine['spacy']}")
    print(f"generating contracts in {data} ...")
    manifest = generate_corpus(data / "corpus", CorpusSpec(batch=QUICK_BATCH if args.quick else CorpusSpec.batch))
    notes: list[str] = []
    jobs = _jobs_support(clauselint, manifest, data / "jobs-probe.json", env)
    if jobs != "honoured":
        notes.append(jobs)
    groups = _groups(manifest, with_batch=jobs != "absent", quick=args.quick)
    if args.only:
        wanted = {k.strip() for k in args.only.split(",")}
        groups = [g for g in groups if g.key in wanted]
    outputs = data / "reports"
    outputs.mkdir(exist_ok=True)
    collected = Collected()
    print(f"warming up; then {runs} run(s) of {len(groups)} case group(s), clauselint and the floor alternating")
    _warm_up(clauselint, manifest, outputs, env)
    load_before = os.getloadavg()
    for run in range(runs):
        for group in groups:
            _run_group(group, run, clauselint, outputs, collected, env)
            names = {f"floor:{group.key}": "floor", **{v.key: "clauselint" + (f" --jobs {v.jobs}" if v.jobs else "") for v in group.variants}}
            done = ", ".join(f"{name} {collected.samples[key][-1].seconds:.2f} s" for key, name in names.items()
                             if len(collected.samples.get(key, ())) == run + 1)
            print(f"  run {run + 1}/{runs}, {group.label}: {done}", flush=True)
    machine["load_average"] = {"before": [round(x, 2) for x in load_before], "after": [round(x, 2) for x in os.getloadavg()]}
    figures = Figures(groups={g.key: {"label": g.label, "pages": g.pages, "files": len(g.files),
                                      "variants": [v.key for v in g.variants]} for g in groups},
                      samples=collected.samples, problems=collected.problems, notes=notes, runs=runs, machine=machine,
                      corpus={name: files[0]["words"] for name, files in manifest["files"].items() if name != "batch"})
    targets = evaluate_targets(figures, jobs_valid=jobs == "honoured")
    print()
    print(format_report(figures, targets))
    if args.out:
        _write_json(Path(args.out), figures.as_json(targets))
        print(f"figures written to {args.out}")
    return 0


# ------------------------------------------------------------------------------------------ cases

def _groups(manifest: dict, with_batch: bool, quick: bool) -> list[Group]:
    files = manifest["files"]

    def single(key: str, label: str, name: str, fmt: str) -> Group:
        entry = next(f for f in files[name] if f["format"] == fmt)
        return Group(key, label, (entry["path"],), (entry["path"],), (Variant(key),), pages=entry["pages"])

    startup_pages = CorpusSpec.startup_pages
    groups = [single("start", f"{startup_pages}-page PDF (start-up)", f"agreement-{startup_pages}p", "pdf"),
              single("pdf40", "40-page PDF", "agreement-40p", "pdf"),
              single("docx40", "40-page DOCX", "agreement-40p", "docx"),
              single("pdf200", "200-page PDF", "agreement-200p", "pdf")]
    if not quick:
        groups.append(single("docx200", "200-page DOCX", "agreement-200p", "docx"))
    if with_batch:
        batch = tuple(f["path"] for f in files["batch"])
        folder = str(Path(batch[0]).parent)
        groups.append(Group("batch", f"{len(batch)} contracts of 5-15 pages", batch, (folder,),
                            (Variant("batch-j1", 1), Variant("batch-j2", 2)), pages=sum(f["pages"] for f in files["batch"])))
    return groups


def _clauselint_command(clauselint: list[str], inputs: Sequence[str], output: Path, jobs: int | None) -> list[str]:
    command = [*clauselint, *inputs, "--isolated", "--format", "json", "-o", str(output), "--exit-zero", "-q"]
    return command + (["--jobs", str(jobs)] if jobs is not None else [])


def _run_group(group: Group, run: int, clauselint: list[str], outputs: Path, collected: Collected, env: dict[str, str]) -> None:
    """The floor and the variants, in an order that is reversed on every other run."""
    steps: list[Variant | None] = [None, *group.variants]
    if run % 2:
        steps.reverse()
    for variant in steps:
        if variant is None:
            sample = run_process([sys.executable, FLOOR, *group.files], env)
            if sample.status != 0:
                raise SystemExit(f"the floor failed on {group.label}: {sample.stderr.strip()[-500:]}")
            collected.add(f"floor:{group.key}", sample)
            continue
        if variant.key in collected.problems and collected.problems[variant.key].startswith("failed"):
            continue
        output = outputs / f"{variant.key}.json"
        sample = run_process(_clauselint_command(clauselint, group.clauselint_inputs, output, variant.jobs), env)
        problem = _check_report(sample, output, expected=len(group.files))
        if problem:
            collected.problems[variant.key] = problem
            if problem.startswith("failed"):
                print(f"  {group.label}: clauselint {problem}", file=sys.stderr)
                continue
        collected.add(variant.key, sample)


def _check_report(sample: Sample, output: Path, expected: int) -> str | None:
    """A run only counts if clauselint wrote a report on every file; files it could not read are noted."""
    if sample.status not in (0, 1):
        return f"failed (exit status {sample.status}): {sample.stderr.strip()[-300:]}"
    try:
        report = json.loads(output.read_text(encoding="utf-8"))
        output.unlink()
    except (OSError, ValueError) as error:
        return f"failed: no JSON report ({error})"
    results = report.get("results", [])
    if len(results) != expected:
        return f"failed: {len(results)} results for {expected} files"
    errors = [r for r in results if r.get("error")]
    if errors:
        first = errors[0]["error"]
        return f"{len(errors)} of {expected} files not read, e.g. {first.get('code')}: {first.get('message')}"
    return None


def _warm_up(clauselint: list[str], manifest: dict, outputs: Path, env: dict[str, str]) -> None:
    """Fill the bytecode cache, and load the interpreter, spaCy and the files into the page cache, before timing."""
    small = manifest["files"][f"agreement-{CorpusSpec.startup_pages}p"][0]["path"]
    everything = [f["path"] for group in manifest["files"].values() for f in group]
    run_process(_clauselint_command(clauselint, [small], outputs / "warm-up.json", None), env)
    run_process([sys.executable, FLOOR, *everything], env)


# ----------------------------------------------------------------------------------- environment

def _environment(data: Path) -> dict[str, str]:
    """Both sides run with a bytecode cache, as a pip-installed clauselint has: an editable install under
    PYTHONDONTWRITEBYTECODE would recompile clauselint's sources on every start. The cache lives in the
    temporary folder (PYTHONPYCACHEPREFIX), so nothing is written into the repository or site-packages."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(data / "pycache")
    env["NO_COLOR"] = "1"
    return env


def _jobs_support(clauselint: list[str], manifest: dict, scratch: Path, env: dict[str, str]) -> str:
    """'honoured', 'absent' (no --jobs option: batch rows skipped), or a note saying what is wrong."""
    help_text = ""
    for command in (["lint", "--help"], ["--help"]):
        done = subprocess.run([*clauselint, *command], capture_output=True, text=True, check=False, env=env)
        help_text += done.stdout
    if "--jobs" not in help_text:
        return "absent"
    probe = ("import sys, clauselint.batch as batch\n"
             "def report(tasks, options, *, jobs, **_):\n"
             "    print('JOBS', jobs); sys.stdout.flush(); raise SystemExit(0)\n"
             "batch.run_tasks = report\n"
             "from clauselint.cli import main\n"
             "main(sys.argv[1:])\n")
    files = [f["path"] for f in manifest["files"]["batch"][:2]]
    seen = []
    for jobs in (1, 2):
        done = subprocess.run([sys.executable, "-c", probe, *files, "--isolated", "-q", "--exit-zero", "-f", "json",
                               "-o", str(scratch), "--jobs", str(jobs)], capture_output=True, text=True, check=False,
                              env=env)
        words = done.stdout.split()
        seen.append(words[1] if len(words) == 2 and words[0] == "JOBS" else None)
    if seen == ["1", "2"]:
        return "honoured"
    if None in seen:
        return "could not check that --jobs N starts N workers (clauselint.batch.run_tasks changed?); batch rows kept"
    return (f"--jobs is NOT honoured: --jobs 1 and --jobs 2 gave {seen[0]} and {seen[1]} workers "
            "(cli.py passes settings.jobs, not the option); the --jobs rows measure the default")


def _machine(clauselint: list[str]) -> dict:
    from importlib.metadata import PackageNotFoundError, version

    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - macOS
        cores = os.cpu_count() or 1
    done = subprocess.run([*clauselint, "--version"], capture_output=True, text=True, check=False)
    try:
        spacy_version = version("spacy")
    except PackageNotFoundError:
        spacy_version = "?"
    return {"date": datetime.date.today().isoformat(), "cpu": cpu, "cores": cores, "platform": platform.platform(),
            "python": platform.python_version(), "clauselint": (done.stdout.split() or ["?"])[-1], "spacy": spacy_version}


def _write_json(path: Path, payload: dict) -> None:
    """Atomically: a temporary file beside the target, then a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = tempfile.NamedTemporaryFile("w", dir=path.parent, prefix=f".{path.name}.", delete=False, encoding="utf-8")
    with handle:
        json.dump(payload, handle, indent=2)
    os.replace(handle.name, path)


if __name__ == "__main__":
    sys.exit(main())

