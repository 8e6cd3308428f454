"""The metrics and parameters a run may log: valid names, finite numbers, bounded text."""

from __future__ import annotations

import math
import numbers
import re
from typing import Any

from ..errors import MlopsError

_KEY = re.compile(r"^[A-Za-z0-9_\-. /]{1,250}$")  # what MLflow accepts as a metric/param key
_MAX_PARAM = 6000


def validate_metrics(metrics: dict[str, Any]) -> dict[str, float]:
    """Finite numbers under valid keys, or one clear error naming the first bad one."""
    if not metrics:
        raise MlopsError("no metrics given", "e.g. run.log(auc=0.81) or %mlops log auc=0.81")
    values = {}
    for key, value in metrics.items():
        _check_key(key)
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise MlopsError(
                f"metric {key} must be a number, not {type(value).__name__}",
                "log text as a parameter or a tag instead",
            )
        number = float(value)
        if not math.isfinite(number):
            raise MlopsError(
                f"metric {key} is {number}", "log finite numbers only: check the computation"
            )
        values[key] = number
    return values


def validate_params(params: dict[str, Any]) -> dict[str, str]:
    if not params:
        raise MlopsError("no parameters given", "e.g. run.params(max_depth=3)")
    values = {}
    for key, value in params.items():
        _check_key(key)
        text = str(value)
        if len(text) > _MAX_PARAM:
            raise MlopsError(
                f"parameter {key} is {len(text)} characters long (at most {_MAX_PARAM})",
                "log long values as an artifact",
            )
        values[key] = text
    return values


def _check_key(key: str) -> None:
    if not _KEY.match(key) or ".." in key or key.startswith("/"):
        raise MlopsError(
            f"invalid name {key!r}", "use letters, digits and _ - . / (up to 250 characters)"
        )
