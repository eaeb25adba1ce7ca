"""Audit on this machine: the linter's own worker processes (clauselint.batch), with its per-file time limit.

Files whose line may be reused are hashed here first (a few threads: hashing waits on the disk),
and only the changed ones go to the workers, which hand each result back as soon as it is ready.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor

from clauselint.audit.outcome import Outcome, Planned
from clauselint.batch import iter_results
from clauselint.runner import LintOptions
from clauselint.waivers import content_hash

HASH_THREADS = 4


def run_local(planned: Sequence[Planned], options: LintOptions, *, jobs: int, timeout: float | None) -> Iterator[Outcome]:
    """One Outcome per planned file: the unchanged ones first, then each linted file as it finishes."""
    candidates = [item for item in planned if item.known_sha256 is not None]
    unchanged: set[str] = set()
    if candidates:
        with ThreadPoolExecutor(HASH_THREADS, thread_name_prefix="clauselint-hash") as pool:
            for item, sha in zip(candidates, pool.map(lambda i: content_hash((i.source.location,)), candidates)):
                if sha == item.known_sha256:
                    unchanged.add(item.source.location)
                    yield Outcome(item.source, None)
    to_lint = [item for item in planned if item.source.location not in unchanged]
    tasks = [(item.source.label,) for item in to_lint]  # as given: the workers share this folder, as `lint` does
    for index, result in iter_results(tasks, options, jobs=jobs, timeout=timeout):
        yield Outcome(to_lint[index].source, result)
