"""A fitted scikit-learn model seen as what explainers need: its preprocessing, its final
estimator, and which original input column each column the estimator sees comes from."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..errors import MlopsError

#: rows used to find which input column each transformed column depends on
_PROBE_ROWS = 256


@dataclass(frozen=True)
class FittedModel:
    """``full`` as given; ``estimator`` its last step; ``preprocess`` the steps before it."""

    full: Any
    estimator: Any
    preprocess: Any | None  # None: the estimator takes the input columns as they are
    columns: tuple[str, ...]  # the original input columns
    task: str  # "classification" (binary) or "regression"
    positive_class: Any = None

    def transform(self, X: pd.DataFrame) -> Any:
        """What the estimator sees for ``X`` (dense)."""
        if self.preprocess is None:
            return X
        out = self.preprocess.transform(X)
        if hasattr(out, "toarray"):  # a sparse one-hot encoding
            out = out.toarray()
        return out

    def score(self, X: pd.DataFrame) -> np.ndarray:
        """The prediction a user reads: the probability of the positive class, or the value."""
        if self.task == "classification":
            return np.asarray(self.full.predict_proba(X))[:, 1]
        return np.asarray(self.full.predict(X), dtype=float)


def fitted_model(model: Any, X: pd.DataFrame) -> FittedModel:
    """Split ``model`` (an estimator or a Pipeline) and check it can be explained on ``X``."""
    from sklearn.base import is_classifier, is_regressor
    from sklearn.pipeline import Pipeline
    from sklearn.utils.validation import check_is_fitted

    if not hasattr(model, "predict"):
        raise MlopsError(
            f"{type(model).__name__} is not a model", "pass a fitted scikit-learn estimator"
        )
    try:
        check_is_fitted(model)
    except Exception as exc:  # NotFittedError, or a TypeError for non-estimators
        raise MlopsError(f"the model is not fitted: {exc}", "fit it before explaining it") from None
    estimator, preprocess = model, None
    if isinstance(model, Pipeline):
        estimator = model.steps[-1][1]
        preprocess = model[:-1] if len(model.steps) > 1 else None
    if is_classifier(model):
        classes = list(getattr(model, "classes_", []))
        if len(classes) != 2:
            raise MlopsError(
                f"the model has {len(classes)} classes; explanations cover binary classification "
                "and regression",
                "explain one class against the rest (a binary model per class)",
            )
        task, positive = "classification", classes[1]
    elif is_regressor(model) or not hasattr(model, "predict_proba"):
        task, positive = "regression", None
    else:
        raise MlopsError(f"cannot tell what {type(model).__name__} predicts", "")
    return FittedModel(model, estimator, preprocess, tuple(map(str, X.columns)), task, positive)


def column_groups(fitted: FittedModel, X: pd.DataFrame, seed: int = 0) -> np.ndarray:
    """A matrix ``G`` (transformed columns x input columns): ``G[k, j]`` is the share of
    transformed column ``k`` that belongs to input column ``j`` (its attributions go there).

    Found by changing one input column at a time on a sample of rows and seeing which
    transformed columns change: a one-hot group, an imputed value and its missing indicator
    all go back to their column. A transformed column that depends on several inputs is
    shared equally among them.
    """
    n_inputs = len(fitted.columns)
    if fitted.preprocess is None:
        return np.eye(n_inputs)
    rng = np.random.default_rng(seed)
    probe = X.iloc[rng.permutation(len(X))[:_PROBE_ROWS]].reset_index(drop=True)
    base = np.asarray(fitted.transform(probe), dtype=float)
    groups = np.zeros((base.shape[1], n_inputs))
    for j, column in enumerate(probe.columns):
        changed = probe.copy()
        values = probe[column].to_numpy()
        # every row gets another row's value (a cyclic shift of the sorted order)
        order = np.argsort(pd.factorize(values, use_na_sentinel=True)[0], kind="stable")
        shifted = values.copy()
        shifted[order] = values[np.roll(order, len(order) // 2 or 1)]
        changed[column] = shifted
        after = np.asarray(fitted.transform(changed), dtype=float)
        differs = ~((after == base) | (np.isnan(after) & np.isnan(base)))
        groups[differs.any(axis=0), j] = 1.0
    shared = groups.sum(axis=1, keepdims=True)
    unassigned = shared[:, 0] == 0
    groups[~unassigned] /= shared[~unassigned]
    return groups  # rows of constant transformed columns stay zero: they carry no attribution


def encoded(X: pd.DataFrame) -> tuple[np.ndarray, list[Any]]:
    """``X`` as numbers (categories as codes) and what decodes each column back."""
    columns, decoders = [], []
    for name in X.columns:
        series = X[name]
        if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
            columns.append(series.to_numpy(dtype=float, na_value=np.nan))
            decoders.append(None)
        else:
            codes, uniques = pd.factorize(series, use_na_sentinel=True)
            columns.append(np.where(codes < 0, np.nan, codes).astype(float))
            decoders.append((uniques, series.dtype))
    return np.column_stack(columns) if columns else np.empty((len(X), 0)), decoders


def decoded(Z: np.ndarray, decoders: list[Any], names: list[str]) -> pd.DataFrame:
    """The DataFrame that :func:`encoded` made ``Z`` from."""
    data = {}
    for j, (name, decoder) in enumerate(zip(names, decoders, strict=True)):
        column = Z[:, j]
        if decoder is None:
            data[name] = column
            continue
        uniques, dtype = decoder
        codes = np.where(np.isnan(column), -1, np.rint(column)).astype(int)
        values = pd.Series(np.asarray(uniques, dtype=object)[np.clip(codes, 0, None)])
        values[codes < 0] = None
        data[name] = values if dtype == np.dtype(object) else values.astype(dtype)
    return pd.DataFrame(data)
