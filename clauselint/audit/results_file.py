"""The results file: append-only JSON Lines, one line per audited file, each on disk before the next.

A line is written with one `write` and made durable with `fsync`, so a crash (or SIGKILL, or a lost
machine) loses at most the line being written: a truncated last line is ignored when the file is
read and cut off before the next run appends. A file is audited again by appending a new line;
the last line for a source is the one that counts. An exclusive lock keeps two audits from writing
to the same file at once.
"""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_REQUIRED = ("source", "path", "clauselint", "packs", "fingerprint")


class ResultsFileError(Exception):
    """The file is not a clauselint results file, cannot be written, or is in use."""


@dataclass(frozen=True)
class Recorded:
    """What a re-run needs to know about a file's last line to decide whether to audit it again."""

    sha256: str | None
    clauselint: str
    packs: dict[str, str]
    fingerprint: str
    error_code: str | None


def read_records(path: str | os.PathLike[str]) -> Iterator[dict[str, Any]]:
    """Every complete line of a results file, in order; a truncated last line is skipped."""
    try:
        handle = open(path, "rb")  # binary: a torn UTF-8 character is no error
    except FileNotFoundError:
        return
    except OSError as error:
        raise ResultsFileError(f"{path}: cannot be read ({error.strerror or error})") from None
    with handle:
        for number, line in enumerate(handle, 1):
            if not line.endswith(b"\n"):
                return  # the line being written when a run was stopped
            if line.strip():
                yield _parse(line, path, number)


def _parse(line: bytes, path: str | os.PathLike[str], number: int) -> dict[str, Any]:
    try:
        record = json.loads(line)
    except ValueError:
        record = None
    if not isinstance(record, dict) or any(key not in record for key in _REQUIRED):
        raise ResultsFileError(f"{path}: line {number} is not a clauselint audit result; is this the right file? "
                               "(give --results a new file name to start a fresh audit)")
    return record


def load_index(path: str | os.PathLike[str]) -> dict[str, Recorded]:
    """The last line of each source, reduced to what the skip decision needs."""
    index: dict[str, Recorded] = {}
    for record in read_records(path):
        index[record["source"]] = Recorded(sha256=record.get("sha256"), clauselint=record["clauselint"], packs=record["packs"],
                                           fingerprint=record["fingerprint"], error_code=(record.get("error") or {}).get("code"))
    return index


def latest_records(path: str | os.PathLike[str]) -> list[dict[str, Any]]:
    """The last line of each source, in the order the sources were first written."""
    latest: dict[str, dict[str, Any]] = {}
    for record in read_records(path):
        latest[record["source"]] = record
    return list(latest.values())


class ResultsWriter:
    """Appends lines to a results file under an exclusive lock; use it as a context manager."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self._fd: int | None = None

    def __enter__(self) -> ResultsWriter:
        if not self.path.parent.is_dir():
            raise ResultsFileError(f"{self.path}: the folder {self.path.parent} does not exist")
        created = not self.path.exists()
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o644)
        except OSError as error:
            raise ResultsFileError(f"{self.path}: cannot be opened for writing ({error.strerror or error})") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            raise ResultsFileError(f"{self.path}: another clauselint audit is writing to it; wait for it to finish") from None
        self._fd = fd
        try:
            for _ in read_records(self.path):  # refuse to append to a file that is not ours
                pass
            self._cut_torn_tail(fd)
            if created:
                _fsync_folder(self.path.parent)
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def write(self, record: dict[str, Any]) -> None:
        """One line, on disk (fsync) before this returns."""
        if self._fd is None:
            raise ResultsFileError(f"{self.path}: not open")
        text = json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n"
        try:
            data = text.encode("utf-8")
        except UnicodeEncodeError:  # a file name that is not UTF-8 (kept by Python as surrogates): escape it, losslessly
            data = (json.dumps(record, separators=(",", ":")) + "\n").encode("ascii")
        view = memoryview(data)
        while view:
            written = os.write(self._fd, view)
            view = view[written:]
        os.fsync(self._fd)

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # releases the lock
            self._fd = None

    def _cut_torn_tail(self, fd: int) -> None:
        """Drop a last line that a stopped run left half written, so the next line starts cleanly."""
        size = os.fstat(fd).st_size
        if size == 0 or os.pread(fd, 1, size - 1) == b"\n":
            return
        start = max(0, size - (1 << 20))
        while True:
            chunk = os.pread(fd, size - start, start)
            cut = chunk.rfind(b"\n")
            if cut >= 0:
                keep = start + cut + 1
                break
            if start == 0:
                keep = 0
                break
            start = max(0, start - (1 << 20))
        if not os.pread(fd, 2, keep).startswith(b"{"):
            raise ResultsFileError(f"{self.path}: is not a clauselint results file (its last line is not a result); "
                                   "give --results a new file name")
        os.ftruncate(fd, keep)
        os.fsync(fd)


def _fsync_folder(folder: Path) -> None:
    """Make the new file's name durable too, not only its contents."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
