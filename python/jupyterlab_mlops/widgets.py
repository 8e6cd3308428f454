"""The what-if view in a notebook: ipywidgets controls over one row, in the kernel, with no
side server.

``w = jupyterlab_mlops.whatif(model, X, row=17)`` shows a control per input column (sliders,
dropdowns), the prediction, the row's top attributions, a "Nearest flip" button and a "Save
scenario" button; scripts drive the same object (``w.update(...)``, ``w.prediction``,
``w.nearest_flip()``, ``w.save_scenario()``). The work is done by the framework-free
:class:`~jupyterlab_mlops.explanations.whatif.WhatIf`; this module only places it on screen.

ipywidgets and IPython are imported when a view is built, never when this module is.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import MlopsError
from .render import MUTED

if TYPE_CHECKING:
    from .explanations.controls import Control
    from .explanations.flip import Flip
    from .explanations.whatif import WhatIf
    from .ledger import Entry

#: a control's width: they wrap into as many columns as the notebook is wide
CONTROL_WIDTH = "360px"
#: room for the column name in front of a control
LABEL_WIDTH = "150px"
#: the class a saved notebook's static snapshot carries (the live view hides it)
STATIC_CLASS = "jp-mlops-whatif-static"


class WhatIfWidget:
    """A live what-if view over a :class:`WhatIf`; every change goes through the core."""

    def __init__(
        self,
        core: WhatIf,
        *,
        data: Sequence[dict[str, Any]] = (),
        notebook: str | Path | None = None,
        project: Any = None,
        actor: str | None = None,
    ) -> None:
        import ipywidgets as widgets

        self.core = core
        self._data = [dict(d) for d in data]  # the data versions the ranges came from
        self._notebook, self._project, self._actor = notebook, project, actor
        self._syncing = False
        self._flip_from: dict[str, Any] | None = None  # the values the last flip started from
        self._display_id: str | None = None
        self.entry: Entry | None = None
        self._inputs: dict[str, tuple[Any, Any]] = {}  # name -> (value widget, missing box)
        controls = [self._control(c) for c in core.controls]
        self._prediction = widgets.HTML()
        self._attributions = widgets.HTML()
        self._flip = widgets.HTML()
        self._status = widgets.HTML()
        self._uid = uuid.uuid4().hex[:12]
        snapshot = f".{STATIC_CLASS}[data-whatif='{self._uid}']"
        self._hide = widgets.HTML(  # while the live view is shown, its snapshot is hidden
            f"<style>.jp-OutputArea-child:has({snapshot}), {snapshot} {{display:none}}</style>",
            layout=widgets.Layout(display="none"),
        )
        button = partial(widgets.Button, layout=widgets.Layout(width="auto"))
        self._flip_button = button(description="Nearest flip", icon="search")
        self._flip_button.tooltip = (
            "the smallest change to one or two features that crosses the threshold"
        )
        self._apply_button = button(description="Apply flip", disabled=True)
        self._reset_button = button(description="Reset")
        self._save_button = button(description="Save scenario", icon="save")
        self._note = widgets.Text(placeholder="note for the reviewer (optional)")
        if core.threshold is None:  # a regression model without a threshold has nothing to cross
            self._flip_button.disabled = True
            self._flip_button.tooltip = "give whatif(..., threshold=VALUE) to search for a flip"
        self._flip_button.on_click(lambda _: self._act(self._flip_clicked))
        self._apply_button.on_click(lambda _: self._act(self.apply_flip))
        self._reset_button.on_click(lambda _: self._act(self.reset))
        self._save_button.on_click(lambda _: self._act(self._save_clicked))
        grid = widgets.GridBox(
            controls,
            layout=widgets.Layout(
                grid_template_columns=f"repeat(auto-fill, minmax({CONTROL_WIDTH}, 1fr))",
                grid_gap="2px 16px",
            ),
        )
        actions = widgets.HBox(
            [self._flip_button, self._apply_button, self._reset_button, self._save_button,
             self._note],
            layout=widgets.Layout(flex_flow="row wrap", align_items="center"),
        )  # fmt: skip
        title = widgets.HTML(f"<b>What-if</b>, row {_escape(core.row)}")
        self.view = widgets.VBox(
            [title, grid, self._prediction, self._attributions, actions, self._flip,
             self._status, self._hide],
        )  # fmt: skip
        self.view.add_class("jp-mlops-whatif")
        self._refresh()

    # -- scripted use --------------------------------------------------------------------------
    @property
    def values(self) -> dict[str, Any]:
        return self.core.values

    @property
    def original(self) -> dict[str, Any]:
        return self.core.original

    @property
    def changed(self) -> dict[str, tuple[Any, Any]]:
        return self.core.changed

    @property
    def prediction(self) -> float:
        return self.core.prediction

    @property
    def controls(self) -> tuple[Control, ...]:
        return self.core.controls

    def update(self, **changes: Any) -> WhatIfWidget:
        """Change values as a script (the controls move too); returns ``self``."""
        self.core.update(**changes)
        self._sync_controls()
        self._refresh()
        return self

    def reset(self) -> WhatIfWidget:
        self.core.reset()
        self._sync_controls()
        self._refresh()
        return self

    def nearest_flip(self, **kwargs: Any) -> Flip:
        """The counterfactual nearest to the current values (see ``WhatIf.nearest_flip``)."""
        flip = self.core.nearest_flip(**kwargs)
        self._flip_from = self.core.values
        self._refresh()
        return flip

    def apply_flip(self) -> WhatIfWidget:
        """Move to the counterfactual the last search found."""
        flip = self.core.last_flip
        if flip is None:
            raise MlopsError("no nearest flip was searched for yet", "call nearest_flip() first")
        if self._flip_state() != "current":
            raise MlopsError(
                "the values changed since the flip was found", "search again with nearest_flip()"
            )
        return self.update(**flip.values)

    def save_scenario(self, note: str | None = None) -> Entry:
        """Record what was explored as a ``whatif.saved`` ledger entry; returns the entry."""
        from .explanations.scenario import record_scenario_here

        scenario = self.core.scenario(note)
        scenario["data"] = self._data
        self.entry = record_scenario_here(
            scenario, project=self._project, notebook=self._notebook, actor=self._actor
        )
        self._status.value = (
            f'<span class="jp-mlops-whatif-saved">scenario saved: ledger entry '
            f"{_escape(self.entry.short_id)}</span>"
        )
        return self.entry

    # -- the view ------------------------------------------------------------------------------
    def _control(self, control: Control) -> Any:
        import ipywidgets as widgets

        value = self.core.values[control.name]
        common = {
            "description": control.name,
            "description_allow_html": False,
            "tooltip": f"{control.name}: {control.source}",
            "style": {"description_width": LABEL_WIDTH},
            # the grid stretches each control over its cell ("100%" would overflow it by the
            # widget's margins); beside a "missing" box the control takes the room left
            "layout": widgets.Layout(width="auto", flex="1 1 auto"),
        }
        if control.kind == "category":
            labels = [
                ("(missing)" if o is None else str(o), i) for i, o in enumerate(control.options)
            ]
            widget = widgets.Dropdown(options=labels, value=control.options.index(value), **common)
        else:
            assert control.low is not None and control.high is not None
            shown = value if value is not None else (control.low + control.high) / 2
            if control.integer:
                kind, readout, shown = widgets.IntSlider, ",d", round(float(shown))
            else:
                kind, readout = widgets.FloatSlider, _readout(control.step or 1.0)
            widget = kind(
                min=control.low, max=control.high, step=control.step, value=shown,
                continuous_update=False, readout_format=readout, disabled=value is None,
                readout=value is not None, **common,
            )  # fmt: skip
        widget.observe(partial(self._changed, control), names="value")
        missing = None
        if control.missing and control.kind == "number":  # categories offer "(missing)"
            missing = widgets.Checkbox(
                value=value is None, description="missing", indent=False,
                layout=widgets.Layout(width="80px"),
            )  # fmt: skip
            missing.observe(partial(self._missing_toggled, control), names="value")
        self._inputs[control.name] = (widget, missing)
        if missing is None:
            return widget
        return widgets.HBox([widget, missing], layout=widgets.Layout(width="auto"))

    def _changed(self, control: Control, change: dict[str, Any]) -> None:
        if self._syncing:
            return
        value = change["new"]
        if control.kind == "category":
            value = control.options[value]
        else:
            _, missing = self._inputs[control.name]
            if missing is not None and missing.value:
                self._set(missing, False)  # moving the slider gives the column a value
        self._act(lambda: self.update(**{control.name: value}))

    def _missing_toggled(self, control: Control, change: dict[str, Any]) -> None:
        if self._syncing:
            return
        widget, _ = self._inputs[control.name]
        self._act(lambda: self.update(**{control.name: None if change["new"] else widget.value}))

    def _flip_clicked(self) -> None:
        from .explanations.flip import FLIP_BUDGET, FLIP_SECONDS

        self._status.value = (  # sent at once: the browser shows it while the search runs
            f"<span {MUTED}>searching for the nearest flip (at most {FLIP_BUDGET:,} model "
            f"evaluations or {FLIP_SECONDS:g} s)...</span>"
        )
        self._flip_button.disabled = True
        try:
            self.nearest_flip()
        finally:
            self._flip_button.disabled = False
        self._status.value = ""

    def _save_clicked(self) -> None:
        self.save_scenario(self._note.value.strip() or None)

    def _act(self, action: Any) -> None:
        """Run a button's or a control's action; a problem is shown in the view, one line."""
        try:
            self._status.value = ""
            action()
        except Exception as exc:  # a callback has nowhere else to report it
            text = str(exc) if isinstance(exc, MlopsError) else f"{type(exc).__name__}: {exc}"
            self._status.value = (
                f'<span style="color:var(--jp-error-color1,#d32f2f)">{_escape(text)}</span>'
            )
            self._sync_controls()

    def _set(self, widget: Any, value: Any) -> None:
        self._syncing = True
        try:
            widget.value = value
        finally:
            self._syncing = False

    def _sync_controls(self) -> None:
        """Move the controls to the core's values (widening a slider for a value beyond it)."""
        self._syncing = True
        try:
            for control in self.core.controls:
                widget, missing = self._inputs[control.name]
                value = self.core.values[control.name]
                if missing is not None:
                    # a missing value has no position on the slider
                    missing.value = widget.disabled = value is None
                    widget.readout = value is not None
                if control.kind == "category":
                    widget.value = control.options.index(value)
                elif value is not None:
                    widget.min, widget.max = min(widget.min, value), max(widget.max, value)
                    widget.value = value
        finally:
            self._syncing = False

    def _flip_state(self) -> str:
        """``current`` (the values the flip was searched from), ``applied`` (its own values)
        or ``stale`` (changed since)."""
        flip, start, now = self.core.last_flip, self._flip_from, self.core.values
        if flip is None or start is None or start == now:
            return "current"
        return "applied" if flip.found and start | flip.values == now else "stale"

    def _refresh(self) -> None:
        from .explanations.whatif_view import attributions_html, flip_html, prediction_html

        self._prediction.value = prediction_html(self.core)
        self._attributions.value = attributions_html(self.core.attributions())
        flip, state = self.core.last_flip, self._flip_state()
        self._flip.value = flip_html(flip, state)
        self._apply_button.disabled = not (flip is not None and flip.found and state == "current")
        self._update_static()

    # -- what a saved notebook shows -----------------------------------------------------------
    def static_html(self) -> str:
        """The last state as a static table (escaped HTML)."""
        from .explanations.whatif_view import static_html

        inner = static_html(self.core, self._flip_state())
        return f'<div class="{STATIC_CLASS}" data-whatif="{self._uid}">{inner}</div>'

    def _static_bundle(self) -> dict[str, Any]:
        return {"text/html": self.static_html(), "text/plain": repr(self)}

    def _live_bundle(self) -> dict[str, Any]:
        """The live view's output (its plain text says where the last state is)."""
        mimebundle = getattr(self.view, "_repr_mimebundle_", None)  # None once closed
        bundle = dict(mimebundle()) if callable(mimebundle) else {}
        bundle["text/plain"] = (
            f"What-if view of row {self.core.row!r}: live while its kernel runs "
            "(the last state is kept in the notebook as a table)"
        )
        return bundle

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        """The live view and, for a notebook saved without it, the static table."""
        return self._live_bundle() | {"text/html": self.static_html(), "text/plain": repr(self)}

    def _ipython_display_(self) -> None:
        """Show the live view, then the static snapshot under a display id: every change
        updates the snapshot in place and never redraws the live view, and while the live
        view is shown the snapshot is hidden (so the notebook shows the state once).

        (The live view and the snapshot in one output, updated together, make JupyterLab
        redraw the live view at each change: it flashes "Loading widget..." and the slider
        being moved loses the keyboard focus.)"""
        from IPython.display import display

        display(self._live_bundle(), raw=True)
        self._display_id = self._display_id or f"mlops-whatif-{self._uid}"
        display(self._static_bundle(), raw=True, display_id=self._display_id)

    def _update_static(self) -> None:
        if self._display_id is None:
            return
        from IPython.display import update_display

        update_display(self._static_bundle(), raw=True, display_id=self._display_id)

    def __repr__(self) -> str:
        side = ""
        if self.core.threshold is not None:
            side = " (at or above" if self.core.above else " (below"
            side += f" the threshold {self.core.threshold:g})"
        return (
            f"What-if, row {self.core.row!r}: {self.core.predicts} {self.core.prediction:.4g}"
            f"{side}; changed: {', '.join(self.core.changed) or 'nothing'}"
        )


def whatif(model: Any, X: Any, row: Any = 0, *, threshold: float | None = None) -> WhatIfWidget:
    """A what-if view of one row of ``X`` (an index label) under ``model``.

    Slider ranges come from the profile of the registered data this kernel read (through
    ``jupyterlab_mlops.data.path``) when it profiles every column of ``X``, else from ``X``.
    The threshold defaults to 0.5 for a classifier; a regression needs one for the nearest
    flip. Saving a scenario finds the project, the notebook and the actor as runs do.
    """
    from .explanations.whatif import WhatIf, registered_profile

    profile, label, data = registered_profile(X)
    core = WhatIf(model, X, row, threshold=threshold, profile=profile, profile_label=label)
    return WhatIfWidget(core, data=data)


def _readout(step: float) -> str:
    """A slider's readout with as many decimals as its step needs."""
    text = f"{step:g}"
    decimals = len(text.split(".")[1]) if "." in text and "e" not in text else 0
    return f",.{decimals}f"


def _escape(value: Any) -> str:
    from html import escape

    return escape(str(value))
