"""Evidence check ``decisions_recorded``: a current decision for each required topic."""

from __future__ import annotations

from ...decisions import list_decisions
from ..engine import Context, Evidence, Outcome, evidence_check


@evidence_check("decisions_recorded")
def decisions_recorded(context: Context, topics: list[str] = ()) -> Outcome:
    """For each topic, a decision of this notebook tagged with it that still describes it."""
    notebook = context.project.root / context.state.path
    current = [d for d in list_decisions(context.project, notebook, context.state) if d.current]
    evidence, missing = [], []
    for topic in topics:
        tagged = [d for d in current if topic in (d.entry.payload.get("tags") or [])]
        if tagged:
            evidence.append(
                Evidence("entry", tagged[-1].entry.hash, f"{topic}: {tagged[-1].title}")
            )
        else:
            missing.append(topic)
    if missing:
        return Outcome(False, "no current decision tagged " + ", ".join(missing), tuple(evidence))
    return Outcome(
        True, f"{len(current)} current decision(s) cover " + ", ".join(topics), tuple(evidence)
    )
