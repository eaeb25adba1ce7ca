"""Audit on a Dask distributed cluster: an existing one (`tcp://HOST:8786`) or a LocalCluster on this machine.

The client sends each file's name (never its content) to the workers, at most a few per worker
thread at a time so memory stays flat however large the estate, and writes each result as it comes
back. A file whose worker dies is sent once more; if that worker dies too, the file is reported as
an `internal-error`. On a LocalCluster the scheduler itself is told not to retry (allowed-failures
0, one task per worker thread), so "retried once" is exact; on an existing cluster its own
`distributed.scheduler.allowed-failures` adds to that (see the README).
"""

from __future__ import annotations

import contextlib
import logging
import re
import tempfile
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from clauselint.audit.outcome import Outcome, Planned
from clauselint.audit.worker import AuditTask, audit_one, worker_stamp
from clauselint.documents.errors import one_line
from clauselint.findings import ErrorInfo, FileResult
from clauselint.runner import LintOptions

INSTALL_HINT = "--engine dask needs Dask, an optional extra: pip install 'clauselint[dask]'"
CONNECT_TIMEOUT = "20s"
WORKER_WAIT_SECONDS = 60
TASKS_PER_THREAD = 4
_ADDRESS = re.compile(r"^(?:[a-z][a-z0-9+.-]*://)?[^\s/:]+(?::\d+)?/?$|^[a-z][a-z0-9+.-]*://\[[0-9a-fA-F:]+\](?::\d+)?/?$")
_LOCAL_CONFIG = {
    "distributed.scheduler.allowed-failures": 0,  # a worker that dies fails its task at once; the client retries it once
    "distributed.scheduler.worker-saturation": 1.0,  # only the running task is lost with a worker, not queued ones
}

Work = Callable[[AuditTask], "FileResult | None"]


class EngineError(Exception):
    """The cluster cannot be used: Dask missing, scheduler unreachable, workers without clauselint ..."""


def load_distributed() -> Any:
    try:
        import distributed
    except ImportError:
        raise EngineError(INSTALL_HINT) from None
    return distributed


@contextlib.contextmanager
def connect(scheduler: str, workers: int) -> Iterator[Any]:
    """A Client for the scheduler at `scheduler`, or for a LocalCluster of `workers` processes ("local")."""
    distributed = load_distributed()
    import dask

    with _quiet_dask_logs():
        if scheduler == "local":
            with tempfile.TemporaryDirectory(prefix="clauselint-dask-") as scratch, \
                    dask.config.set({**_LOCAL_CONFIG, "temporary-directory": scratch}):
                try:
                    cluster = distributed.LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                                                       dashboard_address="127.0.0.1:0", local_directory=scratch, silence_logs=logging.CRITICAL)
                except Exception as error:  # noqa: BLE001 - one line, whatever failed
                    raise EngineError(f"cannot start a local Dask cluster ({one_line(str(error), 200)})") from None
                with cluster, distributed.Client(cluster, set_as_default=False) as client:
                    yield client
            return
        if not _ADDRESS.match(scheduler):
            raise EngineError(f"--scheduler {scheduler!r} is not a scheduler address like tcp://HOST:8786 (or `local`)")
        try:
            client = distributed.Client(scheduler, timeout=CONNECT_TIMEOUT, set_as_default=False)
        except Exception as error:  # noqa: BLE001 - OSError, TimeoutError, ValueError ... all mean the same to the user
            raise EngineError(f"cannot reach the Dask scheduler at {scheduler} ({one_line(str(error), 200) or type(error).__name__}); "
                              "check the address and that `dask scheduler` runs there") from None
        with client:
            yield client


@contextlib.contextmanager
def _quiet_dask_logs() -> Iterator[None]:
    """Dask's own warnings and shutdown noise (a worker restarted, a heartbeat to a scheduler that has
    already closed) are not the audit's output: a file that fails comes back as its own error line."""
    logger = logging.getLogger("distributed")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(level)


def check_workers(client: Any, options: LintOptions) -> None:
    """Fail early unless the workers run this clauselint with the same rule packs as this machine."""
    from clauselint.audit.stamp import audit_stamp

    stamp = audit_stamp(options)
    try:
        client.wait_for_workers(1, timeout=WORKER_WAIT_SECONDS)
    except Exception:  # noqa: BLE001 - TimeoutError, or the scheduler went away
        raise EngineError(f"no Dask worker joined the scheduler within {WORKER_WAIT_SECONDS} s; "
                          "start some with `dask worker tcp://HOST:8786`") from None
    try:
        seen = client.run(worker_stamp, options)
    except Exception as error:  # noqa: BLE001 - most often: clauselint is not installed on a worker
        raise EngineError(f"the Dask workers cannot run clauselint ({one_line(f'{type(error).__name__}: {error}', 200)}); "
                          f"install clauselint {stamp.clauselint} with the same rule packs on every worker") from None
    for address, (version, fingerprint, _packs) in sorted(seen.items()):
        if version != stamp.clauselint:
            raise EngineError(f"the Dask worker {address} runs clauselint {version} and this machine {stamp.clauselint}; "
                              "install the same version everywhere")
        if fingerprint != stamp.fingerprint:
            raise EngineError(f"the Dask worker {address} has different rule packs or libraries than this machine; "
                              "install the same clauselint everywhere and put --pack libraries where every worker reads them")


def run_dask(client: Any, planned: Sequence[Planned], options: LintOptions, *, timeout: float | None,
             work: Work = audit_one) -> Iterator[Outcome]:
    """One Outcome per planned file, in the order they finish on the cluster."""
    distributed = load_distributed()
    limit = max(8, TASKS_PER_THREAD * sum(client.nthreads().values()))
    queue = iter(planned)
    in_flight: dict[Any, tuple[Planned, int]] = {}
    completed = distributed.as_completed(loop=client.loop)

    def submit(item: Planned, attempt: int) -> None:
        task = AuditTask(item.source, options, timeout, item.known_sha256)
        future = client.submit(work, task, pure=False)
        in_flight[future] = (item, attempt)
        completed.add(future)

    def top_up() -> None:
        while len(in_flight) < limit:
            item = next(queue, None)
            if item is None:
                return
            submit(item, 1)

    top_up()
    try:
        for future in completed:
            item, attempt = in_flight.pop(future)
            outcome = _settle(future, item, attempt, distributed.KilledWorker)
            future.release()
            if outcome is None:
                submit(item, attempt + 1)
            else:
                yield outcome
            top_up()
    finally:
        for future in in_flight:
            future.cancel()


def _settle(future: Any, item: Planned, attempt: int, killed_worker: type) -> Outcome | None:
    """The future's outcome, or None when the file must be sent again (its worker died, the first time)."""
    if future.status == "finished":
        return Outcome(item.source, future.result())
    error = future.exception() if future.status == "error" else None
    label = item.source.label
    if future.status == "cancelled" or isinstance(error, killed_worker):
        if attempt < 2:
            return None
        message = (f"{label}: the Dask worker checking this file stopped unexpectedly, and again when it was retried; "
                   "the file may be damaged or hostile: re-save or re-export it")
        return Outcome(item.source, FileResult(path=label, bundle=(label,), error=ErrorInfo("internal-error", message)))
    detail = one_line(f"{type(error).__name__}: {error}", 200)
    return Outcome(item.source, FileResult(path=label, bundle=(label,), error=ErrorInfo(
        "internal-error", one_line(f"{label}: the Dask worker failed on this file ({detail}); please report it"))))
