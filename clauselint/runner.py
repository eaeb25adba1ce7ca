"""Lint files: read each (or each bundle), run the packs, and never let one bad file stop the rest."""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path

from clauselint import __version__
from clauselint.documents.errors import ReadError
from clauselint.documents.model import Document
from clauselint.documents.reader import ReadLimits, read_document
from clauselint.engine import evaluate_pack
from clauselint.engine.evaluate import party_names
from clauselint.findings import ErrorInfo, FileResult, Report

CONTRACT_SUFFIXES = (".docx", ".pdf", ".html", ".htm", ".txt", ".md", ".markdown", ".text")
DEFAULT_PACKS = ("sfp-4.1",)


def expand_paths(paths: Iterable[str]) -> list[str]:
    """Files as given; directories walked recursively for contract files, in a stable order."""
    out: list[str] = []
    for path in paths:
        if os.path.isdir(path):
            found = [str(p) for p in sorted(Path(path).rglob("*")) if p.is_file() and p.suffix.lower() in CONTRACT_SUFFIXES
                     and not p.name.startswith(("~$", "."))]
            out.extend(found)
        else:
            out.append(path)
    return out


def lint_bundle(paths: Sequence[str], packs: Sequence[str] = DEFAULT_PACKS, limits: ReadLimits = ReadLimits(),
                extra_library: tuple[str, ...] = (), model: str | None = None) -> FileResult:
    """Lint one contract made of one or more files (the first is the main document)."""
    bundle = tuple(str(p) for p in paths)
    try:
        documents = tuple(read_document(path, limits) for path in bundle)
    except ReadError as error:
        return FileResult(path=bundle[0], bundle=bundle, error=ErrorInfo(error.code, error.message))
    return _lint_documents(bundle, documents, packs, extra_library, model)


def _lint_documents(bundle: tuple[str, ...], documents: tuple[Document, ...], packs: Sequence[str],
                    extra_library: tuple[str, ...], model: str | None) -> FileResult:
    findings = []
    for pack in packs:
        findings.extend(evaluate_pack(documents, pack, extra_library, model))
    main = documents[0]
    pages = main.pages if len(documents) == 1 else _sum_pages(documents)
    return FileResult(path=bundle[0], bundle=bundle, findings=tuple(findings), format=main.format, pages=pages,
                      parties=_parties(main), title=main.title)


def _sum_pages(documents: tuple[Document, ...]) -> int | None:
    pages = [d.pages for d in documents]
    return None if any(p is None for p in pages) else sum(p for p in pages if p is not None)


def _parties(document: Document) -> dict[str, str]:
    names = party_names(document)
    out = {"provider": names["provider"], "customer": names["customer"]}
    for party in document.parties:
        if party.role:
            out[f"{party.role}_name"] = party.name
    return out


def lint(paths: Sequence[str] | str, *, with_files: Sequence[str] = (), packs: Sequence[str] = DEFAULT_PACKS,
         limits: ReadLimits = ReadLimits(), extra_library: tuple[str, ...] = (), model: str | None = None) -> Report:
    """Lint contracts and return the Report the CLI prints. `with_files` bundle with a single path."""
    if isinstance(paths, str):
        paths = [paths]
    files = expand_paths(paths)
    if with_files:
        results = [lint_bundle([*files, *with_files], packs, limits, extra_library, model)]
    else:
        results = [lint_bundle([path], packs, limits, extra_library, model) for path in files]
    return Report(packs=tuple(packs), results=tuple(results), version=__version__)
