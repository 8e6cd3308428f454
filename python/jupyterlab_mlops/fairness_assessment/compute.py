"""An assessment from prepared inputs: groups, point estimates, bootstrap intervals, small
groups, disparities and the verdict under the policy, as the report's JSON."""

from __future__ import annotations

from typing import Any

from ..experiments.stats import CONFIDENCE, percentile_interval
from . import bootstrap
from .disparities import INPUTS, disparities
from .groups import build_features, finest
from .inputs import Inputs
from .metrics import COUNTS, metric_names, point_estimates
from .policy import judge
from .report import FORMAT, VERSION
from .source import PolicySource

#: which metric's interval width is a row's ``interval_width`` (and ``too_small``)
WIDTH_METRIC = {"classification": "selection_rate", "regression": "mae"}
#: the cases each per-group metric is computed on (what ``min_size`` counts)
CASES = {
    "selection_rate": "rows",
    "tpr": "positives",
    "fnr": "positives",
    "fpr": "negatives",
    "precision": "predicted positives",
    "roc_auc": "positives or negatives (the fewer)",
    "mean_error": "rows",
    "mae": "rows",
}
#: the per-group metrics some disparity is computed from (listed in ``small_groups``)
JUDGED = {m for names in INPUTS.values() for m in names}


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
        cases = _cases(inputs, feature, point)
        widths = {m: intervals[m][1] - intervals[m][0] for m in metrics}
        judged = {
            m: (cases[m] >= min_size)
            & (np.isfinite(widths[m]) if max_width is None else (widths[m] <= max_width))
            for m in metrics
        }
        why = {}
        for g, label in enumerate(feature.labels):
            row: dict[str, Any] = {"feature": feature.name, "group": label}
            for count in COUNTS[inputs.task]:
                row[count] = int(point[count][g])
            for m in metrics:
                row[m] = _f(point[m][g])
                row[f"{m}_low"], row[f"{m}_high"] = _f(intervals[m][0][g]), _f(intervals[m][1][g])
            row["too_small"] = not bool(judged[width_metric][g])
            row["too_small_for"] = [m for m in metrics if not judged[m][g]]
            row["interval_width"] = _f(widths[width_metric][g])
            rows.append(row)
            for m in row["too_small_for"]:
                if m not in JUDGED:
                    continue
                small = _small(
                    feature.name, label, m, int(cases[m][g]), _f(widths[m][g]), min_size, max_width
                )
                small["size"] = row["size"]
                small_groups.append(small)
                why[m] = why.get(m, "") + f"; {label}: {small['why']}"
        why = {m: f" (too small{text})" for m, text in why.items()}
        found[feature.name] = disparities(inputs.task, feature.labels, point, drawn, judged, why)
    crossed = [f.name for f in features if len(f.columns) > 1]
    verdict = judge(found, policy, crossed) if policy else None
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
            "cases": {m: CASES[m] for m in metrics},
        },
        "policy": source.to_json(),
        "passed": verdict.passed if verdict else None,
        "breaches": [b.to_json() for b in verdict.breaches] if verdict else [],
        "unjudged": [u.to_json() for u in verdict.unjudged] if verdict else [],
        "notes": [*inputs.notes, *_method(inputs)],
    }


def _cases(inputs: Inputs, feature: Any, point: dict[str, Any]) -> dict[str, Any]:
    """How many cases each group's metric is computed on."""
    import numpy as np

    size = point["size"]
    if inputs.task == "regression":
        return {"mean_error": size, "mae": size}
    predicted = np.bincount(feature.codes, weights=inputs.y_pred, minlength=len(feature.labels))
    pos, neg = point["positives"], point["negatives"]
    return {
        "selection_rate": size,
        "tpr": pos,
        "fnr": pos,
        "fpr": neg,
        "precision": predicted,
        "roc_auc": np.minimum(pos, neg),
    }


def _small(
    feature: str,
    group: str,
    metric: str,
    cases: int,
    width: float | None,
    min_size: int,
    max_width: float | None,
) -> dict[str, Any]:
    """A group too small to judge ``metric``: its cases, its interval's width and why."""
    what = CASES[metric]
    if cases < min_size:
        why = f"{cases} {what}, fewer than {min_size}"
    elif width is None:
        why = f"{cases} {what}; its {metric} interval is undefined"
    else:
        why = f"{cases} {what}; its {metric} interval is {width:.3g} wide, over {max_width:g}"
    return {
        "feature": feature,
        "group": group,
        "metric": metric,
        "cases": cases,
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
    notes = [
        boot,
        "disparity intervals: basic bootstrap (2 x estimate - percentiles), correcting the "
        "upward bias of a max - min over noisy groups",
        "point estimates: fairlearn MetricFrame; a rate with no cases is n/a",
    ]
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
