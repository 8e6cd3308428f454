"""The sections of a report's JSON that are assembled from computed figures: global
importance with its intervals, permutation importance, stability, cohorts, additivity."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .attribution import Attributions
from .cohorts import COHORT_MIN_ROWS, Grouping, cohort_table
from .permutation import PERMUTATION_ROWS, PermutationImportance
from .stats import (
    CONFIDENCE,
    LOW_PERCENTILE,
    Importance,
    Stability,
    ranks,
    spearman,
    stability_rule,
)

#: additivity holds when base + attributions is within this share of the output's scale
#: (max(1, largest |output|)) of the model's own output
ADDITIVITY_TOLERANCE = 1e-6


def global_meta(overall: Importance, given: int, resamples: int) -> dict[str, Any]:
    """What global importance measures, and what its intervals cover."""
    if overall.rows < given:
        note = (
            f"{CONFIDENCE:.0%} percentile bootstrap intervals over the {overall.rows:,} explained rows "
            f"({resamples} resamples); the rows are a uniform random sample of the {given:,} given, "
            "so the intervals include the sampling error (conservatively: no finite-population "
            "correction)"
        )
    else:
        note = (
            f"{CONFIDENCE:.0%} percentile bootstrap intervals over the {overall.rows:,} rows given "
            f"({resamples} resamples): how much the importance would vary on other rows like these"
        )
    return {
        "measure": "mean |SHAP value| per input column",
        "confidence": CONFIDENCE,
        "resamples": resamples,
        "note": note,
    }


def global_importance(
    overall: Importance, steady: Stability, perm: PermutationImportance, columns: list[str]
) -> list[dict[str, Any]]:
    """One record per input column, most important first."""
    perm_ranks = ranks(np.nan_to_num(perm.mean, nan=-np.inf))
    features = []
    for j, name in enumerate(columns):
        features.append(
            {
                "feature": name,
                "importance": overall.estimate[j],
                "ci_low": overall.low[j],
                "ci_high": overall.high[j],
                "rank": int(steady.rank[j]),
                "rank_low": steady.rank_low[j],
                "rank_high": steady.rank_high[j],
                "unstable": bool(steady.unstable[j]),
                "permutation": perm.mean[j],
                "permutation_std": perm.std[j],
                "permutation_rank": int(perm_ranks[j]),
            }
        )
    features.sort(key=lambda f: (f["rank"], f["feature"]))
    return features


def permutation(
    perm: PermutationImportance, left_out: int, overall: Importance, given: int
) -> dict[str, Any]:
    return {
        "rows": perm.rows,
        "of_rows": given,
        "without_y": left_out,
        "repeats": perm.repeats,
        "measure": perm.measure,
        "baseline": perm.baseline,
        "rank_agreement": spearman(perm.mean, overall.estimate),
        "note": (
            f"each column shuffled {perm.repeats} times on {perm.rows:,} of the explained rows "
            f"(a seeded random sample when there are more than {PERMUTATION_ROWS:,})"
            + (f"; {left_out:,} rows without y left out" if left_out else "")
        ),
    }


def stability(steady: Stability, columns: list[str], resamples: int) -> dict[str, Any]:
    """Rank correlations across the ``resamples`` bootstrap resamples done (0: too few rows)."""
    return {
        "median_rank_correlation": steady.median,
        "low_rank_correlation": steady.low,
        "low_percentile": LOW_PERCENTILE,
        "unstable": [columns[j] for j in np.flatnonzero(steady.unstable)],
        "rank_span": steady.rank_span,
        "resamples": resamples,
        "rule": stability_rule(steady.rank_span, resamples),
    }


def cohorts(
    grouping: list[Grouping],
    rows: np.ndarray,
    values: np.ndarray,
    overall: Importance,
    columns: list[str],
    added: int,
    resamples: int,
    seed: int,
) -> dict[str, Any] | None:
    """Importance per group of each grouping, from the explained rows at ``rows``."""
    if not grouping:
        return None
    tables = [
        cohort_table(g, rows, values, overall, columns, resamples=resamples, seed=seed)
        for g in grouping
    ]
    return {
        "by": [g.name for g in grouping],
        "tables": tables,
        "groups": sum(len(t["groups"]) for t in tables),
        "note": (
            "importance per group from the explained rows in it; "
            + (
                f"groups with fewer than {COHORT_MIN_ROWS} rows in the sample got random rows "
                f"of the group added ({added:,} rows in all); "
                if added
                else ""
            )
            + f"groups with fewer than {COHORT_MIN_ROWS} explained rows are marked small "
            "(their intervals are wide); a group differs when its top feature is not the overall "
            "one and their intervals in the group do not overlap"
        ),
    }


def additivity(att: Attributions) -> dict[str, Any]:
    error = att.additivity_error()
    scale = max(1.0, float(np.max(np.abs(att.output)))) if len(att.output) else 1.0
    tolerance = ADDITIVITY_TOLERANCE * scale
    return {
        "max_error": error,
        "tolerance": tolerance,
        "ok": bool(math.isfinite(error) and error <= tolerance),
        "rows": len(att.output),
        "note": "largest |base value + sum of attributions - model output| over every explained row",
    }


def kinds(data: dict[str, Any]) -> list[str]:
    present = {
        "global": data["rows"]["explained"] > 0,
        "dependence": bool(data["dependence"]["features"]),
        "interactions": data["interactions"].get("available", False),
        "local": bool(data["local"]),
        "stability": data["stability"]["resamples"] > 0,
        "cohorts": data["cohorts"] is not None,
        "additivity": True,
    }
    return [kind for kind, here in present.items() if here]
