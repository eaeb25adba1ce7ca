"""Parties and defined terms, read from the contract's own words so suggestions can use them."""

from __future__ import annotations

import re
from collections.abc import Sequence

from clauselint.documents.model import Block, DefinedTerm, Part, Party

_Q_OPEN = "\"“‘'"
_Q_CLOSE = "\"”’'"
_TERM = rf"[{_Q_OPEN}]([A-Z][A-Za-z0-9&\-’' ]{{0,60}}?)[{_Q_CLOSE}]"

# "Term" means / shall mean / has the meaning / refers to / includes
_MEANS = re.compile(
    _TERM + r"\s*(?:\([^)]{0,40}\)\s*)?(?:means|shall mean|will mean|has the meaning|have the meaning|refers to|is defined|includes|shall include)\b"
)
# (the "Term"), (each, a "Term"), (hereinafter "Term"), (collectively, "Terms")
_INLINE = re.compile(
    r"\((?:[^()]{0,80}?[,;]\s*)?(?:hereinafter(?: referred to as)?\s+|(?:the|each|a|an|collectively|together|individually)[, ]+(?:a |an |the )?)?"
    + _TERM
    + r"(?:\s*(?:,|or|and)\s*[" + _Q_OPEN + r"][^)]{0,40})?\)"
)

_ENTITY = re.compile(
    r"\b(?:Inc|LLC|L\.L\.C|Ltd|Limited|Corporation|Corp|GmbH|plc|PLC|LLP|LP|Pty|S\.A|SAS|B\.V|AG|N\.V|Co|Company|"
    r"University|Council|City|County|State|Department|Agency|Authority|Commission|Board|Trust|Foundation|Ministry|Government|Province|Institute)\b"
)

PROVIDER_WORDS = (
    "provider", "licensor", "supplier", "vendor", "seller", "company", "contractor", "service provider",
    "developer", "owner", "we", "us", "our", "consultant", "manufacturer", "oem", "processor",
)
CUSTOMER_WORDS = (
    "customer", "licensee", "client", "partner", "reseller", "distributor", "buyer", "purchaser", "subscriber",
    "user", "you", "authority", "agency", "council", "city", "county", "department", "integrator", "recipient",
    "controller", "member", "institution", "university", "sublicensee", "operator", "agent",
)


def find_title(blocks: Sequence[Block]) -> str | None:
    """The first short body line, usually the agreement's name."""
    for block in blocks[:8]:
        if block.part is Part.BODY and 3 <= len(block.text) <= 120 and not block.text.endswith((".", ",", ";")):
            return block.text
    return None


def find_defined_terms(blocks: Sequence[Block]) -> tuple[DefinedTerm, ...]:
    """Every term the contract defines, with its defining block; the first definition wins."""
    seen: dict[str, DefinedTerm] = {}
    for block in blocks:
        for match in _MEANS.finditer(block.text):
            term = match.group(1).strip()
            definition = block.text[match.start():]
            seen.setdefault(term.lower(), DefinedTerm(term=term, block=block.index, definition=definition))
        for match in _INLINE.finditer(block.text):
            term = match.group(1).strip()
            seen.setdefault(term.lower(), DefinedTerm(term=term, block=block.index, definition=block.text))
    return tuple(seen.values())


def find_parties(blocks: Sequence[Block]) -> tuple[Party, ...]:
    """The contracting parties from the preamble: 'Acme Vision, Inc. ("Provider")' and the like."""
    parties: list[Party] = []
    preamble = [block for block in blocks[:40] if block.part is Part.BODY][:25]
    for block in preamble:
        for match in _INLINE.finditer(block.text):
            defined = match.group(1).strip()
            before = block.text[max(0, match.start() - 200): match.start()]
            name = _entity_before(before)
            if name is None:
                continue
            role = _role(defined)
            if role and any(party.role == role for party in parties):
                role = None
            if all(party.defined_as != defined for party in parties):
                parties.append(Party(name=name, defined_as=defined, role=role))
        if sum(1 for party in parties if party.role) == 2 or len(parties) >= 4:
            break
    if not any(party.role == "customer" for party in parties) and _addresses_reader(blocks):
        parties.append(Party(name="you", defined_as="you", role="customer"))
    return tuple(parties)


def _entity_before(text: str) -> str | None:
    """The legal name ending just before a parenthetical definition, if one is there."""
    clauses = re.split(r"(?:\bbetween\b|\band\b|\bby\b|^|[;:]|\(\d\)|\bBETWEEN\b|\bAND\b)", text)
    candidate = clauses[-1].strip(" ,") if clauses else ""
    if not candidate:
        return None
    candidate = re.split(r",\s+(?:a|an|the)\s", candidate)[0].strip(" ,")
    if not _ENTITY.search(candidate) and not re.match(r"^[A-Z][\w&.\-]+(?:\s+[A-Z][\w&.\-,]+){0,6}$", candidate):
        return None
    return candidate[-120:]


def _role(defined: str) -> str | None:
    word = defined.lower()
    if any(word == w or word.endswith(" " + w) for w in CUSTOMER_WORDS):
        return "customer"
    if any(word == w or word.endswith(" " + w) for w in PROVIDER_WORDS):
        return "provider"
    return None


def _addresses_reader(blocks: Sequence[Block]) -> bool:
    """Terms of service speak to 'you'; count it in the opening text."""
    opening = " ".join(block.text for block in blocks[:30]).lower()
    return len(re.findall(r"\byou(?:r)?\b", opening)) >= 3
