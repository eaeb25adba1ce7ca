"""One line of a results file: the JSON report's per-file object, plus what the audit needs to resume.

The per-file object is made by the JSON reporter itself, so a results file and `clauselint --format
json` never drift apart; `result_from_record` reads it back into the same FileResult.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from clauselint.audit.sources import Source
from clauselint.audit.stamp import AuditStamp
from clauselint.findings import ErrorInfo, Evidence, FileResult, Finding, Report, Severity, Status, Suggestion, Waiver
from clauselint.reporters.json_report import report_dict

# Keys a line carries beyond the report's per-file object.
AUDIT_KEYS = ("source", "clauselint", "packs", "fingerprint", "seconds")


def record_from_result(result: FileResult, source: Source, stamp: AuditStamp) -> dict[str, Any]:
    """The line for one file: the report's per-file object, then source, versions, fingerprint and timing."""
    item = report_dict(Report(packs=stamp.pack_ids, results=(result,), version=stamp.clauselint))["results"][0]
    return {**item, "source": source.location, "clauselint": stamp.clauselint, "packs": dict(stamp.packs),
            "fingerprint": stamp.fingerprint, "seconds": result.seconds}


def per_file_object(record: dict[str, Any]) -> dict[str, Any]:
    """The line without the audit's own keys: exactly what the JSON report holds for this file."""
    return {key: value for key, value in record.items() if key not in AUDIT_KEYS}


def result_from_record(record: dict[str, Any]) -> FileResult:
    """The FileResult a line was written from (documents are never kept; timing comes back too)."""
    sha = record.get("sha256")
    error = record.get("error")
    document = record.get("document") or {}
    return FileResult(
        path=record["path"], bundle=tuple(record.get("bundle") or (record["path"],)),
        findings=tuple(_finding(f, sha) for f in record.get("findings") or ()),
        error=None if error is None else ErrorInfo(error["code"], error["message"]),
        format=document.get("format"), pages=document.get("pages"), parties=dict(document.get("parties") or {}),
        title=document.get("title"), sha256=sha, seconds=record.get("seconds"))


def _finding(item: dict[str, Any], sha: str | None) -> Finding:
    suggestion = item.get("suggestion")
    waived = item.get("waived")
    return Finding(
        pack=item["pack"], rule=item["rule"], status=Status(item["status"]), severity=Severity(item["severity"]),
        message=item["message"], evidence=tuple(_value(Evidence, e) for e in item.get("evidence") or ()),
        suggestion=None if suggestion is None else _value(Suggestion, suggestion), reason=item.get("reason"),
        notes=tuple(item.get("notes") or ()),
        waiver=None if not waived else Waiver(sha256=sha or "", rule=f"{item['pack']}/{item['rule']}", **waived))


def _value(cls: type, data: dict[str, Any]) -> Any:
    """A frozen dataclass from its JSON object; keys a later clauselint added are left out, missing ones take their defaults."""
    names = {f.name for f in dataclasses.fields(cls)}
    return cls(**{key: value for key, value in data.items() if key in names})
