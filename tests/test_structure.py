"""Printed section numbers, lead-ins and parties, on text where the expected answer is plain."""

from __future__ import annotations

from clauselint.documents.labels import SectionState, advance, split_label
from clauselint.examples import example_document


def test_split_label_recognises_clause_numbers_but_not_ordinary_words() -> None:
    assert split_label("7.2 Customer shall") == ("7.2", "Customer shall")
    assert split_label("(iv) use the") == ("(iv)", "use the")
    assert split_label("Section 4 Term") == ("Section 4", "Term")
    assert split_label("Inc. is a company") == (None, "Inc. is a company")
    assert split_label("2026 was a year") == (None, "2026 was a year")


def test_a_letter_after_a_struck_item_is_the_next_letter_not_a_roman_numeral() -> None:
    state = SectionState()
    cited = []
    for label in ["5.1", "(a)", "(c)", "(d)"]:  # (b) deleted in tracked changes
        state = advance(state, label)
        cited.append(state.citation())
    assert cited == ["5.1", "5.1(a)", "5.1(c)", "5.1(d)"]


def test_citations_compose_like_a_lawyer_cites_them() -> None:
    state = SectionState()
    cited = []
    for label in ["7.", "7.2", "(a)", "(b)", "(i)", "(ii)", "(c)", "(h)", "(i)", "7.3"]:
        state = advance(state, label)
        cited.append(state.citation())
    assert cited == ["7", "7.2", "7.2(a)", "7.2(b)", "7.2(b)(i)", "7.2(b)(ii)", "7.2(c)", "7.2(h)", "7.2(i)", "7.3"]


def test_items_point_to_their_lead_in_and_parties_are_found() -> None:
    document = example_document(
        'This Agreement is between Acme Vision, Inc. ("Provider") and Northwind LLC ("Customer").\n'
        "4.2 Customer shall not, and shall not permit any third party to:\n"
        "(a) resell the Services;\n"
        "(b) use the Services to select targets for lethal operations.\n"
        "4.3 Provider may suspend the Services.\n"
    )
    blocks = document.blocks
    assert [b.section for b in blocks[1:]] == ["4.2", "4.2(a)", "4.2(b)", "4.3"]
    assert blocks[2].lead_in == blocks[1].index and blocks[3].lead_in == blocks[1].index
    assert blocks[4].lead_in is None
    assert document.party_name("customer") == "Customer" and document.party_name("provider") == "Provider"
    assert {p.name for p in document.parties} == {"Acme Vision, Inc.", "Northwind LLC"}


def _roles(text: str) -> dict[str, str | None]:
    return {party.defined_as: party.role for party in example_document(text).parties}


def test_preambles_in_many_styles_give_both_parties_their_roles() -> None:
    # registration details before the parenthesis, a Nordic company form, names in capitals without a legal suffix
    assert _roles('This DPA is entered into between:\n'
                  'HALVORSEN ARENA A/S, CVR no. 33 71 90 12, Stadionvej 1, Denmark (the "Controller"); and\n'
                  'BALTIC GATE SYSTEMS OU, registry code 14920375, Vana-Posti 11, Tallinn (the "Processor").\n') == {
        "Controller": "customer", "Processor": "provider"}
    # 'the person identified as the developer': an unnamed party; a 'Developer Agreement' is made with the developer
    assert _roles('Sightline Exchange Developer Agreement\n'
                  'This Agreement is made between Tidewrack Imaging Pty Ltd (ACN 631 407 295) of Level 9, Kent Lane, Sydney ("Tidewrack") '
                  'and the person or organisation identified as the developer in the Developer Account (the "Developer").\n') == {
        "Tidewrack": "provider", "Developer": "customer"}
    # a name and a role word as alternatives: the role word decides
    assert _roles('BETWEEN:\nKESTREL BIOMETRICS PTE. LTD. (UEN 201934417K), a company incorporated in Singapore ("Kestrel" or the "Licensor"); and\n'
                  'SUNDARA HOSPITALITY GROUP PTE. LTD., a company incorporated in Singapore (the "Licensee").\n') == {
        "Kestrel": "provider", "Licensee": "customer"}


def test_a_role_word_outranks_a_kind_of_body_when_both_read_as_customer() -> None:
    # the University grants the licence: 'Licensee' names the customer outright, 'University' only a kind of body
    assert _roles('RESEARCH LICENCE AGREEMENT\nBETWEEN SHANNONSIDE UNIVERSITY, a statutory body (the "University") and '
                  'GLASNEVIN ANALYTICS LIMITED, a company with number 682417 (the "Licensee").\n') == {
        "University": "provider", "Licensee": "customer"}


def test_terms_addressed_to_you_are_offered_by_the_other_named_party() -> None:
    roles = _roles('Quokka Labs, Inc. ("Quokka") provides the Glimpse API.\nYou may not use the API to stalk anyone. You must keep your keys secret.\n')
    assert roles == {"Quokka": "provider", "you": "customer"}
