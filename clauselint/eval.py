"""Score clauselint against the labelled sample contracts, beside a keyword baseline.

    python -m clauselint.eval [DIR] [--min-accuracy 0.95] [--min-recall 0.95] [--max-false-present 0]

DIR holds labels/, docx/ and pdf/ (default: sample_contracts/). Every labelled contract is linted
in both formats; figures are printed per split (dev, heldout), rule and format.
"""

from __future__ import annotations

import sys
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

import click
import yaml

from clauselint.documents.reader import read_document
from clauselint.engine import evaluate_pack
from clauselint.findings import Status
from clauselint.library import load_pack

FORMATS = ("docx", "pdf")
STATUSES = [s.value for s in Status]


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


def load_labels(directory: Path) -> list[dict]:
    labels = []
    for path in sorted((directory / "labels").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        data.setdefault("files", [data["id"]])
        labels.append(data)
    return labels


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
    pack = load_pack(pack_id)
    outcomes: list[Outcome] = []
    for label in load_labels(directory):
        for fmt in FORMATS:
            paths = [str(directory / fmt / f"{name}.{fmt}") for name in label["files"]]
            documents = tuple(read_document(p) for p in paths)
            text = " ".join(d.text for d in documents)
            found = {f.rule: f for f in evaluate_pack(documents, pack_id)}
            for rule in pack.rules:
                expected = (label.get("rules") or {}).get(rule.id, {}) or {}
                finding = found.get(rule.id)
                status = finding.status.value if finding else "error"
                quotes = [e.text for e in finding.evidence] + [e.context or "" for e in finding.evidence] if finding else []
                ev_ok = evidence_matches(expected.get("evidence"), quotes) if status == expected.get("status") else None
                outcomes.append(Outcome(
                    contract=label["id"], split=label.get("split", "dev"), fmt=fmt, rule=rule.id,
                    expected=expected.get("status", "missing"), found=status,
                    evidence_ok=ev_ok if expected.get("status") != "missing" else None,
                    baseline=baseline_status(text, rule.spec.get("baseline_keywords") or []),
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


@click.command()
@click.argument("directory", default="sample_contracts", type=click.Path(exists=True, file_okay=False))
@click.option("--pack", default="sfp-4.1", show_default=True)
@click.option("--min-accuracy", type=float, default=0.0, show_default=True, help="Fail below this status accuracy (any rule, format, split).")
@click.option("--min-recall", type=float, default=0.0, show_default=True, help="Fail below this recall of 'present'.")
@click.option("--max-false-present", type=int, default=None, help="Fail when more 'present' findings than this are wrong.")
@click.option("--show-mistakes/--no-mistakes", default=True, show_default=True)
def main(directory: str, pack: str, min_accuracy: float, min_recall: float, max_false_present: int | None, show_mistakes: bool) -> None:
    """Score the linter on labelled contracts in DIRECTORY (labels/, docx/, pdf/)."""
    outcomes = evaluate(Path(directory), pack)
    click.echo(render(outcomes))
    if show_mistakes:
        wrong = mistakes(outcomes)
        click.echo(f"\n{len(wrong)} mistake(s):")
        for line in wrong:
            click.echo("  " + line)
    failures = []
    for split in {o.split for o in outcomes}:
        for rule in {o.rule for o in outcomes}:
            for fmt in FORMATS:
                part = [o for o in outcomes if o.split == split and o.rule == rule and o.fmt == fmt]
                if not part:
                    continue
                s = score(part)
                if s.accuracy < min_accuracy:
                    failures.append(f"{split}/{rule}/{fmt}: accuracy {s.accuracy:.2f} < {min_accuracy}")
                if s.present_recall < min_recall:
                    failures.append(f"{split}/{rule}/{fmt}: recall {s.present_recall:.2f} < {min_recall}")
    total_false = score(outcomes).false_present
    if max_false_present is not None and total_false > max_false_present:
        failures.append(f"{total_false} false 'present' findings > {max_false_present}")
    for failure in sorted(failures):
        click.echo(f"FAIL {failure}", err=True)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
