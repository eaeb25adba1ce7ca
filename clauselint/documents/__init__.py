"""Reading contracts into one located document model, whatever the file format."""

from clauselint.documents.model import Block, DefinedTerm, Document, Part, Party, RawBlock, Extraction
from clauselint.documents.errors import ReadError

__all__ = ["Block", "DefinedTerm", "Document", "Extraction", "Part", "Party", "RawBlock", "ReadError"]
