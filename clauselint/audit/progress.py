"""Progress of an audit on standard error: files done / total, files per second, errors so far, time left.

On a terminal one line is redrawn in place a few times a second; in a log (standard error not a
terminal) a line is written every half minute, so a long job shows it is alive without flooding.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import TextIO

TERMINAL_INTERVAL = 0.25
LOG_INTERVAL = 30.0


class AuditProgress:
    """Call `file_done` for each file; `note` prints a line (an unreadable file) without garbling the bar."""

    def __init__(self, total: int = 0, stream: TextIO | None = None, *, enabled: bool = True, interval: float | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.total = total
        self.done = self.linted = self.unchanged = self.errors = 0
        self._stream = stream or sys.stderr
        self._terminal = self._stream.isatty()
        self._enabled = enabled
        self._interval = interval if interval is not None else TERMINAL_INTERVAL if self._terminal else LOG_INTERVAL
        self._clock = clock
        self._shown = clock()
        self._first_linted: float | None = None
        self._last_linted = 0.0
        self._drawn = False

    def start(self, total: int) -> None:
        """Begin counting (the clock for files per second starts here)."""
        self.total = total
        self._shown = self._clock()

    def file_done(self, *, unchanged: bool = False, error: bool = False) -> None:
        self.done += 1
        self.unchanged += unchanged
        self.linted += not unchanged
        self.errors += error
        now = self._clock()
        if not unchanged:
            self._last_linted = now
            if self._first_linted is None:
                self._first_linted = now
        if now - self._shown >= self._interval:
            self._shown = now
            self._show()

    def note(self, line: str) -> None:
        self._clear()
        self._stream.write(line + "\n")
        self._stream.flush()

    def close(self) -> None:
        """The final figures, on their own line."""
        if self._enabled and self.total:
            self._show()
            if self._terminal:
                self._stream.write("\n")
                self._stream.flush()
            self._drawn = False

    @property
    def rate(self) -> float:
        """Files linted per second, from the first one done to the last: start-up and warm-up would understate
        it, files skipped as unchanged would flatter it."""
        if self._first_linted is None or self.linted < 2:
            return 0.0
        elapsed = self._last_linted - self._first_linted
        return (self.linted - 1) / elapsed if elapsed > 0 else 0.0

    def line(self) -> str:
        """`120/200 files (40 unchanged), 15.3 files/s, 2 errors, about 5s left`."""
        unchanged = f" ({self.unchanged} unchanged)" if self.unchanged else ""
        errors = f"{self.errors} error{'s' if self.errors != 1 else ''}"
        remaining = self.total - self.done
        eta = "done" if remaining == 0 else f"about {format_duration(remaining / self.rate)} left" if self.rate > 0 else "time left unknown"
        return f"audit: {self.done}/{self.total} files{unchanged}, {self.rate:.1f} files/s, {errors}, {eta}"

    def _show(self) -> None:
        if not self._enabled:
            return
        if self._terminal:
            self._stream.write("\r\x1b[K" + self.line())
            self._drawn = True
        else:
            self._stream.write(self.line() + "\n")
        self._stream.flush()

    def _clear(self) -> None:
        if self._drawn:
            self._stream.write("\r\x1b[K")
            self._drawn = False


def format_duration(seconds: float) -> str:
    """`45s`, `3m05s`, `2h07m`."""
    seconds = max(0, round(seconds))
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 3600:
        return f"{seconds // 60}m{seconds % 60:02d}s"
    return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"
