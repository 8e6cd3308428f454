"""The statistics of a report: bootstrap intervals on importance, ranks and their stability,
and rank agreement. numpy only; every function is deterministic given its seed."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: bootstrap resamples (over explained rows) behind every interval and stability figure
RESAMPLES = 200
#: the coverage of every interval in a report
CONFIDENCE = 0.95
#: the low percentile of the rank correlations across resamples that a report states
LOW_PERCENTILE = 5
#: a feature is flagged unstable when the central ``CONFIDENCE`` share of its bootstrap ranks
#: spans more than this many places (ranks 3 to 6 span 3 places)
UNSTABLE_RANK_SPAN = 2


@dataclass(frozen=True)
class Importance:
    """Mean |attribution| per column, with its bootstrap distribution."""

    estimate: np.ndarray  # columns
    resampled: np.ndarray  # resamples x columns (empty with fewer than two rows)
    rows: int

    @property
    def low(self) -> np.ndarray:
        return self._quantile((1 - CONFIDENCE) / 2)

    @property
    def high(self) -> np.ndarray:
        return self._quantile(1 - (1 - CONFIDENCE) / 2)

    def _quantile(self, q: float) -> np.ndarray:
        if not len(self.resampled):
            return np.full(len(self.estimate), np.nan)
        return np.quantile(self.resampled, q, axis=0)


def bootstrap_importance(
    values: np.ndarray, *, resamples: int = RESAMPLES, seed: int = 0
) -> Importance:
    """Mean |values| per column, and the same over ``resamples`` bootstrap resamples of rows.

    A resample is drawn as counts per row (multinomial), so the cost is one matrix product.
    """
    magnitude = np.abs(np.asarray(values, dtype=float))
    rows = len(magnitude)
    if rows == 0:
        return Importance(np.full(magnitude.shape[1], np.nan), np.empty((0, 0)), 0)
    estimate = magnitude.mean(axis=0)
    if rows < 2 or resamples < 1:
        return Importance(estimate, np.empty((0, magnitude.shape[1])), rows)
    rng = np.random.default_rng(seed)
    counts = rng.multinomial(rows, np.full(rows, 1 / rows), size=resamples)
    return Importance(estimate, counts @ magnitude / rows, rows)


def ranks(importance: np.ndarray) -> np.ndarray:
    """Rank 1 for the largest importance (along the last axis); ties share the best rank."""
    from scipy.stats import rankdata

    return rankdata(-np.asarray(importance, dtype=float), method="min", axis=-1)


def spearman(a: np.ndarray, b: np.ndarray) -> float:
    """Spearman's rank correlation; NaN when either side is constant or has under 2 values."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    keep = ~(np.isnan(a) | np.isnan(b))
    a, b = a[keep], b[keep]
    if len(a) < 2 or np.ptp(a) == 0 or np.ptp(b) == 0:
        return float("nan")
    from scipy.stats import rankdata

    return float(np.corrcoef(rankdata(a), rankdata(b))[0, 1])


@dataclass(frozen=True)
class Stability:
    """How much the ranking of features moves across bootstrap resamples."""

    correlations: np.ndarray  # per resample: Spearman against the full estimate
    rank: np.ndarray  # the full estimate's rank per column
    rank_low: np.ndarray
    rank_high: np.ndarray
    unstable: np.ndarray  # bool per column
    rank_span: int

    @property
    def median(self) -> float:
        return float(np.median(self.correlations)) if len(self.correlations) else float("nan")

    @property
    def low(self) -> float:
        if not len(self.correlations):
            return float("nan")
        return float(np.percentile(self.correlations, LOW_PERCENTILE))


def stability(importance: Importance, *, rank_span: int = UNSTABLE_RANK_SPAN) -> Stability:
    """Rank correlations of each resample with the full estimate, a rank interval per column,
    and the columns whose rank interval spans more than ``rank_span`` places."""
    rank = ranks(importance.estimate)
    if not len(importance.resampled):
        nothing = np.full(len(rank), np.nan)
        return Stability(np.empty(0), rank, nothing, nothing, np.zeros(len(rank), bool), rank_span)
    resampled_ranks = ranks(importance.resampled)
    tail = (1 - CONFIDENCE) / 2
    low = np.quantile(resampled_ranks, tail, axis=0, method="inverted_cdf")
    high = np.quantile(resampled_ranks, 1 - tail, axis=0, method="inverted_cdf")
    correlations = np.array([spearman(row, importance.estimate) for row in importance.resampled])
    correlations = correlations[~np.isnan(correlations)]
    return Stability(correlations, rank, low, high, (high - low) > rank_span, rank_span)


def stability_rule(rank_span: int, resamples: int) -> str:
    """The rule behind the unstable flag, in words (a report states it)."""
    return (
        f"a feature is unstable when the central {CONFIDENCE:.0%} of its ranks across "
        f"{resamples} bootstrap resamples spans more than {rank_span} places"
    )
