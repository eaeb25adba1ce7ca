"""Turn the benchmark's samples into medians, ratios and PASS/FAIL against issue 9's targets."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field

from bench.measure import Sample

GROWTH_LIMIT = 1.25  # "linear": the per-page time at 200 pages within 25% of that at 40 pages


@dataclass(frozen=True)
class Target:
    """One target of issue 9: the measured value, its limit, and the verdict."""

    name: str
    value: float | None
    limit: float
    at_most: bool  # True: value <= limit passes; False: value >= limit passes
    unit: str = "x"
    invalid: str = ""  # why the value cannot be judged (e.g. --jobs not honoured)

    @property
    def verdict(self) -> str:
        if self.value is None:
            return "n/a"
        if self.invalid:
            return "INVALID"
        ok = self.value <= self.limit if self.at_most else self.value >= self.limit
        return "PASS" if ok else "FAIL"


@dataclass(frozen=True)
class Figures:
    """Everything measured in one benchmark: per key (variant or 'floor:<group>') the samples, in run order."""

    groups: dict[str, dict]
    samples: dict[str, list[Sample]]
    problems: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    runs: int = 1
    machine: dict = field(default_factory=dict)
    corpus: dict = field(default_factory=dict)

    def seconds(self, key: str) -> float | None:
        samples = self.samples.get(key)
        return statistics.median(s.seconds for s in samples) if samples else None

    def peak(self, key: str) -> float | None:
        samples = self.samples.get(key)
        return statistics.median(s.peak_mb for s in samples) if samples else None

    def cpu(self, key: str) -> float | None:
        samples = self.samples.get(key)
        return statistics.median(s.cpu_seconds for s in samples) if samples else None

    def ratio(self, key: str, base: str, cpu: bool = False) -> float | None:
        """Median over runs of the paired ratio key/base (the two ran side by side in each run); of wall
        time, or of CPU time with `cpu`."""
        a, b = self.samples.get(key), self.samples.get(base)
        if not a or not b:
            return None
        if cpu:
            pairs = [(x.cpu_seconds, y.cpu_seconds) for x, y in zip(a, b) if y.cpu_seconds > 0]
            return statistics.median(x / y for x, y in pairs) if pairs else None
        return statistics.median(x.seconds / y.seconds for x, y in zip(a, b))

    def growth(self, prefix: str = "") -> tuple[float | None, float | None, float | None]:
        """(CPU s per page beyond start-up at 40 pages, at 200 pages, their ratio): for clauselint, or for the
        floor with prefix 'floor:'. Start-up is the 2-page file's time. Each run's three files ran close
        together, so the ratio is taken per run and its median reported, like the other ratios; CPU
        rather than wall time, as the difference of two wall times on a shared machine is mostly noise."""
        if not all(k in self.groups for k in ("start", "pdf40", "pdf200")):
            return None, None, None
        start, small, large = (self.samples.get(prefix + k, []) for k in ("start", "pdf40", "pdf200"))
        runs = list(zip(start, small, large))
        if not runs:
            return None, None, None
        base = self.groups["start"]["pages"]
        small_pages, large_pages = self.groups["pdf40"]["pages"] - base, self.groups["pdf200"]["pages"] - base
        per_small = [(b.cpu_seconds - a.cpu_seconds) / small_pages for a, b, _ in runs]
        per_large = [(c.cpu_seconds - a.cpu_seconds) / large_pages for a, _, c in runs]
        ratios = [y / x for x, y in zip(per_small, per_large) if x > 0]
        return statistics.median(per_small), statistics.median(per_large), statistics.median(ratios) if ratios else None

    def as_json(self, targets: list[Target]) -> dict:
        rows = {}
        for group, info in self.groups.items():
            for variant in info["variants"]:
                rows[variant] = {
                    "group": group, "label": info["label"], "pages": info["pages"], "files": info["files"],
                    "clauselint": _series(self.samples.get(variant, [])),
                    "floor": _series(self.samples.get(f"floor:{group}", [])),
                    "ratio": _round(self.ratio(variant, f"floor:{group}")),
                    "cpu_ratio": _round(self.ratio(variant, f"floor:{group}", cpu=True)),
                    "problem": self.problems.get(variant)}
        small, large, growth = self.growth()
        return {"machine": self.machine, "runs": self.runs, "corpus_words": self.corpus, "rows": rows,
                "growth": {"cpu_seconds_per_page_40": _round(small, 5), "cpu_seconds_per_page_200": _round(large, 5),
                           "ratio": _round(growth)},
                "targets": [{"name": t.name, "value": _round(t.value), "limit": t.limit,
                             "comparison": "<=" if t.at_most else ">=", "unit": t.unit, "verdict": t.verdict,
                             "invalid": t.invalid or None} for t in targets],
                "notes": self.notes}


def _series(samples: list[Sample]) -> dict:
    return {"seconds": [round(s.seconds, 3) for s in samples], "peak_mb": [round(s.peak_mb, 1) for s in samples],
            "cpu_seconds": [round(s.cpu_seconds, 3) for s in samples],
            "median_seconds": _round(statistics.median(s.seconds for s in samples)) if samples else None,
            "median_cpu_seconds": _round(statistics.median(s.cpu_seconds for s in samples)) if samples else None,
            "median_peak_mb": _round(statistics.median(s.peak_mb for s in samples), 1) if samples else None}


def _round(value: float | None, digits: int = 3) -> float | None:
    return None if value is None else round(value, digits)


def busy(machine: dict) -> str:
    """Why two-worker figures cannot be trusted on this run: other work already filled the cores, or ''."""
    load, cores = machine.get("load_average"), machine.get("cores")
    if not load or not cores or load["before"][0] < cores:
        return ""
    return f"machine busy: load average {load['before'][0]:.1f} on {cores} cores before the run; a second worker had no idle core"


def evaluate_targets(figures: Figures, jobs_valid: bool) -> list[Target]:
    """Issue 9's targets, each with the figure it is judged on (None when the case was not run). The two
    --jobs targets are INVALID when --jobs N is not known to start N workers, or the machine was busy."""
    jobs_note = "" if jobs_valid else "--jobs not confirmed to start N workers"
    jobs_note = jobs_note or busy(figures.machine)
    speedup = figures.ratio("batch-j1", "batch-j2")
    return [
        Target("40-page PDF within 1.5x the floor", figures.ratio("pdf40", "floor:pdf40"), 1.5, True),
        Target("40-page DOCX within 1.5x the floor", figures.ratio("docx40", "floor:docx40"), 1.5, True),
        Target("200-page PDF within 2x the floor", figures.ratio("pdf200", "floor:pdf200"), 2.0, True),
        Target("200-page PDF peak memory at most 300 MB", figures.peak("pdf200"), 300.0, True, unit=" MB"),
        Target("batch --jobs 2 no slower than the floor on one core", figures.ratio("batch-j2", "floor:batch"), 1.0, True,
               invalid=jobs_note),
        Target("--jobs 2 at least 1.7x faster than --jobs 1", speedup, 1.7, False, invalid=jobs_note),
        Target(f"time linear in pages (per-page time 200 vs 40 pages within {GROWTH_LIMIT}x)", figures.growth()[2],
               GROWTH_LIMIT, True),
    ]


def format_report(figures: Figures, targets: list[Target]) -> str:
    """The printout: a table of medians and ratios, the growth line, the targets, then notes."""
    m = figures.machine
    lines = [f"clauselint vs the floor: {m.get('date')}, {m.get('cores')} cores ({m.get('cpu')}), "
             f"median of {figures.runs} run(s), whole processes", ""]
    header = (f"{'case':<40} {'clauselint':>9} {'cpu':>8} {'peak':>7}   {'floor':>8} {'cpu':>8} {'peak':>7}   "
              f"{'ratio':>6} {'cpu ratio':>9}")
    lines += [header, "-" * len(header)]
    for group, info in figures.groups.items():
        floor = f"floor:{group}"
        for variant in info["variants"]:
            label = info["label"] + (f", --jobs {variant[-1]}" if variant.startswith("batch-j") else "")
            lines.append(f"{label:<40} {_s(figures.seconds(variant)):>9} {_s(figures.cpu(variant)):>8} {_mb(figures.peak(variant)):>7}   "
                         f"{_s(figures.seconds(floor)):>8} {_s(figures.cpu(floor)):>8} {_mb(figures.peak(floor)):>7}   "
                         f"{_x(figures.ratio(variant, floor)):>6} {_x(figures.ratio(variant, floor, cpu=True)):>9}")
    small, large, growth = figures.growth()
    if small is not None:
        lines += ["", f"growth 40 -> 200 pages, CPU per page beyond start-up (median of runs): {_ms(small)} -> {_ms(large)}, "
                      f"ratio {_x(growth)}"]
    lines += ["", "targets (issue 9):"]
    for target in targets:
        limit = f"{'<=' if target.at_most else '>='} {target.limit:g}{target.unit}"
        value = "not run" if target.value is None else (f"{target.value:.2f}{target.unit}" if target.unit == "x"
                                                        else f"{target.value:.0f}{target.unit}")
        why = f"  ({target.invalid})" if target.invalid and target.value is not None else ""
        lines.append(f"  {target.verdict:<7} {target.name:<72} {value:>9}  (target {limit}){why}")
    notes = list(figures.notes)
    notes += [f"{key}: {problem}" for key, problem in figures.problems.items()]
    notes.append("times are wall clock, targets are judged on them; cpu = user + system time of the process and its workers")
    notes.append("peak = the largest resident set of any one process of the run (wait4 ru_maxrss), not the sum over workers")
    load = m.get("load_average")
    if load:
        notes.append(f"load average before/after: {load['before'][0]:.2f} / {load['after'][0]:.2f} on {m.get('cores')} cores"
                     " (others' work inflates both sides; compare ratios)")
    lines += ["", "notes:"] + [f"  - {note}" for note in notes]
    return "\n".join(lines) + "\n"


def _s(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f} s"


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value * 1000:.1f} ms"


def _mb(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f} MB"


def _x(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}x"
