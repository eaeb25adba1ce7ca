"""The rules as a reviewer reads them: `clauselint rules` and `clauselint explain RULE`.

Everything comes from the pack's YAML: the rule's summary and pledge text, its `partial` reasons
and accepted exceptions, its pass/fail examples and its suggested language; nothing is written
twice.
"""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

from clauselint.config import Settings
from clauselint.library import Pack, PackError, Rule, available_packs, library_roots, load_pack
from clauselint.policy import RuleRef, resolve_policy

EXAMPLES_SHOWN = 5
WIDTH = 100


def _load(pack_id: str, settings: Settings) -> Pack:
    try:
        return load_pack(pack_id, tuple(settings.libraries))
    except PackError as error:
        raise ValueError(str(error)) from None


def describe_packs(settings: Settings, only: tuple[str, ...] = (), everything: bool = False) -> list[dict[str, Any]]:
    """The enabled packs (or `only` these, or `everything` available) with their rules and what is selected."""
    names = only or (_all_names(settings) if everything else tuple(settings.packs))
    packs = [_load(name, settings) for name in names]
    enabled = [_load(name, settings) for name in settings.packs]
    refs = [RuleRef(p.id, r.id) for p in enabled for r in p.rules]
    policy = resolve_policy(refs, settings.select, settings.ignore, settings.severity) if refs else None
    return [{
        "pack": pack.id, "name": pack.name, "version": pack.version, "url": pack.url, "enabled": pack.id in settings.packs,
        "rules": [{"id": rule.id, "name": rule.name, "check": rule.check, "summary": rule.summary, "pledge": rule.pledge,
                   "selected": policy is not None and RuleRef(pack.id, rule.id) in policy.selected} for rule in pack.rules],
    } for pack in packs]


def _all_names(settings: Settings) -> tuple[str, ...]:
    return tuple(dict.fromkeys([*settings.packs, *available_packs(tuple(settings.libraries))]))


def format_packs(listing: list[dict[str, Any]], settings: Settings) -> str:
    lines = []
    for pack in listing:
        state = "enabled" if pack["enabled"] else "not enabled: add it with --pack or `packs` in the config"
        lines.append(f"{pack['pack']}: {pack['name']} (version {pack['version']}; {state})")
        if pack["url"]:
            lines.append(f"  {pack['url']}")
        for rule in pack["rules"]:
            off = "" if rule["selected"] or not pack["enabled"] else "  (not selected)"
            lines.append(f"  {rule['id']:<26} {rule['check']:<12} {rule['name']}{off}")
        lines.append("")
    others = [name for name in _all_names(settings) if name not in {p["pack"] for p in listing}]
    if others:
        lines.append(f"Also available: {', '.join(others)} (clauselint rules --all, or --pack NAME)")
    lines.append("`clauselint explain RULE` says what a rule checks, why, and what to write.")
    return "\n".join(lines) + "\n"


def find_rule(rule_id: str, settings: Settings, only: tuple[str, ...] = ()) -> tuple[str, str]:
    """(pack, rule) for `rule` or `pack/rule`, looking in the configured packs first, then all."""
    pack, rule = _find(rule_id, settings, only)
    return pack.id, rule.id


def _find(rule_id: str, settings: Settings, only: tuple[str, ...]) -> tuple[Pack, Rule]:
    for name in only or _all_names(settings):
        try:
            pack = _load(name, settings)
        except ValueError:
            if only or name in settings.packs:
                raise
            continue  # a pack nobody asked for may be half-written; it must not hide the rule asked about
        for rule in pack.rules:
            if rule_id in (rule.id, f"{pack.id}/{rule.id}"):
                return pack, rule
    raise ValueError(f"unknown rule {rule_id!r}; see `clauselint rules`")


def explain_rule(rule_id: str, settings: Settings, only: tuple[str, ...] = (), all_examples: bool = False) -> str:
    pack, rule = _find(rule_id, settings, only)
    spec = rule.spec
    out: list[str] = [f"{pack.id}/{rule.id}: {rule.name}", ""]
    _section(out, "What it checks", [rule.summary])
    why = [rule.pledge] if rule.pledge else []
    if pack.url:
        why.append(f"{pack.name}: {pack.url}")
    _section(out, "Why", why)
    messages = spec.get("messages", {})
    judged = [f"present: {messages['present']}"] if messages.get("present") else []
    for item in spec.get("partial") or []:
        if isinstance(item, dict) and item.get("reason"):
            judged.append(f"partial when {item['reason']}")
    if spec.get("accept"):
        judged.append("exceptions that still count as present: " + ", ".join(str(a) for a in spec["accept"]))
    for status in ("missing", "conflict"):
        if messages.get(status):
            judged.append(f"{status}: {messages[status]}")
    _section(out, "How it is judged", judged)
    examples = _examples(pack, rule, settings)
    limit = None if all_examples else EXAMPLES_SHOWN
    for title, statuses in (("What counts", ("present",)), ("What counts only partly", ("partial",)),
                            ("What does not count", ("missing", "conflict"))):
        chosen = [e for e in examples if e.status in statuses]
        shown = [f"{e.status}: {e.why}" if len(statuses) > 1 else e.why for e in chosen[:limit]]
        if limit is not None and len(chosen) > limit:
            shown.append(f"... {len(chosen) - limit} more: clauselint explain {rule.id} --all")
        _section(out, title, shown, bullet=True)
    suggestions = [f"{v.audience} ({v.placement}):\n{v.text}" for v in pack.suggestions.get(rule.id, ())]
    _section(out, "Suggested language ({customer}, {provider} and {offering} are filled with the contract's own names)", suggestions)
    return "\n".join(out).rstrip() + "\n"


def _examples(pack: Pack, rule: Rule, settings: Settings) -> list[Any]:
    from clauselint.examples import load_examples

    for root in library_roots(tuple(settings.libraries)):
        if (Path(root) / pack.id / "pack.yaml").is_file():
            try:
                return [e for e in load_examples(pack.id, Path(root)) if e.rule == rule.id]
            except Exception:  # examples are documentation here; a malformed file must not break `explain`
                return []
    return []


def _section(out: list[str], title: str, paragraphs: list[str], bullet: bool = False) -> None:
    if not paragraphs:
        return
    out.append(title)
    for paragraph in paragraphs:
        head, _, rest = paragraph.partition("\n")
        first = "  - " if bullet else "  "
        out.extend(textwrap.wrap(head, WIDTH, initial_indent=first, subsequent_indent=" " * len(first), break_on_hyphens=False) or [first])
        if rest:
            out.extend(textwrap.wrap(rest, WIDTH, initial_indent="    ", subsequent_indent="    ", break_on_hyphens=False))
    out.append("")
