"""Evidence check ``fairness_assessed``: the latest finished run of this notebook version was
assessed for fairness on that run's data, on every column declared sensitive at registration,
and its disparities are within the template's CURRENT policy for the project's risk tier
(re-judged here with :func:`...fairness_assessment.policy.judge`, the one rule ``fairness()``
uses: a limited disparity beyond its limit fails, and so does one that was not measured
across a sensitive column: missing, None or only partly measured).

A failing item names the feature, the groups at the extremes and the metric, its value,
interval and limit (or why it could not be judged), and the policy's citation. It may be waived only with a decision tagged ``fairness``
(the item's ``waiver_decision``, enforced by the checklist).
"""

from __future__ import annotations

from typing import Any

from ...fairness_assessment.policy import judge, parse_policy
from ...kinds import FAIRNESS_ASSESSED
from ...ledger import Entry
from ...templates import for_tier
from ..engine import Context, Outcome, evidence_check
from ..run_evidence import latest_run_reports, report_evidence

FIX = (
    "assess the latest finished run: jupyterlab_mlops.fairness(y_test, y_pred, groups_test, "
    "run=...)"
)


@evidence_check("fairness_assessed")
def fairness_assessed(context: Context, policy: dict[str, Any]) -> Outcome:
    """The newest fairness assessment of the latest finished run covers every declared
    sensitive column and breaches no limit of ``policy`` (per tier) at this tier."""
    tier = context.project.config.risk_tier
    judged = parse_policy(
        for_tier(policy, tier), f"fairness_assessed: the policy for risk tier {tier!r}"
    )
    found = latest_run_reports(context, FAIRNESS_ASSESSED, "fairness assessment", FIX)
    if isinstance(found, Outcome):
        return found
    declared = _declared(context)
    entry = next(
        (e for e in reversed(found.reports) if not _uncovered(e, declared)), found.reports[-1]
    )
    evidence = (*found.evidence, *report_evidence(entry, "fairness assessment"))
    missing = _uncovered(entry, declared)
    if missing:
        return Outcome(
            False,
            f"the fairness assessment of run '{found.run_name}' does not cover "
            f"{', '.join(missing)}, declared sensitive in the data the run read: pass "
            f"sensitive= with {', '.join(declared)}",
            evidence,
        )
    disparities = entry.payload.get("disparities")
    if not isinstance(disparities, dict) or not disparities:
        return Outcome(False, "the fairness assessment records no disparities", evidence)
    verdict = judge(disparities, judged, _intersections(entry))
    broken = verdict.breaches
    small = _small(entry)
    if broken:
        first = broken[0]
        more = f"; {len(broken) - 1} more breach(es)" if len(broken) > 1 else ""
        return Outcome(
            False,
            f"run '{found.run_name}': {first.text()}{more}. Policy: {judged.cite}{small}",
            evidence,
        )
    deciding = [u for u in verdict.unjudged if u.decides]
    if deciding:
        more = f"; {len(deciding) - 1} more not judged" if len(deciding) > 1 else ""
        return Outcome(
            False,
            f"run '{found.run_name}': {deciding[0].text()}{more} (a limited disparity must be "
            f"measured to pass). Policy: {judged.cite}{small}",
            evidence,
        )
    p = entry.payload
    features = [f.get("name") for f in p.get("features") or [] if isinstance(f, dict)]
    limits = ", ".join(f"{m} {lim.text()}" for m, lim in judged.limits.items())
    return Outcome(
        True,
        f"run '{found.run_name}': {p.get('rows', '?')} rows assessed on "
        f"{', '.join(map(str, features)) or '?'} ({p.get('resamples', '?')} resamples); "
        f"within the {tier} tier's limits ({limits}){small}",
        evidence,
    )


def _declared(context: Context) -> list[str]:
    found: list[str] = []
    for version in context.data_read:
        for column in version.payload.get("sensitive") or []:
            if column not in found:
                found.append(str(column))
    return found


def _intersections(entry: Entry) -> list[str]:
    """The features of the assessment that cross two or more columns."""
    return [
        str(f.get("name"))
        for f in entry.payload.get("features") or []
        if isinstance(f, dict) and len(f.get("columns") or []) > 1
    ]


def _uncovered(entry: Entry, declared: list[str]) -> list[str]:
    covered = set()
    for feature in entry.payload.get("features") or []:
        if isinstance(feature, dict):
            covered |= {str(c) for c in feature.get("columns") or []}
    columns = entry.payload.get("columns")
    covered |= {str(c) for c in columns} if isinstance(columns, list) else set()
    return [c for c in declared if c not in covered]


def _small(entry: Entry) -> str:
    small = entry.payload.get("small_groups")
    if not isinstance(small, list) or not small:
        return ""
    groups: dict[tuple[Any, Any], list[str]] = {}
    for s in small:
        if isinstance(s, dict):
            metric = f"{s.get('metric')}: " if s.get("metric") else ""
            groups.setdefault((s.get("feature"), s.get("group")), []).append(
                f"{metric}{s.get('why') or 'n=' + str(s.get('size'))}"
            )
    named = ", ".join(f"{f} = {g} ({'; '.join(w)})" for (f, g), w in list(groups.items())[:5])
    more = ", …" if len(groups) > 5 else ""
    return f"; too small to judge (left out of the disparities): {named}{more}"
