"""The terminal checklist: per contract, each rule with a mark, its evidence or a suggested clause.

Rendered with rich: colour on a terminal, plain text when piped; contract text is never read as
markup and control characters from a file never reach the terminal. A batch ends with a summary:
the files × rules matrix, counts per status and the slowest files.
"""

from __future__ import annotations

import io
import re
from typing import Any

from rich import box
from rich.console import Console, Group
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from clauselint.findings import FileResult, Finding, Report, Status
from clauselint.reporters.common import (
    ERROR_MARK,
    MARKS,
    WAIVED_MARK,
    cell,
    clean,
    closing_line,
    columns,
    document_line,
    header_line,
    mark,
    quote,
    slowest,
    status_label,
    where,
)

STYLES = {"present": "green", "partial": "yellow", "missing": "red", "conflict": "magenta", "waived": "cyan", "error": "bold red"}
PLAIN_WIDTH = 100
_TRAILING = re.compile(r"[ ]+((?:\x1b\[[0-9;]*m)*)$", re.MULTILINE)


def make_console(color: bool, width: int | None) -> Console:
    return Console(file=io.StringIO(), force_terminal=color, no_color=not color, color_system="standard" if color else None,
                   width=width or PLAIN_WIDTH, highlight=False, emoji=False, markup=False, soft_wrap=False,
                   legacy_windows=False)


def render_text(report: Report, *, color: bool = False, width: int | None = None, **_: Any) -> str:
    console = make_console(color, width)
    for result in report.results:
        _print_result(console, result)
        console.print()
    if len(report.results) > 1:
        print_summary(console, report)
    console.print(Text(closing_line(report), style="bold"))
    return _tidy(console)


def render_summary(report: Report, *, color: bool = False, width: int | None = None) -> str:
    """The batch summary and closing line alone: what the terminal shows when the report goes to a file."""
    console = make_console(color, width)
    if len(report.results) > 1:
        print_summary(console, report)
    console.print(Text(closing_line(report), style="bold"))
    return _tidy(console)


def _tidy(console: Console) -> str:
    """rich pads lines to the full width; a report that is piped or pasted should not carry that."""
    return _TRAILING.sub(r"\1", console.file.getvalue())  # type: ignore[attr-defined]


def _print_result(console: Console, result: FileResult) -> None:
    title = Text(clean(header_line(result)), style="bold")
    if result.ok and document_line(result):
        title.append("  " + clean(document_line(result)), style="dim")
    console.print(title)
    if result.error is not None:
        console.print(Padding(Text(f"error [{result.error.code}] {clean(result.error.message)}", style=STYLES["error"]), (0, 0, 0, 2)))
        return
    for finding in result.findings:
        console.print(_finding(finding, result.path))


def _finding(finding: Finding, main_path: str) -> Group:
    label = status_label(finding)
    row = Table.grid(padding=(0, 1))
    row.add_column(width=2, no_wrap=True)
    row.add_column(width=24, no_wrap=True, overflow="fold")
    row.add_column(width=8, no_wrap=True)
    row.add_column(ratio=1)
    row.add_row(Text(" " + mark(finding), style=STYLES[label]), Text(finding.rule, style=STYLES[label]),
                Text(label, style=STYLES[label]), Text(clean(finding.message)))
    parts: list[Any] = [row]
    for evidence in finding.evidence:
        line = Text(f"“{clean(quote(evidence))}”", style="italic")
        location = where(evidence, main_path)
        if location:
            line.append(f"  ({clean(location)})", style="dim")
        if evidence.ocr:
            line.append("  (OCR: check against the scan)", style="dim")
        parts.append(Padding(line, (0, 0, 0, 6)))
    for note in finding.notes:
        parts.append(Padding(Text(f"note: {clean(note)}", style="dim"), (0, 0, 0, 6)))
    if finding.waiver is not None:
        waiver = finding.waiver
        parts.append(Padding(Text(f"waived ({finding.status.value}) by {clean(waiver.by)} on {clean(waiver.date)}: "
                                  f"{clean(waiver.reason)}", style=STYLES["waived"]), (0, 0, 0, 6)))
    elif finding.suggestion is not None:
        parts.append(Padding(Text(f"suggested clause ({clean(finding.suggestion.placement)}):", style="bold"), (0, 0, 0, 6)))
        parts.append(Padding(Text(clean(finding.suggestion.text)), (0, 0, 0, 8)))
    return Group(*parts)


def print_summary(console: Console, report: Report) -> None:
    """Files × rules matrix, counts per status for each rule, and the slowest files."""
    cols = columns(report)
    console.print(Text("Summary", style="bold underline"))
    matrix = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False)
    matrix.add_column("#", justify="right", style="dim")
    matrix.add_column("file", overflow="fold")
    for column in cols:
        matrix.add_column(str(column.number), justify="center")
    matrix.add_column("note", overflow="fold")
    for number, result in enumerate(report.results, 1):
        if result.error is not None:
            marks = [Text(ERROR_MARK, style=STYLES["error"]) for _ in cols]
            note = Text(f"unreadable: {result.error.code}", style=STYLES["error"])
        else:
            found = [cell(result, column) for column in cols]
            marks = [Text(mark(f), style=STYLES[status_label(f)]) if f else Text("") for f in found]
            waived = sum(1 for f in found if f is not None and f.waived)
            note = Text(f"{waived} waived" if waived else "", style=STYLES["waived"])
        matrix.add_row(str(number), Text(clean(header_line(result))), *marks, note)
    console.print(matrix)
    console.print(Text("  " + "   ".join(f"{c.number}\u00a0{c.rule}" for c in cols), style="dim"))
    legend = "   ".join(f"{m}\u00a0{s.value}" for s, m in MARKS.items()) + f"   {WAIVED_MARK}\u00a0waived   {ERROR_MARK}\u00a0unreadable"
    console.print(Text("  " + legend, style="dim"))
    console.print()
    console.print(_counts_table(report, cols))
    timed = slowest(report.results)
    if timed:
        console.print()
        table = Table(title="Slowest files", title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False)
        table.add_column("seconds", justify="right")
        table.add_column("file", overflow="fold")
        for result in timed:
            table.add_row(f"{result.seconds:.2f}", Text(clean(result.path)))
        console.print(table)


def _counts_table(report: Report, cols: list[Any]) -> Table:
    statuses = [s.value for s in Status] + ["waived"]
    table = Table(title="Findings per rule", title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False)
    table.add_column("rule")
    for status in statuses:
        table.add_column(status, justify="right", style=STYLES[status])
    totals = dict.fromkeys(statuses, 0)
    for column in cols:
        counts = dict.fromkeys(statuses, 0)
        for result in report.results:
            finding = cell(result, column)
            if finding is not None:
                counts[finding.status.value] += 1
                counts["waived"] += finding.waived
        for status in statuses:
            totals[status] += counts[status]
        table.add_row(column.rule, *(str(counts[s]) for s in statuses))
    table.add_row(Text("all rules", style="bold"), *(Text(str(totals[s]), style="bold") for s in statuses))
    return table
