"""Local explanations: which rows get one (those asked for, the highest- and lowest-scored,
the worst mistakes when y is given) and what each shows."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..errors import MlopsError
from .values import json_scalar, shown

#: rows with the highest, and rows with the lowest, score that get a local explanation (each)
LOCAL_EXTREMES = 1
#: with y: the most confidently misclassified rows (classification) or those with the
#: largest absolute errors (regression) that get a local explanation
LOCAL_ERRORS = 3
#: attributions listed per local explanation, largest first (the others are summed in one line)
LOCAL_TOP = 8


def row_positions(rows: Any, X: pd.DataFrame) -> list[int]:
    """Positions in X of the index labels ``rows`` (one label or a list of them)."""
    if rows is None:
        return []
    several = (list, tuple, set, frozenset, range, pd.Index, pd.Series, np.ndarray)
    labels = list(rows) if isinstance(rows, several) else [rows]
    positions, missing = [], []
    for label in labels:
        try:
            where = X.index.get_loc(label)
        except (KeyError, TypeError):
            missing.append(label)
            continue
        if isinstance(where, slice):
            where = where.start
        elif not isinstance(where, (int, np.integer)):
            where = int(np.flatnonzero(where)[0])  # a repeated label: its first row
        positions.append(int(where))
    if missing:
        some = ", ".join(repr(v) for v in X.index[:5].tolist())
        raise MlopsError(
            f"rows not in X: {', '.join(repr(m) for m in missing[:5])}"
            + (f" and {len(missing) - 5} more" if len(missing) > 5 else ""),
            f"rows are index labels of X (not positions), e.g. {some}"
            + (" ..." if len(X) > 5 else ""),
        )
    return list(dict.fromkeys(positions))


def picks(
    asked: list[int],
    scores: np.ndarray,
    errors: np.ndarray | None,
    task: str,
) -> dict[int, list[str]]:
    """Row position -> why it is explained locally, in the order a report shows them.

    ``errors`` (with y): how wrong the model is on each row (NaN where y is missing or,
    for a classifier, where the predicted class is right).
    """
    chosen: dict[int, list[str]] = {}

    def add(position: int, reason: str) -> None:
        chosen.setdefault(int(position), []).append(reason)

    for position in asked:
        add(position, "asked for")
    order = np.argsort(scores, kind="stable")
    for position in order[::-1][:LOCAL_EXTREMES]:
        add(position, "highest score")
    for position in order[:LOCAL_EXTREMES]:
        add(position, "lowest score")
    if errors is not None:
        wrong = np.flatnonzero(~np.isnan(errors))
        worst = wrong[np.argsort(-errors[wrong], kind="stable")][:LOCAL_ERRORS]
        reason = "misclassified" if task == "classification" else "large error"
        for position in worst:
            add(position, reason)
    return chosen


def local_entry(
    label: Any,
    reasons: list[str],
    row: pd.Series,
    values: np.ndarray,
    *,
    score: float,
    output: float,
    base: float,
    y: Any,
    columns: Sequence[str],
) -> dict[str, Any]:
    """One row's local explanation: its largest attributions, and the rest summed."""
    order = np.argsort(-np.abs(values), kind="stable")
    top, rest = order[:LOCAL_TOP], order[LOCAL_TOP:]
    return {
        "label": json_scalar(label),
        "reasons": reasons,
        "score": float(score),
        "y": None if y is None else json_scalar(y),
        "output": float(output),
        "base": float(base),
        "top": [
            {
                "feature": columns[j],
                "value": shown(row.iloc[j]),
                "attribution": float(values[j]),
            }
            for j in top
        ],
        "rest": {"features": len(rest), "attribution": float(values[rest].sum())},
    }
