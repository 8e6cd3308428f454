"""How the values of X appear in a report: numbers as numbers, the rest as text, missing
values as None (JSON has no NaN)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd


def is_numeric(series: pd.Series) -> bool:
    """Numbers are plotted on an axis; booleans and everything else are categories."""
    return pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)


def json_values(series: pd.Series) -> list[Any]:
    """A column's values for a report's JSON: floats or strings, None where missing."""
    missing = series.isna().to_numpy()
    if is_numeric(series):
        values = series.to_numpy(dtype=float, na_value=np.nan)
        return [None if m else float(v) for v, m in zip(values, missing, strict=True)]
    return [None if m else str(v) for v, m in zip(series.to_numpy(), missing, strict=True)]


def shown(value: Any) -> str:
    """One value as a reader sees it in X (6 significant digits for floats)."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return "missing"
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        return f"{float(value):.6g}"
    try:
        if pd.isna(value):
            return "missing"
    except (TypeError, ValueError):
        pass
    return str(value)


def json_scalar(value: Any) -> Any:
    """A row label (or y value) as JSON: int, float, str or bool as they are, else text."""
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return None if math.isnan(value) else float(value)
    if isinstance(value, str):
        return value
    return str(value)


def clean(data: Any) -> Any:
    """``data`` with numpy scalars made plain and NaN/infinity made None (JSON-safe)."""
    if isinstance(data, dict):
        return {str(k): clean(v) for k, v in data.items()}
    if isinstance(data, (list, tuple)):
        return [clean(v) for v in data]
    if isinstance(data, np.ndarray):
        return [clean(v) for v in data.tolist()]
    if isinstance(data, (bool, np.bool_)):
        return bool(data)
    if isinstance(data, (int, np.integer)):
        return int(data)
    if isinstance(data, (float, np.floating)):
        return float(data) if math.isfinite(data) else None
    return data
