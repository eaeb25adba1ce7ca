"""From findings to a plan of changes: what to strike, what to insert where, and what to say about it.

One finding that is not `present` becomes one or more changes, each with its own comment:
- `missing`: the library's clause, inserted as a new numbered clause (placement.py);
- `partial` prohibition: the carve-out or qualifier words struck ("except as permitted by
  applicable law", "unlawful"), replaced by the exception the rule accepts where the library
  clause has one ("unless ... authorised by a statute or ordinance"); when the words cannot be
  pinned down the whole sentence is struck and the library clause takes its place;
- other `partial` findings (a duty to obey "applicable law", a general termination right): the
  existing text stays and the library clause is added;
- `conflict`: the permission struck (the whole sentence, or the offending list item) and the
  library clause put in its place or, inside a list, added to the section.
Evidence in another file of the bundle cannot be edited in this document: the clause is added
here and a note says what to strike there. A finding's library clause goes in once: in place of
a struck sentence only when nothing else of the finding needs it added to a section.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Protocol

from clauselint.documents.model import Block, Document
from clauselint.findings import Evidence, Finding, Status
from clauselint.library import Pack, Rule
from clauselint.redline.locate import Span, accepted_exception, carve_out, complete_ban, concept_phrases, offending_items, rule_phrases
from clauselint.redline.numbering import first_clause_label, in_case_of, next_label, top_number
from clauselint.redline.placement import (
    Placement,
    evidence_blocks,
    join_section,
    new_section,
    restriction_section,
    restrictions_heading,
    termination_section,
    top_key,
)

NEW_SECTION_TITLE = "Use Restrictions"


@dataclass(frozen=True)
class Spot:
    """Where a quoted sentence is printed: paragraph number and character range in its read text."""

    paragraph: int
    start: int
    end: int
    covers_paragraph: bool  # the sentence is all the paragraph says (after its typed number)


class Source(Protocol):
    """What the plan needs to know of the file itself (the DOCX layer answers)."""

    def find(self, evidence: Evidence, block: Block | None) -> Spot | None: ...

    def typed(self, block: int) -> bool: ...


@dataclass(frozen=True)
class Strike:
    """Words struck in one paragraph, and what is inserted right after them (if anything)."""

    paragraph: int
    start: int
    end: int
    words: str
    replacement: str | None = None
    whole_paragraph: bool = False  # the paragraph mark goes too


@dataclass(frozen=True)
class NewClause:
    """A clause inserted as a new paragraph at `placement`, numbered `label` (None: unnumbered)."""

    text: str
    placement: Placement
    label: str | None
    order: int  # position among the clauses inserted at the same place


@dataclass(frozen=True)
class Change:
    """One tracked change and its comment."""

    finding: Finding
    rule: Rule
    summary: str
    comment: tuple[str, ...]
    strike: Strike | None = None
    clause: NewClause | None = None


@dataclass(frozen=True)
class _WholeSentence:
    """A quoted sentence struck whole, before the planner knows whether the library clause takes its place."""

    strike: Strike
    kind: str  # "permission" | "sentence"
    where: str  # " in section 7.2", or ""
    standalone: bool  # not an item of a list: the library clause can stand in its place


@dataclass(frozen=True)
class NewSection:
    placement: Placement
    label: str | None
    title: str


@dataclass(frozen=True)
class Plan:
    changes: tuple[Change, ...]
    new_section: NewSection | None = None
    notes: tuple[str, ...] = field(default=())


def rule_of(packs: dict[str, Pack], finding: Finding) -> Rule:
    return packs[finding.pack].rule(finding.rule)


def plan_changes(document: Document, findings: Sequence[Finding], packs: dict[str, Pack], source: Source,
                 strikes_suffice: bool = True) -> Plan:
    """The changes that resolve every finding that is not present, for the main `document`.

    `strikes_suffice=False` adds the library clause even where striking a carve-out completes
    the ban: an amendment's "the words ... are deleted" is an instruction, not a changed text.
    """
    planner = _Planner(document, findings, packs, source, strikes_suffice)
    return planner.plan()


class _Planner:
    def __init__(self, document: Document, findings: Sequence[Finding], packs: dict[str, Pack], source: Source,
                 strikes_suffice: bool) -> None:
        self.document = document
        self.strikes_suffice = strikes_suffice
        self.findings = findings
        self.packs = packs
        self.source = source
        self.notes: list[str] = []
        self.hand_work: dict[str, list[str]] = {}  # rule -> what the reviewer must still do by hand
        restrictions = [e for f in findings if rule_of(packs, f).check == "prohibition" and f.status in (Status.PRESENT, Status.PARTIAL)
                        for e in f.evidence]
        self.restrictions = restriction_section(document, restrictions) or restrictions_heading(document)
        self.termination = termination_section(document)
        self.protected = {e.text: f.rule for f in findings if f.status is Status.PRESENT for e in f.evidence}
        self.struck: dict[int, list[tuple[int, int]]] = {}

    def plan(self) -> Plan:
        changes: list[Change] = []
        wanted: list[tuple[Finding, Rule, str]] = []  # (finding, rule, "restrictions" | "termination")
        for finding in self.findings:
            if finding.status is Status.PRESENT or finding.suggestion is None:
                continue
            rule = rule_of(self.packs, finding)
            strikes, resolved = self._strikes(finding, rule)
            changes += strikes
            if not resolved:
                wanted.append((finding, rule, "termination" if rule.check == "consequence" else "restrictions"))
        clauses, section = self._clauses(wanted)
        changes += clauses
        return Plan(changes=tuple(changes), new_section=section, notes=tuple(self.notes))

    # -- strikes --------------------------------------------------------------------------------

    def _strikes(self, finding: Finding, rule: Rule) -> tuple[list[Change], bool]:
        """The strikes for a conflict or a carved-out ban, and whether they resolve the finding alone."""
        carved = finding.status is Status.PARTIAL and rule.check == "prohibition"
        if finding.status is not Status.CONFLICT and not carved:
            return [], False
        struck: list[Change | _WholeSentence] = []
        resolved = bool(finding.evidence)
        for evidence in finding.evidence:
            if evidence.file != self.document.path:
                self.notes.append(f"{finding.rule}: the {'permission' if not carved else 'carve-out'} is in {evidence.file}, "
                                  f"which clauselint does not edit; strike it there by hand: \"{evidence.text}\"")
                self.hand_work.setdefault(finding.rule, []).append(
                    f"Also revise {evidence.file}" + (f", section {evidence.section}" if evidence.section else "")
                    + f", which clauselint does not edit: \u201c{evidence.text}\u201d.")
                resolved = False
                continue
            blocks = evidence_blocks(self.document, [evidence])
            block = blocks[0] if blocks else None
            spot = self.source.find(evidence, block)
            if spot is None:
                self.notes.append(f"{finding.rule}: could not find the sentence in the document's text to strike it: \"{evidence.text}\"")
                resolved = False
                continue
            change, done = self._strike_sentence(finding, rule, evidence, block, spot, carved)
            if change is not None:
                struck.append(change)
            resolved = resolved and done
        return self._place_library_clause(finding, rule, struck, resolved), resolved

    def _place_library_clause(self, finding: Finding, rule: Rule, struck: Sequence[Change | _WholeSentence],
                              resolved: bool) -> list[Change]:
        """Put the finding's library clause into the contract once: in place of one struck sentence or at the section end.

        When every quoted sentence is dealt with by its own strike, the first one that stands on
        its own takes the clause. When the clause has to be added to a section anyway (a list item
        struck, a carve-out that leaves the ban incomplete, evidence in another file), no struck
        sentence takes it too: a contract that says the same clause twice, under two numbers, is
        not what a reviewing lawyer sends.
        """
        sentences = [item for item in struck if isinstance(item, _WholeSentence)]
        home = next((item for item in sentences if item.standalone), None) if resolved else None
        changes: list[Change] = []
        for item in struck:
            if isinstance(item, Change):
                changes.append(item)
                continue
            kind, where, why = item.kind, item.where, _why(finding)
            if item is home:
                strike = replace(item.strike, replacement=finding.suggestion.text)
                did = f"Struck the {kind}{where}, which {why}, and put the library clause in its place."
                summary = f"replace the {kind}{where} \u201c{_short(item.strike.words)}\u201d with the library clause"
            elif home is not None:
                strike = item.strike
                other = home.where or f" \u201c{_short(home.strike.words)}\u201d"
                did = f"Struck the {kind}{where}, which {why}; the library clause is put in place of the {home.kind}{other}."
                summary = f"strike the {kind}{where} \u201c{_short(item.strike.words)}\u201d"
            else:
                strike = item.strike
                did = f"Struck the {kind}{where}, which {why}; the library clause is added to the section."
                summary = f"strike the {kind}{where} \u201c{_short(item.strike.words)}\u201d; clause added below"
            changes.append(self._change(finding, rule, summary, did, strike=strike))
        return changes

    def _strike_sentence(self, finding: Finding, rule: Rule, evidence: Evidence, block: Block | None, spot: Spot,
                         carved: bool) -> tuple[Change | _WholeSentence | None, bool]:
        """The strike of one quoted sentence, and whether it resolves that sentence (a whole one: if the clause goes there)."""
        sentence = evidence.text
        where = _where(block)
        exception = accepted_exception(finding.suggestion.text, rule.spec.get("accept") or ())
        spans = self._precise_spans(sentence, rule, finding, carved)
        if spans:
            span = spans[0]
            replacement = exception if span.kind == "exception" else None
            strike = Strike(spot.paragraph, spot.start + span.start, spot.start + span.end, sentence[span.start:span.end],
                            replacement=replacement)
            if not self._claim(strike, finding):
                return None, False
            words = strike.words.strip(" ,")
            rest = sentence[:span.start] + (replacement or "") + sentence[span.end:]
            resolved = self.strikes_suffice and carved and span.kind != "item" and complete_ban(rest, rule.spec)
            also = "" if resolved else "; the library clause is added to the section as well"
            if span.kind == "item":
                did = f"Struck the list item \u201c{words}\u201d{where}, which {_why(finding)}; the library clause is added to the section."
                summary = f"strike the item \u201c{_short(words)}\u201d{where}; clause added below"
            elif replacement:
                did = (f"Struck the words \u201c{words}\u201d{where}: {finding.reason or 'they narrow the ban'}. "
                       f"Replaced them by the exception the pledge accepts: \u201c{replacement.strip(' ,')}\u201d{also}.")
                summary = f"strike \u201c{_short(words)}\u201d{where}, replaced by \u201c{_short(replacement.strip(' ,'))}\u201d"
            else:
                noun = "word" if " " not in words else "words"
                did = f"Struck the {noun} \u201c{words}\u201d{where}: {finding.reason or 'they narrow the ban'}{also or '; the ban now applies in full'}."
                summary = f"strike \u201c{_short(words)}\u201d{where}"
            return self._change(finding, rule, summary, did, strike=strike), resolved
        if sentence in self.protected and self.protected[sentence] != finding.rule:
            self.notes.append(f"{finding.rule}: the sentence{where} also holds the {self.protected[sentence]} restriction, so clauselint "
                              f"did not strike it; revise it by hand: \"{sentence}\"")
            return None, False
        standalone = evidence.context is None and (block is None or block.lead_in is None)
        # a sentence of its own keeps its paragraph (and so its number): the library clause may take its place
        strike = Strike(spot.paragraph, spot.start, spot.end, sentence, whole_paragraph=spot.covers_paragraph and not standalone)
        if not self._claim(strike, finding):
            return None, False
        kind = "permission" if finding.status is Status.CONFLICT else "sentence"
        return _WholeSentence(strike, kind, where, standalone), standalone

    def _precise_spans(self, sentence: str, rule: Rule, finding: Finding, carved: bool) -> list[Span]:
        if rule.check != "prohibition":
            return []
        phrases = rule_phrases(rule.spec, finding.reason if carved else None)
        if carved:
            span = carve_out(sentence, phrases)
            return [span] if span else []
        for item in offending_items(sentence, concept_phrases(rule.spec)):
            inner = carve_out(sentence[item.start:item.end], phrases)
            if inner:
                return [Span(item.start + inner.start, item.start + inner.end, "qualifier")]
            return [item]
        return []

    def _claim(self, strike: Strike, finding: Finding) -> bool:
        """Two findings may quote the same words: the first strike wins, the other adds its clause."""
        taken = self.struck.setdefault(strike.paragraph, [])
        if any(start < strike.end and strike.start < end for start, end in taken):
            self.notes.append(f"{finding.rule}: the words \"{strike.words.strip()}\" overlap another change, so they are not struck "
                              "twice; the library clause is added instead")
            return False
        taken.append((strike.start, strike.end))
        return True

    # -- new clauses ------------------------------------------------------------------------------

    def _clauses(self, wanted: list[tuple[Finding, Rule, str]]) -> tuple[list[Change], NewSection | None]:
        if not wanted:
            return [], None
        section: NewSection | None = None
        groups: dict[Placement, list[tuple[Finding, Rule]]] = {}
        for finding, rule, target in wanted:
            existing = self.termination if target == "termination" and self.termination else self.restrictions
            if existing is not None:
                placement = join_section(self.document, existing)
            else:
                if section is None:
                    section = self._new_section()
                if section is None:
                    self.notes.append(f"{finding.rule}: no place found for the clause; add it by hand: \"{finding.suggestion.text}\"")
                    continue
                placement = section.placement
            groups.setdefault(placement, []).append((finding, rule))
        changes = []
        for placement, members in groups.items():
            labels = self._labels(placement, section, len(members))
            for order, ((finding, rule), label) in enumerate(zip(members, labels)):
                clause = NewClause(finding.suggestion.text, placement, label, order)
                where = self._placement_text(placement, section, label)
                did = (f"Inserted the library clause{where}." if finding.status is Status.MISSING
                       else f"Inserted the library clause{where}, since the existing text {_why(finding)}.")
                did = " ".join([did, *self.hand_work.get(finding.rule, ())])
                summary = f"insert {('clause ' + label) if label else 'a clause'}{where}: \u201c{_short(finding.suggestion.text)}\u201d"
                changes.append(self._change(finding, rule, summary, did, clause=clause))
        return changes, section

    def _new_section(self) -> NewSection | None:
        placement = new_section(self.document)
        if placement is None:
            return None
        blocks = self.document.blocks
        heading = blocks[placement.heading_template] if placement.heading_template is not None else None
        title = in_case_of(heading.text, NEW_SECTION_TITLE) if heading is not None else NEW_SECTION_TITLE
        label = None
        prefix = typed_prefix(heading) if heading is not None and not heading.label else None
        if prefix:
            label = next_label(prefix)
        elif heading is not None and heading.label:
            label = next_label(heading.label)
        if label and heading is not None:
            later = {b.label for b in blocks[placement.after + 1:] if b.label} | {typed_prefix(b) for b in blocks[placement.after + 1:]}
            if label in later and self.source.typed(heading.index):
                current = prefix or heading.label
                number = top_number(current)
                label = current.replace(number, number + "A", 1) if number else None
        return NewSection(placement, label, title)

    def _labels(self, placement: Placement, section: NewSection | None, count: int) -> list[str | None]:
        template = self.document.blocks[placement.clause_template] if placement.clause_template is not None else None
        if template is None or not template.label:
            return [None] * count
        if placement.new_section:
            top = _number_of(section.label) if section and section.label else None
            if top is None:
                return [None] * count
            return [first_clause_label(template.label, top, n + 1) for n in range(count)]
        last = self.document.blocks[placement.count_from] if placement.count_from is not None else template
        labels: list[str | None] = []
        previous, current = None, last.label
        for _ in range(count):
            following = next_label(current, previous) if current else None
            labels.append(following)
            previous, current = current, following
        return labels

    def _placement_text(self, placement: Placement, section: NewSection | None, label: str | None) -> str:
        if placement.new_section and section is not None:
            name = f"{section.label} {section.title}" if section.label else section.title
            previous = self.document.blocks[placement.after]
            key = top_key(previous)
            after = f" after section {key}" if key and not key.startswith("h:") else ""
            return f" in a new section \u201c{name}\u201d{after}"
        if placement.section is not None:
            key = placement.section.key
            last = self.document.blocks[placement.after]
            if key.startswith("h:"):
                return f" at the end of the section \u201c{key[2:]}\u201d"
            return f" at the end of section {key}" + (f", after {last.section}" if last.section and last.section != key else "")
        return ""

    def _change(self, finding: Finding, rule: Rule, summary: str, did: str, *, strike: Strike | None = None,
                clause: NewClause | None = None) -> Change:
        comment = (f"clauselint \u2014 {rule.name} ({finding.pack}/{rule.id}): {finding.status.value}",
                   finding.message, did, f"Safe Face Pledge commitment {rule.pledge}" if rule.pledge else "")
        return Change(finding=finding, rule=rule, summary=f"{finding.rule} ({finding.status.value}): {summary}",
                      comment=tuple(line for line in comment if line), strike=strike, clause=clause)


def typed_prefix(block: Block) -> str | None:
    """A heading that prints its own number in its text: "ARTICLE 18 - GENERAL" -> "ARTICLE 18 -"."""
    if not block.section or not block.is_heading or block.label:
        return None
    match = re.match(r"^(.{0,12}?\b" + re.escape(block.section) + r")\b\s*([-\u2013\u2014:.]?)", block.text)
    if not match:
        return None
    return (match.group(1) + (" " + match.group(2) if match.group(2) and match.group(2) not in ".:" else match.group(2))).strip()


def _number_of(label: str) -> str | None:
    """"14." -> "14", "11A." -> "11A", "ARTICLE 16 -" -> "16"."""
    match = re.search(r"[0-9]+[A-Z]?", label)
    return match.group(0) if match else None


def _where(block: Block | None) -> str:
    return f" in section {block.section}" if block is not None and block.section else ""


def _why(finding: Finding) -> str:
    """Why the text had to change, to follow "which" ("which expressly permits ...", "which falls short: ...")."""
    if finding.status is Status.CONFLICT:
        if finding.reason and finding.reason != "an express permission":
            return f"conflicts with the pledge: {finding.reason}"
        return "expressly permits what the pledge asks to prohibit"
    return f"falls short: {finding.reason}" if finding.reason else "falls short of the pledge"


def _short(text: str, limit: int = 70) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"

