"""What a team decided about the rules: which are selected, how severe each is, and what fails the run."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from clauselint.findings import Finding, Report, Severity, Status

STATUS_ORDER = (Status.PRESENT, Status.PARTIAL, Status.MISSING, Status.CONFLICT)
FAIL_ON_CHOICES = ("partial", "missing", "conflict", "info", "warning", "error", "never")


class SelectionError(ValueError):
    """A `select`/`ignore`/`severity` entry names no rule of the selected packs."""


@dataclass(frozen=True)
class RuleRef:
    pack: str
    rule: str


@dataclass(frozen=True)
class RulePolicy:
    """The selected rules of the packs, and severity overrides keyed by (pack, rule)."""

    selected: tuple[RuleRef, ...]
    severity: Mapping[RuleRef, Mapping[str, Severity]] = dataclasses.field(default_factory=dict)

    def applies(self, finding: Finding) -> bool:
        return RuleRef(finding.pack, finding.rule) in self.selected

    def adjust(self, finding: Finding) -> Finding:
        """The finding with its configured severity (present findings stay `info`)."""
        levels = self.severity.get(RuleRef(finding.pack, finding.rule), {})
        level = levels.get(finding.status.value)
        return finding if level is None or finding.status is Status.PRESENT else dataclasses.replace(finding, severity=level)

    def apply(self, findings: Iterable[Finding]) -> tuple[Finding, ...]:
        return tuple(self.adjust(f) for f in findings if self.applies(f))


def resolve_policy(rules: Sequence[RuleRef], select: Sequence[str] = (), ignore: Sequence[str] = (),
                   severity: Mapping[str, Mapping[str, Severity]] | None = None) -> RulePolicy:
    """Resolve names like `law-enforcement`, `sfp-4.1/law-enforcement` or a pack id `sfp-4.1` (all its rules)."""
    chosen = [r for r in rules if any(_matches(r, name) for name in select)] if select else list(rules)
    _check_known(rules, [*select, *ignore], "select/ignore")
    chosen = [r for r in chosen if not any(_matches(r, name) for name in ignore)]
    overrides: dict[RuleRef, Mapping[str, Severity]] = {}
    for name, levels in (severity or {}).items():
        _check_known(rules, [name], "severity")
        for ref in rules:
            if _matches(ref, name):
                overrides[ref] = {**overrides.get(ref, {}), **levels}
    return RulePolicy(selected=tuple(chosen), severity=overrides)


def _matches(ref: RuleRef, name: str) -> bool:
    return name in (ref.rule, ref.pack, f"{ref.pack}/{ref.rule}")


def _check_known(rules: Sequence[RuleRef], names: Iterable[str], key: str) -> None:
    for name in names:
        if not any(_matches(ref, name) for ref in rules):
            known = ", ".join(dict.fromkeys(r.rule for r in rules))
            raise SelectionError(f"{key}: unknown rule {name!r}; rules of the selected packs: {known}")


def fails(finding: Finding, fail_on: str) -> bool:
    """Does this finding fail the run at the `fail_on` level (a status or a severity)?"""
    if finding.waived or finding.status is Status.PRESENT or fail_on == "never":
        return False
    if fail_on in (s.value for s in Severity):
        return finding.severity.rank >= Severity(fail_on).rank
    return STATUS_ORDER.index(finding.status) >= STATUS_ORDER.index(Status(fail_on))


def exit_status(report: Report, fail_on: str = "partial", exit_zero: bool = False) -> int:
    """0 all present or waived; 1 a finding at or above `fail_on`; 2 a file could not be read.

    `exit_zero` is for reports that must never fail the job that makes them."""
    if exit_zero:
        return 0
    if report.error_count():
        return 2
    return 1 if any(fails(f, fail_on) for r in report.results for f in r.findings) else 0
