"""Run one command as a whole process and measure its wall time and peak memory.

Peak memory comes from os.wait4's resource usage for that one child: the kernel's high-water mark
of resident memory (ru_maxrss), exact rather than sampled, and without a new dependency (psutil
would only poll, and could miss a short peak). For a process that starts workers and waits for
them (clauselint --jobs N), ru_maxrss is the largest of those processes' peaks, not their sum;
the report says so. POSIX only (Linux: kilobytes; macOS: bytes).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Sample:
    """One process run: seconds of wall time, peak resident memory in MB, exit status, the end of stderr, and
    CPU seconds (user + system, its waited-for workers included): steadier than wall time on a busy machine."""

    seconds: float
    peak_mb: float
    status: int
    stderr: str = ""
    cpu_seconds: float = 0.0


def run_process(command: Sequence[str], env: dict[str, str] | None = None) -> Sample:
    """Start `command` (stdout discarded, stderr kept), wait for it with wait4, and time it."""
    with tempfile.TemporaryFile() as stderr:
        actions = [(os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
                   (os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0),
                   (os.POSIX_SPAWN_DUP2, stderr.fileno(), 2)]
        environment = dict(os.environ if env is None else env)
        started = time.perf_counter()
        pid = os.posix_spawnp(command[0], list(command), environment, file_actions=actions)
        _, wait_status, usage = os.wait4(pid, 0)
        seconds = time.perf_counter() - started
        stderr.seek(0)
        tail = stderr.read()[-2000:].decode("utf-8", "replace")
    divisor = 1024 * 1024 if sys.platform == "darwin" else 1024
    return Sample(seconds=seconds, peak_mb=usage.ru_maxrss / divisor, status=os.waitstatus_to_exitcode(wait_status),
                  stderr=tail, cpu_seconds=usage.ru_utime + usage.ru_stime)
