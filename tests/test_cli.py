"""The CLI end to end on real sample files: JSON shape, exit statuses, errors without tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "sample_contracts"
RULES = ["lethal-use", "government-surveillance", "law-enforcement", "compliance-obligation", "cessation-on-breach"]


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "clauselint", *args], capture_output=True, text=True, cwd=cwd, timeout=300)


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess[str], Path]:
    folder = tmp_path_factory.mktemp("batch")
    (folder / "garbage.docx").write_bytes(b"\x00\x01 not a document at all \xff" * 10)
    (folder / "empty.pdf").write_bytes(b"")
    result = run(str(SAMPLES / "docx" / "mix-order-lumasight-redfern.docx"), str(folder / "garbage.docx"),
                 str(folder / "empty.pdf"), str(SAMPLES / "pdf" / "uk-stavelake-msa.pdf"), "--format", "json")
    return result, folder


def test_json_report_has_one_finding_per_rule_and_the_spec_shape(batch) -> None:
    result, _ = batch
    report = json.loads(result.stdout)
    assert report["tool"]["name"] == "clauselint" and report["packs"] == ["sfp-4.1"]
    readable = [r for r in report["results"] if r["ok"]]
    assert len(readable) == 2
    for item in readable:
        assert [f["rule"] for f in item["findings"]] == RULES
        for finding in item["findings"]:
            assert finding["status"] in ("present", "partial", "missing", "conflict")
            assert (finding["suggestion"] is None) == (finding["status"] == "present")
            assert bool(finding["evidence"]) == (finding["status"] != "missing")
    assert report["summary"]["files"] == 4 and report["summary"]["errors"] == 2


def test_bad_files_get_codes_and_do_not_stop_the_batch(batch) -> None:
    result, _ = batch
    report = json.loads(result.stdout)
    errors = {Path(r["path"]).name: r["error"]["code"] for r in report["results"] if not r["ok"]}
    assert errors == {"garbage.docx": "not-a-contract-format", "empty.pdf": "empty-document"}
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert len([line for line in result.stderr.splitlines() if line.startswith("clauselint:")]) == 2


def test_a_contract_with_none_of_the_clauses_gets_five_suggestions_with_its_party_names() -> None:
    result = run(str(SAMPLES / "docx" / "mix-order-lumasight-redfern.docx"), "--format", "json")
    report = json.loads(result.stdout)
    findings = report["results"][0]["findings"]
    customer = report["results"][0]["document"]["parties"]["customer"]
    assert customer not in ("Customer", "") or "Customer" in (SAMPLES / "src" / "mix-order-lumasight-redfern.md").read_text()
    assert all(f["status"] == "missing" for f in findings)
    assert all(customer in f["suggestion"]["text"] for f in findings)
    assert result.returncode == 1


def test_exit_zero_and_fail_on_never() -> None:
    target = str(SAMPLES / "docx" / "mix-order-lumasight-redfern.docx")
    assert run(target, "--exit-zero").returncode == 0
    assert run(target, "--fail-on", "never").returncode == 0


def test_bundle_with_reads_the_attachment(tmp_path: Path) -> None:
    main = str(SAMPLES / "docx" / "tos-orrinmoor-saas.docx")
    aup = str(SAMPLES / "docx" / "tos-orrinmoor-aup.docx")
    alone = json.loads(run(main, "--format", "json").stdout)["results"][0]
    bundled = json.loads(run(main, "--with", aup, "--format", "json").stdout)["results"][0]
    assert bundled["bundle"] == [main, aup]
    files = {e["file"] for f in bundled["findings"] for e in f["evidence"]}
    assert aup in files
    assert sum(f["status"] == "present" for f in bundled["findings"]) > sum(f["status"] == "present" for f in alone["findings"])


def test_output_file_is_written_and_never_over_an_input(tmp_path: Path) -> None:
    target = SAMPLES / "docx" / "uk-stavelake-msa.docx"
    before = target.read_bytes()
    out = tmp_path / "report.json"
    result = run(str(target), "--format", "json", "-o", str(out))
    assert json.loads(out.read_text())["summary"]["files"] == 1 and result.stdout == ""
    refused = run(str(target), "-o", str(target))
    assert refused.returncode == 2 and "input" in refused.stderr
    assert target.read_bytes() == before


def test_dump_shows_parts_and_printed_sections() -> None:
    result = run("dump", str(SAMPLES / "docx" / "us-ps-harrowgate-transit.docx"))
    assert result.returncode == 0
    assert "§ 4.2" in result.stdout or "§ 4" in result.stdout
    assert " header " in result.stdout or " footer " in result.stdout


def test_missing_file_and_directory_errors() -> None:
    result = run("/nonexistent/contract.docx")
    assert result.returncode == 2 and "no such file" in result.stderr and "Traceback" not in result.stderr


def test_rules_and_explain() -> None:
    listing = json.loads(run("rules", "--format", "json").stdout)
    assert [r["id"] for r in listing[0]["rules"]] == RULES
    explained = run("explain", "law-enforcement")
    assert "statute or ordinance" in explained.stdout and explained.returncode == 0
    assert run("explain", "no-such-rule").returncode == 2
