"""Overfit: the headline metric on the training and the test rows, and the gap between them
(positive: worse on test), with a 95% bootstrap interval that resamples the training and the
test rows independently."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..errors import MlopsError
from .inputs import Inputs
from .metrics import (
    CLASSIFICATION_METRICS,
    HIGHER_IS_BETTER,
    REGRESSION_METRICS,
    bootstrap,
    interval,
    ones,
    weighted_metric,
)
from .predictions import Outputs


def check_metric(metric: Any, task: str) -> str:
    """The template's headline metric, if diagnostics know it for ``task``."""
    known = CLASSIFICATION_METRICS if task == "classification" else REGRESSION_METRICS
    if metric not in known:
        raise MlopsError(
            f"the template's no_overfit metric {metric!r} does not fit a {task} model "
            f"(known: {', '.join(known)})",
            "fix the check's args in the template",
        )
    return str(metric)


def overfit_figures(
    metric: str,
    inputs: Inputs,
    train: Outputs,
    test: Outputs,
    *,
    seed: int,
    resamples: int,
) -> dict[str, Any]:
    """``{metric, train, test, gap, low, high, cv, resamples, seed, higher_is_better}``."""
    used = {"train": _output(metric, train), "test": _output(metric, test)}
    if used["train"] is None or used["test"] is None:
        raise MlopsError(
            f"{metric} needs scores, and the model has neither predict_proba nor decision_function",
            "use a model with predict_proba, or a template metric such as accuracy",
        )
    rng = np.random.default_rng(seed)
    sign = 1.0 if HIGHER_IS_BETTER[metric] else -1.0
    values, boots = {}, {}
    for part, y in (("train", inputs.y_train), ("test", inputs.y_test)):
        output = used[part]
        values[part] = float(weighted_metric(metric, y, output, ones(len(y)))[0])
        boots[part] = bootstrap(
            lambda w, y=y, output=output: weighted_metric(metric, y, output, w),
            len(y),
            resamples,
            rng,
        )
    gap = sign * (values["train"] - values["test"])
    low, high = interval(sign * (boots["train"] - boots["test"]))
    return {
        "metric": metric,
        "higher_is_better": HIGHER_IS_BETTER[metric],
        "train": values["train"],
        "test": values["test"],
        "gap": gap,
        "low": low,
        "high": high,
        "cv": _cv(inputs.cv),
        "resamples": resamples,
        "seed": seed,
    }


def _output(metric: str, outputs: Outputs) -> np.ndarray | None:
    if metric in ("roc_auc", "average_precision"):
        return outputs.scores
    return outputs.predicted


def _cv(cv: np.ndarray | None) -> dict[str, Any] | None:
    if cv is None:
        return None
    return {
        "mean": float(cv.mean()),
        "sd": float(cv.std(ddof=1)) if len(cv) > 1 else None,
        "folds": len(cv),
    }
