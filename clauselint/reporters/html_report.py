"""The HTML review page: one self-contained file, the contract's text with the evidence highlighted.

Per contract, a checklist (each rule, its status, links to the quoted evidence, suggested clauses
with a copy button) beside the text as clauselint read it, page by page; for a batch, an index
with the files × rules matrix first. No network fetches: the CSS and script are inline and a
Content-Security-Policy allows nothing else (the script and style by their hashes), so text from a
counterparty's file can neither load anything nor run anything.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from html import escape
from typing import Any

from clauselint.documents.model import Document
from clauselint.findings import Evidence, FileResult, Finding, Report, Status
from clauselint.reporters.common import cell, columns, document_line, header_line, mark, rule_name, status_label, where
from clauselint.reporters.html_assets import SCRIPT, STYLE

STATUS_RANK = {"present": 0, "waived": 1, "partial": 2, "missing": 3, "conflict": 4}


@dataclass(frozen=True)
class Span:
    """Where a quote sits in the text: document, block, and character range in the block's text."""

    document: int
    block: int
    start: int
    end: int


def render_html(report: Report, **_: Any) -> str:
    batch = len(report.results) > 1
    body: list[str] = ['<header class="top"><h1>clauselint review</h1>',
                       f'<p class="tally">{escape(_tally(report))}</p></header>', "<main>"]
    if batch:
        body.append(_index(report))
    for number, result in enumerate(report.results, 1):
        body.append(_contract(report, result, f"c{number}", batch))
    body.append(f'<footer><p>Checked with clauselint {escape(report.version)} (packs: {escape(", ".join(report.packs))}). '
                "An automated check to help a reviewer, not legal advice.</p></footer></main>")
    title = "clauselint review: " + (f"{len(report.results)} contracts" if batch else report.results[0].path if report.results else "")
    policy = (f"default-src 'none'; style-src '{_hash(STYLE)}'; script-src '{_hash(SCRIPT)}'; img-src data:; "
              "base-uri 'none'; form-action 'none'")
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            f'<meta http-equiv="Content-Security-Policy" content="{policy}">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f'<meta name="generator" content="clauselint {escape(report.version)}">\n'
            f"<title>{escape(title)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
            + "\n".join(body) + f"\n<script>{SCRIPT}</script>\n</body>\n</html>\n")


def _hash(source: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(source.encode("utf-8")).digest()).decode("ascii")


def _tally(report: Report) -> str:
    counts = report.counts()
    text = f"{len(report.results)} contract{'s' if len(report.results) != 1 else ''}: " + \
        ", ".join(f"{counts[s.value]} {s.value}" for s in Status)
    if report.waived_count():
        text += f" ({report.waived_count()} waived)"
    if report.error_count():
        text += f"; {report.error_count()} unreadable"
    return text


def _index(report: Report) -> str:
    cols = columns(report)
    head = "".join(f'<th scope="col" title="{escape(c.rule)}">{escape(c.rule)}</th>' for c in cols)
    rows = []
    for number, result in enumerate(report.results, 1):
        prefix = f"c{number}"
        link = f'<a href="#{prefix}">{escape(result.path)}</a>'
        if result.error is not None:
            cells = f'<td colspan="{len(cols)}" class="s-error">unreadable: {escape(result.error.code)}</td>'
        else:
            cells = ""
            for column in cols:
                finding = cell(result, column)
                if finding is None:
                    cells += "<td></td>"
                    continue
                label = status_label(finding)
                anchor = f"{prefix}-f{result.findings.index(finding) + 1}"
                cells += f'<td class="s-{label}"><a href="#{anchor}" title="{escape(label)}">{escape(mark(finding))} {escape(label)}</a></td>'
        rows.append(f"<tr><th scope=\"row\">{number}</th><td class=\"file\">{link}</td>{cells}</tr>")
    return ('<section id="index" class="index"><h2>Contracts × rules</h2><div class="scroll"><table class="matrix">'
            f'<thead><tr><th scope="col">#</th><th scope="col">contract</th>{head}</tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table></div></section>")


def _contract(report: Report, result: FileResult, prefix: str, batch: bool) -> str:
    heading = f'<h2>{escape(header_line(result))}</h2>'
    meta = f'<p class="meta">{escape(document_line(result))}</p>' if result.ok and document_line(result) else ""
    if result.sha256:
        meta += f'<p class="meta">SHA-256 <code>{escape(result.sha256)}</code></p>'
    back = '<p class="back"><a href="#index">back to the index</a></p>' if batch else ""
    if result.error is not None:
        return (f'<section class="contract" id="{prefix}">{heading}{back}<p class="error">This file could not be read '
                f"(<code>{escape(result.error.code)}</code>): {escape(result.error.message)}</p></section>")
    spans, ids = _locate_all(result, prefix)
    items = "".join(_finding(report, result, finding, f"{prefix}-f{k}", ids) for k, finding in enumerate(result.findings, 1))
    checklist = (f'<nav class="checklist" aria-label="checklist"><h3>Checklist</h3><ol class="findings">{items}</ol>'
                 '<div class="signoff"><h3>Sign-off</h3><p>Reviewer: <span class="line"></span> Date: <span class="line short"></span></p>'
                 "<p>☐ Approved as drafted ☐ Approved subject to the changes above ☐ Returned to the counterparty</p></div></nav>")
    text = _text(result, spans, ids, prefix)
    return (f'<section class="contract" id="{prefix}">{heading}{meta}{back}'
            f'<div class="layout">{checklist}<article class="text" aria-label="contract text">{text}</article></div></section>')


def _finding(report: Report, result: FileResult, finding: Finding, finding_id: str, ids: dict[Span, str]) -> str:
    label = status_label(finding)
    parts = [f'<li class="finding s-{label}" id="{finding_id}">',
             f'<p class="head"><span class="mark">{escape(mark(finding))}</span> <strong>{escape(rule_name(report, finding))}</strong> '
             f'<code>{escape(finding.rule)}</code> <span class="status">{escape(label)}</span></p>',
             f'<p class="message">{escape(finding.message)}</p>']
    for evidence in finding.evidence:
        location = where(evidence, result.path)
        span = locate(evidence, result.documents)
        anchor = ids.get(span) if span is not None else None
        if anchor:
            link = f'<a class="jump" href="#{anchor}">show in the text{escape(": " + location) if location else ""}</a>'
        else:
            link = f'<span class="where">{escape(location)}</span>'
        context = f'<span class="context">{escape(evidence.context)} … </span>' if evidence.context else ""
        parts.append(f'<blockquote class="evidence">{context}“{escape(evidence.text)}” <cite>{link}</cite></blockquote>')
    for note in finding.notes:
        parts.append(f'<p class="note">Note: {escape(note)}</p>')
    if finding.waiver is not None:
        waiver = finding.waiver
        parts.append(f'<p class="waiver">Waived ({escape(finding.status.value)}) by {escape(waiver.by)} on {escape(waiver.date)}: '
                     f"{escape(waiver.reason)}</p>")
    elif finding.suggestion is not None:
        clause_id = f"{finding_id}-clause"
        parts.append(f'<div class="suggestion"><p class="placement">Suggested clause: {escape(finding.suggestion.placement)}</p>'
                     f'<blockquote id="{clause_id}" class="clause">{escape(finding.suggestion.text)}</blockquote>'
                     f'<button type="button" class="copy" data-copy="{clause_id}">Copy clause</button></div>')
    parts.append("</li>")
    return "".join(parts)


# ------------------------------------------------------------------------------- locating quotes

def _locate_all(result: FileResult, prefix: str) -> tuple[dict[Span, list[tuple[str, str]]], dict[Span, str]]:
    """Each quote's place in the text with the (finding id, status) it proves, and an anchor id per place in reading order."""
    spans: dict[Span, list[tuple[str, str]]] = {}
    for k, finding in enumerate(result.findings, 1):
        for evidence in finding.evidence:
            span = locate(evidence, result.documents)
            if span is not None:
                spans.setdefault(span, []).append((f"f{k}", status_label(finding)))
    ordered = sorted(spans, key=lambda s: (s.document, s.block, s.start, s.end))
    return spans, {span: f"{prefix}-q{n}" for n, span in enumerate(ordered, 1)}


def locate(evidence: Evidence, documents: tuple[Document, ...]) -> Span | None:
    """Find the quoted sentence in the blocks of its file, preferring its printed section and page."""
    needle = evidence.text.strip()
    if not needle:
        return None
    order = sorted(range(len(documents)), key=lambda d: documents[d].path != evidence.file)
    for d in order:
        blocks = sorted(documents[d].blocks, key=lambda b: (b.section != evidence.section, b.page != evidence.page, b.index))
        for block in blocks:
            at = block.text.find(needle)
            if at >= 0:
                return Span(d, block.index, at, at + len(needle))
        collapsed = " ".join(needle.split())
        for block in blocks:
            found = _find_collapsed(block.text, collapsed)
            if found is not None:
                return Span(d, block.index, *found)
    return None


def _find_collapsed(text: str, needle: str) -> tuple[int, int] | None:
    """Find `needle` in `text` treating any run of whitespace as one space; offsets in `text`."""
    positions: list[int] = []
    chars: list[str] = []
    previous_space = False
    for i, ch in enumerate(text):
        if ch.isspace():
            if not previous_space:
                chars.append(" ")
                positions.append(i)
            previous_space = True
        else:
            chars.append(ch)
            positions.append(i)
            previous_space = False
    at = "".join(chars).find(needle)
    if at < 0:
        return None
    return positions[at], positions[at + len(needle) - 1] + 1


# ----------------------------------------------------------------------------------------- text

def _text(result: FileResult, spans: dict[Span, list[tuple[str, str]]], ids: dict[Span, str], prefix: str) -> str:
    if not result.documents:
        return '<p class="note">The contract text is not part of this report.</p>'
    out: list[str] = []
    by_block: dict[tuple[int, int], list[Span]] = {}
    for span in spans:
        by_block.setdefault((span.document, span.block), []).append(span)
    for d, document in enumerate(result.documents):
        if len(result.documents) > 1:
            out.append(f'<h3 class="file">{escape(document.path)}</h3>')
        page = None
        for block in document.blocks:
            if block.page is not None and block.page != page:
                page = block.page
                out.append(f'<div class="page" aria-hidden="true">page {page}</div>')
            classes = ["block", f"d{min(int(block.depth), 6)}"]
            if block.is_heading:
                classes.append("heading")
            if block.part.value != "body":
                classes.append("part")
            label = f'<span class="label">{escape(block.label)}</span> ' if block.label else ""
            part = f'<span class="badge">{escape(block.part.value)}</span> ' if block.part.value != "body" else ""
            marked = _marked(block.text, by_block.get((d, block.index), []), spans, ids, prefix)
            out.append(f'<p class="{" ".join(classes)}">{part}{label}{marked}</p>')
    return "\n".join(out)


def _marked(text: str, here: list[Span], spans: dict[Span, list[tuple[str, str]]], ids: dict[Span, str], prefix: str) -> str:
    """The block's text with each quote wrapped in <mark>; overlapping quotes are split at their edges."""
    if not here:
        return escape(text)
    cuts = sorted({0, len(text), *(s.start for s in here), *(s.end for s in here)})
    out: list[str] = []
    for start, end in zip(cuts, cuts[1:]):
        for span in sorted(here, key=lambda s: (s.start, s.end)):
            if span.start == start:
                out.append(f'<span class="anchor" id="{ids[span]}"></span>')
        covering = [s for s in here if s.start <= start and end <= s.end]
        piece = escape(text[start:end])
        if not covering:
            out.append(piece)
            continue
        links = [(f"{prefix}-{f}", status) for s in covering for f, status in spans[s]]
        worst = max((status for _, status in links), key=lambda st: STATUS_RANK.get(st, 0))
        findings = " ".join(dict.fromkeys(f for f, _ in links))
        quotes = " ".join(ids[s] for s in covering)
        out.append(f'<mark class="ev s-{worst}" data-q="{quotes}" data-f="{findings}">{piece}</mark>')
    return "".join(out)
