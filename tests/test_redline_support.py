"""Accept or reject the tracked changes one author made in a DOCX, as Word's Review tab does.

The round-trip tests use these to turn clauselint's redline back into the original (reject) or
into the clean amended contract (accept) without relying on clauselint's own reader to do it.
"""

from __future__ import annotations

import io
import zipfile

from lxml import etree

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = "{" + W_NS + "}"
_STORY_PARTS = ("word/document.xml",)


def reject_changes(data: bytes, author: str) -> bytes:
    """Reject `author`'s revisions: insertions removed with their content, deletions restored."""
    return _rewrite(data, lambda root: _reject(root, author))


def accept_changes(data: bytes, author: str) -> bytes:
    """Accept `author`'s revisions: insertions kept as plain text, deletions removed."""
    return _rewrite(data, lambda root: _accept(root, author))


def _rewrite(data: bytes, change) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename in _STORY_PARTS:
                root = etree.fromstring(content)
                change(root)
                content = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            target.writestr(info, content)
    return out.getvalue()


def _mine(element: etree._Element, author: str) -> bool:
    return element.get(W + "author") == author


def _reject(root: etree._Element, author: str) -> None:
    for paragraph in list(root.iter(W + "p")):
        mark = paragraph.find(f"{W}pPr/{W}rPr/{W}ins")
        if mark is not None and _mine(mark, author):
            _remove_insertions(paragraph, author)
            if not "".join(paragraph.itertext()).strip():
                paragraph.getparent().remove(paragraph)
                continue
            mark.getparent().remove(mark)
    _remove_insertions(root, author)
    for deletion in list(root.iter(W + "del")):
        if not _mine(deletion, author):
            continue
        parent = deletion.getparent()
        if parent.tag == W + "rPr":  # a deleted paragraph mark: restored
            parent.remove(deletion)
            continue
        for text in deletion.iter(W + "delText"):
            text.tag = W + "t"
        _unwrap(deletion)


def _accept(root: etree._Element, author: str) -> None:
    for paragraph in list(root.iter(W + "p")):
        mark = paragraph.find(f"{W}pPr/{W}rPr/{W}del")
        if mark is not None and _mine(mark, author):
            _remove_deletions(paragraph, author)
            following = paragraph.getnext()
            if not "".join(t.text or "" for t in paragraph.iter(W + "t")).strip() and following is not None and following.tag == W + "p":
                paragraph.getparent().remove(paragraph)
                continue
            mark.getparent().remove(mark)
    _remove_deletions(root, author)
    for insertion in list(root.iter(W + "ins")):
        if not _mine(insertion, author):
            continue
        if insertion.getparent().tag == W + "rPr":
            insertion.getparent().remove(insertion)
        else:
            _unwrap(insertion)


def _remove_insertions(root: etree._Element, author: str) -> None:
    for insertion in list(root.iter(W + "ins")):
        if _mine(insertion, author) and insertion.getparent() is not None and insertion.getparent().tag != W + "rPr":
            insertion.getparent().remove(insertion)


def _remove_deletions(root: etree._Element, author: str) -> None:
    for deletion in list(root.iter(W + "del")):
        if _mine(deletion, author) and deletion.getparent() is not None and deletion.getparent().tag != W + "rPr":
            deletion.getparent().remove(deletion)


def _unwrap(element: etree._Element) -> None:
    parent = element.getparent()
    position = parent.index(element)
    for offset, child in enumerate(list(element)):
        parent.insert(position + offset, child)
    parent.remove(element)


# -- the helpers themselves, on a DOCX with revisions by two authors ----------------------------------


def _docx_with_revisions() -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph("Kept. ")
    document.add_paragraph("Second paragraph.")
    buffer = io.BytesIO()
    document.save(buffer)
    data = buffer.getvalue()
    body = (
        '<w:p><w:r><w:t xml:space="preserve">A </w:t></w:r>'
        '<w:del w:id="1" w:author="Counsel" w:date="2026-01-01T00:00:00Z"><w:r><w:delText>theirs </w:delText></w:r></w:del>'
        '<w:del w:id="2" w:author="me" w:date="2026-01-01T00:00:00Z"><w:r><w:delText>mine </w:delText></w:r></w:del>'
        '<w:ins w:id="3" w:author="me" w:date="2026-01-01T00:00:00Z"><w:r><w:t xml:space="preserve">new </w:t></w:r></w:ins>'
        '<w:r><w:t>end.</w:t></w:r></w:p>'
        '<w:p><w:pPr><w:rPr><w:ins w:id="4" w:author="me" w:date="2026-01-01T00:00:00Z"/></w:rPr></w:pPr>'
        '<w:ins w:id="5" w:author="me" w:date="2026-01-01T00:00:00Z"><w:r><w:t>Inserted paragraph.</w:t></w:r></w:ins></w:p>'
    )
    return _replace_body(data, body)


def _replace_body(data: bytes, body_xml: str) -> bytes:
    def change(root: etree._Element) -> None:
        body = root.find(W + "body")
        for child in list(body):
            if child.tag != W + "sectPr":
                body.remove(child)
        for element in reversed(etree.fromstring(f'<w:body xmlns:w="{W_NS}">{body_xml}</w:body>')):
            body.insert(0, element)

    return _rewrite(data, change)


def _paragraph_texts(data: bytes) -> list[str]:
    root = etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml"))
    return ["".join(t.text or "" for t in p.iter(W + "t")) for p in root.iter(W + "p")]


def test_reject_removes_only_that_authors_insertions_and_restores_its_deletions() -> None:
    rejected = reject_changes(_docx_with_revisions(), "me")
    assert _paragraph_texts(rejected) == ["A mine end."]
    root = etree.fromstring(zipfile.ZipFile(io.BytesIO(rejected)).read("word/document.xml"))
    assert [d.get(W + "author") for d in root.iter(W + "del")] == ["Counsel"]  # the other author's revision stays


def test_accept_keeps_that_authors_insertions_and_drops_its_deletions() -> None:
    accepted = accept_changes(_docx_with_revisions(), "me")
    assert _paragraph_texts(accepted) == ["A new end.", "Inserted paragraph."]
    root = etree.fromstring(zipfile.ZipFile(io.BytesIO(accepted)).read("word/document.xml"))
    assert not [e for e in root.iter(W + "ins") if e.get(W + "author") == "me"]
