"""What-if on one row: change its inputs, read the prediction and its attributions, find the
nearest change that flips the prediction, and keep what was explored as a scenario.

Framework-free: the ipywidgets view (:mod:`jupyterlab_mlops.widgets`) and scripts drive the
same :class:`WhatIf`::

    w = WhatIf(model, X, row=17, threshold=0.2)
    w.update(annual_income=40_000).prediction
    w.nearest_flip()
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..errors import MlopsError
from .attribution import Attributor
from .controls import Control, build_controls, plain_value
from .flip import FLIP_BUDGET, FLIP_SECONDS, Flip, nearest_flip
from .inputs import as_frame
from .model import FittedModel, fitted_model
from .scenario import json_safe

if TYPE_CHECKING:
    from ..data.profile import DataProfile

#: the threshold of a binary classifier's probability, unless one is given
DEFAULT_THRESHOLD = 0.5
#: attributions shown by default (the rest are summed, never dropped)
TOP_ATTRIBUTIONS = 5
_MAX_NOTE = 2_000


@dataclass(frozen=True)
class LocalAttributions:
    """The current values' attributions, largest first: ``base + sum == output``."""

    space: str  # what they add up to, e.g. "log-odds of class 1"
    explainer: str
    base: float
    output: float
    top: tuple[tuple[str, Any, float], ...]  # (feature, value, attribution)
    rest: float  # the sum of the attributions not in ``top``
    rest_count: int
    additivity_error: float

    def to_json(self) -> dict[str, Any]:
        return {
            "space": self.space,
            "explainer": self.explainer,
            "base": self.base,
            "output": self.output,
            "top": [
                {"feature": f, "value": plain_value(v), "attribution": a} for f, v, a in self.top
            ],
            "rest": {"features": self.rest_count, "sum": self.rest},
            "additivity_error": self.additivity_error,
        }


@dataclass(frozen=True)
class _RowModel(FittedModel):
    """The fitted model, remembering what it last computed for one frame: an update asks for
    the prediction and the attributions of the same row, and both start from the same
    transformed row (the pipeline's steps run once per update, not three times)."""

    memo: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def of(cls, fitted: FittedModel) -> _RowModel:
        return cls(**{f.name: getattr(fitted, f.name) for f in fields(FittedModel)})

    def transform(self, X: pd.DataFrame) -> Any:
        if self.memo.get("frame") is not X:
            self.memo.clear()
            self.memo["frame"], self.memo["transformed"] = X, super().transform(X)
        return self.memo["transformed"]

    def score(self, X: pd.DataFrame) -> np.ndarray:
        if self.preprocess is None:
            return super().score(X)
        if self.memo.get("frame") is not X or "score" not in self.memo:
            Z = self.transform(X)  # what the pipeline's last step sees: the same numbers
            if self.task == "classification":
                score = np.asarray(self.estimator.predict_proba(Z))[:, 1]
            else:
                score = np.asarray(self.estimator.predict(Z), dtype=float)
            self.memo["score"] = score
        return self.memo["score"]


class WhatIf:
    """One row of ``X`` (by index label) under the model's eyes, with its values changeable."""

    def __init__(
        self,
        model: Any,
        X: pd.DataFrame,
        row: Any = 0,
        *,
        threshold: float | None = None,
        profile: DataProfile | None = None,
        profile_label: str | None = None,
        seed: int = 0,
    ) -> None:
        X = as_frame(X)
        try:
            present = row in X.index
        except TypeError:  # an unhashable label, e.g. a list
            present = False
        if not present:
            shown = ", ".join(repr(plain_value(i)) for i in X.index[:3])
            raise MlopsError(
                f"row {row!r} is not an index label of X",
                f"pass a label of X.index (e.g. {shown}); for the n-th row use X.index[n]",
            )
        found = X.loc[[row]]
        if len(found) != 1:
            raise MlopsError(
                f"the label {row!r} names {len(found)} rows of X",
                "give X a unique index (X.reset_index(drop=True)) and pass a label of it",
            )
        self.fitted = _RowModel.of(fitted_model(model, X))
        self.model, self.X, self.row, self.seed = model, X, row, seed
        self.threshold = _threshold(threshold, self.fitted.task)
        self.original: dict[str, Any] = {
            str(k): plain_value(v) for k, v in found.iloc[0].to_dict().items()
        }
        self.controls: tuple[Control, ...] = build_controls(
            X, self.original, profile, profile_label
        )
        self._by_name = {c.name: c for c in self.controls}
        self._dtypes = {str(k): v for k, v in X.dtypes.items()}
        self._values = dict(self.original)
        self._attributor: Attributor | None = None
        self._cache: dict[str, Any] = {}
        self._original_prediction: float | None = None
        self.profile_label = profile_label if profile is not None else None
        self.last_flip: Flip | None = None

    # -- state ---------------------------------------------------------------------------------
    @property
    def values(self) -> dict[str, Any]:
        """The current values, one per input column (None: missing)."""
        return dict(self._values)

    @property
    def changed(self) -> dict[str, tuple[Any, Any]]:
        """The columns whose value differs from the row's own: name -> (original, now)."""
        return {
            name: (self.original[name], value)
            for name, value in self._values.items()
            if value != self.original[name]
        }

    @property
    def prediction(self) -> float:
        """The probability of the positive class (classification), or the predicted value."""
        if "prediction" not in self._cache:
            self._cache["prediction"] = float(self.fitted.score(self.frame())[0])
        return self._cache["prediction"]

    @property
    def original_prediction(self) -> float:
        if self._original_prediction is None:
            frame = self._frame([self.original], index=[self.row])
            self._original_prediction = float(self.fitted.score(frame)[0])
        return self._original_prediction

    @property
    def above(self) -> bool | None:
        """Whether the prediction is at or above the threshold (None without a threshold)."""
        return None if self.threshold is None else self.prediction >= self.threshold

    @property
    def predicts(self) -> str:
        """What the prediction is, in words."""
        if self.fitted.task == "classification":
            return f"probability of class {plain_value(self.fitted.positive_class)}"
        return "predicted value"

    def update(self, **changes: Any) -> WhatIf:
        """Change some values (all checked before any is applied); returns ``self``."""
        checked = {}
        for name, value in changes.items():
            control = self._by_name.get(name)
            if control is None:
                columns = ", ".join(list(self._by_name)[:12])
                more = f" and {len(self._by_name) - 12} more" if len(self._by_name) > 12 else ""
                raise MlopsError(f"X has no column {name!r}", f"the columns: {columns}{more}")
            checked[name] = control.check(value)
        if any(self._values[n] != v for n, v in checked.items()):
            self._values.update(checked)
            self._cache.clear()
        return self

    def reset(self) -> WhatIf:
        """Back to the row's own values."""
        return self.update(**self.original)

    # -- explanations --------------------------------------------------------------------------
    @property
    def attributor(self) -> Attributor:
        if self._attributor is None:  # built on first use: a tree explainer takes a moment
            self._attributor = Attributor(self.fitted, self.X, seed=self.seed)
        return self._attributor

    def attributions(self, top: int = TOP_ATTRIBUTIONS) -> LocalAttributions:
        """The attributions of the current values: the ``top`` largest, the rest summed."""
        if not isinstance(top, numbers.Integral) or isinstance(top, bool) or top < 1:
            raise MlopsError(f"top must be a positive whole number, not {top!r}", "e.g. top=5")
        if "attributions" not in self._cache:
            self._cache["attributions"] = self.attributor.attribute(self.frame())
        found = self._cache["attributions"]
        values = found.values[0]
        order = np.argsort(-np.abs(values), kind="stable")
        shown = order[:top]
        names = found.columns
        return LocalAttributions(
            space=self.attributor.space,
            explainer=self.attributor.explainer_name,
            base=float(found.base),
            output=float(found.output[0]),
            top=tuple((names[j], self._values[names[j]], float(values[j])) for j in shown.tolist()),
            rest=float(values[order[top:]].sum()),
            rest_count=int(len(order) - len(shown)),
            additivity_error=found.additivity_error(),
        )

    def nearest_flip(
        self, max_features: int = 2, budget: int = FLIP_BUDGET, seconds: float = FLIP_SECONDS
    ) -> Flip:
        """The smallest change to one or two features (``max_features``) that moves the
        prediction across the threshold, searched within ``budget`` model evaluations and
        ``seconds``; see :mod:`.flip` for the search and the distance."""
        if self.threshold is None:
            raise MlopsError(
                "the nearest flip of a regression model needs a threshold",
                "pass threshold=VALUE: the predicted value to cross",
            )
        if max_features not in (1, 2) or isinstance(max_features, bool):
            raise MlopsError(f"max_features must be 1 or 2, not {max_features!r}", "")
        if not isinstance(budget, numbers.Integral) or isinstance(budget, bool) or budget < 1:
            raise MlopsError(f"budget must be a positive whole number, not {budget!r}", "")
        if not isinstance(seconds, numbers.Real) or not seconds > 0:
            raise MlopsError(f"seconds must be a positive number, not {seconds!r}", "")
        base = self._values

        def evaluate(rows: Sequence[dict[str, Any]]) -> np.ndarray:
            return self.fitted.score(self._frame([base | r for r in rows]))

        self.last_flip = nearest_flip(
            evaluate,
            dict(base),
            self.controls,
            threshold=self.threshold,
            prediction=self.prediction,
            max_features=int(max_features),
            budget=int(budget),
            seconds=float(seconds),
        )
        return self.last_flip

    def apply(self, flip: Flip) -> WhatIf:
        """Take the values of a found flip."""
        if not flip.found:
            raise MlopsError("no counterfactual to apply: none was found", flip.summary())
        return self.update(**flip.values)

    # -- recording -----------------------------------------------------------------------------
    def scenario(self, note: str | None = None) -> dict[str, Any]:
        """What was explored, as plain JSON values, for the ledger (see :mod:`.scenario`)."""
        if note is not None and (not isinstance(note, str) or len(note) > _MAX_NOTE):
            raise MlopsError(f"a note is text of at most {_MAX_NOTE:,} characters", "")
        attributions = self.attributions()
        return json_safe(
            {
                "row": self.row,
                "task": self.fitted.task,
                "predicts": self.predicts,
                "model": describe_model(self.model),
                "original": self.original,
                "changed": {n: {"from": a, "to": b} for n, (a, b) in self.changed.items()},
                "prediction": {"before": self.original_prediction, "after": self.prediction},
                "threshold": self.threshold,
                "crossed": None
                if self.threshold is None
                else (self.original_prediction >= self.threshold) != self.above,
                "attributions": attributions.to_json(),
                "flip": self.last_flip.to_json() if self.last_flip is not None else None,
                "ranges": {c.name: c.source for c in self.controls},
                "profile": self.profile_label,
                "seed": self.seed,
                "note": note.strip() if note else None,
            }
        )

    # -- frames --------------------------------------------------------------------------------
    def frame(self) -> pd.DataFrame:
        """The current values as a one-row DataFrame like ``X`` (same columns and types)."""
        if "frame" not in self._cache:
            self._cache["frame"] = self._frame([self._values], index=[self.row])
        return self._cache["frame"]

    def _frame(self, rows: Sequence[dict[str, Any]], index: Any = None) -> pd.DataFrame:
        index = pd.RangeIndex(len(rows)) if index is None else pd.Index(index)
        data = {}
        for control in self.controls:
            name = control.name
            column = [r[name] for r in rows]
            data[name] = _series(column, control, self._dtypes[name], index)
        frame = pd.DataFrame(data, index=index)
        frame.columns = self.X.columns  # the same names, even when they are not text
        return frame


def _series(values: list[Any], control: Control, dtype: Any, index: pd.Index) -> pd.Series:
    """A column of values as ``X`` holds it: its dtype, its own marker for missing values."""
    if control.missing:
        marker = control.missing_value
        values = [marker if v is None else v for v in values]
    try:
        return pd.Series(values, dtype=dtype, index=index)
    except (TypeError, ValueError):  # e.g. a missing value in an int64 column: floats
        return pd.Series(values, index=index)


def _threshold(threshold: Any, task: str) -> float | None:
    if threshold is None:
        return DEFAULT_THRESHOLD if task == "classification" else None
    if isinstance(threshold, bool) or not isinstance(threshold, numbers.Real):
        raise MlopsError(f"threshold must be a number, not {threshold!r}", "e.g. threshold=0.2")
    value = float(threshold)
    if not math.isfinite(value) or (task == "classification" and not 0 < value < 1):
        raise MlopsError(
            f"threshold {threshold} is not a probability strictly between 0 and 1"
            if task == "classification"
            else f"threshold {threshold} is not a finite number",
            "e.g. threshold=0.2",
        )
    return value


def describe_model(model: Any) -> dict[str, Any]:
    """The model's class, and its steps when it is a Pipeline."""
    steps = getattr(model, "steps", None)
    out: dict[str, Any] = {"class": type(model).__name__}
    if isinstance(steps, list):
        out["steps"] = [type(step).__name__ for _, step in steps]
    return out


def registered_profile(X: Any) -> tuple[Any, str | None, list[dict[str, Any]]]:
    """The profile of the newest registered data read in this process (through
    ``data.path``) that holds every column of ``X``: (profile, its label, the data read), or
    (None, None, []) when there is none (ranges then come from ``X``)."""
    from .. import data
    from ..data.versions import get_version
    from ..project import find_project

    columns = {str(c) for c in getattr(X, "columns", [])}
    for read in reversed(data.accessed()):
        try:
            version = get_version(find_project(read["project"]), read["name"], read["version"])
            profile = version.profile
        except (MlopsError, KeyError, ValueError):
            continue  # the project or version is gone: ranges come from X
        if profile.kind == "table" and columns <= {c.name for c in profile.columns}:
            keep = {k: read[k] for k in ("name", "version", "md5", "entry") if k in read}
            return profile, version.label, [keep]
    return None, None, []
