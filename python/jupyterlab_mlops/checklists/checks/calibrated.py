"""Evidence check ``calibrated``: the diagnostics of the latest finished run of this notebook
version show an expected calibration error within ``max_ece`` over ``bins`` equal-width bins,
re-judged with the template as it is now."""

from __future__ import annotations

from ...diagnostics.judge import judge_calibration
from ..diagnostics_evidence import judged
from ..engine import Context, Outcome, evidence_check


@evidence_check("calibrated")
def calibrated(context: Context, max_ece: float, bins: int = 10) -> Outcome:
    """The recorded ECE is at most ``max_ece``; one computed with other bins fails (diagnose
    again), and so does a model without probabilities."""
    args = {"max_ece": max_ece, "bins": bins}

    def judge(figures: object) -> list[dict[str, object]]:
        if figures is None:
            return [{"check": "calibration", "status": "fail",
                     "detail": "no calibration on record (a regression, or no probabilities)"}]  # fmt: skip
        return [judge_calibration(figures, args)]

    return judged(context, "calibration", judge)
