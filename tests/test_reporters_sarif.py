"""SARIF 2.1.0 on real DOCX and PDF contracts, validated against the official OASIS schema."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from clauselint import lint
from clauselint.findings import Status, Waiver
from clauselint.reporters.sarif_report import render_sarif

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = ROOT.parent / "shared" / "schemas" / "sarif-schema-2.1.0.json"
DOCX = "sample_contracts/docx/uk-stavelake-msa.docx"
PDF = "sample_contracts/pdf/mix-oem-halvard-cobaltline.pdf"
TEXT_CONTRACT = """MASTER SERVICES AGREEMENT

This Agreement is between Acme Vision Inc. ("Provider") and Beta Retail Ltd ("Customer").

1. Use restrictions

1.1 Customer shall not use the Services for any police or law-enforcement agency,
except as permitted by applicable law.

1.2 Customer shall pay the fees.
"""


@pytest.fixture(scope="module")
def schema() -> dict:
    if not SCHEMA.is_file():
        pytest.skip(f"the OASIS SARIF schema is not at {SCHEMA} (CI keeps ../shared beside the checkout)")
    return json.loads(SCHEMA.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("sarif")
    (folder / "terms.txt").write_text(TEXT_CONTRACT, encoding="utf-8")
    (folder / "broken.docx").write_bytes(b"PK\x03\x04 not really a zip")
    return folder


@pytest.fixture(scope="module")
def report(workspace: Path):
    first = lint([DOCX])
    waived = next(f for f in first.results[0].findings if f.status is not Status.PRESENT)
    waiver = Waiver(sha256=first.results[0].sha256, rule=waived.rule, reason="accepted by the GC", by="J. Doe", date="2025-01-31")
    return lint([DOCX, PDF, str(workspace / "terms.txt"), str(workspace / "broken.docx")], waivers=(waiver,))


@pytest.fixture(scope="module")
def sarif(report) -> dict:
    return json.loads(render_sarif(report))


def test_the_report_validates_against_the_oasis_schema(schema, sarif) -> None:
    import jsonschema

    jsonschema.Draft4Validator(schema).validate(sarif)
    assert sarif["version"] == "2.1.0"


def test_one_result_per_finding_that_is_not_present(report, sarif) -> None:
    run = sarif["runs"][0]
    expected = [(Path(r.path).as_uri() if Path(r.path).is_absolute() else r.path, f.rule, f.status.value)
                for r in report.results for f in r.findings if f.status is not Status.PRESENT]
    got = [(_artifact_path(run, x), x["ruleId"], x["properties"]["status"]) for x in run["results"]]
    assert got == expected
    assert {x["level"] for x in run["results"]} <= {"error", "warning", "note"}


def _artifact_path(run: dict, result: dict) -> str:
    return run["artifacts"][result["locations"][0]["physicalLocation"]["artifactLocation"]["index"]]["location"]["uri"]


def test_rules_are_listed_once_with_help_and_the_pledge_link(sarif) -> None:
    rules = sarif["runs"][0]["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == ["lethal-use", "government-surveillance", "law-enforcement", "compliance-obligation",
                                       "cessation-on-breach"]
    for rule in rules:
        assert rule["shortDescription"]["text"] and rule["fullDescription"]["text"]
        assert "pledge" in rule["help"]["text"].lower() and rule["helpUri"].startswith("https://www.safefacepledge.org")
    for result in sarif["runs"][0]["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]


def test_locations_carry_the_artifact_page_section_and_text_lines(report, sarif, workspace: Path) -> None:
    run = sarif["runs"][0]
    uris = [a["location"]["uri"] for a in run["artifacts"]]
    assert uris[:2] == [DOCX, PDF] and uris[2].endswith("/terms.txt") and uris[2].startswith("file://")
    docx_hash = run["artifacts"][0]["hashes"]["sha-256"]
    assert docx_hash == report.results[0].sha256
    with_evidence = [x for x in run["results"] if x["properties"]["status"] in ("partial", "conflict")]
    assert with_evidence
    for result in with_evidence:
        for location in result["locations"]:
            properties = location["properties"]
            assert properties["quote"] and "section" in properties and "page" in properties
    pdf_pages = [loc["properties"]["page"] for x in run["results"] if _artifact_path(run, x) == PDF for loc in x["locations"]
                 if "properties" in loc]
    assert all(isinstance(p, int) and p >= 1 for p in pdf_pages)
    text_results = [x for x in run["results"] if _artifact_path(run, x).endswith("terms.txt") and x["properties"]["status"] != "missing"]
    assert text_results, "the text contract's law-enforcement clause should be found"
    lines = TEXT_CONTRACT.splitlines()
    for result in text_results:
        region = result["locations"][0]["physicalLocation"]["region"]
        assert region["snippet"]["text"].split()[0] in lines[region["startLine"] - 1]


def test_waived_findings_are_suppressed_and_unreadable_files_are_notifications(report, sarif) -> None:
    run = sarif["runs"][0]
    suppressed = [x for x in run["results"] if "suppressions" in x]
    assert len(suppressed) == 1
    assert suppressed[0]["suppressions"][0] == {"kind": "external", "status": "accepted", "justification": "accepted by the GC",
                                                "properties": {"by": "J. Doe", "date": "2025-01-31"}}
    notifications = run["invocations"][0]["toolExecutionNotifications"]
    assert [n["descriptor"]["id"] for n in notifications] == [report.results[3].error.code]
    assert run["invocations"][0]["executionSuccessful"] is False


def test_the_cli_writes_sarif_guessed_from_the_output_name(tmp_path: Path, schema) -> None:
    import jsonschema

    out = tmp_path / "scan.sarif"
    result = subprocess.run([sys.executable, "-m", "clauselint", PDF, "-o", str(out)], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert result.returncode in (0, 1) and result.stdout == ""
    jsonschema.Draft4Validator(schema).validate(json.loads(out.read_text(encoding="utf-8")))
