"""The JSON report on real DOCX and PDF contracts: the spec's shape, a stable key order, and the API prints the same."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from clauselint import lint
from clauselint.reporters.json_report import render_json

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "sample_contracts"
DOCX = "sample_contracts/docx/uk-stavelake-msa.docx"
PDF = "sample_contracts/pdf/us-msa-ironpeak-defense.pdf"
RULES = ["lethal-use", "government-surveillance", "law-enforcement", "compliance-obligation", "cessation-on-breach"]


@pytest.fixture(scope="module")
def cli_json() -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "clauselint", DOCX, PDF, "--format", "json"], capture_output=True, text=True,
                          cwd=ROOT, timeout=300)


@pytest.fixture(scope="module")
def api_report(monkeypatch_module):
    return lint([DOCX, PDF])


@pytest.fixture(scope="module")
def monkeypatch_module():
    patch = pytest.MonkeyPatch()
    patch.chdir(ROOT)
    yield patch
    patch.undo()


def test_the_python_api_returns_the_report_the_cli_prints(cli_json, api_report) -> None:
    assert cli_json.stdout == render_json(api_report)  # same object, same bytes: nothing depends on the run


def test_keys_come_in_a_fixed_order(cli_json) -> None:
    report = json.loads(cli_json.stdout)
    assert list(report) == ["tool", "packs", "results", "summary"]
    assert list(report["summary"]) == ["files", "errors", "present", "partial", "missing", "conflict", "waived"]
    for result in report["results"]:
        assert list(result) == ["path", "bundle", "ok", "sha256", "error", "document", "findings"]
        for finding in result["findings"]:
            assert list(finding) == ["pack", "rule", "status", "severity", "message", "reason", "evidence", "suggestion", "notes", "waived"]
            for evidence in finding["evidence"]:
                assert list(evidence) == ["text", "file", "page", "section", "part", "context", "ocr"]


def test_the_spec_rules_hold_on_docx_and_pdf(cli_json) -> None:
    report = json.loads(cli_json.stdout)
    assert [r["document"]["format"] for r in report["results"]] == ["docx", "pdf"]
    for result in report["results"]:
        assert result["ok"] and result["error"] is None
        assert [f["rule"] for f in result["findings"]] == RULES
        assert result["sha256"] == hashlib.sha256((ROOT / result["path"]).read_bytes()).hexdigest()
        for finding in result["findings"]:
            assert (finding["suggestion"] is None) == (finding["status"] == "present")
            assert bool(finding["evidence"]) == (finding["status"] != "missing")
            assert finding["waived"] is None
    pdf_pages = [e["page"] for f in report["results"][1]["findings"] for e in f["evidence"]]
    assert all(isinstance(p, int) and 1 <= p <= report["results"][1]["document"]["pages"] for p in pdf_pages)
    counts = {s: sum(f["status"] == s for r in report["results"] for f in r["findings"]) for s in ("present", "partial", "missing", "conflict")}
    assert report["summary"] == {"files": 2, "errors": 0, **counts, "waived": 0}
    assert cli_json.returncode == (1 if counts["partial"] + counts["missing"] + counts["conflict"] else 0)
