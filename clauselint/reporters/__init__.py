"""Report formats: one module each, one registry, imported only when that format is asked for."""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import Any

# format name -> (module, function); each function is render(report, **options) -> str
_REGISTRY: dict[str, tuple[str, str]] = {
    "text": ("clauselint.reporters.text_report", "render_text"),
    "json": ("clauselint.reporters.json_report", "render_json"),
    "sarif": ("clauselint.reporters.sarif_report", "render_sarif"),
    "markdown": ("clauselint.reporters.markdown_report", "render_markdown"),
    "html": ("clauselint.reporters.html_report", "render_html"),
    "csv": ("clauselint.reporters.csv_report", "render_csv"),
}
FORMATS: tuple[str, ...] = tuple(_REGISTRY)
FORMAT_ALIASES = {"md": "markdown", "htm": "html", "txt": "text"}
# An --output name tells the format when --format is not given.
SUFFIX_FORMATS = {".json": "json", ".sarif": "sarif", ".md": "markdown", ".markdown": "markdown", ".html": "html",
                  ".htm": "html", ".csv": "csv", ".txt": "text"}
NEEDS_DOCUMENTS = frozenset({"html"})  # formats that show the contract's text


class UnknownFormat(ValueError):
    pass


def canonical_format(name: str) -> str:
    """`md` -> `markdown`; raises UnknownFormat with the list of formats."""
    key = FORMAT_ALIASES.get(name.strip().lower(), name.strip().lower())
    if key not in _REGISTRY:
        raise UnknownFormat(f"unknown format {name!r}; choose one of {', '.join(FORMATS)}")
    return key


def get_reporter(name: str) -> Callable[..., str]:
    module, function = _REGISTRY[canonical_format(name)]
    return getattr(import_module(module), function)


class _LazyReporters(dict):
    """REPORTERS[name](report, **options): the module is imported on first use."""

    def __missing__(self, name: str) -> Callable[..., Any]:
        return get_reporter(name)


REPORTERS: dict[str, Callable[..., str]] = _LazyReporters()
