"""Lint files: read each (or each bundle), run the packs, and never let one bad file stop the rest.

`lint()` is the one entry point the CLI and the Python API share. The engine (and spaCy) are
imported only where a file is actually linted, so a parent process that hands files to workers
stays light.
"""

from __future__ import annotations

import dataclasses
import fnmatch
import gc
import glob
import os
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from clauselint import __version__
from clauselint.config import Settings
from clauselint.documents.errors import ReadError, one_line
from clauselint.documents.model import Document
from clauselint.documents.reader import ReadLimits, read_document
from clauselint.findings import ErrorInfo, FileResult, Finding, Report, RuleInfo, Suggestion, Waiver
from clauselint.library import Pack, load_pack
from clauselint.policy import RulePolicy, RuleRef, resolve_policy

CONTRACT_SUFFIXES = (".docx", ".pdf", ".html", ".htm", ".txt", ".md", ".markdown", ".text")
DEFAULT_PACKS = ("sfp-4.1",)
GLOB_CHARS = ("*", "?", "[")
DEFAULT_BATCH_TIMEOUT = 300.0  # seconds per file when files run in worker processes
# Allocations between two young-generation garbage collections while a contract is linted
# (Python's default is 700): see _few_collections.
LINT_GC_THRESHOLD = 50_000

OnResult = Callable[[int, int, FileResult], None]


class ModelError(ValueError):
    """The spaCy pipeline named with --model is not installed."""


@dataclass(frozen=True)
class LintOptions:
    """What linting one contract needs; picklable, so it can be handed to a worker process once."""

    packs: tuple[str, ...] = DEFAULT_PACKS
    limits: ReadLimits = ReadLimits()
    extra_library: tuple[str, ...] = ()
    model: str | None = None
    parties: tuple[tuple[str, str], ...] = ()  # (role, name) overrides for suggested language
    keep_documents: bool = False  # keep the text for reporters that show it (HTML)


# ----------------------------------------------------------------------------------- finding files

def expand_paths(paths: Iterable[str], exclude: Sequence[str] = (), base: str | os.PathLike[str] = ".",
                 keep_empty_folders: bool = False) -> list[str]:
    """Files as given; folders walked recursively and globs expanded, in a stable order, without repeats.

    `exclude` patterns (fnmatch, relative to `base`) skip files found in folders or by globs; a file
    named explicitly is always linted. With `keep_empty_folders`, a folder holding no contract is kept
    (it becomes an error row of the batch rather than vanishing)."""
    out: dict[str, str] = {}
    for path in paths:
        if os.path.isdir(path):
            found = _walk(path, exclude, base) or ([path] if keep_empty_folders else [])
        elif not os.path.exists(path) and any(c in path for c in GLOB_CHARS):
            matches = sorted(glob.glob(path, recursive=True))
            found = [f for m in matches for f in (_walk(m, exclude, base) if os.path.isdir(m) else [m])
                     if not _excluded(f, exclude, base)] if matches else [path]
        else:
            found = [path]
        for item in found:
            out.setdefault(os.path.realpath(item) if os.path.exists(item) else item, item)
    return list(out.values())


def _walk(folder: str, exclude: Sequence[str], base: str | os.PathLike[str]) -> list[str]:
    found = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and not _excluded(os.path.join(root, d), exclude, base))
        for name in sorted(files):
            path = os.path.join(root, name)
            if (name.lower().endswith(CONTRACT_SUFFIXES) and not name.startswith(("~$", "."))
                    and not _excluded(path, exclude, base)):
                found.append(path)
    return found


def _excluded(path: str, patterns: Sequence[str], base: str | os.PathLike[str]) -> bool:
    if not patterns:
        return False
    absolute = Path(path).resolve()
    try:
        relative = absolute.relative_to(Path(base).resolve()).as_posix()
    except ValueError:
        relative = Path(path).as_posix()
    candidates = (relative, Path(path).as_posix(), absolute.name)
    return any(fnmatch.fnmatch(c, p) or fnmatch.fnmatch(c, p.rstrip("/") + "/*") for p in patterns for c in candidates)


# --------------------------------------------------------------------------------- one contract

def lint_bundle(paths: Sequence[str], packs: Sequence[str] = DEFAULT_PACKS, limits: ReadLimits = ReadLimits(),
                extra_library: tuple[str, ...] = (), model: str | None = None) -> FileResult:
    """Lint one contract made of one or more files (the first is the main document)."""
    return lint_task(tuple(str(p) for p in paths), LintOptions(tuple(packs), limits, tuple(extra_library), model))


def lint_task(bundle: tuple[str, ...], options: LintOptions) -> FileResult:
    """Lint one contract; whatever the file does, return a FileResult (an error result if need be)."""
    from clauselint.waivers import content_hash

    started = time.perf_counter()
    sha = content_hash(bundle)
    try:
        with _few_collections():
            documents = tuple(read_document(path, options.limits) for path in bundle)
            result = _lint_documents(bundle, documents, options)
    except ReadError as error:
        result = FileResult(path=bundle[0], bundle=bundle, error=ErrorInfo(error.code, error.message))
    except Exception as error:  # a hostile file must not stop the batch
        detail = one_line(f"{type(error).__name__}: {error}", 200)
        result = FileResult(path=bundle[0], bundle=bundle, error=ErrorInfo(
            "internal-error", one_line(f"{bundle[0]}: clauselint failed on this file ({detail}); please report it")))
    return dataclasses.replace(result, sha256=sha, seconds=round(time.perf_counter() - started, 3))


@contextmanager
def _few_collections() -> Iterator[None]:
    """Linting allocates millions of short-lived objects (tokens, words, marks) next to the
    long-lived ones of spaCy and the compiled packs; with Python's default settings the garbage
    collector walks them all again and again (an eighth of the time of a 200-page PDF). While
    one contract is linted, what was alive before is frozen out of collections and the young
    generation is collected less often; both are restored afterwards."""
    threshold = gc.get_threshold()
    freeze = gc.get_freeze_count() == 0  # a caller's own frozen objects stay frozen
    if freeze:
        gc.freeze()
    if threshold[0]:  # 0: automatic collection is off, and stays off
        gc.set_threshold(max(threshold[0], LINT_GC_THRESHOLD), *threshold[1:])
    try:
        yield
    finally:
        gc.set_threshold(*threshold)
        if freeze:
            gc.unfreeze()


def _lint_documents(bundle: tuple[str, ...], documents: tuple[Document, ...], options: LintOptions) -> FileResult:
    from clauselint.engine import evaluate_pack
    from clauselint.engine.evaluate import party_names

    findings: list[Finding] = []
    for pack in options.packs:
        findings.extend(evaluate_pack(documents, pack, options.extra_library, options.model))
    main = documents[0]
    names = {**party_names(main), **dict(options.parties)}
    if options.parties:
        findings = [_refill(f, names, options.extra_library) for f in findings]
    pages = main.pages if len(documents) == 1 else _sum_pages(documents)
    return FileResult(path=bundle[0], bundle=bundle, findings=tuple(findings), format=main.format, pages=pages,
                      parties=_parties(main, names), title=main.title,
                      documents=documents if options.keep_documents else ())


def _refill(finding: Finding, names: Mapping[str, str], extra: tuple[str, ...]) -> Finding:
    """Suggested language filled with the party names the configuration gives."""
    from clauselint.library import fill

    if finding.suggestion is None:
        return finding
    templates = load_pack(finding.pack, extra).suggestions.get(finding.rule, ())
    template = next((t for t in templates if t.id == finding.suggestion.id), None)
    if template is None:
        return finding
    suggestion = Suggestion(id=template.id, text=fill(template.text, dict(names)), placement=template.placement)
    return dataclasses.replace(finding, suggestion=suggestion)


def _sum_pages(documents: tuple[Document, ...]) -> int | None:
    pages = [d.pages for d in documents]
    return None if any(p is None for p in pages) else sum(p for p in pages if p is not None)


def _parties(document: Document, names: Mapping[str, str]) -> dict[str, str]:
    out = {"provider": names["provider"], "customer": names["customer"]}
    for party in document.parties:
        if party.role:
            out[f"{party.role}_name"] = party.name
    return out


# ---------------------------------------------------------------------------------- many contracts

def lint(paths: Sequence[str] | str, *, with_files: Sequence[str] = (), packs: Sequence[str] | None = None,
         settings: Settings | None = None, limits: ReadLimits | None = None, extra_library: Sequence[str] | None = None,
         model: str | None = None, jobs: int | None = None, timeout: float | None = None,
         waivers: Sequence[Waiver] = (), keep_documents: bool = False, on_result: OnResult | None = None) -> Report:
    """Lint contracts and return the Report the CLI prints.

    `settings` (see clauselint.config.load_settings) carry packs, rule selection, severities, party
    names, limits and libraries; the keyword arguments override them. `with_files` bundle with a
    single path. `jobs` runs files in that many worker processes (None: in this process); there
    `timeout` seconds (default 300, 0 for none) bound each file: a stuck worker is killed and the
    file reported as `timeout`. Raises PackError or SelectionError for unknown packs or rules."""
    settings = (settings or Settings()).with_overrides(
        packs=tuple(packs) if packs is not None else None, limits=limits, model=model, jobs=jobs, timeout=timeout,
        libraries=tuple(extra_library) if extra_library is not None else None)
    loaded = [load_pack(p, settings.libraries) for p in settings.packs]
    policy = _policy(loaded, settings)
    if settings.model:
        _check_model(settings.model)
    if isinstance(paths, str):
        paths = [paths]
    files = expand_paths(paths, settings.exclude, settings.base, keep_empty_folders=True)
    tasks = [tuple([*files, *with_files])] if with_files else [(path,) for path in files]
    options = LintOptions(packs=tuple(settings.packs), limits=settings.limits, extra_library=tuple(settings.libraries),
                          model=settings.model, parties=tuple(sorted(settings.parties.items())), keep_documents=keep_documents)
    results = _run(tasks, options, settings.jobs, settings.timeout, on_result)
    from clauselint.waivers import apply_waivers, stale_notices

    final = tuple(apply_waivers(dataclasses.replace(r, findings=policy.apply(r.findings)), waivers) for r in results)
    rules = tuple(RuleInfo(pack=p.id, id=r.id, name=r.name, summary=r.summary, pledge=r.pledge, url=p.url)
                  for p in loaded for r in p.rules if RuleRef(p.id, r.id) in policy.selected)
    return Report(packs=tuple(settings.packs), results=final, version=__version__, rules=rules,
                  notices=tuple(stale_notices(final, waivers)))


def _check_model(model: str) -> None:
    """Fail once, before any file, rather than once per file (without importing spaCy here)."""
    from importlib.util import find_spec

    try:
        installed = Path(model).is_dir() or find_spec(model) is not None
    except (ImportError, ValueError):
        installed = False
    if not installed:
        raise ModelError(f"cannot load the spaCy pipeline {model!r}: it is not an installed package or a folder")


def _policy(packs: Sequence[Pack], settings: Settings) -> RulePolicy:
    refs = [RuleRef(p.id, r.id) for p in packs for r in p.rules]
    return resolve_policy(refs, settings.select, settings.ignore, settings.severity)


def _run(tasks: list[tuple[str, ...]], options: LintOptions, jobs: int | None, timeout: float | None,
         on_result: OnResult | None) -> list[FileResult]:
    """In this process for the API default and a single contract; in worker processes otherwise."""
    if jobs is None or (len(tasks) <= 1 and not timeout):
        results = []
        for done, task in enumerate(tasks, 1):
            results.append(lint_task(task, options))
            if on_result is not None:
                on_result(done, len(tasks), results[-1])
        return results
    from clauselint.batch import run_tasks

    limit = DEFAULT_BATCH_TIMEOUT if timeout is None else (timeout or None)
    return run_tasks(tasks, options, jobs=jobs, timeout=limit, on_result=on_result)
