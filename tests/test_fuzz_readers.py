"""Property tests of the readers on mutated real contracts: a Document or a ReadError, never anything else.

The strategies are those of the maintainers' long fuzz run (tests/fuzz/fuzz_readers.py), run
here for a few seconds, derandomized so that CI sees the same inputs every time.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clauselint.documents.errors import ReadError
from clauselint.documents.model import Document
from clauselint.documents.reader import document_from_bytes

_PATH = Path(__file__).resolve().parent / "fuzz" / "fuzz_readers.py"
_SPEC = importlib.util.spec_from_file_location("fuzz_readers", _PATH)
fuzz = importlib.util.module_from_spec(_SPEC)
sys.modules["fuzz_readers"] = fuzz
_SPEC.loader.exec_module(fuzz)

QUICK = settings(deadline=None, derandomize=True, database=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@settings(QUICK, max_examples=60)
@given(fuzz.mutated("docx", max_mutations=3))
def test_mutated_docx_gives_a_document_or_a_read_error(data: bytes) -> None:
    assert isinstance(fuzz.read_with("docx", data), Document | ReadError)


@settings(QUICK, max_examples=40)
@given(fuzz.mutated("pdf", max_mutations=3))
def test_mutated_pdf_gives_a_document_or_a_read_error(data: bytes) -> None:
    assert isinstance(fuzz.read_with("pdf", data), Document | ReadError)


@settings(QUICK, max_examples=20)
@given(fuzz.mutated("html", max_mutations=3))
def test_mutated_html_gives_a_document_or_a_read_error(data: bytes) -> None:
    assert isinstance(fuzz.read_with("html", data), Document | ReadError)


@settings(QUICK, max_examples=40)
@given(fuzz.mutated("text", max_mutations=3) | st.binary(max_size=2000))
def test_mutated_or_random_text_gives_a_document_or_a_read_error(data: bytes) -> None:
    assert isinstance(fuzz.read_with("text", data), Document | ReadError)


@settings(QUICK, max_examples=60)
@given(st.sampled_from(("docx", "pdf", "html", "text")).flatmap(lambda reader: fuzz.mutated(reader, max_mutations=2)) | st.binary(max_size=4000))
def test_the_reader_boundary_lets_only_read_errors_out_whatever_the_bytes(data: bytes) -> None:
    """Through sniffing by content and the guarded boundary, as the CLI reads a file."""
    try:
        document = document_from_bytes(data, "any-name.pdf", fuzz.FUZZ_LIMITS)
    except ReadError as error:
        fuzz.check_error(error)
    else:
        fuzz.check_document(document)


_WORDS = st.sampled_from(("Customer", "shall", "not", "use", "the", "Services", "for", "surveillance", "law", "enforcement", "unless",
                          "authorised", "by", "statute", "1.", "(a)", "Section", "4.2", "means", "\"Services\"", ":", ";", ".", "(", ")",
                          "military", "targeting", "cease", "terminate", "breach", "comply", "\u05d4\u05dc\u05e7\u05d5\u05d7", "\u202e", "\ufeff"))


@settings(QUICK, max_examples=12)
@given(st.lists(st.lists(_WORDS, min_size=1, max_size=30).map(" ".join), min_size=1, max_size=12).map("\n\n".join))
def test_the_rule_engine_judges_whatever_text_the_readers_produce(text: str) -> None:
    """One finding per rule with a known status, for any arrangement of contract words."""
    from clauselint.engine import evaluate_pack

    try:
        document = document_from_bytes(text.encode("utf-8"), "words.txt")
    except ReadError as error:
        assert error.code == "empty-document"
        return
    findings = evaluate_pack((document,), "sfp-4.1")
    assert len({f.rule for f in findings}) == len(findings) > 0
    assert all(f.status.value in ("present", "partial", "missing", "conflict") for f in findings)
