"""`clauselint audit SOURCE... --results audit.jsonl`, and `clauselint audit --summarize audit.jsonl`."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import NoReturn

import click

AUDIT_EXAMPLES = """
\b
Examples:
  clauselint audit agreements/ --results audit.jsonl           audit a folder; run it again to resume or refresh
  clauselint audit agreements/ --results audit.jsonl --force   audit every file again
  clauselint audit agreements/ --results audit.jsonl --engine dask --scheduler local
  clauselint audit s3://legal/contracts/ --results audit.jsonl --engine dask --scheduler tcp://HOST:8786
  clauselint audit --summarize audit.jsonl -o audit.csv        the results as a spreadsheet (or html, md, json)
"""
ENGINES = ("local", "dask")


@click.command(epilog=AUDIT_EXAMPLES)
@click.argument("sources", nargs=-1)
@click.option("--results", metavar="FILE", help="The results file (JSON Lines): one line per file, written as each file is done.")
@click.option("--summarize", "summarize_path", metavar="FILE", help="Turn the results FILE into a report (see -f, -o) instead of auditing.")
@click.option("-f", "--format", "fmt", metavar="FORMAT", help="With --summarize: csv, html, markdown, json, text or sarif; "
              "guessed from --output's suffix.")
@click.option("-o", "--output", metavar="FILE", help="With --summarize: write the report to FILE (atomically) instead of standard output.")
@click.option("--force", is_flag=True, help="Audit every file again, even those recorded with the same content and versions.")
@click.option("--engine", default="local", show_default=True, metavar="ENGINE",
              help="local (worker processes on this machine) or dask (a Dask distributed cluster, see --scheduler).")
@click.option("--scheduler", metavar="ADDRESS", help="With --engine dask: the scheduler, tcp://HOST:8786, or `local` for a cluster on this machine.")
@click.option("-j", "--jobs", metavar="N", help="Worker processes for --engine local and --scheduler local (default: the machine's cores).")
@click.option("--timeout", metavar="SECONDS", help="Per-file time limit (default 300; 0 = none): the file is reported as `timeout`.")
@click.option("--max-file-size", metavar="SIZE", help="Report larger files as `too-large` (e.g. 50MB).")
@click.option("--max-pages", metavar="N", help="Report PDFs with more pages as `too-large`.")
@click.option("--max-uncompressed", metavar="SIZE", help="Report DOCX files whose text parts unpack to more than SIZE as `too-large`.")
@click.option("--pack", "packs", multiple=True, metavar="PACK", help="Rule pack to apply (repeatable; default sfp-4.1).")
@click.option("--select", multiple=True, metavar="RULES", help="With --summarize: only these rules.")
@click.option("--ignore", multiple=True, metavar="RULES", help="With --summarize: leave out these rules.")
@click.option("--waivers", "waivers_path", metavar="FILE", help="With --summarize: waivers file (default: .clauselint-waivers.toml, found walking up).")
@click.option("--no-waivers", is_flag=True, help="With --summarize: report waived findings as if they were not waived.")
@click.option("--provider", metavar="NAME", help="The provider's name for suggested language (default: as each contract defines it).")
@click.option("--customer", metavar="NAME", help="The customer's name for suggested language (default: as each contract defines it).")
@click.option("--model", default=None, metavar="NAME", help="An installed spaCy pipeline to use instead of the built-in blank one.")
@click.option("-q", "--quiet", is_flag=True, help="No progress and no closing line; unreadable files are still reported.")
@click.option("--isolated", is_flag=True, help="Ignore configuration files.")
@click.option("--config", "config_path", metavar="FILE", help="Read settings from FILE instead of the nearest configuration file.")
def audit(sources: Sequence[str], results: str | None, summarize_path: str | None, fmt: str | None, output: str | None, force: bool,
          engine: str, scheduler: str | None, jobs: str | None, timeout: str | None, max_file_size: str | None, max_pages: str | None,
          max_uncompressed: str | None, packs: Sequence[str], select: Sequence[str], ignore: Sequence[str], waivers_path: str | None,
          no_waivers: bool, provider: str | None, customer: str | None, model: str | None, quiet: bool, isolated: bool,
          config_path: str | None) -> None:
    """Audit a contract estate into a resumable results file, on this machine or a Dask cluster.

    SOURCE: files, folders (walked recursively), globs, or fsspec URLs (s3://, gs://, ... with --engine dask).
    Each file's result is written to --results as soon as it is done; run the same command again to
    resume after an interruption, or to re-audit only the files (or versions) that changed."""
    from clauselint.cli import _settings

    if summarize_path is not None:
        if sources or results or force:
            _fail("--summarize reads a results file: give it no SOURCE, --results or --force")
        settings = _settings(config_path, isolated, select=select, ignore=ignore, fmt=fmt, output=output, waivers=waivers_path)
        _summarize(summarize_path, settings, output, waivers_path, no_waivers)
    if fmt or output or select or ignore or waivers_path or no_waivers:
        _fail("-f, -o, --select, --ignore and --waivers are for --summarize; an audit records every rule, and they apply when you summarize")
    if engine not in ENGINES:
        _fail(f"--engine {engine!r}: choose local or dask")
    if engine == "dask":
        from clauselint.audit.dask_engine import EngineError, load_distributed

        try:
            load_distributed()
        except EngineError as error:
            _fail(str(error))
        if not scheduler:
            _fail("--engine dask needs --scheduler tcp://HOST:8786 (an existing cluster) or --scheduler local (one on this machine)")
    elif scheduler:
        _fail("--scheduler is for --engine dask")
    if not results:
        _fail("audit needs --results FILE, where each file's result is written (and read back to resume)")
    if not sources:
        _fail("audit needs SOURCE...: files, folders, globs or URLs to audit")
    settings = _settings(config_path, isolated, packs=packs, jobs=jobs, timeout=timeout, max_file_size=max_file_size,
                         max_pages=max_pages, max_uncompressed=max_uncompressed, model=model, provider=provider, customer=customer)
    _audit(sources, results, settings, engine, scheduler, force, quiet)


def _audit(given: Sequence[str], results: str, settings, engine: str, scheduler: str | None, force: bool, quiet: bool) -> NoReturn:  # noqa: ANN001
    from clauselint.audit.progress import AuditProgress, format_duration
    from clauselint.audit.results_file import ResultsFileError
    from clauselint.audit.run import run_audit
    from clauselint.audit.sources import SourceError, expand_sources, is_url
    from clauselint.batch import BatchError, default_jobs
    from clauselint.library import PackError
    from clauselint.runner import DEFAULT_BATCH_TIMEOUT, LintOptions, ModelError, _check_model

    options = LintOptions(packs=tuple(settings.packs), limits=settings.limits, extra_library=tuple(settings.libraries),
                          model=settings.model, parties=tuple(sorted(settings.parties.items())))
    timeout = DEFAULT_BATCH_TIMEOUT if settings.timeout is None else (settings.timeout or None)
    jobs = settings.jobs or default_jobs()
    progress = AuditProgress(enabled=not quiet)

    def report_error(result) -> None:  # noqa: ANN001 - a FileResult
        progress.note(f"clauselint: {result.error.message}")

    remote = next((s for s in given if is_url(s)), None)
    if remote is not None and engine == "local":
        _fail(f"{remote}: URLs are read by Dask workers; add --engine dask (--scheduler local runs them on this machine)")
    try:
        if settings.model:
            _check_model(settings.model)
        found = expand_sources(given, settings.exclude, settings.base)
        target = os.path.realpath(results)
        sources = [s for s in found if s.location != target]  # never audit the results file itself
        if not sources:
            _fail("no contract files found in the sources given")
        if engine == "local":
            totals = run_audit(sources, results, options, _local_engine(jobs), timeout=timeout, force=force, progress=progress,
                               on_error=report_error)
        else:
            totals = _run_on_dask(sources, results, options, scheduler or "local", jobs, timeout, force, progress, report_error)
    except (PackError, BatchError, ModelError, SourceError, ResultsFileError) as error:
        _fail(str(error))
    except OSError as error:
        _fail(f"{results}: cannot write the results ({error.strerror or error}); the lines already written are kept")
    except KeyboardInterrupt:
        click.echo(f"clauselint: interrupted; every result written so far is kept in {results}: run the same command to resume", err=True)
        sys.exit(130)
    if not quiet:
        unreadable = f" ({totals.errors} unreadable)" if totals.errors else ""
        pace = f" ({totals.rate:.1f} files/s once started)" if totals.linted > 1 else ""
        click.echo(f"clauselint: {totals.files} file{'s' if totals.files != 1 else ''}: {totals.linted} audited{unreadable}, {totals.unchanged} unchanged, "
                   f"in {format_duration(totals.seconds)}{pace}; results in {results}", err=True)
    sys.exit(0)


def _local_engine(jobs: int):  # noqa: ANN202 - an Engine
    from clauselint.audit.local_engine import run_local

    return lambda planned, options, timeout: run_local(planned, options, jobs=jobs, timeout=timeout)


def _run_on_dask(sources, results: str, options, scheduler: str, jobs: int, timeout: float | None, force: bool,  # noqa: ANN001
                 progress, report_error):  # noqa: ANN001, ANN202 - AuditTotals
    from clauselint.audit.dask_engine import EngineError, check_workers, connect, run_dask
    from clauselint.audit.results_file import ResultsFileError
    from clauselint.audit.run import run_audit
    from clauselint.documents.errors import one_line

    try:
        with connect(scheduler, jobs) as client:
            check_workers(client, options)
            return run_audit(sources, results, options, lambda planned, opts, limit: run_dask(client, planned, opts, timeout=limit),
                             timeout=timeout, force=force, progress=progress, on_error=report_error)
    except (EngineError, ResultsFileError) as error:
        _fail(str(error))
    except (KeyboardInterrupt, SystemExit):
        raise
    except Exception as error:  # noqa: BLE001 - the cluster went away mid-run: say so in one line, keep what was written
        _fail(f"the Dask cluster failed ({one_line(f'{type(error).__name__}: {error}', 200)}); "
              f"every result written so far is kept in {results}: run the same command to resume")


def _summarize(path: str, settings, output: str | None, waivers_path: str | None, no_waivers: bool) -> NoReturn:  # noqa: ANN001
    from clauselint.audit.results_file import ResultsFileError
    from clauselint.audit.summarize import summarize
    from clauselint.cli import _color, _waivers, _write
    from clauselint.policy import SelectionError
    from clauselint.reporters import get_reporter

    waivers = () if no_waivers else _waivers(settings.waivers, explicit=waivers_path is not None)
    try:
        report = summarize(path, settings, waivers)
    except (ResultsFileError, SelectionError) as error:
        _fail(str(error))
    color = output is None and _color(False)
    rendered = get_reporter(settings.format)(report, color=color, width=None)
    if output:
        _write(output, rendered, [path])
    else:
        click.echo(rendered, nl=False)
    for notice in report.notices:
        click.echo(f"clauselint: warning: {notice}", err=True)
    sys.exit(0)


def _fail(message: str) -> NoReturn:
    click.echo(f"clauselint: {message}", err=True)
    sys.exit(2)
