"""``fairness``: a model's labels and predictions held in the kernel, assessed across the
groups of the sensitive columns (magic only: it names the kernel's variables), recorded as
evidence of a run."""

from __future__ import annotations

import argparse
from typing import Any

from ..render import View
from .base import Handler, Invocation, ReportView, add_command, progress_for


def add_commands(sub: argparse._SubParsersAction) -> None:
    """Add this group's subcommands to ``sub``."""
    fairness = add_command(
        sub,
        "fairness",
        "assess performance across groups: per-group metrics with intervals, disparities, "
        "the policy's verdict (magic only)",
        "Compares the kernel's labels Y_TRUE and predictions Y_PRED across the groups of the "
        "sensitive columns and of each pair's intersection: size, selection rate, TPR, FPR, "
        "FNR, precision (ROC AUC with --scores; mean error and MAE for regression) with "
        "bootstrap intervals, and the disparities between the groups large enough to judge, "
        "judged by the policy the project's template sets for its risk tier. The report is "
        "logged to the open run (or --run) with one ledger entry. In Python: "
        "jupyterlab_mlops.fairness(y_true, y_pred, groups, scores=..., run=...).",
    )
    fairness.add_argument("y_true", metavar="Y_TRUE", help="the kernel variable holding the labels")
    fairness.add_argument(
        "y_pred", metavar="Y_PRED", nargs="?", help="the kernel variable holding the predictions"
    )
    fairness.add_argument(
        "--sensitive",
        action="append",
        metavar="NAME",
        help="a kernel variable holding the sensitive columns (a DataFrame or Series on "
        "Y_TRUE's rows), or a column of a DataFrame named by an earlier --sensitive; repeat "
        "for several (default: the columns declared sensitive at data registration)",
    )
    fairness.add_argument(
        "--scores", metavar="S", help="the kernel variable holding positive-class probabilities"
    )
    fairness.add_argument(
        "--threshold", type=float, help="predictions are scores >= THRESHOLD (without Y_PRED)"
    )
    fairness.add_argument("--name", metavar="N", help="a name for the assessment")
    fairness.add_argument(
        "--run", metavar="RUN", help="the recorded run to attach it to (id, `last`, `last~N`)"
    )
    fairness.add_argument("--seed", type=int, default=0, help="seed of the resamples")
    fairness.add_argument(
        "--resamples", type=int, default=1000, help="bootstrap resamples (default 1000)"
    )


def _fairness(args: argparse.Namespace, where: Invocation) -> View:
    from ..fairness_assessment.api import fairness  # lazy: fairlearn, pandas, matplotlib

    y_true = where.variable(args.y_true)
    y_pred = where.variable(args.y_pred) if args.y_pred else None
    sensitive = _sensitive(where, args.sensitive) if args.sensitive else None
    scores = where.variable(args.scores) if args.scores else None
    report = fairness(
        y_true,
        y_pred,
        sensitive,
        scores=scores,
        threshold=args.threshold,
        name=args.name,
        run=args.run,
        resamples=args.resamples,
        seed=args.seed,
        progress=progress_for(where),
        notebook=where.notebook,
    )
    return ReportView(report)


def _sensitive(where: Invocation, names: list[str]) -> Any:
    """The sensitive columns named: each NAME a kernel variable (a DataFrame or Series), or a
    column of a DataFrame named by an earlier NAME, which then gives only the columns picked
    (``--sensitive groups_test --sensitive sex``: sex of groups_test)."""
    import pandas as pd

    from ..errors import MlopsError

    parts: list[tuple[Any, list[str]]] = []  # (frame, columns picked from it)
    for name in names:
        owner = next((p for p in parts if name in p[0].columns), None)
        if owner is not None and name not in (where.namespace or {}):
            owner[1].append(name)
            continue
        value = where.variable(name)
        if isinstance(value, pd.Series):
            value = value.to_frame(name=value.name if value.name is not None else name)
        if not isinstance(value, pd.DataFrame):
            raise MlopsError(
                f"--sensitive {name} is a {type(value).__name__}, not a DataFrame or Series",
                "name a kernel variable holding the sensitive columns on Y_TRUE's rows",
            )
        parts.append((value, []))
    frames = [frame[picked] if picked else frame for frame, picked in parts]
    return frames[0] if len(frames) == 1 else pd.concat(frames, axis=1)


HANDLERS: dict[str, Handler] = {"fairness": _fairness}
