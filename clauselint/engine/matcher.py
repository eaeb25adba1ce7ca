"""Compile a pack's phrase lists into one spaCy PhraseMatcher, built once per process and pack."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from spacy.language import Language
from spacy.matcher import PhraseMatcher

from clauselint.library import Pack, load_pack
from clauselint.nlp import get_nlp

MODALITY_KINDS = ("prohibit", "oblige", "permit", "permit_after", "disclaim", "define", "other_direction", "condition")


@dataclass(frozen=True)
class CompiledPack:
    """The pack, its phrase matcher, and the phrase labels the engine asks about."""

    pack: Pack
    matcher: PhraseMatcher
    nlp: Language
    word_lists: dict[str, frozenset[str]]


def _variants(phrase: str) -> set[str]:
    """The phrase and the plural of its last word, so data lists stay short."""
    phrase = " ".join(phrase.lower().split())
    out = {phrase}
    head, _, last = phrase.rpartition(" ")
    if last.isalpha() and len(last) > 3 and not last.endswith(("s", "ing", "ed")):
        plural = last[:-1] + "ies" if last.endswith("y") and last[-2] not in "aeiou" else last + "s"
        out.add(f"{head} {plural}".strip())
    return out


def phrase_table(pack: Pack) -> dict[str, set[str]]:
    """Every label the engine matches, mapped to its phrases (labels are 'kind:rule:name')."""
    table: dict[str, set[str]] = {}

    def add(label: str, phrases: Any) -> None:
        for phrase in phrases or ():
            table.setdefault(label, set()).update(_variants(str(phrase)))

    for kind in MODALITY_KINDS:
        add(f"mod:{kind}", pack.modality.get(kind))
    add("exc", pack.modality.get("exception_markers"))
    add("carvestmt", pack.modality.get("carve_statements"))
    for rule in pack.rules:
        spec = rule.spec
        for group, phrases in (spec.get("concepts") or {}).items():
            add(f"concept:{rule.id}:{group}", phrases)
        add(f"ignore:{rule.id}", spec.get("ignore_when"))
        add(f"notconcept:{rule.id}", spec.get("not_concepts"))
        add(f"accept:{rule.id}", spec.get("accept"))
        add(f"duty:{rule.id}", spec.get("duties"))
        add(f"ref:{rule.id}", spec.get("references"))
        add(f"localref:{rule.id}", spec.get("local_references"))
        add(f"policyref:{rule.id}", spec.get("policy_references"))
        add(f"topic:{rule.id}", spec.get("topic"))
        add(f"waiver:{rule.id}", spec.get("waivers"))
        add(f"notduty:{rule.id}", spec.get("not_duties"))
        add(f"conflict:{rule.id}", spec.get("conflicts"))
        add(f"consequence:{rule.id}", spec.get("consequences"))
        add(f"trigger:{rule.id}", spec.get("triggers"))
        add(f"notcess:{rule.id}", spec.get("not_cessation"))
        add(f"right:{rule.id}", spec.get("rights"))
        add(f"pub:{rule.id}", spec.get("publication"))
        for item in spec.get("softened") or ():
            add(f"soft:{rule.id}:{item['id']}", item.get("phrases"))
        add(f"commit:{rule.id}", spec.get("provider_commitments"))
        add(f"allow:{rule.id}", spec.get("counterparty_commitments"))
        add(f"provright:{rule.id}", spec.get("provider_rights"))
        for item in spec.get("partial") or ():
            add(f"near:{rule.id}:{item['id']}", item.get("near"))
            add(f"carve:{rule.id}:{item['id']}", item.get("carve_out"))
            add(f"object:{rule.id}:{item['id']}", item.get("objects"))
            add(f"carveword:{rule.id}:{item['id']}", item.get("carve_words"))
            for name, phrases in (item.get("coverage") or {}).items():
                add(f"cover:{rule.id}:{item['id']}:{name}", phrases)
        for item in spec.get("generic") or ():
            add(f"generic:{rule.id}:{item['id']}", item.get("triggers"))
    return table


@lru_cache(maxsize=8)
def compile_pack(pack_id: str, extra: tuple[str, ...] = (), model: str | None = None) -> CompiledPack:
    pack = load_pack(pack_id, extra)
    nlp = get_nlp(model)
    matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
    for label, phrases in sorted(phrase_table(pack).items()):
        matcher.add(label, list(nlp.tokenizer.pipe(sorted(phrases))))
    words = {key: frozenset(str(v).lower() for v in pack.modality.get(key, ())) for key in
             ("negators", "use_verbs", "provider_subjects", "counterparty_subjects", "relative_markers", "unrestrict_verbs")}
    words["not_negators"] = frozenset(str(v).lower() for v in pack.modality.get("not_negators", ()))
    words["negating_openers"] = frozenset(str(v).lower() for v in pack.modality.get("negating_openers", ()))
    return CompiledPack(pack=pack, matcher=matcher, nlp=nlp, word_lists=words)
