"""`clauselint audit`: a resumable audit of a contract estate into a JSONL results file, on this machine.

The estate is generated (text and DOCX contracts whose clauses vary, and a few broken files) so a
200-file batch is quick. Expected statuses are never hard-coded: the lines are compared with what
`clauselint --format json` (the linter itself) reports for the same files.
"""

from __future__ import annotations

import hashlib
import io
import json
import multiprocessing
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner

from clauselint import __version__
from clauselint.audit.outcome import Outcome
from clauselint.audit.progress import AuditProgress, format_duration
from clauselint.audit.records import per_file_object
from clauselint.audit.results_file import ResultsFileError, ResultsWriter, load_index, read_records
from clauselint.audit.run import run_audit
from clauselint.audit.sources import expand_sources
from clauselint.audit.worker import AuditTask, audit_one
from clauselint.cli import main
from clauselint.findings import Report
from clauselint.library import load_pack
from clauselint.reporters import get_reporter
from clauselint.reporters.json_report import report_dict
from clauselint.runner import LintOptions, lint

ROOT = Path(__file__).resolve().parent.parent
ESTATE_SIZE = 200
CLAUSES = [
    "{c} shall not use the Services to locate, identify or target any individual in any military operation in which lethal force may be used.",
    "{c} shall not use the Services for the secret, mass or discriminatory surveillance or tracking of individuals.",
    "{c} shall not use the Services for, or make the Services available to, any police or law-enforcement agency.",
    "{c} shall comply with the use restrictions in Section 2 and shall ensure that its end users do so.",
    "If {c} breaches Section 2, {c} shall immediately cease all use of the Services and Provider may terminate this Agreement.",
]
BROKEN = {"z-broken-random.docx": "not-a-contract-format", "z-broken-empty.pdf": "empty-document",
          "z-broken-truncated.docx": "corrupt-docx"}
BLOCK_SOCKETS = '''
import socket, _socket
def _refuse(*args, **kwargs):
    raise OSError("network access refused by tests/test_audit.py")
class _Refused(socket.socket):
    def __init__(self, *args, **kwargs):
        _refuse()
socket.socket = _socket.socket = _Refused
socket.create_connection = socket.getaddrinfo = _refuse
'''


# ------------------------------------------------------------------------------------- the estate

def contract_lines(number: int) -> list[str]:
    """A short services agreement whose use restrictions are chosen by the bits of `number`."""
    lines = [f"SERVICES AGREEMENT No. {number}",
             f'This Agreement is between Acme Vision {number} Inc. ("Provider") and Client {number} Ltd ("Customer").',
             "1. Services", f"1.1 Provider shall provide the Services described in Order Form {number}.", "2. Use restrictions"]
    lines += [f"2.{k + 1} " + clause.format(c="Customer") for k, clause in enumerate(CLAUSES) if (number >> k) & 1]
    return lines + ["3. Fees", f"3.1 Customer shall pay the fees within {30 + number % 30} days of invoice."]


def write_contract(path: Path, number: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix == ".docx":
        document = docx.Document()
        for line in contract_lines(number):
            document.add_paragraph(line)
        document.save(str(path))
    else:
        path.write_text("\n\n".join(contract_lines(number)), encoding="utf-8")


def write_estate(folder: Path, count: int = ESTATE_SIZE, broken: bool = True) -> None:
    """`count` files in three sub-folders: every fourth a DOCX, the rest text, the last few broken."""
    good = count - len(BROKEN) if broken else count
    for number in range(good):
        write_contract(folder / f"group-{number % 3}" / f"c{number:03d}.{'docx' if number % 4 == 0 else 'txt'}", number)
    if broken:
        inbox = folder / "inbox"
        inbox.mkdir(parents=True, exist_ok=True)
        (inbox / "z-broken-random.docx").write_bytes(bytes(range(256)) * 8)
        (inbox / "z-broken-empty.pdf").write_bytes(b"")
        whole = docx.Document()
        whole.add_paragraph("Customer shall not use the Services for any police purpose.")
        buffer = io.BytesIO()
        whole.save(buffer)
        (inbox / "z-broken-truncated.docx").write_bytes(buffer.getvalue()[: len(buffer.getvalue()) // 2])


def run_cli(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "clauselint", *args], capture_output=True, text=True, cwd=cwd, timeout=300,
                          env=env)


def lines_of(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def invoke(*args: str):
    try:
        runner = CliRunner(mix_stderr=False)  # click < 8.2
    except TypeError:
        runner = CliRunner()
    return runner.invoke(main, list(args), catch_exceptions=False)


def in_process_engine(planned, options, timeout):  # noqa: ANN001, ANN201 - an Engine without worker processes, for quick tests
    for item in planned:
        yield Outcome(item.source, audit_one(AuditTask(item.source, options, None, item.known_sha256)))


@pytest.fixture(scope="module")
def estate(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("estate")
    write_estate(root / "partners")
    return root


@pytest.fixture(scope="module")
def full_run(estate: Path) -> subprocess.CompletedProcess[str]:
    return run_cli("audit", "partners", "--results", "full.jsonl", "--jobs", "2", "--isolated", cwd=estate)


@pytest.fixture(scope="module")
def lint_report(estate: Path) -> Report:
    """What the linter itself reports for the estate (in this process: no worker start-up)."""
    here = os.getcwd()
    os.chdir(estate)
    try:
        return lint(["partners"])
    finally:
        os.chdir(here)


@pytest.fixture(scope="module")
def linted(lint_report: Report) -> dict:
    return report_dict(lint_report)


# ------------------------------------------------------------------------------------- the audit

def test_an_audit_writes_one_line_per_file_with_the_reports_per_file_object(full_run, estate: Path, linted: dict) -> None:
    assert full_run.returncode == 0, full_run.stderr[-2000:]
    assert "Traceback" not in full_run.stderr
    lines = lines_of(estate / "full.jsonl")
    assert len(lines) == ESTATE_SIZE and len({line["source"] for line in lines}) == ESTATE_SIZE
    by_path = {line["path"]: line for line in lines}
    assert {path: per_file_object(line) for path, line in by_path.items()} == {r["path"]: r for r in linted["results"]}
    version = load_pack("sfp-4.1").version
    for path, line in by_path.items():
        assert line["sha256"] == hashlib.sha256((estate / path).read_bytes()).hexdigest()
        assert line["source"] == os.path.realpath(estate / path)
        assert line["clauselint"] == __version__ and line["packs"] == {"sfp-4.1": version}
        assert len(line["fingerprint"]) == 16 and isinstance(line["seconds"], float)
    errors = {Path(line["path"]).name: line["error"]["code"] for line in lines if not line["ok"]}
    assert errors == BROKEN
    # every unreadable file also gets its one line on stderr, and the run ends with its figures
    for line in lines:
        if not line["ok"]:
            assert f"clauselint: {line['error']['message']}" in full_run.stderr
    assert f"clauselint: {ESTATE_SIZE} files: {ESTATE_SIZE} audited ({len(BROKEN)} unreadable), 0 unchanged, in " in full_run.stderr
    assert "files/s once started); results in full.jsonl" in full_run.stderr
    assert f"audit: {ESTATE_SIZE}/{ESTATE_SIZE} files" in full_run.stderr and "files/s" in full_run.stderr


def test_summarize_turns_the_results_into_the_linters_reports(full_run, estate: Path, linted: dict, lint_report: Report,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(estate)
    summary = invoke("audit", "--summarize", "full.jsonl", "--format", "json", "--isolated")
    assert summary.exit_code == 0
    assert json.loads(summary.stdout) == linted
    for fmt, name in (("csv", "audit.csv"), ("markdown", "audit.md")):
        assert invoke("audit", "--summarize", "full.jsonl", "-f", fmt, "-o", name, "--isolated").exit_code == 0
        assert (estate / name).read_bytes().decode("utf-8") == get_reporter(fmt)(lint_report)
    written = invoke("audit", "--summarize", "full.jsonl", "-o", "index.html", "--isolated")  # the format follows the name
    page = (estate / "index.html").read_text(encoding="utf-8")
    assert written.exit_code == 0 and written.stdout == "" and page.startswith("<!DOCTYPE html>")
    assert all(f">{r['path']}<" in page for r in linted["results"])
    # the team's rule selection applies when summarizing: no re-audit needed
    selected = json.loads(invoke("audit", "--summarize", "full.jsonl", "-f", "json", "--isolated", "--select", "law-enforcement").stdout)
    assert {f["rule"] for r in selected["results"] for f in r["findings"]} == {"law-enforcement"}


def test_a_killed_audit_resumes_without_redoing_what_was_written(full_run, estate: Path, tmp_path: Path) -> None:
    results = tmp_path / "killed.jsonl"
    command = [sys.executable, "-m", "clauselint", "audit", "partners", "--results", str(results), "--jobs", "1", "--isolated"]
    process = subprocess.Popen(command, cwd=estate, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and process.poll() is None:
            if results.exists() and results.read_bytes().count(b"\n") >= 30:
                break
            time.sleep(0.05)
    finally:
        os.killpg(process.pid, signal.SIGKILL)  # the audit and its worker processes, as a crash or `kill -9` would
        process.wait()
    before = results.read_bytes()
    written = [json.loads(line) for line in before.splitlines(keepends=True) if line.endswith(b"\n")]
    assert 30 <= len(written) < ESTATE_SIZE, "the audit was not stopped half-way"
    # the second run has no network at all: the local engine opens no socket
    blocker = tmp_path / "blocker"
    blocker.mkdir()
    (blocker / "sitecustomize.py").write_text(BLOCK_SOCKETS)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(blocker), str(ROOT)])}
    resumed = run_cli("audit", "partners", "--results", str(results), "--jobs", "2", "--isolated", cwd=estate, env=env)
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    after = results.read_bytes()
    complete = before[: before.rfind(b"\n") + 1]
    assert after.startswith(complete)  # what was written is kept as it was; a torn last line is cut off
    lines = lines_of(results)
    sources = [line["source"] for line in lines]
    assert len(lines) == ESTATE_SIZE and len(set(sources)) == ESTATE_SIZE  # nothing was audited twice
    assert set(sources[: len(written)]) == {line["source"] for line in written}
    assert re.search(rf"{ESTATE_SIZE - len(written)} audited( \(\d+ unreadable\))?, {len(written)} unchanged", resumed.stderr)
    full = {line["source"]: per_file_object(line) for line in lines_of(estate / "full.jsonl")}
    assert {line["source"]: per_file_object(line) for line in lines} == full


def test_a_rerun_skips_what_is_unchanged_and_redoes_what_changed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    write_estate(tmp_path / "deals", 6, broken=False)
    results = str(tmp_path / "audit.jsonl")
    sources = expand_sources(["deals"])
    options = LintOptions()

    def audit(**kwargs: object) -> tuple[int, int]:
        totals = run_audit(sources, results, kwargs.pop("options", options), in_process_engine, **kwargs)
        return totals.linted, totals.unchanged

    assert audit() == (6, 0)
    assert audit() == (0, 6)
    changed = tmp_path / "deals" / "group-1" / "c001.txt"
    changed.write_text(changed.read_text() + "\n\n4. Notices\n\n4.1 Notices shall be in writing.", encoding="utf-8")
    assert audit() == (1, 5)
    assert audit(force=True) == (6, 0)
    assert audit(options=LintOptions(parties=(("customer", "Globex"),))) == (6, 0)  # different options: a different fingerprint
    lines = lines_of(tmp_path / "audit.jsonl")
    assert len(lines) == 6 + 1 + 6 + 6
    last = load_index(results)
    assert last[os.path.realpath(changed)].sha256 == hashlib.sha256(changed.read_bytes()).hexdigest()


def test_summarize_applies_waivers_and_says_when_lines_come_from_different_settings(tmp_path: Path,
                                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    write_estate(tmp_path / "deals", 2, broken=False)  # c000.docx has no use restriction at all
    run_audit(expand_sources(["deals"]), "audit.jsonl", LintOptions(), in_process_engine)
    first = lines_of(tmp_path / "audit.jsonl")[0]
    missing = next(f["rule"] for f in first["findings"] if f["status"] != "present")
    Path("waivers.toml").write_text(f'[[waiver]]\nsha256 = "{first["sha256"]}"\nrule = "{missing}"\nreason = "side letter"\n'
                                    'by = "J. Doe"\ndate = "2025-01-31"\n')
    result = invoke("audit", "--summarize", "audit.jsonl", "-f", "json", "--isolated", "--waivers", "waivers.toml")
    report = json.loads(result.stdout)
    waived = [(r["path"], f["rule"]) for r in report["results"] for f in r["findings"] if f["waived"]]
    assert waived == [(first["path"], missing)] and report["summary"]["waived"] == 1
    assert result.stderr == ""
    write_contract(tmp_path / "late" / "c9.txt", 9)  # audited later with other party names: another fingerprint
    run_audit(expand_sources(["late"]), "audit.jsonl", LintOptions(parties=(("customer", "Globex"),)), in_process_engine)
    mixed = invoke("audit", "--summarize", "audit.jsonl", "-f", "csv", "--isolated")
    assert mixed.exit_code == 0 and "different clauselint versions or pack settings" in mixed.stderr


def test_a_file_that_timed_out_is_audited_again_on_the_next_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    write_estate(tmp_path / "deals", 2, broken=False)
    results = tmp_path / "audit.jsonl"
    sources = expand_sources(["deals"])
    run_audit(sources, str(results), LintOptions(), in_process_engine)
    lines = lines_of(results)
    lines[0]["ok"], lines[0]["error"] = False, {"code": "timeout", "message": "took too long"}
    results.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    totals = run_audit(sources, str(results), LintOptions(), in_process_engine)
    assert (totals.linted, totals.unchanged) == (1, 1)
    assert lines_of(results)[-1]["source"] == lines[0]["source"] and lines_of(results)[-1]["ok"]


def test_a_time_limit_holds_where_no_worker_process_can_be_killed(tmp_path: Path) -> None:
    sentence = ("Customer shall not use the Services to locate or identify any individual in any military operation "
                "where lethal force may be used, except as permitted by applicable law. ")
    huge = tmp_path / "huge.txt"
    huge.write_text("\n\n".join(f"{i}. " + sentence * 3 for i in range(600)), encoding="utf-8")
    source = expand_sources([str(huge)])[0]
    started = time.monotonic()
    result = audit_one(AuditTask(source, LintOptions(), timeout=0.2))
    assert time.monotonic() - started < 5
    assert result.error.code == "timeout" and "--timeout" in result.error.message
    assert result.sha256 == hashlib.sha256(huge.read_bytes()).hexdigest()


# ---------------------------------------------------------------------------------- the results file

def test_a_torn_last_line_is_ignored_then_cut_before_the_next_line(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    good = {"source": "/a", "path": "a", "clauselint": "1", "packs": {}, "fingerprint": "f", "sha256": "s"}
    path.write_bytes((json.dumps(good) + "\n").encode() + b'{"source": "/b", "path": "b", "clauselint": "1", "pa')
    assert list(read_records(path)) == [good]
    with ResultsWriter(path) as writer:
        writer.write({**good, "source": "/c", "path": "c"})
    assert [r["source"] for r in read_records(path)] == ["/a", "/c"]
    assert path.read_bytes().count(b"\n") == 2


def test_a_file_that_is_not_a_results_file_is_never_appended_to(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    write_contract(tmp_path / "deals" / "c.txt", 3)
    for content in (b"name,status\nacme,signed\n", b"a single line without an end"):
        notes = tmp_path / "notes.jsonl"
        notes.write_bytes(content)
        result = invoke("audit", "deals", "--results", "notes.jsonl", "--isolated")
        assert result.exit_code == 2 and result.stderr.count("\n") == 1 and "notes.jsonl" in result.stderr
        assert notes.read_bytes() == content


def test_every_line_is_on_disk_before_the_next_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import clauselint.audit.results_file as results_file

    synced: list[int] = []
    real_fsync = os.fsync
    monkeypatch.setattr(results_file.os, "fsync", lambda fd: (synced.append(fd), real_fsync(fd)))
    record = {"source": "/a", "path": "a", "clauselint": "1", "packs": {}, "fingerprint": "f"}
    with ResultsWriter(tmp_path / "audit.jsonl") as writer:
        before = len(synced)
        for number in range(3):
            writer.write({**record, "source": f"/{number}"})
            assert len(synced) == before + number + 1


def test_two_audits_cannot_write_one_results_file_at_once(tmp_path: Path) -> None:
    with ResultsWriter(tmp_path / "audit.jsonl"):
        with pytest.raises(ResultsFileError, match="another clauselint audit"):
            with ResultsWriter(tmp_path / "audit.jsonl"):
                pass


# ------------------------------------------------------------------------------- usage and progress

@pytest.mark.parametrize("args, words", [
    (("deals",), "--results"),
    (("--results", "r.jsonl"), "SOURCE"),
    (("deals", "--results", "r.jsonl", "--engine", "spark"), "local or dask"),
    (("deals", "--results", "r.jsonl", "--scheduler", "tcp://127.0.0.1:8786"), "--engine dask"),
    (("s3://bucket/contracts/", "--results", "r.jsonl"), "--engine dask"),
    (("deals", "--summarize", "r.jsonl"), "--summarize"),
    (("deals", "--results", "r.jsonl", "-f", "csv"), "--summarize"),
    (("--summarize", "missing.jsonl"), "no audit results"),
    (("nowhere/", "--results", "r.jsonl"), "no contract files"),
])
def test_wrong_usage_is_one_line_and_exit_2(args: tuple[str, ...], words: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    write_contract(tmp_path / "deals" / "c.txt", 3)
    (tmp_path / "nowhere").mkdir()
    result = invoke("audit", *args, "--isolated")
    assert result.exit_code == 2 and result.stderr.count("\n") == 1 and words in result.stderr, result.stderr
    assert not (tmp_path / "r.jsonl").exists()


def test_without_dask_the_dask_engine_says_how_to_install_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    write_contract(tmp_path / "deals" / "c.txt", 3)
    monkeypatch.setitem(sys.modules, "distributed", None)  # as if it were not installed
    result = invoke("audit", "deals", "--results", "r.jsonl", "--engine", "dask", "--scheduler", "local", "--isolated")
    assert result.exit_code == 2
    assert result.stderr == "clauselint: --engine dask needs Dask, an optional extra: pip install 'clauselint[dask]'\n"


def test_progress_shows_done_total_rate_errors_and_time_left() -> None:
    class Clock:
        now = 100.0

        def __call__(self) -> float:
            return self.now

    clock, stream = Clock(), io.StringIO()
    progress = AuditProgress(stream=stream, interval=0, clock=clock)
    progress.start(10)
    for number in range(4):
        clock.now += 0.5
        progress.file_done(unchanged=number == 0, error=number == 3)
    assert progress.line() == "audit: 4/10 files (1 unchanged), 2.0 files/s, 1 error, about 3s left"
    progress.note("clauselint: c.pdf: damaged")
    progress.close()
    shown = stream.getvalue().splitlines()
    assert shown[0].startswith("audit: 1/10 files") and "clauselint: c.pdf: damaged" in shown
    assert shown[-1] == progress.line()
    assert [format_duration(s) for s in (4.4, 185, 7620)] == ["4s", "3m05s", "2h07m"]


def test_the_batch_hands_back_each_file_as_it_finishes_and_stops_its_workers_when_closed(tmp_path: Path) -> None:
    from clauselint.batch import iter_results

    sentence = "Customer shall not use the Services to identify any individual in any military operation. "
    (tmp_path / "a-huge.txt").write_text("\n\n".join(f"{i}. " + sentence * 4 for i in range(3000)), encoding="utf-8")
    for number in range(3):
        write_contract(tmp_path / f"b-small-{number}.txt", number)
    tasks = [(str(path),) for path in sorted(tmp_path.iterdir())]
    results = iter_results(tasks, LintOptions(), jobs=2, timeout=None)
    first = [next(results) for _ in range(3)]
    assert sorted(index for index, _ in first) == [1, 2, 3]  # the small files, while the huge one is still being read
    results.close()
    assert not [p for p in multiprocessing.active_children() if p.name == "clauselint-worker"]
