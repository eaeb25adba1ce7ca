"""A DOCX package (a ZIP of XML parts) opened for editing and written back.

Only the parts clauselint changes are parsed and re-serialised (the main document, its
relationships, the content types, the comments and settings parts); every other part is
copied byte for byte, in the original order, so what Word stored (fonts, images, custom XML,
revision ids) survives untouched.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
import zlib

from lxml import etree

from clauselint.documents.readers.docx_xml import PKG_REL_NS, make_parser, parse_part

CONTENT_TYPES = "[Content_Types].xml"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
REL_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
_REL = "{" + PKG_REL_NS + "}Relationship"
_OVERRIDE = "{" + CT_NS + "}Override"
_STRICT = b"purl.oclc.org/ooxml/"


class PackageError(Exception):
    """The package cannot be edited; the message says what to do."""


class DocxPackage:
    """The parts of a DOCX file in their stored order; XML parts parsed on demand."""

    def __init__(self, data: bytes, name: str, max_uncompressed: int = 300 * 1024 * 1024) -> None:
        self.name = name
        self._order: list[zipfile.ZipInfo] = []
        self._bytes: dict[str, bytes] = {}
        self._xml: dict[str, etree._Element] = {}
        budget = max_uncompressed
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                for info in archive.infolist():
                    if info.is_dir():
                        continue
                    if info.file_size > budget:
                        raise PackageError(f"{name}: the document's parts are too large to redline")
                    with archive.open(info) as stream:
                        content = stream.read(budget + 1)
                    budget -= len(content)
                    if budget < 0:
                        raise PackageError(f"{name}: the document's parts are too large to redline")
                    self._order.append(info)
                    self._bytes[info.filename] = content
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError, ValueError, OSError) as exc:
            raise PackageError(f"{name}: the DOCX package cannot be opened for editing ({exc})") from None

    def has(self, part: str) -> bool:
        return part in self._bytes or part in self._xml

    def xml(self, part: str) -> etree._Element:
        """The parsed part, kept so that changes to it are written back."""
        if part not in self._xml:
            data = self._bytes.get(part)
            if data is None:
                raise PackageError(f"{self.name}: the package has no part {part}")
            if _STRICT in data:
                raise PackageError(f"{self.name}: Strict Open XML documents cannot be redlined; save it in Word as a "
                                   "standard Word Document (.docx) and run clauselint fix on that")
            try:
                self._xml[part] = parse_part(data, make_parser())
            except (etree.XMLSyntaxError, ValueError) as exc:
                raise PackageError(f"{self.name}: its part {part} is not well-formed XML ({exc})") from None
        return self._xml[part]

    def put(self, part: str, root: etree._Element) -> None:
        """Add a new XML part (or replace one)."""
        self._xml[part] = root
        if part not in self._bytes:
            self._order.append(zipfile.ZipInfo(part, date_time=(1980, 1, 1, 0, 0, 0)))
            self._bytes[part] = b""

    def main_document(self) -> str:
        for rel in self._relationships("").iter(_REL):
            if (rel.get("Type") or "").endswith("/officeDocument"):
                return _resolve("", rel.get("Target") or "")
        return "word/document.xml"

    def related(self, part: str, kind: str) -> str | None:
        """The first part that `part` refers to with a relationship of `kind` ("comments", "settings")."""
        for rel in self._relationships(part).iter(_REL):
            if (rel.get("Type") or "").rsplit("/", 1)[-1] == kind and rel.get("TargetMode") != "External":
                return _resolve(part, rel.get("Target") or "")
        return None

    def relate(self, part: str, kind: str, target: str) -> None:
        """Add a relationship of `kind` from `part` to the part `target` (a package path)."""
        rels = self._relationships(part)
        ids = {rel.get("Id") for rel in rels.iter(_REL)}
        number = 1
        while f"rId{number}" in ids:
            number += 1
        folder = posixpath.dirname(part)
        etree.SubElement(rels, _REL, Id=f"rId{number}", Type=REL_TYPE + kind, Target=posixpath.relpath(target, folder or "."))

    def declare(self, part: str, content_type: str) -> None:
        """Give a new part its content type in [Content_Types].xml."""
        types = self.xml(CONTENT_TYPES)
        name = "/" + part
        for override in types.iter(_OVERRIDE):
            if override.get("PartName") == name:
                return
        etree.SubElement(types, _OVERRIDE, PartName=name, ContentType=content_type)

    def _relationships(self, part: str) -> etree._Element:
        folder, base = posixpath.split(part)
        rels_part = posixpath.join(folder, "_rels", base + ".rels")
        if not self.has(rels_part):
            self.put(rels_part, etree.Element(_REL[: -len("Relationship")] + "Relationships", nsmap={None: PKG_REL_NS}))
        return self.xml(rels_part)

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for info in self._order:
                name = info.filename
                if name in self._xml:
                    content = etree.tostring(self._xml[name], xml_declaration=True, encoding="UTF-8", standalone=True)
                else:
                    content = self._bytes[name]
                out = zipfile.ZipInfo(name, date_time=info.date_time)
                out.compress_type = zipfile.ZIP_DEFLATED
                out.external_attr = info.external_attr
                archive.writestr(out, content)
        return buffer.getvalue()


def _resolve(source: str, target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(source), target))
