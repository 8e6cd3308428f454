"""An assessment from prepared inputs: groups, point estimates, bootstrap intervals, small
groups, disparities and the verdict under the policy, as the report's JSON."""

from __future__ import annotations

from typing import Any

from . import bootstrap
from .disparities import CONFIDENCE, disparities, percentile_interval
from .groups import build_features, finest
from .inputs import Inputs
from .metrics import COUNTS, metric_names, point_estimates
from .policy import breaches
from .report import FORMAT, VERSION
from .source import PolicySource

#: which metric's interval width decides whether a group is too small to judge
WIDTH_METRIC = {"classification": "selection_rate", "regression": "mae"}


def assess(
    inputs: Inputs,
    frame: Any,
    *,
    source: PolicySource,
    sensitive_source: str,
    name: str | None,
    resamples: int,
    seed: int,
    progress: Any,
) -> dict[str, Any]:
    """The report's JSON (see :class:`~.report.FairnessReport`)."""
    import numpy as np

    policy = source.policy
    small = policy.small_group if policy else None
    min_size = small.min_size if small else 30
    max_width = small.max_interval_width if small else None
    features, bands = build_features(frame, policy.bands if policy else None)
    cells, maps = finest(features)
    draws = bootstrap.resample(
        inputs, features, cells, maps, resamples=resamples, seed=seed, progress=progress
    )
    metrics = metric_names(inputs)
    width_metric = WIDTH_METRIC[inputs.task]
    rows, small_groups, found = [], [], {}
    for feature, drawn in zip(features, draws, strict=True):
        point = point_estimates(inputs, feature)
        if "roc_auc" in drawn:  # binned AUC resamples, centred on the exact AUC
            drawn["roc_auc"] = drawn["roc_auc"] + (point["roc_auc"] - drawn.pop("_auc_binned"))
        intervals = {m: percentile_interval(drawn[m]) for m in metrics}
        width = intervals[width_metric][1] - intervals[width_metric][0]
        too_small = (point["size"] < min_size) | (
            (width > max_width) if max_width is not None else np.zeros(len(width), dtype=bool)
        )
        for g, label in enumerate(feature.labels):
            row: dict[str, Any] = {"feature": feature.name, "group": label}
            for count in COUNTS[inputs.task]:
                row[count] = int(point[count][g])
            for m in metrics:
                row[m] = _f(point[m][g])
                row[f"{m}_low"], row[f"{m}_high"] = _f(intervals[m][0][g]), _f(intervals[m][1][g])
            row["too_small"] = bool(too_small[g])
            row["interval_width"] = _f(width[g])
            rows.append(row)
            if too_small[g]:
                small_groups.append(
                    _small(feature.name, label, row, min_size, max_width, width_metric)
                )
        found[feature.name] = disparities(inputs.task, feature.labels, point, drawn, ~too_small)
    broken = breaches(found, policy) if policy else []
    return {
        "format": FORMAT,
        "version": VERSION,
        "name": name,
        "task": inputs.task,
        "positive": inputs.positive,
        "threshold": inputs.threshold,
        "scores": inputs.scores is not None,
        "rows": inputs.rows,
        "resamples": resamples,
        "seed": seed,
        "confidence": CONFIDENCE,
        "metrics": metrics,
        "features": [
            {
                "name": f.name,
                "columns": f.columns,
                "groups": f.labels,
                "banded": f.name.endswith(" band") and len(f.columns) == 1,
            }
            for f in features
        ],
        "columns": [str(c) for c in frame.columns],
        "sensitive_source": sensitive_source,
        "bands": bands,
        "by_group": rows,
        "disparities": found,
        "small_groups": small_groups,
        "small_group_rule": {
            "min_size": min_size,
            "max_interval_width": max_width,
            "metric": width_metric,
        },
        "policy": source.to_json(),
        "passed": (not broken) if policy else None,
        "breaches": [b.to_json() for b in broken],
        "notes": [*inputs.notes, *_method(inputs)],
    }


def _small(
    feature: str, group: str, row: dict[str, Any], min_size: int, max_width: Any, metric: str
) -> dict[str, Any]:
    width = row["interval_width"]
    if row["size"] < min_size:
        why = f"{row['size']} rows, fewer than {min_size}"
    elif width is None:
        why = f"the {metric} interval is undefined"
    else:
        why = f"its {metric} interval is {width:.3g} wide, over {max_width:g}"
    return {
        "feature": feature,
        "group": group,
        "size": row["size"],
        "interval_width": width,
        "why": why,
    }


def _method(inputs: Inputs) -> list[str]:
    if inputs.task == "regression":
        boot = (
            "intervals: Poisson bootstrap (each row weighted by an independent Poisson(1) count), "
            "95% percentile intervals"
        )
    else:
        boot = (
            "intervals: bootstrap of the rows (a multinomial draw over the cells group x "
            "TP/FP/TN/FN), 95% percentile intervals, the same resamples for every metric"
        )
    notes = [boot, "point estimates: fairlearn MetricFrame; a rate with no cases is n/a"]
    if inputs.scores is not None:
        notes.append(
            f"ROC AUC intervals: scores in {bootstrap.SCORE_BINS} quantile bins (ties within a "
            "bin), shifted to the exact AUC of the full sample"
        )
    return notes


def _f(value: Any) -> float | None:
    import math

    value = float(value)
    return value if math.isfinite(value) else None
