"""Parties and defined terms, read from the contract's own words so suggestions can use them."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from clauselint.documents.model import Block, DefinedTerm, Part, Party

_Q_OPEN = "\"“‘'"
_Q_CLOSE = "\"”’'"
_TERM = rf"[{_Q_OPEN}](?:[Tt]he )?([A-Z][A-Za-z0-9&\-’' ]{{0,60}}?)[{_Q_CLOSE}]"

# "Term" means / shall mean / has the meaning / refers to / includes
_MEANS = re.compile(
    _TERM + r"\s*(?:\([^)]{0,40}\)\s*)?(?:means|shall mean|will mean|has the meaning|have the meaning|refers to|is defined|includes|shall include)\b"
)
# (the "Term"), (each, a "Term"), (hereinafter "Term"), (collectively, "Terms")
_INLINE = re.compile(
    r"\((?:[^()]{0,80}?[,;]\s*)?"
    r"(?:hereinafter(?: referred to as| called| known as)?\s+(?:the\s+)?|(?:the|each|a|an|collectively|together|individually)[, ]+(?:a |an |the )?)?"
    + _TERM
    + r"(?:\s*(?:,|or|and)\s*(?:the\s+)?[" + _Q_OPEN + r"][^)]{0,40})?(?:,\s*(?:which|together|including|and its)[^()]{0,300})?\)"
)

_ENTITY = re.compile(
    r"\b(?:Inc|LLC|L\.L\.C|Ltd|Limited|Corporation|Corp|GmbH|plc|PLC|LLP|LP|Pty|S\.A|SAS|B\.V|AG|N\.V|Co|Company|"
    r"University|Council|City|County|State|Department|Agency|Authority|Commission|Board|Trust|Foundation|Ministry|Government|Province|Institute|"
    r"A/S|ApS|AB|Oy|OU|OÜ|Pte|Ltda|SE|S\.p\.A|SpA|SRL|S\.r\.l|KK|BV|NV|AS|Sdn|Bhd|Pvt|SARL|GmbH & Co\. KG|KG|Municipality)\b",
    re.IGNORECASE,
)

PROVIDER_WORDS = (
    "provider", "licensor", "supplier", "vendor", "seller", "company", "contractor", "service provider",
    "developer", "owner", "we", "us", "our", "consultant", "manufacturer", "processor",
)
CUSTOMER_WORDS = (
    "customer", "licensee", "client", "partner", "reseller", "distributor", "buyer", "purchaser", "subscriber",
    "user", "you", "authority", "agency", "council", "city", "county", "department", "recipient",
    "controller", "member", "institution", "university", "sublicensee", "operator", "agent", "oem", "evaluator", "integrator",
)


_ROLE_WORDS = frozenset({"customer", "licensee", "client", "reseller", "distributor", "buyer", "purchaser", "subscriber",
                         "sublicensee", "recipient", "user", "you", "provider", "licensor", "supplier", "vendor", "seller"})
_TITLED_ATTACHMENT = re.compile(r"^(schedule|exhibit|annex|annexure|appendix|attachment)\s+([A-Z0-9]{1,3})\s*[-–—:.]\s*([A-Z][A-Za-z ]{2,60})$",
                                re.IGNORECASE)
# A company or registration number in brackets after a name: "Tidewrack Imaging Pty Ltd (ACN 631 407 295)".
_REGISTRATION = re.compile(r"\s+\((?:ACN|ABN|CIN|UEN|CVR|company|registered|no\.|number|reg)", re.IGNORECASE)
_CAPS_NAME = re.compile(r"^[A-Z][A-Z0-9&.'\-]+(?:\s+[A-Z0-9&.'\-]+){1,6}$")  # 'BALTIC GATE SYSTEMS OU'
EITHER_SIDE = frozenset({"developer", "contractor", "consultant", "operator"})
_UNNAMED_PARTY = re.compile(r"(?i)\b(?:between|and|to)\s+(?:the|any|each)\s+(?:person|persons|entity|organi[sz]ation|individual|business|company|customer|"
                            r"licensee|subscriber|user|party|developer|partner)\b(?:\s+or\s+\w+)?"
                            r"(?:\s+(?:identified|named|described|specified|set out|listed|who|that|which))?")
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
        titled = _TITLED_ATTACHMENT.match(block.text)
        if titled:  # "Schedule 5 - Excluded Fields": the title names the schedule ("shall not ... in the Excluded Fields")
            term = titled.group(3).strip()
            for name in (term, term[:-1]) if term.endswith("s") else (term,):  # "any Excluded Field"
                seen.setdefault(name.lower(), DefinedTerm(term=name, block=block.index, definition=block.text))
    return tuple(seen.values())


def find_parties(blocks: Sequence[Block]) -> tuple[Party, ...]:
    """The contracting parties from the preamble: 'Acme Vision, Inc. ("Provider")' and the like."""
    parties: list[Party] = []
    preamble = [block for block in blocks[:40] if block.part in (Part.BODY, Part.TABLE)][:25]
    for block in preamble:
        if len(parties) >= 2 and _RECITALS.match(block.text):
            break
        for match in _INLINE.finditer(block.text):
            defined = match.group(1).strip()
            before = block.text[max(0, match.start() - 200): match.start()]
            name = _entity_opening(block.text, match.start()) or _entity_before(before)
            if name is None and _role(defined) and _UNNAMED_PARTY.search(before):
                name = defined  # 'the person identified as the developer in the Developer Account (the "Developer")'
            if name is None:
                continue
            if defined.lower() in _NOT_PARTIES or re.match(r"(?i)^(?:this|these|the)\b.*\b(?:agreement|contract|terms|deed|amendment)\b", name):
                continue
            aliases = tuple(a for a in re.findall(r"[" + _Q_OPEN + r"](?:[Tt]he )?([^" + _Q_CLOSE + r"]{1,40})[" + _Q_CLOSE + r"]", match.group(0))
                            if a != defined)
            role = _role(defined) or next((r for a in aliases if (r := _role(a))), None)
            holder = next((party for party in parties if role and party.role == role), None)
            if holder is not None:
                if _strength(defined) > _strength(holder.defined_as or ""):
                    # 'the University' then 'the Licensee': the institution is the one granting the licence
                    flipped = "provider" if role == "customer" else "customer"
                    parties[parties.index(holder)] = replace(holder, role=flipped)
                else:
                    role = None
            if all(party.defined_as != defined for party in parties):
                parties.append(Party(name=name, defined_as=defined, role=role, aliases=aliases))
        if sum(1 for party in parties if party.role) == 2 or len(parties) >= 4:
            break
    parties = _roles_by_elimination(_roles_from_title(parties, find_title(blocks)))
    if not any(party.role == "customer" for party in parties) and _addresses_reader(blocks):
        parties.append(Party(name="you", defined_as="you", role="customer"))
        parties = _roles_by_elimination(parties)  # terms addressed to 'you' are offered by the other named party
    return tuple(parties)


def _entity_opening(text: str, end: int) -> str | None:
    """'ACME LIMITED, a company incorporated ... (hereinafter the "Supplier")': the name opens the block."""
    head = text[:end]
    between = re.search(r"(?i)\bbetween\b\s*:?\s*", head)
    if between:  # 'This Agreement is made between X Pty Ltd (ACN ...) of ...'
        head = head[between.end():]
    head = re.sub(r"^(?:AND|And|and)\s*:?\s+", "", head.strip())
    head = _REGISTRATION.split(head.split(",")[0])[0].strip()
    if re.search(r"(?i)\bagreement\b", head):
        return None
    if 3 <= len(head) <= 120 and (_ENTITY.search(head) or _CAPS_NAME.match(head)):
        return head
    return None


def _roles_from_title(parties: list[Party], title: str | None) -> list[Party]:
    """A 'Developer Agreement' is made with the developer: a role word that can name either side
    ('developer', 'contractor') names the counterparty when the agreement is titled after it."""
    if not title:
        return parties
    out = []
    for party in parties:
        word = (party.defined_as or "").lower()
        if party.role == "provider" and word in EITHER_SIDE and re.search(rf"(?i)\b{re.escape(word)}\s+(?:agreement|terms)\b", title):
            party = replace(party, role="customer")
        out.append(party)
    return out


def _roles_by_elimination(parties: list[Party]) -> list[Party]:
    """Two parties, one role known ('the Purchaser'): the other ('the SI') has the other role."""
    if len(parties) != 2:
        return parties
    roles = [party.role for party in parties]
    if roles.count(None) != 1:
        return parties
    known = next(role for role in roles if role)
    other = "provider" if known == "customer" else "customer"
    return [party if party.role else replace(party, role=other) for party in parties]


def _entity_before(text: str) -> str | None:
    """The legal name ending just before a parenthetical definition, if one is there."""
    clauses = re.split(r"(?:\bbetween\b|\band\b|\bby\b|^|[;:]|\(\d\)|\bBETWEEN\b|\bAND\b)", text)
    candidate = clauses[-1].strip(" ,") if clauses else ""
    if not candidate:
        return None
    candidate = re.split(r",\s+(?:a|an|the)\s", candidate)[0].strip(" ,")
    if not _ENTITY.search(candidate) and not re.match(r"^[A-Z][\w&.\-]+(?:\s+[A-Z][\w&.\-,]+){0,6}$", candidate):
        return None
    return _REGISTRATION.split(candidate)[0][-120:]


def _strength(defined: str) -> int:
    """Words that name a contracting role outright ('Licensee') beat those that name a kind of body ('University')."""
    word = defined.lower().split()[-1] if defined.split() else ""
    return 1 if word in _ROLE_WORDS else 0


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
