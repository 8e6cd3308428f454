"""The metrics of each group: point estimates disaggregated by fairlearn's ``MetricFrame`` (the
reference), and the same metrics computed from counts (what the bootstrap resamples).

The rates are plain weighted means (equal to fairlearn's ``selection_rate``,
``true_positive_rate``, ... and sklearn's ``precision_score``: tested; fairlearn's own go
through sklearn's confusion matrix, ~10 ms a call). A rate with no cases to count (the TPR of a group with no positives)
is undefined: ``NaN`` here, where fairlearn gives 0 (such a group was not treated badly).
"""

from __future__ import annotations

import warnings
from typing import Any

from .groups import Feature
from .inputs import Inputs

#: per-group metrics with intervals, by task, in the order the table shows them
RATES = ("selection_rate", "tpr", "fpr", "fnr", "precision")
CLASSIFICATION = (*RATES, "roc_auc")
REGRESSION = ("mean_error", "mae")
COUNTS = {"classification": ("size", "positives", "negatives"), "regression": ("size",)}


def metric_names(inputs: Inputs) -> list[str]:
    if inputs.task == "regression":
        return list(REGRESSION)
    return [m for m in CLASSIFICATION if m != "roc_auc" or inputs.scores is not None]


def point_estimates(inputs: Inputs, feature: Feature) -> dict[str, Any]:
    """Each metric of each group of ``feature`` (arrays in the feature's label order), and the
    counts (size, positives, negatives), disaggregated by ``MetricFrame``.

    For the rates, MetricFrame is given the distinct (group, label, prediction) rows weighted
    by their counts: the same figures as on every row (the rates are weighted means), at the
    cost of a few rows per group instead of n (fairlearn copies each row through ``np.stack``).
    """
    import numpy as np
    import pandas as pd
    from fairlearn.metrics import MetricFrame

    labels = np.asarray(feature.labels, dtype=object)
    if inputs.task == "regression":
        metrics: dict[str, Any] = {"size": _size, "mean_error": _mean_error, "mae": _mae}
        y_true, y_pred, groups, weights = inputs.y_true, inputs.y_pred, labels[feature.codes], None
    else:
        metrics = {
            "size": _size,
            "positives": _positives,
            "negatives": _negatives,
            "selection_rate": _selection_rate,
            "tpr": _tpr,
            "fpr": _fpr,
            "fnr": _fnr,
            "precision": _precision,
        }
        key = feature.codes * 4 + (2 * inputs.y_true + inputs.y_pred).astype(np.int64)
        distinct, weights = np.unique(key, return_counts=True)
        y_true, y_pred = ((distinct // 2) % 2).astype(float), (distinct % 2).astype(float)
        groups = labels[distinct // 4]
    params = None if weights is None else {m: {"sample_weight": weights} for m in metrics}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        frame = MetricFrame(
            metrics=metrics,
            y_true=y_true,
            y_pred=y_pred,
            sensitive_features=pd.Series(groups, name=feature.name),
            sample_params=params,
        ).by_group
        if inputs.scores is not None:
            auc = MetricFrame(
                metrics={"roc_auc": _roc_auc},
                y_true=inputs.y_true,
                y_pred=inputs.scores,
                sensitive_features=pd.Series(labels[feature.codes], name=feature.name),
            ).by_group
            frame = frame.join(auc)
    frame = frame.reindex(feature.labels)
    return {name: frame[name].to_numpy(dtype=float) for name in frame.columns}


def from_counts(tp: Any, fp: Any, tn: Any, fn: Any) -> dict[str, Any]:
    """The rates of ``metric_names`` from counts of any shape (NaN where undefined)."""
    import numpy as np

    with np.errstate(divide="ignore", invalid="ignore"):
        size = tp + fp + tn + fn
        return {
            "selection_rate": (tp + fp) / size,
            "tpr": tp / (tp + fn),
            "fpr": fp / (fp + tn),
            "fnr": fn / (tp + fn),
            "precision": tp / (tp + fp),
        }


def _w(y: Any, sample_weight: Any) -> Any:
    import numpy as np

    return np.ones(len(y)) if sample_weight is None else np.asarray(sample_weight, dtype=float)


def _size(y_true: Any, y_pred: Any, sample_weight: Any = None) -> float:
    return float(_w(y_true, sample_weight).sum())


def _positives(y_true: Any, y_pred: Any, sample_weight: Any = None) -> float:
    return float((_w(y_true, sample_weight) * y_true).sum())


def _negatives(y_true: Any, y_pred: Any, sample_weight: Any = None) -> float:
    return float((_w(y_true, sample_weight) * (1 - y_true)).sum())


def _rate(hits: Any, cases: Any, w: Any) -> float:
    total = float((w * cases).sum())
    return float((w * hits).sum()) / total if total > 0 else float("nan")


def _selection_rate(y_true: Any, y_pred: Any, sample_weight: Any = None) -> float:
    return _rate(y_pred, 1.0, _w(y_true, sample_weight))


def _tpr(y_true: Any, y_pred: Any, sample_weight: Any = None) -> float:
    return _rate(y_true * y_pred, y_true, _w(y_true, sample_weight))


def _fnr(y_true: Any, y_pred: Any, sample_weight: Any = None) -> float:
    return _rate(y_true * (1 - y_pred), y_true, _w(y_true, sample_weight))


def _fpr(y_true: Any, y_pred: Any, sample_weight: Any = None) -> float:
    return _rate((1 - y_true) * y_pred, 1 - y_true, _w(y_true, sample_weight))


def _precision(y_true: Any, y_pred: Any, sample_weight: Any = None) -> float:
    return _rate(y_true * y_pred, y_pred, _w(y_true, sample_weight))


def _roc_auc(y_true: Any, y_score: Any) -> float:
    from sklearn.metrics import roc_auc_score

    if len(set(y_true)) < 2:
        return float("nan")
    return float(roc_auc_score(y_true, y_score))


def _mean_error(y_true: Any, y_pred: Any) -> float:
    import numpy as np

    return float(np.mean(np.asarray(y_pred) - np.asarray(y_true)))


def _mae(y_true: Any, y_pred: Any) -> float:
    import numpy as np

    return float(np.mean(np.abs(np.asarray(y_pred) - np.asarray(y_true))))
