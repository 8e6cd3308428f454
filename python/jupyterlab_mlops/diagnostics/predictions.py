"""What the model says about the training and test rows: scores for ranking metrics,
probabilities for calibration, labels or values for the rest."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import MlopsError
from .inputs import Inputs


@dataclass(frozen=True)
class Outputs:
    """The model's outputs on one part (train or test)."""

    predicted: np.ndarray | None  # 0/1 (classification; when asked for) or values (regression)
    scores: np.ndarray | None  # positive-class probability or decision score
    probability: np.ndarray | None  # positive-class probability (predict_proba) or None


def model_outputs(model: Any, inputs: Inputs, X: Any, *, labels: bool = False) -> Outputs:
    """The model's outputs on ``X`` (predicted classes only with ``labels``: predicting twice
    costs as much as the rest of the diagnostics); a model that fails on it is one clear
    error."""
    try:
        if inputs.task == "regression":
            return Outputs(np.asarray(model.predict(X)).astype("float64").ravel(), None, None)
        assert inputs.classes is not None
        predicted = None
        if labels:
            predicted = (np.asarray(model.predict(X)).ravel() == inputs.classes[1]).astype(
                "float64"
            )
        probability = None
        if callable(getattr(model, "predict_proba", None)):
            proba = np.asarray(model.predict_proba(X), dtype="float64")
            classes = list(getattr(model, "classes_", inputs.classes))
            column = classes.index(inputs.classes[1]) if inputs.classes[1] in classes else -1
            probability = proba[:, column]
        scores = probability
        if scores is None and callable(getattr(model, "decision_function", None)):
            scores = np.asarray(model.decision_function(X), dtype="float64").ravel()
        if scores is None and predicted is None:
            predicted = (np.asarray(model.predict(X)).ravel() == inputs.classes[1]).astype(
                "float64"
            )
        return Outputs(predicted, scores, probability)
    except MlopsError:
        raise
    except Exception as exc:  # the model's own error: one line, not its traceback
        raise MlopsError(
            f"the model cannot predict these rows: {type(exc).__name__}: {str(exc)[:200]}",
            "pass the model fitted on X_train's columns",
        ) from None
