"""Statistics the evidence features share: the bootstrap percentile interval and the
tie-aware ROC AUC. numpy is imported inside each function (importing this module is cheap)."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

#: the confidence of a percentile interval
CONFIDENCE = 0.95
#: the percentiles bounding its central ``CONFIDENCE`` share
TAILS = ((1 - CONFIDENCE) / 2 * 100, 100 - (1 - CONFIDENCE) / 2 * 100)


def percentile_interval(values: Any, tails: Sequence[float] = TAILS) -> tuple[Any, Any]:
    """The percentile interval (by default 95%) over the first axis, NaN resamples ignored."""
    import numpy as np

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        low, high = np.nanpercentile(values, list(tails), axis=0)
    return low, high


def auc_from_histograms(pos: Any, neg: Any) -> Any:
    """ROC AUC from weights (or counts) of positives and negatives per score group (last axis,
    scores ascending): scores in one group count as ties, one half (scikit-learn's rule)."""
    import numpy as np

    below = np.cumsum(neg, axis=-1) - neg
    with np.errstate(divide="ignore", invalid="ignore"):
        wins = (pos * (below + 0.5 * neg)).sum(axis=-1)
        return wins / (pos.sum(axis=-1) * neg.sum(axis=-1))
