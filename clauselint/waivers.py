"""Waivers: a reviewer accepts one finding for one exact version of a contract.

A waiver names the contract by its content hash, so it follows the file when it is renamed or
moved and stops applying the moment the file changes. They live in `.clauselint-waivers.toml`,
found by walking up from the working directory (or named with --waivers).
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import json
import os
import stat
import sys
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from clauselint.findings import FileResult, Status, Waiver
from clauselint.outputs import write_atomic

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

WAIVERS_FILE = ".clauselint-waivers.toml"
_KEYS = {"sha256", "rule", "reason", "by", "date", "file"}
_HEADER = (
    "# Findings a reviewer accepted for one exact version of a contract (see `clauselint waive --help`).\n"
    "# A waiver applies while the file's SHA-256 is unchanged; edit the file and it no longer applies.\n"
)


class WaiverError(Exception):
    """The waivers file is malformed; the message names the file and the entry."""


def content_hash(paths: Sequence[str]) -> str | None:
    """SHA-256 of a file; for a bundle, of the files' own digests in order. None if a file cannot be read."""
    digests = []
    for path in paths:
        digest = hashlib.sha256()
        try:
            # Only regular files: opening a named pipe or a device would block or never end.
            if not stat.S_ISREG(os.stat(path).st_mode):
                return None
            with open(path, "rb") as handle:
                for chunk in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(chunk)
        except OSError:
            return None
        digests.append(digest.hexdigest())
    if len(digests) == 1:
        return digests[0]
    return hashlib.sha256("\n".join(digests).encode()).hexdigest()


def find_waivers(start: str | Path = ".") -> Path | None:
    folder = Path(start).resolve()
    for directory in (folder, *folder.parents):
        candidate = directory / WAIVERS_FILE
        if candidate.is_file():
            return candidate
    return None


def load_waivers(path: str | Path) -> tuple[Waiver, ...]:
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise WaiverError(f"{path}: no such waivers file") from None
    except (OSError, UnicodeDecodeError) as error:
        raise WaiverError(f"{path}: cannot be read ({error})") from None
    except tomllib.TOMLDecodeError as error:
        raise WaiverError(f"{path}: not valid TOML ({error})") from None
    unknown = sorted(set(data) - {"waiver"})
    if unknown:
        raise WaiverError(f"{path}: unknown key(s) {', '.join(unknown)}; write each waiver as a [[waiver]] table")
    entries = data.get("waiver", [])
    if not isinstance(entries, list):
        raise WaiverError(f"{path}: write each waiver as a [[waiver]] table")
    return tuple(_waiver(entry, path, number) for number, entry in enumerate(entries, 1))


def _absolute(file: str | None, folder: Path) -> str | None:
    """A waiver's `file` is written relative to the waivers file, so the pair can move together."""
    if not file:
        return None
    return str(Path(file) if Path(file).is_absolute() else (folder / file).resolve())


def _waiver(entry: Any, path: Path, number: int) -> Waiver:
    where = f"{path}: waiver {number}"
    if not isinstance(entry, Mapping):
        raise WaiverError(f"{where}: must be a table")
    unknown = sorted(set(entry) - _KEYS)
    missing = sorted({"sha256", "rule", "reason", "by", "date"} - set(entry))
    if unknown:
        raise WaiverError(f"{where}: unknown key(s) {', '.join(unknown)}")
    if missing:
        raise WaiverError(f"{where}: missing {', '.join(missing)} (a waiver records the file's hash, the rule, why, who and when)")
    date = entry["date"]
    if isinstance(date, (datetime.date, datetime.datetime)):
        date = date.isoformat()
    values = {key: entry[key] for key in ("sha256", "rule", "reason", "by", "file") if key in entry}
    if not all(isinstance(v, str) and v.strip() for v in values.values()) or not isinstance(date, str):
        raise WaiverError(f"{where}: sha256, rule, reason, by, date and file must be non-empty strings")
    sha = values["sha256"].strip().lower().removeprefix("sha256:")
    if len(sha) != 64 or any(c not in "0123456789abcdef" for c in sha):
        raise WaiverError(f"{where}: sha256 must be 64 hex digits (see the `sha256` of the file in the JSON report)")
    return Waiver(sha256=sha, rule=values["rule"].strip(), reason=values["reason"].strip(), by=values["by"].strip(),
                  date=date.strip(), file=_absolute(values.get("file"), path.resolve().parent))


def apply_waivers(result: FileResult, waivers: Iterable[Waiver]) -> FileResult:
    """Mark the findings a waiver accepts for exactly this content; present findings need none."""
    if not result.ok or result.sha256 is None:
        return result
    mine = [w for w in waivers if w.sha256 == result.sha256]
    if not mine:
        return result
    findings = []
    for finding in result.findings:
        waiver = next((w for w in mine if w.rule in (finding.rule, f"{finding.pack}/{finding.rule}")), None)
        if waiver is not None and finding.status is not Status.PRESENT:
            finding = dataclasses.replace(finding, waiver=waiver)
        findings.append(finding)
    return dataclasses.replace(result, findings=tuple(findings))


def stale_notices(results: Iterable[FileResult], waivers: Iterable[Waiver]) -> list[str]:
    """Waivers recorded for a file linted now whose content has changed since: they no longer apply."""
    by_path = {Path(r.path).resolve(): r for r in results if r.sha256}
    waivers = list(waivers)
    current = {(w.sha256, w.rule) for w in waivers}
    notices = []
    for waiver in waivers:
        result = by_path.get(Path(waiver.file).resolve()) if waiver.file else None
        if result is not None and result.sha256 != waiver.sha256 and (result.sha256, waiver.rule) not in current:
            notices.append(f"{result.path}: the waiver of {waiver.rule} by {waiver.by} ({waiver.date}) no longer applies: "
                           "the file changed since it was waived")
    return notices


def format_waiver(waiver: Waiver) -> str:
    """One [[waiver]] table; JSON strings are valid TOML basic strings."""
    lines = ["[[waiver]]"]
    if waiver.file:
        lines.append(f"file = {json.dumps(waiver.file, ensure_ascii=False)}")
    lines += [f"sha256 = {json.dumps(waiver.sha256)}", f"rule = {json.dumps(waiver.rule, ensure_ascii=False)}",
              f"reason = {json.dumps(waiver.reason, ensure_ascii=False)}", f"by = {json.dumps(waiver.by, ensure_ascii=False)}",
              f"date = {json.dumps(waiver.date)}"]
    return "\n".join(lines) + "\n"


def add_waiver(path: str | Path, waiver: Waiver, inputs: Iterable[str] = ()) -> None:
    """Append a waiver to the file (created if absent), atomically, after checking the file still parses."""
    path = Path(path)
    existing = path.read_text(encoding="utf-8") if path.is_file() else _HEADER
    if path.is_file():
        load_waivers(path)
    separator = "" if not existing or existing.endswith("\n\n") else ("\n" if existing.endswith("\n") else "\n\n")
    write_atomic(str(path), existing + separator + format_waiver(waiver), inputs=inputs)
