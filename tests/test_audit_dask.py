"""`clauselint audit --engine dask`: the same audit on a Dask distributed cluster the test starts on loopback.

- The 200-file estate audited locally and on a LocalCluster of two workers gives identical lines.
  The workers run as threads of this process (processes=False: quick to start) and the audit is the
  real CLI in a subprocess, a client of that cluster as it would be of a remote one.
- Workers read fsspec URLs themselves (memory://, which the in-process workers share with the test).
- A worker that dies on a file: the file is retried once, then reported as an error (real worker
  processes, restarted by their nannies).
- `--scheduler local` starts its own cluster of worker processes, gives the same lines, and leaves
  no temporary file behind.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

distributed = pytest.importorskip("distributed", reason="dask[distributed] is not installed: pip install 'clauselint[dask]'")
fsspec = pytest.importorskip("fsspec", reason="fsspec (installed with dask) is not installed")

from test_audit import ESTATE_SIZE, lines_of, run_cli, write_contract, write_estate  # noqa: E402

from clauselint.audit.dask_engine import connect, run_dask  # noqa: E402
from clauselint.audit.records import per_file_object  # noqa: E402
from clauselint.audit.run import run_audit  # noqa: E402
from clauselint.audit.sources import expand_sources  # noqa: E402
from clauselint.audit.worker import audit_one  # noqa: E402
from clauselint.runner import LintOptions  # noqa: E402


@pytest.fixture(scope="module")
def estate(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("estate")
    write_estate(root / "partners")
    return root


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201 - a LocalCluster
    import dask

    scratch = str(tmp_path_factory.mktemp("dask"))
    with dask.config.set({"temporary-directory": scratch}), \
            distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, protocol="tcp://", host="127.0.0.1",
                                     dashboard_address="127.0.0.1:0", local_directory=scratch) as local_cluster:
        yield local_cluster


@pytest.fixture(scope="module")
def local_lines(estate: Path) -> list[dict]:
    result = run_cli("audit", "partners", "--results", "local.jsonl", "--jobs", "2", "--isolated", cwd=estate)
    assert result.returncode == 0, result.stderr[-2000:]
    return lines_of(estate / "local.jsonl")


def comparable(lines: list[dict]) -> dict[str, dict]:
    """Each file's line without its timing: the per-file object, the hash, the versions and the fingerprint."""
    return {line["source"]: {k: v for k, v in line.items() if k != "seconds"} for line in lines}


def test_the_same_audit_on_a_local_cluster_gives_identical_lines(estate: Path, cluster, local_lines: list[dict]) -> None:
    address = cluster.scheduler_address
    assert address.startswith("tcp://127.0.0.1:")
    result = run_cli("audit", "partners", "--results", "dask.jsonl", "--engine", "dask", "--scheduler", address, "--isolated",
                     cwd=estate)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Traceback" not in result.stderr
    dask_lines = lines_of(estate / "dask.jsonl")
    assert len(dask_lines) == len(local_lines) == ESTATE_SIZE
    assert comparable(dask_lines) == comparable(local_lines)
    assert f"clauselint: {ESTATE_SIZE} files: {ESTATE_SIZE} audited (3 unreadable)" in result.stderr
    # run again: the workers find every file unchanged, and nothing is written
    again = run_cli("audit", "partners", "--results", "dask.jsonl", "--engine", "dask", "--scheduler", address, "--isolated",
                    cwd=estate)
    assert again.returncode == 0 and f"0 audited, {ESTATE_SIZE} unchanged" in again.stderr
    assert len(lines_of(estate / "dask.jsonl")) == ESTATE_SIZE


def test_workers_read_fsspec_urls_themselves(estate: Path, cluster, local_lines: list[dict], tmp_path: Path) -> None:
    names = sorted(line["path"] for line in local_lines)[:6]
    store = fsspec.filesystem("memory")
    for name in names:
        store.pipe(f"/clauselint-test/{name}", (estate / name).read_bytes())
    results = tmp_path / "urls.jsonl"
    sources = expand_sources(["memory://clauselint-test/partners/", "memory://clauselint-test/missing.txt"])
    with distributed.Client(cluster, set_as_default=False) as client:
        def engine(planned, options, timeout):  # noqa: ANN001, ANN202
            return run_dask(client, planned, options, timeout=timeout)

        try:
            totals = run_audit(sources, str(results), LintOptions(), engine, timeout=60)
            store.pipe(f"/clauselint-test/{names[0]}", (estate / names[0]).read_bytes() + b"\n\nSchedule 1. Prices.\n")
            again = run_audit(sources, str(results), LintOptions(), engine, timeout=60)
        finally:
            store.rm("/clauselint-test", recursive=True)
    assert (totals.linted, totals.unchanged, again.linted, again.unchanged) == (7, 0, 2, 5)  # missing.txt is never "unchanged"
    by_url = {line["source"]: line for line in lines_of(results)}
    local = {line["path"]: line for line in local_lines}
    for name in names:
        url = f"memory:///clauselint-test/{name}"
        expected = json.loads(json.dumps(per_file_object(local[name])).replace(json.dumps(name)[1:-1], url))
        first = next(line for line in lines_of(results) if line["source"] == url)
        assert per_file_object(first) == expected
        assert first["sha256"] == local[name]["sha256"]
    assert by_url["memory:///clauselint-test/missing.txt"]["error"]["code"] == "not-found"


def crasher(log: str):  # noqa: ANN201 - a task function that kills its worker on "poison" files, as a hostile file might
    def crash_on_poison(task):  # noqa: ANN001, ANN202
        if "poison" in task.source.label:
            with open(log, "a", encoding="utf-8") as handle:
                handle.write(f"{os.getpid()}\n")
            os._exit(3)
        return audit_one(task)

    return crash_on_poison


def test_a_file_whose_worker_dies_is_retried_once_then_reported(tmp_path: Path) -> None:
    for number in range(3):
        write_contract(tmp_path / "deals" / f"c{number}.txt", number)
    write_contract(tmp_path / "deals" / "poison.txt", 7)
    log = tmp_path / "attempts.log"
    results = tmp_path / "audit.jsonl"
    sources = expand_sources([str(tmp_path / "deals")])
    with connect("local", 2) as client:  # worker processes, as `--scheduler local` starts them
        work = crasher(str(log))
        totals = run_audit(sources, str(results), LintOptions(),
                           lambda planned, options, timeout: run_dask(client, planned, options, timeout=timeout, work=work), timeout=60)
    lines = {Path(line["path"]).name: line for line in lines_of(results)}
    assert sorted(lines) == ["c0.txt", "c1.txt", "c2.txt", "poison.txt"]
    assert all(lines[f"c{n}.txt"]["ok"] for n in range(3))
    poison = lines["poison.txt"]
    assert poison["error"]["code"] == "internal-error" and "again when it was retried" in poison["error"]["message"]
    attempts = log.read_text().split()
    assert len(attempts) == 2 and attempts[0] != attempts[1]  # two worker processes died on it, and no third was tried
    assert totals.errors == 1


def test_scheduler_local_starts_and_stops_a_cluster_on_this_machine_and_leaves_nothing_behind(tmp_path: Path) -> None:
    for number in range(4):
        write_contract(tmp_path / "deals" / f"c{number}.{'docx' if number % 2 else 'txt'}", number + 3)
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    env = {**os.environ, "TMPDIR": str(scratch)}
    local = run_cli("audit", "deals", "--results", "local.jsonl", "--jobs", "1", "--isolated", cwd=tmp_path, env=env)
    on_dask = run_cli("audit", "deals", "--results", "dask.jsonl", "--engine", "dask", "--scheduler", "local", "--jobs", "2",
                      "--isolated", cwd=tmp_path, env=env)
    assert local.returncode == on_dask.returncode == 0, on_dask.stderr[-2000:]
    assert "Traceback" not in on_dask.stderr and on_dask.stderr.splitlines()[-1].startswith("clauselint: 4 files: 4 audited")
    assert comparable(lines_of(tmp_path / "dask.jsonl")) == comparable(lines_of(tmp_path / "local.jsonl"))
    assert list(scratch.iterdir()) == [] and sorted(p.name for p in tmp_path.iterdir()) == ["dask.jsonl", "deals", "local.jsonl", "tmp"]
