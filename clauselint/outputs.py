"""Write output files atomically, and never over an input."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path


class OutputError(Exception):
    pass


def write_atomic(path: str, content: str, inputs: Iterable[str] = ()) -> None:
    """Write text (UTF-8, newlines as given) atomically; see write_atomic_bytes."""
    write_atomic_bytes(path, content.encode("utf-8"), inputs)


def write_atomic_bytes(path: str, data: bytes, inputs: Iterable[str] = ()) -> None:
    """Write to a temporary file beside `path` and rename it into place in one step, never over an input."""
    target = Path(path)
    resolved = target.resolve()
    if any(resolved == Path(p).resolve() for p in inputs):
        raise OutputError(f"{path}: refusing to overwrite an input file")
    directory = target.parent if str(target.parent) else Path(".")
    if not directory.is_dir():
        raise OutputError(f"{path}: the folder {directory} does not exist")
    handle, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temp, target)
    except BaseException:
        if os.path.exists(temp):
            os.unlink(temp)
        raise
