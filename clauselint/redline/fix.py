"""`fix_contract`: lint a contract, plan the changes, and produce the redlined DOCX (or an amendment).

Nothing is written here: the caller gets the bytes and decides where they go (command.py writes
them atomically). The input files are only read.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path

from clauselint.documents.errors import ReadError
from clauselint.documents.reader import read_document
from clauselint.findings import FileResult, Status
from clauselint.library import load_pack
from clauselint.redline.package import DocxPackage, PackageError
from clauselint.redline.plan import Plan, plan_changes
from clauselint.runner import DEFAULT_PACKS, lint_bundle

DEFAULT_AUTHOR = "clauselint"


class FixError(Exception):
    """The contract cannot be fixed; `code` is one of the lint error codes (or "corrupt-docx")."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class FixResult:
    """What fixing produced: a redline, an amendment (for formats without revisions), or nothing to do."""

    path: str
    kind: str  # "redline" | "amendment" | "nothing"
    lint: FileResult
    plan: Plan
    data: bytes | None = None
    title: str | None = None  # the amendment's title


def revision_date(when: datetime | None = None) -> str:
    """The w:date of every revision and comment: UTC, to the second, as Word writes it."""
    moment = (when or datetime.now(timezone.utc)).astimezone(timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def fix_contract(path: str, with_files: Sequence[str] = (), packs: Sequence[str] = DEFAULT_PACKS, author: str = DEFAULT_AUTHOR,
                 when: datetime | None = None, model: str | None = None) -> FixResult:
    """Lint `path` (with its bundle) and build the document that resolves every finding not present."""
    lint = lint_bundle([path, *with_files], tuple(packs), model=model)
    if lint.error is not None:
        raise FixError(lint.error.code, lint.error.message)
    try:
        document = read_document(path)
    except ReadError as error:
        raise FixError(error.code, error.message) from None
    loaded = {pack: load_pack(pack) for pack in packs}
    date = revision_date(when)
    if all(f.status is Status.PRESENT for f in lint.findings):
        return FixResult(path, "nothing", lint, Plan(changes=()))
    if document.format != "docx":
        from clauselint.redline.amendment import build_amendment

        plan, data, title = build_amendment(document, lint, loaded, author, date)
        return FixResult(path, "amendment", lint, plan, data, title)
    plan, data = _redline(path, document, lint.findings, loaded, author, date)
    broken = _broken_by_fix(data, lint, with_files, packs, model)
    if broken:
        # The inserted clauses can move the restrictions away from the clause a termination right
        # cites ("on breach of Clause 5.1"): add what the fixed contract would then miss, once.
        findings = tuple(broken.get((f.pack, f.rule), f) for f in lint.findings)
        plan, data = _redline(path, document, findings, loaded, author, date)
    return FixResult(path, "redline", lint, plan, data)


def _redline(path: str, document, findings, loaded, author: str, date: str) -> tuple[Plan, bytes]:
    from clauselint.redline.apply import DocxSource, apply_plan

    try:
        package = DocxPackage(Path(path).read_bytes(), path)
        main = package.main_document()
        source = DocxSource(document, package.xml(main))
        plan = plan_changes(document, findings, loaded, source)
        problems = apply_plan(package, main, source, plan, author, date)
        data = package.to_bytes()
    except PackageError as error:
        raise FixError("corrupt-docx", str(error)) from None
    except OSError as error:
        raise FixError("not-found", f"{path}: cannot be read ({error.strerror})") from None
    if problems:
        plan = replace(plan, notes=plan.notes + tuple(problems))
    return plan, data


def _broken_by_fix(data: bytes, lint: FileResult, with_files: Sequence[str], packs: Sequence[str],
                   model: str | None) -> dict[tuple[str, str], object]:
    """Findings present before the fix and not after it, read from the fixed document with its changes accepted."""
    with tempfile.TemporaryDirectory(prefix="clauselint-fix-") as folder:
        fixed = Path(folder) / "fixed.docx"
        fixed.write_bytes(data)
        after = lint_bundle([str(fixed), *with_files], tuple(packs), model=model)
    if after.error is not None:
        return {}
    before = {(f.pack, f.rule): f.status for f in lint.findings}
    return {(f.pack, f.rule): f for f in after.findings
            if before.get((f.pack, f.rule)) is Status.PRESENT and f.status is not Status.PRESENT}
