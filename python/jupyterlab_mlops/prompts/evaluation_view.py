"""How an evaluation reads: each scorer's mean with its interval and count, in text and HTML."""

from __future__ import annotations

from html import escape
from typing import Any

from ..render import MUTED, html_table

Evaluation = Any  # an ``evaluate.Evaluation`` (which imports this module to show itself)


def _figure(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3g}"


def _rows(evaluation: Evaluation) -> list[tuple[str, str, str, str]]:
    rows = []
    for name, s in evaluation.summary.items():
        interval = "" if s["mean"] is None else f"[{_figure(s['low'])}, {_figure(s['high'])}]"
        rows.append((name, _figure(s["mean"]), interval, f"{s['n']} of {len(evaluation.examples)}"))
    return rows


def _where(evaluation: Evaluation) -> str:
    if evaluation.entry is not None:
        return f"recorded (entry {evaluation.entry.short_id})"
    return evaluation.not_recorded or "not recorded"


def evaluation_text(evaluation: Evaluation) -> str:
    lines = [f"evaluation {evaluation.name}: {len(evaluation.examples)} examples, {_where(evaluation)}"]  # fmt: skip
    for name, mean, interval, n in _rows(evaluation):
        lines.append(f"  {name:<14} {mean:>8} {interval:<22} {n}")
    lines.append(f"  interval: {evaluation.to_json()['interval']}")
    return "\n".join(lines)


def evaluation_html(evaluation: Evaluation) -> str:
    table = html_table(
        ["scorer", "mean", "95% interval", "examples scored"],
        ([escape(c) for c in row] for row in _rows(evaluation)),
    )
    prompts = ", ".join(f"{p['name']} v{p['version']}" for p in evaluation.prompts) or "none"
    return (
        f"<div><p><b>Evaluation {escape(evaluation.name)}</b>: {len(evaluation.examples)} "
        f"examples, {escape(_where(evaluation))}; prompts: {escape(prompts)}</p>{table}"
        f"<p {MUTED}>{escape(evaluation.to_json()['interval'])}</p></div>"
    )
