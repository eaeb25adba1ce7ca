"""Batch audits: 200 generated contracts with 5 broken ones, worker processes, time limits, globs.

The contracts are generated (text and DOCX via python-docx) so the batch is quick; the expected
statuses are never hard-coded: what is compared is the report with 1 and with 2 workers.
"""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import docx
import pytest

from clauselint.documents.reader import ReadLimits
from clauselint.runner import LintOptions, expand_paths, lint

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "sample_contracts"
RULES = ["lethal-use", "government-surveillance", "law-enforcement", "compliance-obligation", "cessation-on-breach"]
CLAUSES = [
    "{c} shall not use the Services to locate, identify or target any individual in any military operation in which lethal force may be used.",
    "{c} shall not use the Services for the secret, mass or discriminatory surveillance or tracking of individuals.",
    "{c} shall not use the Services for, or make the Services available to, any police or law-enforcement agency.",
    "{c} shall comply with the use restrictions in Section 2 and shall ensure that its end users do so.",
    "If {c} breaches Section 2, {c} shall immediately cease all use of the Services and Provider may terminate this Agreement.",
]
BROKEN = {
    "broken-random.docx": "not-a-contract-format",
    "broken-empty.pdf": "empty-document",
    "broken-truncated.docx": "corrupt-docx",
    "broken-legacy.docx": "unsupported-legacy-doc",
    "broken-header-only.pdf": "corrupt-pdf",
}


def contract_lines(number: int) -> list[str]:
    """A short services agreement whose use restrictions are chosen by the bits of `number`."""
    lines = [f"SERVICES AGREEMENT No. {number}",
             f'This Agreement is between Acme Vision {number} Inc. ("Provider") and Client {number} Ltd ("Customer").',
             "1. Services", f"1.1 Provider shall provide the Services described in Order Form {number}.", "2. Use restrictions"]
    lines += [f"2.{k + 1} " + clause.format(c="Customer") for k, clause in enumerate(CLAUSES) if (number >> k) & 1]
    return lines + ["3. Fees", f"3.1 Customer shall pay the fees within {30 + number % 30} days of invoice."]


def write_contracts(folder: Path, count: int) -> None:
    for number in range(count):
        sub = folder / f"group-{number % 3}"
        sub.mkdir(parents=True, exist_ok=True)
        if number % 4 == 0:
            document = docx.Document()
            for line in contract_lines(number):
                document.add_paragraph(line)
            document.save(str(sub / f"c{number:03d}.docx"))
        else:
            (sub / f"c{number:03d}.txt").write_text("\n\n".join(contract_lines(number)), encoding="utf-8")


def write_broken(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "broken-random.docx").write_bytes(bytes(range(256)) * 8)
    (folder / "broken-empty.pdf").write_bytes(b"")
    good = folder / "whole.docx.tmp"
    document = docx.Document()
    document.add_paragraph("Customer shall not use the Services for any police purpose.")
    document.save(str(good))
    data = good.read_bytes()
    good.unlink()
    (folder / "broken-truncated.docx").write_bytes(data[: len(data) // 2])
    (folder / "broken-legacy.docx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 4096)
    (folder / "broken-header-only.pdf").write_bytes(b"%PDF-1.7\n" + b"\x00garbage" * 64)


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "clauselint", *args], capture_output=True, text=True, cwd=cwd, timeout=300)


@pytest.fixture(scope="module")
def audit(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("audit")
    write_contracts(folder / "partners", 195)
    write_broken(folder / "partners" / "inbox")
    return folder


@pytest.fixture(scope="module")
def runs(audit: Path) -> dict[str, subprocess.CompletedProcess[str]]:
    return {
        "json1": run("partners", "--format", "json", "--jobs", "1", cwd=audit),
        "json2": run("partners", "--format", "json", "--jobs", "2", cwd=audit),
        "text2": run("partners", "--jobs", "2", cwd=audit),
    }


def test_a_batch_of_200_with_5_broken_files_completes_with_rows_for_each(runs) -> None:
    result = runs["json2"]
    assert result.returncode == 2, result.stderr[-2000:]
    assert "Traceback" not in result.stderr
    report = json.loads(result.stdout)
    assert report["summary"]["files"] == 200 and report["summary"]["errors"] == 5
    errors = {Path(r["path"]).name: r["error"]["code"] for r in report["results"] if not r["ok"]}
    assert errors == BROKEN
    for item in report["results"]:
        if item["ok"]:
            assert [f["rule"] for f in item["findings"]] == RULES
    assert sorted(line for line in result.stderr.splitlines() if line.startswith("clauselint:")) == sorted(
        f"clauselint: {r['error']['message']}" for r in report["results"] if not r["ok"])


def test_one_and_two_workers_give_the_same_json(runs) -> None:
    assert runs["json1"].returncode == runs["json2"].returncode == 2
    assert runs["json1"].stdout == runs["json2"].stdout


def test_results_follow_the_walk_order_whatever_the_workers(runs, audit: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(audit)
    report = json.loads(runs["json2"].stdout)
    assert [r["path"] for r in report["results"]] == expand_paths(["partners"])


def test_the_text_report_ends_with_the_batch_summary(runs) -> None:
    out = runs["text2"].stdout
    assert runs["text2"].returncode == 2
    assert "\x1b[" not in out  # piped: plain text
    summary = out[out.index("\nSummary\n"):]
    report = json.loads(runs["json2"].stdout)
    # the files x rules matrix: one row per file, numbered, broken ones marked unreadable with their code
    for number, item in enumerate(report["results"], 1):
        row = next(line for line in summary.splitlines() if line.split()[:2] == [str(number), item["path"]])
        if item["ok"]:
            marks = row.split()[2:7]
            assert marks == [{"present": "✓", "partial": "~", "missing": "✗", "conflict": "!"}[f["status"]] for f in item["findings"]]
        else:
            assert f"unreadable: {item['error']['code']}" in row
    # counts per status for each rule, and the slowest files
    counts = report["summary"]
    total = next(line for line in summary.splitlines() if line.startswith("all rules"))
    assert total.split()[2:6] == [str(counts[s]) for s in ("present", "partial", "missing", "conflict")]
    assert "Slowest files" in summary
    assert out.rstrip().splitlines()[-1] == (
        f"200 files: {counts['present']} present, {counts['partial']} partial, {counts['missing']} missing, "
        f"{counts['conflict']} conflict; 5 unreadable")


def test_a_file_over_the_time_limit_is_killed_and_the_batch_goes_on(tmp_path: Path) -> None:
    sentence = ("Customer shall not use the Services to locate or identify any individual in any military operation "
                "where lethal force may be used, except as permitted by applicable law. ")
    (tmp_path / "a-huge.txt").write_text("\n\n".join(f"{i}. " + sentence * 3 for i in range(2500)), encoding="utf-8")
    for number in range(3):
        (tmp_path / f"b-small-{number}.txt").write_text("\n\n".join(contract_lines(number)), encoding="utf-8")
    result = run(str(tmp_path), "--format", "json", "--timeout", "2", "--jobs", "2")
    report = json.loads(result.stdout)
    by_name = {Path(r["path"]).name: r for r in report["results"]}
    assert by_name["a-huge.txt"]["error"]["code"] == "timeout"
    assert "--timeout" in by_name["a-huge.txt"]["error"]["message"]
    assert all(by_name[f"b-small-{n}.txt"]["ok"] for n in range(3))
    assert result.returncode == 2 and "Traceback" not in result.stderr


def test_globs_directories_and_exclude(tmp_path: Path) -> None:
    write_contracts(tmp_path / "deals", 6)
    (tmp_path / "deals" / ".hidden").mkdir()
    (tmp_path / "deals" / ".hidden" / "x.txt").write_text("Customer shall pay.")
    (tmp_path / "deals" / "notes.json").write_text("{}")
    everything = expand_paths([str(tmp_path / "deals")])
    assert len(everything) == 6 and not any(".hidden" in p or p.endswith(".json") for p in everything)
    globbed = expand_paths([str(tmp_path / "deals" / "**" / "*.docx")])
    assert globbed and all(p.endswith(".docx") for p in globbed)
    kept = expand_paths([str(tmp_path / "deals")], exclude=["group-0/*"], base=tmp_path / "deals")
    assert len(kept) < 6 and not any("group-0" in p for p in kept)
    assert expand_paths([str(tmp_path / "deals"), str(tmp_path / "deals" / "group-1")]) == everything  # no repeats


def test_the_api_runs_in_workers_and_in_process_alike(tmp_path: Path) -> None:
    write_contracts(tmp_path, 4)
    files = [str(tmp_path)]
    in_process = lint(files)
    in_workers = lint(files, jobs=2)
    assert in_process == in_workers
    assert all(r.seconds is not None for r in in_workers.results)


def test_limits_reach_the_reader(tmp_path: Path) -> None:
    write_contracts(tmp_path, 1)
    report = lint([str(tmp_path)], limits=ReadLimits(max_bytes=10))
    assert [r.error.code for r in report.results if r.error] == ["too-large"]
    assert LintOptions().limits == ReadLimits()


def test_a_zip_that_is_not_a_docx_is_reported_not_raised(tmp_path: Path) -> None:
    with zipfile.ZipFile(tmp_path / "archive.docx", "w") as archive:
        archive.writestr("hello.txt", "hello")
    report = lint([str(tmp_path / "archive.docx")])
    assert not report.results[0].ok and report.results[0].error.code


def test_a_worker_that_dies_on_a_file_is_reported_and_replaced(tmp_path: Path) -> None:
    import multiprocessing
    import os
    import signal
    import threading

    from clauselint.batch import run_tasks

    sentence = "Customer shall not use the Services to identify any individual in any military operation. "
    (tmp_path / "huge.txt").write_text("\n\n".join(f"{i}. " + sentence * 4 for i in range(3000)), encoding="utf-8")
    for name in ("first.txt", "last.txt"):
        (tmp_path / name).write_text("\n\n".join(contract_lines(7)), encoding="utf-8")
    tasks = [(str(tmp_path / "first.txt"),), (str(tmp_path / "huge.txt"),), (str(tmp_path / "last.txt"),)]

    def kill_the_busy_worker(done: int, total: int, result) -> None:
        if done == 1:  # the worker has just been handed huge.txt: make it crash as a hostile file might
            workers = [p for p in multiprocessing.active_children() if p.name == "clauselint-worker"]
            threading.Timer(1.0, lambda: [os.kill(p.pid, signal.SIGKILL) for p in workers if p.is_alive()]).start()

    results = run_tasks(tasks, LintOptions(), jobs=1, timeout=None, on_result=kill_the_busy_worker)
    assert [r.ok for r in results] == [True, False, True]
    assert results[1].error.code == "internal-error" and "stopped unexpectedly" in results[1].error.message


def test_a_spacy_pipeline_that_is_not_installed_is_a_usage_error(tmp_path: Path) -> None:
    for name in ("a.txt", "b.txt"):
        (tmp_path / name).write_text("\n\n".join(contract_lines(3)), encoding="utf-8")
    result = run(str(tmp_path), "--model", "no_such_spacy_pipeline")
    assert result.returncode == 2 and result.stderr.count("\n") == 1 and "no_such_spacy_pipeline" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_progress_bar_shows_only_on_a_terminal() -> None:
    import io

    from clauselint.findings import FileResult
    from clauselint.progress import ProgressBar

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    for stream, shown in ((Terminal(), True), (io.StringIO(), False)):
        bar = ProgressBar(stream)
        for done in range(1, 4):
            bar(done, 3, FileResult(path=f"{done}.txt", bundle=(f"{done}.txt",)))
        bar.close()
        assert bool(stream.getvalue()) is shown


def test_an_empty_folder_in_a_batch_gets_an_error_row_and_the_rest_are_linted(tmp_path: Path) -> None:
    empty = tmp_path / "signed-2025"
    empty.mkdir()
    good = SAMPLES / "docx" / "us-saas-brenwick-access.docx"
    paths = expand_paths([str(empty), str(good)], keep_empty_folders=True)
    assert paths == [str(empty), str(good)]
    assert expand_paths([str(empty), str(good)]) == [str(good)]
    results = {result.path: result for result in lint(paths).results}
    assert results[str(empty)].error is not None and results[str(empty)].error.code == "is-a-directory"
    assert "no contract files" in results[str(empty)].error.message
    assert results[str(good)].error is None and results[str(good)].findings
