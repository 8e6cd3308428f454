"""Disparities between the groups of one feature, over the groups large enough to judge:
point estimates from the groups' point estimates, intervals from the same resamples.

``worst_group``/``best_group`` are the groups at the extremes: the lowest selection rate
(selected least often: read it the other way round when the positive class is the
unfavourable outcome), the lowest TPR, the highest FPR, the largest MAE, the largest error.
"""

from __future__ import annotations

import warnings
from typing import Any

from .policy import DISPARITIES

#: the confidence of every interval
CONFIDENCE = 0.95


def percentile_interval(values: Any) -> tuple[Any, Any]:
    """The 95% percentile interval over the first axis (NaN resamples ignored)."""
    import numpy as np

    tail = (1 - CONFIDENCE) / 2 * 100
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        low, high = np.nanpercentile(values, [tail, 100 - tail], axis=0)
    return low, high


def disparities(
    task: str,
    labels: list[str],
    point: dict[str, Any],
    draws: dict[str, Any],
    judged: Any,
) -> dict[str, dict[str, Any]]:
    """``{metric: {value, low, high, worst_group, best_group}}`` over the judged groups."""
    out = {}
    for metric in DISPARITIES[task]:
        out[metric] = _one(metric, labels, point, draws, judged)
    return out


def _one(
    metric: str, labels: list[str], point: dict[str, Any], draws: dict[str, Any], judged: Any
) -> dict[str, Any]:
    import numpy as np

    empty = {"value": None, "low": None, "high": None, "worst_group": None, "best_group": None}
    idx = np.flatnonzero(judged)
    if len(idx) < 2:
        return {**empty, "note": "fewer than two groups large enough to judge"}
    value, worst, best = _statistic(metric, {k: v[idx] for k, v in point.items()})
    if value is None:
        return {**empty, "note": "undefined for the groups large enough to judge"}
    resampled, _, _ = _statistic(metric, {k: v[:, idx] for k, v in draws.items()}, axis=1)
    low, high = percentile_interval(resampled)
    return {
        "value": float(value),
        "low": _f(low),
        "high": _f(high),
        "worst_group": labels[idx[worst]] if worst is not None else None,
        "best_group": labels[idx[best]] if best is not None else None,
    }


def _statistic(metric: str, m: dict[str, Any], axis: int = 0) -> tuple[Any, Any, Any]:
    """The disparity (per resample when ``axis`` is 1), and at the point estimate the
    positions of the worst and best group."""
    import numpy as np

    def spread(values: Any, worst_high: bool) -> tuple[Any, Any, Any]:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            top, bottom = np.nanmax(values, axis=axis), np.nanmin(values, axis=axis)
        if axis:
            return top - bottom, None, None
        if np.isnan(top):
            return None, None, None
        hi, lo = int(np.nanargmax(values)), int(np.nanargmin(values))
        return top - bottom, (hi if worst_high else lo), (lo if worst_high else hi)

    if metric == "demographic_parity_difference":
        return spread(m["selection_rate"], worst_high=False)
    if metric == "demographic_parity_ratio":
        diff, worst, best = spread(m["selection_rate"], worst_high=False)
        with warnings.catch_warnings(), np.errstate(divide="ignore", invalid="ignore"):
            warnings.simplefilter("ignore", RuntimeWarning)
            ratio = np.nanmin(m["selection_rate"], axis=axis) / np.nanmax(
                m["selection_rate"], axis=axis
            )
        if axis:
            return ratio, None, None
        return (None, None, None) if diff is None or np.isnan(ratio) else (ratio, worst, best)
    if metric == "equal_opportunity_difference":
        return spread(m["tpr"], worst_high=False)
    if metric == "equalized_odds_difference":
        tpr = spread(m["tpr"], worst_high=False)
        fpr = spread(m["fpr"], worst_high=True)
        if axis:
            return np.fmax(tpr[0], fpr[0]), None, None
        pair = [p for p in (tpr, fpr) if p[0] is not None]
        return max(pair, key=lambda p: p[0]) if pair else (None, None, None)
    if metric == "mean_error_difference":
        diff, hi, lo = spread(m["mean_error"], worst_high=True)
        if axis or diff is None:
            return diff, None, None
        errors = m["mean_error"]
        return (diff, hi, lo) if abs(errors[hi]) >= abs(errors[lo]) else (diff, lo, hi)
    if metric == "mae_difference":
        return spread(m["mae"], worst_high=True)
    if metric == "mae_ratio":
        diff, worst, best = spread(m["mae"], worst_high=True)
        with warnings.catch_warnings(), np.errstate(divide="ignore", invalid="ignore"):
            warnings.simplefilter("ignore", RuntimeWarning)
            ratio = np.nanmax(m["mae"], axis=axis) / np.nanmin(m["mae"], axis=axis)
        if axis:
            return ratio, None, None
        return (
            (None, None, None) if diff is None or not np.isfinite(ratio) else (ratio, worst, best)
        )
    raise KeyError(metric)


def _f(value: Any) -> float | None:
    import math

    value = float(value)
    return value if math.isfinite(value) else None
