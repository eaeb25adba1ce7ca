"""The redline building blocks on their own: which words to strike, clause numbers, and the
tracked-change XML written into real DOCX files (generated here with python-docx)."""

from __future__ import annotations

import io
import zipfile

import docx
import pytest
from lxml import etree
from test_redline_support import W, reject_changes

from clauselint.documents.readers.docx_reader import read_docx
from clauselint.redline.comments import CommentWriter, anchor
from clauselint.redline.locate import accepted_exception, carve_out, complete_ban, offending_items, rule_phrases
from clauselint.redline.numbering import first_clause_label, next_label
from clauselint.redline.package import DocxPackage
from clauselint.redline.textmap import ParagraphText
from clauselint.redline.trackchanges import Piece, Revisions, insert_after, new_paragraph, strike

SPEC = {
    "concepts": {"police": ["police", "law enforcement"], "military": ["military", "weapons"]},
    "require_any": [["police"], ["military"]],
    "partial": [
        {"id": "carve", "carve_out": ["as permitted by applicable law", "prior written consent", "legal process"],
         "reason": "the exception is not a statute"},
        {"id": "lawful", "near": ["unlawful", "international humanitarian law"], "reason": "only unlawful use"},
    ],
    "accept": ["statute", "ordinance"],
}


@pytest.mark.parametrize(("sentence", "struck"), [
    ("Customer shall not use the Services for law enforcement purposes except as permitted by applicable law.",
     " except as permitted by applicable law"),
    ("Customer shall not supply any police force, except pursuant to a subpoena or other valid legal process.",
     ", except pursuant to a subpoena or other valid legal process"),
    ("Licensee shall not supply any police force without Acme's prior written consent, which Acme may withhold.",
     " without Acme's prior written consent, which Acme may withhold"),
    ("Reseller shall not configure the Products for any unlawful military application.", "unlawful "),
    ("weapons targeting or other combat use that breaches international humanitarian law;",
     " that breaches international humanitarian law"),
])
def test_carve_out_finds_the_whole_exception_or_qualifier(sentence: str, struck: str) -> None:
    span = carve_out(sentence, rule_phrases(SPEC, None))
    assert span is not None and sentence[span.start:span.end] == struck


def test_carve_out_uses_only_the_phrases_of_the_reason_given() -> None:
    sentence = "Customer shall not use the Services for unlawful military operations."
    assert carve_out(sentence, rule_phrases(SPEC, "the exception is not a statute")) is None
    assert carve_out(sentence, rule_phrases(SPEC, "only unlawful use")) is not None


def test_the_offending_item_of_an_inline_list_is_found() -> None:
    sentence = "Evaluator shall not: (a) copy the Software; (b) use it for any military purpose; or (c) sell it."
    items = offending_items(sentence, ["military"])
    assert [sentence[i.start:i.end] for i in items] == ["(b) use it for any military purpose"]


def test_complete_ban_needs_the_concept_and_no_remaining_carve_out() -> None:
    assert complete_ban("Customer shall not use the Services for military purposes.", SPEC)
    assert not complete_ban("Customer shall not use the Services for any purpose.", SPEC)
    assert not complete_ban("Customer shall not use them for military purposes without prior written consent.", SPEC)


def test_the_accepted_exception_is_taken_from_the_suggested_clause() -> None:
    clause = "Customer shall not serve the police, unless a legislature has authorised that use by statute."
    assert accepted_exception(clause, SPEC["accept"]) == ", unless a legislature has authorised that use by statute"
    assert accepted_exception("Customer shall not serve the police.", SPEC["accept"]) is None


@pytest.mark.parametrize(("label", "previous", "expected"), [
    ("4.5", None, "4.6"), ("13.09.", None, "13.10."), ("Clause 7", None, "Clause 8"), ("ARTICLE XIII", None, "ARTICLE XIV"),
    ("ARTICLE 18 -", None, "ARTICLE 19 -"), ("(h)", "(g)", "(i)"), ("(iv)", "(iii)", "(v)"), ("11A.", None, "11B."),
])
def test_next_label_keeps_the_contracts_own_form(label: str, previous: str | None, expected: str) -> None:
    assert next_label(label, previous) == expected


def test_first_clause_of_a_new_section() -> None:
    assert first_clause_label("13.9", "14", 1) == "14.1"
    assert first_clause_label("Section 13.09.", "14", 2) == "Section 14.02."
    assert first_clause_label("(a)", "14", 1) is None


# -- tracked changes in a real DOCX ------------------------------------------------------------------------

SENTENCE = "Customer shall not use the Services for law enforcement purposes except as permitted by applicable law."


def _split_run_docx() -> bytes:
    """One paragraph whose carve-out starts inside a plain run and ends inside an italic one."""
    document = docx.Document()
    paragraph = document.add_paragraph()
    paragraph.add_run("Customer shall not use the Services for law enforcement purposes exc")
    paragraph.add_run("ept as permitted by ").bold = True
    paragraph.add_run("applicable law.").italic = True
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _edit(data: bytes, change) -> bytes:
    package = DocxPackage(data, "test.docx")
    root = package.xml("word/document.xml")
    change(package, root)
    return package.to_bytes()


def _body_text(data: bytes) -> str:
    return " ".join(block.text for block in read_docx(data, "t.docx").blocks)


def test_strike_across_runs_marks_exactly_the_words_and_rejecting_restores_them() -> None:
    original = _split_run_docx()
    start = SENTENCE.index(" except")
    end = len(SENTENCE) - 1

    def change(package: DocxPackage, root: etree._Element) -> None:
        paragraph = next(root.iter(W + "p"))
        strike(paragraph, start, end, Revisions("clauselint", "2026-01-01T00:00:00Z", 100))

    edited = _edit(original, change)
    root = etree.fromstring(zipfile.ZipFile(io.BytesIO(edited)).read("word/document.xml"))
    deletions = list(root.iter(W + "del"))
    assert deletions and all(d.get(W + "author") == "clauselint" for d in deletions)
    assert "".join(t.text for d in deletions for t in d.iter(W + "delText")) == " except as permitted by applicable law"
    assert not [t for d in deletions for t in d.iter(W + "t")]
    assert _body_text(edited) == "Customer shall not use the Services for law enforcement purposes."
    restored = reject_changes(edited, "clauselint")
    assert _body_text(restored) == SENTENCE
    runs = etree.fromstring(zipfile.ZipFile(io.BytesIO(restored)).read("word/document.xml")).iter(W + "r")
    bold = "".join(t.text for r in runs if r.find(f"{W}rPr/{W}b") is not None for t in r.iter(W + "t"))
    assert bold == "ept as permitted by "  # the formatting of every piece survives the round trip


def test_insert_after_splits_another_authors_insertion_around_ours() -> None:
    document = docx.Document()
    document.add_paragraph("x")
    buffer = io.BytesIO()
    document.save(buffer)

    def change(package: DocxPackage, root: etree._Element) -> None:
        paragraph = next(root.iter(W + "p"))
        for child in list(paragraph):
            paragraph.remove(child)
        theirs = etree.SubElement(paragraph, W + "ins", {W + "id": "1", W + "author": "Counsel", W + "date": "2026-01-01T00:00:00Z"})
        for text in ("one ", "two"):
            etree.SubElement(etree.SubElement(theirs, W + "r"), W + "t").text = text
        insert_after(theirs[0], [Piece("ours ")], Revisions("clauselint", "2026-01-01T00:00:00Z", 50))

    edited = _edit(buffer.getvalue(), change)
    root = etree.fromstring(zipfile.ZipFile(io.BytesIO(edited)).read("word/document.xml"))
    paragraph = next(root.iter(W + "p"))
    assert [(c.get(W + "author"), "".join(c.itertext())) for c in paragraph] == [("Counsel", "one "), ("clauselint", "ours "),
                                                                                  ("Counsel", "two")]
    ids = [c.get(W + "id") for c in paragraph]
    assert len(set(ids)) == 3
    assert _body_text(edited) == "one ours two"


def test_new_paragraph_copies_the_layout_and_marks_its_paragraph_mark_inserted() -> None:
    document = docx.Document()
    template = document.add_paragraph("4.5 A clause.", style="List Number")
    template.paragraph_format.keep_with_next = True
    buffer = io.BytesIO()
    document.save(buffer)

    def change(package: DocxPackage, root: etree._Element) -> None:
        paragraph = next(root.iter(W + "p"))
        new, insertion = new_paragraph(paragraph, [Piece("4.6 "), Piece("New clause.")], Revisions("Jane Roe", "2026-02-03T04:05:06Z", 7))
        paragraph.addnext(new)
        writer = CommentWriter(package, "word/document.xml", "Jane Roe", "2026-02-03T04:05:06Z")
        runs = insertion.findall(W + "r")
        anchor(runs[0], runs[-1], writer.add(["first line", "second line"]))

    edited = _edit(buffer.getvalue(), change)
    opened = docx.Document(io.BytesIO(edited))  # python-docx opens it; its .text skips revisions, so read w:t
    assert ["".join(t.text for t in p._p.iter(W + "t")) for p in opened.paragraphs] == ["4.5 A clause.", "4.6 New clause."]
    assert opened.paragraphs[1].style.name == "List Number"
    mark = opened.paragraphs[1]._p.find(f"{W}pPr/{W}rPr/{W}ins")
    assert mark is not None and mark.get(W + "author") == "Jane Roe" and mark.get(W + "date") == "2026-02-03T04:05:06Z"
    comments = etree.fromstring(zipfile.ZipFile(io.BytesIO(edited)).read("word/comments.xml"))
    comment = comments.find(W + "comment")
    assert comment.get(W + "author") == "Jane Roe" and comment.get(W + "initials") == "JR"
    assert ["".join(p.itertext()) for p in comment.iter(W + "p")] == ["first line", "second line"]
    assert _body_text(reject_changes(edited, "Jane Roe")) == "4.5 A clause."


def test_comments_are_appended_to_an_existing_comments_part_with_fresh_ids() -> None:
    document = docx.Document()
    document.add_paragraph("x")
    buffer = io.BytesIO()
    document.save(buffer)
    first = _edit(buffer.getvalue(), lambda package, root: CommentWriter(package, "word/document.xml", "Counsel", "d").add(["old"]))

    def change(package: DocxPackage, root: etree._Element) -> None:
        CommentWriter(package, "word/document.xml", "clauselint", "d").add(["new"])

    second = _edit(first, change)
    archive = zipfile.ZipFile(io.BytesIO(second))
    comments = etree.fromstring(archive.read("word/comments.xml"))
    assert [(c.get(W + "id"), c.get(W + "author")) for c in comments] == [("0", "Counsel"), ("1", "clauselint")]
    assert archive.read("word/_rels/document.xml.rels").count(b"relationships/comments") == 1
    assert archive.read("[Content_Types].xml").count(b"comments+xml") == 1


def test_paragraph_text_matches_the_readers_text() -> None:
    data = _split_run_docx()
    root = etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml"))
    assert ParagraphText(next(root.iter(W + "p"))).text == _body_text(data)


# -- a finding quoted in two auto-numbered sections ---------------------------------------------------------

SURVEILLANCE_CLAUSE = "Customer shall not use the Services for the mass surveillance of any person."
MILITARY_BAN = "Customer shall not use the Services for any military purpose."
LIST_ITEM = ("to track shoppers across stores; or", "1.2(a)", "Customer shall not use the Services:")
AGENCY = ("Customer may give the Outputs to any government agency on request.", "2.2", None)
POLICE = ("Customer may share the Outputs with the police.", "2.4", None)


def _numbered(document, text: str, num_id: int) -> None:
    """A paragraph numbered by Word (w:numPr), not by a typed number."""
    paragraph = document.add_paragraph(text)
    numbering = etree.SubElement(paragraph._p.get_or_add_pPr(), W + "numPr")
    etree.SubElement(numbering, W + "ilvl").set(W + "val", "0")
    etree.SubElement(numbering, W + "numId").set(W + "val", str(num_id))


def _two_numbered_lists_docx(path) -> None:
    """Section 1's clauses are Word list 1 ("1.%1"), section 2's are list 2 ("2.%1")."""
    document = docx.Document()
    document.add_heading("1. Use Restrictions", level=1)
    _numbered(document, MILITARY_BAN, 1)
    _numbered(document, LIST_ITEM[2], 1)
    document.add_paragraph("(a) " + LIST_ITEM[0])
    document.add_paragraph("(b) to resell the Outputs.")
    document.add_heading("2. Liability", level=1)
    for text in ("Neither party is liable for indirect loss.", AGENCY[0], "Each party's liability is capped at the fees paid.", POLICE[0]):
        _numbered(document, text, 2)
    abstract = "".join(
        f'<w:abstractNum w:abstractNumId="{n}"><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/>'
        f'<w:lvlText w:val="{n}.%1"/><w:lvlJc w:val="left"/></w:lvl></w:abstractNum>' for n in (1, 2))
    instances = "".join(f'<w:num w:numId="{n}"><w:abstractNumId w:val="{n}"/></w:num>' for n in (1, 2))
    document.part.numbering_part._element = etree.fromstring(f'<w:numbering xmlns:w="{W[1:-1]}">{abstract}{instances}</w:numbering>')
    document.save(str(path))


def _redline_two_lists(tmp_path, status, quoted):
    """Redline the two-list contract for a government-surveillance finding quoting `quoted` (military ban present)."""
    from clauselint.documents.reader import read_document
    from clauselint.findings import Evidence, Finding, Severity, Status, Suggestion
    from clauselint.library import load_pack
    from clauselint.redline.apply import DocxSource, apply_plan
    from clauselint.redline.plan import plan_changes

    path = tmp_path / "two-lists.docx"
    _two_numbered_lists_docx(path)
    document = read_document(str(path))
    assert [b.label for b in document.blocks if b.text in (MILITARY_BAN, AGENCY[0], POLICE[0])] == ["1.1", "2.2", "2.4"]

    def evidence(text: str, section: str, context: str | None) -> Evidence:
        return Evidence(text=text, file=str(path), page=None, section=section, part="body", context=context)

    findings = (
        Finding("sfp-4.1", "lethal-use", Status.PRESENT, Severity.INFO, "ok", (evidence(MILITARY_BAN, "1.1", None),)),
        Finding("sfp-4.1", "government-surveillance", status, Severity.WARNING, "falls short", tuple(evidence(*q) for q in quoted),
                Suggestion("test", SURVEILLANCE_CLAUSE, "restrictions"), reason="a reason with no phrase to strike"),
    )
    package = DocxPackage(path.read_bytes(), str(path))
    source = DocxSource(document, package.xml("word/document.xml"))
    plan = plan_changes(document, findings, {"sfp-4.1": load_pack("sfp-4.1")}, source)
    apply_plan(package, "word/document.xml", source, plan, "clauselint", "2026-01-01T00:00:00Z")
    redline = tmp_path / "redline.docx"
    redline.write_bytes(package.to_bytes())
    printed = {}
    for block in read_document(str(redline)).blocks:
        printed.setdefault(block.text, []).append(block.label)
    return plan, printed


def test_a_clause_added_to_the_restrictions_does_not_also_replace_a_sentence_in_another_numbered_list(tmp_path) -> None:
    from clauselint.findings import Status

    plan, printed = _redline_two_lists(tmp_path, Status.PARTIAL, [AGENCY, LIST_ITEM])
    announced = [change.clause.label for change in plan.changes if change.clause is not None]
    assert announced == ["1.3"]  # after 1.2 in section 1, where the restrictions are
    assert printed[SURVEILLANCE_CLAUSE] == announced  # once, numbered by list 1: not also in place of 2.2, under list 2's number
    assert [change.strike.replacement for change in plan.changes if change.strike is not None] == [None, None]
    assert printed["Each party's liability is capped at the fees paid."] == ["2.3"]  # the struck 2.2 keeps its number


def test_two_struck_sentences_of_one_finding_take_its_clause_once(tmp_path) -> None:
    from clauselint.findings import Status

    plan, printed = _redline_two_lists(tmp_path, Status.CONFLICT, [AGENCY, POLICE])
    assert [change.clause for change in plan.changes] == [None, None]  # the clause goes where the first permission was
    assert printed[SURVEILLANCE_CLAUSE] == ["2.2"]
    assert [change.strike.replacement for change in plan.changes] == [SURVEILLANCE_CLAUSE, None]
    assert "in place of the permission in section 2.2" in plan.changes[1].comment[2]
