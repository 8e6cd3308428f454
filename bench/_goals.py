"""Figures measured against a goal, printed as they come and gathered for the summary.

Every benchmark that has a goal calls :func:`report`; ``python -m bench.run`` (``make bench``)
prints all of them again at the end as one table (figure, value, goal, met or not), so one run
shows every goal.
"""

from __future__ import annotations

import dataclasses
import operator
from collections.abc import Callable


@dataclasses.dataclass(frozen=True)
class Figure:
    """One measured figure and the goal it is held to."""

    name: str
    value: float
    unit: str  # how ``value`` is shown: "x" (a ratio), "ms", "s", "/s", "%", "MiB"
    goal: str  # e.g. "<= 1.5x", "< 30 ms"
    met: bool
    detail: str = ""  # what it was compared with, sampling, etc.

    def shown(self) -> str:
        return _show(self.value, self.unit)


_OPS: dict[str, Callable[[float, float], bool]] = {
    "<=": operator.le,
    ">=": operator.ge,
    "<": operator.lt,
    ">": operator.gt,
}

FIGURES: list[Figure] = []


def _show(value: float, unit: str) -> str:
    if unit == "x":
        return f"{value:.3f}x" if abs(value) < 0.1 else f"{value:.2f}x"
    if unit == "%":
        return f"{value:.1%}"
    if unit == "ms":
        return f"{value * 1000:.1f} ms"  # values are seconds
    if unit == "s":
        return f"{value:.2f} s"
    if unit == "/s":
        return f"{value:,.0f} /s"
    if not unit:
        return f"{value:.3f}"
    return f"{value:,.1f} {unit}"


def report(name: str, value: float, op: str, target: float, unit: str, detail: str = "") -> Figure:
    """Record and print ``name = value`` against the goal ``value OP target``.

    ``value`` and ``target`` are in the same unit; times are in seconds even when ``unit`` is
    "ms" (it only says how to show them).
    """
    figure = Figure(
        name=name,
        value=value,
        unit=unit,
        goal=f"{op} {_show(target, unit)}",
        met=_OPS[op](value, target),
        detail=detail,
    )
    FIGURES.append(figure)
    mark = "met" if figure.met else "NOT MET"
    extra = f"  [{detail}]" if detail else ""
    print(f"  {name:<58} {figure.shown():>12}  goal {figure.goal:<12} {mark}{extra}")
    return figure


def summary() -> str:
    """Every figure reported so far as a Markdown table."""
    rows = ["| figure | measured | goal | met |", "|---|---|---|---|"]
    for figure in FIGURES:
        rows.append(
            f"| {figure.name} | {figure.shown()} | {figure.goal} | {'yes' if figure.met else 'NO'} |"
        )
    return "\n".join(rows)
