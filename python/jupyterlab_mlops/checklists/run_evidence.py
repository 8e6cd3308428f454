"""What the evidence checks of analyses share: the report of one kind (an explanation, a
fairness assessment, diagnostics) recorded for the latest finished run of this notebook
version, on the data that run read.

Only the latest finished run counts: it is the run an approval bundle names, and an older run
of the same version trained another model (other parameters, seed or data), so its report
describes a model nobody is asked to approve. A report made at an earlier notebook version is
stale; one that names other data than the run read describes other data.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..kinds import RUN_LOGGED
from ..ledger import Entry
from .engine import Context, Evidence, Outcome


@dataclass(frozen=True)
class Found:
    """The reports of the latest finished run (oldest first, at least one) and the evidence an
    outcome on them cites (the run)."""

    run: Entry
    reports: list[Entry]
    evidence: list[Evidence]

    @property
    def run_name(self) -> str:
        return str(self.run.payload["name"])


def latest_run_reports(context: Context, kind: str, what: str, fix: str) -> Found | Outcome:
    """The ``kind`` entries recorded at this notebook version for its latest finished run, on
    that run's data; or the failing outcome saying why there are none. ``what`` names the
    report (``explanation``), ``fix`` says how to make one."""
    mine = context.project.ledger.entries(kind, notebook=context.state.path)
    if not context.runs:
        stale = f" (the {what} on record is of an earlier version: the code changed since)"
        return Outcome(
            False,
            f"no finished run of this notebook version for the {what}" + (stale if mine else ""),
        )
    latest = context.runs[0]
    run_id = latest.payload["run_id"]
    evidence = [Evidence.of_run(latest)]
    current = [e for e in mine if _fingerprint(e) == context.state.fingerprint]
    ours = [e for e in current if e.payload.get("run_id") == run_id]
    if not ours:
        detail = _why_none(context, kind, what, fix, mine, current, latest)
        return Outcome(False, detail, tuple(evidence))
    read = {v.entry.hash: v.label for v in context.data_read}
    matching = [e for e in ours if set(data_versions(e)) == set(read)]
    if not matching:
        named = ", ".join(data_versions(ours[-1]).values()) or "no registered data"
        return Outcome(
            False,
            f"the {what} of run '{latest.payload['name']}' names {named}, but the run read "
            f"{', '.join(read.values()) or 'no registered data'}: make it on the run's data",
            tuple(evidence),
        )
    return Found(latest, matching, evidence)


def report_evidence(entry: Entry, label: str, detail: str = "") -> list[Evidence]:
    """The entry (``label (detail)``) and, when it names them, its artifacts in the MLflow run
    (``label report``)."""
    found = [Evidence("entry", entry.hash, f"{label} ({detail})" if detail else label)]
    artifacts = entry.payload.get("artifacts")
    run_id = entry.payload.get("run_id")
    if isinstance(artifacts, str) and artifacts.strip("/") and isinstance(run_id, str):
        found.append(
            Evidence("mlflow-artifact", f"{run_id}/{artifacts.strip('/')}", f"{label} report")
        )
    return found


def data_versions(entry: Entry) -> dict[str, str]:
    """The data versions a report names: ledger entry id -> ``name vN``."""
    data = entry.payload.get("data")
    versions = data.get("versions") if isinstance(data, dict) else None
    found = {}
    for v in versions if isinstance(versions, list) else []:
        if isinstance(v, dict) and isinstance(v.get("entry"), str):
            found[v["entry"]] = f"{v.get('name')} v{v.get('version')}"
    return found


def _fingerprint(entry: Entry) -> str | None:
    return (entry.notebook or {}).get("fingerprint")


def _why_none(
    context: Context,
    kind: str,
    what: str,
    fix: str,
    mine: list[Entry],
    current: list[Entry],
    latest: Entry,
) -> str:
    """Why no report of this version names the latest finished run."""
    name = latest.payload["name"]
    if not mine:
        unbound = [
            e
            for e in context.project.ledger.entries(kind)
            if e.payload.get("run_id") == latest.payload["run_id"] and not e.notebook
        ]
        if unbound:
            return (
                f"the {what} of run '{name}' names no notebook version (it was not made from "
                f"the saved notebook): make it from the notebook, or pass notebook=PATH"
            )
        return f"no {what} of run '{name}' recorded: {fix}"
    if not current:
        return (
            f"stale: the {what} on record is of an earlier notebook version (the code changed "
            f"since); {fix}"
        )
    other = current[-1].payload.get("run_id")
    if other in {r.payload["run_id"] for r in context.runs}:
        return (
            f"the {what} is of an older run ({_short(other)}); the latest finished run "
            f"'{name}' is the one an approval names: make it for that run"
        )
    ended = [
        e
        for e in context.project.ledger.entries(RUN_LOGGED, notebook=context.state.path)
        if e.payload.get("run_id") == other
    ]
    if not ended:
        state = "is still open (not recorded as finished)"
    elif ended[-1].payload.get("batch_id"):
        state = "is a batch run (production runs are not evidence)"
    elif ended[-1].payload.get("status") != "FINISHED":
        state = f"ended {ended[-1].payload.get('status')}"
    else:
        state = "is of another notebook version"
    return f"the {what} is of run {_short(other)}, which {state}; {fix}"


def _short(run_id: Any) -> str:
    return str(run_id)[:8]


def number(value: Any) -> str:
    """A figure as a check's detail shows it (``?`` when it is not a number)."""
    return f"{value:.3g}" if isinstance(value, int | float) and not isinstance(value, bool) else "?"
