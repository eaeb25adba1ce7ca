"""What decides a file's findings besides its content: the clauselint version, the packs, the read options.

A line is reused on a re-run only when its file's hash and this stamp are both unchanged. Pack
versions are what the packs declare; the fingerprint also covers the packs' YAML itself (a rule
tuned without a new version number still re-audits), the shared modality lexicon, the read limits,
the spaCy pipeline and party names. Rule selection, severities and waivers are not in it: they are
applied when a results file is summarized, so changing them never costs a re-audit.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from clauselint import __version__
from clauselint.library import LIBRARY_ROOT, PackError, library_roots, load_pack
from clauselint.runner import LintOptions

_SKIPPED_FOLDERS = ("examples",)  # a pack's examples are for its tests; they decide no finding


@dataclass(frozen=True)
class AuditStamp:
    clauselint: str
    packs: tuple[tuple[str, str], ...]  # (pack id, declared version), in the order they run
    fingerprint: str

    @property
    def pack_ids(self) -> tuple[str, ...]:
        return tuple(pack for pack, _ in self.packs)

    def matches(self, clauselint: object, packs: object, fingerprint: object) -> bool:
        return clauselint == self.clauselint and packs == dict(self.packs) and fingerprint == self.fingerprint


def audit_stamp(options: LintOptions) -> AuditStamp:
    """The stamp of a run with these options; raises PackError for an unknown pack."""
    packs = tuple((pack, load_pack(pack, options.extra_library).version) for pack in options.packs)
    inputs = {
        "packs": [[pack, _pack_digest(pack, options.extra_library)] for pack in options.packs],
        "limits": dataclasses.asdict(options.limits),
        "model": options.model,
        "parties": [list(pair) for pair in options.parties],
    }
    digest = hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()
    return AuditStamp(clauselint=__version__, packs=packs, fingerprint=digest[:16])


def _pack_digest(pack_id: str, extra: tuple[str, ...]) -> str:
    for root in library_roots(extra):
        folder = root / pack_id
        if (folder / "pack.yaml").is_file():
            common = root / "_common" / "modality.yaml"
            files = sorted(p for p in folder.rglob("*.yaml") if not set(p.relative_to(folder).parts[:-1]) & set(_SKIPPED_FOLDERS))
            named = [(p.relative_to(folder).as_posix(), p) for p in files]
            named.append(("_common/modality.yaml", common if common.is_file() else LIBRARY_ROOT / "_common" / "modality.yaml"))
            digest = hashlib.sha256()
            for name, path in named:
                digest.update(name.encode() + b"\0" + _read(path) + b"\0")
            return digest.hexdigest()
    raise PackError(f"unknown pack {pack_id!r}")


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:
        return b""
