"""Calibration of the positive-class probability on the test rows: the Brier score, the
expected calibration error (equal-width bins) with a 95% bootstrap interval, and the
reliability curve, each bin's observed rate against its mean probability, from the very bin
assignment of the ECE (:func:`.metrics.bin_of`), with the rows in each bin.

The ECE of a resample is biased upward (a resample's bins hold noise that only adds to the
absolute gaps), so the point estimate sits near the low end of its bootstrap interval: the
interval shows the spread, not a symmetric error bar (the report's HTML says so)."""

from __future__ import annotations

from typing import Any

import numpy as np

from .metrics import bin_of, bootstrap, brier, ece, interval, ones
from .predictions import Outputs


def calibration_figures(
    y: np.ndarray, test: Outputs, *, bins: int, seed: int, resamples: int
) -> dict[str, Any]:
    """``{brier, ece, low, high, bins, curve, resamples}``, or ``{unavailable: why}``; the
    curve lists the bins holding rows: ``bin`` (0-based), ``predicted``, ``observed``,
    ``counts``."""
    if test.probability is None:
        return {"unavailable": "the model has no predict_proba: no probabilities to calibrate"}
    p = np.clip(test.probability, 0.0, 1.0)
    rng = np.random.default_rng(seed + 1)
    boot = bootstrap(lambda w: ece(y, p, w, bins), len(y), resamples, rng)
    low, high = interval(boot)
    return {
        "brier": float(brier(y, p, ones(len(y)))[0]),
        "ece": float(ece(y, p, ones(len(y)), bins)[0]),
        "low": low,
        "high": high,
        "bins": bins,
        "resamples": resamples,
        "curve": reliability_curve(y, p, bins),
    }


def reliability_curve(y: np.ndarray, p: np.ndarray, bins: int) -> dict[str, list[Any]]:
    """Per bin holding rows (the ECE's bins): mean probability, observed rate, rows."""
    which = bin_of(p, bins)
    counts = np.bincount(which, minlength=bins)
    held = np.flatnonzero(counts)
    total_p = np.bincount(which, weights=p, minlength=bins)
    total_y = np.bincount(which, weights=y, minlength=bins)
    return {
        "bin": [int(b) for b in held],
        "predicted": [float(total_p[b] / counts[b]) for b in held],
        "observed": [float(total_y[b] / counts[b]) for b in held],
        "counts": [int(counts[b]) for b in held],
    }
