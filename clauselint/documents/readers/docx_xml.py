"""WordprocessingML names and a hardened XML parser, shared by the DOCX reader modules.

Every part of a DOCX package is parsed with `parse_part`: lxml with entity resolution, DTD
loading and network access switched off, a resolver that refuses every external file, and the
default (non-huge) tree limits, so an XML bomb (billion laughs), an external entity
(`file:///etc/passwd`), an external parameter entity or a DTD fetched from the network can
neither expand, nor be opened, nor leak into the text. Word never writes a DTD, so a part that
declares one is refused as damaged.
"""

from __future__ import annotations

from lxml import etree

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"
M_NS = "http://schemas.openxmlformats.org/officeDocument/2006/math"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"

# ISO/IEC 29500 Strict uses other namespace names for the same vocabulary; a Strict part is
# rewritten to the Transitional names before parsing so that one set of tag constants serves.
_STRICT_TO_TRANSITIONAL = (
    (b"http://purl.oclc.org/ooxml/wordprocessingml/main", W_NS.encode()),
    (b"http://purl.oclc.org/ooxml/officeDocument/relationships", R_NS.encode()),
    (b"http://purl.oclc.org/ooxml/officeDocument/math", M_NS.encode()),
)

W = "{" + W_NS + "}"
_MC = "{" + MC_NS + "}"
_M = "{" + M_NS + "}"

# attributes
VAL = W + "val"
ID = W + "id"
TYPE = W + "type"
R_ID = "{" + R_NS + "}id"

# story roots and block-level containers
BODY = W + "body"
P = W + "p"
TBL = W + "tbl"
TR = W + "tr"
TC = W + "tc"
SDT = W + "sdt"
SDT_CONTENT = W + "sdtContent"
CUSTOM_XML = W + "customXml"
TXBX_CONTENT = W + "txbxContent"
FOOTNOTE = W + "footnote"
ENDNOTE = W + "endnote"

# paragraph, table and section properties
PPR = W + "pPr"
RPR = W + "rPr"
PSTYLE = W + "pStyle"
RSTYLE = W + "rStyle"
NUMPR = W + "numPr"
NUM_ID = W + "numId"
ILVL = W + "ilvl"
OUTLINE_LVL = W + "outlineLvl"
PAGE_BREAK_BEFORE = W + "pageBreakBefore"
SECT_PR = W + "sectPr"
HEADER_REFERENCE = W + "headerReference"
FOOTER_REFERENCE = W + "footerReference"
TITLE_PG = W + "titlePg"
TRPR = W + "trPr"
TCPR = W + "tcPr"
VMERGE = W + "vMerge"
HMERGE = W + "hMerge"
CELL_DEL = W + "cellDel"
VANISH = W + "vanish"

# inline content
R = W + "r"
T = W + "t"
TAB = W + "tab"
PTAB = W + "ptab"
BR = W + "br"
CR = W + "cr"
NO_BREAK_HYPHEN = W + "noBreakHyphen"
SOFT_HYPHEN = W + "softHyphen"
LAST_RENDERED_PAGE_BREAK = W + "lastRenderedPageBreak"
FOOTNOTE_REFERENCE = W + "footnoteReference"
ENDNOTE_REFERENCE = W + "endnoteReference"
CUSTOM_MARK_FOLLOWS = W + "customMarkFollows"
DRAWING = W + "drawing"
PICT = W + "pict"
OBJECT = W + "object"
RUBY = W + "ruby"
RUBY_BASE = W + "rubyBase"
HYPERLINK = W + "hyperlink"
SMART_TAG = W + "smartTag"
FLD_SIMPLE = W + "fldSimple"
DIR = W + "dir"
BDO = W + "bdo"

# revisions
INS = W + "ins"
DEL = W + "del"
MOVE_FROM = W + "moveFrom"
MOVE_TO = W + "moveTo"

# markup compatibility and math
ALTERNATE_CONTENT = _MC + "AlternateContent"
MC_CHOICE = _MC + "Choice"
MC_FALLBACK = _MC + "Fallback"
M_OMATH = _M + "oMath"
M_OMATH_PARA = _M + "oMathPara"
M_T = _M + "t"

_OFF = frozenset(("0", "false", "off"))
DTD_REFUSED = "declares a DTD"


class _RefuseExternal(etree.Resolver):
    """Answers every request for an external entity or DTD with nothing.

    The parser options alone do not stop libxml2 from opening the target of an external
    *parameter* entity (`<!ENTITY % x SYSTEM "file:///...">%x;`): it reads the file (or blocks
    on a pipe) while parsing the internal subset. With this resolver no file is ever opened."""

    def resolve(self, system_url, public_id, context):  # noqa: ANN001, ANN201 - lxml's signature
        return self.resolve_string("", context)


def make_parser() -> etree.XMLParser:
    """A parser that resolves no entity, loads no DTD or external file and touches no network (one per read)."""
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        huge_tree=False,
        load_dtd=False,
        dtd_validation=False,
        collect_ids=False,
    )
    parser.resolvers.add(_RefuseExternal())
    return parser


def parse_part(data: bytes, parser: etree.XMLParser) -> etree._Element:
    """Parse one package part; raises etree.XMLSyntaxError (or ValueError) when it is not XML."""
    if b"purl.oclc.org/ooxml/" in data:
        for strict, transitional in _STRICT_TO_TRANSITIONAL:
            data = data.replace(strict, transitional)
    root = etree.fromstring(data, parser)
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise ValueError(DTD_REFUSED)
    return root


def is_on(element: etree._Element | None) -> bool | None:
    """The value of an on/off property element: None when absent, else True unless val is off."""
    if element is None:
        return None
    return element.get(VAL) not in _OFF


def choose_alternate(alternate: etree._Element) -> etree._Element | None:
    """The branch of an mc:AlternateContent to read: the first mc:Choice, else the mc:Fallback.

    Both branches carry the same content (a DrawingML shape and its VML copy), so exactly one is
    read and the other is never seen twice.
    """
    fallback = None
    for child in alternate:
        if child.tag == MC_CHOICE:
            return child
        if child.tag == MC_FALLBACK and fallback is None:
            fallback = child
    return fallback
