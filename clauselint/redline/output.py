"""Where the redlined copy may go: never over an input, never over an existing file unasked.

The bytes themselves are written by `clauselint.outputs.write_atomic_bytes`, atomically.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from clauselint.outputs import OutputError, write_atomic_bytes


def check_output(path: str, inputs: Iterable[str], force: bool) -> None:
    """Refuse before any work is done: an input as output, a missing folder, an existing file without force."""
    target = Path(path)
    if target.suffix.lower() != ".docx":
        raise OutputError(f"{path}: the redlined copy is a Word document; give the output a .docx name")
    resolved = target.resolve()
    if any(resolved == Path(p).resolve() for p in inputs):
        raise OutputError(f"{path}: refusing to overwrite an input file; name a new file for the redlined copy")
    directory = target.parent if str(target.parent) else Path(".")
    if not directory.is_dir():
        raise OutputError(f"{path}: the folder {directory} does not exist")
    if target.is_dir():
        raise OutputError(f"{path}: is a folder; name a file for the redlined copy")
    if target.exists() and not force:
        raise OutputError(f"{path}: already exists; choose another name or pass --force to replace it")


def write_output(path: str, data: bytes, inputs: Iterable[str], force: bool) -> None:
    """Check `path` again (a file may have appeared while the contract was linted), then write atomically."""
    inputs = list(inputs)
    check_output(path, inputs, force)
    write_atomic_bytes(path, data, inputs)
