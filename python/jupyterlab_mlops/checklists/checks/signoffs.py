"""Evidence check ``signoffs``: every required role approved this exact bundle."""

from __future__ import annotations

from ...signoffs import latest_signoffs
from ..bundle import current_bundle
from ..engine import Context, Evidence, Outcome, evidence_check


@evidence_check("signoffs")
def signoffs(context: Context) -> Outcome:
    """Every role the risk tier requires approved this exact bundle (notebook version,
    parameters, data versions, runs, checklist), independently where required, and nobody's
    refusal stands."""
    bundle = current_bundle(context.project, context.project.root / context.state.path, context)
    latest, stale, problems = latest_signoffs(context.project, context.state.path, bundle)
    evidence = tuple(
        Evidence("entry", s.entry.hash, f"{role}: {s.to_json()['kind']} by {s.name}")
        for role, s in latest.items()
        if s is not None
    )
    if problems:
        changed = f" ({', '.join(stale)} changed)" if stale else ""
        return Outcome(False, "; ".join(problems) + changed, evidence)
    return Outcome(True, "signed for this version by every required role", evidence)
