"""An ``explanation.recorded`` entry written straight to the ledger, in the recorder's payload
format, for tests of the checklist item and for fixtures that need every item to pass (their
runs log metrics but train no model to explain)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jupyterlab_mlops.kinds import EXPLANATION_RECORDED, RUN_LOGGED
from jupyterlab_mlops.ledger import Entry
from jupyterlab_mlops.notebooks import notebook_state
from jupyterlab_mlops.project import Project

from . import ACTOR

#: every kind of evidence a full report records
ALL_KINDS = ["global", "dependence", "interactions", "local", "stability", "cohorts", "additivity"]


def record_explanation(
    project: Project,
    notebook: Path | None,
    run_id: str | None = None,
    **changes: Any,
) -> Entry:
    """Record an explanation of ``run_id`` (default: the latest run) at the saved version of
    ``notebook`` (None: made outside any notebook), naming the data versions that run read
    (while it is open: those the latest recorded run read); ``changes`` override payload
    fields."""
    recorded = project.ledger.entries(RUN_LOGGED)
    run_id = run_id or recorded[-1].payload["run_id"]
    run = next((e for e in recorded if e.payload["run_id"] == run_id), recorded[-1])
    versions = [{k: d[k] for k in ("name", "version", "md5", "entry")} for d in run.payload["data"]]
    payload: dict[str, Any] = {
        "run_id": run_id,
        "kinds": ALL_KINDS,
        "explainer": "tree",
        "space": "log-odds of class 1",
        "rows": {"given": 60, "explained": 60, "sampled": False, "seed": 0},
        "model": {"class": "HistGradientBoostingClassifier", "digest": "0" * 64},
        "data": {"digest": "1" * 64, "versions": versions},
        "top": [{"feature": "debt_to_income", "importance": 0.4, "ci_low": 0.3, "ci_high": 0.5}],
        "additivity": {"max_error": 2e-7, "tolerance": 1e-4, "ok": True},
        "stability": {"median_rank_correlation": 0.97, "unstable": []},
        "cohorts": {"by": ["sex"], "groups": 2},
        "artifacts": "explanations/4f2a9c01",
        **changes,
    }
    links = [f"mlflow-run:{run_id}", *(f"entry:{v['entry']}" for v in versions)]
    return project.ledger.append(
        EXPLANATION_RECORDED,
        payload,
        actor=ACTOR,
        notebook=None if notebook is None else notebook_state(project, notebook).ref(),
        links=links,
    )
