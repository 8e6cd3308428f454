"""``jupyterlab_mlops.fairness``: assess a model's labels and predictions across the groups of
the sensitive columns, judge the disparities under the template's policy, and record the
assessment as evidence of a run."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

from ..errors import MlopsError, NotFoundError
from ..experiments.evidence import target_run, why_not_recorded
from ..identity import current_actor
from ..kernel import current_notebook
from ..notebooks import notebook_ref
from ..progress import caller_count_factory
from ..project import locate_project
from . import evidence
from .inputs import prepare
from .policy import unmeasured
from .report import FairnessReport
from .sensitive import sensitive_frame
from .source import policy_for

#: what a report id depends on besides the inputs (bump on a change of method)
METHOD_VERSION = 2
#: the most resamples one call draws
MAX_RESAMPLES = 100_000


def fairness(
    y_true: Any,
    y_pred: Any = None,
    sensitive: Any = None,
    *,
    scores: Any = None,
    threshold: float | None = None,
    name: str | None = None,
    run: Any = None,
    resamples: int = 1000,
    seed: int = 0,
    progress: Any = None,
    notebook: str | os.PathLike[str] | None = None,
) -> FairnessReport:
    """Metrics of each group of ``sensitive`` (and of each pair's intersection) with 95%
    bootstrap intervals, disparities between the groups large enough to judge, and whether
    they are within the limits the project's template sets for its risk tier.

    ``y_true`` with two values is classification (the positive class is True, 1 or the larger
    value); many numeric values, regression. ``y_pred`` are predicted labels (or, with
    ``scores`` and ``threshold``, ``scores >= threshold``); ``scores`` (probability of the
    positive class) add ROC AUC per group. ``sensitive`` is a DataFrame, a Series or a dict of
    columns on y_true's rows (default: the columns declared sensitive at data registration,
    taken from the registered table when ``y_true`` is one of its columns). With a run (the
    open one, or ``run=``) the report is logged to it with one ``fairness.assessed`` entry.
    """
    from .compute import assess

    resamples, seed = _resamples(resamples), _seed(seed)
    if name is not None and not isinstance(name, str):
        raise MlopsError("name must be text", "e.g. name='credit model v2'")
    if progress is None:
        progress = caller_count_factory()
    inputs = prepare(y_true, y_pred, scores, threshold)
    if notebook is None:
        notebook, _ = current_notebook()
    project = locate_project(Path(notebook).parent if notebook else Path.cwd())
    if project is None and run is not None:
        raise NotFoundError("no MLOps project here to record the assessment in", "mlops init")
    target = target_run(project, run) if project is not None else None
    frame, source_text = sensitive_frame(
        sensitive, y_true, inputs.rows, inputs.index, project, target
    )
    source = policy_for(project, inputs.task)
    if source.policy is not None and unmeasured(inputs.task, source.policy):
        raise MlopsError(
            f"the fairness policy ({source.stated}) limits "
            f"{', '.join(unmeasured(inputs.task, source.policy))}, which a {inputs.task} "
            "assessment does not measure",
            "fix the fairness item's limits in the template",
        )
    data = assess(
        inputs,
        frame,
        source=source,
        sensitive_source=source_text,
        name=name,
        resamples=resamples,
        seed=seed,
        progress=progress,
    )
    report = FairnessReport(data)
    digests = {
        "y_true": _digest(inputs.y_true),
        "y_pred": _digest(inputs.y_pred),
        "scores": _digest(inputs.scores) if inputs.scores is not None else None,
        "sensitive": _frame_digest(frame),
    }
    report.report_id = _digest_json(
        {
            **digests,
            "threshold": inputs.threshold,
            "resamples": resamples,
            "seed": seed,
            "name": name,
            "policy": data["policy"],
            "method": METHOD_VERSION,
        }
    )
    report.not_recorded = why_not_recorded(project, target, "fairness")
    if project is not None and target is not None:
        report.recorded = evidence.record(
            project,
            target,
            report,
            report_id=report.report_id,
            digests=digests,
            actor=current_actor(project.root),
            notebook=notebook_ref(project, notebook),
        )
        report.run_id = target.run_id
    return report


def _resamples(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 100 <= value <= MAX_RESAMPLES:
        raise MlopsError(
            f"resamples must be a whole number from 100 to {MAX_RESAMPLES:,}, not {value!r}",
            "1000 (the default) gives stable 95% intervals",
        )
    return value


def _seed(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise MlopsError(f"seed must be a whole number of at least 0, not {value!r}", "e.g. seed=0")
    return value


def _digest(array: Any) -> str:
    import numpy as np

    return hashlib.sha256(np.ascontiguousarray(array, dtype=float).tobytes()).hexdigest()


def _frame_digest(frame: Any) -> str:
    import pandas as pd

    rows = pd.util.hash_pandas_object(frame.astype(str), index=False).to_numpy()
    return hashlib.sha256(
        json.dumps([list(map(str, frame.columns))]).encode() + rows.tobytes()
    ).hexdigest()


def _digest_json(parts: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()
