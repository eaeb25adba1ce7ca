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
