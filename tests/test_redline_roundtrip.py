"""`clauselint fix` on every sample contract (DOCX, linted with its bundle):

- with clauselint's tracked changes accepted, every rule is present;
- with them rejected, the contract reads exactly as before and lints exactly as before;
- accepting them as Word does gives the text clauselint's reader reads from the redline.

Expectations come from the reports themselves, so the engine can change under these tests. When a
contract does not round-trip because the engine does not see a clause the fix inserted, the failure
names the contract, the rule and the inserted text, for whoever tunes the engine.
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest
import yaml
from test_redline_support import accept_changes, reject_changes

from clauselint.documents.reader import read_document
from clauselint.findings import Status
from clauselint.redline.fix import fix_contract
from clauselint.runner import lint_bundle

SAMPLES = Path(__file__).resolve().parent.parent / "sample_contracts"
LABELS = [yaml.safe_load(path.read_text(encoding="utf-8")) for path in sorted((SAMPLES / "labels").glob("*.yaml"))]
WHEN = datetime(2026, 1, 15, 9, 30, tzinfo=timezone.utc)
AUTHOR = "clauselint"
# Contracts the engine does not yet round-trip: {contract id: "engine does not yet recognise ..."}; none today.
KNOWN_ENGINE_GAPS: dict[str, str] = {}


def _params():
    for label in LABELS:
        marks = [pytest.mark.xfail(strict=True, reason=KNOWN_ENGINE_GAPS[label["id"]])] if label["id"] in KNOWN_ENGINE_GAPS else []
        yield pytest.param(label, id=label["id"], marks=marks)


@pytest.mark.parametrize("label", list(_params()))
def test_accepting_the_fix_makes_every_rule_present_and_rejecting_it_restores_the_original(label: dict, tmp_path: Path) -> None:
    files = [str(SAMPLES / "docx" / f"{name}.docx") for name in label["files"]]
    main, bundle = files[0], files[1:]
    result = fix_contract(main, bundle, author=AUTHOR, when=WHEN)
    original = [(f.rule, f.status) for f in result.lint.findings]
    if result.kind == "nothing":
        assert all(status is Status.PRESENT for _, status in original)
        assert result.data is None
        return
    assert result.kind == "redline"
    fixed = tmp_path / "fixed.docx"
    fixed.write_bytes(result.data)

    accepted = lint_bundle([str(fixed), *bundle])
    assert accepted.error is None
    unseen = [(label["id"], f.rule, f.status.value, _inserted(result, f.rule)) for f in accepted.findings if f.status is not Status.PRESENT]
    assert not unseen, f"engine does not yet recognise the fix: {unseen}"

    rejected = tmp_path / "rejected.docx"
    rejected.write_bytes(reject_changes(result.data, AUTHOR))
    assert read_document(str(rejected)).text == read_document(main).text
    assert [(f.rule, f.status) for f in lint_bundle([str(rejected), *bundle]).findings] == original

    accepted_by_word = tmp_path / "accepted.docx"
    accepted_by_word.write_bytes(accept_changes(result.data, AUTHOR))
    redline = read_document(str(fixed))
    assert read_document(str(accepted_by_word)).text == redline.text

    # every new clause is printed with the number the summary announced, typed or by Word's numbering
    # (once: a clause printed twice, under two numbers, is a defect of its own)
    printed: dict[str, list[str | None]] = {}
    for block in redline.blocks:
        printed.setdefault(block.text, []).append(block.label)
    for change in result.plan.changes:
        if change.clause is not None:
            assert printed.get(change.clause.text, ["not found"]) == [change.clause.label], change.summary


def _inserted(result, rule: str) -> list[str]:
    texts = []
    for change in result.plan.changes:
        if change.finding.rule != rule:
            continue
        if change.clause is not None:
            texts.append(change.clause.text)
        elif change.strike is not None:
            texts.append(f"struck {change.strike.words!r}" + (f", inserted {change.strike.replacement!r}" if change.strike.replacement else ""))
    return texts
