"""A progress bar on standard error for batches, shown only when standard error is a terminal."""

from __future__ import annotations

import sys
from typing import Any, TextIO

from clauselint.findings import FileResult


class ProgressBar:
    """Call it with (done, total, result) as each file finishes; close() when the batch ends."""

    def __init__(self, stream: TextIO | None = None, enabled: bool | None = None) -> None:
        self._stream = stream or sys.stderr
        self._enabled = self._stream.isatty() if enabled is None else enabled
        self._progress: Any = None
        self._task: Any = None

    def __call__(self, done: int, total: int, result: FileResult) -> None:
        if not self._enabled or total < 2:
            return
        if self._progress is None:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

            console = Console(file=self._stream, highlight=False, markup=False, emoji=False)
            self._progress = Progress(TextColumn("linting"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                                      TextColumn("{task.fields[errors]} unreadable"), console=console, transient=True)
            self._progress.start()
            self._task = self._progress.add_task("lint", total=total, errors=0)
        errors = self._progress.tasks[0].fields["errors"] + (0 if result.ok else 1)
        self._progress.update(self._task, completed=done, errors=errors)

    def close(self) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None
