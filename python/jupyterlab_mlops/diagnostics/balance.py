"""Class balance (counts and shares of each class in train and test) and the train/test
shift of each input column, measured with the drift code (:mod:`..data.drift`: the PSI of the
test rows against an in-memory profile of the training rows)."""

from __future__ import annotations

from typing import Any

from .inputs import Inputs

#: columns listed by PSI in the report's payload (the report's JSON keeps every column)
SHIFT_TOP = 20


def balance_figures(inputs: Inputs) -> dict[str, Any] | None:
    """``{classes, train, test, train_share, test_share, difference}`` (None for regression)."""
    if inputs.classes is None:
        return None
    names = [str(c) for c in inputs.classes]
    parts: dict[str, Any] = {"classes": names}
    for part, y in (("train", inputs.y_train), ("test", inputs.y_test)):
        positives = int(y.sum())
        parts[part] = {names[0]: len(y) - positives, names[1]: positives}
        parts[f"{part}_share"] = {names[0]: 1 - positives / len(y), names[1]: positives / len(y)}
    parts["difference"] = abs(parts["train_share"][names[1]] - parts["test_share"][names[1]])
    return parts


def shift_figures(inputs: Inputs) -> dict[str, Any]:
    """``{columns: {column: psi}, problems, not_compared, max: {column, psi}}``."""
    from ..data.drift import frame_drift

    drift = frame_drift(inputs.X_train, inputs.X_test)
    worst = max(drift.columns.items(), key=lambda p: p[1], default=None)
    return {
        "columns": dict(drift.columns),
        "problems": dict(drift.problems),
        "not_compared": dict(drift.not_compared),
        "max": None if worst is None else {"column": worst[0], "psi": float(worst[1])},
    }


def shift_summary(shift: dict[str, Any]) -> dict[str, Any]:
    """The shift figures for the ledger: the columns of highest PSI, and how many there are."""
    top = sorted(shift["columns"].items(), key=lambda p: -p[1])[:SHIFT_TOP]
    return {**shift, "columns": dict(top), "compared": len(shift["columns"])}
