"""Score clauselint against the labelled sample contracts, beside a keyword baseline.

    python -m clauselint.eval [DIR] [--pack PACK ... | --all-packs] [--library DIR] [--min-accuracy 0.95] [--min-recall 0.95] [--max-false-present 0]

DIR holds labels/, docx/ and pdf/ (default: sample_contracts/). Every contract labelled for a pack
is linted in both formats; figures are printed per split (dev, heldout), rule and format, and per
pack when several packs are scored. A label file's top-level `rules:` holds the sfp-4.1 labels;
`packs: {PACK: {rules: ...}}` holds any other pack's, so a contract is scored only for the packs
it is labelled for.
"""

from __future__ import annotations

import sys
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

import click
import yaml

from clauselint.documents.model import Document
from clauselint.documents.reader import read_document
from clauselint.engine import evaluate_pack
from clauselint.findings import Status
from clauselint.library import Pack, PackError, available_packs, load_pack

FORMATS = ("docx", "pdf")
STATUSES = [s.value for s in Status]
# The pack whose labels live under a label file's top-level `rules:` key (the corpus predates packs).
DEFAULT_PACK = "sfp-4.1"


@dataclass(frozen=True)
class Outcome:
    contract: str
    split: str
    fmt: str
    rule: str
    expected: str
    found: str
    evidence_ok: bool | None  # None when the label has no evidence to check
    baseline: str
    pack: str = DEFAULT_PACK


def load_labels(directory: Path) -> list[dict]:
    labels = []
    for path in sorted((directory / "labels").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        data.setdefault("files", [data["id"]])
        labels.append(data)
    return labels


def pack_labels(label: dict, pack_id: str) -> dict | None:
    """A contract's labels for one pack (rule id -> label), or None when it is not labelled for it.

    Every contract counts for the default pack (its unlabelled rules are expected missing), as
    before packs existed; other packs score only the contracts that carry labels for them."""
    packs = label.get("packs") or {}
    if pack_id in packs:
        return dict((packs[pack_id] or {}).get("rules") or {})
    if pack_id == DEFAULT_PACK:
        return dict(label.get("rules") or {})
    return None


def _normal(text: str) -> str:
    return " ".join(text.replace("“", '"').replace("”", '"').replace("’", "'").replace("‘", "'").split()).lower()


def evidence_matches(expected: str | list[str] | None, quotes: list[str]) -> bool | None:
    if not expected:
        return None
    wanted = [expected] if isinstance(expected, str) else list(expected)
    found = [_normal(q) for q in quotes]
    return any(_normal(w) in q or (len(q) > 20 and q in _normal(w)) for w in wanted for q in found)


def baseline_status(text: str, keywords: list[str]) -> str:
    lowered = text.lower()
    return "present" if any(k.lower() in lowered for k in keywords) else "missing"


def evaluate(directory: Path, pack_id: str = "sfp-4.1") -> list[Outcome]:
    return evaluate_packs(directory, (pack_id,))[pack_id]


def evaluate_packs(directory: Path, pack_ids: tuple[str, ...], libraries: tuple[str, ...] = ()) -> dict[str, list[Outcome]]:
    """Outcomes per pack; each labelled contract is read once per format and run through every
    pack it is labelled for. `libraries` are extra folders of packs (a company's own playbook)."""
    packs = {pack_id: load_pack(pack_id, libraries) for pack_id in pack_ids}
    outcomes: dict[str, list[Outcome]] = {pack_id: [] for pack_id in pack_ids}
    for label in load_labels(directory):
        wanted = {pack_id: labels for pack_id in pack_ids if (labels := pack_labels(label, pack_id)) is not None}
        if not wanted:
            continue
        for fmt in FORMATS:
            paths = [str(directory / fmt / f"{name}.{fmt}") for name in label["files"]]
            documents = tuple(read_document(p) for p in paths)
            text = " ".join(d.text for d in documents)
            for pack_id, labels in wanted.items():
                outcomes[pack_id] += _score_contract(label, fmt, documents, text, packs[pack_id], labels, libraries)
    return outcomes


def _score_contract(label: dict, fmt: str, documents: tuple[Document, ...], text: str, pack: Pack, labels: dict,
                    libraries: tuple[str, ...] = ()) -> list[Outcome]:
    found = {f.rule: f for f in evaluate_pack(documents, pack.id, libraries)}
    outcomes = []
    for rule in pack.rules:
        expected = labels.get(rule.id, {}) or {}
        finding = found.get(rule.id)
        status = finding.status.value if finding else "error"
        quotes = [e.text for e in finding.evidence] + [e.context or "" for e in finding.evidence] if finding else []
        ev_ok = evidence_matches(expected.get("evidence"), quotes) if status == expected.get("status") else None
        outcomes.append(Outcome(
            contract=label["id"], split=label.get("split", "dev"), fmt=fmt, rule=rule.id,
            expected=expected.get("status", "missing"), found=status,
            evidence_ok=ev_ok if expected.get("status") != "missing" else None,
            baseline=baseline_status(text, rule.spec.get("baseline_keywords") or []),
            pack=pack.id,
        ))
    return outcomes


@dataclass(frozen=True)
class Scores:
    n: int
    accuracy: float
    present_precision: float
    present_recall: float
    false_present: int
    evidence_accuracy: float | None


def score(outcomes: list[Outcome], field: str = "found") -> Scores:
    n = len(outcomes)
    got = [getattr(o, field) for o in outcomes]
    correct = sum(1 for o, g in zip(outcomes, got, strict=True) if o.expected == g)
    said_present = [o for o, g in zip(outcomes, got, strict=True) if g == "present"]
    true_present = [o for o in outcomes if o.expected == "present"]
    hit = sum(1 for o in said_present if o.expected == "present")
    evid = [o.evidence_ok for o in outcomes if o.evidence_ok is not None] if field == "found" else []
    return Scores(
        n=n,
        accuracy=correct / n if n else 1.0,
        present_precision=hit / len(said_present) if said_present else 1.0,
        present_recall=hit / len(true_present) if true_present else 1.0,
        false_present=len(said_present) - hit,
        evidence_accuracy=(sum(evid) / len(evid)) if evid else None,
    )


def render(outcomes: list[Outcome]) -> str:
    lines = []
    rules = sorted({o.rule for o in outcomes}, key=[o.rule for o in outcomes].index)
    for split in ("dev", "heldout", "all"):
        subset = [o for o in outcomes if split == "all" or o.split == split]
        if not subset:
            continue
        contracts = len({o.contract for o in subset})
        lines.append(f"\n== split: {split} ({contracts} contracts) ==")
        lines.append(f"{'rule':<26}{'fmt':<6}{'acc':>6}{'P(pres)':>9}{'R(pres)':>9}{'falseP':>8}{'evid':>7}   | baseline acc  P  R  falseP")
        for rule in [*rules, "ALL"]:
            for fmt in (*FORMATS, "both"):
                part = [o for o in subset if (rule == "ALL" or o.rule == rule) and (fmt == "both" or o.fmt == fmt)]
                if not part:
                    continue
                s, b = score(part), score(part, "baseline")
                ev = f"{s.evidence_accuracy:.2f}" if s.evidence_accuracy is not None else "  - "
                lines.append(f"{rule:<26}{fmt:<6}{s.accuracy:>6.2f}{s.present_precision:>9.2f}{s.present_recall:>9.2f}"
                             f"{s.false_present:>8}{ev:>7}   | {b.accuracy:>12.2f} {b.present_precision:.2f} {b.present_recall:.2f} {b.false_present:>4}")
        lines.append("\nconfusion (rows expected, columns found), both formats:")
        lines.append(" " * 12 + "".join(f"{s:>10}" for s in STATUSES))
        confusion = Counter((o.expected, o.found) for o in subset)
        for expected in STATUSES:
            lines.append(f"{expected:<12}" + "".join(f"{confusion[(expected, found)]:>10}" for found in STATUSES))
    return "\n".join(lines)


def mistakes(outcomes: list[Outcome]) -> list[str]:
    grouped = defaultdict(list)
    for o in outcomes:
        if o.expected != o.found:
            grouped[(o.contract, o.rule, o.expected, o.found)].append(o.fmt)
    return [f"{c} {r}: expected {e}, found {f} ({'/'.join(fmts)})" for (c, r, e, f), fmts in sorted(grouped.items())]


def render_packs(by_pack: dict[str, list[Outcome]]) -> str:
    """Each pack's figures under its own heading, then one line per pack and split."""
    lines = []
    for pack_id, outcomes in by_pack.items():
        lines.append(f"\n######## pack: {pack_id} ({len({o.contract for o in outcomes})} labelled contracts) ########")
        lines.append(render(outcomes) if outcomes else "no contract is labelled for this pack")
    lines.append("\n== summary per pack (both formats) ==")
    lines.append(f"{'pack':<20}{'split':<9}{'contracts':>10}{'acc':>7}{'P(pres)':>9}{'R(pres)':>9}{'falseP':>8}{'evid':>7}   | baseline acc")
    for pack_id, outcomes in by_pack.items():
        for split in ("dev", "heldout", "all"):
            part = [o for o in outcomes if split == "all" or o.split == split]
            if not part:
                continue
            s, b = score(part), score(part, "baseline")
            ev = f"{s.evidence_accuracy:.2f}" if s.evidence_accuracy is not None else "  - "
            lines.append(f"{pack_id:<20}{split:<9}{len({o.contract for o in part}):>10}{s.accuracy:>7.2f}{s.present_precision:>9.2f}"
                         f"{s.present_recall:>9.2f}{s.false_present:>8}{ev:>7}   | {b.accuracy:>12.2f}")
    return "\n".join(lines)


def threshold_failures(outcomes: list[Outcome], min_accuracy: float, min_recall: float, max_false_present: int | None,
                       prefix: str = "") -> list[str]:
    """Every split/rule/format below the floors, and a false-present count above the ceiling."""
    failures = []
    for split in {o.split for o in outcomes}:
        for rule in {o.rule for o in outcomes}:
            for fmt in FORMATS:
                part = [o for o in outcomes if o.split == split and o.rule == rule and o.fmt == fmt]
                if not part:
                    continue
                s = score(part)
                if s.accuracy < min_accuracy:
                    failures.append(f"{prefix}{split}/{rule}/{fmt}: accuracy {s.accuracy:.2f} < {min_accuracy}")
                if s.present_recall < min_recall:
                    failures.append(f"{prefix}{split}/{rule}/{fmt}: recall {s.present_recall:.2f} < {min_recall}")
    total_false = score(outcomes).false_present
    if max_false_present is not None and total_false > max_false_present:
        failures.append(f"{prefix}{total_false} false 'present' findings > {max_false_present}")
    return failures


@click.command()
@click.argument("directory", default="sample_contracts", type=click.Path(exists=True, file_okay=False))
@click.option("--pack", "packs", multiple=True, metavar="PACK", help=f"Pack to score (repeatable; default {DEFAULT_PACK}).")
@click.option("--all-packs", is_flag=True, help="Score every available pack on the contracts labelled for it.")
@click.option("--library", "libraries", multiple=True, metavar="DIR", type=click.Path(exists=True, file_okay=False),
              help="A further folder of packs, beside the shipped library (repeatable).")
@click.option("--min-accuracy", type=float, default=0.0, show_default=True, help="Fail below this status accuracy (any rule, format, split).")
@click.option("--min-recall", type=float, default=0.0, show_default=True, help="Fail below this recall of 'present'.")
@click.option("--max-false-present", type=int, default=None, help="Fail when more 'present' findings than this are wrong (per pack).")
@click.option("--show-mistakes/--no-mistakes", default=True, show_default=True)
def main(directory: str, packs: tuple[str, ...], all_packs: bool, libraries: tuple[str, ...], min_accuracy: float,
         min_recall: float, max_false_present: int | None, show_mistakes: bool) -> None:
    """Score the linter on labelled contracts in DIRECTORY (labels/, docx/, pdf/)."""
    libraries = tuple(str(Path(p).resolve()) for p in libraries)
    chosen = tuple(dict.fromkeys([*packs, *(available_packs(libraries) if all_packs else ())])) or (DEFAULT_PACK,)
    try:
        by_pack = evaluate_packs(Path(directory), chosen, libraries)
    except PackError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    several = len(by_pack) > 1
    click.echo(render_packs(by_pack) if several else render(by_pack[chosen[0]]))
    if show_mistakes:
        wrong = [f"{pack_id}: {line}" if several else line for pack_id, outcomes in by_pack.items() for line in mistakes(outcomes)]
        click.echo(f"\n{len(wrong)} mistake(s):")
        for line in wrong:
            click.echo("  " + line)
    failures = [failure for pack_id, outcomes in by_pack.items()
                for failure in threshold_failures(outcomes, min_accuracy, min_recall, max_false_present, f"{pack_id}/" if several else "")]
    for failure in sorted(failures):
        click.echo(f"FAIL {failure}", err=True)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
