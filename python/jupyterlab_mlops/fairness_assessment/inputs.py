"""What ``fairness()`` is given, checked and made plain: labels and predictions as arrays of
one length, the task they imply (binary classification or regression), and the positive class.

Every problem is one :class:`~jupyterlab_mlops.errors.MlopsError` naming the argument.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..errors import MlopsError

#: numeric labels with at most this many distinct values are classes, not a quantity
MAX_CLASSES = 10


@dataclass
class Inputs:
    """Labels, predictions and scores as float arrays (0/1 for classification)."""

    task: str  # "classification" | "regression"
    y_true: Any
    y_pred: Any
    scores: Any | None
    index: Any | None  # the pandas index of y_true, when it had one
    positive: str | None = None  # the positive class, as the user's labels spell it
    threshold: float | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return len(self.y_true)


def prepare(y_true: Any, y_pred: Any, scores: Any, threshold: Any) -> Inputs:
    """Check and convert the labels, predictions and scores; say which task they are."""
    import numpy as np

    truth, index = _column(y_true, "y_true")
    if len(truth) == 0:
        raise MlopsError("y_true is empty", "pass the labels of the rows to assess")
    score = None
    if scores is not None:
        score = _numeric(_aligned(scores, "scores", truth, index), "scores")
        if np.any((score < 0) | (score > 1)):
            raise MlopsError(
                "scores must be probabilities of the positive class, between 0 and 1",
                "pass model.predict_proba(X)[:, 1]",
            )
    if threshold is not None:
        threshold = _threshold(threshold)
    notes: list[str] = []
    if y_pred is None:
        if score is None or threshold is None:
            raise MlopsError(
                "no predictions: pass y_pred, or scores= with threshold=",
                "e.g. fairness(y_test, model.predict(X_test), groups_test)",
            )
        pred = (score >= threshold).astype(float)
        notes.append(f"predictions are scores >= {threshold:g}")
        return _classification(truth, pred, score, index, threshold, notes, from_scores=True)
    pred = _aligned(y_pred, "y_pred", truth, index)
    if _is_classification(truth, pred):
        return _classification(truth, pred, score, index, threshold, notes, from_scores=False)
    if score is not None:
        raise MlopsError(
            "scores= applies to classification; y_true holds a quantity (regression)",
            "drop scores=, or pass binary labels",
        )
    t, p = _numeric(truth, "y_true"), _numeric(pred, "y_pred")
    return Inputs("regression", t, p, None, index, notes=notes)


def _column(values: Any, name: str) -> tuple[Any, Any]:
    """A 1-d object array of ``values`` and its pandas index (None when not pandas)."""
    import numpy as np
    import pandas as pd

    index = None
    if isinstance(values, pd.DataFrame):
        if values.shape[1] != 1:
            raise MlopsError(f"{name} must be one column, not {values.shape[1]}", "pass a Series")
        values = values.iloc[:, 0]
    if isinstance(values, pd.Series):
        index = values.index
        values = values.to_numpy()
    if isinstance(values, str | bytes | dict) or not hasattr(values, "__len__"):
        raise MlopsError(
            f"{name} must be a list, an array or a Series, not {type(values).__name__}",
            "pass one value per row",
        )
    try:
        array = np.asarray(values)
    except (TypeError, ValueError) as exc:
        raise MlopsError(f"{name} cannot be read as one value per row: {exc}", "") from None
    if array.ndim == 2 and 1 in array.shape:
        array = array.reshape(-1)
    if array.ndim != 1:
        raise MlopsError(f"{name} must be one-dimensional, not of shape {array.shape}", "")
    if array.dtype == object and any(isinstance(v, list | dict | set | np.ndarray) for v in array):
        raise MlopsError(
            f"{name} holds lists, dicts or arrays",
            "pass one plain value (a label or number) per row",
        )
    if _missing(array).any():
        raise MlopsError(
            f"{name} has {int(_missing(array).sum())} missing value(s)",
            "drop or fill those rows first (in every argument alike)",
        )
    return array, index


def _aligned(values: Any, name: str, truth: Any, index: Any) -> Any:
    import pandas as pd

    array, own = _column(values, name)
    if len(array) != len(truth):
        raise MlopsError(
            f"{name} has {len(array)} rows but y_true has {len(truth)}",
            "pass values for the same rows",
        )
    pandas = isinstance(values, pd.Series | pd.DataFrame)
    if pandas and own is not None and index is not None and not own.equals(index):
        raise MlopsError(
            f"{name} and y_true are pandas objects with different indexes",
            "pass them for the same rows (reset_index(drop=True) on both, or align them)",
        )
    return array


def _missing(array: Any) -> Any:
    import pandas as pd

    return pd.isna(array)


def _numeric(array: Any, name: str) -> Any:
    import numpy as np

    if array.dtype.kind in "biuf":
        out = array.astype(float)
    else:
        try:
            out = array.astype(float)
        except (TypeError, ValueError):
            raise MlopsError(f"{name} must be numbers", f"{name} holds {array.dtype}") from None
    if not np.isfinite(out).all():
        raise MlopsError(f"{name} has infinite values", "drop or fill those rows first")
    return out


def _threshold(value: Any) -> float:
    import math

    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise MlopsError("threshold must be a number between 0 and 1", "e.g. threshold=0.5")
    if not 0 <= value <= 1:
        raise MlopsError("threshold must be between 0 and 1", "e.g. threshold=0.5")
    return float(value)


def _distinct(array: Any) -> list[Any]:
    import pandas as pd

    return list(pd.unique(array))


def _is_classification(truth: Any, pred: Any) -> bool:
    values = _distinct(truth)
    if truth.dtype.kind in "iufb":
        numeric = truth.dtype.kind == "b" or (truth.astype(float) % 1 == 0).all()
        if truth.dtype.kind in "iu" or numeric:
            if len(values) <= 2:
                return True
            if len(values) <= MAX_CLASSES:
                _multiclass(values)
            return False
        return False
    if len(values) > 2:
        _multiclass(values)
    return True


def _multiclass(values: list[Any]) -> None:
    shown = ", ".join(str(v) for v in sorted(values, key=str)[:5])
    raise MlopsError(
        f"y_true has {len(values)} classes ({shown}): fairness of multiclass models is not "
        "supported yet",
        "assess one class against the rest: fairness(y_true == cls, y_pred == cls, groups)",
    )


def _classification(
    truth: Any,
    pred: Any,
    score: Any,
    index: Any,
    threshold: float | None,
    notes: list[str],
    *,
    from_scores: bool,
) -> Inputs:
    import numpy as np

    values = _distinct(truth)
    if len(values) < 2:
        raise MlopsError(
            f"y_true has one value only ({values[0]!r}): both classes are needed",
            "assess on rows of both classes (e.g. the whole test set)",
        )
    positive = _positive(values)
    positive = positive.item() if hasattr(positive, "item") else positive
    t = (truth == positive).astype(float) if truth.dtype.kind != "b" else truth.astype(float)
    if from_scores:
        p = pred
    else:
        extra = [v for v in _distinct(pred) if not any(_same(v, c) for c in values)]
        if extra:
            raise MlopsError(
                f"y_pred holds {extra[0]!r}, which is not one of y_true's classes "
                f"({values[0]!r}, {values[1]!r})",
                "pass predicted labels (model.predict), and probabilities as scores=",
            )
        p = np.asarray(pred == positive, dtype=float)
    notes.append(f"positive class: {positive!r} (True, 1 or the larger value)")
    return Inputs("classification", t, p, score, index, str(positive), threshold, notes)


def _same(a: Any, b: Any) -> bool:
    try:
        return bool(a == b)
    except (TypeError, ValueError):
        return False


def _positive(values: list[Any]) -> Any:
    """True, 1, else the larger of the two values (by their sort order)."""
    for candidate in (True, 1):
        for v in values:
            if type(v) is not str and _same(v, candidate):
                return v
    try:
        return max(values)
    except TypeError:
        return max(values, key=str)
