"""Run an audit: decide what to (re)audit from the results file, drive an engine, write each result at once."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from clauselint.audit.outcome import Outcome, Planned
from clauselint.audit.progress import AuditProgress
from clauselint.audit.records import record_from_result
from clauselint.audit.results_file import Recorded, ResultsWriter, load_index
from clauselint.audit.sources import Source
from clauselint.audit.stamp import AuditStamp, audit_stamp
from clauselint.findings import FileResult
from clauselint.runner import LintOptions

# Errors that describe a run rather than the file: never reused, always audited again.
RETRIED_CODES = frozenset({"timeout", "internal-error"})

Engine = Callable[[Sequence[Planned], LintOptions, "float | None"], Iterator[Outcome]]


@dataclass(frozen=True)
class AuditTotals:
    files: int
    linted: int
    unchanged: int
    errors: int  # unreadable files among those linted in this run
    seconds: float
    linting_seconds: float = 0.0  # from the first linted file's end to the last one's: the workers' steady pace

    @property
    def rate(self) -> float:
        """Files per second once the workers were up (start-up and warm-up left out)."""
        return (self.linted - 1) / self.linting_seconds if self.linted > 1 and self.linting_seconds > 0 else 0.0


def plan(sources: Sequence[Source], index: dict[str, Recorded], stamp: AuditStamp, force: bool = False) -> list[Planned]:
    """Every source, with the recorded hash where its line may be reused if the content is unchanged."""
    return [Planned(source, None if force else _reusable_hash(index.get(source.location), stamp)) for source in sources]


def _reusable_hash(recorded: Recorded | None, stamp: AuditStamp) -> str | None:
    if recorded is None or recorded.sha256 is None or recorded.error_code in RETRIED_CODES:
        return None
    return recorded.sha256 if stamp.matches(recorded.clauselint, recorded.packs, recorded.fingerprint) else None


def run_audit(sources: Sequence[Source], results: str, options: LintOptions, engine: Engine, *, timeout: float | None = None,
              force: bool = False, progress: AuditProgress | None = None,
              on_error: Callable[[FileResult], None] | None = None) -> AuditTotals:
    """Audit `sources` into the results file; a line is on disk as soon as its file is done."""
    stamp = audit_stamp(options)
    started = time.monotonic()
    first = last = started
    linted = unchanged = errors = 0
    with ResultsWriter(results) as writer:
        planned = plan(sources, load_index(results), stamp, force)
        if progress is not None:
            progress.start(len(planned))
        outcomes = engine(planned, options, timeout)
        try:
            for outcome in outcomes:
                if outcome.result is None:
                    unchanged += 1
                else:
                    writer.write(record_from_result(outcome.result, outcome.source, stamp))
                    last = time.monotonic()
                    first = last if linted == 0 else first
                    linted += 1
                    if not outcome.result.ok:
                        errors += 1
                        if on_error is not None:
                            on_error(outcome.result)
                if progress is not None:
                    progress.file_done(unchanged=outcome.result is None, error=outcome.result is not None and not outcome.result.ok)
        finally:
            close = getattr(outcomes, "close", None)
            if close is not None:
                close()  # stop the workers now, not when the generator is collected
            if progress is not None:
                progress.close()
    return AuditTotals(files=len(planned), linted=linted, unchanged=unchanged, errors=errors, seconds=time.monotonic() - started,
                       linting_seconds=last - first)
