"""Load rule packs (YAML in clause_library/) and fill suggested language with party names."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml


def _find_library_root() -> Path:
    """Installed wheels carry the library inside the package; a source checkout has it beside it."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "clause_library", here.parent / "clause_library"):
        if (candidate / "_common").is_dir():
            return candidate
    return here.parent / "clause_library"


LIBRARY_ROOT = _find_library_root()
CHECK_KINDS = ("prohibition", "duty", "consequence", "right")
_RULE_KEYS = {
    "id", "name", "pledge", "summary", "check", "concepts", "require_any", "require_any_partial",
    "conditions_satisfy", "ignore_when", "not_concepts", "partial", "accept", "messages", "restrictions_of", "duties",
    "references", "conflicts", "consequences", "triggers", "references_from", "local_references",
    "policy_references", "topic", "waivers", "not_duties", "baseline_keywords", "generic", "not_cessation",
    "examples", "rights", "provider_commitments", "counterparty_commitments", "provider_rights", "conflict_reason", "softened", "publication",
}


# libyaml's safe loader when present: ten times faster than the pure-Python one on start-up.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class PackError(Exception):
    """A pack's YAML is malformed; the message names the file and the key."""


@dataclass(frozen=True)
class Rule:
    pack: str
    id: str
    name: str
    check: str
    spec: dict[str, Any]

    @property
    def summary(self) -> str:
        return str(self.spec.get("summary", ""))

    @property
    def pledge(self) -> str:
        return str(self.spec.get("pledge", ""))

    def message(self, status: str, **values: str) -> str:
        template = self.spec.get("messages", {}).get(status, "")
        return template.format(**values) if values else template.replace("{reason}", "see evidence")


@dataclass(frozen=True)
class SuggestionTemplate:
    id: str
    audience: str  # "b2b" or "tos"
    text: str
    placement: str


@dataclass(frozen=True)
class Pack:
    id: str
    name: str
    version: str
    url: str
    description: str
    rules: tuple[Rule, ...]
    suggestions: dict[str, tuple[SuggestionTemplate, ...]]
    modality: dict[str, tuple[str, ...]]

    def rule(self, rule_id: str) -> Rule:
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(rule_id)


def library_roots(extra: tuple[str, ...] = ()) -> tuple[Path, ...]:
    return (LIBRARY_ROOT, *(Path(p) for p in extra))


def available_packs(extra: tuple[str, ...] = ()) -> tuple[str, ...]:
    names = []
    for root in library_roots(extra):
        if root.is_dir():
            names += [p.name for p in sorted(root.iterdir()) if (p / "pack.yaml").is_file()]
    return tuple(names)


@lru_cache(maxsize=16)
def load_pack(pack_id: str, extra: tuple[str, ...] = ()) -> Pack:
    """Find and load a pack by id from the shipped library and any extra folders."""
    for root in library_roots(extra):
        folder = root / pack_id
        if (folder / "pack.yaml").is_file():
            return _load_folder(folder, root)
    raise PackError(f"unknown pack {pack_id!r}; available: {', '.join(available_packs(extra))}")


def _read_yaml(path: Path) -> Any:
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)  # noqa: S506 - a safe loader
    except (OSError, yaml.YAMLError) as exc:
        raise PackError(f"{path}: {exc}") from None


def _load_folder(folder: Path, root: Path) -> Pack:
    meta = _read_yaml(folder / "pack.yaml") or {}
    pack_id = str(meta.get("id", folder.name))
    rules = []
    for rule_id in meta.get("rules") or []:
        path = folder / "rules" / f"{rule_id}.yaml"
        spec = _read_yaml(path)
        if not isinstance(spec, dict):
            raise PackError(f"{path}: a rule must be a mapping")
        unknown = set(spec) - _RULE_KEYS
        if unknown:
            raise PackError(f"{path}: unknown keys {sorted(unknown)}")
        if spec.get("check") not in CHECK_KINDS:
            raise PackError(f"{path}: check must be one of {CHECK_KINDS}")
        rules.append(Rule(pack=pack_id, id=str(spec["id"]), name=str(spec.get("name", spec["id"])), check=spec["check"], spec=spec))
    modality = _merge_modality(_read_yaml(root / "_common" / "modality.yaml") if (root / "_common" / "modality.yaml").is_file()
                               else _read_yaml(LIBRARY_ROOT / "_common" / "modality.yaml"), meta.get("modality") or {})
    return Pack(
        id=pack_id,
        name=str(meta.get("name", pack_id)),
        version=str(meta.get("version", "1")),
        url=str(meta.get("url", "")),
        description=str(meta.get("description", "")).strip(),
        rules=tuple(rules),
        suggestions=_load_suggestions(folder, pack_id),
        modality=modality,
    )


def _merge_modality(common: dict[str, Any], extra: dict[str, Any]) -> dict[str, tuple[str, ...]]:
    merged = {key: tuple(str(v) for v in values) for key, values in (common or {}).items()}
    for key, values in extra.items():
        merged[key] = merged.get(key, ()) + tuple(str(v) for v in values)
    return merged


def _load_suggestions(folder: Path, pack_id: str) -> dict[str, tuple[SuggestionTemplate, ...]]:
    path = folder / "suggestions.yaml"
    if not path.is_file():
        return {}
    data = _read_yaml(path) or {}
    out: dict[str, tuple[SuggestionTemplate, ...]] = {}
    for rule_id, variants in data.items():
        out[rule_id] = tuple(
            SuggestionTemplate(id=f"{pack_id}/{rule_id}/{name}", audience=str(v.get("audience", name)),
                               text=" ".join(str(v["text"]).split()), placement=str(v.get("placement", "")))
            for name, v in variants.items()
        )
    return out


_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def fill(template: str, names: dict[str, str]) -> str:
    """Fill {customer}, {provider}, {offering} with the contract's own defined names."""
    def value(match: re.Match[str]) -> str:
        return names.get(match.group(1), match.group(0))

    text = _PLACEHOLDER.sub(value, template)
    # "you shall" reads as "you must" in terms addressed to users; capitalise sentence starts.
    return re.sub(r"(^|[.!?]\s+)([a-z])", lambda m: m.group(1) + m.group(2).upper(), text)
