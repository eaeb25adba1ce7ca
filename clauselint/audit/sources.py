"""What an audit reads: local files, folders and globs (walked as the linter walks them) and fsspec URLs.

A Source has a label (the path as the user gave it, shown in reports) and a location (what a reader
opens wherever it runs: an absolute path, or the URL), which is also the file's key in a results file.
"""

from __future__ import annotations

import os
import posixpath
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from clauselint.runner import CONTRACT_SUFFIXES, GLOB_CHARS, expand_paths

_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


class SourceError(ValueError):
    """A source cannot be listed (an fsspec protocol whose package is missing, for example)."""


@dataclass(frozen=True)
class Source:
    label: str
    location: str

    @property
    def is_url(self) -> bool:
        return is_url(self.location)


def is_url(text: str) -> bool:
    return bool(_URL.match(text))


def local_source(path: str) -> Source:
    return Source(label=path, location=os.path.realpath(path) if os.path.exists(path) else os.path.abspath(path))


def expand_sources(sources: Iterable[str], exclude: Sequence[str] = (), base: str = ".") -> list[Source]:
    """Every contract the sources name, in a stable order, each once."""
    found: dict[str, Source] = {}
    for given in sources:
        items = _list_url(given) if is_url(given) else [local_source(p) for p in expand_paths([given], exclude, base)]
        for item in items:
            found.setdefault(item.location, item)
    return list(found.values())


def _list_url(url: str) -> list[Source]:
    """A URL to one object, a prefix (walked like a folder) or a glob, listed with fsspec."""
    try:
        import fsspec
    except ImportError:
        raise SourceError(f"{url}: URLs are read with fsspec, which comes with the dask extra: pip install 'clauselint[dask]'") from None
    try:
        fs, path = fsspec.core.url_to_fs(url)
        if any(c in path for c in GLOB_CHARS):
            names = [name for name in sorted(fs.glob(path)) if _is_contract(name)]
        elif fs.isdir(path):
            names = [name for name in sorted(fs.find(path)) if _is_contract(name)]
        else:
            names = [path]  # one object, named explicitly: audited whatever its name, as a FILE is
    except ImportError as error:  # the protocol's package (s3fs, gcsfs ...) is missing; fsspec says which
        raise SourceError(f"{url}: {' '.join(str(error).split())}") from None
    except OSError as error:
        raise SourceError(f"{url}: cannot be listed ({' '.join(str(error).split()) or type(error).__name__})") from None
    return [Source(fs.unstrip_protocol(name), fs.unstrip_protocol(name)) for name in names]


def _is_contract(name: str) -> bool:
    """As the folder walk decides: a contract suffix, and no hidden folder or lock file on the way."""
    parts = name.strip("/").split("/")
    leaf = posixpath.basename(name)
    return (leaf.lower().endswith(CONTRACT_SUFFIXES) and not leaf.startswith(("~$", "."))
            and not any(p.startswith(".") for p in parts[:-1]))
