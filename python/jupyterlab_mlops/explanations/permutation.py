"""Permutation importance: what shuffling one input column costs the model, on the data given.

With ``y``, the drop in a score (ROC AUC for a binary classifier, R² for a regressor): the
definition of ``sklearn.inspection.permutation_importance``, computed with every shuffle of a
column stacked into one prediction call (a pipeline's overhead per call dominates on small
data). Without ``y``, the mean absolute change of the model's own score (probability or
predicted value) when the column is shuffled.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .model import FittedModel

#: rows the permutation importance is computed on (a seeded random sample of bigger data)
PERMUTATION_ROWS = 1000
#: shuffles of each column
PERMUTATION_REPEATS = 5


@dataclass(frozen=True)
class PermutationImportance:
    mean: np.ndarray  # per input column
    std: np.ndarray  # over the repeats
    rows: int
    repeats: int
    measure: str  # what the importance is a change of
    baseline: float | None  # the score on the unshuffled rows (with y)


def permutation_importance(
    fitted: FittedModel,
    X: pd.DataFrame,
    y: np.ndarray | None,
    *,
    repeats: int = PERMUTATION_REPEATS,
    seed: int = 0,
    advance: Callable[[int], None] = lambda _n: None,
) -> PermutationImportance:
    """Importance of each input column of ``X`` by shuffling it ``repeats`` times.

    ``y`` (aligned with X, no missing values) selects the score-drop definition; for a
    classifier it is 1 for the positive class and 0 otherwise. Calls ``advance(1)`` per column.
    """
    n = len(X)
    rng = np.random.default_rng(seed)
    metric, measure = _metric(fitted, y)
    original = fitted.score(X)
    baseline = metric(original) if metric is not None else None
    stacked = pd.concat([X] * repeats, ignore_index=True)
    means, stds = [], []
    for name in X.columns:
        shuffled = stacked.copy()
        order = np.concatenate([rng.permutation(n) for _ in range(repeats)])
        shuffled[name] = X[name].iloc[order].reset_index(drop=True)  # keeps the dtype
        scores = fitted.score(shuffled).reshape(repeats, n)
        if metric is None:
            drops = np.abs(scores - original).mean(axis=1)
        else:
            drops = np.array([baseline - metric(s) for s in scores])
        means.append(drops.mean())
        stds.append(drops.std(ddof=1) if repeats > 1 else 0.0)
        advance(1)
    return PermutationImportance(np.array(means), np.array(stds), n, repeats, measure, baseline)


def _metric(
    fitted: FittedModel, y: np.ndarray | None
) -> tuple[Callable[[np.ndarray], float] | None, str]:
    if fitted.task == "classification":
        unit = f"probability of class {fitted.positive_class}"
        if y is None or len(np.unique(y)) < 2:
            return None, f"mean absolute change in the {unit}"
        return (lambda s: roc_auc(y, s)), "drop in ROC AUC"
    if y is None:
        return None, "mean absolute change in the predicted value"
    return (lambda s: r2(y, s)), "drop in R²"


def roc_auc(y: np.ndarray, score: np.ndarray) -> float:
    """ROC AUC as the Mann-Whitney statistic (ties count half), as sklearn computes it; a
    direct formula because the metric is evaluated once per shuffle."""
    from scipy.stats import rankdata

    positive = np.asarray(y) == 1
    n_pos, n_neg = int(positive.sum()), int((~positive).sum())
    rank_sum = float(rankdata(score)[positive].sum())
    return (rank_sum - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg)


def r2(y: np.ndarray, predicted: np.ndarray) -> float:
    """The coefficient of determination (1 - residual / total sum of squares)."""
    y = np.asarray(y, dtype=float)
    total = float(((y - y.mean()) ** 2).sum())
    residual = float(((y - predicted) ** 2).sum())
    return 1 - residual / total if total > 0 else float("nan")
