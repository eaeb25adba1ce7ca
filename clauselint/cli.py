"""The command line: `clauselint FILE...` lints; `dump`, `rules`, `explain`, `config` and `waive` help a reviewer."""

from __future__ import annotations

import dataclasses
import datetime
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

import click

from clauselint import __version__
from clauselint.documents.errors import ReadError

EXAMPLES = """
\b
Examples:
  clauselint contract.docx                      lint one contract
  clauselint msa.docx --with aup.pdf            lint an agreement with its acceptable use policy
  clauselint agreements/ -f csv -o audit.csv    audit a folder (recursively) into a spreadsheet
  clauselint contract.pdf -f html -o review.html   a review page with the evidence highlighted
  clauselint dump contract.pdf                  show the text clauselint read, with locations
  clauselint rules                              list the rules
  clauselint explain law-enforcement            what a rule checks and why
  clauselint config                             the settings in effect, and where they come from
  clauselint waive msa.docx cessation-on-breach --reason "..." --by "J. Doe"
"""


class DefaultLintGroup(click.Group):
    """`clauselint FILE` means `clauselint lint FILE`, like ruff and yamllint."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h", "--version"):
            args = ["lint", *args]
        return super().parse_args(ctx, args)


@click.group(cls=DefaultLintGroup, epilog=EXAMPLES, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="clauselint")
def main() -> None:
    """Check contracts for the clauses commitment 4.1 of the Safe Face Pledge requires.

    Runs offline; reads DOCX, PDF, HTML, Markdown and text."""


def _config_options(function):  # noqa: ANN001, ANN202 - a click decorator
    function = click.option("--isolated", is_flag=True, help="Ignore configuration files.")(function)
    return click.option("--config", "config_path", metavar="FILE",
                        help="Read settings from FILE instead of the nearest .clauselint.toml, pyproject.toml or setup.cfg.")(function)


@main.command(epilog=EXAMPLES)
@click.argument("files", nargs=-1, required=True)
@click.option("--with", "with_files", multiple=True, metavar="FILE", help="Another file of the same contract (an AUP, exhibit or schedule).")
@click.option("-f", "--format", "fmt", metavar="FORMAT", help="text (default), json, sarif, markdown, html or csv; guessed from --output's suffix.")
@click.option("-o", "--output", metavar="FILE", help="Write the report to FILE (atomically, never over an input) instead of standard output.")
@_config_options
@click.option("--pack", "packs", multiple=True, metavar="PACK", help="Rule pack to apply (repeatable; default sfp-4.1).")
@click.option("--select", multiple=True, metavar="RULES", help="Only these rules (comma-separated ids, pack/rule or a pack id).")
@click.option("--ignore", multiple=True, metavar="RULES", help="Leave out these rules.")
@click.option("--fail-on", metavar="LEVEL", help="Lowest level that makes the exit status 1: partial (default), missing, conflict, "
              "or a severity (info, warning, error), or never.")
@click.option("--exit-zero", is_flag=True, help="Exit 0 whenever a report was made, whatever it found (wrong usage still exits 2).")
@click.option("--no-color", is_flag=True, help="Plain text even on a terminal (NO_COLOR is honoured too).")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar and no summary on the terminal; errors are still printed.")
@click.option("-j", "--jobs", metavar="N", help="Worker processes for a batch (default: the machine's cores).")
@click.option("--timeout", metavar="SECONDS", help="Per-file time limit in a batch (default 300; 0 = none): the file is reported as `timeout`.")
@click.option("--max-file-size", metavar="SIZE", help="Report larger files as `too-large` (e.g. 50MB; defaults: `clauselint config`).")
@click.option("--max-pages", metavar="N", help="Report PDFs with more pages as `too-large`.")
@click.option("--max-uncompressed", metavar="SIZE", help="Report DOCX files whose text parts unpack to more than SIZE as `too-large`.")
@click.option("--ocr", metavar="MODE", help="Scanned PDF pages: auto (OCR pages without a text layer with Tesseract; default), always, never.")
@click.option("--waivers", "waivers_path", metavar="FILE", help="Waivers file (default: .clauselint-waivers.toml, found walking up).")
@click.option("--no-waivers", is_flag=True, help="Report waived findings as if they were not waived.")
@click.option("--provider", metavar="NAME", help="The provider's name for suggested language (default: as the contract defines it).")
@click.option("--customer", metavar="NAME", help="The customer's name for suggested language (default: as the contract defines it).")
@click.option("--model", default=None, metavar="NAME", help="An installed spaCy pipeline to use instead of the built-in blank one.")
def lint(files: Sequence[str], with_files: Sequence[str], fmt: str | None, output: str | None, config_path: str | None,
         isolated: bool, packs: Sequence[str], select: Sequence[str], ignore: Sequence[str], fail_on: str | None,
         exit_zero: bool, no_color: bool, quiet: bool, jobs: str | None, timeout: str | None, max_file_size: str | None,
         max_pages: str | None, max_uncompressed: str | None, ocr: str | None, waivers_path: str | None, no_waivers: bool,
         provider: str | None, customer: str | None, model: str | None) -> None:
    """Lint contract FILES (files, folders or globs) and report each required clause."""
    from clauselint.batch import BatchError, default_jobs
    from clauselint.library import PackError
    from clauselint.policy import SelectionError, exit_status
    from clauselint.progress import ProgressBar
    from clauselint.reporters import NEEDS_DOCUMENTS, get_reporter
    from clauselint.runner import ModelError
    from clauselint.runner import lint as run_lint

    if with_files and (len(files) != 1 or os.path.isdir(files[0])):
        _usage_error("--with bundles files with ONE contract; give a single FILE, not several or a folder")
    settings = _settings(config_path, isolated, packs=packs, select=select, ignore=ignore, fail_on=fail_on, fmt=fmt,
                         output=output, jobs=jobs, timeout=timeout, max_file_size=max_file_size, max_pages=max_pages,
                         max_uncompressed=max_uncompressed, ocr=ocr, model=model, waivers=waivers_path, provider=provider, customer=customer)
    if with_files or (len(files) == 1 and os.path.isfile(files[0])):  # one contract: its scan's pages may use every job
        settings = dataclasses.replace(settings, limits=dataclasses.replace(settings.limits, ocr_jobs=settings.jobs or default_jobs()))
    waivers = () if no_waivers else _waivers(settings.waivers, explicit=waivers_path is not None)
    progress = ProgressBar(enabled=None if not quiet else False)
    try:
        report = run_lint(list(files), with_files=list(with_files), settings=settings, jobs=settings.jobs or default_jobs(),
                          waivers=waivers, keep_documents=settings.format in NEEDS_DOCUMENTS, on_result=progress)
    except (PackError, SelectionError, BatchError, ModelError) as error:
        _usage_error(str(error))
    except KeyboardInterrupt:
        click.echo("clauselint: interrupted", err=True)
        sys.exit(130)
    finally:
        progress.close()
    if not report.results:
        _usage_error("no contract files found in the paths given")
    color = _color(no_color) and output is None
    width = _width() if color else None
    rendered = get_reporter(settings.format)(report, color=color, width=width)
    if output:
        inputs = [*files, *with_files, *(p for r in report.results for p in r.bundle)]
        _write(output, rendered, inputs)
        if not quiet and sys.stderr.isatty():
            from clauselint.reporters.text_report import render_summary

            click.echo(render_summary(report, color=_color(no_color, sys.stderr), width=_width()), nl=False, err=True)
    else:
        click.echo(rendered, nl=False)
    for result in report.results:
        if result.error is not None:
            click.echo(f"clauselint: {result.error.message}", err=True)
    for notice in report.notices:
        click.echo(f"clauselint: warning: {notice}", err=True)
    sys.exit(exit_status(report, settings.fail_on, exit_zero))


def _settings(config_path: str | None, isolated: bool, *, packs: Sequence[str] = (), select: Sequence[str] = (),
              ignore: Sequence[str] = (), fail_on: str | None = None, fmt: str | None = None, output: str | None = None,
              jobs: str | None = None, timeout: str | None = None, max_file_size: str | None = None, max_pages: str | None = None,
              max_uncompressed: str | None = None, ocr: str | None = None, model: str | None = None, waivers: str | None = None,
              provider: str | None = None, customer: str | None = None):  # noqa: ANN202 - Settings, imported lazily
    """The config file's settings with the command line's on top; any mistake is a one-line usage error."""
    from clauselint.config import ConfigError, load_settings, parse_option
    from clauselint.reporters import SUFFIX_FORMATS

    try:
        settings = load_settings(config_path, isolated=isolated)
        if fmt is None and output and Path(output).suffix.lower() in SUFFIX_FORMATS and "format" not in settings.configured:
            fmt = SUFFIX_FORMATS[Path(output).suffix.lower()]
        given = {"max_bytes": ("max-file-size", max_file_size), "max_pages": ("max-pages", max_pages),
                 "max_uncompressed": ("max-uncompressed", max_uncompressed), "ocr": ("ocr", ocr)}
        limits = dataclasses.replace(settings.limits, **{field: parse_option(key, raw) for field, (key, raw) in given.items()
                                                         if raw is not None})
        parties = {**settings.parties, **({"provider": provider} if provider else {}), **({"customer": customer} if customer else {})}
        return settings.with_overrides(
            packs=tuple(packs) or None,
            select=parse_option("select", list(select)) if select else None,
            ignore=parse_option("ignore", list(ignore)) if ignore else None,
            fail_on=parse_option("fail-on", fail_on) if fail_on is not None else None,
            format=parse_option("format", fmt) if fmt is not None else None,
            jobs=parse_option("jobs", jobs) if jobs is not None else None,
            timeout=parse_option("timeout", timeout) if timeout is not None else None,
            limits=limits, model=model, waivers=waivers, parties=parties)
    except ConfigError as error:
        _usage_error(str(error))


def _waivers(path: str | None, explicit: bool):  # noqa: ANN202 - tuple[Waiver, ...]
    from clauselint.waivers import WaiverError, find_waivers, load_waivers

    if path is None:
        found = find_waivers()
        if found is None:
            return ()
        path = str(found)
    elif not explicit and not os.path.exists(path):
        return ()  # a configured waivers file that nobody has written yet
    try:
        return load_waivers(path)
    except WaiverError as error:
        _usage_error(str(error))


def _color(no_color: bool, stream=None) -> bool:  # noqa: ANN001
    stream = stream or sys.stdout
    return not no_color and "NO_COLOR" not in os.environ and stream.isatty()


def _width() -> int:
    import shutil

    return max(60, shutil.get_terminal_size((100, 24)).columns)


def _write(output: str, rendered: str, inputs: Sequence[str]) -> None:
    from clauselint.outputs import OutputError, write_atomic

    try:
        write_atomic(output, rendered, inputs=inputs)
    except (OutputError, OSError) as error:
        _usage_error(str(error) if isinstance(error, OutputError) else f"{output}: cannot write the report ({error.strerror or error})")


@main.command()
@click.argument("files", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def dump(files: Sequence[str], fmt: str) -> None:
    """Print the blocks read from FILES with their locations: why a clause was or wasn't seen."""
    from clauselint.documents.reader import read_document

    status = 0
    for path in files:
        try:
            document = read_document(path)
        except ReadError as error:
            click.echo(f"clauselint: {error.message}", err=True)
            status = 2
            continue
        if fmt == "json":
            click.echo(json.dumps(_document_dict(document), indent=2, ensure_ascii=False))
            continue
        click.echo(f"# {path}  format={document.format} pages={document.pages} title={document.title!r}")
        for party in document.parties:
            click.echo(f"# party {party.role}: {party.name} (\"{party.defined_as}\")")
        for block in document.blocks:
            where = f"p{block.page or '-'} {block.part.value:<8} § {block.section or '-':<12}"
            extra = " lead-in=" + str(block.lead_in) if block.lead_in is not None else ""
            head = " [heading]" if block.is_heading else ""
            label = f"{block.label} " if block.label else ""
            click.echo(f"[{block.index:>4}] {where}{head}{extra} | {label}{block.text}")
    sys.exit(status)


def _document_dict(document) -> dict:
    return {
        "path": document.path, "format": document.format, "pages": document.pages, "title": document.title,
        "parties": [{"name": p.name, "defined_as": p.defined_as, "role": p.role} for p in document.parties],
        "defined_terms": [{"term": t.term, "block": t.block} for t in document.defined_terms],
        "blocks": [{"index": b.index, "text": b.text, "part": b.part.value, "page": b.page, "section": b.section,
                    "label": b.label, "heading_path": list(b.heading_path), "lead_in": b.lead_in,
                    "is_heading": b.is_heading, "start": b.start, "end": b.end} for b in document.blocks],
    }


@main.command()
@click.option("--pack", "packs", multiple=True, metavar="PACK", help="These packs (default: the enabled ones).")
@click.option("--all", "everything", is_flag=True, help="Every pack available, enabled or not.")
@click.option("--format", "fmt", metavar="FORMAT", default="text", show_default=True, help="text or json.")
@_config_options
def rules(packs: Sequence[str], everything: bool, fmt: str, config_path: str | None, isolated: bool) -> None:
    """List the packs and their rules, marking what the configuration selects."""
    from clauselint.rule_docs import describe_packs, format_packs

    settings = _settings(config_path, isolated)
    if fmt not in ("text", "json"):
        _usage_error(f"unknown format {fmt!r} for rules; choose text or json")
    try:
        listing = describe_packs(settings, only=tuple(packs), everything=everything)
    except ValueError as error:
        _usage_error(str(error))
    if fmt == "json":
        click.echo(json.dumps(listing, indent=2, ensure_ascii=False))
    else:
        click.echo(format_packs(listing, settings), nl=False)


@main.command()
@click.argument("rule_id")
@click.option("--pack", "packs", multiple=True, metavar="PACK", help="Look in these packs (default: the configured ones, then all).")
@click.option("--all", "all_examples", is_flag=True, help="Every example, not the first few of each kind.")
@_config_options
def explain(rule_id: str, packs: Sequence[str], all_examples: bool, config_path: str | None, isolated: bool) -> None:
    """What RULE checks, why (the pledge), what counts and what does not, and the suggested language."""
    from clauselint.rule_docs import explain_rule

    settings = _settings(config_path, isolated)
    try:
        click.echo(explain_rule(rule_id, settings, only=tuple(packs), all_examples=all_examples), nl=False)
    except ValueError as error:
        _usage_error(str(error))


@main.command("config")
@click.option("--format", "fmt", metavar="FORMAT", default="toml", show_default=True, help="toml or json.")
@_config_options
def show_config(fmt: str, config_path: str | None, isolated: bool) -> None:
    """Print the settings in effect and the file they come from."""
    from clauselint.config import format_settings, settings_table

    settings = _settings(config_path, isolated)
    if fmt == "json":
        click.echo(json.dumps({"source": settings.source, "settings": settings_table(settings)}, indent=2, ensure_ascii=False))
    elif fmt == "toml":
        click.echo(format_settings(settings), nl=False)
    else:
        _usage_error(f"unknown format {fmt!r} for config; choose toml or json")


@main.command()
@click.argument("file")
@click.argument("rule_id", metavar="RULE")
@click.option("--reason", required=True, help="Why the finding is accepted for this contract.")
@click.option("--by", "by", required=True, metavar="NAME", help="Who accepts it.")
@click.option("--date", "when", metavar="YYYY-MM-DD", help="When (default: today).")
@click.option("--with", "with_files", multiple=True, metavar="FILE", help="The other files of the contract, as linted.")
@click.option("--waivers", "waivers_path", metavar="FILE", help="Waivers file to add to (default: the one found walking up, or "
              ".clauselint-waivers.toml beside the config file or here).")
@_config_options
def waive(file: str, rule_id: str, reason: str, by: str, when: str | None, with_files: Sequence[str], waivers_path: str | None,
          config_path: str | None, isolated: bool) -> None:
    """Accept RULE's finding for this exact version of FILE (a waiver: hash, rule, reason, who, date)."""
    from clauselint.findings import Waiver
    from clauselint.outputs import OutputError
    from clauselint.rule_docs import find_rule
    from clauselint.waivers import WAIVERS_FILE, WaiverError, add_waiver, content_hash, find_waivers

    settings = _settings(config_path, isolated)
    try:
        pack, rule = find_rule(rule_id, settings)
    except ValueError as error:
        _usage_error(str(error))
    sha = content_hash([file, *with_files])
    if sha is None:
        _usage_error(f"{file}: cannot be read; a waiver records the file's content hash")
    if when is None:
        when = datetime.date.today().isoformat()
    try:
        datetime.date.fromisoformat(when)
    except ValueError:
        _usage_error(f"--date {when!r} is not a date like 2025-01-31")
    if not reason.strip() or not by.strip():
        _usage_error("--reason and --by must not be empty: a waiver says why and who")
    target = Path(waivers_path or settings.waivers or find_waivers() or
                  (Path(settings.source).parent if settings.source else Path(".")) / WAIVERS_FILE)
    relative = os.path.relpath(Path(file).resolve(), target.resolve().parent)
    waiver = Waiver(sha256=sha, rule=f"{pack}/{rule}", reason=" ".join(reason.split()), by=" ".join(by.split()), date=when,
                    file=Path(relative).as_posix())
    try:
        add_waiver(target, waiver, inputs=[file, *with_files])
    except (WaiverError, OutputError, OSError) as error:
        _usage_error(str(error))
    click.echo(f"waived {pack}/{rule} for {file} (sha256 {sha[:12]}…) in {target}")


def _usage_error(message: str) -> NoReturn:
    click.echo(f"clauselint: {message}", err=True)
    sys.exit(2)


from clauselint.redline.command import fix  # noqa: E402

main.add_command(fix)
from clauselint.audit.command import audit  # noqa: E402, I001
main.add_command(audit)
from clauselint.cache_command import cache  # noqa: E402, I001
main.add_command(cache)


if __name__ == "__main__":
    main()
