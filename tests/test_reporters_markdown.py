"""The Markdown review checklist on real DOCX and PDF contracts, and what a hostile file cannot do to it."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from clauselint import lint
from clauselint.findings import Status, Waiver
from clauselint.reporters.markdown_report import md, md_line, render_markdown

ROOT = Path(__file__).resolve().parent.parent
DOCX = str(ROOT / "sample_contracts/docx/mix-pilot-quillon-stonegate.docx")
PDF = str(ROOT / "sample_contracts/pdf/uk-stavelake-msa.pdf")


@pytest.fixture(scope="module")
def single():
    return lint([DOCX])


@pytest.fixture(scope="module")
def batch():
    return lint([DOCX, PDF])


def test_a_checklist_item_per_rule_ticked_when_present(single) -> None:
    text = render_markdown(single)
    findings = single.results[0].findings
    items = re.findall(r"^- \[([ x])\] \*\*(.+?)\*\* \(`([a-z-]+)`\)", text, re.MULTILINE)
    assert [rule for _, _, rule in items] == [f.rule for f in findings]
    assert [box == "x" for box, _, _ in items] == [f.status is Status.PRESENT for f in findings]
    assert text.startswith(f"# Pre-signature review: {md(DOCX)}\n")


def test_evidence_quotes_suggested_clauses_and_a_sign_off(single) -> None:
    text = render_markdown(single)
    findings = single.results[0].findings
    for finding in findings:
        for evidence in finding.evidence:
            assert f"{md(evidence.text)}”" in text
        if finding.suggestion is not None:
            assert f"  > {md_line(finding.suggestion.text)}" in text
    assert text.count("**Suggested clause**") == sum(f.status is not Status.PRESENT for f in findings)
    assert "## Sign-off" in text and "Reviewer: ___" in text and "- [ ] Approved as drafted" in text
    present = sum(f.status is Status.PRESENT for f in findings)
    assert f"**{present} of 5 required clauses present**" in text


def test_a_batch_starts_with_the_files_by_rules_matrix(batch) -> None:
    text = render_markdown(batch)
    assert text.startswith("# Pre-signature review: 2 contracts\n")
    header = next(line for line in text.splitlines() if line.startswith("| # | contract |"))
    assert header.count("`") == 10
    rows = [line for line in text.splitlines() if re.match(r"^\| \d+ \| \[", line)]
    assert len(rows) == 2 and "(#contract-1)" in rows[0] and '<a id="contract-2"></a>' in text
    assert text.count("### Checklist") == 2 and text.count("### Sign-off") == 2


def test_a_waived_finding_is_ticked_and_says_who_and_why(single) -> None:
    result = single.results[0]
    target = next(f for f in result.findings if f.status is not Status.PRESENT)
    waiver = Waiver(sha256=result.sha256, rule=target.rule, reason="accepted in the negotiation", by="A. Counsel", date="2025-02-01")
    findings = tuple(dataclasses.replace(f, waiver=waiver) if f is target else f for f in result.findings)
    text = render_markdown(dataclasses.replace(single, results=(dataclasses.replace(result, findings=findings),)))
    assert re.search(rf"^- \[x\] .*\(`{target.rule}`\): ~~{target.status.value}~~ \*\*waived\*\*", text, re.MULTILINE)
    assert "*Waived by A. Counsel on 2025-02-01:* accepted in the negotiation" in text


def test_contract_text_cannot_inject_links_html_or_table_breaks() -> None:
    hostile = "Customer shall not [click here](https://evil.example) <img src=x onerror=alert(1)> a | b *now*"
    escaped = md(hostile)
    assert not re.search(r"(?<!\\)[\[\]<>|*]", escaped)  # every bracket, angle, pipe and star is escaped
    assert escaped.count("\\*") == 2 and md("snake_case_name") == "snake_case_name" and md("_x_") == "\\_x\\_"
    assert md_line("1. Customer") == "1\\. Customer" and md_line("# Title").startswith("\\#")
