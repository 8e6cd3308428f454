"""``diagnose``: overfit, leakage, calibration, class balance and train/test shift of a model
held in the kernel (magic only: it names the kernel's variables), recorded as evidence of a
run."""

from __future__ import annotations

import argparse

from ..render import View
from .base import Handler, Invocation, ReportView, add_command, progress_for


def add_commands(sub: argparse._SubParsersAction) -> None:
    """Add this group's subcommands to ``sub``."""
    diagnose = add_command(
        sub,
        "diagnose",
        "diagnose a model: overfit, leakage, calibration, balance, shift (magic only)",
        "Diagnoses the kernel's MODEL, fitted on X_TRAIN/Y_TRAIN, with its held-out "
        "X_TEST/Y_TEST: the train-test gap of the template's headline metric with a bootstrap "
        "interval, signs of leakage (a single feature predicting the label, near-copies of "
        "the target, train-test duplicates, identifier-like columns, the target among the "
        "features), calibration (Brier score, ECE, reliability curve), class balance and the "
        "shift of each column between train and test, judged by the project's template. The "
        "report is logged to the open run (or --run) with one ledger entry. In Python: "
        "jupyterlab_mlops.diagnose(model, X_train, y_train, X_test, y_test, cv=..., run=...).",
    )
    for name, what in (
        ("MODEL", "the fitted model"),
        ("X_TRAIN", "the training table"),
        ("Y_TRAIN", "the training labels"),
        ("X_TEST", "the test table"),
        ("Y_TEST", "the test labels"),
    ):
        diagnose.add_argument(
            name.lower(), metavar=name, help=f"the kernel variable holding {what}"
        )
    diagnose.add_argument(
        "--cv",
        metavar="CV",
        help="the kernel variable holding cross-validation scores of the headline metric "
        "(e.g. from cross_val_score), shown next to train and test",
    )
    diagnose.add_argument(
        "--run", metavar="RUN", help="the recorded run to attach it to (id, `last`, `last~N`)"
    )
    diagnose.add_argument("--seed", type=int, default=0, help="seed of the bootstrap resamples")


def _diagnose(args: argparse.Namespace, where: Invocation) -> View:
    from ..diagnostics.api import diagnose  # lazy: scikit-learn, pandas, matplotlib

    values = [where.variable(n) for n in (args.model, args.x_train, args.y_train, args.x_test,
                                          args.y_test)]  # fmt: skip
    cv = where.variable(args.cv) if args.cv else None
    report = diagnose(
        *values,
        cv=cv,
        run=args.run,
        seed=args.seed,
        progress=progress_for(where),
        notebook=where.notebook,
    )
    return ReportView(report)


HANDLERS: dict[str, Handler] = {"diagnose": _diagnose}
