"""The fillers of the EU AI Act Annex IV points that evidence can write, by the name the
outline (``outlines/annex_iv.yaml``) gives them. Each returns the point's statements from the
evidence, or nothing when the evidence the point needs is absent (then it stays missing)."""

from __future__ import annotations

from collections.abc import Callable

from .. import kinds
from ..ledger import Entry
from ..timeline import SUMMARIES
from .evidence import Evidence
from .model import Link, Statement
from .statements import (
    context_statements,
    data_statements,
    day,
    diagnostics_statements,
    entry_link,
    explanation_statements,
    fairness_statements,
    metrics_statement,
    model_class,
    run_link,
    run_links,
    signoff_statements,
)


def notebook_versions(evidence: Evidence) -> list[Statement]:
    """The notebook's versions (fingerprints) in the order the ledger first saw them."""
    first: dict[str, Entry] = {}
    for entry in evidence.notebook_entries():
        fingerprint = (entry.notebook or {}).get("fingerprint")
        if fingerprint and fingerprint not in first:
            first[fingerprint] = entry
    if not first:
        return []
    rows = [["version", "fingerprint", "first recorded", "by", "current"]]
    for number, (fingerprint, entry) in enumerate(first.items(), 1):
        current = "yes" if fingerprint == evidence.fingerprint else ""
        rows.append([f"v{number}", fingerprint[:19], day(entry), entry.actor, current])
    return [Statement(
        text=f"Versions of {evidence.notebook} (each a change of its code), oldest first:",
        links=[entry_link(e) for e in first.values()], rows=rows,
    )]  # fmt: skip


def purpose_provider_versions(evidence: Evidence) -> list[Statement]:
    found = context_statements(
        evidence, [("intended_purpose", "Intended purpose"), ("provider", "Provider"),
                   ("description", "Description")],
    )  # fmt: skip
    if not found:  # the versions alone do not describe the system
        return []
    return found + notebook_versions(evidence)


def interactions(evidence: Evidence) -> list[Statement]:
    return context_statements(evidence, [("deployment_context", "Deployment context")])


def software_versions(evidence: Evidence) -> list[Statement]:
    run = evidence.latest_run
    if run is None:
        return []
    p = run.payload
    git = p.get("git") or {}
    commit = f"git commit {git.get('commit')}" + (
        " (uncommitted changes)" if git.get("dirty") else ""
    )
    kernel = evidence.approval.bundle.kernel
    text = (
        f"Run '{p.get('name')}' ({day(run)}) ran on Python {p.get('python')}, kernel {kernel}, "
        f"{commit if git.get('commit') else 'outside git'}; its pinned packages are the run's "
        "environment/requirements.txt."
    )
    artifact = Link(kind="artifact", id=f"{p['run_id']}/environment/requirements.txt",
                    label="environment/requirements.txt")  # fmt: skip
    return [Statement(text=text, links=[*run_links(run), artifact])]


def development_steps(evidence: Evidence) -> list[Statement]:
    if not evidence.all_runs:
        return []
    rows = [["date", "run", "status", "parameters", "by"]]
    links: list[Link] = []
    for run in evidence.all_runs:
        p = run.payload
        params = ", ".join(f"{k}={v}" for k, v in sorted((p.get("params") or {}).items()))
        production = " (batch job)" if p.get("batch_id") else ""
        rows.append(
            [day(run), f"{p.get('name')}{production}", str(p.get("status")), params, run.actor]
        )
        links.extend(run_links(run))
    found = [Statement(text=f"Runs of {evidence.notebook}, oldest first:", links=links, rows=rows)]
    model = model_class(evidence)
    if model:
        name, model_links = model
        run_name = evidence.run_name(model_links[1].id)
        found.append(
            Statement(text=f"The model of run '{run_name}' is a {name}.", links=model_links)
        )
    return found


def decision_statement(decision_entry: Entry, current: bool | None) -> Statement:
    p = decision_entry.payload
    text = f"{p.get('title')}: {p.get('why')}"
    if p.get("alternatives"):
        text += f" Alternatives considered: {p['alternatives']}"
    tags = ", ".join(p.get("tags") or [])
    text += f" ({day(decision_entry)}, by {decision_entry.actor}{'; ' + tags if tags else ''}"
    text += "; recorded on an earlier version of the notebook)" if current is False else ")"
    links = [entry_link(decision_entry)]
    for link in decision_entry.links:
        kind, _, ref = link.partition(":")
        if kind == "mlflow-run":
            links.append(run_link(ref))
        elif kind == "entry":
            links.append(Link(kind="entry", id=ref, label=f"entry {ref[:12]}"))
    return Statement(text=text, links=links)


def design_choices(evidence: Evidence) -> list[Statement]:
    return [decision_statement(d.entry, d.current) for d in evidence.decisions]


def training_data(evidence: Evidence) -> list[Statement]:
    return data_statements(evidence)


def human_oversight(evidence: Evidence) -> list[Statement]:
    found = signoff_statements(evidence) + explanation_statements(evidence)
    if not found:
        return []
    roles = evidence.project.config.roles
    who = "; ".join(
        f"{r}: {', '.join(roles.get(r) or []) or 'nobody yet'}" for r in evidence.required_roles
    )
    tier = evidence.project.config.risk_tier
    head = Statement(
        text=f"The {tier} risk tier requires sign-offs of this exact version in the roles "
        f"{', '.join(evidence.required_roles)} ({who}); any change to the bundle makes them stale.",
        links=[link for s in found for link in s.links if link.kind == "entry"][:20],
    )
    return [head, *found]


def checklist_statement(evidence: Evidence) -> Statement:
    report = evidence.report
    rows = [["item", "status", "detail"]]
    links: dict[tuple[str, str], Link] = {}
    known_runs = {e.payload.get("run_id") for e in evidence.of_kind(kinds.RUN_LOGGED)}
    for result in report.results:
        rows.append([result.item.id, result.status, result.outcome.detail])
        for ev in result.outcome.evidence:
            if ev.kind == "entry":
                links[("entry", ev.ref)] = Link(kind="entry", id=ev.ref, label=ev.label)
            elif ev.kind == "mlflow-run" and ev.ref in known_runs:
                links[("run", ev.ref)] = Link(kind="run", id=ev.ref, label=ev.label)
    return Statement(
        text=f"The readiness checklist ({report.template}, {evidence.project.config.risk_tier} "
        f"tier) of this version: stage {report.stage}.",
        links=list(links.values()), rows=rows,
    )  # fmt: skip


def clean_run_statements(evidence: Evidence) -> list[Statement]:
    return [
        Statement(
            text=f"Test log: {SUMMARIES[kinds.EXECUTED](e.payload)} in a fresh kernel on {day(e)} "
            f"({e.payload.get('seconds', 0):.1f} s), by {e.actor}.",
            links=[entry_link(e)],
        )
        for e in evidence.clean_runs
    ]


def validation_testing(evidence: Evidence) -> list[Statement]:
    run = evidence.latest_run
    metrics = metrics_statement(run) if run is not None else None
    found = ([metrics] if metrics else []) + fairness_statements(evidence)
    found += diagnostics_statements(evidence) + clean_run_statements(evidence)
    found += signoff_statements(evidence)
    if not found:
        return []
    return [*found, checklist_statement(evidence)]


def performance_and_limits(evidence: Evidence) -> list[Statement]:
    run = evidence.latest_run
    metrics = metrics_statement(run) if run is not None else None
    found = ([metrics] if metrics else []) + fairness_statements(evidence)
    if not found:
        return []
    return found + diagnostics_statements(evidence, failing_only=True)


def lifecycle_changes(evidence: Evidence) -> list[Statement]:
    """The project's and the notebook's ledger entries, dated, one row each."""
    mine = [e for e in evidence.entries if e.notebook_path in (None, evidence.notebook)]
    if not mine:
        return []
    rows = [["date", "change", "by", "entry"]]
    for entry in mine:
        summary = SUMMARIES.get(entry.kind)
        what = summary(entry.payload) if summary else entry.kind
        rows.append([entry.time[:19].replace("T", " "), what, entry.actor, entry.short_id])
    history = Statement(
        text=f"Every change to the project and to {evidence.notebook}, as the ledger recorded it:",
        links=[entry_link(e) for e in mine],
        rows=rows,
    )
    return [history, *notebook_versions(evidence)]


def post_market(evidence: Evidence) -> list[Statement]:
    if not evidence.batch_runs:
        return []
    threshold = evidence.project.config.drift_threshold
    rows = [["date", "status", "parameters", "drift (PSI over " + f"{threshold:g})", "by"]]
    links: list[Link] = []
    for entry in evidence.batch_runs:
        p = entry.payload
        drift = p.get("drift") or {}
        flagged = [
            f"{d.get('dataset', '')}.{d.get('column')} {d.get('psi') if d.get('psi') is not None else '?'}"
            if isinstance(d, dict) else str(d)
            for d in drift.get("flagged") or []
        ]  # fmt: skip
        drift_text = drift.get("error") or ", ".join(flagged) or "none flagged"
        params = ", ".join(f"{k}={v}" for k, v in sorted((p.get("parameters") or {}).items()))
        rows.append([day(entry), str(p.get("status")), params, drift_text, entry.actor])
        links.append(entry_link(entry))
        if p.get("mlflow_run_id"):
            links.append(run_link(str(p["mlflow_run_id"]), "batch"))
    return [Statement(
        text="Batch runs in production, newest first: each compares its input data with the "
        "training data (population stability index per column).",
        links=links, rows=rows,
    )]  # fmt: skip


FILLERS: dict[str, Callable[[Evidence], list[Statement]]] = {
    f.__name__: f
    for f in (
        purpose_provider_versions, interactions, software_versions, development_steps,
        design_choices, training_data, human_oversight, validation_testing,
        performance_and_limits, lifecycle_changes, post_market,
    )
}  # fmt: skip
