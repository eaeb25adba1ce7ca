"""Clause units: a sentence together with the lead-in it continues, and the phrases found in it."""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field
from functools import cached_property
from operator import add

from spacy.attrs import IDX, LENGTH, LOWER
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from clauselint.documents.model import Block, Document
from clauselint.engine.matcher import CompiledPack

MAX_LEAD_IN_DEPTH = 4


@dataclass(frozen=True, slots=True)
class Mark:
    """A phrase found in a unit: token span [start, end) in unit positions, and its label."""

    start: int
    end: int
    label: str

    @property
    def kind(self) -> str:
        return self.label.split(":", 1)[0]


@dataclass(frozen=True, slots=True)
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

    @cached_property
    def text(self) -> str:
        return " ".join(segment.text for segment in self.segments)


@dataclass(frozen=True)
class ParsedBlock:
    """A block tokenised and matched once, with what every unit built on it reads again: the
    sentences, the lowercased tokens, where each token starts, the ':' tokens and the start of
    each match (for bisecting `matches`, which are sorted)."""

    document: int
    block: Block
    doc: Doc
    matches: tuple[tuple[int, int, str], ...]
    sentences: tuple[tuple[int, int], ...] = field(default=(), compare=False)
    lower: tuple[str, ...] = field(default=(), compare=False)
    starts: tuple[int, ...] = field(default=(), compare=False)  # each token's first character
    ends: tuple[int, ...] = field(default=(), compare=False)  # each token's end (without its whitespace)
    colons: tuple[int, ...] = field(default=(), compare=False)
    match_starts: tuple[int, ...] = field(default=(), compare=False)


def _parsed_block(document: int, block: Block, doc: Doc, matches: tuple[tuple[int, int, str], ...]) -> ParsedBlock:
    # one array call and C-level maps: cheaper than a Token object per token
    hashes, starts, lengths = doc.to_array([LOWER, IDX, LENGTH]).T.tolist() if len(doc) else ([], [], [])
    lower = tuple(map(doc.vocab.strings.__getitem__, hashes))
    return ParsedBlock(document=document, block=block, doc=doc, matches=matches,
                       sentences=tuple((sentence.start, sentence.end) for sentence in doc.sents),
                       lower=lower, starts=tuple(starts), ends=tuple(map(add, starts, lengths)),
                       colons=tuple(_positions(lower, ":")), match_starts=tuple(start for start, _, _ in matches))


def _positions(items: tuple[str, ...], wanted: str) -> list[int]:
    out = []
    at = -1
    for _ in range(items.count(wanted)):
        at = items.index(wanted, at + 1)
        out.append(at)
    return out


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
        parsed.append(_parsed_block(d, block, doc, tuple(sorted(matches))))
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
    return units_for_blocks(parsed, by_block)


def units_for_blocks(parsed_blocks: list[ParsedBlock], by_block: dict[tuple[int, int], ParsedBlock]) -> list[Unit]:
    units = []
    for item in parsed_blocks:
        chain = _lead_in_chain(item, by_block)
        for start, end in item.sentences:
            units.append(_unit([*chain, _segment(item, start, end)], by_block))
    return units


def _lead_in_chain(item: ParsedBlock, by_block: dict[tuple[int, int], ParsedBlock]) -> list[Segment]:
    chain: list[Segment] = []
    lead_in = item.block.lead_in
    while lead_in is not None and len(chain) < MAX_LEAD_IN_DEPTH:
        parent = by_block.get((item.document, lead_in))
        if parent is None:
            break
        start, end = parent.sentences[-1]
        chain.insert(0, _segment(parent, start, end))
        lead_in = parent.block.lead_in
    return chain


def _segment(item: ParsedBlock, start: int, end: int) -> Segment:
    """Tokens [start, end) of the block (a sentence: never empty), located in its text (the
    doc's text is the block's: Doc.text would join every token again)."""
    start_char, end_char = item.starts[start], item.ends[end - 1]
    return Segment(document=item.document, block=item.block, start_token=start, end_token=end,
                   start_char=start_char, end_char=end_char, text=item.block.text[start_char:end_char])


def _unit(segments: list[Segment], by_block: dict[tuple[int, int], ParsedBlock]) -> Unit:
    tokens: list[str] = []
    marks: list[Mark] = []
    colon: list[bool] = []
    for segment in segments:
        parsed = by_block[(segment.document, segment.block.index)]
        first, last = segment.start_token, segment.end_token
        offset = len(tokens) - first
        tokens.extend(parsed.lower[first:last])
        # per token: whether a ':' comes earlier in the segment
        at = bisect_left(parsed.colons, first)
        if at < len(parsed.colons) and parsed.colons[at] < last:
            colon_at = parsed.colons[at]
            colon.extend([False] * (colon_at + 1 - first))
            colon.extend([True] * (last - colon_at - 1))
        else:
            colon.extend([False] * (last - first))
        matches = parsed.matches
        for index in range(bisect_left(parsed.match_starts, first), len(matches)):
            start, end, label = matches[index]
            if start >= last:
                break
            if end <= last:
                marks.append(Mark(start + offset, end + offset, label))
    own_start = len(tokens) - (segments[-1].end_token - segments[-1].start_token)
    return Unit(segments=tuple(segments), tokens=tuple(tokens), marks=tuple(marks), own_start=own_start, colon_before=tuple(colon))
