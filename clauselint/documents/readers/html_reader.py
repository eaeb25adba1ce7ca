"""HTML (a terms-of-service page saved from a browser): the main text, not navigation or scripts."""

from __future__ import annotations

from bs4 import BeautifulSoup, Tag

from clauselint.documents.errors import ReadError
from clauselint.documents.model import Extraction, Part, RawBlock
from clauselint.documents.readers.text_reader import decode_text

_DROP = ("script", "style", "noscript", "nav", "header", "footer", "aside", "form", "button", "svg", "template", "iframe")
_BLOCKS = ("p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "dt", "dd", "blockquote", "pre", "caption")
_NAV_HINTS = ("nav", "menu", "cookie", "banner", "breadcrumb", "sidebar", "site-header", "site-footer")


def read_html(data: bytes, path: str) -> Extraction:
    """Block-level elements of the page's main content in document order."""
    soup = BeautifulSoup(decode_text(data), "html.parser")  # pure Python: no entity or network resolution
    for tag in soup.find_all(_DROP):
        tag.decompose()
    for tag in soup.find_all(attrs={"role": ["navigation", "banner", "contentinfo"]}):
        tag.decompose()
    for tag in soup.find_all(True):
        if isinstance(tag, Tag) and tag.attrs is not None and _looks_like_chrome(tag):
            tag.decompose()
    root = soup.find("main") or soup.find("article") or soup.body or soup
    blocks: list[RawBlock] = []
    for element in root.find_all(_BLOCKS):
        if element.find(_BLOCKS):
            continue  # the inner blocks carry the text
        text = " ".join(element.get_text(" ").split())
        if not text:
            continue
        name = element.name
        if name in ("td", "th"):
            blocks.append(RawBlock(text=text, part=Part.TABLE))
        elif name[0] == "h" and name[1:].isdigit():
            blocks.append(RawBlock(text=text, heading_level=int(name[1:])))
        elif name == "li":
            level = len(element.find_parents(["ol", "ul"])) - 1
            ordered = element.parent is not None and element.parent.name == "ol"
            blocks.append(RawBlock(text=text, list_level=level, bullet=not ordered))
        else:
            blocks.append(RawBlock(text=text))
    if not blocks:
        raise ReadError("empty-document", f"{path}: the page contains no text")
    return Extraction(format="html", blocks=tuple(blocks), pages=None)


def _looks_like_chrome(tag: Tag) -> bool:
    classes = " ".join(tag.get("class") or []) + " " + str(tag.get("id") or "")
    lowered = classes.lower()
    return any(hint in lowered for hint in _NAV_HINTS)
