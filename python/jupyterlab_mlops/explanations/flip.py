"""The nearest flip: the smallest change to one or two inputs of a row that moves the model's
prediction across a threshold, a counterfactual found by a budgeted search.

The search, from the row's current values and within each control's range (or options):

1. every feature alone, on a grid over its range (every other option of a category), in one
   batched prediction;
2. for each feature and direction, the closest grid point that flips the prediction is refined
   between it and the grid point before it;
3. pairs among the features that moved the prediction furthest towards the threshold in step 1,
   on a coarser grid, the closest flipping pairs refined along the line back to the row.

Distances are normalised: the sum over changed features of the change as a share of the
control's range (numbers), and :data:`CATEGORY_DISTANCE` per changed category or missing value.
The search is budgeted by model evaluations (rows predicted) and by time, and says when it
stopped early; "none found" is an answer, never a hang.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .controls import Control, plain_value

#: the model evaluations (rows predicted) a search may use, unless told otherwise
FLIP_BUDGET = 5_000
#: the seconds a search may take, unless told otherwise
FLIP_SECONDS = 5.0
#: grid points over a numeric control's range, for one feature at a time
GRID_POINTS = 41
#: grid points over a numeric control's range, for pairs of features
PAIR_GRID = 11
#: the features paired with each other: those that moved the prediction furthest alone
PAIR_FEATURES = 4
#: points between a flipping grid point and the one before it
REFINE_POINTS = 32
#: flipping pairs refined (the closest ones)
REFINE_PAIRS = 6
#: what changing a category (or a value to or from missing) counts for in the distance
CATEGORY_DISTANCE = 1.0
#: rows predicted in one call (time is checked between calls)
CHUNK = 512

DISTANCE_NOTE = (
    "normalised distance: the sum over changed features of the change as a share of the "
    f"control's range, and {CATEGORY_DISTANCE:g} per changed category or missing value"
)

Evaluate = Callable[[Sequence[dict[str, Any]]], np.ndarray]


@dataclass(frozen=True)
class Flip:
    """The result of a nearest-flip search: a counterfactual, or none found within budget."""

    found: bool
    changes: dict[str, tuple[Any, Any]]  # column -> (from, to)
    prediction_before: float
    prediction: float | None
    threshold: float
    distance: float | None
    evaluated: int
    seconds: float
    complete: bool  # the whole search finished within the budget
    searched: str
    budget: int
    kind: str = "counterfactual"
    stopped: str | None = field(default=None)  # what cut the search short, if anything

    @property
    def values(self) -> dict[str, Any]:
        """The changed columns and their new values (``w.update(**flip.values)`` applies it)."""
        return {name: after for name, (_, after) in self.changes.items()}

    def summary(self) -> str:
        cut = f" The search stopped early: {self.stopped}." if self.stopped else ""
        if not self.found:
            return (
                f"No counterfactual found within budget ({self.evaluated:,} evaluated): no "
                f"change to the features searched moves the prediction "
                f"({fmt(self.prediction_before)}) across {fmt(self.threshold)}.{cut}"
            )
        changes = " and ".join(
            f"{name} {fmt(before)} -> {fmt(after)}"
            for name, (before, after) in self.changes.items()
        )
        return (
            f"Counterfactual (not an observed row): {changes} moves the prediction from "
            f"{fmt(self.prediction_before)} to {fmt(self.prediction)}, across the threshold "
            f"{fmt(self.threshold)}. Distance {self.distance:.3g} ({DISTANCE_NOTE}); "
            f"{self.evaluated:,} model evaluations in {self.seconds:.2f} s.{cut}"
        )

    __str__ = summary

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "found": self.found,
            "changes": {
                name: {"from": plain_value(a), "to": plain_value(b)}
                for name, (a, b) in self.changes.items()
            },
            "prediction_before": self.prediction_before,
            "prediction": self.prediction,
            "threshold": self.threshold,
            "distance": self.distance,
            "distance_measure": DISTANCE_NOTE,
            "evaluated": self.evaluated,
            "budget": self.budget,
            "seconds": round(self.seconds, 3),
            "complete": self.complete,
            "stopped": self.stopped,
            "searched": self.searched,
        }


@dataclass(frozen=True)
class _Candidate:
    changes: dict[str, Any]
    distance: float
    direction: tuple[Any, ...] = ()  # (feature, +1/-1) for a numeric step, else ()


class _Budget:
    """Evaluates candidates in chunks, in the order given, until the budget or time runs out."""

    def __init__(self, evaluate: Evaluate, budget: int, seconds: float) -> None:
        self.evaluate, self.budget = evaluate, budget
        self.started = time.perf_counter()
        self.deadline = self.started + seconds
        self.evaluated = 0
        self.stopped: str | None = None
        self._seconds = seconds

    def run(self, candidates: Sequence[_Candidate]) -> list[tuple[_Candidate, float]]:
        out: list[tuple[_Candidate, float]] = []
        start = 0
        while start < len(candidates) and self.stopped is None:
            room = self.budget - self.evaluated
            if room <= 0:
                self.stopped = f"the budget of {self.budget:,} model evaluations was used up"
                break
            if time.perf_counter() > self.deadline:
                self.stopped = f"the time limit of {self._seconds:g} s was reached"
                break
            chunk = candidates[start : start + min(CHUNK, room)]
            scores = np.asarray(self.evaluate([c.changes for c in chunk]), dtype=float)
            self.evaluated += len(chunk)
            out.extend(zip(chunk, scores.tolist(), strict=True))
            start += len(chunk)
        if start < len(candidates) and self.stopped is None:  # pragma: no cover - defensive
            self.stopped = "the search was cut short"
        return out


def nearest_flip(
    evaluate: Evaluate,
    values: dict[str, Any],
    controls: Sequence[Control],
    *,
    threshold: float,
    prediction: float,
    max_features: int = 2,
    budget: int = FLIP_BUDGET,
    seconds: float = FLIP_SECONDS,
) -> Flip:
    """Search for the nearest flip from ``values`` (whose prediction is ``prediction``)."""
    above = prediction >= threshold
    search = _Budget(evaluate, budget, seconds)

    def flips(score: float) -> bool:
        return (score >= threshold) != above

    # 1. one feature at a time, on a grid
    singles = sorted(
        (c for control in controls for c in _single(control, values[control.name], GRID_POINTS)),
        key=lambda c: c.distance,
    )
    scored = search.run(singles)
    found = [(c, s) for c, s in scored if flips(s)]
    # 2. refine the closest flip per feature and direction
    refined = _refine_steps(search, scored, values, controls, flips)
    best = found + refined
    described = [f"one feature at a time: {len(scored):,} values of {len(controls)} features"]
    # 3. pairs among the features that moved the prediction furthest towards the threshold
    if max_features >= 2 and search.stopped is None:
        toward = 1.0 if not above else -1.0
        pull: dict[str, float] = {}
        for candidate, score in scored:
            (name,) = candidate.changes
            pull[name] = max(pull.get(name, -np.inf), toward * (score - prediction))
        strongest = sorted(pull, key=lambda n: -pull[n])[:PAIR_FEATURES]
        by_name = {c.name: c for c in controls}
        pairs = []
        for a, b in itertools.combinations(strongest, 2):
            grid_a = _single(by_name[a], values[a], PAIR_GRID)
            grid_b = _single(by_name[b], values[b], PAIR_GRID)
            for ca, cb in itertools.product(grid_a, grid_b):
                pairs.append(_Candidate(ca.changes | cb.changes, ca.distance + cb.distance))
        pairs.sort(key=lambda c: c.distance)
        scored_pairs = search.run(pairs)
        flipping = sorted((c for c, s in scored_pairs if flips(s)), key=lambda c: c.distance)
        best += [(c, s) for c, s in scored_pairs if flips(s)]
        best += _refine_lines(search, flipping[:REFINE_PAIRS], values, controls, flips)
        described.append(
            f"pairs of {', '.join(strongest)}: {len(scored_pairs):,} combinations"
            if len(strongest) > 1
            else "no pairs (fewer than two features to pair)"
        )
    elapsed = time.perf_counter() - search.started
    searched = "; ".join(described)
    if not best:
        return Flip(
            False, {}, prediction, None, threshold, None, search.evaluated, elapsed,
            search.stopped is None, searched, budget, stopped=search.stopped,
        )  # fmt: skip
    winner, score = min(best, key=lambda cs: (cs[0].distance, len(cs[0].changes)))
    changes = {  # a part of a pair that rounding brought back to its value is no change
        name: (values[name], after)
        for name, after in winner.changes.items()
        if after != values[name]
    }
    return Flip(
        True, changes, prediction, float(score), threshold, float(winner.distance),
        search.evaluated, elapsed,
        search.stopped is None, searched, budget, stopped=search.stopped,
    )  # fmt: skip


def _single(control: Control, value: Any, points: int) -> list[_Candidate]:
    """Candidates changing ``control`` alone: a grid over its range, or its other options."""
    name = control.name
    if control.kind == "category":
        return [
            _Candidate({name: option}, CATEGORY_DISTANCE)
            for option in control.options
            if option != value and not (option is None and value is None)
        ]
    assert control.low is not None and control.high is not None
    grid = np.linspace(control.low, control.high, points)
    if control.integer:
        grid = np.unique(np.round(grid))
    out = [
        _Candidate(
            {name: _number(g, control)},
            CATEGORY_DISTANCE if value is None else abs(g - value) / control.span,
            () if value is None else (name, 1 if g > value else -1),
        )
        for g in grid
        if value is None or g != value
    ]
    if control.missing and value is not None:
        out.append(_Candidate({name: None}, CATEGORY_DISTANCE))
    return out


def _refine_steps(
    search: _Budget,
    scored: list[tuple[_Candidate, float]],
    values: dict[str, Any],
    controls: Sequence[Control],
    flips: Callable[[float], bool],
) -> list[tuple[_Candidate, float]]:
    """Between each direction's closest flipping grid point and the grid point before it."""
    by_direction: dict[tuple[Any, ...], list[tuple[_Candidate, float]]] = {}
    for candidate, score in scored:
        if candidate.direction:
            by_direction.setdefault(candidate.direction, []).append((candidate, score))
    by_name = {c.name: c for c in controls}
    fine: list[_Candidate] = []
    for (name, sign), steps in by_direction.items():
        steps.sort(key=lambda cs: cs[0].distance)
        first = next((i for i, (_, s) in enumerate(steps) if flips(s)), None)
        if first is None:
            continue
        control, origin = by_name[name], values[name]
        inner = origin if first == 0 else steps[first - 1][0].changes[name]
        outer = steps[first][0].changes[name]
        between = np.linspace(inner, outer, REFINE_POINTS + 1)[1:-1]
        if control.integer:
            between = np.unique(np.round(between))
            between = between[(between != inner) & (between != outer)]
        fine += [
            _Candidate({name: _number(v, control)}, abs(v - origin) / control.span, (name, sign))
            for v in between
        ]
    fine.sort(key=lambda c: c.distance)
    return [(c, s) for c, s in search.run(fine) if flips(s)]


def _refine_lines(
    search: _Budget,
    flipping: list[_Candidate],
    values: dict[str, Any],
    controls: Sequence[Control],
    flips: Callable[[float], bool],
) -> list[tuple[_Candidate, float]]:
    """Along the line from the row to each flipping pair (categories stay changed)."""
    by_name = {c.name: c for c in controls}
    fine: list[_Candidate] = []
    for candidate in flipping:
        numeric = [
            n
            for n, v in candidate.changes.items()
            if by_name[n].kind == "number" and v is not None and values[n] is not None
        ]
        if not numeric:
            continue
        fixed = candidate.distance - sum(
            abs(candidate.changes[n] - values[n]) / by_name[n].span for n in numeric
        )
        for t in np.linspace(0, 1, REFINE_POINTS + 1)[1:-1]:
            changes = dict(candidate.changes)
            for n in numeric:
                changes[n] = _number(values[n] + t * (candidate.changes[n] - values[n]), by_name[n])
            moved = sum(abs(changes[n] - values[n]) / by_name[n].span for n in numeric)
            if all(changes[n] == values[n] for n in numeric):
                continue
            fine.append(_Candidate(changes, fixed + moved))
    fine.sort(key=lambda c: c.distance)
    return [(c, s) for c, s in search.run(fine) if flips(s)]


def _number(value: float, control: Control) -> float | int:
    return round(float(value)) if control.integer else float(value)


def fmt(value: Any) -> str:
    """A value as a person reads it: thousands separated, four significant digits."""
    if value is None:
        return "missing"
    if isinstance(value, bool) or not isinstance(value, int | float | np.number):
        return str(value)
    number = float(value)
    if number == round(number) and abs(number) < 1e15:
        return f"{round(number):,}"
    return f"{number:,.4g}" if abs(number) >= 1000 else f"{number:.4g}"
