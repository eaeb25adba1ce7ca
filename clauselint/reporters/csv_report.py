"""CSV for spreadsheets in a batch audit: one row per file and rule (one row for a file that could not be read).

Cells that a spreadsheet would run as a formula (starting with = + - @) are prefixed with a quote:
the text comes from counterparties' files.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from clauselint.findings import FileResult, Finding, Report
from clauselint.reporters.common import quote

COLUMNS = ("path", "bundle", "sha256", "format", "pages", "pack", "rule", "status", "waived", "severity", "message",
           "reason", "evidence", "page", "section", "part", "more_evidence", "suggestion", "suggestion_placement",
           "waiver_reason", "waiver_by", "waiver_date", "error_code", "error_message")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe(value: Any) -> str:
    text = "" if value is None else str(value)
    text = " ".join(text.split()) if "\n" in text or "\r" in text else text
    return "'" + text if text.startswith(_FORMULA_START) else text


def render_csv(report: Report, **_: Any) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for result in report.results:
        if result.error is not None:
            writer.writerow([safe(v) for v in _row(result, None)])
            continue
        for finding in result.findings:
            writer.writerow([safe(v) for v in _row(result, finding)])
    return buffer.getvalue()


def _row(result: FileResult, finding: Finding | None) -> list[Any]:
    base = {"path": result.path, "bundle": "; ".join(result.bundle[1:]), "sha256": result.sha256, "format": result.format,
            "pages": result.pages}
    if finding is None or result.error is not None:
        if result.error is not None:
            base |= {"status": "error", "error_code": result.error.code, "error_message": result.error.message}
        return [base.get(column) for column in COLUMNS]
    first = finding.evidence[0] if finding.evidence else None
    base |= {
        "pack": finding.pack, "rule": finding.rule, "status": finding.status.value, "waived": "yes" if finding.waived else "no",
        "severity": finding.severity.value, "message": finding.message, "reason": finding.reason,
        "evidence": quote(first) if first else None, "page": first.page if first else None,
        "section": first.section if first else None, "part": first.part if first else None,
        "more_evidence": len(finding.evidence) - 1 if len(finding.evidence) > 1 else None,
        "suggestion": finding.suggestion.text if finding.suggestion else None,
        "suggestion_placement": finding.suggestion.placement if finding.suggestion else None,
    }
    if finding.waiver is not None:
        base |= {"waiver_reason": finding.waiver.reason, "waiver_by": finding.waiver.by, "waiver_date": finding.waiver.date}
    return [base.get(column) for column in COLUMNS]
