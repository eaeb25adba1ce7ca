"""`clauselint fix` from the command line, on real sample contracts: what it writes, what it refuses,
and what the written DOCX holds (opened with python-docx and lxml). Expectations about which clauses
change are computed from the lint report itself, so they follow the engine as it is tuned."""

from __future__ import annotations

import hashlib
import io
import subprocess
import sys
import zipfile
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner
from lxml import etree
from test_redline_support import W

from clauselint.cli import main
from clauselint.documents.reader import read_document
from clauselint.findings import Status
from clauselint.runner import lint_bundle

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "sample_contracts"
CONTRACTS = {  # main document -> its bundle
    "uk-glenmoor-distribution": [],
    "mix-reseller-brisklane-tallgrass": [],
    "tos-vantrell-saas": ["tos-vantrell-aup"],
}


def _docx(name: str) -> str:
    return str(SAMPLES / "docx" / f"{name}.docx")


def _fix(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["fix", *args])
    return result.exit_code, result.stdout, result.stderr


def _digest(path: str) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _part(path: Path, name: str) -> etree._Element:
    return etree.fromstring(zipfile.ZipFile(path).read(name))


def test_fix_is_a_clauselint_command() -> None:
    result = subprocess.run([sys.executable, "-m", "clauselint", "fix", "--help"], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.returncode == 0
    assert "--dry-run" in result.stdout and "--author" in result.stdout and "--force" in result.stdout


def test_an_output_name_is_required_and_nothing_is_written_next_to_the_contract(tmp_path: Path, monkeypatch) -> None:
    contract = tmp_path / "contract.docx"
    contract.write_bytes(Path(_docx("uk-glenmoor-distribution")).read_bytes())
    monkeypatch.chdir(tmp_path)
    code, out, err = _fix(str(contract))
    assert code == 2
    assert "-o FILE.docx" in err and "Traceback" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["contract.docx"]


def test_dry_run_lists_one_change_per_open_finding_and_writes_nothing(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    contract = _docx("uk-glenmoor-distribution")
    report = lint_bundle([contract])
    code, out, _ = _fix(contract, "--dry-run", "-o", "out.docx")
    assert code == 0
    assert list(tmp_path.iterdir()) == []
    assert "dry run: nothing written." in out
    change_lines = [line for line in out.splitlines() if line.startswith(("  + ", "  - ", "  ~ "))]
    for finding in report.findings:
        mentioned = [line for line in change_lines if line.split()[1] == finding.rule]
        assert bool(mentioned) == (finding.status is not Status.PRESENT), finding.rule


@pytest.mark.parametrize("name", list(CONTRACTS))
def test_the_redline_holds_tracked_changes_and_one_comment_per_change_by_the_author(name: str, tmp_path: Path) -> None:
    contract, bundle = _docx(name), [_docx(n) for n in CONTRACTS[name]]
    before = {path: _digest(path) for path in [contract, *bundle]}
    report = lint_bundle([contract, *bundle])
    output = tmp_path / "redline.docx"
    args = [contract, *[a for path in bundle for a in ("--with", path)], "-o", str(output), "--author", "Jane Roe, Counsel"]
    code, out, err = _fix(*args)
    assert code == 0, err
    assert {path: _digest(path) for path in before} == before  # the inputs are never modified
    opened = docx.Document(str(output))  # Word's own library opens it
    body = opened.element.body
    insertions, deletions = body.findall(f".//{W}ins"), body.findall(f".//{W}del")
    assert {e.get(W + "author") for e in insertions + deletions} == {"Jane Roe, Counsel"}
    assert all(e.get(W + "date", "").endswith("Z") and e.get(W + "id") for e in insertions + deletions)
    assert len({e.get(W + "id") for e in insertions + deletions}) == len(insertions + deletions)
    comments = _part(output, "word/comments.xml").findall(W + "comment")
    assert comments and {c.get(W + "author") for c in comments} == {"Jane Roe, Counsel"}
    references = {r.get(W + "id") for r in body.iter(W + "commentReference")}
    assert references == {c.get(W + "id") for c in comments}
    comment_texts = ["\n".join("".join(p.itertext()) for p in c.iter(W + "p")) for c in comments]
    inserted = " ".join(t.text or "" for e in insertions for t in e.iter(W + "t"))
    deleted = ["".join(t.text or "" for t in e.iter(W + "delText")).strip(" ,;") for e in deletions]
    for finding in report.findings:
        if finding.status is Status.PRESENT:
            assert not [t for t in comment_texts if f"/{finding.rule})" in t]
            continue
        about = [t for t in comment_texts if f"/{finding.rule}): {finding.status.value}" in t]
        assert about, f"no comment for {finding.rule}"
        assert all("Safe Face Pledge commitment" in t for t in about)
        by_hand = f"note: {finding.rule}:" in out
        own_evidence = [e for e in finding.evidence if e.file == contract]
        if finding.status is Status.CONFLICT and own_evidence and not by_hand:
            assert any(words and words in e.text for e in own_evidence for words in deleted), finding.rule
        if finding.status is Status.MISSING:
            assert finding.suggestion.text in inserted, finding.rule
    assert read_document(str(output)).text != read_document(contract).text


def test_write_atomic_bytes_writes_exactly_the_bytes_refuses_an_input_and_leaves_nothing_behind_on_failure(tmp_path: Path) -> None:
    from clauselint.outputs import OutputError, write_atomic_bytes

    target = tmp_path / "out.docx"
    write_atomic_bytes(str(target), b"PK\x03\x04 binary \r\n kept as is")
    assert target.read_bytes() == b"PK\x03\x04 binary \r\n kept as is"
    with pytest.raises(OutputError, match="input"):
        write_atomic_bytes(str(target), b"other", inputs=[str(target)])
    assert target.read_bytes() == b"PK\x03\x04 binary \r\n kept as is"
    folder = tmp_path / "folder.docx"
    (folder / "inside").mkdir(parents=True)
    with pytest.raises(OSError):  # the rename onto a folder fails: the temporary file is removed
        write_atomic_bytes(str(folder), b"data")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["folder.docx", "out.docx"]


def test_an_existing_output_is_replaced_only_with_force_and_an_input_never(tmp_path: Path) -> None:
    contract = _docx("uk-glenmoor-distribution")
    output = tmp_path / "out.docx"
    output.write_bytes(b"keep me")
    code, _, err = _fix(contract, "-o", str(output))
    assert code == 2 and "--force" in err
    assert output.read_bytes() == b"keep me"
    code, _, err = _fix(contract, "-o", str(output), "--force")
    assert code == 0, err
    assert zipfile.is_zipfile(output)
    copy = tmp_path / "contract.docx"
    copy.write_bytes(Path(contract).read_bytes())
    code, _, err = _fix(str(copy), "-o", str(copy), "--force")
    assert code == 2 and "input" in err
    assert copy.read_bytes() == Path(contract).read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["contract.docx", "out.docx"]  # no temporary file left behind


def test_bad_input_is_a_one_line_error(tmp_path: Path) -> None:
    broken = tmp_path / "broken.docx"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    code, _, err = _fix(str(broken), "-o", str(tmp_path / "out.docx"))
    assert code == 2 and "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "out.docx").exists()


def test_a_pdf_gets_an_amendment_naming_the_parties(tmp_path: Path) -> None:
    contract = str(SAMPLES / "pdf" / "us-msa-corvane-retail.pdf")
    document = read_document(contract)
    report = lint_bundle([contract])
    output = tmp_path / "amendment.docx"
    code, out, err = _fix(contract, "-o", str(output))
    assert code == 0, err
    open_findings = [f for f in report.findings if f.status is not Status.PRESENT]
    if not open_findings:
        assert "nothing to fix" in out and not output.exists()
        return
    assert "cannot carry tracked changes" in out and "amendment" in out
    opened = docx.Document(str(output))
    texts = [p.text for p in opened.paragraphs]
    title = " ".join(document.title.split())
    assert texts[0] == f"Amendment to {title.title() if title.isupper() else title}"
    for party in document.parties:
        assert any(party.name in text for text in texts[:6]), party.name
    assert any(text.startswith("(A)") for text in texts)
    for finding in open_findings:
        assert any(finding.suggestion.text in text for text in texts), finding.rule
    comments = _part(output, "word/comments.xml").findall(W + "comment")
    assert len(comments) >= len(open_findings)
    assert Path(contract).exists() and not list(Path(contract).parent.glob("*.docx"))


def test_comments_quote_rule_status_and_pledge(tmp_path: Path) -> None:
    contract = _docx("mix-reseller-brisklane-tallgrass")
    output = tmp_path / "out.docx"
    assert _fix(contract, "-o", str(output))[0] == 0
    from clauselint.library import load_pack

    pack = load_pack("sfp-4.1")
    comments = _part(output, "word/comments.xml").findall(W + "comment")
    first_lines = {"".join(c.find(W + "p").itertext()) for c in comments}
    for comment in comments:
        text = "\n".join("".join(p.itertext()) for p in comment.iter(W + "p"))
        rule = next((r for r in pack.rules if f"({pack.id}/{r.id})" in text), None)
        if rule is not None:
            assert rule.pledge in text and rule.name in text
    assert all(line.startswith("clauselint") for line in first_lines)


def test_written_output_is_a_package_word_can_open(tmp_path: Path) -> None:
    output = tmp_path / "out.docx"
    assert _fix(_docx("uk-glenmoor-distribution"), "-o", str(output))[0] == 0
    archive = zipfile.ZipFile(output)
    assert archive.testzip() is None
    types = archive.read("[Content_Types].xml")
    assert b'PartName="/word/comments.xml"' in types
    assert b"trackRevisions" in archive.read("word/settings.xml")
    for name in archive.namelist():
        if name.endswith((".xml", ".rels")):
            etree.fromstring(archive.read(name))
    docx.Document(io.BytesIO(output.read_bytes()))



def _numbering_of(name: str) -> str:
    front = (SAMPLES / "src" / f"{name}.md").read_text(encoding="utf-8").split("---")[1]
    return "auto" if "numbering: auto" in front else "manual"


@pytest.mark.parametrize("scheme", ["auto", "manual"])
def test_new_clauses_follow_the_contracts_numbering_scheme(scheme: str) -> None:
    from clauselint.redline.fix import fix_contract

    names = [p.stem for p in sorted((SAMPLES / "docx").glob("*.docx")) if (SAMPLES / "src" / f"{p.stem}.md").is_file()]
    for name in (n for n in names if _numbering_of(n) == scheme):
        result = fix_contract(_docx(name))
        clauses = [c.clause for c in result.plan.changes if c.clause is not None and c.clause.label]
        if clauses:
            break
    else:
        pytest.fail(f"no sample contract with {scheme} numbering needs a numbered clause any more")
    body = docx.Document(io.BytesIO(result.data)).element.body
    for clause in clauses:
        paragraph = next(p for p in body.iter(W + "p") if clause.text in "".join(t.text or "" for t in p.iter(W + "t")))
        text = "".join(t.text or "" for t in paragraph.iter(W + "t"))
        numbered = paragraph.find(f"{W}pPr/{W}numPr") is not None
        if scheme == "auto":  # Word's numbering (numPr, or a numbered style), copied from the neighbouring clause
            assert (numbered or paragraph.find(f"{W}pPr/{W}pStyle") is not None) and text == clause.text, name
        else:
            assert not numbered and text.startswith(clause.label), name
