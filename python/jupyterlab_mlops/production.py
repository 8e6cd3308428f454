"""What runs in production, and whether it needs a person to look again: the champion and its
challenger side by side (data versions, runs, key metrics), and "needs review" after a batch
run flagged drift.

The champion is the newest bundle every required role approved
(:func:`~.signoffs.find_champion`); the challenger is the notebook's current bundle when it is
another one (after ``mlops retrain``, say). Batch runs keep running the champion while the
challenger differs from it only in data versions, runs and prompts
(:attr:`~.approvals.ApprovalStatus.production_bundle`); signing the challenger in every required
role makes it the champion. Everything here is read from the ledger: a run's metrics are those
MLflow held when the run finished (its ``run.logged`` entry), so nothing calls MLflow.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from .approvals import ApprovalStatus
from .errors import MlopsError
from .kinds import BATCH_RUN, RUN_LOGGED
from .lifecycle import retirement
from .project import Project
from .signoffs import Bundle, find_champion
from .templates import check_args, project_template

#: key metrics shown per run, at most
MAX_METRICS = 6


def needs_review(
    project: Project, notebook: str | Path, status: ApprovalStatus | None = None
) -> dict[str, Any] | None:
    """``{"reason", "fix", "batch_id", "entry", "time", "threshold", "columns"}`` when the
    notebook's latest batch run flagged drift and no bundle was approved in every required
    role since (None otherwise, and for a retired notebook). ``status``: the notebook's
    :func:`~.approvals.approval_status`, when the caller has it (saves finding its champion)."""
    relative = project.relpath(project.root / notebook)
    runs = project.ledger.entries(BATCH_RUN, notebook=relative)
    if not runs:
        return None
    last = runs[-1]
    drift = last.payload.get("drift") if isinstance(last.payload.get("drift"), dict) else {}
    flagged = [f for f in drift.get("flagged") or [] if isinstance(f, dict)]
    if not flagged or retirement(project, relative) is not None:
        return None
    champion = status.champion if status is not None else find_champion(project, relative)
    if champion is not None and champion.approved_at > last.time:
        return None  # approved (again, or a retrained bundle) since the drift was seen
    columns = [
        {k: f.get(k) for k in ("dataset", "column", "psi", "problem") if f.get(k) is not None}
        for f in flagged
    ]
    named = ", ".join(_flag(c) for c in columns[:5]) + (
        f" and {len(columns) - 5} more" if len(columns) > 5 else ""
    )
    threshold = drift.get("threshold")
    over = f" over PSI {threshold:g}" if isinstance(threshold, int | float) else ""
    return {
        "reason": f"the batch run of {last.time[:16].replace('T', ' ')} UTC flagged drift{over}: "
        f"{named}",
        "fix": f"mlops retrain {relative}, then sign the retrained version in every required "
        "role (or approve the version in production again)",
        "batch_id": last.payload.get("batch_id"),
        "entry": last.hash,
        "time": last.time,
        "threshold": threshold,
        "columns": columns,
    }


def production_document(project: Project, status: ApprovalStatus) -> dict[str, Any] | None:
    """``{"champion": {...}, "challenger": {...} | None}`` (None without a champion): each
    side's bundle digest, data versions and runs with their key metrics (the template's
    required metrics); the champion's approval time and roles; what the challenger changed
    and whether the champion keeps running in its place."""
    champion = status.champion
    if champion is None:
        return None
    patterns = _key_metrics(project)
    logged = project.ledger.entries(RUN_LOGGED, notebook=status.notebook)
    runs = {e.payload.get("run_id"): e for e in logged}
    champion_side = {
        **_side(project, champion.bundle, patterns, runs),
        "approved_at": champion.approved_at,
        "approved_by_roles": {r: s.name for r, s in champion.approvals.items()},
        "approvals": [s.entry.hash for s in champion.approvals.values()],
    }
    challenger = status.challenger
    challenger_side = None
    if challenger is not None:
        challenger_side = {
            **_side(project, challenger, patterns, runs),
            "changes": challenger.changes_from(champion.bundle.to_json()),
            "champion_runs_meanwhile": champion.bundle.same_code(challenger),
            "awaiting": [r for r in status.required if r not in status.approved_roles],
        }
    return {"champion": champion_side, "challenger": challenger_side}


def _side(
    project: Project, bundle: Bundle, patterns: list[str], runs: dict[Any, Any]
) -> dict[str, Any]:
    data = []
    for entry_hash in bundle.data:
        try:
            payload = project.ledger.get(entry_hash).payload
        except MlopsError:
            payload = {}
        data.append({"name": payload.get("name"), "version": payload.get("version"), "entry": entry_hash})  # fmt: skip
    found = []
    for run_id in bundle.runs:
        entry = runs.get(run_id)
        payload = entry.payload if entry is not None else {}
        found.append(
            {
                "id": run_id,
                "name": payload.get("name"),
                "experiment_id": payload.get("experiment_id"),
                "metrics": _metrics(payload.get("metrics") or {}, patterns),
            }
        )
    return {"bundle_digest": bundle.digest, "data": data, "runs": found}


def _key_metrics(project: Project) -> list[str]:
    """The metric name patterns the template requires of a run (``run_logged``'s ``metrics``)."""
    try:
        args = check_args(project_template(project), "run_logged", project.config.risk_tier)
    except MlopsError:
        return []
    patterns = []
    for spec in (args or {}).get("metrics") or []:
        match = spec.get("match") if isinstance(spec, dict) else None
        if isinstance(match, str):
            try:
                re.compile(match)
            except re.error:
                continue
            patterns.append(match)
    return patterns


def _metrics(logged: dict[str, Any], patterns: list[str]) -> dict[str, float]:
    """The run's metrics matching the required patterns (all, when there are none), at most
    :data:`MAX_METRICS`, numbers only."""
    numbers = {k: v for k, v in logged.items() if isinstance(v, int | float)}
    if patterns:
        numbers = {
            k: v
            for k, v in numbers.items()
            if any(re.search(p, k, re.IGNORECASE) for p in patterns)
        }
    return dict(sorted(numbers.items())[:MAX_METRICS])


def _flag(column: dict[str, Any]) -> str:
    where = f"{column.get('dataset')}.{column.get('column')}"
    if isinstance(column.get("psi"), int | float):
        return f"{where} (PSI {column['psi']:.2f})"
    return f"{where} ({column.get('problem') or 'not comparable'})"
