"""Computing a diagnostics report: the model's outputs on both parts, then each measure (one
progress step each), then the findings under the template's thresholds (:mod:`.judge`)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any

from ..errors import MlopsError
from .balance import balance_figures, shift_figures
from .calibration import calibration_figures
from .inputs import Inputs
from .judge import all_findings
from .leakage import leakage_figures
from .metrics import RESAMPLES
from .overfit import check_metric, overfit_figures
from .policy import metric_and_bins
from .predictions import model_outputs
from .report import FORMAT, VERSION, DiagnosticsReport

STEPS = ("predictions", "overfit", "leakage", "calibration", "balance and shift")


def no_progress(total: int, description: str) -> contextlib.AbstractContextManager[Any]:
    @contextlib.contextmanager
    def bar() -> Iterator[Callable[[int], None]]:
        yield lambda _n: None

    return bar()


def build_report(
    model: Any,
    inputs: Inputs,
    limits: dict[str, Any],
    *,
    pii: dict[str, list[str]] | None = None,
    seed: int = 0,
    resamples: int = RESAMPLES,
    progress: Callable[[int, str], Any] | None = None,
) -> DiagnosticsReport:
    """Every figure and finding of ``model`` on ``inputs`` under ``limits``
    (:func:`.policy.thresholds`)."""
    metric, bins = metric_and_bins(limits, inputs.task)
    metric = check_metric(metric, inputs.task)
    if isinstance(bins, bool) or not isinstance(bins, int) or not 2 <= bins <= 100:
        raise MlopsError(f"calibrated: bins must be a whole number 2-100, not {bins!r}",
                         "fix the check's args in the template")  # fmt: skip
    with (progress or no_progress)(len(STEPS), "diagnostics") as advance:
        labels = metric == "accuracy"
        train = model_outputs(model, inputs, inputs.X_train, labels=labels)
        test = model_outputs(model, inputs, inputs.X_test, labels=labels)
        advance(1)
        overfit = overfit_figures(metric, inputs, train, test, seed=seed, resamples=resamples)
        advance(1)
        leakage = leakage_figures(inputs, pii or {})
        advance(1)
        calibration = None
        if inputs.task == "classification":
            calibration = calibration_figures(
                inputs.y_test, test, bins=bins, seed=seed, resamples=resamples
            )
        advance(1)
        balance = balance_figures(inputs)
        shift = shift_figures(inputs)
        advance(1)
    figures = {
        "overfit": overfit,
        "leakage": leakage,
        "calibration": calibration,
        "balance": balance,
        "shift": shift,
    }
    return DiagnosticsReport(
        {
            "format": FORMAT,
            "version": VERSION,
            "task": inputs.task,
            "model": {"class": type(model).__name__, "final": _final(model)},
            "target": inputs.target_name,
            "classes": None if inputs.classes is None else [str(c) for c in inputs.classes],
            "rows": {"train": len(inputs.X_train), "test": len(inputs.X_test)},
            "seed": seed,
            "resamples": resamples,
            "thresholds": limits,
            **figures,
            "findings": all_findings(figures, limits),
        }
    )


def _final(model: Any) -> str:
    """The last step of a pipeline (the estimator), by class name."""
    steps = getattr(model, "steps", None)
    if isinstance(steps, list) and steps:
        return type(steps[-1][1]).__name__
    return type(model).__name__
