"""Run a pack over a contract (one document or a bundle) and produce one Finding per rule."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from clauselint.documents.definitions import EITHER_SIDE
from clauselint.documents.model import Document
from clauselint.engine.checks import (
    TieContext,
    UnitVerdict,
    attachment_refs,
    consequence,
    covered_members,
    duty,
    prohibition,
    rank,
    refs_governing,
    refs_overlap,
    right,
    right_rank,
)
from clauselint.engine.matcher import CompiledPack, compile_pack
from clauselint.engine.modality import UnitView, Words
from clauselint.engine.units import ParsedBlock, Unit, build_units, parse_documents, units_for_blocks
from clauselint.findings import DEFAULT_SEVERITY, Evidence, Finding, Status, Suggestion
from clauselint.library import Pack, Rule, fill

MAX_EVIDENCE = 3
OFFERING_TERMS = ("Services", "Service", "Platform", "Software", "Licensed Software", "Product", "Products", "Solution",
                  "SDK", "API", "Licensed Materials", "Technology", "Licensed Technology", "Subscription Services", "System")
_POLICY_REF = re.compile(r"\b((?:[A-Z][A-Za-z]+\s+){0,3}(?:Use|Usage|Conduct|Ethics)\s+Policy|AUP)\b")


@dataclass(frozen=True)
class Hit:
    verdict: UnitVerdict
    unit: Unit
    operative: Unit | None = None  # the clause that binds a defined term's definition


def evaluate_pack(documents: tuple[Document, ...], pack_id: str, extra: tuple[str, ...] = (), model: str | None = None) -> tuple[Finding, ...]:
    """One finding per rule of the pack for this contract; documents[0] is the main document."""
    compiled = compile_pack(pack_id, extra, model)
    parsed = parse_documents(documents, compiled)
    by_block = {(p.document, p.block.index): p for p in parsed}
    words = _words(compiled, documents)
    views = [UnitView(unit, words) for unit in build_units(parsed)]
    pack = compiled.pack
    hits: dict[str, list[Hit]] = {}
    term_hits: set[str] = set()
    bound = [(term, operative, [UnitView(unit, words) for unit in units_for_blocks(blocks, by_block)], mode)
             for term, operative, blocks, mode in _bound_definitions(views, documents, parsed, by_block)]
    for rule in pack.rules:
        if rule.check != "prohibition":
            continue
        found = [Hit(v, view.unit) for view in views if (v := prohibition(view, rule))]
        for term, operative, bound_views, mode in bound:
            for bound_view in bound_views:
                unit = bound_view.unit
                verdict = prohibition(bound_view, rule, bound=mode)
                if verdict:
                    found.append(Hit(verdict, unit, operative))
                    term_hits.add(term)
        hits[rule.id] = _combine_coverage(rule, _apply_remote_carve_outs(rule, found, views), words)
    for rule in pack.rules:
        if rule.check == "prohibition":
            continue
        context = _tie_context(pack, rule, hits, term_hits, documents)
        check = {"duty": duty, "consequence": consequence, "right": right}[rule.check]
        hits[rule.id] = [Hit(v, view.unit) for view in views if (v := check(view, rule, context))]
    notes = _unprovided_references(documents)
    return tuple(_finding(pack, rule, hits.get(rule.id, []), documents, notes) for rule in pack.rules)


def _combine_coverage(rule: Rule, found: list[Hit], words: Words) -> list[Hit]:
    """Bans that each name part of a set ('not at work'; 'not in schools') together cover it whole."""
    items = [item for item in rule.spec.get("partial") or () if item.get("coverage")]
    for item in items:
        narrowed = [hit for hit in found if hit.verdict.status is Status.PARTIAL and hit.verdict.reason == item.get("reason")]
        if not narrowed:
            continue
        named: set[str] = set()
        for hit in found:
            if hit.verdict.status in (Status.PRESENT, Status.PARTIAL):
                named |= covered_members(UnitView(hit.unit, words), rule, item)
        if "all" in named or not set(item["coverage"]) - named - {"all"}:
            found = [Hit(UnitVerdict(Status.PRESENT), hit.unit, hit.operative) if hit in narrowed else hit for hit in found]
    return found


def _apply_remote_carve_outs(rule: Rule, found: list[Hit], views: list[UnitView]) -> list[Hit]:
    """A present ban becomes partial when another sentence cuts its clause back by number
    ("Clause 6.1(c) does not apply to any use permitted by applicable law")."""
    carvings = []
    for view in views:
        if not view.has("carvestmt"):
            continue
        for item in rule.spec.get("partial") or ():
            if view.has(f"carveword:{rule.id}:{item['id']}") or view.has(f"carve:{rule.id}:{item['id']}"):
                refs = [ref for mark in view.marks("carvestmt")
                        for ref in refs_governing(view.unit.own.text, " ".join(view.unit.tokens[mark.start:mark.end]))]
                if refs:
                    carvings.append((refs, item.get("reason"), view.unit))
    if not carvings:
        return found
    out = []
    for hit in found:
        section = hit.unit.own.block.section
        carving = next((c for c in carvings if hit.verdict.status is Status.PRESENT and section
                        and any(refs_overlap(ref, section) for ref in c[0])), None)
        out.append(hit if carving is None else Hit(UnitVerdict(Status.PARTIAL, reason=carving[1]), hit.unit, carving[2]))
    return out


def _words(compiled: CompiledPack, documents: tuple[Document, ...]) -> Words:
    lists = compiled.word_lists
    provider = set(lists["provider_subjects"])
    counterparty = set(lists["counterparty_subjects"])
    for document in documents:
        for party in document.parties:
            for alias in (party.defined_as or "", *party.aliases):
                name = alias.lower().split()
                if name and party.role == "provider":
                    provider.add(name[-1])
                elif name and party.role == "customer":
                    counterparty.add(name[-1])
    counterparty -= {"agency", "authority", "council"} & provider
    for document in documents:  # the contract's own roles override the lexicon's guesses ('the Developer' as customer)
        for party in document.parties:
            name = (party.defined_as or "").lower().split()
            if not name or name[-1] not in EITHER_SIDE:
                continue  # only a word that names either side is settled by the contract
            if party.role == "customer":
                provider.discard(name[-1])
            elif party.role == "provider":
                counterparty.discard(name[-1])
    return Words(
        negators=lists["negators"], not_negators=lists["not_negators"], use_verbs=lists["use_verbs"],
        provider=frozenset(w for w in provider if " " not in w),
        counterparty=frozenset(w for w in counterparty if " " not in w) | {"party", "person", "third", "anyone", "nobody"},
        relative=lists["relative_markers"], unrestrict=lists["unrestrict_verbs"], openers=lists["negating_openers"],
    )


def _bound_definitions(views: list[UnitView], documents: tuple[Document, ...], parsed: list[ParsedBlock],
                       by_block: dict) -> Iterable[tuple[str, Unit, list[ParsedBlock], str]]:
    """Text an operative clause prohibits or expressly permits by reference: a defined term
    ('shall not engage in any Prohibited Use', 'may use it for the Permitted Purpose'), or a
    schedule or exhibit ('for any purpose listed in Schedule 3'). Yields (name, clause, blocks, mode)."""
    definitions = {term.term: (d, term.block) for d, document in enumerate(documents) for term in document.defined_terms}
    seen: set[str] = set()
    for view in views:
        own = view.unit.own
        for mark in view.marks("term:"):
            term = mark.label[5:]
            if term in seen or term not in definitions or definitions[term] == (own.document, own.block.index) or not _names_a_use(term):
                continue
            governor = view.governor(mark.start)
            if governor.kind not in ("prohibit", "permit") or governor.subject == "provider":
                continue
            seen.add(term)
            d, index = definitions[term]
            blocks = [p for p in parsed if p.document == d and (p.block.index == index or _descends(p, index, by_block))]
            defining = by_block[(d, index)].block.text
            for ref in attachment_refs(defining):
                blocks += _attachment_blocks(ref, documents, parsed)
            yield term, view.unit, blocks, governor.kind
        below = _BELOW.search(own.text)
        if below and (own.document, own.block.index, "below") not in seen:
            position = _token_at(view.unit, len(view.unit.text) - len(own.text) + below.start())
            governor = view.governor(position) if position is not None else None
            if governor is not None and governor.kind in ("prohibit", "permit") and governor.subject != "provider":
                seen.add((own.document, own.block.index, "below"))
                yield "the table below", view.unit, _following_table(own.document, own.block.index, parsed), governor.kind
        for match in _ATTACHMENT_IN_TEXT.finditer(view.unit.text):
            ref = f"{match.group(1).lower()} {match.group(2).lower()}"
            if ref in seen:
                continue
            position = _token_at(view.unit, match.start())
            governor = view.governor(position) if position is not None else None
            if governor is None or governor.kind != "prohibit" or governor.subject == "provider":
                continue
            seen.add(ref)
            yield ref, view.unit, _attachment_blocks(ref, documents, parsed), "prohibit"


_ATTACHMENT_IN_TEXT = re.compile(r"\b(schedule|exhibit|annex|appendix|attachment|addendum)\s+([A-Z0-9]{1,3})\b", re.IGNORECASE)


_BELOW = re.compile(r"\b(?:(?:in|described in|listed in|set out in|marked in|identified in) the (?:table|list|schedule) below|"
                    r"the following table|(?:listed|set out|set forth|described|identified) (?:in the table )?below)\b", re.IGNORECASE)


def _following_table(document: int, index: int, parsed: list[ParsedBlock]) -> list[ParsedBlock]:
    """The table rows that follow a block ('the uses marked Prohibited in the table below')."""
    from clauselint.documents.model import Part

    rows: list[ParsedBlock] = []
    for item in parsed:
        if item.document != document or item.block.index <= index:
            continue
        if item.block.part is Part.TABLE:
            rows.append(item)
        elif rows or item.block.index > index + 2:
            break
    return rows


def _token_at(unit: Unit, char: int) -> int | None:
    """The unit token index at a character offset of unit.text (segments joined by one space)."""
    consumed = 0
    position = 0
    for segment in unit.segments:
        length = len(segment.text)
        count = segment.end_token - segment.start_token
        if char <= consumed + length:
            share = (char - consumed) / max(1, length)
            return position + min(count - 1, int(share * count))
        consumed += length + 1
        position += count
    return None


def _attachment_blocks(ref: str, documents: tuple[Document, ...], parsed: list[ParsedBlock]) -> list[ParsedBlock]:
    """The blocks of 'schedule 3': its section of the document, or a bundled file titled so."""
    blocks = []
    for item in parsed:
        section = (item.block.section or "").lower()
        title = (documents[item.document].title or "").lower()
        if section.startswith(ref) or (item.document > 0 and title.startswith(ref)):
            blocks.append(item)
    return blocks


_USE_WORDS = ("use", "uses", "purpose", "purposes", "permitted", "authorised", "authorized", "application", "applications", "activity", "activities", "conduct",
              "field", "practice", "practices", "case", "cases")
_NOT_ACTIVITIES = frozenset({"offering", "offerings", "listing", "listings", "hosting", "pricing", "billing", "building", "training",
                             "setting", "settings", "recording", "recordings", "rating", "ranking", "meeting", "opening", "filing",
                             "marketing", "onboarding", "holding", "housing", "drawing", "drawings", "funding", "thing", "everything",
                             "anything", "nothing", "something", "wording", "reading", "heading", "headings", "mapping"})
_RESTRICTIVE = ("restricted", "prohibited", "excluded", "forbidden", "banned", "unauthorised", "unauthorized", "impermissible")


def _names_a_use(term: str) -> bool:
    """Only terms that name uses ('Prohibited Use', 'Excluded Field of Use') carry a ban into their definition."""
    words = term.lower().split()
    activity = words and words[-1].endswith("ing") and words[-1] not in _NOT_ACTIVITIES  # "Untargeted Image Harvesting"
    return bool(words) and (words[-1] in _USE_WORDS or bool(activity) or any(w in _RESTRICTIVE for w in words))


def _descends(item: ParsedBlock, ancestor: int, by_block: dict) -> bool:
    lead_in = item.block.lead_in
    for _ in range(6):
        if lead_in is None:
            return False
        if lead_in == ancestor:
            return True
        parent = by_block.get((item.document, lead_in))
        lead_in = parent.block.lead_in if parent else None
    return False


def _tie_context(pack: Pack, rule: Rule, hits: dict[str, list[Hit]], term_hits: set[str], documents) -> TieContext:
    reference_rule = rule.spec.get("references_from") or rule.id
    if rule.spec.get("restrictions_of") == []:
        # A stand-alone duty (know-your-customer, independent evaluation): its references are enough.
        return TieContext(True, frozenset(), frozenset(), frozenset(), frozenset(), (), reference_rule, policies_provided=True)
    sources = rule.spec.get("restrictions_of") or [r.id for r in pack.rules if r.check == "prohibition"]
    restriction_units = [hit.unit for rid in sources for hit in hits.get(rid, [])
                         if hit.verdict.status in (Status.PRESENT, Status.PARTIAL)]
    sections = {u.own.block.section for u in restriction_units if u.own.block.section}
    tops = set()
    for unit in restriction_units:
        block = unit.own.block
        if block.section:
            tops.add((unit.own.document, re.split(r"[.(]", block.section)[0].lower()))
        for heading in block.heading_path:
            tops.add((unit.own.document, heading.lower()))
        title = documents[unit.own.document].title
        if title:
            tops.add((unit.own.document, title.lower()))
    concept_prefixes = tuple(f"concept:{rid}:" for rid in sources)
    return TieContext(
        restrictions_found=bool(restriction_units),
        restriction_sections=frozenset(sections),
        restriction_tops=frozenset(tops),
        restriction_terms=frozenset(term_hits),
        restriction_docs=frozenset(u.own.document for u in restriction_units if u.own.document > 0),
        restriction_concepts=_strong_concepts(pack, sources),
        reference_rule=reference_rule,
        policies_provided=any(u.own.document > 0 for u in restriction_units),
    ) if concept_prefixes else TieContext(False, frozenset(), frozenset(), frozenset(), frozenset(), (), reference_rule)


def _strong_concepts(pack: Pack, sources: list[str]) -> tuple[str, ...]:
    """Concept groups that name a restricted use on their own (not 'people' or 'watching')."""
    prefixes = []
    for rid in sources:
        rule = pack.rule(rid)
        alternatives = rule.spec.get("require_any") or [list((rule.spec.get("concepts") or {}).keys())]
        for alternative in alternatives:
            if len(alternative) == 1:
                prefixes.append(f"concept:{rid}:{alternative[0]}")
    return tuple(prefixes)


def _unprovided_references(documents: tuple[Document, ...]) -> tuple[str, ...]:
    """Policies the contract incorporates that are not among the files read."""
    names_read = " ".join(
        " ".join(filter(None, [d.title or "", *(b.text for b in d.blocks if b.is_heading)])) for d in documents
    ).lower()
    notes = []
    for name in sorted({m.group(1).strip() for b in documents[0].blocks for m in _POLICY_REF.finditer(b.text)}):
        if name.lower() not in names_read and not (name == "AUP" and "acceptable use" in names_read):
            notes.append(f"The contract refers to the {name}, which was not provided; lint it together with the contract (--with FILE).")
    return tuple(notes)


def _finding(pack: Pack, rule: Rule, hits: list[Hit], documents: tuple[Document, ...], notes: tuple[str, ...]) -> Finding:
    # An express relief ("no obligation to ensure", "shall not suspend for any use") overrides a
    # generic duty or termination right; a narrowed prohibition still outranks a permission.
    ranking = {"prohibition": rank, "right": right_rank}.get(rule.check, _duty_rank)
    best_rank = max((ranking(h.verdict.status) for h in hits), default=0)
    chosen = [h for h in hits if ranking(h.verdict.status) == best_rank]
    status = chosen[0].verdict.status if chosen else Status.MISSING
    reason = next((h.verdict.reason for h in chosen if h.verdict.reason), None)
    evidence: list[Evidence] = []
    for hit in chosen:
        for unit in ([hit.operative] if hit.operative else []) + [hit.unit]:
            item = _evidence(unit, documents)
            if item not in evidence:
                evidence.append(item)
        if len(evidence) >= MAX_EVIDENCE:
            break
    message = rule.message(status.value, reason=reason or "")
    if status is Status.PARTIAL and not reason:
        message = rule.message(status.value)
    return Finding(
        pack=pack.id,
        rule=rule.id,
        status=status,
        severity=DEFAULT_SEVERITY[status],
        message=message,
        evidence=tuple(evidence[:MAX_EVIDENCE]) if status is not Status.MISSING else (),
        suggestion=None if status is Status.PRESENT else suggest(pack, rule, documents[0]),
        reason=reason,
        notes=notes if status is not Status.PRESENT else (),
    )


def _duty_rank(status: Status) -> int:
    return {Status.PRESENT: 3, Status.CONFLICT: 2, Status.PARTIAL: 1, Status.MISSING: 0}[status]


def _evidence(unit: Unit, documents: tuple[Document, ...]) -> Evidence:
    own = unit.own
    block = own.block
    context = " ".join(segment.text for segment in unit.segments[:-1]) or None
    return Evidence(text=own.text, file=block.file, page=block.page_at(own.start_char), section=block.section,
                    part=block.part.value, context=context, ocr=block.ocr)


def party_names(document: Document) -> dict[str, str]:
    """The names suggested language is filled with: the contract's own defined terms."""
    customer = document.party_name("customer") or "Customer"
    provider = document.party_name("provider") or ("we" if customer.lower() == "you" else "Provider")
    defined = {term.term for term in document.defined_terms}
    offering = next((term for term in OFFERING_TERMS if term in defined), "Services")
    return {"customer": customer, "provider": provider, "offering": f"the {offering}"}


def suggest(pack: Pack, rule: Rule, document: Document) -> Suggestion | None:
    variants = pack.suggestions.get(rule.id, ())
    if not variants:
        return None
    names = party_names(document)
    audience = "tos" if names["customer"].lower() == "you" else "b2b"
    template = next((v for v in variants if v.audience == audience), variants[0])
    return Suggestion(id=template.id, text=fill(template.text, names), placement=template.placement)
