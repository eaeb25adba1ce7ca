"""The terminal checklist on real DOCX and PDF contracts: marks, evidence, suggestions, colour only on a terminal."""

from __future__ import annotations

import dataclasses
import os
import pty
import select
import subprocess
import sys
from pathlib import Path

import pytest

from clauselint import lint
from clauselint.reporters.json_report import report_dict
from clauselint.reporters.text_report import render_text

ROOT = Path(__file__).resolve().parent.parent
DOCX = str(ROOT / "sample_contracts/docx/uk-stavelake-msa.docx")
PDF = str(ROOT / "sample_contracts/pdf/tos-orrinmoor-saas.pdf")
MARKS = {"present": "✓", "partial": "~", "missing": "✗", "conflict": "!"}
ANSI = "\x1b["


@pytest.fixture(scope="module")
def report():
    return lint([DOCX, PDF])


def test_each_contract_is_a_checklist_of_the_five_rules(report) -> None:
    text = render_text(report)
    data = report_dict(report)
    for result in data["results"]:
        block = text[text.index(result["path"]):]
        for finding in result["findings"]:
            line = next(li for li in block.splitlines() if li.split()[1:3] == [finding["rule"], finding["status"]])
            assert line.split()[0] == MARKS[finding["status"]]
    assert ANSI not in text


def test_evidence_is_quoted_with_its_section_and_missing_clauses_get_a_suggestion(report) -> None:
    text = " ".join(render_text(report, width=400).split())
    for result in report.results:
        for finding in result.findings:
            for evidence in finding.evidence:
                assert f"“{evidence.context + ' … ' if evidence.context else ''}{' '.join(evidence.text.split())}”" in text
                if evidence.section:
                    assert f"§ {evidence.section}" in text
                if evidence.page:
                    assert f"p. {evidence.page}" in text
            if finding.suggestion is not None:
                assert " ".join(finding.suggestion.text.split()) in text
    suggestions = sum(f.status.value != "present" for r in report.results for f in r.findings)
    assert text.count("suggested clause (") == suggestions


def test_the_closing_line_counts_files_and_statuses(report) -> None:
    counts = report.counts()
    last = render_text(report).rstrip().splitlines()[-1]
    assert last == (f"2 files: {counts['present']} present, {counts['partial']} partial, {counts['missing']} missing, "
                    f"{counts['conflict']} conflict")


def test_colour_on_a_terminal_plain_when_piped_or_asked(tmp_path: Path) -> None:
    command = [sys.executable, "-m", "clauselint", DOCX]  # piped output is checked by test_batch's text run
    environment = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    coloured = _in_terminal(command, environment)
    assert ANSI in coloured
    assert ANSI not in _in_terminal([*command, "--no-color"], environment)
    assert ANSI not in _in_terminal(command, {**environment, "NO_COLOR": "1"})


def _in_terminal(command: list[str], environment: dict[str, str]) -> str:
    """Run with standard output on a pseudo-terminal, as a user at a terminal would."""
    leader, follower = pty.openpty()
    process = subprocess.Popen(command, stdout=follower, stderr=subprocess.DEVNULL, cwd=ROOT, env=environment)
    os.close(follower)
    chunks = []
    while True:
        ready, _, _ = select.select([leader], [], [], 120)
        if not ready:
            break
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    process.wait(60)
    os.close(leader)
    return b"".join(chunks).decode("utf-8", errors="replace")


def test_a_hostile_file_cannot_drive_the_terminal_or_inject_markup(tmp_path: Path) -> None:
    contract = tmp_path / "hostile.txt"
    contract.write_text('This Agreement is between Acme Inc. ("Provider") and Beta Ltd ("Customer").\n\n'
                        "2.1 Customer shall not use the Services for any police or law-enforcement agency "
                        "\x1b[2J\x1b]0;owned\x07 [bold red]loud[/bold red] :smile: \u202egnp.exe.\n", encoding="utf-8")
    linted = lint([str(contract)])
    quoted = [e.text for f in linted.results[0].findings for e in f.evidence]
    assert any("loud" in q for q in quoted)
    # whatever the reader kept, the report must not pass escapes through: put them back to be sure
    finding = next(f for f in linted.results[0].findings if f.evidence)
    evidence = dataclasses.replace(finding.evidence[0], text="\x1b[2J\x1b]0;owned\x07 [bold red]loud[/bold red] :smile: \u202egnp")
    hostile = dataclasses.replace(finding, evidence=(evidence,), message="\x1b[31mred")
    result = dataclasses.replace(linted.results[0], findings=(hostile,), path="a\x1b[2Jb.txt")
    text = render_text(dataclasses.replace(linted, results=(result,)), color=True)
    assert "\x1b[2J" not in text and "\x1b]0" not in text and "\x07" not in text and "\u202e" not in text and "\x1b[31mred" not in text
    assert "[bold red]loud[/bold red]" in text and ":smile:" in text
