"""`clauselint cache`: where clauselint keeps what it computed (the OCR of scans), and removing it."""

from __future__ import annotations

import click

from clauselint.documents.ocr_cache import cache_root, cache_size, clear_cache


@click.group()
def cache() -> None:
    """The cache of OCR results (scanned PDFs are read once, then found here by content)."""


@cache.command("dir")
def cache_dir() -> None:
    """Print the cache folder and what it holds."""
    files, size = cache_size()
    click.echo(f"{cache_root()}  ({files} page(s), {size / 1024:.0f} KB)")


@cache.command("clear")
def cache_clear() -> None:
    """Remove every cached OCR result (the next lint of a scan runs OCR again)."""
    root = cache_root()
    files, size = clear_cache(root)
    click.echo(f"removed {files} cached page(s), {size / 1024:.0f} KB, from {root}")
