"""SARIF 2.1.0 for code-scanning dashboards: one result per finding that is not present.

Each rule is described once in `tool.driver.rules` with its help text and the pledge link; each
result points at the contract and, where known, at the evidence: a line for text-like files, the
page, section and part for DOCX and PDF (SARIF has no pages, so they go in the location's
properties and message). Waived findings carry an accepted external suppression; files that could
not be read are tool execution notifications.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any
from urllib.parse import quote as quote_uri

from clauselint.findings import Evidence, FileResult, Finding, Report, Severity, Status
from clauselint.reporters.common import quote, status_label, where

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
INFORMATION_URI = "https://github.com/clauselint/clauselint"
LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
SOURCE_ROOT = "SRCROOT"
MAX_TEXT_BYTES = 20 * 1024 * 1024


def render_sarif(report: Report, **_: Any) -> str:
    return json.dumps(sarif_dict(report), indent=2, ensure_ascii=False) + "\n"


def sarif_dict(report: Report) -> dict[str, Any]:
    rules, rule_index = _rules(report)
    artifacts: list[dict[str, Any]] = []
    artifact_index: dict[str, int] = {}
    lines = _LineFinder()

    def artifact(path: str, sha256: str | None = None) -> dict[str, Any]:
        if path not in artifact_index:
            artifact_index[path] = len(artifacts)
            entry: dict[str, Any] = {"location": _uri(path)}
            if sha256:
                entry["hashes"] = {"sha-256": sha256}
            artifacts.append(entry)
        return {**_uri(path), "index": artifact_index[path]}

    results: list[dict[str, Any]] = []
    notifications: list[dict[str, Any]] = []
    for result in report.results:
        for path in result.bundle:
            artifact(path, result.sha256 if len(result.bundle) == 1 else None)
        if result.error is not None:
            notifications.append({
                "level": "error", "message": {"text": result.error.message},
                "descriptor": {"id": result.error.code},
                "locations": [{"physicalLocation": {"artifactLocation": artifact(result.path)}}],
            })
            continue
        for finding in result.findings:
            if finding.status is not Status.PRESENT:
                results.append(_result(finding, result, rule_index, artifact, lines))
    run: dict[str, Any] = {
        "tool": {"driver": {"name": "clauselint", "version": report.version, "semanticVersion": report.version,
                            "informationUri": INFORMATION_URI, "rules": rules}},
        "originalUriBaseIds": {SOURCE_ROOT: {"uri": Path.cwd().resolve().as_uri() + "/"}},
        "artifacts": artifacts,
        "invocations": [{"executionSuccessful": report.error_count() == 0, "toolExecutionNotifications": notifications}],
        "results": results,
        "columnKind": "unicodeCodePoints",
        "properties": {"packs": list(report.packs)},
    }
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def _rules(report: Report) -> tuple[list[dict[str, Any]], dict[tuple[str, str], int]]:
    seen = [(r.pack, r.id) for r in report.rules]
    for result in report.results:
        seen += [(f.pack, f.rule) for f in result.findings if (f.pack, f.rule) not in seen]
    clashes = {rule for _, rule in seen if sum(1 for _, other in seen if other == rule) > 1}
    descriptors = []
    for pack, rule in seen:
        info = report.rule_info(pack, rule)
        name = info.name if info else rule
        summary = info.summary if info else name
        help_text = summary + (f"\n\nFrom the pledge: {info.pledge}" if info and info.pledge else "") + \
            f"\n\nRun `clauselint explain {rule}` for what counts, what does not, and suggested language."
        help_markdown = f"{summary}" + (f"\n\n**From the pledge:** {info.pledge}" if info and info.pledge else "") + \
            (f"\n\n[{pack}]({info.url})" if info and info.url else "") + \
            f"\n\nRun `clauselint explain {rule}` for what counts, what does not, and suggested language."
        descriptor: dict[str, Any] = {
            "id": f"{pack}/{rule}" if rule in clashes else rule,
            "name": rule,
            "shortDescription": {"text": name},
            "fullDescription": {"text": summary},
            "help": {"text": help_text, "markdown": help_markdown},
            "defaultConfiguration": {"level": "error"},
            "properties": {"pack": pack, "tags": ["contract", "safe-face-pledge" if pack.startswith("sfp") else pack]},
        }
        if info and info.url:
            descriptor["helpUri"] = info.url
        descriptors.append(descriptor)
    return descriptors, {key: n for n, key in enumerate(seen)}


def _result(finding: Finding, result: FileResult, rule_index: dict[tuple[str, str], int], artifact, lines) -> dict[str, Any]:  # noqa: ANN001
    index = rule_index[(finding.pack, finding.rule)]
    text = f"{finding.rule} is {finding.status.value}: {finding.message}"
    if finding.suggestion is not None:
        text += f" Suggested clause ({finding.suggestion.placement}): {finding.suggestion.text}"
    locations = [_location(e, result, artifact, lines) for e in finding.evidence] or [{
        "physicalLocation": {"artifactLocation": artifact(result.path)},
        "message": {"text": "no such clause anywhere in the contract" + (" or the files linted with it" if len(result.bundle) > 1 else "")},
    }]
    out: dict[str, Any] = {
        "ruleId": _rule_id(rule_index, finding), "ruleIndex": index, "level": LEVELS[finding.severity], "kind": "fail",
        "message": {"text": text}, "locations": locations,
        "partialFingerprints": {"clauselintFinding/v1": f"{result.sha256 or result.path}:{finding.pack}/{finding.rule}"},
        "properties": {"pack": finding.pack, "status": finding.status.value, "reason": finding.reason,
                       "suggestion": None if finding.suggestion is None else {
                           "id": finding.suggestion.id, "text": finding.suggestion.text, "placement": finding.suggestion.placement},
                       "notes": list(finding.notes), "display": status_label(finding)},
    }
    if finding.waiver is not None:
        out["suppressions"] = [{"kind": "external", "status": "accepted", "justification": finding.waiver.reason,
                                "properties": {"by": finding.waiver.by, "date": finding.waiver.date}}]
    return out


def _rule_id(rule_index: dict[tuple[str, str], int], finding: Finding) -> str:
    clash = sum(1 for _, rule in rule_index if rule == finding.rule) > 1
    return f"{finding.pack}/{finding.rule}" if clash else finding.rule


def _location(evidence: Evidence, result: FileResult, artifact, lines) -> dict[str, Any]:  # noqa: ANN001
    region: dict[str, Any] = {"snippet": {"text": evidence.text}}
    line = lines.find(evidence.file, evidence.text)
    physical: dict[str, Any] = {"artifactLocation": artifact(evidence.file)}
    if line is not None:
        physical["region"] = {"startLine": line, **region}
    location: dict[str, Any] = {
        "physicalLocation": physical,
        "message": {"text": f"“{quote(evidence)}”" + (f" ({where(evidence, evidence.file)})" if where(evidence, evidence.file) else "")},
        "properties": {"page": evidence.page, "section": evidence.section, "part": evidence.part, "quote": evidence.text,
                       "context": evidence.context},
    }
    return location


def _uri(path: str) -> dict[str, Any]:
    if os.path.isabs(path):
        return {"uri": Path(path).resolve().as_uri()}
    return {"uri": quote_uri(Path(os.path.normpath(path)).as_posix()), "uriBaseId": SOURCE_ROOT}


class _LineFinder:
    """The line of a quote in a text-like file (text, Markdown, HTML); None for DOCX, PDF or no match."""

    def __init__(self) -> None:
        self._files: dict[str, tuple[str, list[int], str] | None] = {}

    def find(self, path: str, text: str) -> int | None:
        if path not in self._files:
            self._files[path] = _load_text(path)
        loaded = self._files[path]
        if loaded is None:
            return None
        collapsed, offsets, original = loaded
        needle = " ".join(text.split())[:120]
        at = collapsed.find(needle) if needle else -1
        return None if at < 0 else original.count("\n", 0, offsets[at]) + 1


def _load_text(path: str) -> tuple[str, list[int], str] | None:
    """The file's text with whitespace runs collapsed, each character's offset in the original, and the original."""
    try:
        if os.path.getsize(path) > MAX_TEXT_BYTES:
            return None
        data = Path(path).read_bytes()
    except OSError:
        return None
    if data.startswith((b"PK", b"%PDF")) or b"\x00" in data[:4096]:
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    chars: list[str] = []
    offsets: list[int] = []
    for match in re.finditer(r"\s+|[^\s]+", text):
        if match.group().isspace():
            if chars and chars[-1] != " ":
                chars.append(" ")
                offsets.append(match.start())
        else:
            chars.extend(match.group())
            offsets.extend(range(match.start(), match.end()))
    return "".join(chars), offsets, text
