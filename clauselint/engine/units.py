"""Clause units: a sentence together with the lead-in it continues, and the phrases found in it."""

from __future__ import annotations

from dataclasses import dataclass

from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from clauselint.documents.model import Block, Document
from clauselint.engine.matcher import CompiledPack

MAX_LEAD_IN_DEPTH = 4


@dataclass(frozen=True)
class Mark:
    """A phrase found in a unit: token span [start, end) in unit positions, and its label."""

    start: int
    end: int
    label: str

    @property
    def kind(self) -> str:
        return self.label.split(":", 1)[0]


@dataclass(frozen=True)
class Segment:
    """One sentence of one block; a unit is its lead-in segments followed by its own."""

    document: int
    block: Block
    start_token: int
    end_token: int
    start_char: int
    end_char: int
    text: str


@dataclass(frozen=True)
class Unit:
    """The smallest piece of a contract a rule is judged on."""

    segments: tuple[Segment, ...]
    tokens: tuple[str, ...]
    marks: tuple[Mark, ...]
    own_start: int
    colon_before: tuple[bool, ...]  # per token: a ':' occurs earlier in the same segment

    @property
    def own(self) -> Segment:
        return self.segments[-1]

    @property
    def text(self) -> str:
        return " ".join(segment.text for segment in self.segments)


@dataclass(frozen=True)
class ParsedBlock:
    document: int
    block: Block
    doc: Doc
    matches: tuple[tuple[int, int, str], ...]


def parse_documents(documents: tuple[Document, ...], compiled: CompiledPack) -> list[ParsedBlock]:
    """Tokenise and match every block of every document once."""
    nlp = compiled.nlp
    strings = nlp.vocab.strings
    items = [(d, block) for d, document in enumerate(documents) for block in document.blocks]
    term_matcher = _defined_term_matcher(documents, compiled)
    party_names = {f"term:{party.defined_as}" for document in documents for party in document.parties if party.defined_as}
    parsed: list[ParsedBlock] = []
    for (d, block), doc in zip(items, nlp.pipe(block.text for _, block in items), strict=True):
        matches = [(start, end, strings[match_id]) for match_id, start, end in compiled.matcher(doc)]
        if term_matcher is not None:
            terms = [(start, end, strings[match_id]) for match_id, start, end in term_matcher(doc)]
            matches = [m for m in matches if not _inside_party_name(m, terms, party_names)] + terms
        parsed.append(ParsedBlock(document=d, block=block, doc=doc, matches=tuple(sorted(matches))))
    return parsed


def _inside_party_name(match: tuple[int, int, str], terms: list[tuple[int, int, str]], party_names: set[str]) -> bool:
    """'the Sheriff's Office shall ...' names a party; its words are not a use of the technology."""
    start, end, label = match
    return label.startswith("concept:") and any(
        t_start <= start and end <= t_end and t_label in party_names for t_start, t_end, t_label in terms)


def _defined_term_matcher(documents: tuple[Document, ...], compiled: CompiledPack) -> PhraseMatcher | None:
    terms = {term.term for document in documents for term in document.defined_terms if len(term.term) > 2}
    if not terms:
        return None
    matcher = PhraseMatcher(compiled.nlp.vocab, attr="ORTH")
    for term in sorted(terms):
        matcher.add(f"term:{term}", [compiled.nlp.make_doc(term)])
    return matcher


def build_units(parsed: list[ParsedBlock]) -> list[Unit]:
    """One unit per sentence, prefixed by the last sentence of each lead-in above it."""
    by_block: dict[tuple[int, int], ParsedBlock] = {(p.document, p.block.index): p for p in parsed}
    units: list[Unit] = []
    for item in parsed:
        chain = _lead_in_chain(item, by_block)
        for sentence in item.doc.sents:
            own = _segment(item, sentence.start, sentence.end)
            units.append(_unit([*chain, own], by_block))
    return units


def units_for_blocks(parsed_blocks: list[ParsedBlock], by_block: dict[tuple[int, int], ParsedBlock]) -> list[Unit]:
    units = []
    for item in parsed_blocks:
        chain = _lead_in_chain(item, by_block)
        for sentence in item.doc.sents:
            units.append(_unit([*chain, _segment(item, sentence.start, sentence.end)], by_block))
    return units


def _lead_in_chain(item: ParsedBlock, by_block: dict[tuple[int, int], ParsedBlock]) -> list[Segment]:
    chain: list[Segment] = []
    lead_in = item.block.lead_in
    while lead_in is not None and len(chain) < MAX_LEAD_IN_DEPTH:
        parent = by_block.get((item.document, lead_in))
        if parent is None:
            break
        sentences = list(parent.doc.sents)
        last = sentences[-1]
        chain.insert(0, _segment(parent, last.start, last.end))
        lead_in = parent.block.lead_in
    return chain


def _segment(item: ParsedBlock, start: int, end: int) -> Segment:
    span = item.doc[start:end]
    return Segment(document=item.document, block=item.block, start_token=start, end_token=end,
                   start_char=span.start_char, end_char=span.end_char, text=span.text)


def _unit(segments: list[Segment], by_block: dict[tuple[int, int], ParsedBlock]) -> Unit:
    tokens: list[str] = []
    marks: list[Mark] = []
    colon: list[bool] = []
    for segment in segments:
        parsed = by_block[(segment.document, segment.block.index)]
        offset = len(tokens) - segment.start_token
        seen_colon = False
        for token in parsed.doc[segment.start_token:segment.end_token]:
            tokens.append(token.lower_)
            colon.append(seen_colon)
            seen_colon = seen_colon or token.text == ":"
        for start, end, label in parsed.matches:
            if start >= segment.start_token and end <= segment.end_token:
                marks.append(Mark(start + offset, end + offset, label))
    own_start = len(tokens) - (segments[-1].end_token - segments[-1].start_token)
    return Unit(segments=tuple(segments), tokens=tuple(tokens), marks=tuple(marks), own_start=own_start, colon_before=tuple(colon))
