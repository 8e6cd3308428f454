"""Evidence check ``no_leakage``: the diagnostics of the latest finished run of this notebook
version show no single feature predicting the label almost perfectly, no near-copy of the
target, no train-test duplicates, no identifier-like columns and not the target among the
features, re-judged with the template's thresholds as they are now. Optional
``max_shift_psi`` and ``max_class_share_difference`` only add warnings to the detail."""

from __future__ import annotations

from typing import Any

from ...diagnostics.judge import judge_balance, judge_leakage, judge_shift
from ..diagnostics_evidence import at_tier, judged
from ..engine import Context, Outcome, evidence_check


@evidence_check("no_leakage")
def no_leakage(
    context: Context,
    max_single_feature_score: Any,
    max_target_correlation: Any,
    max_duplicate_share: Any,
    max_identifier_unique_share: Any,
    max_shift_psi: Any = None,
    max_class_share_difference: Any = None,
) -> Outcome:
    """Each sign of leakage within its threshold (details name the columns that breach); any
    threshold may be given per risk tier."""
    args = at_tier(
        context,
        {
            "max_single_feature_score": max_single_feature_score,
            "max_target_correlation": max_target_correlation,
            "max_duplicate_share": max_duplicate_share,
            "max_identifier_unique_share": max_identifier_unique_share,
            "max_shift_psi": max_shift_psi,
            "max_class_share_difference": max_class_share_difference,
        },
    )

    def judge(payload: Any) -> list[dict[str, Any]]:
        leakage, balance, shift = payload
        found = judge_leakage(leakage, args)
        if args["max_class_share_difference"] is not None:
            found.append(judge_balance(balance, args))
        if args["max_shift_psi"] is not None and shift is not None:
            found.append(judge_shift(shift, args))
        return found

    return judged(context, ("leakage", "balance", "shift"), judge)
