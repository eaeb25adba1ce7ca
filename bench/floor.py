"""The floor: the least any spaCy-based contract linter must do, as one process.

Start Python, import spaCy, extract each file's text with the fastest extractor (lxml on
word/document.xml for DOCX, pypdfium2 `get_text_range` for PDF, pages closed as we go), split
sentences (spacy.blank("en") + sentencizer) and run one PhraseMatcher of ~500 phrases.
clauselint's times are stated as ratios to this script's on the same files.

    python bench/floor.py FILE...      # prints one JSON line: files, tokens, sentences, matches
"""

from __future__ import annotations

import itertools
import json
import sys
import zipfile

import spacy
from lxml import etree
from spacy.matcher import PhraseMatcher

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
QUALIFIERS = ("mass", "secret", "covert", "military", "lethal", "government", "police", "law enforcement", "immigration",
              "criminal", "public", "discriminatory", "automated", "biometric", "facial", "real-time", "remote",
              "targeted", "indiscriminate", "unlawful")
OBJECTS = ("surveillance", "operation", "operations", "agency", "authority", "use", "identification", "tracking",
           "targeting", "monitoring", "recognition", "analysis", "purposes", "services", "software", "data", "images",
           "templates", "investigation", "enforcement", "oversight", "scrutiny", "breach", "compliance", "restrictions")


def phrases() -> list[str]:
    """~500 two- and one-word phrases, as a rule pack's concept lists would have."""
    pairs = [f"{q} {o}" for q, o in itertools.product(QUALIFIERS, OBJECTS)]
    return pairs + list(QUALIFIERS) + list(OBJECTS)


def docx_paragraphs(path: str) -> list[str]:
    with zipfile.ZipFile(path) as package:
        root = etree.fromstring(package.read("word/document.xml"))
    return ["".join(p.itertext(f"{W}t")) for p in root.iter(f"{W}p")]


def pdf_pages(path: str) -> list[str]:
    import pypdfium2

    document = pypdfium2.PdfDocument(path)
    try:
        out = []
        for index in range(len(document)):
            page = document[index]
            textpage = page.get_textpage()
            out.append(textpage.get_text_range())
            textpage.close()
            page.close()
        return out
    finally:
        document.close()


def texts(path: str) -> list[str]:
    with open(path, "rb") as handle:
        magic = handle.read(5)
    return pdf_pages(path) if magic == b"%PDF-" else docx_paragraphs(path)


def main(paths: list[str]) -> int:
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
    matcher.add("PHRASE", list(nlp.tokenizer.pipe(phrases())))
    tokens = sentences = matches = 0
    for path in paths:
        for doc in nlp.pipe(t for t in texts(path) if t.strip()):
            tokens += len(doc)
            sentences += sum(1 for _ in doc.sents)
            matches += len(matcher(doc))
    print(json.dumps({"files": len(paths), "tokens": tokens, "sentences": sentences, "matches": matches}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
