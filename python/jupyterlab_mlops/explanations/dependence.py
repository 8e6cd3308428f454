"""Dependence and interactions: SHAP value against feature value for the top features,
coloured by the feature each interacts with most, and the strongest pairs.

Tree models give interaction values (on a sample of rows, they cost far more than
attributions). Other models get an approximation, stated in the report: the partner of a
feature is the column whose values (in quantile bands, or categories) explain the most of
the feature's attributions that its own value does not (adjusted correlation ratio).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .values import is_numeric, json_values

#: features that get a dependence plot: the most important ones
DEPENDENCE_FEATURES = 4
#: points per dependence plot (a seeded random sample of the explained rows)
DEPENDENCE_POINTS = 500
#: quantile bands a numeric column is cut into by the interaction approximation
APPROX_BANDS = 10
#: the strongest pairs a report lists
INTERACTION_PAIRS = 5
#: rows interaction values are computed on (a seeded random sample of the explained rows)
INTERACTION_ROWS = 200
#: the interaction matrix a report keeps covers at most this many (most important) features
MATRIX_FEATURES = 12

APPROXIMATION = (
    "no interaction values for this explainer: each feature is coloured by the column whose "
    f"values ({APPROX_BANDS} quantile bands, or categories) best explain what its own value "
    "leaves unexplained in its attributions (adjusted correlation ratio)"
)


def partners_from_matrix(matrix: np.ndarray) -> list[int | None]:
    """For each feature, the other feature with the largest mean |interaction|."""
    off = np.array(matrix, dtype=float)
    np.fill_diagonal(off, -np.inf)
    best = off.argmax(axis=1) if off.shape[1] > 1 else np.zeros(len(off), dtype=int)
    return [int(k) if off[j, k] > 0 else None for j, k in enumerate(best)]


def approximate_partners(
    values: np.ndarray, frame: pd.DataFrame, features: list[int]
) -> list[int | None]:
    """The approximation described in the module docstring, for each of ``features``."""
    codes = [_codes(frame[name]) for name in frame.columns]
    partners: list[int | None] = []
    for j in features:
        residual = values[:, j] - _group_mean(values[:, j], codes[j])
        scores = [
            -np.inf if k == j else _adjusted_eta2(residual, codes[k]) for k in range(len(codes))
        ]
        best = int(np.argmax(scores)) if scores else 0
        partners.append(best if len(scores) > 1 and scores[best] > 0 else None)
    return partners


def _codes(series: pd.Series) -> np.ndarray:
    if is_numeric(series):
        values = series.to_numpy(dtype=float, na_value=np.nan)
        present = values[~np.isnan(values)]
        if not len(present):
            return np.zeros(len(values), dtype=int)
        edges = np.unique(np.quantile(present, np.linspace(0, 1, APPROX_BANDS + 1))[1:-1])
        codes = np.searchsorted(edges, values, side="right")
        return np.where(np.isnan(values), len(edges) + 1, codes)
    return pd.factorize(series, use_na_sentinel=False)[0]


def _group_mean(values: np.ndarray, codes: np.ndarray) -> np.ndarray:
    sums = np.bincount(codes, weights=values)
    counts = np.bincount(codes)
    return (sums / np.maximum(counts, 1))[codes]


def _adjusted_eta2(values: np.ndarray, codes: np.ndarray) -> float:
    n, groups = len(values), len(np.unique(codes))
    total = float(((values - values.mean()) ** 2).sum())
    if total <= 0 or groups < 2 or n <= groups:
        return 0.0
    within = float(((values - _group_mean(values, codes)) ** 2).sum())
    return 1 - (within / total) * (n - 1) / (n - groups)


def dependence_section(
    values: np.ndarray,
    frame: pd.DataFrame,
    order: np.ndarray,
    partners: list[int | None],
    *,
    rng: np.random.Generator,
    method: str,
) -> dict[str, Any]:
    """Points of the dependence plots of the features ``order[:DEPENDENCE_FEATURES]``.

    ``values``/``frame`` are the explained rows' attributions and values; ``partners[i]``
    is the colouring feature of ``order[i]``.
    """
    columns = list(map(str, frame.columns))
    take = np.sort(rng.permutation(len(frame))[:DEPENDENCE_POINTS])
    rows = frame.iloc[take]
    features = []
    for j, partner in zip(order[:DEPENDENCE_FEATURES], partners, strict=False):
        j = int(j)
        entry: dict[str, Any] = {
            "feature": columns[j],
            "numeric": is_numeric(frame.iloc[:, j]),
            "x": json_values(rows.iloc[:, j]),
            "shap": values[take, j].tolist(),
            "colour_by": None,
            "colour_numeric": None,
            "colour": None,
        }
        if partner is not None:
            entry["colour_by"] = columns[partner]
            entry["colour_numeric"] = is_numeric(frame.iloc[:, partner])
            entry["colour"] = json_values(rows.iloc[:, partner])
        features.append(entry)
    return {
        "points": len(take),
        "of_rows": len(frame),
        "colour_method": method,
        "features": features,
    }


def interaction_section(
    matrix: np.ndarray, columns: list[str], order: np.ndarray, rows: int
) -> dict[str, Any]:
    """The strongest pairs of a mean |interaction| matrix (both halves of a pair added),
    and the matrix over the most important features."""
    p = len(columns)
    strength = matrix + matrix.T
    pairs = sorted(
        ((strength[a, b], a, b) for a in range(p) for b in range(a + 1, p)), reverse=True
    )
    keep = [int(j) for j in order[:MATRIX_FEATURES]]
    return {
        "available": True,
        "rows": rows,
        "pairs": [
            {"a": columns[a], "b": columns[b], "strength": float(s)}
            for s, a, b in pairs[:INTERACTION_PAIRS]
        ],
        "matrix_features": [columns[j] for j in keep],
        # off the diagonal: pairs; the diagonal (main effects) is left out of the matrix
        "matrix": [[None if a == b else float(strength[a, b]) for b in keep] for a in keep],
        "main_effects": [float(matrix[j, j]) for j in keep],
    }
