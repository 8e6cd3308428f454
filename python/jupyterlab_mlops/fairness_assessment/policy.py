"""The fairness policy: which disparities count, their limits, when a group is too small to
judge, and how numeric columns are banded. It comes from the checklist template (the item
running ``fairness_assessed``, at the project's risk tier), never from code; the one rule
for "does this assessment breach it" is :func:`breaches`, shared by ``fairness()`` and the
checklist item (light: pydantic only)."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ..errors import MlopsError

CHECK = "fairness_assessed"
#: every disparity an assessment measures, by task
DISPARITIES = {
    "classification": (
        "demographic_parity_difference",
        "demographic_parity_ratio",
        "equalized_odds_difference",
        "equal_opportunity_difference",
    ),
    "regression": ("mean_error_difference", "mae_difference", "mae_ratio"),
}
KNOWN = tuple(m for names in DISPARITIES.values() for m in names)


class Limit(BaseModel):
    model_config = ConfigDict(extra="forbid")

    max: float | None = None
    min: float | None = None

    @model_validator(mode="after")
    def _one(self) -> Limit:
        if self.max is None and self.min is None:
            raise ValueError("a limit needs max or min")
        return self

    def text(self) -> str:
        parts = [f"max {self.max:g}" if self.max is not None else "", ""]
        parts[1] = f"min {self.min:g}" if self.min is not None else ""
        return ", ".join(p for p in parts if p)


class SmallGroup(BaseModel):
    model_config = ConfigDict(extra="forbid")

    min_size: int = Field(default=30, ge=1)
    max_interval_width: float | None = Field(default=None, gt=0)


class Policy(BaseModel):
    """``{cite, limits: {metric: {max|min}}, small_group: {min_size, max_interval_width},
    bands: {column: [edges]}}``."""

    model_config = ConfigDict(extra="forbid")

    cite: str = Field(min_length=1)
    limits: dict[str, Limit] = Field(min_length=1)
    small_group: SmallGroup = Field(default_factory=SmallGroup)
    bands: dict[str, list[float]] | None = None

    @model_validator(mode="after")
    def _known(self) -> Policy:
        unknown = [m for m in self.limits if m not in KNOWN]
        if unknown:
            raise ValueError(f"unknown disparity {unknown[0]!r} (known: {', '.join(KNOWN)})")
        for column, edges in (self.bands or {}).items():
            if not edges or sorted(edges) != list(edges) or len(set(edges)) != len(edges):
                raise ValueError(f"bands of {column!r} must be increasing edges, e.g. [25, 35, 50]")
        return self


@dataclass(frozen=True)
class Breach:
    """A disparity beyond its limit, with its interval and the groups at its extremes."""

    feature: str
    metric: str
    value: float
    low: float | None
    high: float | None
    limit: str  # "max 0.1"
    worst_group: str | None
    best_group: str | None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    def text(self) -> str:
        interval = (
            f" (95% interval {_n(self.low)} to {_n(self.high)})" if self.low is not None else ""
        )
        groups = f" for {self.worst_group} vs {self.best_group}" if self.worst_group else ""
        return (
            f"{self.feature}: {self.metric} {_n(self.value)}{interval}{groups}, limit {self.limit}"
        )


def parse_policy(raw: Any, where: str = "the fairness policy") -> Policy:
    """The policy in ``raw`` (a template's ``policy`` argument narrowed to a tier), or one
    clear error naming the field."""
    if not isinstance(raw, dict):
        raise MlopsError(
            f"{where} must be a mapping with cite and limits, not {type(raw).__name__}",
            "fix the fairness item's check args in the template",
        )
    try:
        return Policy.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"]) or "policy"
        raise MlopsError(
            f"{where}: {field}: {first['msg']}",
            "fix the fairness item's check args in the template",
        ) from None


def breaches(disparities: dict[str, dict[str, Any]], policy: Policy) -> list[Breach]:
    """Every disparity whose point estimate is beyond the policy's limit for it, furthest
    beyond first (a disparity that could not be measured, e.g. fewer than two groups large
    enough to judge, is no breach)."""
    found: list[tuple[float, Breach]] = []
    for feature, metrics in disparities.items():
        if not isinstance(metrics, dict):
            continue
        for metric, limit in policy.limits.items():
            d = metrics.get(metric)
            value = d.get("value") if isinstance(d, dict) else None
            if not _number(value):
                continue
            over = limit.max is not None and value > limit.max
            under = limit.min is not None and value < limit.min
            if over or under:
                excess = value - limit.max if over else limit.min - value  # type: ignore[operator]
                found.append(
                    (
                        excess,
                        Breach(
                            feature,
                            metric,
                            float(value),
                            _float(d.get("low")),
                            _float(d.get("high")),
                            limit.text(),
                            _text(d.get("worst_group")),
                            _text(d.get("best_group")),
                        ),
                    )
                )
    return [b for _, b in sorted(found, key=lambda pair: -pair[0])]


def unmeasured(task: str, policy: Policy) -> list[str]:
    """The policy's limits on disparities a ``task`` assessment does not measure."""
    return [m for m in policy.limits if m not in DISPARITIES[task]]


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _float(value: Any) -> float | None:
    return float(value) if _number(value) else None


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _n(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3g}"
