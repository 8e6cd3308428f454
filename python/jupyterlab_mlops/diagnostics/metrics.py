"""Metrics on a matrix of row weights: one row of weights is one (bootstrap) sample, so 200
resamples are computed at once instead of 200 calls. Weights of ones give the plain metric
(scikit-learn's definitions: ties in ROC AUC count one half; average precision steps over the
distinct scores). Resamples are drawn and evaluated in chunks of rows of weights
(:func:`bootstrap`), so memory stays bounded however many rows there are."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..experiments.stats import auc_from_histograms, percentile_interval

#: the headline metrics diagnostics know, by task, and whether higher is better
CLASSIFICATION_METRICS = ("roc_auc", "accuracy", "average_precision")
REGRESSION_METRICS = ("r2", "rmse", "mae")
HIGHER_IS_BETTER = {
    "roc_auc": True,
    "accuracy": True,
    "average_precision": True,
    "r2": True,
    "rmse": False,
    "mae": False,
}
#: the percentiles of every interval (exactly 2.5 and 97.5: stats.TAILS, derived from 0.95,
#: differs in the last bit, which would move recorded bounds)
_TAILS = (2.5, 97.5)
#: bootstrap resamples behind every interval
RESAMPLES = 200
#: weights held at once (resamples x rows in a chunk): about 16 MB per float matrix
CHUNK_CELLS = 2_000_000


def resample_weights(n: int, resamples: int, rng: np.random.Generator) -> np.ndarray:
    """``resamples`` x ``n`` counts of each row in a resample of ``n`` rows with replacement."""
    picks = rng.integers(0, n, size=(resamples, n))
    offsets = (np.arange(resamples) * n)[:, None]
    counts = np.bincount((picks + offsets).ravel(), minlength=resamples * n)
    return counts.reshape(resamples, n).astype("float64")


def chunk_sizes(n: int, resamples: int, cells: int = CHUNK_CELLS) -> list[int]:
    """How many resamples of ``n`` rows to draw at once: chunks of at most ``cells`` weights
    (at least one resample each), adding up to ``resamples``."""
    size = max(1, min(resamples, cells // max(n, 1)))
    full, rest = divmod(resamples, size)
    return [size] * full + ([rest] if rest else [])


def bootstrap(
    statistic: Callable[[np.ndarray], np.ndarray],
    n: int,
    resamples: int,
    rng: np.random.Generator,
    cells: int = CHUNK_CELLS,
) -> np.ndarray:
    """``statistic`` (of a matrix of row weights, one value per row) on ``resamples`` bootstrap
    resamples of ``n`` rows, drawn chunk by chunk: the same values as one draw of them all
    (the generator's stream is consumed in the same order)."""
    sizes = chunk_sizes(n, resamples, cells)
    return np.concatenate([statistic(resample_weights(n, k, rng)) for k in sizes])


def ones(n: int) -> np.ndarray:
    return np.ones((1, n))


def weighted_metric(
    name: str, y: np.ndarray, output: np.ndarray, weights: np.ndarray
) -> np.ndarray:
    """``name`` of ``output`` (scores, 0/1 predictions or values) against ``y`` per weight row."""
    if name == "roc_auc":
        return roc_auc(y, output, weights)
    if name == "average_precision":
        return average_precision(y, output, weights)
    total = weights.sum(axis=1)
    if name == "accuracy":
        return weights @ (output == y).astype("float64") / total
    error = y - output
    if name == "rmse":
        return np.sqrt(weights @ (error**2) / total)
    if name == "mae":
        return weights @ np.abs(error) / total
    if name == "r2":
        mean = weights @ y / total
        spread = weights @ (y**2) - total * mean**2
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(spread > 0, 1 - (weights @ (error**2)) / spread, np.nan)
    raise ValueError(name)


def _groups(scores: np.ndarray, order: np.ndarray) -> np.ndarray:
    ordered = scores[order]
    return np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])


def roc_auc(y: np.ndarray, scores: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Weighted ROC AUC per weight row (NaN where a row has no positive or no negative)."""
    order = np.argsort(scores, kind="mergesort")
    starts = _groups(scores, order)
    w = weights[:, order]
    yy = y[order]
    positives = np.add.reduceat(w * yy, starts, axis=1)
    negatives = np.add.reduceat(w * (1 - yy), starts, axis=1)
    return auc_from_histograms(positives, negatives)


def average_precision(y: np.ndarray, scores: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Weighted average precision per weight row."""
    order = np.argsort(-scores, kind="mergesort")
    starts = _groups(-scores, order)
    w = weights[:, order]
    yy = y[order]
    tp = np.cumsum(np.add.reduceat(w * yy, starts, axis=1), axis=1)
    fp = np.cumsum(np.add.reduceat(w * (1 - yy), starts, axis=1), axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        precision = tp / (tp + fp)
        recall = tp / tp[:, -1:]
    steps = np.diff(recall, axis=1, prepend=0.0)
    return np.nansum(steps * precision, axis=1)


def ece(y: np.ndarray, probability: np.ndarray, weights: np.ndarray, bins: int) -> np.ndarray:
    """Expected calibration error over ``bins`` equal-width bins of [0, 1]: the share-weighted
    mean of |observed rate - mean probability| per bin."""
    which = bin_of(probability, bins)
    gaps = np.empty(len(weights))
    for i, w in enumerate(weights):
        observed = np.bincount(which, weights=w * y, minlength=bins)
        predicted = np.bincount(which, weights=w * probability, minlength=bins)
        gaps[i] = np.abs(observed - predicted).sum()
    return gaps / weights.sum(axis=1)


def bin_of(probability: np.ndarray, bins: int) -> np.ndarray:
    """The equal-width bin of each probability: ``floor(p * bins)``, 1 in the last bin (the one
    bin assignment of the ECE, the reliability curve and its counts)."""
    return np.clip((probability * bins).astype(int), 0, bins - 1)


def brier(y: np.ndarray, probability: np.ndarray, weights: np.ndarray) -> np.ndarray:
    return weights @ ((probability - y) ** 2) / weights.sum(axis=1)


def interval(values: np.ndarray) -> tuple[float | None, float | None]:
    """The 95% percentile interval of bootstrap values (None when none is finite)."""
    finite = values[np.isfinite(values)]
    if not len(finite):
        return None, None
    low, high = percentile_interval(finite, _TAILS)
    return float(low), float(high)
