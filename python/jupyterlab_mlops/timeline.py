"""A notebook's history as the panel shows it: its ledger entries, newest first, one line each."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import kinds
from .ledger import Entry
from .notebooks import NotebookState

MAX_ENTRIES = 500


def _data(p: dict[str, Any]) -> str:
    return f"data {p.get('name')} v{p.get('version')} registered ({p.get('path')})"


def _run(p: dict[str, Any]) -> str:
    metrics = ", ".join(f"{k}={v:.3g}" for k, v in list((p.get("metrics") or {}).items())[:3]
                        if isinstance(v, (int, float)))  # fmt: skip
    production = " (batch job)" if p.get("batch_id") else ""
    return f"run '{p.get('name')}' {str(p.get('status', '')).lower()}{production}" + (
        f": {metrics}" if metrics else ""
    )


def _signoff(verb: str) -> Callable[[dict[str, Any]], str]:
    def summary(p: dict[str, Any]) -> str:
        comment = f": {p['comment']}" if p.get("comment") else ""
        return f"{verb} as {p.get('role')}{comment}"

    return summary


def _batch(p: dict[str, Any]) -> str:
    failure = p.get("failure") or {}
    where = f" at cell {failure['cell']}" if failure.get("cell") else ""
    error = f"{where}: {failure.get('error')}" if failure else ""
    drift = (p.get("drift") or {}).get("flagged") or []
    columns = [
        f"{d.get('dataset')}.{d.get('column')}" if isinstance(d, dict) else str(d) for d in drift
    ]
    flagged = f"; drift in {', '.join(columns)}" if columns else ""
    return f"batch run {p.get('status')}{error}{flagged}"


def _executed(p: dict[str, Any]) -> str:
    failure = p.get("failure") or {}
    return "clean run passed" if p.get("ok") else f"clean run failed: {failure.get('error')}"


def _explanation(p: dict[str, Any]) -> str:
    top = ", ".join(str(t.get("feature")) for t in (p.get("top") or [])[:3])
    return f"explained run '{p.get('run_name')}' ({', '.join(p.get('kinds') or [])}): top {top}"


def _fairness(p: dict[str, Any]) -> str:
    features = ", ".join(str(f) for f in p.get("features") or [])
    breaches = [b for b in p.get("breaches") or [] if isinstance(b, dict)]
    if p.get("passed") is None:
        verdict = "no policy applies"
    elif breaches:
        first = breaches[0]
        verdict = f"{first.get('metric')} breached for {first.get('worst_group')}"
        verdict += f" (+{len(breaches) - 1} more)" if len(breaches) > 1 else ""
    else:
        verdict = "within the policy"
    return f"fairness of run '{p.get('run_name')}' across {features or '?'}: {verdict}"


def _diagnostics(p: dict[str, Any]) -> str:
    findings = [f for f in p.get("findings") or [] if isinstance(f, dict)]
    failed = [str(f.get("check")) for f in findings if f.get("status") == "fail"]
    verdict = f"failed {', '.join(failed)}" if failed else "no check failed"
    return f"diagnostics of run '{p.get('run_name')}': {verdict}"


def _scenario(p: dict[str, Any]) -> str:
    changed = ", ".join(
        f"{k}={v.get('to') if isinstance(v, dict) else v}"
        for k, v in (p.get("changed") or {}).items()
    )
    return f"what-if on row {p.get('row')}: {changed or 'no change'}"


SUMMARIES: dict[str, Callable[[dict[str, Any]], str]] = {
    kinds.DATA_REGISTERED: _data,
    kinds.RUN_LOGGED: _run,
    kinds.DECISION: lambda p: f"decision: {p.get('title')}",
    kinds.GRANTED: _signoff("approved"),
    kinds.REFUSED: _signoff("refused"),
    kinds.REVOKED: _signoff("revoked"),
    kinds.REVIEW_REQUESTED: lambda p: (
        f"{p.get('role')} review requested" + (f": {p['comment']}" if p.get("comment") else "")
    ),
    kinds.WAIVED: lambda p: f"waived {p.get('item')}: {p.get('why')}",
    kinds.EXECUTED: _executed,
    kinds.BATCH_RUN: _batch,
    kinds.RETIRED: lambda p: f"retired: {p.get('why')}",
    kinds.REINSTATED: lambda p: f"reinstated: {p.get('why')}",
    kinds.MODEL_REGISTERED: lambda p: f"model {p.get('name')} v{p.get('version')} registered",
    kinds.EXPLANATION_RECORDED: _explanation,
    kinds.SCENARIO_SAVED: _scenario,
    kinds.FAIRNESS_ASSESSED: _fairness,
    kinds.DIAGNOSTICS_RECORDED: _diagnostics,
    kinds.PROMPT_REGISTERED: lambda p: f"prompt {p.get('name')} v{p.get('version')} registered",
    kinds.EVALUATION_RECORDED: lambda p: (
        f"evaluation {p.get('name')} of run '{p.get('run_name')}': {p.get('n')} examples"
    ),
    kinds.GUARDRAILS_RECORDED: lambda p: (
        f"guardrails of run '{p.get('run_name')}': {'passed' if p.get('passed') else 'failed'}"
    ),
    kinds.PROMPT_ALIASED: lambda p: (
        f"prompt {p.get('name')}@{p.get('alias')} -> v{p.get('version')}"
    ),
}


def timeline(entries: list[Entry], state: NotebookState | None) -> list[dict[str, Any]]:
    """The entries (a notebook's, in ledger order) as timeline rows, newest first."""
    rows = []
    for entry in reversed(entries[-MAX_ENTRIES:]):
        p = entry.payload
        summarize = SUMMARIES.get(entry.kind)
        try:
            summary = summarize(p) if summarize else entry.kind
        except (TypeError, ValueError, KeyError):  # an odd payload still gets a row
            summary = entry.kind
        run_id = p.get("run_id") or p.get("mlflow_run_id")
        rows.append(
            {
                "id": entry.hash,
                "short_id": entry.short_id,
                "kind": entry.kind,
                "time": entry.time,
                "actor": entry.actor,
                "summary": summary[:300],
                "links": list(entry.links),
                "fingerprint": (entry.notebook or {}).get("fingerprint"),
                "current": state.is_current(entry) if state is not None else False,
                "mlflow": {"run_id": run_id, "experiment_id": p.get("experiment_id")}
                if run_id
                else None,
            }
        )
    return rows
