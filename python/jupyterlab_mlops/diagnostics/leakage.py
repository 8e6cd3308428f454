"""Signs of leakage, each measured per input column (judged in :mod:`.judge`):

* one feature alone predicts the label: classification, ROC AUC of the column's test values
  as a score, max(auc, 1 - auc) (a categorical column target-mean encoded on the training
  rows); regression, R² on the test rows of a depth-3 tree of the column fitted on train;
* a near-copy of the target: |Pearson correlation| on the training rows (numeric columns), or
  the share of rows where the value equals the label (other columns; for classes, the mean
  of that share within each class, so a constant column equal to the majority class scores
  one half, not the majority's share);
* test rows that are also training rows (whole rows of X hashed);
* identifier-like columns: unique per training row and shaped like an identifier (text,
  near-consecutive whole numbers, or values in increasing or decreasing row order: not an
  amount such as an income), or flagged as personal data when the data was registered;
* the target itself among the features: a column named as the target, or equal to it on
  every training row.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .inputs import Inputs
from .metrics import ones, roc_auc

#: columns kept per measure in the payload, highest first (the judge needs only the top)
TOP = 20
#: depth of the one-feature tree of a regression
TREE_DEPTH = 3
_MISSING = "\x00missing"
#: whole numbers whose range is at most this many times their distinct values look like ids
ID_SPREAD = 2.0


def leakage_figures(inputs: Inputs, pii: dict[str, list[str]]) -> dict[str, Any]:
    """Every leakage measure; ``pii`` maps columns flagged at registration to their kinds."""
    columns = [str(c) for c in inputs.X_train.columns]
    return {
        "columns": len(columns),
        "single_feature": _top([_single(inputs, c) for c in inputs.X_train.columns], "score"),
        "target_correlation": _top(
            [_correlation(inputs, c) for c in inputs.X_train.columns], "value"
        ),
        "duplicates": duplicates(inputs.X_train, inputs.X_test),
        "identifiers": _top(_identifiers(inputs, pii), "unique_share"),
        "target_in_features": _target_in_features(inputs),
    }


def _top(rows: list[dict[str, Any]], key: str) -> list[dict[str, Any]]:
    kept = [r for r in rows if r is not None]
    kept.sort(key=lambda r: -(r[key] if r[key] is not None else -1.0))
    return kept[:TOP]


def _numeric(series: pd.Series) -> np.ndarray | None:
    """The column as floats (NaN missing) when it holds numbers, booleans or dates."""
    if pd.api.types.is_bool_dtype(series):
        return series.astype("float64").to_numpy()
    if pd.api.types.is_datetime64_any_dtype(series):
        values = series.to_numpy(dtype="datetime64[ns]").astype("int64").astype("float64")
        return np.where(series.isna().to_numpy(), np.nan, values)
    if pd.api.types.is_numeric_dtype(series):
        return series.to_numpy(dtype="float64", na_value=np.nan)
    return None


def _text(series: pd.Series) -> np.ndarray:
    return series.astype("object").where(series.notna(), _MISSING).astype(str).to_numpy()


def _encoded(inputs: Inputs, column: Any) -> tuple[np.ndarray, np.ndarray, str]:
    """(train values, test values, how) of a column as numbers: a numeric column as is
    (missing below every value), a categorical one target-mean encoded on the training rows."""
    train, test = inputs.X_train[column], inputs.X_test[column]
    a, b = _numeric(train), _numeric(test)
    if a is not None and b is not None:
        finite = np.concatenate([a[np.isfinite(a)], b[np.isfinite(b)]])
        floor = (finite.min() - 1.0) if len(finite) else 0.0
        return np.nan_to_num(a, nan=floor), np.nan_to_num(b, nan=floor), "values"
    keys = _text(train)
    means = pd.Series(inputs.y_train).groupby(keys).mean()
    prior = float(inputs.y_train.mean())
    encode = means.to_dict()
    encoded_train = np.array([encode.get(k, prior) for k in keys])
    encoded_test = np.array([encode.get(k, prior) for k in _text(test)])
    return encoded_train, encoded_test, "target-mean encoded on train"


def _single(inputs: Inputs, column: Any) -> dict[str, Any]:
    train, test, how = _encoded(inputs, column)
    if inputs.task == "classification":
        auc = float(roc_auc(inputs.y_test, test, ones(len(test)))[0])
        score = max(auc, 1 - auc) if np.isfinite(auc) else None
        method = f"ROC AUC on test, {how}"
    else:
        from sklearn.metrics import r2_score
        from sklearn.tree import DecisionTreeRegressor

        tree = DecisionTreeRegressor(max_depth=TREE_DEPTH, random_state=0)
        tree.fit(train.reshape(-1, 1), inputs.y_train)
        score = float(r2_score(inputs.y_test, tree.predict(test.reshape(-1, 1))))
        method = f"R² on test of a depth-{TREE_DEPTH} tree fitted on train, {how}"
    return {"column": str(column), "score": score, "method": method}


def _correlation(inputs: Inputs, column: Any) -> dict[str, Any]:
    series = inputs.X_train[column]
    values = _numeric(series)
    y = inputs.y_train
    if values is not None:
        present = np.isfinite(values)
        if present.sum() < 3 or np.std(values[present]) == 0 or np.std(y[present]) == 0:
            return {"column": str(column), "value": None, "method": "Pearson (constant)"}
        r = float(np.corrcoef(values[present], y[present])[0, 1])
        return {"column": str(column), "value": abs(r), "method": "|Pearson|"}
    equal = _text(series) == inputs.raw_train.astype(str).to_numpy()
    if inputs.task == "classification":
        share = float(np.mean([equal[y == k].mean() for k in (0.0, 1.0)]))
        return {"column": str(column), "value": share, "method": "equal to the label (per class)"}
    return {"column": str(column), "value": float(equal.mean()), "method": "equal to the target"}


def duplicates(train: pd.DataFrame, test: pd.DataFrame) -> dict[str, Any]:
    """How many test rows are also training rows (every column equal)."""
    seen = set(_row_hashes(train).tolist())
    found = int(sum(h in seen for h in _row_hashes(test).tolist()))
    return {"test_rows": len(test), "found": found, "share": found / len(test)}


def _row_hashes(frame: pd.DataFrame) -> np.ndarray:
    plain = pd.DataFrame(
        {str(c): frame[c].astype("object").where(frame[c].notna(), None) for c in frame.columns}
    )
    return pd.util.hash_pandas_object(plain.astype(str), index=False).to_numpy()


def _identifiers(inputs: Inputs, pii: dict[str, list[str]]) -> list[dict[str, Any]]:
    rows = []
    for column in inputs.X_train.columns:
        series = inputs.X_train[column]
        name = str(column)
        shape = identifier_shape(series)
        share = None
        if shape is not None:
            present = series.notna().to_numpy()
            share = float(len(set(_text(series)[present].tolist())) / len(series))
        if share is not None or name in pii:
            rows.append({"column": name, "unique_share": share, "shape": shape,
                         "pii": list(pii.get(name, []))})  # fmt: skip
    return rows


def identifier_shape(series: pd.Series) -> str | None:
    """How a column looks like an identifier, or None: text (not numbers, booleans or dates),
    whole numbers that are near-consecutive (their range at most :data:`ID_SPREAD` times the
    distinct values) or increasing (or decreasing) in row order. Amounts (whole numbers spread
    widely, such as incomes) are not identifiers: the single-feature check covers them."""
    if pd.api.types.is_bool_dtype(series):
        return None
    values = _numeric(series)
    if values is None:
        return "text"
    finite = values[np.isfinite(values)]
    if len(finite) < 2:
        return None
    whole = bool(np.all(finite == np.round(finite))) and not pd.api.types.is_datetime64_any_dtype(
        series
    )
    if not whole:
        return None
    if (finite.max() - finite.min() + 1) <= ID_SPREAD * len(np.unique(finite)):
        return "near-consecutive whole numbers"
    steps = np.diff(finite)
    if np.all(steps > 0) or np.all(steps < 0):
        return "whole numbers in row order"
    return None


def _target_in_features(inputs: Inputs) -> list[dict[str, Any]]:
    found = []
    y = inputs.raw_train
    for column in inputs.X_train.columns:
        name = str(column)
        if inputs.target_name is not None and name == inputs.target_name:
            found.append({"column": name, "reason": "named as the target"})
            continue
        series = inputs.X_train[column].reset_index(drop=True)
        a, b = _numeric(series), _numeric(y)
        if a is not None and b is not None:
            same = bool(np.array_equal(a, b, equal_nan=True))
        else:
            same = bool((_text(series) == y.astype(str).to_numpy()).all())
        if same:
            found.append({"column": name, "reason": "equal to the target on every training row"})
    return found
