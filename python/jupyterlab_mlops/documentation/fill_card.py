"""The fillers of the model card's sections, by the name the outline
(``outlines/model_card.yaml``) gives them: each returns the section's statements from the
evidence, or nothing when that evidence is absent (then it stays missing)."""

from __future__ import annotations

from collections.abc import Callable

from .evidence import Evidence
from .fill_annex import decision_statement
from .model import Statement
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
    review_statement,
    run_link,
    run_links,
)

#: decisions with these tags speak to ethical considerations
ETHICS_TAGS = frozenset({"ethics", "fairness", "pii-review", "privacy", "risk"})


def model_details(evidence: Evidence) -> list[Statement]:
    found = context_statements(evidence, [
        ("description", "Description"), ("owner", "Owner"), ("sponsor", "Sponsor"),
        ("initiative", "Business initiative"), ("provider", "Provider"),
    ])  # fmt: skip
    run = evidence.latest_run
    if run is not None:
        found.append(Statement(
            text=f"Version: {evidence.notebook} at {evidence.fingerprint[:19]}, trained by run "
            f"'{run.payload.get('name')}' on {day(run)} by {run.actor}.",
            links=run_links(run),
        ))  # fmt: skip
    model = model_class(evidence)
    if model:
        found.append(Statement(text=f"Model type: {model[0]}.", links=model[1]))
    return found


def intended_use(evidence: Evidence) -> list[Statement]:
    return context_statements(evidence, [
        ("intended_purpose", "Intended purpose"), ("intended_users", "Intended users"),
        ("deployment_context", "Deployment context"),
    ])  # fmt: skip


def out_of_scope(evidence: Evidence) -> list[Statement]:
    return context_statements(evidence, [("out_of_scope", "Out of scope")])


def factors(evidence: Evidence) -> list[Statement]:
    found = []
    for version, _ in evidence.data:
        sensitive = version.payload.get("sensitive") or []
        if sensitive:
            found.append(Statement(
                text=f"Sensitive columns declared in {version.label}: {', '.join(map(str, sensitive))}.",
                links=[entry_link(version.entry)],
            ))  # fmt: skip
    if evidence.fairness:
        entry = evidence.fairness[0]
        features = [f for f in entry.payload.get("features") or [] if isinstance(f, dict)]
        listed = "; ".join(
            f"{f.get('name')} ({f.get('groups')} groups, from {', '.join(f.get('columns') or [])})"
            for f in features
        )
        found.append(Statement(
            text=f"Performance was assessed across: {listed}.",
            links=[entry_link(entry), run_link(str(entry.payload["run_id"]))],
        ))  # fmt: skip
    return found


def metrics(evidence: Evidence) -> list[Statement]:
    run = evidence.latest_run
    found = metrics_statement(run) if run is not None else None
    return [found] if found else []


def training_data(evidence: Evidence) -> list[Statement]:
    return data_statements(evidence, reviews=False)


def evaluation_data(evidence: Evidence) -> list[Statement]:
    found = []
    for entry in evidence.fairness[:1] + evidence.diagnostics[:1]:
        p = entry.payload
        rows = p.get("rows")
        counted = (
            ", ".join(f"{k}: {v}" for k, v in rows.items()) if isinstance(rows, dict) else rows
        )
        versions = ", ".join(
            f"{v.get('name')} v{v.get('version')}"
            for v in (p.get("data") or {}).get("versions") or []
        )
        what = "fairness assessment" if entry in evidence.fairness else "diagnostics"
        found.append(Statement(
            text=f"The {what} of run '{evidence.run_name(p['run_id'])}' evaluated {counted} rows"
            + (f" of {versions}" if versions else "") + f" ({day(entry)}).",
            links=[entry_link(entry), run_link(str(p["run_id"]))],
        ))  # fmt: skip
    return found


def quantitative_analyses(evidence: Evidence) -> list[Statement]:
    return fairness_statements(evidence) + explanation_statements(evidence)


def ethical_considerations(evidence: Evidence) -> list[Statement]:
    found = [review_statement(v, r) for v, r in evidence.data if v.findings]
    found += [
        decision_statement(d.entry, d.current)
        for d in evidence.decisions
        if ETHICS_TAGS & set(d.entry.payload.get("tags") or [])
    ]
    for entry in evidence.fairness[:1]:
        breaches = [b for b in entry.payload.get("breaches") or [] if isinstance(b, dict)]
        for b in breaches:
            found.append(Statement(
                text=f"Fairness limit breached: {b.get('metric')} for {b.get('worst_group')}.",
                links=[entry_link(entry)],
            ))  # fmt: skip
    return found


def caveats(evidence: Evidence) -> list[Statement]:
    found = diagnostics_statements(evidence, failing_only=True)
    for entry in evidence.fairness[:1]:
        for u in entry.payload.get("unjudged") or []:
            if isinstance(u, dict):
                found.append(Statement(
                    text=f"Not judged: {u.get('metric', '')} {u.get('why', u.get('reason', ''))}".strip(),
                    links=[entry_link(entry)],
                ))  # fmt: skip
    for entry in evidence.batch_runs:
        flagged = (entry.payload.get("drift") or {}).get("flagged") or []
        if flagged:
            columns = ", ".join(
                str(d.get("column")) if isinstance(d, dict) else str(d) for d in flagged
            )
            found.append(Statement(
                text=f"The input data of the batch run of {day(entry)} drifted in {columns}.",
                links=[entry_link(entry)],
            ))  # fmt: skip
    return found


FILLERS: dict[str, Callable[[Evidence], list[Statement]]] = {
    "model_details": model_details, "intended_use": intended_use, "out_of_scope": out_of_scope,
    "factors": factors, "metrics": metrics, "training_data": training_data,
    "evaluation_data": evaluation_data, "quantitative_analyses": quantitative_analyses,
    "ethical_considerations": ethical_considerations, "caveats": caveats,
}  # fmt: skip
