"""The terminal checklist: per contract, each rule with a mark, its evidence or a suggested clause."""

from __future__ import annotations

import textwrap
from typing import Any

import click

from clauselint.findings import Finding, Report, Status

MARKS = {Status.PRESENT: "✓", Status.PARTIAL: "~", Status.MISSING: "✗", Status.CONFLICT: "!"}
COLOURS = {Status.PRESENT: "green", Status.PARTIAL: "yellow", Status.MISSING: "red", Status.CONFLICT: "magenta"}


def render_text(report: Report, *, color: bool = False, **_: Any) -> str:
    lines: list[str] = []
    for result in report.results:
        header = result.path if len(result.bundle) < 2 else f"{result.path} (with {', '.join(result.bundle[1:])})"
        lines.append(click.style(header, bold=True) if color else header)
        if result.error is not None:
            lines.append(f"  error [{result.error.code}] {result.error.message}")
            lines.append("")
            continue
        for finding in result.findings:
            lines.extend(_finding_lines(finding, color))
        lines.append("")
    counts = report.counts()
    errors = sum(1 for r in report.results if not r.ok)
    summary = f"{len(report.results)} file(s): " + ", ".join(f"{counts[s.value]} {s.value}" for s in Status)
    lines.append(summary + (f", {errors} unreadable" if errors else ""))
    return "\n".join(lines) + "\n"


def _finding_lines(finding: Finding, color: bool) -> list[str]:
    mark = MARKS[finding.status]
    head = f"  {mark} {finding.rule:<24} {finding.status.value:<8} {finding.message}"
    lines = [click.style(head, fg=COLOURS[finding.status]) if color else head]
    for evidence in finding.evidence:
        where = ", ".join(filter(None, [
            f"p. {evidence.page}" if evidence.page else None,
            f"§ {evidence.section}" if evidence.section else None,
            evidence.part if evidence.part != "body" else None,
            evidence.file,
        ]))
        quote = evidence.text if not evidence.context else f"{evidence.context} … {evidence.text}"
        lines.extend(textwrap.wrap(f"“{quote}” ({where})", width=100, initial_indent="      ", subsequent_indent="       "))
    for note in finding.notes:
        lines.extend(textwrap.wrap(f"note: {note}", width=100, initial_indent="      ", subsequent_indent="        "))
    if finding.suggestion is not None:
        lines.append(f"      suggested clause ({finding.suggestion.placement}):")
        lines.extend(textwrap.wrap(finding.suggestion.text, width=100, initial_indent="        ", subsequent_indent="        "))
    return lines
