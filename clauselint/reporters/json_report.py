"""The JSON report: the stable interface of ../shared/spec/json-report.md.

Keys are written in a fixed order and nothing depends on timing or the number of workers, so two
runs over the same files diff cleanly. Fields beyond the spec: `sha256` per result (what waivers
are tied to), `waived` per finding, `summary.waived`.
"""

from __future__ import annotations

import json
from typing import Any

from clauselint.findings import Evidence, FileResult, Finding, Report, Waiver


def report_dict(report: Report) -> dict[str, Any]:
    counts = report.counts()
    return {
        "tool": {"name": "clauselint", "version": report.version},
        "packs": list(report.packs),
        "results": [_result(result) for result in report.results],
        "summary": {
            "files": len(report.results),
            "errors": report.error_count(),
            **counts,
            "waived": report.waived_count(),
        },
    }


def _result(result: FileResult) -> dict[str, Any]:
    out: dict[str, Any] = {"path": result.path, "bundle": list(result.bundle), "ok": result.ok, "sha256": result.sha256}
    if result.error is not None:
        out["error"] = {"code": result.error.code, "message": result.error.message}
        out["document"] = None
        out["findings"] = []
        return out
    out["error"] = None
    out["document"] = {"format": result.format, "pages": result.pages, "title": result.title, "parties": result.parties}
    out["findings"] = [_finding(f) for f in result.findings]
    return out


def _finding(finding: Finding) -> dict[str, Any]:
    return {
        "pack": finding.pack,
        "rule": finding.rule,
        "status": finding.status.value,
        "severity": finding.severity.value,
        "message": finding.message,
        "reason": finding.reason,
        "evidence": [_evidence(e) for e in finding.evidence],
        "suggestion": None if finding.suggestion is None else {
            "id": finding.suggestion.id, "text": finding.suggestion.text, "placement": finding.suggestion.placement},
        "notes": list(finding.notes),
        "waived": _waiver(finding.waiver),
    }


def _waiver(waiver: Waiver | None) -> dict[str, Any] | None:
    return None if waiver is None else {"reason": waiver.reason, "by": waiver.by, "date": waiver.date}


def _evidence(evidence: Evidence) -> dict[str, Any]:
    return {"text": evidence.text, "file": evidence.file, "page": evidence.page, "section": evidence.section,
            "part": evidence.part, "context": evidence.context, "ocr": evidence.ocr}


def render_json(report: Report, **_: Any) -> str:
    return json.dumps(report_dict(report), indent=2, ensure_ascii=False) + "\n"
