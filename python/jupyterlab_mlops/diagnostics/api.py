"""``jupyterlab_mlops.diagnose``: overfit, leakage, calibration, class balance and train/test
shift of a fitted model, judged by the template, and recorded as evidence of a run."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from ..errors import NotFoundError
from ..experiments.evidence import target_run, why_not_recorded
from ..identity import current_actor
from ..kernel import current_notebook
from ..notebooks import notebook_ref
from ..progress import caller_count_factory
from ..project import locate_project
from . import evidence
from .inputs import check_inputs

#: what a report id depends on besides model, data and options (bump on a change of method)
METHOD_VERSION = 1


def diagnose(
    model: Any,
    X_train: Any,
    y_train: Any,
    X_test: Any,
    y_test: Any,
    *,
    cv: Any = None,
    run: Any = None,
    seed: int = 0,
    progress: Any = None,
    notebook: str | os.PathLike[str] | None = None,
) -> Any:
    """Diagnose ``model``, fitted on ``X_train``/``y_train``, with its held-out
    ``X_test``/``y_test``: the train-test gap of the template's headline metric with an
    interval (and ``cv``, cross-validation scores of that metric, when given), signs of
    leakage, calibration, class balance and the shift of each column between the parts.

    Judged by the project's template at its risk tier (outside a project: the shipped template
    of the task at the high tier, as the report says). The report is logged to ``run`` (a run
    object, a recorded run's id or ``'last'``; by default the run open now) with one
    ``diagnostics.recorded`` ledger entry; with no run it is shown but not recorded.
    """
    from .compute import build_report
    from .policy import thresholds

    if not isinstance(seed, int) or isinstance(seed, bool):
        from ..errors import MlopsError

        raise MlopsError(f"seed must be a whole number, not {seed!r}", "e.g. seed=0")
    if progress is None:
        progress = caller_count_factory()
    inputs = check_inputs(model, X_train, y_train, X_test, y_test, cv)
    if notebook is None:
        notebook, _ = current_notebook()
    project = locate_project(Path(notebook).parent if notebook else Path.cwd())
    if project is None and run is not None:
        raise NotFoundError("no MLOps project here to record the diagnostics in", "mlops init")
    target = target_run(project, run) if project is not None else None
    limits = thresholds(project, inputs.task)
    report = build_report(
        model,
        inputs,
        limits,
        pii=evidence.registered_pii(project, target),
        seed=seed,
        progress=progress,
    )
    digests = {
        "model": evidence.digest(model),
        "X_train": evidence.digest(inputs.X_train),
        "y_train": evidence.digest(inputs.y_train),
        "X_test": evidence.digest(inputs.X_test),
        "y_test": evidence.digest(inputs.y_test),
        "cv": evidence.digest(inputs.cv) if inputs.cv is not None else None,
    }
    report_id = evidence.report_id(
        {**digests, "seed": seed, "method": METHOD_VERSION, "thresholds": limits}
    )
    report.report_id = report_id
    report.not_recorded = why_not_recorded(project, target, "diagnose")
    if project is not None and target is not None:
        report.recorded = evidence.record(
            project,
            target,
            report,
            report_id=report_id,
            digests=digests,
            actor=current_actor(project.root),
            notebook=notebook_ref(project, notebook),
        )
        report.run_id = target.run_id
    return report
