"""How a what-if looks in a notebook, as escaped HTML: the prediction, the attributions as a
bar list, a counterfactual, and the static snapshot a saved notebook shows in place of the
live view. Framework-free: the ipywidgets view (:mod:`jupyterlab_mlops.widgets`) places
these pieces."""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING, Any

from ..render import MUTED, html_table
from .flip import DISTANCE_NOTE, fmt

if TYPE_CHECKING:
    from .flip import Flip
    from .whatif import LocalAttributions, WhatIf

#: the theme's colours for attributions towards (and away from) the positive class or a
#: higher value
_UP = "var(--jp-error-color1,#d32f2f)"
_DOWN = "var(--jp-brand-color1,#1976d2)"
#: bar length of the largest attribution, in pixels
_BAR_PX = 160


def prediction_html(w: WhatIf) -> str:
    """``probability of class 1: 0.62 (at or above the threshold 0.5)``, and what it was."""
    side = ""
    if w.threshold is not None:
        above = w.above
        word = "at or above" if above else "below"
        colour = _UP if above else _DOWN
        side = (
            f' <span style="color:{colour};font-weight:600">{word} the threshold '
            f"{escape(fmt(w.threshold))}</span>"
        )
    changed = w.changed
    was = ""
    if changed:
        names = ", ".join(escape(n) for n in changed)
        was = (
            f"<div {MUTED}>the row as it is: {escape(score_text(w, w.original_prediction))}; "
            f"changed: {names}</div>"
        )
    return (
        f'<div class="jp-mlops-whatif-prediction"><span {MUTED}>{escape(w.predicts)}:</span> '
        f'<b class="jp-mlops-whatif-value" style="font-size:1.3em">'
        f"{escape(score_text(w, w.prediction))}</b>"
        f"{side}{was}</div>"
    )


def score_text(w: WhatIf, value: float) -> str:
    """A probability with three decimals (0.000 to 1.000), or a predicted value."""
    return f"{value:.3f}" if w.fitted.task == "classification" else fmt(value)


def attributions_html(local: LocalAttributions) -> str:
    """The attributions as bars (right: towards the positive class or a higher value)."""
    largest = max((abs(a) for _, _, a in local.top), default=0.0) or 1.0
    rows = []
    for name, value, attribution in local.top:
        width = max(1, round(_BAR_PX * abs(attribution) / largest))
        colour = _UP if attribution >= 0 else _DOWN
        rows.append(
            "<tr>"
            f'<td style="padding:1px 8px 1px 0;white-space:nowrap;text-align:left">'
            f"{escape(name)} = "
            f"{escape(fmt(value))}</td>"
            f'<td style="padding:1px 0;width:{_BAR_PX + 4}px;text-align:left"><div style="background:{colour};'
            f'height:10px;width:{width}px"></div></td>'
            f'<td style="padding:1px 0 1px 8px;text-align:right;font-variant-numeric:'
            f'tabular-nums">{attribution:+.3g}</td>'
            "</tr>"
        )
    if local.rest_count:
        rows.append(
            f'<tr><td style="text-align:left;color:var(--jp-ui-font-color2,#666)">'
            f"{local.rest_count} other feature(s)</td><td></td>"
            f'<td style="padding:1px 0 1px 8px;text-align:right">{local.rest:+.3g}</td></tr>'
        )
    return (
        f'<div class="jp-mlops-whatif-attributions"><div {MUTED}>attributions, in '
        f"{escape(local.space)} (base {local.base:.3g} + these = {local.output:.3g}; "
        f"{escape(local.explainer)})</div>"
        f'<table style="border-collapse:collapse;font-size:var(--jp-ui-font-size1,13px)">'
        f"{''.join(rows)}</table></div>"
    )


def flip_html(flip: Flip | None, state: str = "current") -> str:
    """A counterfactual (or none found), marked as such; ``state`` says whether the values
    are still those it was searched from (``current``), are its own (``applied``), or moved
    on since (``stale``)."""
    if flip is None:
        return ""
    if flip.found:
        changes = "; ".join(
            f"{escape(name)} {escape(fmt(a))} &rarr; <b>{escape(fmt(b))}</b>"
            for name, (a, b) in flip.changes.items()
        )
        headline = (
            f"<b>Counterfactual</b> (not an observed row): {changes} moves the prediction from "
            f"{flip.prediction_before:.3g} to {flip.prediction:.3g}, across the threshold "
            f"{escape(fmt(flip.threshold))}."
        )
        detail = (
            f"distance {flip.distance:.3g} ({escape(DISTANCE_NOTE)}); "
            f"{flip.evaluated:,} model evaluations in {flip.seconds:.2f} s"
        )
    else:
        headline = f"<b>No counterfactual found within budget</b> ({flip.evaluated:,} evaluated)."
        detail = escape(flip.searched)
    if flip.stopped:
        detail += f"; the search stopped early: {escape(flip.stopped)}"
    note = {
        "applied": " (applied: these are the values shown)",
        "stale": " (found for earlier values: search again to use it)",
    }.get(state, "")
    border = "var(--jp-warn-color1,#f57c00)"
    return (
        f'<div class="jp-mlops-whatif-flip" style="border-left:3px solid {border};'
        f'padding:2px 8px;margin-top:4px">{headline}{escape(note)}'
        f"<div {MUTED}>{detail}</div></div>"
    )


def static_html(w: WhatIf, flip_state: str = "current") -> str:
    """The last state of a what-if as a static table (what a saved notebook shows)."""
    rows = []
    for control in w.controls:
        value = w.values[control.name]
        original = w.original[control.name]
        cell = escape(fmt(value))
        if value != original:
            cell = f"<b>{cell}</b> <span {MUTED}>(was {escape(fmt(original))})</span>"
        rows.append(
            [escape(control.name), cell, f"<span {MUTED}>{escape(_offered(control))}</span>"]
        )
    table = html_table(["feature", "value", "range offered"], rows)
    flip = flip_html(w.last_flip, flip_state)
    return (
        f'<div class="jp-mlops-whatif-snapshot">'
        f"<div><b>What-if</b>, row {escape(fmt(w.row))}: the last state of an interactive view "
        f"(run the cell to explore it again)</div>"
        f"{prediction_html(w)}{table}{attributions_html(w.attributions())}{flip}</div>"
    )


def _offered(control: Any) -> str:
    if control.kind == "number":
        return f"{fmt(control.low)} to {fmt(control.high)}: {control.source}"
    return f"{len(control.options)} values: {control.source}"
