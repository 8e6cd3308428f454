"""``explain`` and ``whatif``: explanations of a model held in the kernel (magic only: they
name the kernel's variables), recorded as evidence of a run."""

from __future__ import annotations

import argparse
from typing import Any

from ..render import View
from .base import Handler, Invocation, ReportView, add_command, progress_for


def add_commands(sub: argparse._SubParsersAction) -> None:
    """Add this group's subcommands to ``sub``."""
    explain = add_command(
        sub,
        "explain",
        "explain a model: importance with intervals, local, stability, cohorts (magic only)",
        "Explains the kernel's MODEL on its table X in the original input columns: importance "
        "with bootstrap intervals checked against permutation importance, dependence, "
        "interactions, local explanations, stability across resamples, importance per cohort "
        "and an additivity check. The report is logged to the open run (or --run) with one "
        "ledger entry. In Python: jupyterlab_mlops.explain(model, X, y, by=..., run=...).",
    )
    explain.add_argument("model", metavar="MODEL", help="the kernel variable holding the model")
    explain.add_argument("X", metavar="X", help="the kernel variable holding its input table")
    explain.add_argument("--y", metavar="Y", help="the kernel variable holding the labels")
    explain.add_argument(
        "--by",
        action="append",
        metavar="COLUMN",
        help="compare importance across the groups of this column of X, or of this kernel "
        "variable (a Series or DataFrame on X's rows); repeat for several (default: the "
        "columns declared sensitive at data registration, when in X)",
    )
    explain.add_argument(
        "--rows", nargs="+", metavar="ROW", help="row labels of X to explain one by one"
    )
    explain.add_argument(
        "--run", metavar="RUN", help="the recorded run to attach it to (id, `last`, `last~N`)"
    )
    explain.add_argument("--seed", type=int, default=0, help="seed of samples and resamples")

    whatif = add_command(
        sub,
        "whatif",
        "explore one row's prediction with a control per input (magic only)",
        "Shows row ROW of the kernel's table X with a slider or a dropdown per input column, "
        "the model's prediction and the row's top attributions, updated on every change, and "
        "the nearest change that flips the prediction. In Python: jupyterlab_mlops.whatif().",
    )
    whatif.add_argument("model", metavar="MODEL", help="the kernel variable holding the model")
    whatif.add_argument("X", metavar="X", help="the kernel variable holding its input table")
    whatif.add_argument("--row", default="0", metavar="ROW", help="the row label (default 0)")
    whatif.add_argument(
        "--threshold", type=float, help="the score from which the prediction is positive"
    )


def _explain(args: argparse.Namespace, where: Invocation) -> View:
    from ..explanations.api import explain  # lazy: shap, scikit-learn, matplotlib

    model, X = where.variable(args.model), where.variable(args.X)
    y = where.variable(args.y) if args.y else None
    by = _groups(where, X, args.by) if args.by else None
    rows = [_label(X, r) for r in args.rows] if args.rows else None
    report = explain(
        model,
        X,
        y,
        by=by,
        rows=rows,
        run=args.run,
        seed=args.seed,
        progress=progress_for(where),
        notebook=where.notebook,
    )
    return ReportView(report)


def _whatif(args: argparse.Namespace, where: Invocation) -> View:
    from ..errors import MlopsError

    if where.interactive is None:
        raise MlopsError(
            "the what-if view is interactive: it runs in a notebook",
            "use %mlops whatif, or jupyterlab_mlops.whatif(model, X, row=...) in a kernel",
        )
    X = where.variable(args.X)
    widget = where.interactive(
        "whatif",
        model=where.variable(args.model),
        X=X,
        row=_label(X, args.row),
        threshold=args.threshold,
    )
    return _WidgetView(widget)


def _groups(where: Invocation, X: Any, names: list[str]) -> Any:
    """Columns of X by name, else kernel variables, side by side."""
    import pandas as pd

    parts = []
    for name in names:
        if name in getattr(X, "columns", ()):
            parts.append(X[name])
        else:
            value = where.variable(name)
            parts.append(value if isinstance(value, pd.DataFrame | pd.Series) else pd.Series(value))
    if len(parts) == 1:
        return parts[0]
    return pd.concat([p.to_frame() if isinstance(p, pd.Series) else p for p in parts], axis=1)


def _label(X: Any, text: str) -> Any:
    """A row label typed as the labels of X's index are (``--rows 17`` means label 17)."""
    index = getattr(X, "index", None)
    if index is not None and index.dtype.kind in "iu":
        try:
            return int(text)
        except ValueError:
            return text
    return text


class _WidgetView(View):
    returns_value = True

    def __init__(self, widget: Any) -> None:
        self.widget = widget

    def to_json(self) -> Any:
        return {"values": self.widget.values, "prediction": self.widget.prediction}

    def to_text(self) -> str:
        return repr(self.widget)

    def value(self) -> Any:
        return self.widget


HANDLERS: dict[str, Handler] = {"explain": _explain, "whatif": _whatif}
