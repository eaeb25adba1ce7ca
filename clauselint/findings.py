"""The values a lint run produces: findings with status, severity, evidence and a suggestion."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class Status(str, Enum):
    PRESENT = "present"
    PARTIAL = "partial"
    MISSING = "missing"
    CONFLICT = "conflict"


class Severity(str, Enum):
    INFO = "info"
    WARNING = "warning"
    ERROR = "error"

    @property
    def rank(self) -> int:
        return {"info": 0, "warning": 1, "error": 2}[self.value]


DEFAULT_SEVERITY = {
    Status.PRESENT: Severity.INFO,
    Status.PARTIAL: Severity.WARNING,
    Status.MISSING: Severity.ERROR,
    Status.CONFLICT: Severity.ERROR,
}


@dataclass(frozen=True)
class Evidence:
    """A quoted sentence and where it is printed."""

    text: str
    file: str
    page: int | None
    section: str | None
    part: str
    context: str | None = None  # the lead-in or operative clause that gives the quote its force


@dataclass(frozen=True)
class Suggestion:
    id: str
    text: str
    placement: str


@dataclass(frozen=True)
class Finding:
    pack: str
    rule: str
    status: Status
    severity: Severity
    message: str
    evidence: tuple[Evidence, ...] = ()
    suggestion: Suggestion | None = None
    reason: str | None = None
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class ErrorInfo:
    code: str
    message: str


@dataclass(frozen=True)
class FileResult:
    """The outcome for one file or bundle: findings, or the error that stopped it being read."""

    path: str
    bundle: tuple[str, ...]
    findings: tuple[Finding, ...] = ()
    error: ErrorInfo | None = None
    format: str | None = None
    pages: int | None = None
    parties: dict[str, str] = field(default_factory=dict)
    title: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass(frozen=True)
class Report:
    packs: tuple[str, ...]
    results: tuple[FileResult, ...]
    version: str

    def counts(self) -> dict[str, int]:
        counts = {status.value: 0 for status in Status}
        for result in self.results:
            for finding in result.findings:
                counts[finding.status.value] += 1
        return counts
