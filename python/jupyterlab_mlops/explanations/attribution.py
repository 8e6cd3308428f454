"""Attributions (SHAP values) of a fitted model in its original input columns.

The explainer follows the estimator: TreeExplainer for tree ensembles, the linear explainer
for linear models (both on what the estimator sees, summed back to the input columns), and
shap's permutation explainer on the input columns themselves for anything else, against a
background sample and with a budget of model evaluations per row.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .model import FittedModel, column_groups, decoded, encoded

#: rows of ``X`` that stand for "the data" in the linear and permutation explainers
BACKGROUND_ROWS = 100
#: model evaluations per explained row and input column for the permutation explainer:
#: 10 per column are 5 antithetic permutations (shap's minimum is 2 per column, plus one)
EVALS_PER_COLUMN = 10

_TREE_MODULES = ("xgboost", "lightgbm", "catboost")
_TREE_NAMES = (
    "HistGradientBoosting",
    "GradientBoosting",
    "RandomForest",
    "ExtraTrees",
    "DecisionTree",
    "ExtraTree",
    "IsolationForest",
)
_LINEAR_NAMES = (
    "LogisticRegression",
    "LinearRegression",
    "Ridge",
    "RidgeClassifier",
    "Lasso",
    "ElasticNet",
    "SGDClassifier",
    "SGDRegressor",
    "LinearSVC",
    "LinearSVR",
    "BayesianRidge",
    "HuberRegressor",
)


@dataclass(frozen=True)
class Attributions:
    """Per-row attributions in the input columns: ``base + values.sum(axis=1) == output``."""

    values: np.ndarray  # rows x input columns
    base: float
    output: np.ndarray  # the model's output in the explained space (see ``Attributor.space``)
    columns: tuple[str, ...]

    def additivity_error(self) -> float:
        """The largest gap between base + attributions and the model's own output."""
        if not len(self.output):
            return 0.0
        return float(np.max(np.abs(self.base + self.values.sum(axis=1) - self.output)))

    def frame(self, index: Any = None) -> pd.DataFrame:
        return pd.DataFrame(self.values, columns=list(self.columns), index=index)


def explainer_kind(estimator: Any) -> str:
    """``tree``, ``linear`` or ``permutation``: which shap explainer fits ``estimator``."""
    name = type(estimator).__name__
    module = type(estimator).__module__.split(".")[0]
    if module in _TREE_MODULES or any(name.startswith(t) for t in _TREE_NAMES):
        return "tree"
    if name in _LINEAR_NAMES and hasattr(estimator, "coef_"):
        return "linear"
    return "permutation"


class Attributor:
    """Explains rows of one fitted model, in its input columns (built once, used many times)."""

    def __init__(self, fitted: FittedModel, background: pd.DataFrame, *, seed: int = 0) -> None:
        import shap

        self.fitted = fitted
        self.kind = explainer_kind(fitted.estimator)
        self.seed = seed
        rng = np.random.default_rng(seed)
        take = rng.permutation(len(background))[:BACKGROUND_ROWS]
        self.background = background.iloc[np.sort(take)]
        self._proba_space = False
        if self.kind == "permutation":
            self._groups = np.eye(len(fitted.columns))
            _, self._decoders = encoded(background)  # every category of the data given
            self._background_codes, _ = _codes_like(self.background, self._decoders)
            masker = shap.maskers.Independent(self._background_codes, max_samples=BACKGROUND_ROWS)
            self._explainer = shap.PermutationExplainer(self._encoded_score, masker, seed=seed)
            self._max_evals = EVALS_PER_COLUMN * len(fitted.columns) + 1
        else:
            self._groups = column_groups(fitted, background, seed)
            if self.kind == "tree":
                self._explainer = shap.TreeExplainer(fitted.estimator)
            else:
                data = np.asarray(fitted.transform(self.background), dtype=float)
                self._explainer = shap.LinearExplainer(
                    fitted.estimator, shap.maskers.Independent(data, max_samples=len(data))
                )

    @property
    def explainer_name(self) -> str:
        if self.kind == "tree":
            return "shap.TreeExplainer (exact, path-dependent)"
        if self.kind == "linear":
            return f"shap.LinearExplainer (interventional, {len(self.background)} background rows)"
        return (
            f"shap.PermutationExplainer ({len(self.background)} background rows, "
            f"up to {self._max_evals} model evaluations per row)"
        )

    @property
    def space(self) -> str:
        """What the attributions add up to."""
        if self.fitted.task == "regression":
            return "predicted value"
        positive = self.fitted.positive_class
        if self.kind == "permutation" or self._proba_space:
            return f"probability of class {positive}"
        return f"log-odds of class {positive}"

    def attribute(self, X: pd.DataFrame) -> Attributions:
        """Attributions of the rows of ``X`` (with the same columns as the model's input)."""
        if self.kind == "permutation":
            codes, _ = _codes_like(X, self._decoders)
            explained = self._explainer(
                codes, max_evals=self._max_evals, batch_size=self._max_evals, silent=True
            )
            values = np.asarray(explained.values, dtype=float)
            base = float(np.ravel(explained.base_values)[0]) if len(X) else math.nan
            output = self._encoded_score(codes)
            return Attributions(values, base, output, self.fitted.columns)
        Z = self.fitted.transform(X)
        explained = self._explainer(Z)
        raw = np.asarray(explained.values, dtype=float)
        base_values = np.asarray(explained.base_values, dtype=float)
        if raw.ndim == 3:  # one slice per class (forests explain probabilities)
            raw, base_values = raw[:, :, 1], base_values[..., 1]
            self._proba_space = True
        base = float(np.ravel(base_values)[0]) if base_values.size else math.nan
        values = raw @ self._groups
        return Attributions(values, base, self._output(X), self.fitted.columns)

    def seconds_per_row(self, X: pd.DataFrame) -> float:
        """What explaining one row costs, timed on (up to) 5 rows of ``X`` after a first one
        (the first call pays one-off costs: shap compiles and caches on first use)."""
        import time

        self.attribute(X.iloc[:1])
        sample = X.iloc[1:6] if len(X) > 1 else X.iloc[:1]
        started = time.perf_counter()
        self.attribute(sample)
        return (time.perf_counter() - started) / max(len(sample), 1)

    def interactions(self, X: pd.DataFrame) -> np.ndarray | None:
        """Mean |interaction value| between input columns (tree models), else None."""
        if self.kind != "tree":
            return None
        raw = self._explainer.shap_interaction_values(self.fitted.transform(X))
        raw = np.asarray(raw[1] if isinstance(raw, list) else raw, dtype=float)
        if raw.ndim == 4:
            raw = raw[..., 1]
        grouped = np.einsum("nab,aj,bk->njk", raw, self._groups, self._groups)
        return np.abs(grouped).mean(axis=0)

    def _output(self, X: pd.DataFrame) -> np.ndarray:
        """The model's output in the explained space, computed by the model itself."""
        score = self.fitted.score(X)
        if self.fitted.task == "regression" or self._proba_space:
            return score
        clipped = np.clip(score, 1e-15, 1 - 1e-15)
        return np.log(clipped / (1 - clipped))

    def _encoded_score(self, codes: np.ndarray) -> np.ndarray:
        frame = decoded(codes, self._decoders, list(self.fitted.columns))
        frame.index = range(len(frame))
        return self.fitted.score(frame)


def _codes_like(X: pd.DataFrame, decoders: list[Any]) -> tuple[np.ndarray, list[Any]]:
    """``X`` encoded with the codes of the background (unseen categories become missing)."""
    columns = []
    for name, decoder in zip(X.columns, decoders, strict=True):
        series = X[name]
        if decoder is None:
            columns.append(pd.to_numeric(series, errors="coerce").to_numpy(dtype=float))
            continue
        uniques = pd.Index(decoder[0])
        codes = uniques.get_indexer(series)
        columns.append(np.where(codes < 0, np.nan, codes).astype(float))
    return np.column_stack(columns) if columns else np.empty((len(X), 0)), decoders
