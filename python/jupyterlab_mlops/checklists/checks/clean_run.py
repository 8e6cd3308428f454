"""Evidence check ``clean_run``: this version ran top to bottom in a fresh kernel."""

from __future__ import annotations

from ...kinds import EXECUTED
from ..engine import Context, Evidence, Outcome, evidence_check


@evidence_check("clean_run")
def clean_run(context: Context) -> Outcome:
    """This notebook version ran top to bottom in a fresh kernel (``mlops check --run``)."""
    runs = [
        e
        for e in context.project.ledger.entries(EXECUTED, notebook=context.state.path)
        if (e.notebook or {}).get("fingerprint") == context.state.fingerprint
    ]
    if not runs:
        return Outcome(False, "this version has not been run top to bottom in a fresh kernel yet")
    latest = runs[-1]
    evidence = (Evidence("entry", latest.hash, f"executed in {latest.payload['seconds']} s"),)
    if latest.payload["ok"]:
        return Outcome(True, f"ran top to bottom in {latest.payload['seconds']} s", evidence)
    failure = latest.payload.get("failure") or {}
    where = f"cell {failure['cell']}" if failure.get("cell") else "the kernel"
    return Outcome(False, f"{where} failed: {failure.get('error')}", evidence)
