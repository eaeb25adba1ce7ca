"""`clauselint fix CONTRACT -o OUT.docx`: the redlined copy a reviewing lawyer sends back."""

from __future__ import annotations

import sys
from collections.abc import Sequence

import click

from clauselint.findings import Status
from clauselint.outputs import OutputError

FIX_EXAMPLES = """
\b
Examples:
  clauselint fix msa.docx -o msa.clauselint.docx              redline a Word contract
  clauselint fix msa.docx --with aup.pdf -o msa.redline.docx  a contract with its acceptable use policy
  clauselint fix msa.docx --dry-run                           show what would change, write nothing
  clauselint fix signed.pdf -o amendment.docx                 a PDF gets an amendment to sign instead
"""


@click.command(epilog=FIX_EXAMPLES)
@click.argument("contract")
@click.option("--with", "with_files", multiple=True, metavar="FILE", help="Another file of the same contract (read, never edited).")
@click.option("-o", "--output", metavar="FILE.docx",
              help="Where to write the redlined copy (required unless --dry-run; never written next to the contract unasked).")
@click.option("--author", default="clauselint", show_default=True, help="Author name on the tracked changes and comments.")
@click.option("--pack", "packs", multiple=True, default=("sfp-4.1",), show_default=True, help="Rule pack to apply (repeatable).")
@click.option("--force", is_flag=True, help="Replace OUTPUT if it already exists.")
@click.option("--dry-run", is_flag=True, help="Print what would change and write nothing.")
@click.option("--model", default=None, metavar="NAME", help="An installed spaCy pipeline to use instead of the built-in blank one.")
def fix(contract: str, with_files: Sequence[str], output: str | None, author: str, packs: Sequence[str], force: bool,
        dry_run: bool, model: str | None) -> None:
    """Write a copy of CONTRACT in which every missing, partial or conflicting clause is fixed as a Word
    tracked change with a comment; for a PDF (or HTML, text), an amendment to sign instead.

    The contract itself is never modified."""
    from clauselint.library import PackError
    from clauselint.redline.fix import FixError, fix_contract
    from clauselint.redline.output import check_output, write_output

    inputs = [contract, *with_files]
    if not author.strip():
        _fail("--author needs a name")
    if output is None and not dry_run:
        _fail("fix needs -o FILE.docx for the redlined copy (for example -o contract.clauselint.docx); "
              "it never writes next to the contract unasked. Use --dry-run to see the changes without writing.")
    if output is not None and not dry_run:
        try:
            check_output(output, inputs, force)
        except OutputError as error:
            _fail(str(error))
    try:
        result = fix_contract(contract, with_files, packs, author=author.strip(), model=model)
    except FixError as error:
        _fail(error.message)
    except PackError as error:
        _fail(str(error))
    except OSError as error:
        _fail(f"cannot load the spaCy pipeline {model!r}: {error}")
    for line in describe(result, dry_run):
        click.echo(line)
    if result.kind == "nothing" or dry_run:
        sys.exit(0)
    try:
        write_output(output, result.data, inputs, force)
    except (OutputError, OSError) as error:
        _fail(str(error))
    click.echo(_written(result, output))
    click.echo(_after(output, with_files, contract, packs, model, result.kind))
    sys.exit(0)


def describe(result, dry_run: bool) -> list[str]:
    """The summary a reviewer reads: one line per change, then notes on what was left to do by hand."""
    if result.kind == "nothing":
        return [f"{result.path}: nothing to fix; every rule of {', '.join(sorted({f.pack for f in result.lint.findings}))} is present."]
    plan = result.plan
    deletions = sum(1 for c in plan.changes if c.strike is not None)
    insertions = sum(1 for c in plan.changes if c.clause is not None or (c.strike is not None and c.strike.replacement))
    verb = "would make" if dry_run else "makes"
    if result.kind == "amendment":
        head = (f"{result.path}: a {result.lint.format.upper()} cannot carry tracked changes, so clauselint {verb} an amendment "
                f"(\u201c{result.title}\u201d) with {len(plan.changes)} amending clause(s) for the parties to sign:")
    else:
        head = (f"{result.path}: clauselint {verb} {len(plan.changes)} tracked change(s) ({insertions} insertion(s), "
                f"{deletions} deletion(s)), each with a comment:")
    lines = [head]
    for change in plan.changes:
        sign = "~" if change.strike is not None and change.strike.replacement else ("-" if change.strike is not None else "+")
        lines.append(f"  {sign} {change.summary}")
    lines += [f"  note: {note}" for note in plan.notes]
    if dry_run:
        lines.append("dry run: nothing written.")
    return lines


def _written(result, output: str) -> str:
    if result.kind == "amendment":
        return (f"wrote {output}: the amendment, for the parties to sign; the contract {result.path} is unchanged. "
                "Review it in Word, fill in the date and signatories.")
    return (f"wrote {output}: review it in Word (Review > Track Changes) and accept or reject each change; "
            f"the contract {result.path} is unchanged.")


def _after(output: str, with_files: Sequence[str], contract: str, packs: Sequence[str], model: str | None, kind: str) -> str:
    """Lint the result as a check: the redline with its changes accepted, or the contract with its amendment."""
    from clauselint.runner import lint_bundle

    bundle = [output, *with_files] if kind == "redline" else [contract, *with_files, output]
    check = lint_bundle(bundle, tuple(packs), model=model)
    if check.error is not None:
        return f"check: clauselint could not read {output} back: {check.error.message}"
    open_findings = [f for f in check.findings if f.status is not Status.PRESENT]
    subject = "With the changes accepted" if kind == "redline" else "With the amendment"
    if not open_findings:
        return f"check: {subject.lower()}, clauselint reports every rule present."
    listed = ", ".join(f"{f.rule} {f.status.value}" for f in open_findings)
    return f"check: {subject.lower()}, clauselint still reports {listed}; see the notes above."


def _fail(message: str) -> None:
    click.echo(f"clauselint: {message}", err=True)
    sys.exit(2)
