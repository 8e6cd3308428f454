"""The fairness policy: which disparities count, their limits, when a group is too small to
judge, and how numeric columns are banded. It comes from the checklist template (the item
running ``fairness_assessed``, at the project's risk tier), never from code; the one rule
for "does this assessment pass it" is :func:`judge` (breaches and disparities that could not
be judged), shared by ``fairness()`` and the checklist item (light: pydantic only).

A disparity is between the groups at its extremes (``worst_group``/``best_group`` in the
figures, e.g. the lowest and the highest selection rate): the text calls them neutrally
"between A and B", since which one is disadvantaged depends on what the outcome means.
A breach is judged on the point estimate (conservative); it is *clear* when its whole 95%
interval is beyond the limit, *within noise* when the interval reaches the limit."""

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
    """A disparity beyond its limit, with its interval and the groups at its extremes
    (``value`` None: infinite, see ``note``)."""

    feature: str
    metric: str
    value: float | None
    low: float | None
    high: float | None
    limit: str  # "max 0.1"
    worst_group: str | None
    best_group: str | None
    clear: bool = False  # the whole interval is beyond the limit (else: within noise)
    note: str | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    def text(self) -> str:
        interval = (
            f" (95% interval {_n(self.low)} to {_n(self.high)})" if self.low is not None else ""
        )
        value = _n(self.value) if self.value is not None else f"infinite ({self.note})"
        groups = f" between {self.worst_group} and {self.best_group}" if self.worst_group else ""
        return (
            f"{self.feature}: {self.metric} {value}{interval}{groups}, limit {self.limit}; "
            f"{self.strength()}"
        )

    def strength(self) -> str:
        if self.clear:
            return "clear: the whole interval is beyond the limit"
        return "within noise: the interval reaches the limit"


@dataclass(frozen=True)
class Unjudged:
    """A limited disparity that could not be measured across a feature (too few groups with
    enough cases, or undefined); ``decides``: it fails the verdict (every single sensitive
    column must be judged; an intersection that cannot be is stated, not decisive)."""

    feature: str
    metric: str
    why: str
    decides: bool = True

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    def text(self) -> str:
        return f"not enough data to judge {self.metric} across {self.feature}: {self.why}"


@dataclass(frozen=True)
class Verdict:
    """Passed only when no limited disparity is beyond its limit and every one that decides
    was measured: a high-risk check is not passed by measuring nothing."""

    breaches: list[Breach]
    unjudged: list[Unjudged]

    @property
    def passed(self) -> bool:
        return not self.breaches and not any(u.decides for u in self.unjudged)


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


def judge(disparities: dict[str, Any], policy: Policy, intersections: Any = ()) -> Verdict:
    """The verdict on ``disparities`` (``{feature: {metric: {value, low, high, ...}}}``) under
    ``policy``. A limited disparity whose value is missing, undefined or only partly measured
    (``unmeasured``) is not judged, unless what was measured is already a breach; it decides
    the verdict except across the ``intersections`` (feature names of column pairs)."""
    crossed = set(intersections)
    found: list[tuple[float, Breach]] = []
    unjudged: list[Unjudged] = []
    for feature, metrics in disparities.items():
        metrics = metrics if isinstance(metrics, dict) else {}
        for metric, limit in policy.limits.items():
            d = metrics.get(metric)
            d = d if isinstance(d, dict) else {}
            breach = _breach(feature, metric, d, limit)
            if breach is not None:
                found.append(breach)
                continue
            why = _unmeasured(d)
            if why is not None:
                unjudged.append(Unjudged(feature, metric, why, feature not in crossed))
    # worst first; on a tie a single feature before an intersection, then by name, so the
    # order never depends on how the recorded payload's keys happen to be ordered
    found.sort(key=lambda pair: (-pair[0], pair[1].feature in crossed, pair[1].feature))
    return Verdict([b for _, b in found], unjudged)


def breaches(disparities: dict[str, Any], policy: Policy) -> list[Breach]:
    """Every disparity whose point estimate is beyond the policy's limit, furthest first."""
    return judge(disparities, policy).breaches


def _breach(
    feature: str, metric: str, d: dict[str, Any], limit: Limit
) -> tuple[float, Breach] | None:
    value = d.get("value")
    low, high = _float(d.get("low")), _float(d.get("high"))
    if d.get("infinite") is True and limit.max is not None:
        return math.inf, Breach(
            feature,
            metric,
            None,
            low,
            None,
            limit.text(),
            _text(d.get("worst_group")),
            _text(d.get("best_group")),
            low is not None and low > limit.max,
            _text(d.get("note")),
        )
    if not _number(value):
        return None
    over = limit.max is not None and value > limit.max
    under = limit.min is not None and value < limit.min
    if not (over or under):
        return None
    if over:
        excess, clear = value - limit.max, low is not None and low > limit.max  # type: ignore[operator]
    else:
        excess, clear = limit.min - value, high is not None and high < limit.min  # type: ignore[operator]
    breach = Breach(
        feature,
        metric,
        float(value),
        low,
        high,
        limit.text(),
        _text(d.get("worst_group")),
        _text(d.get("best_group")),
        bool(clear),
    )
    return excess, breach


def _unmeasured(d: dict[str, Any]) -> str | None:
    """Why a disparity was not (fully) measured, or None when it was."""
    if not d:
        return "not measured"
    if d.get("infinite") is True:
        return None  # infinite, and no max limit: within a min limit
    if not _number(d.get("value")):
        return str(d.get("note") or "undefined")
    if d.get("unmeasured"):
        return str(d["unmeasured"])
    return None


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
