"""Evidence check ``no_overfit``: the diagnostics of the latest finished run of this notebook
version show a train-test gap of the template's headline metric within ``max_gap`` (one value,
or one per risk tier, as every argument may be), re-judged with the template as it is now."""

from __future__ import annotations

from typing import Any

from ...diagnostics.judge import judge_overfit
from ..diagnostics_evidence import at_tier, judged
from ..engine import Context, Outcome, evidence_check


@evidence_check("no_overfit")
def no_overfit(context: Context, metric: str, max_gap: Any) -> Outcome:
    """The recorded gap (train minus test, positive when worse on test) of ``metric`` is at
    most ``max_gap``; a gap recorded for another metric fails (diagnose again)."""
    args = at_tier(context, {"metric": metric, "max_gap": max_gap})
    return judged(context, "overfit", lambda figures: [judge_overfit(figures, args)])
