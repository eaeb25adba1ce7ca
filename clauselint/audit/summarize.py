"""A results file back into a Report, for any of the linter's report formats.

The lines hold every rule's finding with the pack's own severities and no waivers; the team's
choices (select / ignore, severities, waivers) are applied here, as `clauselint` applies them to a
fresh lint, so changing them needs no re-audit. The last line of each file counts; files are listed
in path order, as a batch report lists them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from clauselint import __version__
from clauselint.audit.records import result_from_record
from clauselint.audit.results_file import ResultsFileError, latest_records
from clauselint.config import Settings
from clauselint.findings import FileResult, Report, RuleInfo, Waiver
from clauselint.library import PackError, load_pack
from clauselint.policy import RuleRef, resolve_policy
from clauselint.waivers import apply_waivers, stale_notices


def summarize(path: str, settings: Settings = Settings(), waivers: Sequence[Waiver] = ()) -> Report:
    """The Report of a results file; raises ResultsFileError for a missing or foreign file, SelectionError for unknown rules."""
    records = latest_records(path)
    if not records:
        raise ResultsFileError(f"{path}: no audit results in it (run `clauselint audit SOURCE... --results {path}` first)")
    records.sort(key=lambda r: (r["path"], r["source"]))
    results = [result_from_record(r) for r in records]
    packs = tuple(dict.fromkeys(pack for r in records for pack in r["packs"]))
    rules = _rules(packs, results, settings)
    policy = resolve_policy([RuleRef(r.pack, r.id) for r in rules], settings.select, settings.ignore, settings.severity)
    final = tuple(apply_waivers(dataclasses.replace(r, findings=policy.apply(r.findings)), waivers) for r in results)
    selected = tuple(r for r in rules if RuleRef(r.pack, r.id) in policy.selected)
    versions = sorted({r["clauselint"] for r in records})
    notices = list(stale_notices(final, waivers))
    stamps = {(r["clauselint"], r["fingerprint"]) for r in records}
    if len(stamps) > 1:
        notices.append(f"{path}: its results come from {len(stamps)} different clauselint versions or pack settings; "
                       "run the audit again with the current ones to bring every file up to date")
    return Report(packs=packs, results=final, version=", ".join(versions) or __version__, rules=selected, notices=tuple(notices))


def _rules(packs: Sequence[str], results: Sequence[FileResult], settings: Settings) -> list[RuleInfo]:
    """The packs' rules as installed here; for a pack that is not, the rules its findings name."""
    rules: list[RuleInfo] = []
    for pack_id in packs:
        try:
            pack = load_pack(pack_id, tuple(settings.libraries))
        except PackError:
            seen = dict.fromkeys(f.rule for r in results for f in r.findings if f.pack == pack_id)
            rules += [RuleInfo(pack=pack_id, id=rule, name=rule, summary="", pledge="", url="") for rule in seen]
            continue
        rules += [RuleInfo(pack=pack.id, id=r.id, name=r.name, summary=r.summary, pledge=r.pledge, url=pack.url) for r in pack.rules]
    return rules
