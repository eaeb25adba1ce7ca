"""HTML (a terms-of-service page saved from a browser): the main text, not navigation or scripts.

Parsed with Python's own html.parser (through BeautifulSoup), which resolves no entity beyond
HTML's named ones and fetches nothing: no script runs, no image, frame or style sheet is loaded.
Every pass over the tree is linear and iterative, so a page nested a hundred thousand levels
deep or holding a hundred thousand paragraphs costs time in proportion to its size, and the
number of tags is bounded before parsing.
"""

from __future__ import annotations

import re

from bs4 import BeautifulSoup, Tag
from bs4.exceptions import ParserRejectedMarkup

from clauselint.documents.errors import ReadError
from clauselint.documents.model import Extraction, Part, RawBlock
from clauselint.documents.readers.text_reader import decode_text

_DROP = ("script", "style", "noscript", "nav", "header", "footer", "aside", "form", "button", "svg", "template", "iframe")
_BLOCKS = frozenset(("p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "dt", "dd", "blockquote", "pre", "caption"))
_NAV_HINTS = ("nav", "menu", "cookie", "banner", "breadcrumb", "sidebar", "site-header", "site-footer")
_LISTS = frozenset(("ol", "ul"))
_MARKED_SECTION = re.compile(r"<!\[(?!CDATA\[)[^>]*>")  # a browser reads it as a comment that ends at the first '>'
MAX_TAGS = 250_000  # a long terms-of-service page has a few thousand; parsing costs ~1 KB of memory a tag


def read_html(data: bytes, path: str) -> Extraction:
    """Block-level elements of the page's main content in document order."""
    tags = data.count(b"<")
    if tags > MAX_TAGS:
        raise ReadError("too-large", f"{path}: the page has {tags:,} tags, more than the {MAX_TAGS:,} a terms-of-service page needs; "
                                     "save the contract text alone (or print it to PDF) and lint that")
    soup = _parse(decode_text(data), path)
    for tag in soup.find_all(_DROP):
        tag.decompose()
    for tag in soup.find_all(attrs={"role": ["navigation", "banner", "contentinfo"]}):
        tag.decompose()
    for tag in soup.find_all(True):
        if isinstance(tag, Tag) and tag.attrs is not None and _looks_like_chrome(tag):
            tag.decompose()
    root = soup.find("main") or soup.find("article") or soup.body or soup
    blocks = [_block(element, lists) for element, lists in _leaf_blocks(soup, root)]
    blocks = [block for block in blocks if block is not None]
    if not blocks:
        raise ReadError("empty-document", f"{path}: the page contains no text")
    return Extraction(format="html", blocks=tuple(blocks), pages=None)


def _parse(text: str, path: str) -> BeautifulSoup:
    """Python's html.parser through BeautifulSoup: no entity or network resolution, no script run.

    The parser gives up on a few malformed constructs (a marked section such as `<![DOCTYPE`)
    that browsers read as a comment; they are read the browsers' way before a second try."""
    try:
        return BeautifulSoup(text, "html.parser")
    except ParserRejectedMarkup:
        pass
    try:
        return BeautifulSoup(_MARKED_SECTION.sub("", text), "html.parser")
    except ParserRejectedMarkup as error:
        detail = " ".join(str(error).split())[-120:]
        raise ReadError("not-a-contract-format", f"{path}: the HTML page is too malformed to read ({detail}); open it in a browser, "
                                                 "print it to PDF and lint that") from None


def _leaf_blocks(soup: BeautifulSoup, root: Tag) -> list[tuple[Tag, int]]:
    """(element, enclosing ol/ul count) of the block elements under `root` that hold no other
    block element (their inner blocks carry the text), in document order; one pass each way."""
    lists_around: dict[int, int] = {id(soup): 0}
    for tag in soup.descendants:  # a generator over the tree: no recursion
        if isinstance(tag, Tag) and tag.parent is not None:
            lists_around[id(tag)] = lists_around.get(id(tag.parent), 0) + (tag.parent.name in _LISTS)
    ordered = [tag for tag in root.descendants if isinstance(tag, Tag)]
    holds_block: set[int] = set()
    for tag in reversed(ordered):  # children before their parents
        if (tag.name in _BLOCKS or id(tag) in holds_block) and tag.parent is not None:
            holds_block.add(id(tag.parent))
    return [(tag, lists_around.get(id(tag), 0)) for tag in ordered if tag.name in _BLOCKS and id(tag) not in holds_block]


def _block(element: Tag, lists: int) -> RawBlock | None:
    text = " ".join(element.get_text(" ").split())
    if not text:
        return None
    name = element.name
    if name in ("td", "th"):
        return RawBlock(text=text, part=Part.TABLE)
    if name[0] == "h" and name[1:].isdigit():
        return RawBlock(text=text, heading_level=int(name[1:]))
    if name == "li":
        ordered = element.parent is not None and element.parent.name == "ol"
        return RawBlock(text=text, list_level=lists - 1, bullet=not ordered)
    return RawBlock(text=text)


def _looks_like_chrome(tag: Tag) -> bool:
    classes = " ".join(tag.get("class") or []) + " " + str(tag.get("id") or "")
    lowered = classes.lower()
    return any(hint in lowered for hint in _NAV_HINTS)
