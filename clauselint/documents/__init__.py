"""Reading contracts into one located document model, whatever the file format."""

from clauselint.documents.errors import ReadError
from clauselint.documents.model import Block, DefinedTerm, Document, Extraction, Part, Party, RawBlock

__all__ = ["Block", "DefinedTerm", "Document", "Extraction", "Part", "Party", "RawBlock", "ReadError"]
