"""Write a Contract as a DOCX package, byte-for-byte deterministic.

The package is written from scratch (no template): fixed part order, fixed zip timestamps,
stored (uncompressed) entries so the bytes do not depend on the zlib build, fixed core
properties. Text boxes are VML (`w:pict/v:shape/v:textbox/w:txbxContent`), one copy of the text.
"""

from __future__ import annotations

import io
import zipfile
from xml.sax.saxutils import escape

from .numbering import BULLET_NUM_ID, CANONICAL, INDENT_STEPS, NumberingPlan
from .source import Block, Contract, Span, column_weights

FIXED_DATE = "2026-01-15T00:00:00Z"
ZIP_DATE = (2026, 1, 15, 0, 0, 0)
CHANGE_AUTHOR = "Counsel"
DOC_AUTHOR = "clauselint corpus"

NS_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS_DECL = (f'xmlns:w="{NS_W}" xmlns:r="{NS_R}" xmlns:v="urn:schemas-microsoft-com:vml" '
           'xmlns:o="urn:schemas-microsoft-com:office:office"')
XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
CT = "application/vnd.openxmlformats-officedocument.wordprocessingml"

PAGE = {"us": (12240, 15840), "uk": (11906, 16838)}
MARGIN = 1440


def _t(text: str) -> str:
    return escape(text)


def _a(text: str) -> str:
    return escape(text, {'"': "&quot;"})


class _Writer:
    def __init__(self, contract: Contract) -> None:
        self.c = contract
        self.meta = contract.meta
        self.next_id = 1  # w:ins / w:del ids
        self.fn_number = {key: n for n, key in enumerate(contract.footnotes, start=1)}
        self.textboxes = 0
        kinds = set()
        for b in _walk(contract.blocks):
            if b.kind == "item" or (b.kind == "heading" and b.label is not None):
                kinds.add(b.label.kind)
        self.level_of = {k: i for i, k in enumerate(k for k in CANONICAL if k in kinds)}
        self.auto = self.meta["numbering"] == "auto"
        self.plan = NumberingPlan(kinds)
        self.has_bullets = any(b.kind == "bullet" for b in _walk(contract.blocks))
        width, _ = PAGE[self.meta["style"]]
        self.text_width = width - 2 * MARGIN

    # ------------------------------------------------------------------ runs

    def _rpr(self, span: Span, extra: str = "") -> str:
        inner = ("<w:b/>" if span.bold else "") + ("<w:i/>" if span.italic else "") + extra
        return f"<w:rPr>{inner}</w:rPr>" if inner else ""

    def _run(self, span: Span) -> str:
        if span.fn is not None:
            return ('<w:r><w:rPr><w:rStyle w:val="FootnoteReference"/><w:vertAlign w:val="superscript"/>'
                    f'</w:rPr><w:footnoteReference w:id="{self.fn_number[span.fn]}"/></w:r>')
        tag = "w:delText" if span.change == "del" else "w:t"
        return f'<w:r>{self._rpr(span)}<{tag} xml:space="preserve">{_t(span.text)}</{tag}></w:r>'

    def runs(self, spans: list[Span]) -> str:
        out, i = [], 0
        while i < len(spans):
            change = spans[i].change
            j = i
            while j < len(spans) and spans[j].change == change:
                j += 1
            inner = "".join(self._run(s) for s in spans[i:j])
            if change:
                tag = "w:ins" if change == "ins" else "w:del"
                out.append(f'<{tag} w:id="{self.next_id}" w:author="{CHANGE_AUTHOR}" w:date="{FIXED_DATE}">'
                           f"{inner}</{tag}>")
                self.next_id += 1
            else:
                out.append(inner)
            i = j
        return "".join(out)

    # ------------------------------------------------------------------ blocks

    @staticmethod
    def _p(ppr: str, body: str) -> str:
        return f"<w:p>{'<w:pPr>' + ppr + '</w:pPr>' if ppr else ''}{body}</w:p>"

    def block(self, b: Block) -> str:
        if b.kind == "title":
            return self._p('<w:pStyle w:val="Title"/>', self.runs(b.spans))
        if b.kind == "heading":
            style = f'<w:pStyle w:val="Heading{b.level}"/>'
            if self.auto and b.label is not None:
                num_id, ilvl = self.plan.place(b.label)
                return self._p(style + _numpr(num_id, ilvl), self.runs(b.rest_spans))
            return self._p(style, self.runs(b.spans))
        if b.kind == "item":
            if self.auto:
                num_id, ilvl = self.plan.place(b.label)
                return self._p('<w:pStyle w:val="ListParagraph"/>' + _numpr(num_id, ilvl), self.runs(b.spans))
            left = 720 * (INDENT_STEPS[b.label.kind] + 1)
            ppr = f'<w:tabs><w:tab w:val="left" w:pos="{left}"/></w:tabs><w:ind w:left="{left}" w:hanging="720"/>'
            label = f'<w:r><w:t xml:space="preserve">{_t(b.label.text)}</w:t></w:r><w:r><w:tab/></w:r>'
            return self._p(ppr, label + self.runs(b.spans))
        if b.kind == "bullet":
            return self._p('<w:pStyle w:val="ListParagraph"/>' + _numpr(BULLET_NUM_ID, 0), self.runs(b.spans))
        if b.kind == "para":
            return self._p("", self.runs(b.spans))
        if b.kind == "pagebreak":
            return '<w:p><w:r><w:br w:type="page"/></w:r></w:p>'
        if b.kind == "table":
            return self.table(b, self.text_width)
        if b.kind == "textbox":
            return self.textbox(b)
        raise AssertionError(b.kind)

    def table(self, b: Block, width: int) -> str:
        weights = column_weights(b.rows)
        cols = [int(width * w) for w in weights]
        out = ['<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/>'
               f'<w:tblW w:w="{sum(cols)}" w:type="dxa"/><w:tblBorders>'
               + "".join(f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
                         for side in ("top", "left", "bottom", "right", "insideH", "insideV"))
               + '</w:tblBorders><w:tblLayout w:type="fixed"/><w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" '
               'w:firstColumn="0" w:lastColumn="0" w:noHBand="0" w:noVBand="1"/></w:tblPr><w:tblGrid>']
        out += [f'<w:gridCol w:w="{c}"/>' for c in cols]
        out.append("</w:tblGrid>")
        for r, row in enumerate(b.rows):
            out.append("<w:tr>" + ("<w:trPr><w:tblHeader/></w:trPr>" if r == 0 else ""))
            for c, cell in enumerate(row):
                spans = [Span(s.text, True, s.italic, s.change, s.fn) for s in cell] if r == 0 else cell
                out.append(f'<w:tc><w:tcPr><w:tcW w:w="{cols[c]}" w:type="dxa"/></w:tcPr>'
                           + self._p('<w:spacing w:after="0"/>', self.runs(spans)) + "</w:tc>")
            out.append("</w:tr>")
        out.append("</w:tbl>")
        return "".join(out)

    def textbox(self, b: Block) -> str:
        self.textboxes += 1
        n = self.textboxes
        width_pt = self.text_width / 20 - 36
        self.plan.break_list()  # lists in a text box are lists of their own
        inner = "".join(self.table(c, int(width_pt * 20) - 300) if c.kind == "table" else self.block(c)
                        for c in b.children)
        self.plan.break_list()
        if b.children[-1].kind == "table":
            inner += "<w:p/>"
        # a height estimate; Word grows the box to fit (mso-fit-shape-to-text)
        lines = 0
        for c in b.children:
            text_len = sum(len(s.text) for s in c.spans) + sum(len(s.text) for row in c.rows for cell in row for s in cell)
            lines += max(1, -(-text_len // int(width_pt / 5.2))) + (len(c.rows) if c.rows else 0) + 1
        height_pt = 14 * lines + 12
        shapetype = ""
        if n == 1:
            shapetype = ('<v:shapetype id="_x0000_t202" coordsize="21600,21600" o:spt="202" '
                         'path="m,l,21600r21600,l21600,xe"><v:stroke joinstyle="miter"/>'
                         '<v:path gradientshapeok="t" o:connecttype="rect"/></v:shapetype>')
        return ('<w:p><w:pPr><w:spacing w:before="120" w:after="120"/></w:pPr><w:r><w:pict>' + shapetype
                + f'<v:shape id="TextBox{n}" o:spid="_x0000_s{1024 + n}" type="#_x0000_t202" '
                f'style="width:{width_pt:.0f}pt;height:{height_pt}pt;mso-wrap-style:square" '
                'strokecolor="black" strokeweight=".75pt"><v:textbox style="mso-fit-shape-to-text:t" '
                'inset="7.2pt,3.6pt,7.2pt,3.6pt"><w:txbxContent>' + inner
                + "</w:txbxContent></v:textbox></v:shape></w:pict></w:r></w:p>")

    # ------------------------------------------------------------------ parts

    def document(self) -> str:
        body = [self.block(b) for b in self.c.blocks]
        if self.c.blocks[-1].kind == "table":
            body.append("<w:p/>")
        width, height = PAGE[self.meta["style"]]
        refs = ""
        if self.meta["header"]:
            refs += '<w:headerReference w:type="default" r:id="rIdHeader1"/>'
        if self.meta["footer"]:
            refs += '<w:footerReference w:type="default" r:id="rIdFooter1"/>'
        sect = (f'<w:sectPr>{refs}<w:pgSz w:w="{width}" w:h="{height}"/>'
                f'<w:pgMar w:top="{MARGIN}" w:right="{MARGIN}" w:bottom="{MARGIN}" w:left="{MARGIN}" '
                'w:header="720" w:footer="720" w:gutter="0"/><w:cols w:space="720"/></w:sectPr>')
        return f"{XML_HEAD}<w:document {NS_DECL}><w:body>{''.join(body)}{sect}</w:body></w:document>"

    def footnotes(self) -> str:
        sep = ('<w:footnote w:type="separator" w:id="-1"><w:p><w:pPr><w:spacing w:after="0" w:line="240" '
               'w:lineRule="auto"/></w:pPr><w:r><w:separator/></w:r></w:p></w:footnote>'
               '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:pPr><w:spacing w:after="0" '
               'w:line="240" w:lineRule="auto"/></w:pPr><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>')
        notes = []
        for key, spans in self.c.footnotes.items():
            notes.append(f'<w:footnote w:id="{self.fn_number[key]}"><w:p><w:pPr><w:pStyle w:val="FootnoteText"/>'
                         '</w:pPr><w:r><w:rPr><w:rStyle w:val="FootnoteReference"/></w:rPr><w:footnoteRef/></w:r>'
                         '<w:r><w:t xml:space="preserve"> </w:t></w:r>' + self.runs(spans) + "</w:p></w:footnote>")
        return f"{XML_HEAD}<w:footnotes {NS_DECL}>{sep}{''.join(notes)}</w:footnotes>"

    def header_footer(self, tag: str, spans: list[Span], style: str) -> str:
        body = []
        for span in spans:
            parts = _split_fields(span.text)
            for kind, value in parts:
                if kind == "text":
                    body.append(self.runs([Span(value, span.bold, span.italic, span.change)]))
                else:
                    body.append(f'<w:fldSimple w:instr=" {value} \\* MERGEFORMAT "><w:r>{self._rpr(span)}'
                                '<w:t>1</w:t></w:r></w:fldSimple>')
        para = self._p(f'<w:pStyle w:val="{style}"/><w:jc w:val="center"/>', "".join(body))
        return f"{XML_HEAD}<w:{tag} {NS_DECL}>{para}</w:{tag}>"

    def numbering(self) -> str:
        return (f'{XML_HEAD}<w:numbering xmlns:w="{NS_W}">{self.plan.xml(self.has_bullets)}</w:numbering>')

    def settings(self) -> str:
        fn = ('<w:footnotePr><w:footnote w:id="-1"/><w:footnote w:id="0"/></w:footnotePr>'
              if self.c.footnotes else "")
        return (f'{XML_HEAD}<w:settings xmlns:w="{NS_W}"><w:defaultTabStop w:val="720"/>'
                f'<w:characterSpacingControl w:val="doNotCompress"/>{fn}<w:compat>'
                '<w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" '
                'w:val="15"/></w:compat></w:settings>')

    def core(self) -> str:
        return (f'{XML_HEAD}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
                'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
                'xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
                f'<dc:title>{_t(self.meta["title"])}</dc:title><dc:creator>{DOC_AUTHOR}</dc:creator>'
                f'<cp:lastModifiedBy>{DOC_AUTHOR}</cp:lastModifiedBy><cp:revision>1</cp:revision>'
                f'<dcterms:created xsi:type="dcterms:W3CDTF">{FIXED_DATE}</dcterms:created>'
                f'<dcterms:modified xsi:type="dcterms:W3CDTF">{FIXED_DATE}</dcterms:modified></cp:coreProperties>')

    def app(self) -> str:
        return (f'{XML_HEAD}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
                'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
                '<Application>clauselint corpus build</Application><DocSecurity>0</DocSecurity></Properties>')

    def package(self) -> list[tuple[str, str]]:
        document = self.document()  # first: it numbers the lists and tracked changes
        footnotes = self.footnotes() if self.c.footnotes else None
        header = self.header_footer("hdr", self.c.header, "Header") if self.meta["header"] else None
        footer = self.header_footer("ftr", self.c.footer, "Footer") if self.meta["footer"] else None
        overrides = [("/word/document.xml", f"{CT}.document.main+xml"), ("/word/styles.xml", f"{CT}.styles+xml"),
                     ("/word/settings.xml", f"{CT}.settings+xml"), ("/word/numbering.xml", f"{CT}.numbering+xml")]
        rels = [("rIdStyles", "styles", "styles.xml"), ("rIdSettings", "settings", "settings.xml"),
                ("rIdNumbering", "numbering", "numbering.xml")]
        parts = []
        if footnotes:
            overrides.append(("/word/footnotes.xml", f"{CT}.footnotes+xml"))
            rels.append(("rIdFootnotes", "footnotes", "footnotes.xml"))
            parts.append(("word/footnotes.xml", footnotes))
        if header:
            overrides.append(("/word/header1.xml", f"{CT}.header+xml"))
            rels.append(("rIdHeader1", "header", "header1.xml"))
            parts.append(("word/header1.xml", header))
        if footer:
            overrides.append(("/word/footer1.xml", f"{CT}.footer+xml"))
            rels.append(("rIdFooter1", "footer", "footer1.xml"))
            parts.append(("word/footer1.xml", footer))
        overrides += [("/docProps/core.xml", "application/vnd.openxmlformats-package.core-properties+xml"),
                      ("/docProps/app.xml", "application/vnd.openxmlformats-officedocument.extended-properties+xml")]
        content_types = (f'{XML_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                         '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                         '<Default Extension="xml" ContentType="application/xml"/>'
                         + "".join(f'<Override PartName="{p}" ContentType="{t}"/>' for p, t in overrides) + "</Types>")
        root_rels = (f'{XML_HEAD}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                     f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="word/document.xml"/>'
                     '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/'
                     'metadata/core-properties" Target="docProps/core.xml"/>'
                     f'<Relationship Id="rId3" Type="{REL}/extended-properties" Target="docProps/app.xml"/>'
                     "</Relationships>")
        doc_rels = (f'{XML_HEAD}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                    + "".join(f'<Relationship Id="{i}" Type="{REL}/{t}" Target="{target}"/>' for i, t, target in rels)
                    + "</Relationships>")
        return ([("[Content_Types].xml", content_types), ("_rels/.rels", root_rels),
                 ("docProps/core.xml", self.core()), ("docProps/app.xml", self.app()),
                 ("word/document.xml", document), ("word/_rels/document.xml.rels", doc_rels),
                 ("word/styles.xml", styles_xml(self.meta["style"])), ("word/settings.xml", self.settings()),
                 ("word/numbering.xml", self.numbering())] + parts)


def _numpr(num_id: int, ilvl: int) -> str:
    return f'<w:numPr><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num_id}"/></w:numPr>'


def _split_fields(text: str) -> list[tuple[str, str]]:
    import re

    out = []
    for piece in re.split(r"(\{pages\}|\{page\})", text):
        if piece == "{page}":
            out.append(("field", "PAGE"))
        elif piece == "{pages}":
            out.append(("field", "NUMPAGES"))
        elif piece:
            out.append(("text", piece))
    return out


def _walk(blocks: list[Block]):
    for b in blocks:
        yield b
        yield from _walk(b.children)


def styles_xml(style: str) -> str:
    font = "Times New Roman"
    size = 22 if style == "us" else 22

    def pstyle(sid, name, ppr="", rpr="", extra='<w:basedOn w:val="Normal"/><w:next w:val="Normal"/>'):
        return (f'<w:style w:type="paragraph" w:styleId="{sid}"><w:name w:val="{name}"/>{extra}<w:qFormat/>'
                f"<w:pPr>{ppr}</w:pPr><w:rPr>{rpr}</w:rPr></w:style>")

    return (
        f'{XML_HEAD}<w:styles xmlns:w="{NS_W}"><w:docDefaults><w:rPrDefault><w:rPr>'
        f'<w:rFonts w:ascii="{font}" w:hAnsi="{font}" w:eastAsia="{font}" w:cs="{font}"/>'
        f'<w:sz w:val="{size}"/><w:szCs w:val="{size}"/><w:lang w:val="{"en-US" if style == "us" else "en-GB"}"/>'
        '</w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:after="120" w:line="264" w:lineRule="auto"/>'
        '</w:pPr></w:pPrDefault></w:docDefaults>'
        '<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/></w:style>'
        '<w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont"><w:name w:val="Default Paragraph Font"/>'
        '<w:uiPriority w:val="1"/><w:semiHidden/></w:style>'
        '<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/><w:semiHidden/>'
        '<w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/>'
        '<w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>'
        '<w:style w:type="numbering" w:default="1" w:styleId="NoList"><w:name w:val="No List"/><w:semiHidden/></w:style>'
        + pstyle("Title", "Title", '<w:spacing w:after="240"/><w:jc w:val="center"/>', '<w:b/><w:sz w:val="32"/>')
        + pstyle("Heading1", "heading 1", '<w:keepNext/><w:spacing w:before="240" w:after="120"/><w:outlineLvl w:val="0"/>',
                 '<w:b/><w:sz w:val="24"/>')
        + pstyle("Heading2", "heading 2", '<w:keepNext/><w:spacing w:before="180" w:after="120"/><w:outlineLvl w:val="1"/>',
                 '<w:b/><w:sz w:val="22"/>')
        + pstyle("ListParagraph", "List Paragraph", '<w:ind w:left="720"/>', "", '<w:basedOn w:val="Normal"/>')
        + pstyle("FootnoteText", "footnote text", '<w:spacing w:after="0" w:line="240" w:lineRule="auto"/>',
                 '<w:sz w:val="18"/>', '<w:basedOn w:val="Normal"/>')
        + pstyle("Header", "header", '<w:spacing w:after="0"/><w:jc w:val="center"/>', '<w:sz w:val="18"/>',
                 '<w:basedOn w:val="Normal"/>')
        + pstyle("Footer", "footer", '<w:spacing w:after="0"/><w:jc w:val="center"/>', '<w:sz w:val="18"/>',
                 '<w:basedOn w:val="Normal"/>')
        + '<w:style w:type="character" w:styleId="FootnoteReference"><w:name w:val="footnote reference"/>'
        '<w:basedOn w:val="DefaultParagraphFont"/><w:rPr><w:vertAlign w:val="superscript"/></w:rPr></w:style>'
        '<w:style w:type="table" w:styleId="TableGrid"><w:name w:val="Table Grid"/><w:basedOn w:val="TableNormal"/>'
        '<w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr><w:tblPr><w:tblBorders>'
        + "".join(f'<w:{s} w:val="single" w:sz="4" w:space="0" w:color="auto"/>'
                  for s in ("top", "left", "bottom", "right", "insideH", "insideV"))
        + "</w:tblBorders></w:tblPr></w:style></w:styles>"
    )


def build_docx(contract: Contract) -> bytes:
    parts = _Writer(contract).package()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, text in parts:
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_STORED
            info.create_system = 0
            info.external_attr = 0
            zf.writestr(info, text.encode("utf-8"))
    return buf.getvalue()
