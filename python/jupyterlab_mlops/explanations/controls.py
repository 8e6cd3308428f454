"""The controls of a what-if view: one per input column, with the range or options it offers
and where they came from (the registered data profile, else the data given).

A numeric control spans the column's 1st to 99th percentile (from the profile's ``p01`` and
``p99`` when it has them, else computed on ``X``), widened to include the explored row's own
value; a categorical control offers the values seen in ``X``. Values are plain Python values,
and ``None`` stands for a missing value wherever the column has missing values.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..errors import MlopsError

if TYPE_CHECKING:
    from ..data.profile import DataProfile

#: the share of a numeric column's values left out below and above a control's range
RANGE_QUANTILES = (0.01, 0.99)
#: a slider's range is cut into about this many steps (rounded to a 1-2-5 step)
SLIDER_STEPS = 100


@dataclass(frozen=True)
class Control:
    """One input column as a what-if control."""

    name: str
    kind: str  # "number" or "category"
    source: str  # where the range or the options came from, in words
    low: float | None = None  # numbers: the range offered
    high: float | None = None
    step: float | None = None
    integer: bool = False  # numbers: whole numbers only
    options: tuple[Any, ...] = ()  # categories: the values offered (None: missing)
    missing: bool = False  # the column may be missing (None)
    missing_value: Any = None  # how the data itself marks a missing value

    @property
    def span(self) -> float:
        """The width of a numeric control's range (what distances are measured against)."""
        if self.low is None or self.high is None:
            return 1.0
        return max(self.high - self.low, 1e-12)

    def check(self, value: Any) -> Any:
        """``value`` as this control holds it, or a clear error naming the column."""
        if _is_missing(value):
            if not self.missing:
                raise MlopsError(
                    f"{self.name} cannot be missing: the data has no missing values there",
                    f"give a value ({self._offer()})",
                )
            return None
        if self.kind == "category":
            for option in self.options:
                if option is not None and _same(option, value):
                    return option
            raise MlopsError(f"{value!r} is not a value of {self.name}", f"one of: {self._offer()}")
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise MlopsError(
                f"{self.name} takes a number, not {type(value).__name__} {value!r}",
                f"e.g. {self.name}={_plain(self.low)}",
            )
        number = float(value)
        if not math.isfinite(number):
            raise MlopsError(f"{self.name} cannot be {number}", "give a finite number")
        if self.integer:
            if number != round(number):
                raise MlopsError(f"{self.name} takes whole numbers, not {value}", "round it")
            return round(number)
        return number

    def _offer(self) -> str:
        if self.kind == "number":
            return f"{_plain(self.low)} to {_plain(self.high)} is the range offered"
        shown = [repr(o) for o in self.options if o is not None]
        more = f" and {len(shown) - 20} more" if len(shown) > 20 else ""
        return ", ".join(shown[:20]) + more + (", or None (missing)" if self.missing else "")

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "kind": self.kind, "source": self.source}
        if self.kind == "number":
            out |= {"low": self.low, "high": self.high, "step": self.step, "integer": self.integer}
        else:
            out["options"] = [plain_value(o) for o in self.options]
        out["missing"] = self.missing
        return out


def build_controls(
    X: pd.DataFrame, row: dict[str, Any], profile: DataProfile | None, label: str | None
) -> tuple[Control, ...]:
    """A control per column of ``X``; ``row`` holds the explored row's values."""
    named = f"the registered profile of {label}" if label else "the registered profile"
    return tuple(_control(str(name), X[name], row[str(name)], profile, named) for name in X.columns)


def _control(
    name: str, series: pd.Series, value: Any, profile: DataProfile | None, named: str
) -> Control:
    column = profile.column(name) if profile is not None else None
    has_missing = bool(series.isna().any()) or bool(column is not None and column.missing)
    missing_value = _missing_marker(series)
    if not is_numeric(series):
        options = sorted(
            {plain_value(v) for v in series.dropna().unique()}, key=lambda v: (str(type(v)), v)
        )
        if has_missing:
            options.append(None)
        return Control(
            name,
            "category",
            f"values seen in X ({len(options) - has_missing} distinct)",
            options=tuple(options),
            missing=has_missing,
            missing_value=missing_value,
        )
    finite = series.dropna().to_numpy(dtype=float)
    finite = finite[np.isfinite(finite)]
    integer = pd.api.types.is_integer_dtype(series) or bool(
        column is not None
        and column.type == "integer"
        and len(finite)
        and np.all(finite == np.round(finite))
    )
    stats = column.stats if column is not None and not column.withheld else {}
    if _finite(stats.get("p01")) and _finite(stats.get("p99")):
        low, high = float(stats["p01"]), float(stats["p99"])
        source = f"p01-p99 of {named}"
    elif len(finite):
        low, high = (float(q) for q in np.quantile(finite, RANGE_QUANTILES))
        why = " (the profile withholds this column's values)" if column and column.withheld else ""
        source = f"1st-99th percentile of X ({len(finite):,} values){why}"
    else:
        low = high = 0.0
        source = "X has no values in this column"
    if _finite(value) and not low <= value <= high:
        low, high = min(low, float(value)), max(high, float(value))
        source += ", widened to include the row's value"
    if high <= low:
        pad = abs(low) / 2 or 1.0
        low, high = low - pad, high + pad
        source += ", padded: the data has a single value"
    if integer:
        low, high = float(math.floor(low)), float(math.ceil(high))
    step = nice_step((high - low) / SLIDER_STEPS, integer)
    return Control(
        name,
        "number",
        source,
        low=low,
        high=high,
        step=step,
        integer=integer,
        missing=has_missing,
        missing_value=missing_value,
    )


def nice_step(raw: float, integer: bool) -> float:
    """The smallest 1, 2 or 5 times a power of ten at least ``raw`` (whole for integers)."""
    if not raw > 0:
        return 1.0
    power = 10.0 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw * (1 - 1e-9))
    return float(max(1, round(step))) if integer else float(step)


def is_numeric(series: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)


def plain_value(value: Any) -> Any:
    """A numpy or pandas scalar as a plain Python value; any missing value as None."""
    if _is_missing(value):
        return None
    if isinstance(value, np.generic):
        return value.item()
    return value


def _is_missing(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float | np.floating) and math.isnan(value)


def _missing_marker(series: pd.Series) -> Any:
    """What the column holds where a value is missing (None and NaN are different categories
    to a one-hot encoder fitted on them)."""
    for value in series[series.isna()].head(1):
        return value
    return np.nan if is_numeric(series) else None


def _same(option: Any, value: Any) -> bool:
    if isinstance(option, str) != isinstance(value, str):
        return False
    try:
        return bool(option == value)
    except (TypeError, ValueError):
        return False


def _finite(value: Any) -> bool:
    return (
        isinstance(value, numbers.Real)
        and not isinstance(value, bool)
        and math.isfinite(float(value))
    )


def _plain(value: float | None) -> str:
    return "?" if value is None else f"{value:g}"
