"""The command line: `clauselint FILE...` lints; `dump`, `rules` and `explain` help a reviewer."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence

import click

from clauselint import __version__
from clauselint.documents.errors import ReadError
from clauselint.findings import Report, Status
from clauselint.outputs import OutputError, write_atomic

FAIL_LEVELS = {"partial": (Status.PARTIAL, Status.MISSING, Status.CONFLICT), "missing": (Status.MISSING, Status.CONFLICT),
               "conflict": (Status.CONFLICT,), "never": ()}
EXAMPLES = """
\b
Examples:
  clauselint contract.docx                      lint one contract
  clauselint msa.docx --with aup.pdf            lint an agreement with its acceptable use policy
  clauselint agreements/ --format json -o r.json   lint a folder, write a JSON report
  clauselint dump contract.pdf                  show the text clauselint read, with locations
  clauselint rules                              list the rules
  clauselint explain law-enforcement            what a rule checks and why
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


@main.command(epilog=EXAMPLES)
@click.argument("files", nargs=-1, required=True)
@click.option("--with", "with_files", multiple=True, metavar="FILE", help="Another file of the same contract (an AUP, exhibit or schedule).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("-o", "--output", metavar="FILE", help="Write the report to FILE (atomically) instead of standard output.")
@click.option("--pack", "packs", multiple=True, default=("sfp-4.1",), show_default=True, help="Rule pack to apply (repeatable).")
@click.option("--fail-on", type=click.Choice(list(FAIL_LEVELS)), default="partial", show_default=True, help="Lowest status that makes the exit status 1.")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when findings fail the run (unreadable files still exit 2).")
@click.option("--no-color", is_flag=True, help="Plain text output even on a terminal.")
@click.option("--model", default=None, metavar="NAME", help="An installed spaCy pipeline to use instead of the built-in blank one.")
def lint(files: Sequence[str], with_files: Sequence[str], fmt: str, output: str | None, packs: Sequence[str],
         fail_on: str, exit_zero: bool, no_color: bool, model: str | None) -> None:
    """Lint contract FILES (files or folders) and report each required clause."""
    from clauselint.library import PackError
    from clauselint.reporters import REPORTERS
    from clauselint.runner import lint as run_lint

    if with_files and len(files) != 1:
        _usage_error("--with bundles files with ONE contract; give a single FILE")
    try:
        report = run_lint(list(files), with_files=list(with_files), packs=list(packs), model=model)
    except PackError as error:
        _usage_error(str(error))
    except OSError as error:
        _usage_error(f"cannot load the spaCy pipeline {model!r}: {error}")
    if not report.results:
        _usage_error("no contract files found in the paths given")
    color = not no_color and output is None and sys.stdout.isatty()
    rendered = REPORTERS[fmt](report, color=color)
    if output:
        try:
            write_atomic(output, rendered, inputs=[*files, *with_files])
        except (OutputError, OSError) as error:
            _usage_error(str(error))
    else:
        click.echo(rendered, nl=False)
    for result in report.results:
        if result.error is not None:
            click.echo(f"clauselint: {result.error.message}", err=True)
    sys.exit(exit_status(report, fail_on, exit_zero))


def exit_status(report: Report, fail_on: str, exit_zero: bool) -> int:
    """2: a file could not be read; 1: a finding at or above --fail-on; else 0."""
    if any(not result.ok for result in report.results):
        return 2
    if exit_zero:
        return 0
    failing = FAIL_LEVELS[fail_on]
    return 1 if any(f.status in failing for r in report.results for f in r.findings) else 0


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
@click.option("--pack", "packs", multiple=True, default=("sfp-4.1",), show_default=True)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def rules(packs: Sequence[str], fmt: str) -> None:
    """List the packs' rules."""
    from clauselint.library import PackError, load_pack

    try:
        loaded = [load_pack(p) for p in packs]
    except PackError as error:
        _usage_error(str(error))
    if fmt == "json":
        click.echo(json.dumps([{"pack": p.id, "rules": [{"id": r.id, "name": r.name, "check": r.check, "summary": r.summary}
                                                        for r in p.rules]} for p in loaded], indent=2))
        return
    for pack in loaded:
        click.echo(f"{pack.id}: {pack.name}")
        for rule in pack.rules:
            click.echo(f"  {rule.id:<26} {rule.name}")


@main.command()
@click.argument("rule_id")
@click.option("--pack", "packs", multiple=True, default=("sfp-4.1",), show_default=True)
def explain(rule_id: str, packs: Sequence[str]) -> None:
    """What RULE checks, where it comes from in the pledge, and the suggested language."""
    from clauselint.library import PackError, load_pack

    try:
        loaded = [load_pack(p) for p in packs]
    except PackError as error:
        _usage_error(str(error))
    for pack in loaded:
        for rule in pack.rules:
            if rule.id == rule_id or f"{pack.id}/{rule.id}" == rule_id:
                click.echo(f"{pack.id}/{rule.id}: {rule.name}\n")
                click.echo(f"What it checks: {rule.summary}\n")
                click.echo(f"Pledge: {rule.pledge}\n")
                for variant in pack.suggestions.get(rule.id, ()):
                    click.echo(f"Suggested language ({variant.audience}; {variant.placement}):\n  {variant.text}\n")
                return
    _usage_error(f"unknown rule {rule_id!r}; see `clauselint rules`")


def _usage_error(message: str) -> None:
    click.echo(f"clauselint: {message}", err=True)
    sys.exit(2)


if __name__ == "__main__":
    main()
