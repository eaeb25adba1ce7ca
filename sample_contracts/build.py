#!/usr/bin/env python3
"""Build the sample-contract corpus: sample_contracts/src/<id>.md -> docx/<id>.docx + pdf/<id>.pdf.

    python sample_contracts/build.py [--only ID ...] [--src DIR] [--out DIR] [--check]

--src DIR   sources (default sample_contracts/src)
--out DIR   writes DIR/docx/<id>.docx and DIR/pdf/<id>.pdf (default sample_contracts)
--only ID   build only these ids (repeatable, or several after one --only)
--check     build into a temporary directory and compare byte for byte with the files in --out;
            exit 1 when anything differs or is missing (nothing is written)

Exit status: 0 all built (or all identical), 1 --check found differences, 2 a source has bad
markup or failed to build (one line `file:line: message` each; the other sources still build).

The source format is docs/corpus-format.md. Choices the format leaves open:

- Output is deterministic: DOCX parts are written from scratch in a fixed order with fixed zip
  timestamps, *stored* (uncompressed) so the bytes do not depend on the zlib build, core
  properties fixed (2026-01-15, author "clauselint corpus"); tracked changes by "Counsel" dated
  2026-01-15T00:00:00Z. PDF: reportlab invariant=1, no page compression, base-14 fonts.
- numbering: manual -> the label is typed at the start of the paragraph, then a tab (hanging
  indent). numbering: auto -> Word list numbering (numbering.xml + w:numPr) whose level formats
  reproduce the source labels exactly (see _build/numbering.py; a paragraph starts a new list
  only where continuing the current one could not print its label; "4.1" under "ARTICLE IV" uses
  w:isLgl); labelled headings (`## 7. Term`, `### 7.2 Term`, `## ARTICLE IV - Term`) are numbered
  too, the label taken out of the heading text.
- Bulleted items are Word bullets (numbering.xml) in both modes; the PDF prints a bullet sign.
- Footnotes: PDF notes sit at the foot of the page on which the reference is drawn.
- Text boxes: DOCX VML text box (w:pict/v:shape/v:textbox/w:txbxContent, a single copy of the
  text); PDF a framed box that may split between its paragraphs.
- Characters the PDF base-14 fonts cannot show (outside Windows-1252) are replaced in BOTH files
  (e.g. U+2264 -> "<=", U+2011 -> "-", others by their unaccented letters or "?"), with a note
  printed; tabs become spaces and runs of spaces become one space.
- pdf_hyphenate: true needs pyphen (pip install pyphen).
- Strictness: a paragraph must be one line (a plain line directly under another paragraph line
  is reported as a hard wrap; lines starting with a label or "- " may follow without a blank);
  unknown front-matter keys, unbalanced ** * {++ {--, footnotes undefined / unused / referenced
  twice / inside a deletion or a text box, headings deeper than ###, and ragged tables are errors.
  In a table cell `\\|` is a literal bar. A `*` that cannot open or close emphasis is literal.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from _build.docx_writer import build_docx  # noqa: E402
from _build.pdf_writer import PdfError, build_pdf  # noqa: E402
from _build.source import SourceError, parse_file  # noqa: E402


def build_one(path: Path, out: Path) -> list[str]:
    """Build one source into out/docx and out/pdf; return notes. Raises SourceError/PdfError."""
    contract = parse_file(path)
    docx = build_docx(contract)
    pdf = build_pdf(contract)
    for sub, data, ext in (("docx", docx, "docx"), ("pdf", pdf, "pdf")):
        target = out / sub / f"{contract.id}.{ext}"
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.exists() or target.read_bytes() != data:
            target.write_bytes(data)
    notes = list(contract.notes)
    for other in contract.meta["bundle"]:
        if not (path.parent / f"{other}.md").exists():
            notes.append(f"{path}:1: note: bundle member {other!r} has no source {other}.md")
    return notes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build the sample-contract corpus (DOCX + PDF).")
    parser.add_argument("--only", nargs="+", action="extend", metavar="ID", help="build only these ids")
    parser.add_argument("--src", type=Path, default=HERE / "src", help="source directory")
    parser.add_argument("--out", type=Path, default=HERE, help="output directory (docx/ and pdf/ below it)")
    parser.add_argument("--check", action="store_true", help="compare a fresh build with the files in --out")
    args = parser.parse_args(argv)

    sources = sorted(args.src.glob("*.md"))
    failed = False
    if args.only:
        by_id = {p.stem: p for p in sources}
        missing = [i for i in args.only if i not in by_id]
        for i in missing:
            print(f"{args.src / (i + '.md')}:1: error: no such source", file=sys.stderr)
            failed = True
        sources = [by_id[i] for i in dict.fromkeys(args.only) if i in by_id]
    if not sources and not failed:
        print(f"no sources in {args.src}", file=sys.stderr)
        return 0

    with tempfile.TemporaryDirectory(prefix="corpus-build-") as tmp:
        out = Path(tmp) if args.check else args.out
        built = []
        for path in sources:
            try:
                notes = build_one(path, out)
            except SourceError as exc:
                print(f"{exc}", file=sys.stderr)
                failed = True
                continue
            except PdfError as exc:
                print(f"{path}:1: {exc}", file=sys.stderr)
                failed = True
                continue
            except Exception as exc:  # a layout failure deep in a writer: name the file, go on
                first = (str(exc).strip().splitlines() or [""])[0][:200]
                print(f"{path}:1: build failed: {type(exc).__name__}: {first}", file=sys.stderr)
                failed = True
                continue
            for note in notes:
                print(note, file=sys.stderr)
            built.append(path.stem)
            if not args.check:
                print(f"built {path.stem}")
        differs = False
        if args.check:
            for stem in built:
                for sub, ext in (("docx", "docx"), ("pdf", "pdf")):
                    fresh = out / sub / f"{stem}.{ext}"
                    committed = args.out / sub / f"{stem}.{ext}"
                    if not committed.exists():
                        print(f"{committed}: missing (run python sample_contracts/build.py)")
                        differs = True
                    elif committed.read_bytes() != fresh.read_bytes():
                        print(f"{committed}: differs from a fresh build of {stem}")
                        differs = True
            if not args.only:
                known = {p.stem for p in sources}
                for sub, ext in (("docx", "docx"), ("pdf", "pdf")):
                    for f in sorted((args.out / sub).glob(f"*.{ext}")):
                        if f.stem not in known:
                            print(f"{f}: no source {f.stem}.md for it")
                            differs = True
            if not differs and not failed:
                print(f"ok: {len(built)} contract(s) identical to a fresh build")
    if failed:
        return 2
    return 1 if differs else 0


if __name__ == "__main__":
    sys.exit(main())
