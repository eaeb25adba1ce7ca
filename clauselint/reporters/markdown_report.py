"""The pre-signature review checklist in Markdown, for a deal memo or an issue tracker.

GitHub-flavoured: task-list checkboxes (ticked when the clause is present or the finding waived),
quoted evidence with page and section, suggested clauses to paste, and a sign-off block for the
reviewer. Contract text is escaped so a counterparty's file cannot inject links or markup.
"""

from __future__ import annotations

import re
from typing import Any

from clauselint.findings import FileResult, Finding, Report, Status
from clauselint.reporters.common import cell, columns, document_line, mark, quote, rule_name, status_counts, status_label, where

_SPECIAL = re.compile(r"([\\`*\[\]<>|~])|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])")
_LINE_START = re.compile(r"^(\d*)([#>+\-=.)])")


def md(text: str) -> str:
    """Escape contract text for Markdown: no emphasis, links, HTML or table breaks sneak in."""
    return _SPECIAL.sub(lambda m: "\\" + m.group(0), " ".join(text.split()))


def md_line(text: str) -> str:
    """md() for text that starts a line, where `1.`, `-` or `#` would start a list or a heading."""
    text = md(text)
    match = _LINE_START.match(text)
    if match and (match.group(1) or match.group(2) not in ".)"):
        return f"{match.group(1)}\\{match.group(2)}{text[match.end():]}"
    return text


def code(text: str) -> str:
    return "`" + text.replace("`", "'").replace("|", "\\|") + "`"


def render_markdown(report: Report, **_: Any) -> str:
    single = len(report.results) == 1
    out: list[str] = []
    if single:
        _contract(out, report, report.results[0], level=1)
    else:
        out.append(f"# Pre-signature review: {len(report.results)} contracts")
        out.append("")
        out.append(_tally(report))
        out.append("")
        _matrix(out, report)
        for number, result in enumerate(report.results, 1):
            out.append("")
            out.append("---")
            out.append("")
            _contract(out, report, result, level=2, anchor=f"contract-{number}")
    out.append("")
    out.append(f"<sub>Checked with clauselint {md(report.version)} (packs: {md(', '.join(report.packs))}). "
               "An automated check to help a reviewer, not legal advice.</sub>")
    return "\n".join(out) + "\n"


def _tally(report: Report) -> str:
    counts = status_counts(report)
    parts = [f"{counts[s.value]} {s.value}" for s in Status]
    if counts["waived"]:
        parts.append(f"{counts['waived']} waived")
    errors = report.error_count()
    if errors:
        parts.append(f"{errors} unreadable file{'s' if errors != 1 else ''}")
    return "**Findings:** " + " · ".join(parts)


def _matrix(out: list[str], report: Report) -> None:
    cols = columns(report)
    out.append("| # | contract | " + " | ".join(code(c.rule) for c in cols) + " |")
    out.append("|---:|---|" + "|".join(":---:" for _ in cols) + "|")
    for number, result in enumerate(report.results, 1):
        link = f"[{md(result.path)}](#contract-{number})"
        if result.error is not None:
            cells = [f"unreadable: {code(result.error.code)}"] + [""] * (len(cols) - 1)
        else:
            cells = [_cell(cell(result, c)) for c in cols]
        out.append(f"| {number} | {link} | " + " | ".join(cells) + " |")
    out.append("")
    out.append("✓ present · ~ partial · ✗ missing · ! conflict · – waived")


def _cell(finding: Finding | None) -> str:
    return "" if finding is None else f"{mark(finding)} {status_label(finding)}"


def _contract(out: list[str], report: Report, result: FileResult, level: int, anchor: str | None = None) -> None:
    h = "#" * level
    title = f"{h} Pre-signature review: {md(result.path)}" if level == 1 else f"{h} {md(result.path)}"
    out.append(title + (f' <a id="{anchor}"></a>' if anchor else ""))
    out.append("")
    out.append("| | |")
    out.append("|---|---|")
    out.append(f"| **Contract** | {code(result.path)} |")
    if len(result.bundle) > 1:
        out.append(f"| **Read with** | {', '.join(code(p) for p in result.bundle[1:])} |")
    if result.ok and document_line(result):
        out.append(f"| **Document** | {md(document_line(result))} |")
    if result.sha256:
        out.append(f"| **SHA-256** | {code(result.sha256)} |")
    if level == 1:
        out.append(f"| **Checked with** | clauselint {md(report.version)}, {md(', '.join(report.packs))} |")
    out.append("")
    if result.error is not None:
        out.append(f"> **This file could not be read** ({code(result.error.code)}): {md(result.error.message)}")
        return
    present = sum(1 for f in result.findings if f.status is Status.PRESENT)
    waived = sum(1 for f in result.findings if f.waived)
    summary = f"**{present} of {len(result.findings)} required clauses present**"
    if waived:
        summary += f", {waived} finding{'s' if waived != 1 else ''} waived"
    out.append(summary + ".")
    out.append("")
    out.append(f"{h}# Checklist")
    out.append("")
    for finding in result.findings:
        _item(out, report, finding, result.path)
        out.append("")
    out.append(f"{h}# Sign-off")
    out.append("")
    out.append("- [ ] Approved as drafted")
    out.append("- [ ] Approved subject to the changes above")
    out.append("- [ ] Returned to the counterparty")
    out.append("")
    out.append("Reviewer: ______________________ Date: ____________ Signature: ______________________")


def _item(out: list[str], report: Report, finding: Finding, main_path: str) -> None:
    ticked = "x" if finding.status is Status.PRESENT or finding.waived else " "
    status = finding.status.value if finding.status is Status.PRESENT else f"**{finding.status.value}**"
    if finding.waived:
        status = f"~~{finding.status.value}~~ **waived**"
    out.append(f"- [{ticked}] **{md(rule_name(report, finding))}** ({code(finding.rule)}): {status}. {md(finding.message)}")
    for evidence in finding.evidence:
        location = where(evidence, main_path)
        out.append("")
        out.append(f"  > “{md(quote(evidence))}”" + (f" — {md(location)}" if location else "")
                   + (" *(OCR: check against the scan)*" if evidence.ocr else ""))
    for note in finding.notes:
        out.append("")
        out.append(f"  *Note:* {md(note)}")
    if finding.waiver is not None:
        out.append("")
        out.append(f"  *Waived by {md(finding.waiver.by)} on {md(finding.waiver.date)}:* {md(finding.waiver.reason)}")
    elif finding.suggestion is not None:
        out.append("")
        out.append(f"  **Suggested clause** ({md(finding.suggestion.placement)}):")
        out.append("")
        out.append(f"  > {md_line(finding.suggestion.text)}")
