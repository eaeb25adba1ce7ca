"""The four kinds of check a rule can declare: prohibition, duty, consequence and right.

Each judges one unit and returns a UnitVerdict or None; evaluate.py picks the best per rule.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from clauselint.engine.modality import Governor, UnitView
from clauselint.findings import Status
from clauselint.library import Rule

_RANK = {Status.PRESENT: 3, Status.PARTIAL: 2, Status.CONFLICT: 1, Status.MISSING: 0}
_RIGHT_RANK = {Status.CONFLICT: 3, Status.PARTIAL: 2, Status.PRESENT: 1, Status.MISSING: 0}


@dataclass(frozen=True)
class UnitVerdict:
    status: Status
    reason: str | None = None
    via: str | None = None  # a defined term or reference that brought in the decisive text


def rank(status: Status) -> int:
    return _RANK[status]


@dataclass(frozen=True)
class TieContext:
    """What ties a duty or consequence to the use restrictions found elsewhere in the contract."""

    restrictions_found: bool
    restriction_sections: frozenset[str]
    restriction_tops: frozenset[tuple[int, str]]  # (document, top-level section or heading)
    restriction_terms: frozenset[str]
    restriction_docs: frozenset[int]
    restriction_concepts: tuple[str, ...]  # label prefixes of the restriction rules' concepts
    reference_rule: str
    policies_provided: bool = False  # an attachment holding restrictions was linted with the contract


_SECTION_REF = re.compile(
    r"\b(?:sections?|clauses?|paragraphs?|articles?|§§?)\s*((?:\d+[A-Z]?(?:\.\d+[A-Z]?)*(?:\s?\([a-z0-9]+\))*)"
    r"(?:\s*(?:,|and|or|to|through|-|–)\s*(?:\d+[A-Z]?(?:\.\d+[A-Z]?)*(?:\s?\([a-z0-9]+\))*))*)",
    re.IGNORECASE,
)
_SINGLE_REF = re.compile(r"\d+[A-Z]?(?:\.\d+[A-Z]?)*(?:\s?\([a-z0-9]+\))*", re.IGNORECASE)
_ATTACHMENT_REF = re.compile(r"\b(schedule|exhibit|annex|appendix|attachment|addendum)\s+([A-Z0-9]{1,3})\b", re.IGNORECASE)


def section_refs(text: str) -> list[str]:
    refs = []
    for match in _SECTION_REF.finditer(text):
        refs += _cited(match)
    return refs


def _cited(match: re.Match[str]) -> list[str]:
    """The clause numbers one 'Sections 4.2(b) and 5' citation names, without spaces."""
    return [ref.replace(" ", "") for ref in _SINGLE_REF.findall(match.group(1))]


def refs_governing(text: str, phrase: str) -> list[str]:
    """The clause numbers that are the subject of `phrase`: 'clause 11.2 does not apply' cites 11.2 only,
    not the other clauses the same sentence mentions."""
    refs: list[str] = []
    low = text.lower()
    for position in (m.start() for m in re.finditer(re.escape(phrase), low)):
        for match in _SECTION_REF.finditer(text, 0, position):
            if len(text[match.end():position].split()) <= 4:
                refs += _cited(match)
    return refs


def attachment_refs(text: str) -> list[str]:
    return [f"{kind.lower()} {ident.lower()}" for kind, ident in _ATTACHMENT_REF.findall(text)]


def refs_overlap(ref: str, section: str) -> bool:
    """'4' cites '4.2(b)'; '4.2(b)' cites the clause '4.2' it sits in."""
    a, b = ref.lower(), section.lower()
    if a == b:
        return True
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return long.startswith(short) and long[len(short)] in ".("


def prohibition(view: UnitView, rule: Rule, *, bound: str | bool = False) -> UnitVerdict | None:
    spec = rule.spec
    if not view.has(f"concept:{rule.id}:") or view.has(f"ignore:{rule.id}"):
        return None
    groups = list((spec.get("concepts") or {}).keys())
    alternatives = spec.get("require_any") or [groups]
    best: UnitVerdict | None = None
    for alternative in alternatives:
        verdict = _prohibition_alternative(view, rule, alternative, bound)
        if verdict and (best is None or rank(verdict.status) > rank(best.status)):
            best = verdict
    for alternative in spec.get("require_any_partial") or ():
        verdict = _prohibition_alternative(view, rule, alternative, bound)
        if verdict and verdict.status is Status.PARTIAL and (best is None or rank(verdict.status) > rank(best.status)):
            best = verdict
    for alternative in spec.get("conditions_satisfy") or ():
        if all(view.marks(f"concept:{rule.id}:{group}") for group in alternative):
            first = view.marks(f"concept:{rule.id}:{alternative[0]}")[0]
            governor = view.governor(first.start, bound=bound)
            conditioned = view.has("mod:condition") or governor.kind in ("prohibit", "oblige") or "only" in view.unit.tokens
            if conditioned and governor.kind not in ("disclaim", "define", "none") and governor.subject != "provider":
                return UnitVerdict(Status.PRESENT)
    return best


def _prohibition_alternative(view: UnitView, rule: Rule, groups: list[str], bound: bool) -> UnitVerdict | None:
    prohibited: dict[str, list[tuple]] = {}
    permitted: dict[str, list[tuple]] = {}
    for group in groups:
        for concept in view.marks(f"concept:{rule.id}:{group}"):
            governor = view.governor(concept.start, bound=bound)
            if governor.subject == "provider" and governor.kind not in ("excepted",):
                continue
            if governor.kind == "prohibit":
                prohibited.setdefault(group, []).append((concept, governor))
            elif governor.kind in ("permit", "excepted", "unrestricted") and _is_use_permission(view, concept, governor):
                permitted.setdefault(group, []).append((concept, governor))
    if all(group in prohibited for group in groups):
        return _qualify(view, rule, [item for group in groups for item in prohibited[group]])
    if all(group in permitted for group in groups):
        return UnitVerdict(Status.CONFLICT, reason="an express permission")
    return None


def _is_use_permission(view: UnitView, concept, governor: Governor) -> bool:
    if governor.mark is None:
        return governor.kind == "permit"  # a definition an operative clause permits
    if governor.kind == "excepted" or governor.mark.label in ("mod:define", "mod:permit_after") or view.heads_a_row(governor.mark):
        return True
    low, high = sorted((governor.mark.start, concept.start))
    return view.has_use_verb(low, max(high, governor.mark.end)) or view.has_use_verb(governor.mark.start, governor.mark.end + 1)


def _qualify(view: UnitView, rule: Rule, items: list[tuple]) -> UnitVerdict:
    """A prohibition is partial when a listed qualifier narrows it, unless an accepted one applies."""
    for concept, governor in items:
        if view.carve_out(f"accept:{rule.id}", concept, governor):
            return UnitVerdict(Status.PRESENT)
    for item in rule.spec.get("partial") or ():
        if item.get("coverage") and _covers_only_some(view, rule, item):
            return UnitVerdict(Status.PARTIAL, reason=item.get("reason"))
        for concept, governor in items:
            if (view.near(f"near:{rule.id}:{item['id']}", concept.start, concept.end)
                    or view.carve_out(f"carve:{rule.id}:{item['id']}", concept, governor)
                    or view.exception_words(f"carveword:{rule.id}:{item['id']}", concept, governor)):
                return UnitVerdict(Status.PARTIAL, reason=item.get("reason"))
    return UnitVerdict(Status.PRESENT)


def covered_members(view: UnitView, rule: Rule, item: dict) -> set[str]:
    """The members of a coverage set this unit names."""
    prefix = f"cover:{rule.id}:{item['id']}:"
    return {mark.label[len(prefix):] for mark in view.marks(prefix)}


def _covers_only_some(view: UnitView, rule: Rule, item: dict) -> bool:
    """The ban names some members of a set the rule needs whole ("the internet" but not "CCTV").

    A member named `all` stands for the whole set ("special category data"); a ban naming none of
    them is general and so not narrowed.
    """
    named = covered_members(view, rule, item)
    if not named or "all" in named:
        return False
    return bool(set(item["coverage"]) - named - {"all"})


def is_tied(view: UnitView, context: TieContext, duties: list | None = None) -> bool:
    """Does the unit point at the use restrictions (by name, number, defined term or content)?

    With `duties`, restricted content ties only inside a duty's own clause ("shall ensure that no
    End User uses it for policing"), not a prohibition merely sitting in the same sentence.
    """
    for prefix in context.restriction_concepts:
        for mark in view.marks(prefix):
            if view.governor(mark.start).kind != "prohibit":
                continue
            if duties is None or any(d.start <= mark.start < view.clause_end(d.end) and not _new_modal_between(view, d, mark)
                                     for d in duties):
                return True
    if context.restrictions_found and view.has(f"ref:{context.reference_rule}"):
        return True
    if context.policies_provided and view.has(f"policyref:{context.reference_rule}"):
        return True
    for mark in view.marks("term:"):
        if mark.label[5:] in context.restriction_terms:
            return True
    text = view.unit.text
    for ref in section_refs(text):
        if any(refs_overlap(ref, section) for section in context.restriction_sections):
            return True
    for ref in attachment_refs(text):
        if any(ref in top for _, top in context.restriction_tops):
            return True
    if view.has(f"localref:{context.reference_rule}"):
        own = view.unit.own
        top = (own.document, _top_of(own.block.section, own.block.heading_path))
        if top in context.restriction_tops or own.document in context.restriction_docs:
            return True
    return False


def _new_modal_between(view: UnitView, duty, mark) -> bool:
    """A fresh 'shall not' between a duty and restricted content starts a separate obligation."""
    return any(duty.end <= m.start < mark.start and m.label == "mod:prohibit" for m in view.modals)


def _top_of(section: str | None, heading_path: tuple[str, ...]) -> str:
    if section:
        return re.split(r"[.(]", section)[0].lower()
    return heading_path[0].lower() if heading_path else ""


def _is_definition(view: UnitView) -> bool:
    """'"Suspension Event" means ...' defines a term; it obliges and triggers nothing by itself."""
    own = view.unit.own_start
    return any(m.label == "mod:define" and m.start - own <= 12 for m in view.modals if m.start >= own)


def _duty_governed(view: UnitView, mark) -> bool:
    """A duty phrase stated as an obligation of the counterparty ('shall ... permit Provider to verify')."""
    start = view.clause_start(mark.start)
    for modal in reversed([m for m in view.modals if start <= m.start < mark.start]):
        kind = modal.label[4:]
        if kind in ("permit", "permit_after", "condition", "other_direction"):
            continue
        if kind == "oblige" and view.in_relative_clause(modal):
            continue  # "any authority that is responsible for ..."
        return kind == "oblige" and view.subject(modal) != "provider"
    return False


def _relieves(view: UnitView, rule: Rule, context: TieContext, tied: bool) -> bool:
    """An express statement that the counterparty need not comply, flow down or show compliance."""
    topical = tied or view.has(f"ref:{rule.id}") or view.has(f"policyref:{rule.id}") or view.has(f"topic:{rule.id}")
    if not topical:
        return False
    if any(view.subject(m) != "provider" for m in view.marks(f"conflict:{rule.id}")):
        return True
    return view.has(f"waiver:{rule.id}")


def duty(view: UnitView, rule: Rule, context: TieContext) -> UnitVerdict | None:
    if not (view.has(f"duty:{rule.id}") or view.has(f"conflict:{rule.id}") or view.has(f"waiver:{rule.id}")):
        return None
    if _is_definition(view) or view.has(f"ignore:{rule.id}"):
        return None
    excluded = view.marks(f"notduty:{rule.id}")
    duties = [m for m in view.marks(f"duty:{rule.id}") if _duty_governed(view, m)]
    rights = [m for m in view.marks(f"provright:{rule.id}")
              if (g := view.governor(m.start)).kind in ("permit", "oblige") and g.subject == "provider"]
    governed = [m for m in duties + rights if not any(x.start <= m.start and m.end <= x.end for x in excluded)]
    tied = is_tied(view, context, governed)
    if governed and tied:
        return UnitVerdict(Status.PRESENT)
    if _relieves(view, rule, context, tied):
        return UnitVerdict(Status.CONFLICT, reason="the counterparty is expressly relieved of responsibility for compliance")
    for item in rule.spec.get("partial") or ():
        if governed and view.has(f"object:{rule.id}:{item['id']}"):
            return UnitVerdict(Status.PARTIAL, reason=item.get("reason"))
    return None


def consequence(view: UnitView, rule: Rule, context: TieContext) -> UnitVerdict | None:
    if not (view.has(f"consequence:{rule.id}") or view.has(f"conflict:{rule.id}")):
        return None
    if _is_definition(view):
        return None
    consequences = view.marks(f"consequence:{rule.id}")
    tied = is_tied(view, context)
    topical = tied or view.has(f"topic:{rule.id}")
    governors = [(m, view.governor(m.start)) for m in consequences]
    waived = [m for m in view.marks(f"conflict:{rule.id}")]
    live = [m for m, g in governors if g.kind not in ("disclaim", "define", "prohibit")
            and not any(w.start <= m.start <= w.end + 4 for w in waived)]
    denied = [m for m, g in governors if g.kind in ("prohibit", "disclaim")]
    triggered = view.has(f"trigger:{rule.id}") or any(
        view.governor(m.start).kind == "prohibit" for prefix in context.restriction_concepts for m in view.marks(prefix))
    if tied and triggered and live:
        return UnitVerdict(Status.PRESENT)
    if topical and (denied or view.has(f"conflict:{rule.id}")):
        return UnitVerdict(Status.CONFLICT, reason="the contract rules out suspension or termination for a breach of the use restrictions")
    if not live:
        return None
    for item in rule.spec.get("generic") or ():
        for generic in view.marks(f"generic:{rule.id}:{item['id']}"):
            start = view.clause_start(generic.start)
            end = view.clause_end(generic.end)
            excluded = any(start <= m.start and m.end <= end for m in view.marks(f"notcess:{rule.id}"))
            if not excluded:
                return UnitVerdict(Status.PARTIAL, reason=item.get("reason"))
    return None


def right(view: UnitView, rule: Rule, context: TieContext) -> UnitVerdict | None:
    """A freedom the counterparty must keep (to test the technology and publish the results).

    Granted ("Customer may benchmark ...", "Nothing restricts Customer from testing ...") or
    promised by the provider ("Provider shall submit the Model to external evaluation"): present;
    granted only with the provider's consent: partial; barred ("shall not publish the results of any
    benchmark"): conflict, unless the bar gives way to consent (partial).
    """
    if view.has(f"ignore:{rule.id}") or _is_definition(view):
        return None
    if not (view.has(f"ref:{rule.id}") or view.has(f"topic:{rule.id}")):
        return None
    best: UnitVerdict | None = None
    for mark in view.marks(f"right:{rule.id}"):
        governor = view.governor(mark.start)
        verdict = None
        if governor.kind == "prohibit" and governor.subject != "provider":
            softened = next((item for item in rule.spec.get("softened") or () if view.has(f"soft:{rule.id}:{item['id']}")), None)
            publishing = any(p.start <= mark.start and mark.end <= p.end for p in view.marks(f"pub:{rule.id}"))
            if softened:
                verdict = UnitVerdict(Status.PARTIAL, reason=softened.get("reason"))  # "... not unreasonably withheld"
            elif not publishing and (qualified := _qualified_right(view, rule, mark, governor)):
                verdict = qualified  # testing barred save with consent: allowed only with it
            else:
                verdict = UnitVerdict(Status.CONFLICT, reason=rule.spec.get("conflict_reason"))  # publication barred, even "without our consent"
        elif governor.kind in ("permit", "unrestricted") and governor.subject != "provider":
            verdict = _qualified_right(view, rule, mark, governor) or UnitVerdict(Status.PRESENT)
        elif governor.kind == "oblige" and governor.subject and view.has(
                f"commit:{rule.id}" if governor.subject == "provider" else f"allow:{rule.id}"):
            verdict = UnitVerdict(Status.PRESENT)  # the provider submits to it; the counterparty must allow it
        if verdict and (best is None or right_rank(verdict.status) > right_rank(best.status)):
            best = verdict
    if best is None and view.has(f"conflict:{rule.id}") and view.has(f"topic:{rule.id}"):
        best = UnitVerdict(Status.CONFLICT, reason=rule.spec.get("conflict_reason"))
    return best


def _qualified_right(view: UnitView, rule: Rule, mark, governor: Governor) -> UnitVerdict | None:
    """A grant 'subject to our prior consent' is partial; 'without Licensor's approval' frees it further."""
    for item in rule.spec.get("partial") or ():
        if view.near(f"near:{rule.id}:{item['id']}", mark.start, mark.end):
            return UnitVerdict(Status.PARTIAL, reason=item.get("reason"))
        qualifier = (view.carve_out(f"carve:{rule.id}:{item['id']}", mark, governor)
                     or view.exception_words(f"carveword:{rule.id}:{item['id']}", mark, governor))
        if qualifier is not None and "without" not in view.unit.tokens[max(0, qualifier.start - 4):qualifier.start + 1]:
            return UnitVerdict(Status.PARTIAL, reason=item.get("reason"))
    return None


def right_rank(status: Status) -> int:
    """A bar on testing outranks a grant elsewhere; a grant with strings outranks a plain one."""
    return _RIGHT_RANK[status]
