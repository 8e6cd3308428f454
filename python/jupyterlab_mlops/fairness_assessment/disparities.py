"""Disparities between the groups of one feature: each over the groups large enough to judge
the per-group metric it is computed from (the selection rate on all rows, the TPR on the
positives, the FPR on the negatives, the MAE on all rows), point estimates from the groups'
point estimates, intervals from the same resamples: basic (reverse-percentile) bootstrap
intervals, since a max - min over noisy groups is biased upward and the plain percentile
interval of its resamples would put a fair model's disparity "clearly" above a limit.

``worst_group``/``best_group`` are the groups at the extremes (the payload keeps these keys;
the text says "between A and B"): the lowest selection rate (read it the other way round when
the positive class is the unfavourable outcome), the lowest TPR, the highest FPR, the largest
MAE, the largest error. Over fewer than two groups a disparity is undefined (None, with a
note), never 0; an MAE ratio whose best group has MAE 0 is ``infinite``.
"""

from __future__ import annotations

import warnings
from typing import Any

from ..experiments.stats import percentile_interval
from .policy import DISPARITIES

#: the per-group metrics each disparity is computed from
INPUTS = {
    "demographic_parity_difference": ("selection_rate",),
    "demographic_parity_ratio": ("selection_rate",),
    "equal_opportunity_difference": ("tpr",),
    "equalized_odds_difference": ("tpr", "fpr"),
    "mean_error_difference": ("mean_error",),
    "mae_difference": ("mae",),
    "mae_ratio": ("mae",),
}
#: per-group metrics where the highest value is the worst
_WORST_HIGH = {"fpr", "mae", "mean_error"}
_EMPTY = {"value": None, "low": None, "high": None, "worst_group": None, "best_group": None}


def disparities(
    task: str,
    labels: list[str],
    point: dict[str, Any],
    draws: dict[str, Any],
    judged: dict[str, Any],
    why: dict[str, str],
) -> dict[str, dict[str, Any]]:
    """``{metric: {value, low, high, worst_group, best_group[, note, unmeasured, infinite]}}``;
    ``judged[m]`` marks the groups large enough to judge the per-group metric ``m``, ``why[m]``
    says why the others are not."""
    return {metric: _one(metric, labels, point, draws, judged, why) for metric in DISPARITIES[task]}


def _one(
    metric: str,
    labels: list[str],
    point: dict[str, Any],
    draws: dict[str, Any],
    judged: dict[str, Any],
    why: dict[str, str],
) -> dict[str, Any]:
    import numpy as np

    parts, missing = [], []
    for name in INPUTS[metric]:
        idx = np.flatnonzero(judged[name] & np.isfinite(point[name]))
        if len(idx) < 2:
            missing.append(
                f"{name}: fewer than two groups large enough to judge{why.get(name, '')}"
            )
        else:
            parts.append((name, idx))
    if not parts:
        return {**_EMPTY, "note": "; ".join(missing)}
    out = _statistic(metric, parts, labels, point, draws)
    if missing:
        out["unmeasured"] = "; ".join(missing)
    return out


def _spread(values: Any, resampled: Any) -> tuple[float, int, int, Any]:
    """max - min at the point estimate (positions of max and min) and per resample (NaN where
    fewer than two groups are defined)."""
    import numpy as np

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        top, bottom = np.nanmax(resampled, axis=1), np.nanmin(resampled, axis=1)
    spread = np.where(np.isfinite(resampled).sum(axis=1) >= 2, top - bottom, np.nan)
    hi, lo = int(np.argmax(values)), int(np.argmin(values))
    return float(values[hi] - values[lo]), hi, lo, spread


def _statistic(
    metric: str,
    parts: list[tuple[str, Any]],
    labels: list[str],
    point: dict[str, Any],
    draws: dict[str, Any],
) -> dict[str, Any]:
    import numpy as np

    found = []
    for name, idx in parts:
        values, resampled = point[name][idx], draws[name][:, idx]
        diff, hi, lo, spread = _spread(values, resampled)
        worst, best = (hi, lo) if name in _WORST_HIGH else (lo, hi)
        if metric == "mean_error_difference" and abs(values[lo]) > abs(values[hi]):
            worst, best = lo, hi
        found.append((diff, idx[worst], idx[best], spread, values, resampled, hi, lo))
    diff, worst, best, spread, values, resampled, hi, lo = max(found, key=lambda f: f[0])
    extra: dict[str, Any] = {}
    if metric == "equalized_odds_difference":
        spread = np.fmax.reduce([f[3] for f in found]) if len(found) > 1 else spread
    value: float | None = diff
    if metric in ("demographic_parity_ratio", "mae_ratio"):
        small, large = float(values[lo]), float(values[hi])
        with warnings.catch_warnings(), np.errstate(divide="ignore", invalid="ignore"):
            warnings.simplefilter("ignore", RuntimeWarning)
            low_r, high_r = np.nanmin(resampled, axis=1), np.nanmax(resampled, axis=1)
            spread = low_r / high_r if metric == "demographic_parity_ratio" else high_r / low_r
            spread = np.where(np.isfinite(resampled).sum(axis=1) >= 2, spread, np.nan)
        if metric == "demographic_parity_ratio":
            value = small / large if large > 0 else None
            extra = {} if value is not None else {"note": "undefined: no group is ever selected"}
        elif small > 0:
            value = large / small
        elif large > 0:
            value, extra = None, {"infinite": True, "note": "the best group's MAE is 0"}
        else:
            value, extra = None, {"note": "undefined: every group's MAE is 0"}
    if value is None and not extra.get("infinite"):
        return {**_EMPTY, **extra}
    low, high = _basic(value, spread, metric)
    return {
        "value": value,
        "low": _f(low),
        "high": _f(high),
        "worst_group": labels[worst],
        "best_group": labels[best],
        **extra,
    }


def _basic(value: float | None, spread: Any, metric: str) -> tuple[Any, Any]:
    """The basic (reverse-percentile) bootstrap interval ``2v - q_high, 2v - q_low``: a
    max - min over noisy groups is biased upward (and its resamples more so), which this
    corrects to first order; kept within the statistic's range. Percentile when infinite."""
    import numpy as np

    q_low, q_high = percentile_interval(spread)
    if value is None or not (np.isfinite(q_low) and np.isfinite(q_high)):
        return q_low, q_high
    low, high = 2 * value - q_high, 2 * value - q_low
    floor = 1.0 if metric == "mae_ratio" else 0.0
    ceiling = 1.0 if metric == "demographic_parity_ratio" else np.inf
    return min(max(low, floor), value), max(min(high, ceiling), value)


def _f(value: Any) -> float | None:
    import math

    value = float(value)
    return value if math.isfinite(value) else None
