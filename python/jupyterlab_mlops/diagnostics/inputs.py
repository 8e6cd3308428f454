"""What ``diagnose`` is given, checked once: training and test tables with the same columns,
labels of the same lengths without missing values (and of the same rows in the same order when
both have an index), the task they imply, and optional cross-validation scores."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..errors import MlopsError

#: a numeric target with more distinct values than this is a regression target
REGRESSION_MIN_DISTINCT = 10


@dataclass(frozen=True)
class Inputs:
    """Validated inputs: labels as 0/1 (classification) or floats (regression)."""

    X_train: pd.DataFrame
    y_train: np.ndarray
    X_test: pd.DataFrame
    y_test: np.ndarray
    task: str  # "classification" or "regression"
    classes: tuple[Any, Any] | None  # (negative, positive) labels as given
    target_name: str | None
    raw_train: pd.Series  # y_train as given, for the target-among-features checks
    cv: np.ndarray | None


def check_inputs(
    model: Any, X_train: Any, y_train: Any, X_test: Any, y_test: Any, cv: Any = None
) -> Inputs:
    """Every input checked; a problem is one :class:`MlopsError` with a hint."""
    if not callable(getattr(model, "predict", None)):
        raise MlopsError(
            f"the model must have predict(); got {type(model).__name__}",
            "pass the fitted model (e.g. a scikit-learn pipeline)",
        )
    train = _frame(X_train, "X_train")
    test = _frame(X_test, "X_test")
    if list(map(str, train.columns)) != list(map(str, test.columns)):
        raise MlopsError(
            "X_train and X_test have different columns", "split one table into train and test"
        )
    raw_train = _labels(y_train, train, "y_train")
    raw_test = _labels(y_test, test, "y_test")
    _aligned(X_train, y_train, "X_train", "y_train")
    _aligned(X_test, y_test, "X_test", "y_test")
    task, classes = _task(raw_train, raw_test, model)
    if task == "classification":
        ytr = (raw_train.to_numpy() == classes[1]).astype("float64")
        yte = (raw_test.to_numpy() == classes[1]).astype("float64")
        for name, values in (("y_train", ytr), ("y_test", yte)):
            if values.min() == values.max():
                raise MlopsError(
                    f"{name} holds one class only", "split so both parts hold both classes"
                )
    else:
        ytr = raw_train.to_numpy(dtype="float64")
        yte = raw_test.to_numpy(dtype="float64")
    name = getattr(y_train, "name", None)
    return Inputs(
        train, ytr, test, yte, task, classes, None if name is None else str(name),
        raw_train, _cv(cv),
    )  # fmt: skip


def _frame(X: Any, name: str) -> pd.DataFrame:
    if isinstance(X, pd.DataFrame):
        frame = X
    elif isinstance(X, np.ndarray) and X.ndim == 2:
        frame = pd.DataFrame(X, columns=[f"x{i}" for i in range(X.shape[1])])
    else:
        raise MlopsError(
            f"{name} must be a DataFrame of the model's input columns, not {type(X).__name__}",
            "pass the table the model predicts from",
        )
    if frame.empty:
        raise MlopsError(f"{name} has no rows (or no columns)", "pass the rows of the split")
    if frame.columns.duplicated().any():
        twice = sorted(map(str, frame.columns[frame.columns.duplicated()]))[:3]
        raise MlopsError(f"{name} has duplicate columns: {', '.join(twice)}", "rename them")
    return frame


def _labels(y: Any, X: pd.DataFrame, name: str) -> pd.Series:
    if isinstance(y, pd.DataFrame):
        if y.shape[1] != 1:
            raise MlopsError(f"{name} has {y.shape[1]} columns", "pass one column of labels")
        y = y.iloc[:, 0]
    try:
        values = y if isinstance(y, pd.Series) else pd.Series(np.asarray(y).ravel())
    except (TypeError, ValueError):
        raise MlopsError(f"{name} is not a column of labels", "pass a Series or an array") from None
    if values.ndim != 1 or len(values) != len(X):
        raise MlopsError(
            f"{name} has {len(values)} values and its table {len(X)} rows",
            "pass the labels of the same rows",
        )
    if values.isna().any():
        raise MlopsError(
            f"{name} has {int(values.isna().sum())} missing labels", "drop those rows first"
        )
    return values.reset_index(drop=True)


def _aligned(X: Any, y: Any, x_name: str, y_name: str) -> None:
    """Labels given with an index (a Series) must be of the table's rows in its order: a
    sorted or shuffled ``y`` would otherwise pair rows with other rows' labels."""
    if not isinstance(X, pd.DataFrame) or not isinstance(y, pd.Series | pd.DataFrame):
        return
    if not y.index.equals(X.index):
        how = "the same rows in another order" if set(y.index) == set(X.index) else "other rows"
        raise MlopsError(
            f"{y_name}'s index does not match {x_name}'s ({how})",
            f"align them, e.g. {y_name}.loc[{x_name}.index]",
        )


def _task(train: pd.Series, test: pd.Series, model: Any) -> tuple[str, tuple[Any, Any] | None]:
    both = pd.concat([train, test], ignore_index=True)
    try:
        distinct = both.unique()
    except TypeError:
        raise MlopsError("the labels are not comparable values", "pass numbers or names") from None
    if len(distinct) < 2:
        raise MlopsError("the labels hold one value only", "diagnose a model of two classes")
    if len(distinct) == 2:
        classes = list(getattr(model, "classes_", []))
        if len(classes) == 2 and set(classes) == set(distinct.tolist()):
            return "classification", (classes[0], classes[1])
        try:
            ordered = sorted(distinct.tolist())
        except TypeError:
            ordered = [str(v) for v in distinct.tolist()]
        return "classification", (ordered[0], ordered[1])
    numeric = pd.api.types.is_numeric_dtype(both) and not pd.api.types.is_bool_dtype(both)
    if numeric and len(distinct) > REGRESSION_MIN_DISTINCT:
        return "regression", None
    raise MlopsError(
        f"the labels hold {len(distinct)} classes: diagnostics are for binary classification "
        "and regression",
        "diagnose one class against the rest (y == label), or pass a numeric target",
    )


def _cv(cv: Any) -> np.ndarray | None:
    if cv is None:
        return None
    try:
        values = np.asarray(cv, dtype="float64").ravel()
    except (TypeError, ValueError):
        raise MlopsError(
            "cv must be numbers (cross-validation scores)", "e.g. cross_val_score(...)"
        ) from None
    if len(values) == 0 or not np.isfinite(values).all():
        raise MlopsError(
            "cv must hold finite scores, one per fold", "pass cross_val_score(...) of the metric"
        )
    return values
