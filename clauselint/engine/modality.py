"""What governs a phrase in a clause: prohibition, obligation, permission, disclaimer or none.

The blank spaCy pipeline has no parser, so scope is read the way a lawyer skims: the nearest
modal to the left within the clause governs (a lead-in's modal carries into its items); with none
there, a modal to the right ("... is prohibited", a table cell "Prohibited") governs.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from functools import cached_property

from clauselint.engine.units import Mark, Unit

MODAL_KINDS = ("prohibit", "oblige", "permit", "disclaim", "define", "other_direction", "condition")
NEGATOR_WINDOW = 6
STATUS_ADJECTIVES = frozenset({"prohibited", "restricted", "permitted", "excluded", "forbidden", "approved", "authorised",
                               "authorized", "banned", "disallowed"})
CATEGORY_NOUNS = frozenset({"use", "uses", "purpose", "purposes", "application", "applications", "activity", "activities",
                            "conduct", "content", "party", "parties", "person", "persons", "countries", "users", "user",
                            "field", "fields", "practice", "practices", "use-cases", "cases", "customers", "territory"})
PASSIVE_STEMS = ("prohibit", "forbid", "permit", "allow", "authori", "ban", "barred", "disallow", "restrict", "licen", "exclu", "approv", "avail",
                 "off", "out")  # "... is strictly off-limits", "... is out of bounds"
SUBJECT_WINDOW = 10
MEANS_NOUN_BEFORE = frozenset({"any", "by", "other", "all", "no", "electronic", "automated", "automatic", "technical",
                               "reasonable", "lawful", "unlawful", "whatever", "appropriate", "such", "similar", "fair",
                               "effective", "alternative", "digital", "mechanical", "some", "same"})


@dataclass(frozen=True)
class Governor:
    kind: str  # prohibit | permit | oblige | disclaim | define | excepted | None
    mark: Mark | None
    subject: str | None  # provider | counterparty | None (unknown: passive or impersonal)


@dataclass(frozen=True)
class Words:
    negators: frozenset[str]
    not_negators: frozenset[str]
    use_verbs: frozenset[str]
    provider: frozenset[str]
    counterparty: frozenset[str]
    relative: frozenset[str]
    unrestrict: frozenset[str] = frozenset()
    openers: frozenset[str] = frozenset()  # "in no case": negates a later modal in the clause


class UnitView:
    """Modality queries over one unit; results depend only on the unit and the word lists."""

    def __init__(self, unit: Unit, words: Words) -> None:
        self.unit = unit
        self.words = words
        self._by_prefix: dict[str, list[Mark]] = {}

    @cached_property
    def modals(self) -> tuple[Mark, ...]:
        """Modal phrases, overlapping ones resolved to the longest starting first."""
        candidates = sorted((m for m in self.unit.marks if m.label.startswith("mod:") and not self._names_a_category(m)
                             and not self._means_as_noun(m)),
                            key=lambda m: (m.start, -(m.end - m.start)))
        chosen: list[Mark] = []
        for mark in candidates:
            if chosen and mark.start < chosen[-1].end:
                continue
            chosen.append(mark)
        return tuple(chosen)

    def _means_as_noun(self, mark: Mark) -> bool:
        """'by any means', 'by means of', 'technical means': the noun, not a definition."""
        tokens = self.unit.tokens
        if mark.label != "mod:define" or tokens[mark.start] != "means":
            return False
        before = tokens[mark.start - 1] if mark.start > 0 else ""
        after = tokens[mark.end] if mark.end < len(tokens) else ""
        return before in MEANS_NOUN_BEFORE or after == "of"

    def _names_a_category(self, mark: Mark) -> bool:
        """'Prohibited Uses', 'Restricted Applications': a title or a name, not a modal - unless it heads a
        table row ('Authorised Use | Battlefield target identification'), which grants or bars what follows."""
        tokens = self.unit.tokens
        return (mark.end - mark.start == 1 and tokens[mark.start] in STATUS_ADJECTIVES
                and mark.end < len(tokens) and tokens[mark.end] in CATEGORY_NOUNS and not self.heads_a_row(mark))

    def heads_a_row(self, mark: Mark) -> bool:
        """The mark and one noun make the first cell of a table row: 'Permitted Purpose | ...'."""
        tokens = self.unit.tokens
        return (mark.start == self.unit.own_start and mark.end + 1 < len(tokens) and tokens[mark.end] in CATEGORY_NOUNS
                and tokens[mark.end + 1] == "|")

    def marks(self, prefix: str) -> list[Mark]:
        """Marks whose label is `prefix` or continues it at a ':' ('concept:law-enforcement:' finds every
        concept of that rule, 'concept:x:people' not 'concept:x:people_finding'); in unit order."""
        found = self._by_prefix.get(prefix)
        if found is None:
            found = self._index.get(prefix, [])
            if found and prefix.startswith("concept:"):
                found = self._unshadowed(found, prefix.split(":")[1])
            self._by_prefix[prefix] = found
        return found

    @cached_property
    def _index(self) -> dict[str, list[Mark]]:
        """Every mark under each whole-component prefix of its label, built once: checks ask a unit
        dozens of questions, and most units answer none of them."""
        index: dict[str, list[Mark]] = {}
        for mark in self.unit.marks:
            label = mark.label
            cut = label.find(":")
            while cut >= 0:
                index.setdefault(label[:cut], []).append(mark)
                index.setdefault(label[:cut + 1], []).append(mark)
                cut = label.find(":", cut + 1)
            index.setdefault(label, []).append(mark)
        return index

    def _unshadowed(self, concepts: list[Mark], rule: str) -> list[Mark]:
        """'immigration status' names an attribute, not an authority: a rule's not_concepts hide the words inside them."""
        shadows = self.marks(f"notconcept:{rule}")
        if not shadows:
            return concepts
        return [m for m in concepts if not any(s.start <= m.start and m.end <= s.end for s in shadows)]

    def has(self, prefix: str) -> bool:
        return bool(self.marks(prefix))

    def is_stop(self, i: int) -> bool:
        """A ';' ends a clause unless it separates the items of a list opened by ':'."""
        return self.unit.tokens[i] == ";" and not self.unit.colon_before[i] and i >= self.unit.own_start

    @cached_property
    def _stops(self) -> list[int]:
        return [i for i, token in enumerate(self.unit.tokens) if token == ";" and self.is_stop(i)]

    def clause_start(self, pos: int) -> int:
        index = bisect.bisect_left(self._stops, pos) - 1
        return self._stops[index] + 1 if index >= 0 else 0

    def clause_end(self, pos: int) -> int:
        index = bisect.bisect_left(self._stops, pos)
        return self._stops[index] if index < len(self._stops) else len(self.unit.tokens)

    def colon_at(self, pos: int) -> int:
        """The ':' that opens the list `pos` is in (own segment), or -1."""
        tokens = self.unit.tokens
        for i in range(pos - 1, self.unit.own_start - 1, -1):
            if tokens[i] == ":":
                return i
        return -1

    def item_start(self, pos: int) -> int:
        """Where the list item holding `pos` begins: after the last ';' since the list's ':'.

        Modals inside earlier items ("(d) ... other than ...; (e) ...") do not govern later ones;
        only the lead-in before the ':' does.
        """
        colon = self.colon_at(pos)
        if colon < 0:
            return -1
        tokens = self.unit.tokens
        for i in range(pos - 1, colon, -1):
            if tokens[i] == ";":
                return i + 1
        return -1

    def governor(self, pos: int, *, bound: str | bool = False) -> Governor:
        """The modality that governs the phrase starting at token `pos`.

        `bound` reads a definition that an operative clause prohibits ('prohibit' or True) or
        permits ('permit'): its text is governed by that clause unless it says otherwise.
        """
        bound_kind = "permit" if bound == "permit" else "prohibit"
        start = self.clause_start(pos)
        item_start = self.item_start(pos)
        left = [m for m in self.modals if start <= m.start and m.end <= pos and not (m.start < item_start and m.start > self.colon_at(pos))]
        for mark in reversed(left):
            kind = mark.label[4:]
            if kind in ("permit", "permit_after") and self.heads_a_row(mark):
                return Governor("permit", mark, None)  # 'Authorised Use | ...'
            if kind in ("condition", "permit_after"):
                continue
            if kind in ("oblige", "permit") and self.in_relative_clause(mark):
                continue
            if kind in ("prohibit", "oblige", "permit") and self._separate_that_clause(mark.end, pos):
                continue  # "... shall not have access, and that Part 5 (which concerns ...) does not apply"
            if kind == "other_direction":
                earlier = [m for m in left if m.end <= mark.start and m.label[4:] in ("prohibit", "permit", "oblige")]
                if earlier or bound:
                    restrictive = any(word in ("only", "solely", "exclusively") for word in self.unit.tokens[mark.start:mark.end])
                    if earlier and earlier[-1].label == "mod:permit" and not restrictive:
                        # "may use it for any purpose other than law enforcement": X is what is excluded
                        return Governor("prohibit", mark, self.subject(earlier[-1]))
                    return Governor("excepted", mark, self.subject(earlier[-1] if earlier else mark))
                continue
            disclaimer = next((m for m in reversed(left) if m.label == "mod:disclaim" and m.end <= mark.start), None)
            if kind == "disclaim":
                disclaimer = mark
            if disclaimer is not None:
                if self._unrestricts(disclaimer.end, pos):
                    return Governor("unrestricted", disclaimer, self._freed_party(disclaimer.end, pos))  # "Nothing ... restricts X from"
                return Governor("disclaim", mark, None)
            if kind == "prohibit" and self._unrestricts(mark.end, min(pos, mark.end + 2)):
                return Governor("unrestricted", mark, "counterparty")  # "Provider shall not object to ..."
            if kind in ("oblige", "permit") and self._negated(mark, pos):
                return Governor("prohibit", mark, self.subject(mark))
            if kind == "define":
                return Governor(bound_kind if bound else "define", mark, None)
            if kind == "oblige" and bound:
                return Governor(bound_kind, mark, None)
            return Governor(kind, mark, self.subject(mark))
        end = self.clause_end(pos)
        exception = next((m.start for m in self.marks("exc") if pos <= m.start < end), end)
        for mark in self.modals:
            if not (pos <= mark.start < min(end, exception)):
                continue
            kind = mark.label[4:]
            if kind == "permit_after":
                return Governor("permit", mark, None)
            if kind in ("prohibit", "permit") and self._passive(mark):
                return Governor(kind, mark, None)
            if kind in ("permit", "oblige") and self._negated(mark, mark.start):
                return Governor("prohibit", mark, None)  # "No police agency may use ..."
            if kind in ("prohibit", "permit", "oblige"):
                break
        return Governor(bound_kind if bound else "none", None, None)

    def _unrestricts(self, start: int, end: int) -> bool:
        """A verb of restricting ('restrict', 'prevent', 'object') between start and end."""
        return any(word in self.words.unrestrict for word in self.unit.tokens[start:end])

    def _separate_that_clause(self, start: int, end: int) -> bool:
        """'X shall not ..., and that Y ...': the modal governs its own that-clause only."""
        tokens = self.unit.tokens
        return any(tokens[i] == "and" and tokens[i + 1] == "that" for i in range(start, end - 1))

    def _freed_party(self, start: int, end: int) -> str | None:
        """Whom a 'nothing restricts X from' leaves free: the party word after the verb."""
        for word in self.unit.tokens[start:end]:
            if word in self.words.counterparty:
                return "counterparty"
            if word in self.words.provider:
                return "provider"
        return None

    def _passive(self, mark: Mark) -> bool:
        """'... is prohibited', a table cell 'Permitted': a modal that can follow what it governs."""
        words = self.unit.tokens[mark.start:mark.end]
        return any(word.startswith(PASSIVE_STEMS) for word in words)

    def in_relative_clause(self, mark: Mark) -> bool:
        tokens = self.unit.tokens
        window = tokens[max(0, mark.start - 3): mark.start]
        return any(word in self.words.relative for word in window) and not any(
            word in self.words.provider or word in self.words.counterparty for word in tokens[max(0, mark.start - 1): mark.start]
        ) and mark.start - 3 >= self.clause_start(mark.start)

    def _negated(self, mark: Mark, pos: int) -> bool:
        tokens = self.unit.tokens
        clause = self.clause_start(mark.start)
        opening = tokens[clause:mark.start]
        if "neither" in opening and "nor" in opening[opening.index("neither"):]:
            return True  # "neither it nor any of its affiliates ... will use"
        opening_text = " ".join(opening)
        if any(phrase in opening_text for phrase in self.words.openers):
            return True  # "In no case and under no circumstance ... may THE CLIENT use"
        start = max(clause, mark.start - NEGATOR_WINDOW)
        text = " ".join(tokens[start:pos])
        for phrase in self.words.not_negators:
            text = text.replace(phrase, "")
        return any(word in self.words.negators for word in text.split())

    def subject(self, mark: Mark | None) -> str | None:
        """Whose duty the modal states: the party word nearest before it."""
        if mark is None:
            return None
        if any(word in mark.label for word in ("permit", "allow")) and "not" in self.unit.tokens[mark.start:mark.end]:
            return "counterparty"  # "we do not permit you to" restricts the counterparty
        tokens = self.unit.tokens
        agent = self._passive_agent(mark)
        if agent is not None:
            return agent  # "The Provider's platform shall not be used by the Client ..."
        if mark.start > 0 and tokens[mark.start - 1] in ("and", "or", "nor", "but"):
            # "X shall not instruct the Processor ..., and shall not itself use": a coordinated modal
            # with no subject of its own shares the first one's.
            previous = next((m for m in reversed(self.modals) if m.end < mark.start - 1), None)
            if previous is not None and previous.label[4:] in ("prohibit", "oblige", "permit"):
                return self.subject(previous)
        for i in range(mark.start - 1, max(-1, mark.start - SUBJECT_WINDOW - 1), -1):
            word = tokens[i]
            if word in (";", ":"):
                break
            if word in self.words.counterparty:
                return "counterparty"
            if word in self.words.provider:
                return "provider"
        return None

    def _passive_agent(self, mark: Mark) -> str | None:
        """The party after 'by' in a passive modal ('shall not be used by the Client')."""
        tokens = self.unit.tokens
        end = mark.end
        if end < len(tokens) and tokens[end - 1] == "be" and tokens[end] in self.words.use_verbs:
            end += 1  # "shall not be" + "used"
        if not (tokens[end - 1] in self.words.use_verbs and end < len(tokens) and tokens[end] == "by"):
            return None
        for word in tokens[end + 1:end + 4]:
            if word in self.words.counterparty:
                return "counterparty"
            if word in self.words.provider:
                return "provider"
        return None

    def has_use_verb(self, start: int, end: int) -> bool:
        return any(word in self.words.use_verbs for word in self.unit.tokens[start:end])

    def near(self, prefix: str, start: int, end: int, before: int = 4, after: int = 12) -> Mark | None:
        """A mark with `prefix` just before [start, end) or shortly after it in the same clause."""
        clause_start, clause_end = self.clause_start(start), self.clause_end(end)
        for mark in self.marks(prefix):
            if clause_start <= mark.start and mark.end <= start:
                gap = self.unit.tokens[mark.end:start]
                if len(gap) <= before or (len(gap) <= before + 3 and not any(t in (",", ";", ":") for t in gap)):
                    return mark  # "unlawful ...", "any unlawful use of the Services by law-enforcement agencies"
            if end <= mark.start and mark.end <= clause_end and (
                    mark.end <= end + after or self._opens_relative_clause(mark.start) or self._closes_item(mark.end)):
                return mark  # "... which is otherwise unlawful"; "..., in violation of applicable law."
            if start <= mark.start and mark.end <= end:
                return mark
        return None

    def _closes_item(self, pos: int) -> bool:
        """Nothing but punctuation or a conjunction follows `pos` before the item or sentence ends."""
        for token in self.unit.tokens[pos:]:
            if token in (";", "."):
                return True
            if token not in (",", "or", "and", ")"):
                return False
        return True

    def _opens_relative_clause(self, pos: int, reach: int = 3) -> bool:
        tokens = self.unit.tokens
        return any(tokens[i] in self.words.relative for i in range(max(0, pos - reach), pos))

    def exception_words(self, prefix: str, concept: Mark, governor: Governor, reach: int = 14) -> Mark | None:
        """A word with `prefix` inside an exception ('unless ... lawful', 'save with consent') on the clause."""
        clause_end = self.clause_end(concept.end)
        next_modal = next((m.start for m in self.modals if m.start >= concept.end and m.label[4:] in ("prohibit", "oblige")
                           and m != governor.mark), clause_end)
        modal_start = governor.mark.start if governor.mark is not None else concept.start
        clause_start = self.clause_start(modal_start)
        words = self.marks(prefix)
        for exception in self.marks("exc"):
            after = concept.end <= exception.start < min(clause_end, next_modal + reach)
            before = clause_start <= exception.start and exception.end <= modal_start
            between = governor.mark is not None and governor.mark.end <= exception.start and exception.end <= concept.start
            if not (after or before or between):
                continue
            limit = min(clause_end, exception.end + reach) if after else (modal_start if before else concept.start)
            if any(exception.end <= w.start and w.end <= limit for w in words):
                return exception
        return None

    def carve_out(self, prefix: str, concept: Mark, governor: Governor) -> Mark | None:
        """An exception attached to the clause: before its modal, or after the concept."""
        clause_end = self.clause_end(concept.end)
        next_modal = next((m.start for m in self.modals if m.start >= concept.end and m.label[4:] in ("prohibit", "oblige")
                           and m != governor.mark), clause_end)
        limit = min(clause_end, next_modal)
        modal_start = governor.mark.start if governor.mark is not None else concept.start
        clause_start = self.clause_start(modal_start)
        for mark in self.marks(prefix):
            if concept.end <= mark.start and mark.end <= limit:
                return mark
            if clause_start <= mark.start and mark.end <= modal_start:
                return mark
        return None
