"""Calibration of the positive-class probability on the test rows: the Brier score, the
expected calibration error (equal-width bins) with a 95% bootstrap interval, and the
reliability curve (scikit-learn's ``calibration_curve``)."""

from __future__ import annotations

from typing import Any

import numpy as np

from .metrics import brier, ece, interval, ones, resample_weights
from .predictions import Outputs


def calibration_figures(
    y: np.ndarray, test: Outputs, *, bins: int, seed: int, resamples: int
) -> dict[str, Any]:
    """``{brier, ece, low, high, bins, curve, resamples}``, or ``{unavailable: why}``."""
    if test.probability is None:
        return {"unavailable": "the model has no predict_proba: no probabilities to calibrate"}
    from sklearn.calibration import calibration_curve

    p = np.clip(test.probability, 0.0, 1.0)
    rng = np.random.default_rng(seed + 1)
    boot = ece(y, p, resample_weights(len(y), resamples, rng), bins)
    low, high = interval(boot)
    observed, predicted = calibration_curve(y, p, n_bins=bins, strategy="uniform")
    which = np.clip((p * bins).astype(int), 0, bins - 1)
    counts = np.bincount(which, minlength=bins)
    return {
        "brier": float(brier(y, p, ones(len(y)))[0]),
        "ece": float(ece(y, p, ones(len(y)), bins)[0]),
        "low": low,
        "high": high,
        "bins": bins,
        "resamples": resamples,
        "curve": {
            "predicted": [float(v) for v in predicted],
            "observed": [float(v) for v in observed],
            "counts": [int(c) for c in counts if c],
        },
    }
