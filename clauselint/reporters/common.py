"""What several formats say the same way: marks, where a quote is, rule names, the batch matrix."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from clauselint.findings import Evidence, FileResult, Finding, Report, Status

MARKS = {Status.PRESENT: "✓", Status.PARTIAL: "~", Status.MISSING: "✗", Status.CONFLICT: "!"}
WAIVED_MARK = "–"
ERROR_MARK = "E"
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def clean(text: str) -> str:
    """Text from a counterparty's file, safe to print: no terminal escapes or bidi overrides."""
    return _CONTROL.sub("", text)


def mark(finding: Finding) -> str:
    return WAIVED_MARK if finding.waived else MARKS[finding.status]


def status_label(finding: Finding) -> str:
    """`missing`, or `waived` for an accepted finding."""
    return "waived" if finding.waived else finding.status.value


def where(evidence: Evidence, main_path: str | None = None) -> str:
    """`p. 4, § 5.3(c), table` (+ the file when it is not the main document)."""
    return ", ".join(filter(None, [
        f"p. {evidence.page}" if evidence.page else None,
        f"§ {evidence.section}" if evidence.section else None,
        evidence.part if evidence.part != "body" else None,
        evidence.file if main_path is None or evidence.file != main_path else None,
    ]))


def quote(evidence: Evidence) -> str:
    return evidence.text if not evidence.context else f"{evidence.context} … {evidence.text}"


def rule_name(report: Report, finding: Finding) -> str:
    info = report.rule_info(finding.pack, finding.rule)
    return info.name if info is not None else finding.rule


def header_line(result: FileResult) -> str:
    """The contract as a reviewer names it: the file, and what came with it."""
    return result.path if len(result.bundle) < 2 else f"{result.path} (with {', '.join(result.bundle[1:])})"


def document_line(result: FileResult) -> str:
    """`DOCX, 12 pages; Acme Vision Inc. (provider), Customer (customer)`."""
    parts = [result.format.upper() if result.format else None]
    if result.pages:
        parts[0] = f"{parts[0]}, {result.pages} page{'s' if result.pages != 1 else ''}"
    names = [f"{result.parties[k]} ({k})" for k in ("provider", "customer") if result.parties.get(k)]
    return "; ".join(filter(None, [*parts, ", ".join(names)]))


@dataclass(frozen=True)
class Column:
    pack: str
    rule: str
    number: int


def columns(report: Report) -> list[Column]:
    """The rules of the files × rules matrix, in pack order."""
    keys: list[tuple[str, str]] = [(r.pack, r.id) for r in report.rules]
    for result in report.results:
        for finding in result.findings:
            if (finding.pack, finding.rule) not in keys:
                keys.append((finding.pack, finding.rule))
    return [Column(pack, rule, n) for n, (pack, rule) in enumerate(keys, 1)]


def cell(result: FileResult, column: Column) -> Finding | None:
    return next((f for f in result.findings if f.pack == column.pack and f.rule == column.rule), None)


def status_counts(report: Report) -> dict[str, int]:
    """present / partial / missing / conflict as in the JSON summary, and how many of them are waived."""
    return {**report.counts(), "waived": report.waived_count()}


def closing_line(report: Report) -> str:
    """`3 files: 7 present, 2 partial, 5 missing, 0 conflict (1 waived); 1 unreadable`."""
    counts = status_counts(report)
    files = len(report.results)
    text = f"{files} file{'s' if files != 1 else ''}: " + ", ".join(f"{counts[s.value]} {s.value}" for s in Status)
    if counts["waived"]:
        text += f" ({counts['waived']} waived)"
    errors = report.error_count()
    return text + (f"; {errors} unreadable" if errors else "")


def slowest(results: Iterable[FileResult], limit: int = 5) -> list[FileResult]:
    timed = [r for r in results if r.seconds is not None]
    return sorted(timed, key=lambda r: (-(r.seconds or 0.0), r.path))[:limit]
