"""Run a pack's pass/fail examples (clause_library/<pack>/examples/*.yaml) as tiny contracts."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from clauselint.documents.assemble import assemble
from clauselint.documents.model import TABLE_CELL_SEPARATOR, Document, Extraction, Part, RawBlock
from clauselint.engine import evaluate_pack
from clauselint.library import LIBRARY_ROOT


@dataclass(frozen=True)
class Example:
    pack: str
    rule: str
    id: str
    status: str
    why: str
    text: str


def load_examples(pack: str, root: Path = LIBRARY_ROOT) -> list[Example]:
    examples = []
    for path in sorted((root / pack / "examples").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for item in data.get("examples") or ():
            examples.append(Example(pack=pack, rule=data["rule"], id=item["id"], status=item["status"],
                                    why=item.get("why", ""), text=item["text"]))
    return examples


def example_document(text: str) -> Document:
    """Each non-empty line of an example is one paragraph of the contract; a line with " | " is a table row."""
    blocks = tuple(RawBlock(text=line.strip(), part=Part.TABLE if TABLE_CELL_SEPARATOR in line else Part.BODY)
                   for line in text.splitlines() if line.strip())
    return assemble("example.txt", Extraction(format="text", blocks=blocks, pages=None))


def run_example(example: Example) -> str:
    findings = evaluate_pack((example_document(example.text),), example.pack)
    return next(f.status.value for f in findings if f.rule == example.rule)
