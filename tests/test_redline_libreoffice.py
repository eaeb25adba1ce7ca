"""The redline converts cleanly with LibreOffice, and the rendered PDF shows the inserted clauses.

Needs LibreOffice's `soffice` (Debian: apt-get install -y libreoffice-writer-nogui); skipped when absent.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import datetime, timezone
from pathlib import Path

import pytest

from clauselint.documents.reader import read_document
from clauselint.redline.fix import fix_contract

SAMPLES = Path(__file__).resolve().parent.parent / "sample_contracts"
CANDIDATES = ("us-msa-corvane-retail", "mix-order-lumasight-redfern", "us-of-brightwater-kiosk", "uk-glenmoor-distribution")
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def _squeezed(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed (apt-get install -y libreoffice-writer-nogui)")
def test_libreoffice_renders_the_inserted_clauses(tmp_path: Path) -> None:
    for name in CANDIDATES:
        result = fix_contract(str(SAMPLES / "docx" / f"{name}.docx"), when=datetime(2026, 1, 15, tzinfo=timezone.utc))
        clauses = [c.clause.text for c in result.plan.changes if c.clause is not None]
        if clauses:
            break
    else:
        pytest.fail(f"none of {CANDIDATES} needs an inserted clause any more; pick another sample contract")
    redline = tmp_path / "redline.docx"
    redline.write_bytes(result.data)
    profile = (tmp_path / "profile").as_uri()  # a private profile: no clash with another running soffice
    converted = subprocess.run([SOFFICE, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
                                "--outdir", str(tmp_path), str(redline)], capture_output=True, text=True, timeout=240)
    pdf = tmp_path / "redline.pdf"
    assert converted.returncode == 0 and pdf.is_file(), converted.stderr
    rendered = _squeezed(read_document(str(pdf)).text)
    for clause in clauses:
        assert _squeezed(clause) in rendered, clause
