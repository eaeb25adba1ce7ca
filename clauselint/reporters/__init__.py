"""Report formats: one module each, one registry."""

from __future__ import annotations

from collections.abc import Callable

from clauselint.reporters.json_report import render_json
from clauselint.reporters.text_report import render_text

REPORTERS: dict[str, Callable[..., str]] = {
    "text": render_text,
    "json": render_json,
}
