"""The statements both documents share, each linked to the evidence it comes from: the
project's context, runs and metrics, data versions and their review, fairness figures, sign-offs.
"""

from __future__ import annotations

from typing import Any

from .. import kinds
from ..data.versions import DataVersion, Review
from ..ledger import Entry
from .evidence import Evidence
from .model import Link, Statement

#: how a link names an entry of each kind
_WORDS = {
    kinds.DECISION: "decision",
    kinds.DATA_REGISTERED: "data version",
    kinds.RUN_LOGGED: "run entry",
    kinds.EXPLANATION_RECORDED: "explanation",
    kinds.FAIRNESS_ASSESSED: "fairness assessment",
    kinds.DIAGNOSTICS_RECORDED: "diagnostics",
    kinds.EXECUTED: "clean run",
    kinds.BATCH_RUN: "batch run",
    kinds.GRANTED: "sign-off",
    kinds.REFUSED: "refusal",
    kinds.REVOKED: "revocation",
    kinds.PROJECT_CREATED: "project created",
    kinds.PROJECT_CONFIGURED: "configuration",
}


def entry_link(entry: Entry) -> Link:
    return Link(
        kind="entry", id=entry.hash, label=f"{_WORDS.get(entry.kind, entry.kind)} {entry.short_id}"
    )


def run_link(run_id: str, name: str | None = None) -> Link:
    named = f"run '{name}' " if name else "run "
    return Link(kind="run", id=run_id, label=f"{named}{run_id[:12]}")


def data_link(version: DataVersion) -> Link:
    return Link(kind="data", id=version.md5, label=f"{version.label} (MD5 {version.md5[:12]})")


def run_links(run: Entry) -> list[Link]:
    """A run entry and its MLflow run."""
    p = run.payload
    return [entry_link(run), run_link(str(p["run_id"]), str(p.get("name") or ""))]


def day(entry: Entry) -> str:
    return entry.time[:10]


def _number(value: Any) -> str:
    return (
        f"{value:.4g}"
        if isinstance(value, (int, float)) and not isinstance(value, bool)
        else str(value)
    )


def model_class(evidence: Evidence) -> tuple[str, list[Link]] | None:
    """The fitted model's class, as the latest run's explanation or diagnostics recorded it,
    with links to that entry and its run (the run's link second)."""
    for entry in evidence.explanations[:1] + evidence.diagnostics[:1]:
        name = (entry.payload.get("model") or {}).get("class")
        if name:
            return str(name), [entry_link(entry), run_link(str(entry.payload["run_id"]))]
    return None


# --- the project's context -----------------------------------------------------------------


def _recorded_by(evidence: Evidence, name: str) -> Entry | None:
    """The latest entry that set the context field ``name``: ``mlops configure`` (its
    ``after.context``) or ``mlops init`` (its ``context``)."""
    for entry in reversed(evidence.of_kind(kinds.PROJECT_CONFIGURED)):
        if name in ((entry.payload.get("after") or {}).get("context") or {}):
            return entry
    for entry in evidence.of_kind(kinds.PROJECT_CREATED):
        if name in (entry.payload.get("context") or {}):
            return entry
    return None


def context_statement(evidence: Evidence, name: str, label: str) -> Statement | None:
    """``label: value`` for a context field the project recorded (None when it is unset)."""
    value = getattr(evidence.context, name)
    if not value:
        return None
    source = _recorded_by(evidence, name)
    return Statement(text=f"{label}: {value}", links=[entry_link(source)] if source else [])


def context_statements(evidence: Evidence, fields: list[tuple[str, str]]) -> list[Statement]:
    found = (context_statement(evidence, name, label) for name, label in fields)
    return [s for s in found if s is not None]


# --- runs, data, analyses --------------------------------------------------------------------


def metrics_statement(run: Entry) -> Statement | None:
    """The run's metrics as a table (None when it logged none)."""
    metrics = run.payload.get("metrics") or {}
    if not metrics:
        return None
    rows = [["metric", "value"]] + [[k, _number(v)] for k, v in sorted(metrics.items())]
    return Statement(
        text=f"Metrics of run '{run.payload.get('name')}' ({day(run)}, by {run.actor}):",
        links=run_links(run),
        rows=rows,
    )


def data_statements(evidence: Evidence, *, reviews: bool = True) -> list[Statement]:
    """Each data version the latest run read: provenance, profile and (``reviews``) PII review."""
    found: list[Statement] = []
    for version, review in evidence.data:
        found.append(_data_statement(version))
        if reviews:
            found.append(review_statement(version, review))
    return found


def _data_statement(version: DataVersion) -> Statement:
    p, profile = version.payload, version.profile
    described = f" {p['description']}." if p.get("description") else ""
    sensitive = ", ".join(map(str, p.get("sensitive") or []))
    rows_text = f"{profile.rows} rows" if profile.rows is not None else f"{profile.files} file(s)"
    text = (
        f"{version.label}: {version.path} ({profile.format}, {rows_text}, "
        f"{len(profile.columns)} columns), registered {day(version.entry)} by "
        f"{version.entry.actor}, MD5 {version.md5}.{described}"
        + (f" Sensitive columns: {sensitive}." if sensitive else "")
    )
    rows = [["column", "type", "missing", "distinct"]] + [
        [
            c.name,
            c.type,
            f"{c.missing} ({c.missing_rate:.1%})",
            "" if c.distinct is None else str(c.distinct),
        ]
        for c in profile.columns
    ]
    links = [entry_link(version.entry), data_link(version)]
    return Statement(text=text, links=links, rows=rows if profile.columns else None)


def review_statement(version: DataVersion, review: Review) -> Statement:
    findings = version.findings
    links = [entry_link(version.entry), data_link(version)]
    if not findings:
        return Statement(
            text=f"The PII scan of {version.label} found nothing to review.", links=links
        )
    found = ", ".join(sorted({f"{f.column} ({f.kind})" for f in findings}))
    if review.decision is None:
        return Statement(
            text=f"The PII scan of {version.label} found {found}; not reviewed yet.", links=links
        )
    d = review.decision.entry
    return Statement(
        text=(
            f"The PII scan of {version.label} found {found}; reviewed by {d.actor} on {day(d)} "
            f"(v{review.reviewed_version}): {d.payload.get('title')}. {d.payload.get('why') or ''}"
        ).strip(),
        links=[*links, entry_link(d)],
    )


def _fairness_verdict(p: dict[str, Any]) -> str:
    features = ", ".join(str(f.get("name")) for f in p.get("features") or [] if isinstance(f, dict))
    breaches = [b for b in p.get("breaches") or [] if isinstance(b, dict)]
    if p.get("passed") is None:
        verdict = "no fairness policy applies" if not breaches else "not judged"
    elif breaches:
        first = breaches[0]
        more = f" (and {len(breaches) - 1} more)" if len(breaches) > 1 else ""
        verdict = f"beyond the policy's limits: {first.get('metric')} for {first.get('worst_group')}{more}"
    else:
        verdict = "within the policy's limits"
    return f"Fairness across {features or 'the declared groups'}: {verdict}"


def fairness_statements(evidence: Evidence) -> list[Statement]:
    """The latest fairness assessment: its verdict, and each disparity with its interval."""
    if not evidence.fairness:
        return []
    entry = evidence.fairness[0]
    p = entry.payload
    links = [entry_link(entry), run_link(str(p["run_id"]), evidence.run_name(p["run_id"]))]
    verdict = _fairness_verdict(p)
    confidence = p.get("confidence")
    rows = [
        [
            "feature",
            "metric",
            "value",
            f"{_number((confidence or 0.95) * 100)}% interval",
            "worst group",
            "best group",
        ]
    ]
    for feature, metrics in sorted((p.get("disparities") or {}).items()):
        for metric, figure in sorted((metrics or {}).items()):
            if not isinstance(figure, dict):
                continue
            rows.append([
                str(feature), str(metric), _number(figure.get("value")),
                f"{_number(figure.get('low'))} to {_number(figure.get('high'))}",
                str(figure.get("worst_group", "")), str(figure.get("best_group", "")),
            ])  # fmt: skip
    policy = p.get("policy") or {}
    text = (
        f"{verdict} ({p.get('rows')} rows, {p.get('resamples')} bootstrap "
        f"resamples, seed {p.get('seed')}; policy: {policy.get('cite') or 'none'}; "
        f"{day(entry)}, by {entry.actor})."
    )
    found = [Statement(text=text, links=links, rows=rows if len(rows) > 1 else None)]
    if evidence.fairness_groups:
        found.append(_group_statement(evidence.fairness_groups, p, links))
    small = p.get("small_groups") or []
    if small:
        names = ", ".join(str(g.get("group", g)) if isinstance(g, dict) else str(g) for g in small)
        found.append(Statement(text=f"Groups too small to judge: {names}.", links=links))
    return found


def _group_statement(
    groups: list[dict[str, Any]], p: dict[str, Any], links: list[Link]
) -> Statement:
    """Each group's figures with their intervals, one row per group."""
    metrics = [str(m) for m in groups[0].get("_metrics") or []]
    rows = [["feature", "group", "size", *metrics]]
    for g in groups:
        rows.append([
            str(g.get("feature")), str(g.get("group")), str(g.get("size", "")),
            *(f"{_number(g.get(m))} ({_number(g.get(f'{m}_low'))} to {_number(g.get(f'{m}_high'))})"
              for m in metrics),
        ])  # fmt: skip
    artifact = Link(kind="artifact", id=f"{p['run_id']}/{p['artifacts']}/report.json",
                    label=f"report {p['artifacts']}/report.json")  # fmt: skip
    return Statement(
        text="Each group's figures, with their bootstrap intervals:",
        links=[*links, artifact],
        rows=rows,
    )


def explanation_statements(evidence: Evidence) -> list[Statement]:
    """The latest explanation: the explainer, rows explained and the top features."""
    if not evidence.explanations:
        return []
    entry = evidence.explanations[0]
    p = entry.payload
    links = [entry_link(entry), run_link(str(p["run_id"]), evidence.run_name(p["run_id"]))]
    rows_info = p.get("rows") or {}
    text = (
        f"Explained with the {p.get('explainer')} explainer ({', '.join(p.get('kinds') or [])}) "
        f"on {rows_info.get('explained', '?')} rows, in {p.get('space')} ({day(entry)}, by {entry.actor})."
    )
    top = [t for t in p.get("top") or [] if isinstance(t, dict)]
    rows = [["feature", "importance", "interval"]] + [
        [
            str(t.get("feature")),
            _number(t.get("importance")),
            f"{_number(t.get('ci_low'))} to {_number(t.get('ci_high'))}",
        ]
        for t in top
    ]
    if p.get("artifacts"):
        links.append(
            Link(
                kind="artifact",
                id=f"{p['run_id']}/{p['artifacts']}",
                label=f"report {p['artifacts']}",
            )
        )
    return [Statement(text=text, links=links, rows=rows if top else None)]


def diagnostics_statements(evidence: Evidence, *, failing_only: bool = False) -> list[Statement]:
    """The latest diagnostics' findings (``failing_only``: those that did not pass)."""
    if not evidence.diagnostics:
        return []
    entry = evidence.diagnostics[0]
    p = entry.payload
    findings = [f for f in p.get("findings") or [] if isinstance(f, dict)]
    if failing_only:
        findings = [f for f in findings if f.get("status") != "pass"]
    if not findings:
        return []
    links = [entry_link(entry), run_link(str(p["run_id"]), evidence.run_name(p["run_id"]))]
    rows = [["check", "status", "detail"]] + [
        [str(f.get("check")), str(f.get("status")), str(f.get("detail") or "")] for f in findings
    ]
    text = (
        f"Diagnostics of run '{evidence.run_name(p['run_id'])}' ({day(entry)}, by {entry.actor}):"
    )
    return [Statement(text=text, links=links, rows=rows)]


def signoff_statements(evidence: Evidence) -> list[Statement]:
    """Every sign-off of the notebook, dated, with its role and whether it is current."""
    found = []
    for entry in evidence.signoffs():
        p = entry.payload
        verb = {kinds.GRANTED: "approved", kinds.REFUSED: "refused", kinds.REVOKED: "revoked"}[
            entry.kind
        ]
        current = p.get("bundle_digest") == evidence.approval.bundle.digest
        comment = f": {p['comment']}" if p.get("comment") else ""
        found.append(Statement(
            text=f"{entry.actor} {verb} as {p.get('role')} on {day(entry)}{comment}"
            f" ({'this bundle' if current else 'an earlier bundle'}).",
            links=[entry_link(entry)],
        ))  # fmt: skip
    return found
