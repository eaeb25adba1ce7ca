"""What a Dask worker runs for one file: read it by path or fsspec URL, hash it, lint it within the time limit.

Workers read the files themselves (a shared filesystem, or object storage through fsspec), so only
names and results cross the network. A file whose hash is the one already recorded is not linted.
"""

from __future__ import annotations

import dataclasses
import hashlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from clauselint.audit.sources import Source
from clauselint.documents.errors import ReadError, one_line
from clauselint.findings import ErrorInfo, FileResult
from clauselint.runner import LintOptions, lint_task


@dataclass(frozen=True)
class AuditTask:
    source: Source
    options: LintOptions
    timeout: float | None = None  # seconds; None for no limit
    known_sha256: str | None = None  # the recorded hash: skip the file when its content still has it


def audit_one(task: AuditTask) -> FileResult | None:
    """The file's result, or None when its content is the one already recorded."""
    started = time.perf_counter()
    if task.source.is_url:
        try:
            data = fetch(task.source.location, task.options.limits.max_bytes)
        except ReadError as error:
            return _failed(task.source, ErrorInfo(error.code, error.message), None, started)
        sha = hashlib.sha256(data).hexdigest()
        if sha == task.known_sha256:
            return None
        return _within(task, started, lambda: _lint_bytes(task.source, data, sha, task.options))
    if task.known_sha256 is not None:
        from clauselint.waivers import content_hash

        if content_hash((task.source.location,)) == task.known_sha256:
            return None
    return _within(task, started, lambda: relabel(lint_task((task.source.location,), task.options),
                                                   task.source.location, task.source.label))


def worker_stamp(options: LintOptions) -> tuple[str, str, dict[str, str]]:
    """(clauselint version, fingerprint, pack versions) as this worker sees them: they must match the client's.

    Asked of every worker before the first file, so it also warms the worker up (readers, spaCy,
    the compiled packs): the first files are then not slowed by start-up, and files per second are true."""
    import clauselint.documents.readers.docx_reader  # noqa: F401
    import clauselint.documents.readers.pdf_reader  # noqa: F401
    from clauselint.audit.stamp import audit_stamp
    from clauselint.engine.matcher import compile_pack

    stamp = audit_stamp(options)
    for pack in options.packs:
        compile_pack(pack, options.extra_library, options.model)
    return stamp.clauselint, stamp.fingerprint, dict(stamp.packs)


def fetch(url: str, max_bytes: int) -> bytes:
    """The bytes behind an fsspec URL, at most `max_bytes` of them; failures are ReadErrors."""
    try:
        import fsspec

        fs, path = fsspec.core.url_to_fs(url)
        info = fs.info(path)
        if info.get("type") == "directory":
            raise ReadError("is-a-directory", f"{url}: is a folder, not a file; name the file")
        if (info.get("size") or 0) > max_bytes:
            raise _too_large(url, int(info["size"]), max_bytes)
        with fs.open(path, "rb") as handle:
            data = handle.read(max_bytes + 1)
    except ReadError:
        raise
    except FileNotFoundError:
        raise ReadError("not-found", f"{url}: no such file; check the URL") from None
    except PermissionError:
        raise ReadError("permission-denied", f"{url}: permission denied; check the workers' access to it") from None
    except Exception as error:  # noqa: BLE001 - a storage library's failure is this file's error, not the audit's
        detail = one_line(f"{type(error).__name__}: {error}", 160)
        raise ReadError("not-found", f"{url}: cannot be fetched ({detail}); check the URL and the workers' access to it") from None
    if len(data) > max_bytes:
        raise _too_large(url, len(data), max_bytes)
    return data


def _too_large(url: str, size: int, max_bytes: int) -> ReadError:
    mb = 1024 * 1024
    return ReadError("too-large", f"{url}: the file is over {size / mb:.0f} MB, more than the {max_bytes / mb:.0f} MB limit; "
                                  "split it, or raise the limit (--max-file-size) if it is genuine")


def _lint_bytes(source: Source, data: bytes, sha: str, options: LintOptions) -> FileResult:
    """lint_task for a file already in memory (fetched from a URL)."""
    from clauselint.documents.reader import document_from_bytes
    from clauselint.runner import _lint_documents

    bundle = (source.label,)
    try:
        document = document_from_bytes(data, source.label, options.limits)
        result = _lint_documents(bundle, (document,), options)
    except ReadError as error:
        result = FileResult(path=source.label, bundle=bundle, error=ErrorInfo(error.code, error.message))
    except Exception as error:  # noqa: BLE001 - a hostile file must not stop the batch
        detail = one_line(f"{type(error).__name__}: {error}", 200)
        result = FileResult(path=source.label, bundle=bundle, error=ErrorInfo(
            "internal-error", one_line(f"{source.label}: clauselint failed on this file ({detail}); please report it")))
    return dataclasses.replace(result, sha256=sha)


def relabel(result: FileResult, location: str, label: str) -> FileResult:
    """The result as if the file had been linted under the name the user gave it."""
    if location == label:
        return result

    def name(text: str) -> str:
        return label if text == location else text

    findings = tuple(dataclasses.replace(f, evidence=tuple(dataclasses.replace(e, file=name(e.file)) for e in f.evidence))
                     for f in result.findings)
    error = None if result.error is None else ErrorInfo(result.error.code, result.error.message.replace(location, label))
    return dataclasses.replace(result, path=name(result.path), bundle=tuple(name(p) for p in result.bundle), findings=findings,
                               error=error)


def _within(task: AuditTask, started: float, work: Callable[[], FileResult]) -> FileResult:
    """Run `work` with the task's time limit; over it, the file is reported as `timeout`.

    A Dask worker cannot kill the thread that overran: it runs on in the background until it ends,
    and the worker takes the next file meanwhile."""
    if not task.timeout:
        return _timed(work(), started)
    box: list[FileResult] = []
    thread = threading.Thread(target=lambda: box.append(work()), name="clauselint-audit-file", daemon=True)
    thread.start()
    thread.join(task.timeout)
    if box:
        return _timed(box[0], started)
    label = task.source.label
    if thread.is_alive():
        message = (f"{label}: reading and checking it took longer than the {task.timeout:g} s limit (--timeout); "
                   "the file may be hostile or very large")
        return _failed(task.source, ErrorInfo("timeout", one_line(message)), None, started)
    return _failed(task.source, ErrorInfo("internal-error", f"{label}: clauselint failed on this file; please report it"),
                   None, started)


def _timed(result: FileResult, started: float) -> FileResult:
    return dataclasses.replace(result, seconds=round(time.perf_counter() - started, 3))


def _failed(source: Source, error: ErrorInfo, sha: str | None, started: float) -> FileResult:
    if sha is None and not source.is_url:
        from clauselint.waivers import content_hash

        sha = content_hash((source.location,))
    return FileResult(path=source.label, bundle=(source.label,), error=error, sha256=sha,
                      seconds=round(time.perf_counter() - started, 3))
