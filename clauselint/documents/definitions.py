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
    r"\((?:[^()]{0,80}?[,;]\s*)?"
    r"(?:hereinafter(?: referred to as| called| known as)?\s+(?:the\s+)?|(?:the|each|a|an|collectively|together|individually)[, ]+(?:a |an |the )?)?"
    + _TERM
    + r"(?:\s*(?:,|or|and)\s*[" + _Q_OPEN + r"][^)]{0,40})?(?:,\s*(?:which|together|including|and its)[^()]{0,300})?\)"
)

_ENTITY = re.compile(
    r"\b(?:Inc|LLC|L\.L\.C|Ltd|Limited|Corporation|Corp|GmbH|plc|PLC|LLP|LP|Pty|S\.A|SAS|B\.V|AG|N\.V|Co|Company|"
    r"University|Council|City|County|State|Department|Agency|Authority|Commission|Board|Trust|Foundation|Ministry|Government|Province|Institute)\b",
    re.IGNORECASE,
)

PROVIDER_WORDS = (
    "provider", "licensor", "supplier", "vendor", "seller", "company", "contractor", "service provider",
    "developer", "owner", "we", "us", "our", "consultant", "manufacturer", "processor",
)
CUSTOMER_WORDS = (
    "customer", "licensee", "client", "partner", "reseller", "distributor", "buyer", "purchaser", "subscriber",
    "user", "you", "authority", "agency", "council", "city", "county", "department", "recipient",
    "controller", "member", "institution", "university", "sublicensee", "operator", "agent",
)


_NOT_PARTIES = frozenset({"agreement", "contract", "terms", "deed", "amendment", "effective date", "order form", "schedule",
                          "services", "software", "platform", "product", "products", "solution", "system", "term"})
_RECITALS = re.compile(r"^(?:WHEREAS|Whereas|RECITALS|Recitals|BACKGROUND|Background|NOW,? THEREFORE|IT IS AGREED|BY SIGNING)\b")


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
        if len(parties) >= 2 and _RECITALS.match(block.text):
            break
        for match in _INLINE.finditer(block.text):
            defined = match.group(1).strip()
            before = block.text[max(0, match.start() - 200): match.start()]
            name = _entity_opening(block.text, match.start()) or _entity_before(before)
            if name is None:
                continue
            if defined.lower() in _NOT_PARTIES or re.match(r"(?i)^(?:this|these|the)\b.*\b(?:agreement|contract|terms|deed|amendment)\b", name):
                continue
            role = _role(defined)
            if role and any(party.role == role for party in parties):
                role = None
            aliases = tuple(a for a in re.findall(r"[" + _Q_OPEN + r"]([^" + _Q_CLOSE + r"]{1,40})[" + _Q_CLOSE + r"]", match.group(0))
                            if a != defined)
            if all(party.defined_as != defined for party in parties):
                parties.append(Party(name=name, defined_as=defined, role=role, aliases=aliases))
        if sum(1 for party in parties if party.role) == 2 or len(parties) >= 4:
            break
    parties = _roles_by_elimination(parties)
    if not any(party.role == "customer" for party in parties) and _addresses_reader(blocks):
        parties.append(Party(name="you", defined_as="you", role="customer"))
    return tuple(parties)


def _entity_opening(text: str, end: int) -> str | None:
    """'ACME LIMITED, a company incorporated ... (hereinafter the "Supplier")': the name opens the block."""
    head = text[:end].split(",")[0].strip()
    return head if 3 <= len(head) <= 120 and _ENTITY.search(head) else None


def _roles_by_elimination(parties: list[Party]) -> list[Party]:
    """Two parties, one role known ('the Purchaser'): the other ('the SI') has the other role."""
    if len(parties) != 2:
        return parties
    roles = [party.role for party in parties]
    if roles.count(None) != 1:
        return parties
    known = next(role for role in roles if role)
    other = "provider" if known == "customer" else "customer"
    return [party if party.role else Party(name=party.name, defined_as=party.defined_as, role=other, aliases=party.aliases)
            for party in parties]


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
