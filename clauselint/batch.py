"""Lint many contracts in worker processes; a file that hangs or crashes its worker never stops the rest.

Workers are started with `spawn` (safe on every platform, and no sockets: the pipes are OS pipes),
warm up once (spaCy, the compiled packs, the readers), report that they are ready, then take one
contract at a time. The parent gives each file at most `timeout` seconds: a worker that overruns
is killed, its file is reported as `timeout`, and a fresh worker takes its place. Results come back
in input order, whatever the number of workers.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any

from clauselint.findings import ErrorInfo, FileResult
from clauselint.runner import LintOptions, lint_task

OnResult = Callable[[int, int, FileResult], None]
STOP_GRACE_SECONDS = 2.0


class BatchError(Exception):
    """The workers could not be started (e.g. a named spaCy pipeline is not installed)."""


def default_jobs() -> int:
    """The cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - macOS, Windows
        return max(1, os.cpu_count() or 1)


# ---------------------------------------------------------------------------------------- worker

def _worker_main(tasks_in: Connection, results_out: Connection, options: LintOptions) -> None:
    """Warm up, say so, then lint each (index, bundle) received until told to stop."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    try:
        _warm_up(options)
    except Exception as error:  # reported to the parent, which stops the batch with a usage error
        results_out.send(("fatal", " ".join(str(error).split())))
        return
    results_out.send(("ready",))
    while True:
        try:
            task = tasks_in.recv()
        except EOFError:
            return
        if task is None:
            return
        index, bundle = task
        results_out.send(("result", index, lint_task(bundle, options)))


def _warm_up(options: LintOptions) -> None:
    """Pay the start-up costs before the clock of the first file starts."""
    import clauselint.documents.readers.docx_reader  # noqa: F401
    import clauselint.documents.readers.pdf_reader  # noqa: F401
    from clauselint.engine.matcher import compile_pack

    for pack in options.packs:
        compile_pack(pack, options.extra_library, options.model)


# ---------------------------------------------------------------------------------------- parent

@dataclass
class _Worker:
    """The parent's bookkeeping for one worker process (local to one run_tasks call)."""

    process: Any
    tasks_out: Connection
    results_in: Connection
    ready: bool = False
    index: int | None = None
    started: float = 0.0

    def give(self, index: int, bundle: tuple[str, ...]) -> None:
        self.index, self.started = index, time.monotonic()
        self.tasks_out.send((index, bundle))

    def close(self, kill: bool) -> None:
        if self.process.is_alive() and not kill:
            try:
                self.tasks_out.send(None)
            except OSError:
                pass
            self.process.join(STOP_GRACE_SECONDS)
        if self.process.is_alive():
            self.process.kill()
        self.process.join()
        self.tasks_out.close()
        self.results_in.close()


def _start(context: Any, options: LintOptions) -> _Worker:
    tasks_in, tasks_out = context.Pipe(duplex=False)
    results_in, results_out = context.Pipe(duplex=False)
    process = context.Process(target=_worker_main, args=(tasks_in, results_out, options), daemon=True,
                              name="clauselint-worker")
    process.start()
    tasks_in.close()
    results_out.close()
    return _Worker(process, tasks_out, results_in)


def run_tasks(tasks: Sequence[tuple[str, ...]], options: LintOptions, *, jobs: int, timeout: float | None = None,
              on_result: OnResult | None = None) -> list[FileResult]:
    """Lint each bundle of `tasks` in up to `jobs` worker processes; results in the order of `tasks`."""
    results: list[FileResult | None] = [None] * len(tasks)
    for done, (index, result) in enumerate(iter_results(tasks, options, jobs=jobs, timeout=timeout), 1):
        results[index] = result
        if on_result is not None:
            on_result(done, len(tasks), result)
    return [r for r in results if r is not None]


def iter_results(tasks: Sequence[tuple[str, ...]], options: LintOptions, *, jobs: int,
                 timeout: float | None = None) -> Iterator[tuple[int, FileResult]]:
    """Lint each bundle of `tasks` in up to `jobs` worker processes, yielding (index, result) as each finishes.

    For callers that must not hold every result (a resumable audit writes each one out at once).
    Closing the iterator early, or an exception in it, stops the workers."""
    if not tasks:
        return
    context = multiprocessing.get_context("spawn")
    pending = deque(range(len(tasks)))
    ready_results: deque[tuple[int, FileResult]] = deque()
    workers: list[_Worker] = []
    finished = False
    remaining = len(tasks)

    def record(index: int, result: FileResult) -> None:
        ready_results.append((index, result))

    try:
        workers = [_start(context, options) for _ in range(min(max(1, jobs), len(tasks)))]
        while remaining:
            for worker in workers:
                if worker.ready and worker.index is None and pending:
                    index = pending.popleft()
                    worker.give(index, tasks[index])
            ready = wait([w.results_in for w in workers] + [w.process.sentinel for w in workers],
                         timeout=_next_deadline(workers, timeout))
            for position, worker in enumerate(list(workers)):
                if _service(worker, ready, tasks, timeout, record):
                    worker.close(kill=True)
                    workers.remove(worker)
                    if pending:  # a fresh worker only when there is work left for it
                        workers.insert(position, _start(context, options))
            while ready_results:
                remaining -= 1
                yield ready_results.popleft()
        finished = True
    finally:
        for worker in workers:
            worker.close(kill=not finished)


def _next_deadline(workers: list[_Worker], timeout: float | None) -> float | None:
    if not timeout:
        return None
    busy = [w.started + timeout for w in workers if w.index is not None]
    return max(0.0, min(busy) - time.monotonic()) if busy else None


def _service(worker: _Worker, ready: list[Any], tasks: Sequence[tuple[str, ...]], timeout: float | None,
             record: Callable[[int, FileResult], None]) -> bool:
    """Handle what one worker reported; True when it must be replaced (it crashed or overran)."""
    if worker.results_in in ready or worker.process.sentinel in ready:
        message = _receive(worker)
        if message is not None:
            if message[0] == "ready":
                worker.ready = True
            elif message[0] == "fatal":
                raise BatchError(message[1])
            elif message[0] == "result" and message[1] == worker.index:
                record(message[1], message[2])
                worker.index = None
            return False
        if not worker.process.is_alive() or worker.process.sentinel in ready:
            if not worker.ready:
                raise BatchError("a worker process could not start; run with --jobs 1 to see why")
            if worker.index is not None:
                bundle = tasks[worker.index]
                code = worker.process.exitcode
                record(worker.index, _error(bundle, "internal-error",
                                            f"{bundle[0]}: the process checking this file stopped unexpectedly (exit status {code}); "
                                            "the file may be damaged or hostile: re-save or re-export it",
                                            time.monotonic() - worker.started))
                worker.index = None
            return True
    if timeout and worker.index is not None and time.monotonic() - worker.started >= timeout:
        bundle = tasks[worker.index]
        record(worker.index, _error(bundle, "timeout",
                                    f"{bundle[0]}: reading and checking it took longer than the {timeout:g} s limit (--timeout); "
                                    "the file may be hostile or very large", time.monotonic() - worker.started))
        worker.index = None
        return True
    return False


def _receive(worker: _Worker) -> tuple[Any, ...] | None:
    try:
        if worker.results_in.poll():
            return worker.results_in.recv()
    except (EOFError, OSError):
        return None
    return None


def _error(bundle: tuple[str, ...], code: str, message: str, seconds: float) -> FileResult:
    from clauselint.documents.errors import one_line
    from clauselint.waivers import content_hash

    return FileResult(path=bundle[0], bundle=bundle, error=ErrorInfo(code, one_line(message)), sha256=content_hash(bundle),
                      seconds=round(seconds, 3))
