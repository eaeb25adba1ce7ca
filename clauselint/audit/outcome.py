"""What an engine is given and gives back, one file at a time."""

from __future__ import annotations

from dataclasses import dataclass

from clauselint.audit.sources import Source
from clauselint.findings import FileResult


@dataclass(frozen=True)
class Planned:
    """A file to audit; `known_sha256` is set when its recorded line may be reused if the content is unchanged."""

    source: Source
    known_sha256: str | None = None


@dataclass(frozen=True)
class Outcome:
    """A file's new result, or None when its content is the one already recorded (nothing to write)."""

    source: Source
    result: FileResult | None
