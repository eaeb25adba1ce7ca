"""Waivers: a reviewer accepts a finding for one exact version of a contract; change the file and it lapses."""

from __future__ import annotations

import hashlib
import json
import shutil
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from clauselint.cli import main
from clauselint.waivers import WaiverError, content_hash, load_waivers

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample_contracts/docx/uk-stavelake-msa.docx"


def invoke(*args: str):
    try:
        runner = CliRunner(mix_stderr=False)  # click < 8.2
    except TypeError:
        runner = CliRunner()
    return runner.invoke(main, list(args), catch_exceptions=False)


@pytest.fixture()
def deal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "contracts").mkdir()
    target = tmp_path / "contracts" / "msa.docx"
    shutil.copyfile(SAMPLE, target)
    monkeypatch.chdir(tmp_path)
    return target


def findings(*args: str) -> tuple[list[dict], int]:
    result = invoke("contracts/msa.docx", "--format", "json", *args)
    return json.loads(result.stdout)["results"][0]["findings"], result.exit_code


def test_waive_records_hash_rule_reason_who_and_date(deal: Path) -> None:
    before, _ = findings()
    open_findings = [f["rule"] for f in before if f["status"] != "present"]
    assert open_findings, "the sample contract should have something to waive"
    added = invoke("waive", "contracts/msa.docx", open_findings[0], "--reason", "accepted: see memo 12", "--by", "J. Doe",
                   "--date", "2025-01-31")
    assert added.exit_code == 0, added.stderr
    data = tomllib.loads((deal.parent.parent / ".clauselint-waivers.toml").read_text())
    assert data["waiver"] == [{"file": "contracts/msa.docx", "sha256": hashlib.sha256(deal.read_bytes()).hexdigest(),
                               "rule": f"sfp-4.1/{open_findings[0]}", "reason": "accepted: see memo 12", "by": "J. Doe",
                               "date": "2025-01-31"}]


def test_waived_findings_show_as_waived_and_do_not_fail_the_run(deal: Path) -> None:
    before, status = findings()
    open_findings = [f["rule"] for f in before if f["status"] != "present"]
    for rule in open_findings:
        assert invoke("waive", "contracts/msa.docx", rule, "--reason", "accepted", "--by", "J. Doe").exit_code == 0
    after, status = findings()
    assert status == 0
    for finding in after:
        assert (finding["waived"] is not None) == (finding["rule"] in open_findings)
        if finding["waived"]:
            assert finding["waived"]["by"] == "J. Doe" and finding["status"] != "present"  # the status is kept
    text = invoke("contracts/msa.docx", "--no-color").stdout
    assert text.count(" waived ") >= len(open_findings) and f"({len(open_findings)} waived)" in text
    assert findings("--no-waivers")[1] == 1


def test_a_waiver_no_longer_applies_once_the_file_changes(deal: Path) -> None:
    before, _ = findings()
    rule = next(f["rule"] for f in before if f["status"] != "present")
    assert invoke("waive", "contracts/msa.docx", rule, "--reason", "ok", "--by", "J. Doe").exit_code == 0
    assert any(f["waived"] for f in findings()[0])
    deal.write_bytes(deal.read_bytes() + b"\0")  # any change at all, even one that leaves the text alone
    result = invoke("contracts/msa.docx", "--format", "json")
    assert not any(f["waived"] for f in json.loads(result.stdout)["results"][0]["findings"]) and result.exit_code != 0
    assert f"the waiver of sfp-4.1/{rule} by J. Doe" in result.stderr and "no longer applies" in result.stderr


def test_a_renamed_copy_keeps_its_waiver(deal: Path) -> None:
    rule = next(f["rule"] for f in findings()[0] if f["status"] != "present")
    invoke("waive", "contracts/msa.docx", rule, "--reason", "ok", "--by", "J. Doe")
    shutil.copyfile(deal, deal.parent / "renamed.docx")
    report = json.loads(invoke("contracts/renamed.docx", "--format", "json").stdout)
    assert any(f["waived"] for f in report["results"][0]["findings"])


def test_a_malformed_waivers_file_is_a_one_line_error(deal: Path) -> None:
    waivers = deal.parent.parent / ".clauselint-waivers.toml"
    waivers.write_text('[[waiver]]\nsha256 = "abc"\nrule = "lethal-use"\nreason = "x"\nby = "y"\ndate = 2025-01-01\n')
    result = invoke("contracts/msa.docx")
    assert result.exit_code == 2 and result.stderr.count("\n") == 1 and "sha256 must be 64 hex digits" in result.stderr
    waivers.write_text('[[waiver]]\nrule = "lethal-use"\n')
    with pytest.raises(WaiverError, match="missing by, date, reason, sha256"):
        load_waivers(waivers)
    assert invoke("waive", "contracts/msa.docx", "no-such-rule", "--reason", "x", "--by", "y").exit_code == 2
    assert invoke("waive", "contracts/nope.docx", "lethal-use", "--reason", "x", "--by", "y").exit_code == 2


def test_the_content_hash_of_a_bundle_covers_every_file(tmp_path: Path) -> None:
    first, second = tmp_path / "a.txt", tmp_path / "b.txt"
    first.write_text("one")
    second.write_text("two")
    assert content_hash([str(first)]) == hashlib.sha256(b"one").hexdigest()
    bundle = content_hash([str(first), str(second)])
    second.write_text("three")
    assert content_hash([str(first), str(second)]) != bundle and content_hash([str(tmp_path / "none")]) is None
