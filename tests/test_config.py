"""Configuration: found walking up, three file kinds, every key applied, mistakes are one-line usage errors."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from clauselint.cli import main
from clauselint.config import ConfigError, discover, load_settings, parse_size
from clauselint.findings import Severity
from clauselint.library import LIBRARY_ROOT

ROOT = Path(__file__).resolve().parent.parent
DOCX = str(ROOT / "sample_contracts/docx/uk-stavelake-msa.docx")
RULES = ["lethal-use", "government-surveillance", "law-enforcement", "compliance-obligation", "cessation-on-breach"]


def invoke(*args: str):
    try:
        runner = CliRunner(mix_stderr=False)  # click < 8.2
    except TypeError:
        runner = CliRunner()
    return runner.invoke(main, list(args), catch_exceptions=False)


@pytest.fixture()
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    nested = tmp_path / "deals" / "2025"
    nested.mkdir(parents=True)
    monkeypatch.chdir(nested)
    return tmp_path


def test_discovery_walks_up_and_prefers_clauselint_toml_then_pyproject_then_setup_cfg(project: Path) -> None:
    assert discover() is None
    (project / "setup.cfg").write_text("[metadata]\nname = x\n")
    assert discover() is None  # no [clauselint] section
    (project / "setup.cfg").write_text("[clauselint]\nfail-on = missing\n")
    assert discover() == project / "setup.cfg"
    (project / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    assert discover() == project / "setup.cfg"  # a pyproject without [tool.clauselint] does not count
    (project / "pyproject.toml").write_text("[tool.clauselint]\nfail-on = 'conflict'\n")
    assert discover() == project / "pyproject.toml"
    (project / ".clauselint.toml").write_text("fail-on = 'never'\n")
    assert discover() == project / ".clauselint.toml"
    (project / "deals" / ".clauselint.toml").write_text("fail-on = 'error'\n")
    assert discover() == project / "deals" / ".clauselint.toml" and load_settings().fail_on == "error"


def test_every_file_kind_gives_the_same_settings(project: Path) -> None:
    toml_body = ('packs = ["sfp-4.1"]\nselect = ["lethal-use", "law-enforcement"]\nfail-on = "missing"\nlibraries = ["packs"]\n'
                 '[severity]\nlaw-enforcement = "warning"\n[parties]\nprovider = "Acme Vision Inc."\n')
    (project / ".clauselint.toml").write_text(toml_body)
    (project / "pyproject.toml").write_text(toml_body.replace("packs = ", "[tool.clauselint]\npacks = ", 1)
                                            .replace("[severity]", "[tool.clauselint.severity]").replace("[parties]", "[tool.clauselint.parties]"))
    (project / "setup.cfg").write_text("[clauselint]\npacks = sfp-4.1\nselect = lethal-use, law-enforcement\nfail-on = missing\n"
                                       "libraries = packs\n[clauselint.severity]\nlaw-enforcement = warning\n"
                                       "[clauselint.parties]\nprovider = Acme Vision Inc.\n")
    loaded = [load_settings(project / name) for name in (".clauselint.toml", "pyproject.toml", "setup.cfg")]
    for settings in loaded:
        assert settings.select == ("lethal-use", "law-enforcement") and settings.fail_on == "missing"
        assert settings.severity == {"law-enforcement": {s: Severity.WARNING for s in ("partial", "missing", "conflict")}}
        assert settings.parties == {"provider": "Acme Vision Inc."}
        assert settings.libraries == (str((project / "packs").resolve()),)  # relative to the config file


def test_unknown_keys_and_bad_values_are_one_line_errors_naming_the_file(project: Path) -> None:
    (project / ".clauselint.toml").write_text("fail_on = 'sometimes'\n")
    with pytest.raises(ConfigError, match=r"\.clauselint\.toml: fail-on: 'sometimes' is not one of"):
        load_settings()
    (project / ".clauselint.toml").write_text("colour = true\n")
    result = invoke(DOCX)
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
    assert ".clauselint.toml: unknown key(s) colour" in result.stderr
    (project / ".clauselint.toml").write_text("select = [\n")
    assert invoke("config").exit_code == 2
    assert parse_size("512KB") == 512 * 1024 and parse_size(3) == 3 * 1024 * 1024 and parse_size("1.5G") == int(1.5 * 1024**3)


def test_config_prints_the_effective_settings_and_their_source(project: Path) -> None:
    shown = invoke("config")
    assert shown.exit_code == 0 and "no config file found" in shown.stdout and 'fail-on = "partial"  # default' in shown.stdout
    (project / "pyproject.toml").write_text("[tool.clauselint]\nfail-on = 'conflict'\nignore = ['cessation-on-breach']\n")
    shown = invoke("config")
    assert f"from {project / 'pyproject.toml'}" in shown.stdout
    assert 'fail-on = "conflict"\n' in shown.stdout and 'ignore = ["cessation-on-breach"]\n' in shown.stdout
    data = json.loads(invoke("config", "--format", "json").stdout)
    assert data["source"] == str(project / "pyproject.toml") and data["settings"]["fail-on"] == "conflict"
    assert json.loads(invoke("config", "--isolated", "--format", "json").stdout)["source"] is None


def test_select_ignore_severity_and_fail_on_shape_the_report(project: Path) -> None:
    bare = project / "bare.txt"  # no use restrictions at all: every rule is missing, whatever the tuning
    bare.write_text('This Agreement is between Acme Inc. ("Provider") and Beta Ltd ("Customer").\n\n'
                    "1. Fees\n\n1.1 Customer shall pay the fees within 30 days.\n", encoding="utf-8")
    (project / ".clauselint.toml").write_text('ignore = ["sfp-4.1/lethal-use"]\nfail-on = "error"\n[severity]\n'
                                              'law-enforcement = "warning"\n')
    result = invoke(str(bare), "--format", "json")
    findings = json.loads(result.stdout)["results"][0]["findings"]
    assert [f["rule"] for f in findings] == RULES[1:] and {f["status"] for f in findings} == {"missing"}
    assert [f["severity"] for f in findings] == ["error", "warning", "error", "error"]
    assert result.exit_code == 1
    (project / ".clauselint.toml").write_text('select = ["law-enforcement", "cessation-on-breach"]\nfail-on = "error"\n'
                                              '[severity]\nlaw-enforcement = "warning"\ncessation-on-breach = { missing = "info" }\n')
    quiet = invoke(str(bare), "--format", "json")
    assert [(f["rule"], f["severity"]) for f in json.loads(quiet.stdout)["results"][0]["findings"]] == [
        ("law-enforcement", "warning"), ("cessation-on-breach", "info")]
    assert quiet.exit_code == 0
    assert invoke(str(bare), "--fail-on", "warning").exit_code == 1 and invoke(str(bare), "--fail-on", "missing").exit_code == 1
    wrong = invoke(str(bare), "--select", "no-such-rule")
    assert wrong.exit_code == 2 and "unknown rule 'no-such-rule'" in wrong.stderr


def test_command_line_flags_win_over_the_file(project: Path) -> None:
    (project / ".clauselint.toml").write_text('fail-on = "never"\nformat = "json"\n')
    from_file = invoke(DOCX)
    assert from_file.exit_code == 0 and json.loads(from_file.stdout)["packs"] == ["sfp-4.1"]
    report = json.loads(from_file.stdout)
    failing = any(f["status"] != "present" for f in report["results"][0]["findings"])
    overridden = invoke(DOCX, "--fail-on", "partial")
    assert overridden.exit_code == (1 if failing else 0)
    assert invoke(DOCX, "--config", str(project / "missing.toml")).exit_code == 2
    assert invoke(DOCX, "--isolated").stdout.lstrip().startswith(str(Path(DOCX)))  # text again: the file is ignored


def test_party_names_from_the_config_fill_the_suggested_language(project: Path) -> None:
    (project / ".clauselint.toml").write_text('[parties]\ncustomer = "the Licensee"\nprovider = "Northwind Vision"\n')
    report = json.loads(invoke(DOCX, "--format", "json").stdout)
    suggestions = [f["suggestion"]["text"] for f in report["results"][0]["findings"] if f["suggestion"]]
    assert suggestions and all("the Licensee" in text or "The Licensee" in text for text in suggestions)
    assert report["results"][0]["document"]["parties"]["customer"] == "the Licensee"
    flagged = json.loads(invoke(DOCX, "--format", "json", "--customer", "Partner").stdout)
    assert all("Partner" in f["suggestion"]["text"] for f in flagged["results"][0]["findings"] if f["suggestion"])


def test_extra_clause_library_folders_add_packs(project: Path) -> None:
    library = project / "house-packs"
    shutil.copytree(LIBRARY_ROOT / "sfp-4.1", library / "house-4.1")
    pack_yaml = library / "house-4.1" / "pack.yaml"
    pack_yaml.write_text(pack_yaml.read_text().replace("id: sfp-4.1", "id: house-4.1"))
    (project / ".clauselint.toml").write_text('packs = ["house-4.1"]\nlibraries = ["house-packs"]\n')
    report = json.loads(invoke(DOCX, "--format", "json").stdout)
    assert report["packs"] == ["house-4.1"] and {f["pack"] for f in report["results"][0]["findings"]} == {"house-4.1"}
    listing = json.loads(invoke("rules", "--format", "json", "--pack", "house-4.1", "--pack", "sfp-4.1").stdout)
    assert {p["pack"]: p["enabled"] for p in listing} == {"house-4.1": True, "sfp-4.1": False}
    unknown = invoke(DOCX, "--pack", "nope")
    assert unknown.exit_code == 2 and "unknown pack 'nope'" in unknown.stderr and unknown.stderr.count("\n") == 1


def test_the_printed_settings_read_back_as_the_same_settings(project: Path) -> None:
    (project / "pyproject.toml").write_text("[tool.clauselint]\nmax-file-size = '512KB'\nmax-pages = 40\ntimeout = 20\n"
                                            "[tool.clauselint.severity]\nlaw-enforcement = 'warning'\n"
                                            "[tool.clauselint.parties]\ncustomer = 'Partner'\n")
    original = load_settings()
    (project / "deals" / "2025" / ".clauselint.toml").write_text(invoke("config").stdout)
    copied = load_settings()
    assert copied.source != original.source
    for field in ("packs", "select", "ignore", "fail_on", "format", "timeout", "limits", "severity", "parties"):
        assert getattr(copied, field) == getattr(original, field), field
    assert original.limits.max_bytes == 512 * 1024 and original.limits.max_pages == 40
