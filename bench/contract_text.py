"""The words of the benchmark's contracts: numbered clauses, definitions, tables and a use-restrictions section.

Text is composed from clause templates and slot lists with a seeded random generator, so the same
seed always gives the same contract, while the text varies enough (names, amounts, periods, objects)
that spaCy's tokenizer cache sees about as many distinct strings as it would on a real agreement.
The layout (pages, DOCX/PDF) is generate.py's job; this module only says what the contract says.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass


@dataclass(frozen=True)
class Heading:
    """A clause or schedule heading as printed, e.g. ("7", "CONFIDENTIALITY")."""

    number: str
    title: str


@dataclass(frozen=True)
class Clause:
    """One numbered paragraph; level 0 is "7.2 ...", level 1 "(a) ...", level 2 "(i) ..."."""

    number: str
    text: str
    level: int = 0


@dataclass(frozen=True)
class Table:
    """A table with a header row, as in a fee schedule or a service-level schedule."""

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


Element = Heading | Clause | Table


@dataclass(frozen=True)
class Parties:
    provider: str
    provider_short: str
    customer: str
    customer_short: str


# ----------------------------------------------------------------------------------- vocabulary

PROVIDER_NAMES = ("Halvorsen Vision Systems Ltd", "Corvane Analytics Inc.", "Pellucid Imaging GmbH", "Tamsworth Recognition plc",
                  "Ostrava Machine Perception s.r.o.", "Bluefen Biometrics LLC", "Kestrel Lane Software Ltd",
                  "Marrowgate Face Technologies Pty Ltd", "Sundial Optics B.V.", "Quarrington AI Limited")
CUSTOMER_NAMES = ("Northgate Retail Group Ltd", "Ashby Venues plc", "Calloway Logistics Inc.", "Brightwater Health Trust",
                  "Fennick Property Services Ltd", "Orchard Lane Hotels Limited", "Harrowfield Transit Authority",
                  "Lindqvist Stores AB", "Meridian Event Partners LLC", "Sable Bay Airports Ltd")
PRODUCTS = ("Platform", "Services", "Software", "Recognition Engine", "Hosted Service", "Licensed Software")
SHALL_SUBJECTS = ("The Supplier", "The Customer", "Each party", "The Customer", "The Supplier", "Neither party")
OBJECTS = ("the Customer Data", "the Documentation", "all Deliverables", "the Service Credits", "the Security Measures",
           "the Personal Data", "the Confidential Information of the other party", "the Authorised Users",
           "the Implementation Plan", "the Acceptance Tests", "the Support Services", "the Hosting Environment",
           "the Subscription Fees", "the Business Continuity Plan", "the Service Levels", "the Change Control Procedure",
           "all records relating to the Services", "the Third-Party Components", "the Model Outputs", "any Updates")
VERBS = ("maintain", "review", "document", "keep up to date", "make available", "protect", "test", "monitor",
         "report on", "supply", "implement", "retain", "promptly correct", "securely store", "manage")
STANDARDS = ("Good Industry Practice", "ISO/IEC 27001:2022", "the Security Policy", "the Data Protection Legislation",
             "the Service Description", "the Supplier's then-current documentation", "all Applicable Laws",
             "the Customer's reasonable instructions", "SOC 2 Type II criteria", "the Governance Schedule")
PERIODS = ("five (5) Business Days", "ten (10) Business Days", "thirty (30) days", "sixty (60) days", "ninety (90) days",
           "twenty-four (24) hours", "forty-eight (48) hours", "seven (7) days", "fourteen (14) days", "one (1) month",
           "three (3) months", "six (6) months", "twelve (12) months")
EVENTS = ("becoming aware of any Security Incident", "any change to the Sub-processors", "the end of each Contract Year",
          "receipt of a valid invoice", "a request from the Customer", "any failure to meet a Service Level",
          "the Effective Date", "termination or expiry of this Agreement", "completion of the Acceptance Tests",
          "any material change in the Services", "the issue of a Change Request", "a Force Majeure Event")
CONDITIONS = ("Subject to clause {ref}", "Except as expressly provided in this Agreement", "Without prejudice to clause {ref}",
              "To the extent permitted by law", "Save as set out in the Order Form", "Unless the parties agree otherwise in writing",
              "In consideration of the payment of the Fees", "Where the Customer so requests")
AMOUNTS = ("£12,500", "£48,000", "£150,000", "€75,000", "US$250,000", "£1,200,000", "€9,800", "US$36,400", "£3,750", "€410,000")
TERMS = ("Acceptance Certificate", "Affiliate", "Applicable Law", "Authorised User", "Business Day", "Change Request",
         "Confidential Information", "Contract Year", "Customer Data", "Data Protection Legislation", "Deliverables",
         "Documentation", "Effective Date", "Fees", "Force Majeure Event", "Good Industry Practice", "Insolvency Event",
         "Intellectual Property Rights", "Model Outputs", "Order Form", "Personal Data", "Security Incident",
         "Service Credits", "Service Levels", "Sub-processor", "Support Hours", "Term", "Third-Party Components",
         "Updates", "Implementation Plan", "Hosting Environment", "Acceptance Tests", "Governance Schedule")
MEANINGS = {
    "Affiliate": "means any entity that directly or indirectly controls, is controlled by, or is under common control with a party",
    "Documentation": "means the documents, specifications and materials made available by the Supplier describing the {product}",
    "Business Day": "means a day other than a Saturday, Sunday or public holiday in England when banks in London are open for business",
    "Fees": "means the charges payable by the Customer for the {product} as set out in the Order Form",
    "Term": "means the period beginning on the Effective Date and continuing until terminated in accordance with clause {ref}",
    "Intellectual Property Rights": "means all patents, rights to inventions, copyright and related rights, trade marks, rights in "
    "software and databases, and all other intellectual property rights, in each case whether registered or unregistered",
    "Customer Data": "means any data, images or templates supplied by or on behalf of the Customer to the {product}",
    "Service Levels": "means the service levels set out in Schedule 3, as amended from time to time under the Change Control Procedure",
    "Security Incident": "means a breach of security leading to the accidental or unlawful destruction, loss, alteration or "
    "unauthorised disclosure of, or access to, Customer Data",
    "Force Majeure Event": "means any event or circumstance beyond the reasonable control of the affected party, including fire, "
    "flood, epidemic and failure of public utilities, but excluding any industrial dispute involving that party's own staff",
    "Authorised User": "means an individual authorised by the Customer to use the {product}, up to the number stated in the Order Form",
}
GENERIC_MEANINGS = ("has the meaning given to it in clause {ref}", "means the {object_bare} described in Schedule {schedule}",
                    "means the document of that name agreed by the parties and attached as Schedule {schedule}, as varied "
                    "under the Change Control Procedure")
TOPICS = ("SERVICES", "IMPLEMENTATION", "SUPPORT AND MAINTENANCE", "CUSTOMER OBLIGATIONS", "FEES AND PAYMENT",
          "DATA PROTECTION", "SECURITY", "CONFIDENTIALITY", "INTELLECTUAL PROPERTY", "WARRANTIES", "INDEMNITIES",
          "LIMITATION OF LIABILITY", "TERM AND TERMINATION", "CONSEQUENCES OF TERMINATION", "INSURANCE", "AUDIT",
          "SUBCONTRACTING", "COMPLIANCE WITH LAWS", "ANTI-BRIBERY", "EXPORT CONTROL", "FORCE MAJEURE", "NOTICES",
          "ASSIGNMENT", "DISPUTE RESOLUTION", "VARIATION", "GENERAL")
SCHEDULE_TOPICS = ("STATEMENT OF WORK", "SERVICE DESCRIPTION", "SERVICE LEVELS", "DATA PROCESSING DETAILS",
                   "SECURITY MEASURES", "PRICING", "GOVERNANCE", "EXIT PLAN", "IMPLEMENTATION PLAN", "CHANGE CONTROL")

SENTENCES = (
    "{subject} shall {verb} {object} in accordance with {standard}.",
    "{subject} shall {verb} {object} and shall notify the other party in writing within {period} of {event}.",
    "{condition}, {subject_lower} shall {verb} {object} at its own cost.",
    "The Supplier shall provide the {product} with reasonable skill and care and in accordance with {standard}.",
    "The Customer shall pay each undisputed invoice within {period} of {event} by electronic transfer to the account "
    "notified by the Supplier.",
    "If either party fails to pay any amount when due, the other party may charge interest on the overdue amount at "
    "four per cent (4%) per annum above the base rate of the Bank of England from time to time.",
    "The aggregate liability of the Supplier in each Contract Year shall not exceed {amount} or, if greater, one hundred "
    "and twenty-five per cent (125%) of the Fees paid in that Contract Year.",
    "Nothing in this Agreement limits or excludes the liability of either party for death or personal injury caused by "
    "its negligence, for fraud or fraudulent misrepresentation, or for any other liability that cannot lawfully be limited.",
    "Each party shall keep the Confidential Information of the other party confidential and shall not use it except for "
    "the purpose of performing its obligations under this Agreement.",
    "The Supplier shall ensure that any Sub-processor is bound by written terms that offer at least the same level of "
    "protection for the Personal Data as those set out in this clause {ref}.",
    "Either party may terminate this Agreement with immediate effect by giving written notice to the other party if the "
    "other party commits a material breach which is irremediable or is not remedied within {period} of notice of it.",
    "The Supplier shall maintain in force, with a reputable insurer, professional indemnity insurance of not less than "
    "{amount} for each claim and shall produce the policy schedule on request.",
    "Any notice given under this Agreement shall be in writing and shall be delivered by hand, by pre-paid first-class "
    "post or by email to the address set out in the Order Form.",
    "The Customer may, on not less than {period} notice and not more than once in any Contract Year, audit the "
    "Supplier's compliance with clause {ref}.",
    "The Supplier shall not subcontract any of its obligations under this Agreement without the prior written consent "
    "of the Customer, which shall not be unreasonably withheld or delayed.",
    "Where a Service Level is not met, the Supplier shall credit the Customer with the Service Credits calculated in "
    "accordance with Schedule 3, and the Service Credits are a price adjustment and not an estimate of loss.",
    "No failure or delay by a party to exercise any right or remedy provided under this Agreement or by law shall "
    "constitute a waiver of that or any other right or remedy.",
    "The Supplier warrants that the {product} will perform materially in accordance with the Documentation for a period "
    "of {period} from the date of Acceptance.",
    "On termination or expiry, the Supplier shall return or destroy the Customer Data within {period} and shall certify "
    "in writing that it has done so.",
    "The parties shall attempt in good faith to resolve any dispute through the Governance Board before either of them "
    "commences proceedings, save that either party may seek urgent injunctive relief at any time.",
    "{condition}, all Intellectual Property Rights in the {product} and the Documentation remain vested in the Supplier "
    "and its licensors.",
    "The Customer shall ensure that the Authorised Users use the {product} in accordance with this Agreement and shall "
    "be responsible for any Authorised User's breach of it.",
    "The Supplier may suspend access to the {product} for scheduled maintenance during the maintenance windows set out "
    "in Schedule 2, provided that it gives the Customer at least {period} notice.",
    "Each party shall comply with all Applicable Laws relating to anti-bribery and anti-corruption, including the "
    "Bribery Act 2010, and shall maintain adequate procedures to prevent bribery.",
    "The Fees are exclusive of value added tax, which the Customer shall pay at the prevailing rate on receipt of a "
    "valid VAT invoice.",
    "Any change to the scope of the {product} shall be agreed through the Change Control Procedure and recorded in a "
    "Change Request signed by both parties.",
)

# The use restrictions, in the variants an estate of contracts really has: full, partial, and none.
RESTRICTIONS_FULL = (
    ("The Customer shall not, and shall ensure that its Affiliates and Authorised Users do not, use the {product} or "
     "any Model Outputs:", ()),
    ("to locate, identify or target any person in connection with any lethal operation, weapons system or military "
     "operation;", "a"),
    ("for secret, covert, mass or discriminatory surveillance of any person or group, including by or on behalf of "
     "any government or public authority that is not subject to public scrutiny and independent oversight; or", "b"),
    ("by or on behalf of any police, law enforcement or immigration agency to enforce criminal law, unless that use "
     "has been expressly authorised by a statute or ordinance passed by a legislative body after public consideration.",
     "c"),
)
COMPLIANCE_FULL = ("The Customer shall comply with, and shall ensure that each Authorised User and each of its own customers "
                   "complies with, the restrictions in clause {use}.1, and shall flow those restrictions down in writing to "
                   "any person to whom it makes the {product} available.")
COMPLIANCE_AUDIT = ("The Customer shall, on request, provide the Supplier with such records and information as the Supplier "
                    "reasonably requires to verify compliance with clause {use}.1.")
CESSATION_FULL = ("If the Customer or the Supplier discovers any breach of clause {use}.1, the Customer shall immediately "
                  "cease all use of the {product} concerned, and the Supplier may suspend or terminate the Customer's "
                  "access to the {product} with immediate effect by written notice.")
RESTRICTIONS_PARTIAL = (
    ("The Customer shall not use the {product} for any unlawful military use or for any unlawful surveillance, "
     "except as permitted by Applicable Law.", ()),
)
COMPLIANCE_PARTIAL = "The Customer shall comply with all Applicable Laws in its use of the {product}."


class ContractText:
    """A vendor agreement as an endless stream of elements; the layout decides where it stops."""

    def __init__(self, seed: int, restrictions: str = "full") -> None:
        if restrictions not in ("full", "partial", "none"):
            raise ValueError(f"restrictions must be full, partial or none, not {restrictions!r}")
        self.seed = seed
        self.restrictions = restrictions
        rng = random.Random(seed)
        provider, customer = rng.choice(PROVIDER_NAMES), rng.choice(CUSTOMER_NAMES)
        self.parties = Parties(provider, "Supplier", customer, "Customer")
        self.product = rng.choice(PRODUCTS)
        self.title = rng.choice(("MASTER SERVICES AGREEMENT", "SOFTWARE LICENCE AND SERVICES AGREEMENT",
                                 "SAAS SUBSCRIPTION AGREEMENT", "VENDOR AGREEMENT"))
        self.header = f"{self.title.title()} - {provider} and {customer} - Confidential"
        self.footer = "Page {page} of {pages}"
        self._rng = rng

    # ------------------------------------------------------------------------------ front and back

    def front(self) -> Iterator[Element]:
        p = self.parties
        yield Heading("", self.title)
        yield Clause("", f"THIS AGREEMENT is dated {self._rng.randint(1, 28)} March 2025 and is made BETWEEN:")
        yield Clause("(1)", f"{p.provider.upper()}, a company incorporated in England and Wales with company number "
                            f"{self._rng.randint(1000000, 9999999):08d} whose registered office is at {self._address()} "
                            f"(the \u201c{p.provider_short}\u201d); and", 1)
        yield Clause("(2)", f"{p.customer.upper()}, a company incorporated in England and Wales with company number "
                            f"{self._rng.randint(1000000, 9999999):08d} whose registered office is at {self._address()} "
                            f"(the \u201c{p.customer_short}\u201d).", 1)
        yield Heading("", "BACKGROUND")
        yield Clause("(A)", f"The Supplier provides a face analysis {self.product.lower()} used to verify the identity of "
                            "consenting individuals at points of entry.", 1)
        yield Clause("(B)", "The Customer wishes to use it at its premises on the terms of this Agreement.", 1)

    def closing(self) -> Iterator[Element]:
        p = self.parties
        yield Heading("", "EXECUTION")
        yield Clause("", "This Agreement has been entered into on the date stated at the beginning of it.")
        yield Table(("", p.provider, p.customer),
                    (("Signed by", "Director", "Director"), ("Name", "A. Lindgren", "R. Osei"),
                     ("Date", "12 March 2025", "14 March 2025")))

    # ------------------------------------------------------------------------------------- the body

    def body(self) -> Iterator[Element]:
        """Definitions, the operative clauses (use restrictions at clause 3), then schedules, without end."""
        yield from self.front()
        yield Heading("1", "DEFINITIONS AND INTERPRETATION")
        yield Clause("1.1", "In this Agreement the following definitions apply:")
        for term in TERMS:
            meaning = self._fill(MEANINGS.get(term) or self._rng.choice(GENERIC_MEANINGS))
            yield Clause("", f"\u201c{term}\u201d {meaning};", 1)
        yield Clause("1.2", "Clause, Schedule and paragraph headings shall not affect the interpretation of this Agreement.")
        yield from self._section(2, "LICENCE", 3)
        yield from self._use_restrictions(3)
        yield from self._section(4, "SERVICES", 5)
        number = 5
        for topic in TOPICS:
            yield from self._section(number, topic, self._rng.randint(4, 9))
            if topic == "FEES AND PAYMENT":
                yield self._fee_table()
            number += 1
        schedule = 1
        while True:  # schedules until the layout has enough pages
            topic = SCHEDULE_TOPICS[(schedule - 1) % len(SCHEDULE_TOPICS)]
            yield Heading(f"SCHEDULE {schedule}", f"{topic} {schedule}" if schedule > len(SCHEDULE_TOPICS) else topic)
            for part in range(1, self._rng.randint(3, 6)):
                yield Heading(f"Part {part}", self._rng.choice(TOPICS).title())
                for paragraph in range(1, self._rng.randint(4, 9)):
                    yield Clause(f"{part}.{paragraph}", self._paragraph())
                    if self._rng.random() < 0.25:
                        yield from self._items(level=1)
                if self._rng.random() < 0.5:
                    yield self._service_level_table()
            schedule += 1

    def _section(self, number: int, title: str, clauses: int) -> Iterator[Element]:
        yield Heading(str(number), title)
        for index in range(1, clauses + 1):
            yield Clause(f"{number}.{index}", self._paragraph())
            if self._rng.random() < 0.3:
                yield from self._items(level=1)

    def _use_restrictions(self, number: int) -> Iterator[Element]:
        yield Heading(str(number), "USE RESTRICTIONS")
        if self.restrictions == "none":
            yield Clause(f"{number}.1", self._fill("The Customer shall use the {product} only for its internal business purposes."))
            return
        lead, *items = RESTRICTIONS_FULL if self.restrictions == "full" else RESTRICTIONS_PARTIAL
        yield Clause(f"{number}.1", self._fill(lead[0]))
        for text, label in items:
            yield Clause(f"({label})", self._fill(text), 1)
        if self.restrictions == "full":
            yield Clause(f"{number}.2", self._fill(COMPLIANCE_FULL.replace("{use}", str(number))))
            yield Clause(f"{number}.3", COMPLIANCE_AUDIT.replace("{use}", str(number)))
            yield Clause(f"{number}.4", self._fill(CESSATION_FULL.replace("{use}", str(number))))
        else:
            yield Clause(f"{number}.2", self._fill(COMPLIANCE_PARTIAL))

    def _items(self, level: int) -> Iterator[Element]:
        labels = "abcdefgh" if level == 1 else ("i", "ii", "iii", "iv", "v")
        count = self._rng.randint(2, 5)
        for index in range(count):
            end = "; and" if index == count - 2 else ("." if index == count - 1 else ";")
            sentence = self._sentence().rstrip(".")
            yield Clause(f"({labels[index]})", sentence[0].lower() + sentence[1:] + end, level)

    # ---------------------------------------------------------------------------------------- text

    def _paragraph(self) -> str:
        return " ".join(self._sentence() for _ in range(self._rng.randint(2, 5)))

    def _sentence(self) -> str:
        return self._fill(self._rng.choice(SENTENCES))

    def _fill(self, template: str) -> str:
        rng = self._rng
        subject = rng.choice(SHALL_SUBJECTS)
        values = {"subject": subject, "subject_lower": subject[0].lower() + subject[1:], "verb": rng.choice(VERBS),
                  "object": rng.choice(OBJECTS), "standard": rng.choice(STANDARDS), "period": rng.choice(PERIODS),
                  "event": rng.choice(EVENTS), "amount": rng.choice(AMOUNTS), "product": self.product,
                  "ref": f"{rng.randint(2, 30)}.{rng.randint(1, 8)}", "schedule": rng.randint(1, 10)}
        values["object_bare"] = values["object"].removeprefix("the ").removeprefix("all ").removeprefix("any ")
        values["condition"] = rng.choice(CONDITIONS).format(ref=values["ref"])
        if subject == "Neither party":
            values["verb"] = "disclose"
        return template.format(**values)

    def _address(self) -> str:
        rng = self._rng
        return (f"{rng.randint(1, 240)} {rng.choice(('Harbour', 'Mill', 'Kingsway', 'Chapel', 'Canal', 'Old Bridge'))} "
                f"{rng.choice(('Street', 'Road', 'Lane', 'Quay'))}, {rng.choice(('London', 'Leeds', 'Bristol', 'Manchester'))}")

    def _fee_table(self) -> Table:
        rng = self._rng
        rows = tuple((item, f"{rng.randint(1, 500)}", rng.choice(AMOUNTS), rng.choice(("monthly", "quarterly", "annually")))
                     for item in ("Platform subscription", "Additional Authorised Users", "Premium support", "Implementation",
                                  "Training day", "Additional storage (per TB)"))
        return Table(("Item", "Quantity", "Charge", "Invoiced"), rows)

    def _service_level_table(self) -> Table:
        rng = self._rng
        rows = tuple((name, f"{rng.choice(('99.5', '99.9', '99.95', '98.0'))}%", rng.choice(PERIODS),
                      f"{rng.randint(1, 10)}% of monthly Fees")
                     for name in ("Availability", "Incident response (Severity 1)", "Incident response (Severity 2)",
                                  "Resolution (Severity 1)", "Backup success rate"))
        return Table(("Service Level", "Target", "Measurement period", "Service Credit"), rows)
