"""The CLI's commands and flags: rules, explain, formats, limits, outputs and exit statuses."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from clauselint.cli import main

ROOT = Path(__file__).resolve().parent.parent
DOCX = str(ROOT / "sample_contracts/docx/us-sdk-facemark.docx")
PDF = str(ROOT / "sample_contracts/pdf/us-sdk-facemark.pdf")
RULES = ["lethal-use", "government-surveillance", "law-enforcement", "compliance-obligation", "cessation-on-breach"]


def invoke(*args: str):
    try:
        runner = CliRunner(mix_stderr=False)  # click < 8.2
    except TypeError:
        runner = CliRunner()
    return runner.invoke(main, list(args), catch_exceptions=False)


@pytest.fixture(autouse=True)
def no_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # no config file or waivers found walking up from here


def test_rules_lists_packs_and_rules_in_text_and_json() -> None:
    text = invoke("rules")
    assert text.exit_code == 0 and text.stdout.startswith("sfp-4.1: Safe Face Pledge")
    for rule in RULES:
        assert f"  {rule} " in text.stdout
    listing = json.loads(invoke("rules", "--format", "json").stdout)
    pack = listing[0]
    assert pack["pack"] == "sfp-4.1" and pack["enabled"] and pack["url"].startswith("https://")
    assert [r["id"] for r in pack["rules"]] == RULES and all(r["selected"] and r["pledge"] for r in pack["rules"])
    ignored = json.loads(_with_config('ignore = ["cessation-on-breach"]\n', "rules", "--format", "json"))
    assert [r["selected"] for r in ignored[0]["rules"]] == [True, True, True, True, False]


def _with_config(body: str, *args: str) -> str:
    Path(".clauselint.toml").write_text(body)
    try:
        return invoke(*args).stdout
    finally:
        Path(".clauselint.toml").unlink()


def test_explain_says_what_why_what_counts_and_what_to_write() -> None:
    result = invoke("explain", "law-enforcement")
    out = result.stdout
    assert result.exit_code == 0 and out.startswith("sfp-4.1/law-enforcement: ")
    for heading in ("What it checks", "Why", "How it is judged", "What counts", "What does not count", "Suggested language"):
        assert f"\n{heading}" in out
    assert "statute or ordinance" in out and "1.3 - Mitigate law enforcement abuse" in out
    assert "{customer} shall not use {offering}" in out and "https://www.safefacepledge.org/pledge" in out
    assert "--all" in out and len(invoke("explain", "sfp-4.1/law-enforcement", "--all").stdout) > len(out)
    unknown = invoke("explain", "no-such-rule")
    assert unknown.exit_code == 2 and unknown.stderr == "clauselint: unknown rule 'no-such-rule'; see `clauselint rules`\n"


@pytest.mark.parametrize("args, message", [
    (("--format", "xml"), "clauselint: --format: 'xml' is not one of text, json, sarif, markdown, html, csv\n"),
    (("--fail-on", "sometimes"), "clauselint: --fail-on: 'sometimes' is not one of partial, missing, conflict, info, warning, error, never\n"),
    (("--pack", "nope"), "clauselint: unknown pack 'nope'; available: "),
    (("--timeout", "soon"), "clauselint: --timeout: 'soon' is not a number of seconds\n"),
    (("--max-file-size", "big"), "clauselint: --max-file-size: 'big' is not a size (e.g. 50MB, 512KB, 2GB)\n"),
    (("--jobs", "0"), "clauselint: --jobs: '0' is not a whole number of at least 1\n"),
    (("--jobs", "many"), "clauselint: --jobs: 'many' is not a whole number of at least 1\n"),
])
def test_wrong_usage_is_one_clean_line_and_exit_2(args: tuple[str, ...], message: str) -> None:
    result = invoke(DOCX, *args)
    assert result.exit_code == 2 and result.stderr.startswith(message) and result.stderr.count("\n") == 1 and result.stdout == ""


def test_limits_flags_reach_the_reader() -> None:
    report = json.loads(invoke(DOCX, PDF, "--format", "json", "--max-file-size", "1KB", "--jobs", "1").stdout)
    assert [r["error"]["code"] for r in report["results"]] == ["too-large", "too-large"]
    assert "--max-file-size" in report["results"][0]["error"]["message"]
    pages = json.loads(invoke(PDF, "--format", "json", "--max-pages", "1").stdout)["results"][0]
    assert pages["error"]["code"] == "too-large"
    unpacked = json.loads(invoke(DOCX, "--format", "json", "--max-uncompressed", "1KB").stdout)["results"][0]
    assert unpacked["error"]["code"] == "too-large"


def test_every_format_renders_docx_and_pdf_and_the_output_is_never_an_input(tmp_path: Path) -> None:
    for fmt, marker in (("text", "✗"), ("json", '"tool"'), ("sarif", '"2.1.0"'), ("markdown", "# Pre-signature review"),
                        ("md", "- [ ]"), ("html", "<!DOCTYPE html>"), ("csv", "path,bundle,sha256")):
        for source in (DOCX, PDF):
            out = tmp_path / f"report-{fmt}-{Path(source).suffix[1:]}"
            result = invoke(source, "--format", fmt, "-o", str(out), "--exit-zero")
            assert result.exit_code == 0 and result.stdout == "", (fmt, result.stderr)
            assert marker in out.read_text(encoding="utf-8") or (fmt == "text" and "✓" in out.read_text(encoding="utf-8"))
    copy = tmp_path / "contract.docx"
    copy.write_bytes(Path(DOCX).read_bytes())
    refused = invoke(str(tmp_path), "-o", str(copy))
    assert refused.exit_code == 2 and "refusing to overwrite an input" in refused.stderr
    assert copy.read_bytes() == Path(DOCX).read_bytes()
    html = invoke(DOCX, "-o", str(tmp_path / "review.html"))  # the format follows the output's name
    assert html.exit_code in (0, 1) and (tmp_path / "review.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_exit_statuses(tmp_path: Path) -> None:
    bare = tmp_path / "bare.txt"
    bare.write_text('This Agreement is between Acme Inc. ("Provider") and Beta Ltd ("Customer").\n\n1.1 Customer shall pay.\n')
    assert invoke(str(bare)).exit_code == 1  # every rule missing
    assert invoke(str(bare), "--fail-on", "never").exit_code == 0
    assert invoke(str(bare), "--fail-on", "conflict").exit_code == 0
    assert invoke(str(bare), "--select", "law-enforcement", "--fail-on", "missing").exit_code == 1
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"")
    assert invoke(str(bare), "--with", str(broken)).exit_code == 2
    assert invoke(str(broken), "--exit-zero").exit_code == 0  # a report that must never fail the job
    assert invoke(str(tmp_path / "empty-folder-glob-*.docx")).exit_code == 2


def test_bad_input_never_shows_a_traceback() -> None:
    result = subprocess.run([sys.executable, "-m", "clauselint", "/nonexistent/*.docx", "--format", "nope"], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 2 and "Traceback" not in result.stderr and result.stderr.count("\n") == 1
