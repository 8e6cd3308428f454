"""``jupyterlab_mlops.explain``: compute an explanation report (or take it from the cache),
and record it as evidence of a run."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from ..errors import MlopsError, NotFoundError
from ..experiments.evidence import declared_sensitive, target_run, why_not_recorded
from ..identity import current_actor
from ..kernel import current_notebook
from ..notebooks import notebook_ref
from ..progress import caller_count_factory
from ..project import Project, locate_project
from . import cache, evidence
from .inputs import as_frame, as_labels

#: what a cached report depends on besides model, data and options (bump on a change of method)
METHOD_VERSION = 1


def explain(
    model: Any,
    X: Any,
    y: Any = None,
    *,
    by: Any = None,
    rows: Any = None,
    run: Any = None,
    seed: int = 0,
    progress: Any = None,
    notebook: str | os.PathLike[str] | None = None,
) -> Any:
    """Explain ``model`` on ``X``: importance with intervals, dependence, interactions, local
    explanations, stability, cohorts (``by``) and additivity, in the original input columns.

    The report is logged to ``run`` (a run object, a recorded run's id or ``'last'``; by
    default the run open now) with one ``explanation.recorded`` ledger entry; with no run it
    is shown but not recorded. ``by`` names columns of ``X`` or gives groups aligned with it
    (default: the columns declared sensitive when the data read was registered, when in
    ``X``). The same model, data and options are answered from the project's cache.
    """
    from .compute import build_report

    if progress is None:
        progress = caller_count_factory()
    frame = as_frame(X)
    labels = as_labels(y, frame)
    if notebook is None:
        notebook, _ = current_notebook()
    project = locate_project(Path(notebook).parent if notebook else Path.cwd())
    target = target_run(project, run) if project is not None else None
    if project is None and run is not None:
        raise NotFoundError("no MLOps project here to record the explanation in", "mlops init")
    if by is None:
        by = declared_sensitive(project, target, frame.columns) or None
    digests = {
        "model": cache.digest(model),
        "X": cache.digest(frame),
        "y": cache.digest(labels) if labels is not None else None,
        "by": cache.digest(by) if by is not None else None,
    }
    report_id = cache.key(
        {**digests, "rows": _rows_key(rows), "seed": seed, "method": METHOD_VERSION}
    )
    report = _from_cache(project, report_id)
    cached = report is not None
    if report is None:
        report = build_report(model, frame, labels, by=by, rows=rows, seed=seed, progress=progress)
        cache.save(project, report_id, report.to_json())
    report.cached = cached
    report.report_id = report_id
    report.recorded = None
    report.not_recorded = why_not_recorded(project, target, "explain")
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


def _from_cache(project: Project | None, report_id: str) -> Any:
    """The cached report, or None when there is none or it cannot be read back (an older
    format, a damaged file): then it is computed again and the cache rewritten."""
    from .report import ExplanationReport

    cached = cache.load(project, report_id)
    if cached is None:
        return None
    try:
        report = ExplanationReport.from_json(cached)
        report.summary()  # reads every field the evidence needs
    except (MlopsError, KeyError, TypeError, ValueError, AttributeError, IndexError):
        return None
    return report


def _rows_key(rows: Any) -> Any:
    if rows is None:
        return None
    return [str(r) for r in (rows if isinstance(rows, list | tuple) else [rows])]
