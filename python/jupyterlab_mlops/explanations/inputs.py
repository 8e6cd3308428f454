"""What ``explain`` and ``whatif`` are given, checked once: a fitted model, a table of its
input columns, labels of the same length, and the groups to compare."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..errors import MlopsError


def as_frame(X: Any) -> pd.DataFrame:
    """``X`` as a DataFrame (a 2-D array gets columns x0, x1, ...)."""
    if isinstance(X, pd.DataFrame):
        frame = X
    elif isinstance(X, np.ndarray) and X.ndim == 2:
        frame = pd.DataFrame(X, columns=[f"x{i}" for i in range(X.shape[1])])
    else:
        raise MlopsError(
            f"X must be a DataFrame of the model's input columns, not {type(X).__name__}",
            "pass the table the model predicts from, e.g. X_test",
        )
    if frame.empty:
        raise MlopsError("X has no rows (or no columns)", "pass the rows to explain")
    if frame.columns.duplicated().any():
        twice = sorted(map(str, frame.columns[frame.columns.duplicated()]))[:3]
        raise MlopsError(f"X has duplicate columns: {', '.join(twice)}", "rename them")
    return frame


def as_labels(y: Any, X: pd.DataFrame) -> pd.Series | None:
    """``y`` as a Series on ``X``'s index, or None."""
    if y is None:
        return None
    values = y if isinstance(y, pd.Series) else pd.Series(np.asarray(y).ravel())
    if len(values) != len(X):
        raise MlopsError(
            f"y has {len(values)} values and X {len(X)} rows", "pass the labels of the same rows"
        )
    if isinstance(y, pd.Series) and not y.index.equals(X.index):
        if set(y.index) != set(X.index):
            raise MlopsError("y and X have different row labels", "pass the labels of X's rows")
        return y.loc[X.index]
    return pd.Series(values.to_numpy(), index=X.index, name=getattr(y, "name", None))
