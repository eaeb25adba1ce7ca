"""The DOCX reader: fixtures are built here with python-docx, plus lxml edits for what it lacks."""

from __future__ import annotations

import io
import struct
import time
import zipfile
import zlib

import docx
import pytest
from docx.enum.style import WD_STYLE_TYPE
from lxml import etree

from clauselint.documents.errors import ReadError
from clauselint.documents.model import Part
from clauselint.documents.readers.docx_numbering import format_number
from clauselint.documents.readers.docx_reader import read_docx

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NAMESPACES = {
    "w": W_NS,
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006",
    "wps": "http://schemas.microsoft.com/office/word/2010/wordprocessingShape",
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "v": "urn:schemas-microsoft-com:vml",
}
XMLNS = " ".join(f'xmlns:{prefix}="{uri}"' for prefix, uri in NAMESPACES.items())
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
CT = "application/vnd.openxmlformats-officedocument.wordprocessingml"


# -- fixture helpers ----------------------------------------------------------------------------


def fragment(xml: str) -> list[etree._Element]:
    """Body-level elements written with the w: (and r:, mc:, wps:, v: ...) prefixes."""
    return list(etree.fromstring(f"<w:body {XMLNS}>{xml}</w:body>"))


def append_xml(document: docx.document.Document, xml: str) -> None:
    """Append raw block-level XML to the body, before its final w:sectPr."""
    body = document.element.body
    section = body.sectPr
    for element in fragment(xml):
        if section is not None:
            section.addprevious(element)
        else:
            body.append(element)


def save(document: docx.document.Document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def with_parts(data: bytes, parts: dict[str, bytes], rels: tuple[tuple[str, str, str], ...] = ()) -> bytes:
    """Rewrite a package: add/replace `parts`, add (rId, type, target) to the document's rels."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename in parts:
                continue
            if info.filename == "word/_rels/document.xml.rels" and rels:
                root = etree.fromstring(content)
                for rel_id, rel_type, rel_target in rels:
                    rel = etree.SubElement(root, "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship")
                    rel.set("Id", rel_id)
                    rel.set("Type", f"{REL}/{rel_type}")
                    rel.set("Target", rel_target)
                content = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            if info.filename == "[Content_Types].xml":
                root = etree.fromstring(content)
                for name in parts:
                    kind = name.rsplit("/", 1)[-1].removesuffix(".xml")
                    override = etree.SubElement(root, "{http://schemas.openxmlformats.org/package/2006/content-types}Override")
                    override.set("PartName", "/" + name)
                    override.set("ContentType", f"{CT}.{kind}+xml")
                content = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            target.writestr(info.filename, content)
        for name, content in parts.items():
            target.writestr(name, content)
    return out.getvalue()


def part_xml(root: str, inner: str) -> bytes:
    return f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:{root} {XMLNS}>{inner}</w:{root}>'.encode()


def p(text: str = "", *, props: str = "", runs: str | None = None) -> str:
    """A paragraph: `props` inside w:pPr, `runs` as raw XML (default: one run with `text`)."""
    body = runs if runs is not None else f'<w:r><w:t xml:space="preserve">{text}</w:t></w:r>'
    return f"<w:p>{f'<w:pPr>{props}</w:pPr>' if props else ''}{body}</w:p>"


def numbered(text: str, num_id: int, ilvl: int) -> str:
    return p(text, props=f'<w:numPr><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num_id}"/></w:numPr>')


def read(data: bytes, **kwargs):
    return read_docx(data, "/contracts/fixture.docx", **kwargs)


def texts(extraction, part: Part | None = None) -> list[str]:
    return [block.text for block in extraction.blocks if part is None or block.part is part]


def blank() -> docx.document.Document:
    document = docx.Document()
    body = document.element.body
    for child in list(body):
        if child.tag != f"{{{W_NS}}}sectPr":
            body.remove(child)
    return document


LEGAL_NUMBERING = part_xml(
    "numbering",
    """
    <w:abstractNum w:abstractNumId="10">
      <w:multiLevelType w:val="multilevel"/>
      <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl>
      <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1.%2"/></w:lvl>
      <w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="(%3)"/></w:lvl>
      <w:lvl w:ilvl="3"><w:start w:val="1"/><w:numFmt w:val="lowerRoman"/><w:lvlText w:val="(%4)"/></w:lvl>
      <w:lvl w:ilvl="4"><w:start w:val="1"/><w:numFmt w:val="upperLetter"/><w:lvlText w:val="%5)"/>
        <w:lvlRestart w:val="0"/></w:lvl>
    </w:abstractNum>
    <w:abstractNum w:abstractNumId="20">
      <w:lvl w:ilvl="0"><w:start w:val="4"/><w:numFmt w:val="upperRoman"/><w:lvlText w:val="Article %1"/></w:lvl>
      <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="Section %1.%2"/><w:isLgl/></w:lvl>
    </w:abstractNum>
    <w:abstractNum w:abstractNumId="30">
      <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="bullet"/><w:lvlText w:val="\uf0b7"/></w:lvl>
      <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="none"/><w:lvlText w:val=""/></w:lvl>
    </w:abstractNum>
    <w:num w:numId="1"><w:abstractNumId w:val="10"/></w:num>
    <w:num w:numId="2"><w:abstractNumId w:val="10"/>
      <w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num>
    <w:num w:numId="3"><w:abstractNumId w:val="20"/></w:num>
    <w:num w:numId="4"><w:abstractNumId w:val="30"/></w:num>
    <w:num w:numId="5"><w:abstractNumId w:val="10"/></w:num>
    """,
)


def with_numbering(document: docx.document.Document, numbering: bytes = LEGAL_NUMBERING) -> bytes:
    return with_parts(save(document), {"word/numbering.xml": numbering})


# -- numbering ----------------------------------------------------------------------------------


def test_multilevel_numbering_is_printed_as_word_shows_it():
    document = blank()
    append_xml(
        document,
        numbered("Definitions", 1, 0)
        + numbered("In this Agreement:", 1, 1)
        + numbered("first item", 1, 2)
        + numbered("second item", 1, 2)
        + numbered("sub one", 1, 3)
        + numbered("sub two", 1, 3)
        + numbered("third item", 1, 2)
        + numbered("Use Restrictions", 1, 0)
        + numbered("Customer shall not:", 1, 1)
        + numbered("restarted item", 1, 2)
        + numbered("continues across another num of the same list", 5, 1)
        + numbered("Restarted list", 2, 0),
    )
    blocks = read(with_numbering(document)).blocks
    assert [(b.label, b.text, b.list_level) for b in blocks] == [
        ("1.", "Definitions", 0),
        ("1.1", "In this Agreement:", 1),
        ("(a)", "first item", 2),
        ("(b)", "second item", 2),
        ("(i)", "sub one", 3),
        ("(ii)", "sub two", 3),
        ("(c)", "third item", 2),
        ("2.", "Use Restrictions", 0),
        ("2.1", "Customer shall not:", 1),
        ("(a)", "restarted item", 2),
        ("2.2", "continues across another num of the same list", 1),
        ("1.", "Restarted list", 0),
    ]
    assert all(b.part is Part.BODY and not b.bullet for b in blocks)


def test_roman_articles_legal_numbering_restart_rules_bullets_and_unlabelled_levels():
    document = blank()
    append_xml(
        document,
        numbered("Term", 3, 0)
        + numbered("Renewal", 3, 1)
        + numbered("Termination", 3, 0)
        + numbered("For cause", 3, 1)
        + numbered("never restarts A", 1, 4)
        + numbered("Top", 1, 0)
        + numbered("never restarts B", 1, 4)
        + numbered("a bullet", 4, 0)
        + numbered("an unlabelled level", 4, 1)
        + numbered("not a list", 99, 0),
    )
    blocks = read(with_numbering(document)).blocks
    assert [(b.label, b.text, b.list_level, b.bullet) for b in blocks] == [
        ("Article IV", "Term", 0, False),
        ("Section 4.1", "Renewal", 1, False),  # w:isLgl: the Roman level printed as a decimal
        ("Article V", "Termination", 0, False),
        ("Section 5.1", "For cause", 1, False),
        ("A)", "never restarts A", 4, False),
        ("1.", "Top", 0, False),
        ("B)", "never restarts B", 4, False),  # w:lvlRestart 0
        (None, "a bullet", 0, True),
        (None, "an unlabelled level", 1, False),
        (None, "not a list", None, False),  # an unknown numId numbers nothing
    ]


def test_numbering_and_bullets_from_paragraph_styles():
    document = docx.Document()
    for text in ("first", "second"):
        document.add_paragraph(text, style="List Number")
    document.add_paragraph("a point", style="List Bullet")
    document.add_paragraph("third", style="List Number")
    blocks = read(save(document)).blocks
    assert [(b.label, b.text, b.list_level, b.bullet) for b in blocks] == [
        ("1.", "first", 0, False),
        ("2.", "second", 0, False),
        (None, "a point", 0, True),
        ("3.", "third", 0, False),
    ]


def test_an_empty_numbered_paragraph_is_skipped_but_still_counted():
    document = blank()
    append_xml(
        document,
        numbered("one", 1, 0) + p(runs="", props='<w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr>') + numbered("three", 1, 0),
    )
    assert [(b.label, b.text) for b in read(with_numbering(document)).blocks] == [("1.", "one"), ("3.", "three")]


def test_list_styles_word_2010_custom_formats_and_level_overrides():
    numbering = part_xml(
        "numbering",
        """
        <w:abstractNum w:abstractNumId="40"><w:styleLink w:val="LegalList"/>
          <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl>
          <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1.%2"/></w:lvl>
        </w:abstractNum>
        <w:abstractNum w:abstractNumId="41"><w:numStyleLink w:val="LegalList"/></w:abstractNum>
        <w:abstractNum w:abstractNumId="50">
          <w:lvl w:ilvl="0"><w:start w:val="1"/>
            <mc:AlternateContent><mc:Choice Requires="w14"><w:numFmt w:val="custom" w:format="001, 002, 003, ..."/></mc:Choice>
            <mc:Fallback><w:numFmt w:val="decimal"/></mc:Fallback></mc:AlternateContent>
            <w:lvlText w:val="%1"/></w:lvl>
        </w:abstractNum>
        <w:num w:numId="6"><w:abstractNumId w:val="40"/></w:num>
        <w:num w:numId="7"><w:abstractNumId w:val="41"/></w:num>
        <w:num w:numId="8"><w:abstractNumId w:val="50"/></w:num>
        <w:num w:numId="9"><w:abstractNumId w:val="50"/>
          <w:lvlOverride w:ilvl="0"><w:lvl w:ilvl="0"><w:start w:val="3"/><w:numFmt w:val="lowerLetter"/>
            <w:lvlText w:val="%1)"/></w:lvl></w:lvlOverride></w:num>
        """,
    )
    document = blank()
    list_style = document.styles.add_style("LegalList", WD_STYLE_TYPE.LIST)
    list_style.element.append(fragment('<w:pPr><w:numPr><w:numId w:val="6"/></w:numPr></w:pPr>')[0])
    append_xml(
        document,
        numbered("through the list style", 7, 0)
        + numbered("its second level", 7, 1)
        + numbered("the style's own list continues", 6, 0)
        + numbered("zero padded", 8, 0)
        + numbered("zero padded again", 8, 0)
        + numbered("a replaced level restarts at its start", 9, 0),
    )
    blocks = read(with_numbering(document, numbering)).blocks
    assert [(b.label, b.text) for b in blocks] == [
        ("1.", "through the list style"),
        ("1.1", "its second level"),
        ("2.", "the style's own list continues"),
        ("001", "zero padded"),
        ("002", "zero padded again"),
        ("c)", "a replaced level restarts at its start"),
    ]


@pytest.mark.parametrize(
    ("value", "fmt", "printed"),
    [
        (1, "decimal", "1"),
        (27, "lowerLetter", "aa"),
        (28, "upperLetter", "BB"),
        (4, "upperRoman", "IV"),
        (14, "lowerRoman", "xiv"),
        (7, "decimalZero", "07"),
        (12, "ordinal", "12th"),
        (22, "ordinal", "22nd"),
        (21, "cardinalText", "Twenty-one"),
        (3, "ordinalText", "Third"),
        (40, "ordinalText", "Fortieth"),
        (5, "none", ""),
        (10**9, "lowerLetter", "1000000000"),  # no billion-letter label
        (9, "someFutureFormat", "9"),
    ],
)
def test_number_formats(value, fmt, printed):
    assert format_number(value, fmt) == printed


# -- headings -----------------------------------------------------------------------------------


def test_heading_levels_from_styles_basedon_and_outline_levels():
    document = docx.Document()
    document.add_heading("Master Services Agreement", 0)  # Title: not a heading level
    document.add_heading("Use Restrictions", 1)
    document.add_heading("Prohibited Uses", 2)
    clause = document.styles.add_style("Clause Heading", WD_STYLE_TYPE.PARAGRAPH)
    clause.base_style = document.styles["Heading 3"]
    document.add_paragraph("Based on heading 3", style=clause)
    document.add_paragraph("Plain body text")
    append_xml(document, p("Outline level one", props='<w:outlineLvl w:val="0"/>'))
    append_xml(document, p("Heading style, body-text outline", props='<w:pStyle w:val="Heading1"/><w:outlineLvl w:val="9"/>'))
    blocks = read(save(document)).blocks
    assert [(b.text, b.heading_level) for b in blocks] == [
        ("Master Services Agreement", None),
        ("Use Restrictions", 1),
        ("Prohibited Uses", 2),
        ("Based on heading 3", 3),
        ("Plain body text", None),
        ("Outline level one", 1),
        ("Heading style, body-text outline", None),
    ]


# -- tracked changes, fields, run content ---------------------------------------------------------


def test_tracked_changes_read_as_accepted():
    document = blank()
    append_xml(
        document,
        p(
            runs='<w:r><w:t xml:space="preserve">Customer shall not use the Services </w:t></w:r>'
            '<w:ins w:id="1" w:author="A"><w:r><w:t>for any military purpose</w:t></w:r></w:ins>'
            '<w:del w:id="2" w:author="A"><w:r><w:delText>except as permitted by law</w:delText></w:r></w:del>'
            '<w:moveFrom w:id="3" w:author="A"><w:r><w:t> moved away</w:t></w:r></w:moveFrom>'
            '<w:moveTo w:id="4" w:author="A"><w:r><w:t>.</w:t></w:r></w:moveTo>'
        )
        + p("A sentence whose paragraph mark was deleted ", props='<w:rPr><w:del w:id="5" w:author="A"/></w:rPr>')
        + p("joins the next one."),
    )
    assert texts(read(save(document))) == [
        "Customer shall not use the Services for any military purpose.",
        "A sentence whose paragraph mark was deleted joins the next one.",
    ]


def test_a_paragraph_deleted_in_tracked_changes_does_not_count_in_the_numbering():
    document = blank()
    deleted = (
        '<w:p><w:pPr><w:numPr><w:ilvl w:val="2"/><w:numId w:val="1"/></w:numPr>'
        '<w:rPr><w:del w:id="9" w:author="A"/></w:rPr></w:pPr>'
        '<w:del w:id="8" w:author="A"><w:r><w:delText>use the Services for targeting</w:delText></w:r></w:del></w:p>'
    )
    append_xml(
        document,
        numbered("Restrictions", 1, 0)
        + numbered("Customer shall not:", 1, 1)
        + numbered("resell the Services;", 1, 2)
        + deleted
        + numbered("use the Services for surveillance.", 1, 2),
    )
    blocks = read(with_numbering(document)).blocks
    assert [(b.label, b.text) for b in blocks] == [
        ("1.", "Restrictions"),
        ("1.1", "Customer shall not:"),
        ("(a)", "resell the Services;"),
        ("(b)", "use the Services for surveillance."),
    ]


def test_run_content_fields_hidden_text_and_whitespace():
    document = blank()
    append_xml(
        document,
        p(
            runs='<w:r><w:t xml:space="preserve">  “Prohibited   Use”\u00a0means</w:t><w:tab/><w:t>any</w:t><w:br/>'
            "<w:t>non</w:t><w:noBreakHyphen/><w:t>lethal or le</w:t><w:softHyphen/><w:t>thal use</w:t>"
            '<w:sym w:font="Wingdings" w:char="F0FC"/><w:cr/><w:t>of</w:t></w:r>'
            '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
            '<w:r><w:instrText xml:space="preserve"> REF Exhibit_A \\h </w:instrText></w:r>'
            '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t xml:space="preserve"> Exhibit A</w:t></w:r>'
            '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
            "<w:r><w:rPr><w:vanish/></w:rPr><w:t>HIDDEN</w:t></w:r>"
            '<w:r><w:rPr><w:vanish w:val="0"/></w:rPr><w:t xml:space="preserve"> (see </w:t></w:r>'
            '<w:fldSimple w:instr=" PAGE "><w:r><w:t>4</w:t></w:r></w:fldSimple>'
            '<w:hyperlink r:id="rId99"><w:r><w:t>)</w:t></w:r></w:hyperlink>'
        ),
    )
    assert texts(read(save(document))) == ["“Prohibited Use” means any non-lethal or lethal use of Exhibit A (see 4)"]


def test_content_controls_at_block_and_run_level():
    document = blank()
    append_xml(
        document,
        '<w:sdt><w:sdtPr><w:alias w:val="Clause"/></w:sdtPr><w:sdtContent>'
        + p("Customer shall comply with the Acceptable Use Policy.")
        + "</w:sdtContent></w:sdt>"
        + p(
            runs='<w:r><w:t xml:space="preserve">Licensee: </w:t></w:r>'
            "<w:sdt><w:sdtPr><w:text/></w:sdtPr><w:sdtContent><w:r><w:t>Acme Corp</w:t></w:r></w:sdtContent></w:sdt>"
            "<w:r><w:t>.</w:t></w:r>"
        ),
    )
    assert texts(read(save(document))) == ["Customer shall comply with the Acceptable Use Policy.", "Licensee: Acme Corp."]


# -- tables and text boxes ----------------------------------------------------------------------


def test_tables_nested_tables_and_merged_cells_once_in_row_order():
    document = docx.Document()
    document.add_paragraph("Before the table.")
    table = document.add_table(rows=3, cols=3)
    table.cell(0, 0).text = "Use"
    table.cell(0, 1).text = "Permitted"
    table.cell(0, 2).text = "Notes"
    wide = table.cell(1, 0).merge(table.cell(1, 1))  # gridSpan
    wide.text = "Horizontally merged"
    tall = table.cell(1, 2).merge(table.cell(2, 2))  # vMerge restart + continue
    tall.text = "Vertically merged"
    inner = table.cell(2, 0).add_table(rows=1, cols=2)
    inner.cell(0, 0).text = "Nested A"
    inner.cell(0, 1).text = "Nested B"
    table.cell(2, 1).text = "Last cell"
    document.add_paragraph("After the table.")
    extraction = read(save(document))
    assert [(b.text, b.part) for b in extraction.blocks] == [
        ("Before the table.", Part.BODY),
        ("Use | Permitted | Notes", Part.TABLE),
        ("Horizontally merged | Vertically merged", Part.TABLE),
        ("Nested A | Nested B | Last cell", Part.TABLE),
        ("After the table.", Part.BODY),
    ]


def test_vertically_merged_continuation_cell_text_is_not_repeated():
    document = blank()
    cell = "<w:tc><w:tcPr>{merge}</w:tcPr>{content}</w:tc>"
    append_xml(
        document,
        "<w:tbl><w:tblGrid><w:gridCol/><w:gridCol/></w:tblGrid>"
        "<w:tr>" + cell.format(merge='<w:vMerge w:val="restart"/>', content=p("Merged once")) + cell.format(merge="", content=p("r1")) + "</w:tr>"
        "<w:tr>" + cell.format(merge="<w:vMerge/>", content=p("Merged once")) + cell.format(merge="", content=p("r2")) + "</w:tr>"
        '<w:tr><w:trPr><w:del w:id="1" w:author="A"/></w:trPr>' + cell.format(merge="", content=p("deleted row")) + "</w:tr>"
        "</w:tbl>",
    )
    assert texts(read(save(document))) == ["Merged once | r1", "r2"]


TEXTBOX_CONTENT = "<w:txbxContent>" + p("Boxed: no use for mass surveillance.") + "</w:txbxContent>"
TEXTBOX_RUN = (
    '<w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wp:anchor><wp:docPr id="1" name="Text Box 1"/>'
    '<a:graphic><a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
    f"<wps:wsp><wps:txbx>{TEXTBOX_CONTENT}</wps:txbx></wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing>"
    f"</mc:Choice><mc:Fallback><w:pict><v:shape><v:textbox>{TEXTBOX_CONTENT}</v:textbox></v:shape></w:pict>"
    "</mc:Fallback></mc:AlternateContent></w:r>"
)


def test_text_box_read_once_after_its_anchor_and_not_inside_it():
    document = blank()
    append_xml(
        document,
        p("First paragraph.")
        + p(runs='<w:r><w:t xml:space="preserve">Anchor paragraph. </w:t></w:r>' + TEXTBOX_RUN + "<w:r><w:t>More anchor text.</w:t></w:r>")
        + p("Last paragraph."),
    )
    assert [(b.text, b.part) for b in read(save(document)).blocks] == [
        ("First paragraph.", Part.BODY),
        ("Anchor paragraph. More anchor text.", Part.BODY),
        ("Boxed: no use for mass surveillance.", Part.TEXTBOX),
        ("Last paragraph.", Part.BODY),
    ]


def test_a_vml_only_text_box_in_an_otherwise_empty_paragraph():
    document = blank()
    append_xml(document, p(runs=f"<w:r><w:pict><v:shape><v:textbox>{TEXTBOX_CONTENT}</v:textbox></v:shape></w:pict></w:r>"))
    assert [(b.text, b.part) for b in read(save(document)).blocks] == [("Boxed: no use for mass surveillance.", Part.TEXTBOX)]


# -- notes, headers and footers -------------------------------------------------------------------

NOTES_SEPARATORS = (
    '<w:{kind} w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:{kind}>'
    '<w:{kind} w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p></w:{kind}>'
)


def note(kind: str, note_id: int, *paragraphs: str) -> str:
    ref = "FootnoteReference" if kind == "footnote" else "EndnoteReference"
    first, *rest = paragraphs
    body = f'<w:p><w:r><w:rPr><w:rStyle w:val="{ref}"/></w:rPr><w:{kind}Ref/></w:r><w:r><w:t xml:space="preserve"> {first}</w:t></w:r></w:p>' + "".join(
        p(text) for text in rest
    )
    return f'<w:{kind} w:id="{note_id}">{body}</w:{kind}>'


def test_footnotes_and_endnotes_after_the_body_without_reference_marks():
    document = blank()
    append_xml(
        document,
        p(
            runs="<w:r><w:t>Customer shall not use the Services for lethal operations.</w:t></w:r>"
            '<w:r><w:rPr><w:rStyle w:val="FootnoteReference"/></w:rPr><w:footnoteReference w:id="2"/></w:r>'
            '<w:r><w:t xml:space="preserve"> See also the policy.</w:t></w:r>'
            '<w:r><w:rPr><w:rStyle w:val="EndnoteReference"/></w:rPr><w:endnoteReference w:id="1"/></w:r>'
            '<w:del w:id="7" w:author="A"><w:r><w:footnoteReference w:id="3"/></w:r></w:del>'
        )
        + p(runs='<w:r><w:t xml:space="preserve">Second </w:t></w:r><w:r><w:footnoteReference w:id="1"/></w:r>'),
    )
    footnotes = part_xml(
        "footnotes",
        NOTES_SEPARATORS.format(kind="footnote")
        + note("footnote", 1, "Footnote one.")
        + note("footnote", 2, "Lethal operations include military targeting.", "A second paragraph.")
        + note("footnote", 3, "A note whose reference was deleted."),
    )
    endnotes = part_xml("endnotes", NOTES_SEPARATORS.format(kind="endnote") + note("endnote", 1, "The endnote."))
    data = with_parts(
        save(document),
        {"word/footnotes.xml": footnotes, "word/endnotes.xml": endnotes},
        rels=(("rId90", "footnotes", "footnotes.xml"), ("rId91", "endnotes", "endnotes.xml")),
    )
    assert [(b.text, b.part) for b in read(data).blocks] == [
        ("Customer shall not use the Services for lethal operations. See also the policy.", Part.BODY),
        ("Second", Part.BODY),
        ("Lethal operations include military targeting.", Part.FOOTNOTE),
        ("A second paragraph.", Part.FOOTNOTE),
        ("Footnote one.", Part.FOOTNOTE),
        ("The endnote.", Part.ENDNOTE),
    ]


def test_headers_and_footers_once_even_when_sections_share_them():
    document = docx.Document()
    section = document.sections[0]
    section.header.paragraphs[0].text = "Lumen Harbor MSA - Confidential"
    section.footer.paragraphs[0].text = "Footer text"
    document.add_paragraph("Section one body.")
    document.add_section()  # linked to the previous header/footer (inherits them)
    document.add_paragraph("Section two body.")
    document.add_section()
    document.add_paragraph("Section three body.")
    # the third section names the very same header part explicitly
    first_ref = document.sections[0]._sectPr.find(f"{{{W_NS}}}headerReference")
    document.sections[2]._sectPr.insert(0, etree.fromstring(etree.tostring(first_ref)))
    extraction = read(save(document))
    assert [(b.text, b.part) for b in extraction.blocks] == [
        ("Section one body.", Part.BODY),
        ("Section two body.", Part.BODY),
        ("Section three body.", Part.BODY),
        ("Lumen Harbor MSA - Confidential", Part.HEADER),
        ("Footer text", Part.FOOTER),
    ]
    # the sections start new pages: the header shows from page 1
    assert [b.page for b in extraction.blocks] == [1, 2, 3, 1, 1]
    assert extraction.pages == 3


def test_page_field_in_a_footer_shows_its_cached_result_and_first_page_header_needs_titlepg():
    document = docx.Document()
    section = document.sections[0]
    footer = section.footer.paragraphs[0]
    for run in fragment(
        '<w:r><w:t xml:space="preserve">Page </w:t></w:r><w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        '<w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r>'
        '<w:r><w:t>1</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>'
    ):
        footer._p.append(run)
    section.first_page_header.paragraphs[0].text = "First page header"
    section.different_first_page_header_footer = False  # referenced but not displayed
    document.add_paragraph("Body.")
    assert texts(read(save(document))) == ["Body.", "Page 1"]
    section.different_first_page_header_footer = True
    assert texts(read(save(document))) == ["Body.", "First page header", "Page 1"]


# -- pages --------------------------------------------------------------------------------------


def test_explicit_page_break_gives_page_two():
    document = docx.Document()
    document.add_paragraph("Page one text.")
    document.add_page_break()
    document.add_paragraph("Page two text.")
    extraction = read(save(document))
    assert [(b.text, b.page) for b in extraction.blocks] == [("Page one text.", 1), ("Page two text.", 2)]
    assert extraction.pages == 2


def test_no_page_information_means_no_pages():
    document = docx.Document()
    document.add_paragraph("Only text.")
    document.add_paragraph("More text.")
    extraction = read(save(document))
    assert extraction.pages is None
    assert [b.page for b in extraction.blocks] == [None, None]


def test_page_breaks_inside_a_paragraph_rendered_breaks_and_page_break_before():
    document = blank()
    append_xml(
        document,
        p(runs='<w:r><w:t>Starts on one</w:t><w:br w:type="page"/><w:t>ends on two.</w:t></w:r>')
        + p(runs="<w:r><w:lastRenderedPageBreak/><w:t>Word laid this out on page three.</w:t></w:r>")
        + p(runs='<w:r><w:t>Then a break</w:t></w:r><w:r><w:br w:type="page"/></w:r>')
        + p(runs="<w:r><w:lastRenderedPageBreak/><w:t>on four (the rendered break repeats the explicit one).</w:t></w:r>")
        + p("Five.", props="<w:pageBreakBefore/>")
        + p(runs="<w:r><w:t>A box</w:t></w:r>" + TEXTBOX_RUN.replace("Boxed:", "Boxed on five:")),
    )
    extraction = read(save(document))
    assert [(b.text, b.page, b.page_breaks) for b in extraction.blocks] == [
        ("Starts on one ends on two.", 1, ((14, 2),)),
        ("Word laid this out on page three.", 3, ()),
        ("Then a break", 3, ()),
        ("on four (the rendered break repeats the explicit one).", 4, ()),
        ("Five.", 5, ()),
        ("A box", 5, ()),
        ("Boxed on five: no use for mass surveillance.", 5, ()),
    ]
    assert extraction.blocks[0].text[14:].startswith("ends")
    assert extraction.pages == 5


def test_continuous_section_break_starts_no_page():
    document = blank()
    append_xml(
        document,
        p("Section one.", props='<w:sectPr><w:type w:val="continuous"/></w:sectPr>')
        + p("Still page one.", props="")
        + p("Next section on a new page.", props="<w:sectPr/>")
        + p("Page two."),
    )
    body_section = document.element.body.sectPr
    body_section.insert(0, etree.fromstring(f'<w:type xmlns:w="{W_NS}" w:val="nextPage"/>'))
    # section 2 (continuous) follows section 1 on the same page; section 3 starts a new page
    section_two = document.element.body.findall(f".//{{{W_NS}}}sectPr")[1]
    section_two.append(etree.fromstring(f'<w:type xmlns:w="{W_NS}" w:val="continuous"/>'))
    extraction = read(save(document))
    assert [(b.text, b.page) for b in extraction.blocks] == [
        ("Section one.", 1),
        ("Still page one.", 1),
        ("Next section on a new page.", 1),
        ("Page two.", 2),
    ]


# -- errors and hostile input ---------------------------------------------------------------------


def test_not_a_zip_is_corrupt():
    with pytest.raises(ReadError) as error:
        read(b"PK\x03\x04 this is not really a zip file")
    assert error.value.code == "corrupt-docx"
    assert error.value.message.startswith("/contracts/fixture.docx: ")


def test_truncated_docx_is_corrupt():
    data = save(docx.Document())
    with pytest.raises(ReadError) as error:
        read(data[: len(data) // 2])
    assert error.value.code == "corrupt-docx"


def test_zip_without_document_xml_is_corrupt():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr("word/styles.xml", "<styles/>")
    with pytest.raises(ReadError) as error:
        read(buffer.getvalue())
    assert error.value.code == "corrupt-docx"
    assert "word/document.xml" in error.value.message


def test_malformed_document_xml_is_corrupt():
    data = with_parts(save(docx.Document()), {"word/document.xml": b"<w:document><w:body><w:p>"})
    with pytest.raises(ReadError) as error:
        read(data)
    assert error.value.code == "corrupt-docx"
    assert "word/document.xml" in error.value.message


def test_document_without_text_is_empty():
    document = docx.Document()
    document.add_paragraph("")
    document.add_paragraph("   ")
    with pytest.raises(ReadError) as error:
        read(save(document))
    assert error.value.code == "empty-document"


def test_legacy_doc_and_rtf_with_a_docx_name():
    with pytest.raises(ReadError) as error:
        read(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600))
    assert error.value.code == "unsupported-legacy-doc"
    with pytest.raises(ReadError) as error:
        read(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptedPackage".encode("utf-16-le") + bytes(600))
    assert error.value.code == "encrypted"
    with pytest.raises(ReadError) as error:
        read(b"{\\rtf1\\ansi hello}")
    assert error.value.code == "unsupported-legacy-doc"


def _raw_zip(members: list[tuple[str, bytes, int, int]]) -> bytes:
    """A ZIP written by hand: (name, deflated bytes, crc32, declared uncompressed size)."""
    local, central = io.BytesIO(), io.BytesIO()
    for name, compressed, crc, size in members:
        offset = local.tell()
        encoded = name.encode()
        local.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0, crc, len(compressed), size, len(encoded), 0))
        local.write(encoded)
        local.write(compressed)
        central.write(
            struct.pack(
                "<IHHHHHHIIIHHHHHII",
                0x02014B50,
                20,
                20,
                0,
                8,
                0,
                0,
                crc,
                len(compressed),
                size,
                len(encoded),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
        )
        central.write(encoded)
    directory = central.getvalue()
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(directory), local.tell(), 0)
    return local.getvalue() + directory + end


def _deflate(data: bytes) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush()


def _zeros_deflated(megabytes: int) -> bytes:
    """`megabytes` MB of zeros, deflated quickly: one fully flushed 1 MB block repeated."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = compressor.compress(bytes(1 << 20)) + compressor.flush(zlib.Z_FULL_FLUSH)
    return block * megabytes + zlib.compressobj(9, zlib.DEFLATED, -15).flush()


def _bomb_package(document_compressed: bytes, crc: int, declared: int) -> bytes:
    rels = (
        b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
        b'Target="word/document.xml"/></Relationships>'
    )
    return _raw_zip(
        [
            ("_rels/.rels", _deflate(rels), zlib.crc32(rels), len(rels)),
            ("word/document.xml", document_compressed, crc, declared),
        ]
    )


def test_zip_bomb_is_refused_before_it_is_inflated():
    size = 300 << 20  # 300 MB of zeros, about 300 KB compressed
    data = _bomb_package(_zeros_deflated(300), crc=0, declared=size)
    assert len(data) < 1 << 20
    started = time.perf_counter()
    with pytest.raises(ReadError) as error:
        read(data)  # the default limit
    assert error.value.code == "too-large"
    assert time.perf_counter() - started < 1.0


def test_zip_bomb_with_a_small_limit_and_a_lying_size_header():
    real = _zeros_deflated(8)
    crc = 0
    for _ in range(8):
        crc = zlib.crc32(bytes(1 << 20), crc)
    with pytest.raises(ReadError) as error:
        read(_bomb_package(real, crc, declared=8 << 20), max_uncompressed=1 << 20)
    assert error.value.code == "too-large"
    # the header claims 1 KB but the member inflates to 8 MB: the read stops at the claim
    with pytest.raises(ReadError) as error:
        read(_bomb_package(real, crc, declared=1024), max_uncompressed=1 << 20)
    assert error.value.code in ("corrupt-docx", "too-large")


def test_many_parts_each_small_but_together_too_large():
    document = docx.Document()
    document.add_paragraph("Body.")
    filler = b"<w:hdr " + XMLNS.encode() + b"><w:p/>" + b" " * 300_000 + b"</w:hdr>"
    data = with_parts(
        save(document),
        {f"word/header{i}.xml": filler for i in range(10, 16)},
        rels=tuple((f"rId{i}", "header", f"header{i}.xml") for i in range(10, 16)),
    )
    assert read(data).blocks[0].text == "Body."
    with pytest.raises(ReadError) as error:
        read(data, max_uncompressed=1_500_000)
    assert error.value.code == "too-large"


BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i > 1 else "&lol;" * 10}">' for i in range(1, 10))
    + "]>"
)


def _document(prolog: str, text: str) -> bytes:
    return f"{prolog}<w:document {XMLNS}><w:body><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:body></w:document>".encode()


def test_billion_laughs_is_not_expanded():
    data = with_parts(save(docx.Document()), {"word/document.xml": _document(BILLION_LAUGHS, "Safe &lol9; text")})
    started = time.perf_counter()
    try:
        blocks = read(data).blocks
    except ReadError as error:
        assert error.code == "corrupt-docx"
        assert "DTD" in error.message
    else:
        assert [b.text for b in blocks] == ["Safe text"]
    assert time.perf_counter() - started < 1.0


def test_external_entity_is_not_resolved(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT")
    prolog = f'<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY xxe SYSTEM "{secret.as_uri()}">]>'
    for target in (secret.as_uri(), "file:///etc/passwd"):
        data = with_parts(
            save(docx.Document()),
            {"word/document.xml": _document(prolog.replace(secret.as_uri(), target), "Before &xxe; after")},
        )
        try:
            blocks = read(data).blocks
        except ReadError as error:
            assert error.code == "corrupt-docx"
            assert "TOP-SECRET" not in error.message and "root:" not in error.message
        else:
            assert [b.text for b in blocks] == ["Before after"]


def test_parameter_entity_pointing_at_a_file_is_not_loaded(tmp_path):
    secret = tmp_path / "evil.dtd"
    secret.write_text('<!ENTITY leaked "TOP-SECRET-CONTENT">')
    prolog = f'<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY % ext SYSTEM "{secret.as_uri()}"> %ext;]>'
    data = with_parts(save(docx.Document()), {"word/document.xml": _document(prolog, "Text &leaked; here")})
    try:
        blocks = read(data).blocks
    except ReadError as error:
        assert error.code == "corrupt-docx"
    else:
        assert "TOP-SECRET" not in " ".join(b.text for b in blocks)


# -- odds and ends ------------------------------------------------------------------------------


def test_blocks_carry_the_file_path_and_the_extraction_its_format():
    document = docx.Document()
    document.add_paragraph("Hello.")
    extraction = read(save(document))
    assert extraction.format == "docx"
    assert extraction.blocks[0].file == "/contracts/fixture.docx"


def test_strict_ooxml_namespaces_are_read():
    document = docx.Document()
    document.add_paragraph("Strict text.")
    data = save(document)
    source = zipfile.ZipFile(io.BytesIO(data))
    body = source.read("word/document.xml").replace(W_NS.encode(), b"http://purl.oclc.org/ooxml/wordprocessingml/main")
    assert texts(read(with_parts(data, {"word/document.xml": body}))) == ["Strict text."]


def test_a_forty_page_contract_reads_quickly():
    document = blank()
    sentence = "Customer shall not use the Services to identify, locate or target any person for surveillance. "
    runs = '<w:r><w:rPr><w:b/></w:rPr><w:t xml:space="preserve">{0}</w:t></w:r><w:r><w:t xml:space="preserve">{0}</w:t></w:r>'
    paragraph = p(runs=runs.format(sentence * 2) * 2)
    listed = p(runs=runs.format(sentence * 2) * 2, props='<w:pStyle w:val="ListNumber"/>')
    append_xml(document, "".join(listed if index % 3 else paragraph for index in range(300)))
    data = save(document)
    read(data)  # warm up (styles are parsed once per template)
    started = time.perf_counter()
    extraction = read(data)
    elapsed = time.perf_counter() - started
    assert sum(len(b.text.split()) for b in extraction.blocks) > 20_000
    assert extraction.blocks[1].label == "1."
    assert elapsed < 0.5  # ~20 ms on a quiet machine; generous for loaded CI runners


def test_zero_bytes_is_an_empty_document():
    with pytest.raises(ReadError) as error:
        read(b"")
    assert error.value.code == "empty-document"


def test_an_opendocument_file_with_a_docx_name():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        package.writestr("content.xml", "<office:document-content/>")
    with pytest.raises(ReadError) as error:
        read(buffer.getvalue())
    assert error.value.code == "unsupported-legacy-doc"


def test_absurdly_deep_nesting_is_an_error_not_a_crash():
    depth = 3000
    nested = "<w:sdt><w:sdtContent>" * depth + p("deep") + "</w:sdtContent></w:sdt>" * depth
    data = with_parts(save(docx.Document()), {"word/document.xml": part_xml("document", f"<w:body>{nested}</w:body>")})
    try:
        assert texts(read(data)) == ["deep"]
    except ReadError as error:
        assert error.code == "corrupt-docx"


def test_identical_running_text_in_two_header_parts_is_read_once():
    document = docx.Document()
    section = document.sections[0]
    section.different_first_page_header_footer = True
    section.first_page_header.paragraphs[0].text = "Confidential"
    section.header.paragraphs[0].text = "Confidential"
    section.footer.paragraphs[0].text = "Confidential"
    document.add_paragraph("Body.")
    assert [(b.text, b.part) for b in read(save(document)).blocks] == [
        ("Body.", Part.BODY),
        ("Confidential", Part.HEADER),
        ("Confidential", Part.FOOTER),
    ]
