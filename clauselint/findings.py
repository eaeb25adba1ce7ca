"""The values a lint run produces: findings with status, severity, evidence and a suggestion."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from clauselint.documents.model import Document


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
    ocr: bool = False  # the quote was read by OCR from a scan: check it against the scan


@dataclass(frozen=True)
class Suggestion:
    id: str
    text: str
    placement: str


@dataclass(frozen=True)
class Waiver:
    """A reviewer's acceptance of one finding for one exact version of a contract."""

    sha256: str
    rule: str
    reason: str
    by: str
    date: str
    file: str | None = None  # where the contract was when it was waived; informative only


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
    waiver: Waiver | None = None  # set when a reviewer accepted this finding: it no longer fails the run

    @property
    def waived(self) -> bool:
        return self.waiver is not None


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
    sha256: str | None = None  # of the file, or of the bundle's files in order: what waivers are tied to
    # Not part of the result's value: how long it took, and the text for reporters that show it (HTML).
    seconds: float | None = field(default=None, compare=False)
    documents: tuple[Document, ...] = field(default=(), compare=False, repr=False)

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass(frozen=True)
class RuleInfo:
    """What a reporter needs to say about a rule without loading its pack."""

    pack: str
    id: str
    name: str
    summary: str
    pledge: str
    url: str


@dataclass(frozen=True)
class Report:
    packs: tuple[str, ...]
    results: tuple[FileResult, ...]
    version: str
    rules: tuple[RuleInfo, ...] = ()  # the selected rules, in pack order
    notices: tuple[str, ...] = ()  # one-line warnings for the user, e.g. a waiver that no longer applies

    def counts(self) -> dict[str, int]:
        counts = {status.value: 0 for status in Status}
        for result in self.results:
            for finding in result.findings:
                counts[finding.status.value] += 1
        return counts

    def waived_count(self) -> int:
        return sum(1 for result in self.results for finding in result.findings if finding.waived)

    def error_count(self) -> int:
        return sum(1 for result in self.results if not result.ok)

    def rule_info(self, pack: str, rule: str) -> RuleInfo | None:
        return next((r for r in self.rules if r.pack == pack and r.id == rule), None)
