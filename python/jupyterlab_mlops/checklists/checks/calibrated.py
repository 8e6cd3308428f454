"""Evidence check ``calibrated``: the diagnostics of the latest finished run of this notebook
version show an expected calibration error within ``max_ece`` over ``bins`` equal-width bins,
re-judged with the template as it is now."""

from __future__ import annotations

from typing import Any

from ...diagnostics.judge import judge_calibration
from ..diagnostics_evidence import at_tier, judged
from ..engine import Context, Outcome, evidence_check


@evidence_check("calibrated")
def calibrated(context: Context, max_ece: Any, bins: Any = 10) -> Outcome:
    """The recorded ECE is at most ``max_ece``; one computed with other bins fails (diagnose
    again), and so does a model without probabilities. Either may be given per risk tier."""
    args = at_tier(context, {"max_ece": max_ece, "bins": bins})

    def judge(figures: object) -> list[dict[str, object]]:
        if figures is None:
            return [{"check": "calibration", "status": "fail",
                     "detail": "no calibration on record (a regression, or no probabilities)"}]  # fmt: skip
        return [judge_calibration(figures, args)]

    return judged(context, "calibration", judge)
