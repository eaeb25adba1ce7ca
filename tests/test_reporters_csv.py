"""CSV for a batch audit: one row per file and rule, one row per unreadable file, no formulas from contract text."""

from __future__ import annotations

import csv
import dataclasses
import io
from pathlib import Path

from clauselint import lint
from clauselint.reporters.csv_report import COLUMNS, render_csv, safe

ROOT = Path(__file__).resolve().parent.parent
DOCX = str(ROOT / "sample_contracts/docx/tos-fernhollow-sdk.docx")
PDF = str(ROOT / "sample_contracts/pdf/us-pilot-marlow-county.pdf")


def test_one_row_per_file_and_rule_and_one_per_unreadable_file(tmp_path: Path) -> None:
    broken = tmp_path / "scan.pdf"
    broken.write_bytes(b"")
    report = lint([DOCX, PDF, str(broken)])
    rendered = render_csv(report)
    assert rendered.endswith("\r\n")
    rows = list(csv.DictReader(io.StringIO(rendered)))
    assert tuple(rows[0]) == COLUMNS
    expected = [(r.path, f.rule, f.status.value) for r in report.results for f in r.findings] + [(str(broken), "", "error")]
    assert [(row["path"], row["rule"], row["status"]) for row in rows] == expected
    error_row = rows[-1]
    assert error_row["error_code"] == "empty-document" and error_row["error_message"]
    for row, finding in zip(rows, (f for r in report.results for f in r.findings)):
        assert row["waived"] == "no" and row["severity"] == finding.severity.value
        assert (row["suggestion"] == "") == (finding.suggestion is None)
        if finding.evidence:
            assert finding.evidence[0].text in row["evidence"] and row["section"] == (finding.evidence[0].section or "")


def test_cells_a_spreadsheet_would_run_as_formulas_are_defused() -> None:
    assert safe("=HYPERLINK(\"http://evil\",\"x\")") == "'=HYPERLINK(\"http://evil\",\"x\")"
    assert safe("+1") == "'+1" and safe("-2") == "'-2" and safe("@SUM(A1)") == "'@SUM(A1)"
    assert safe("Customer shall not") == "Customer shall not" and safe(None) == "" and safe(3) == "3"
    report = lint([DOCX])
    result = report.results[0]
    finding = dataclasses.replace(result.findings[0], message="=1+1")
    rendered = render_csv(dataclasses.replace(report, results=(dataclasses.replace(result, findings=(finding,)),)))
    assert list(csv.DictReader(io.StringIO(rendered)))[0]["message"] == "'=1+1"
