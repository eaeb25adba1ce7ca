"""Word comments (word/comments.xml) anchored on the text each change touches.

A comment is a `w:comment` in the comments part (created, with its relationship and content
type, when the contract has none; appended to when it already has reviewers' comments) and,
in the document, a `w:commentRangeStart` / `w:commentRangeEnd` pair around the changed text
followed by a run holding the `w:commentReference` that Word shows in the margin.
"""

from __future__ import annotations

from collections.abc import Sequence

from lxml import etree

from clauselint.documents.readers.docx_xml import ID, W_NS, P, R, T, W
from clauselint.redline.package import DocxPackage
from clauselint.redline.trackchanges import AUTHOR, DATE, XML_SPACE

COMMENTS_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml"
COMMENTS = W + "comments"
COMMENT = W + "comment"
INITIALS = W + "initials"
RANGE_START = W + "commentRangeStart"
RANGE_END = W + "commentRangeEnd"
REFERENCE = W + "commentReference"
ANNOTATION_REF = W + "annotationRef"


class CommentWriter:
    """Adds comments by one author to a package's comments part."""

    def __init__(self, package: DocxPackage, main_part: str, author: str, date: str) -> None:
        self.author = author
        self.date = date
        self.initials = "".join(word[0] for word in author.split() if word[:1].isalnum()).upper()[:4] or "CL"
        part = package.related(main_part, "comments")
        if part is None or not package.has(part):
            part = "word/comments.xml"
            package.put(part, etree.Element(COMMENTS, nsmap={"w": W_NS}))
            package.relate(main_part, "comments", part)
            package.declare(part, COMMENTS_TYPE)
        self.root = package.xml(part)
        used = [int(c.get(ID)) for c in self.root.iter(COMMENT) if (c.get(ID) or "").lstrip("-").isdigit()]
        self._next = max(used, default=-1) + 1
        self.added = 0

    def add(self, paragraphs: Sequence[str]) -> int:
        """A new comment holding `paragraphs`; returns its id for `anchor`."""
        comment_id = self._next
        self._next += 1
        self.added += 1
        comment = etree.SubElement(self.root, COMMENT, {ID: str(comment_id), AUTHOR: self.author, DATE: self.date,
                                                        INITIALS: self.initials})
        for number, text in enumerate(paragraphs):
            paragraph = etree.SubElement(comment, P)
            if number == 0:
                etree.SubElement(etree.SubElement(paragraph, R), ANNOTATION_REF)
            run = etree.SubElement(paragraph, R)
            node = etree.SubElement(run, T)
            node.text = text
            node.set(XML_SPACE, "preserve")
        return comment_id


def anchor(first: etree._Element, last: etree._Element, comment_id: int) -> None:
    """Attach comment `comment_id` to everything from `first` to `last` (siblings or not)."""
    first.addprevious(etree.Element(RANGE_START, {ID: str(comment_id)}))
    end = etree.Element(RANGE_END, {ID: str(comment_id)})
    last.addnext(end)
    reference = etree.Element(R)
    etree.SubElement(reference, REFERENCE, {ID: str(comment_id)})
    end.addnext(reference)
