"""Where a fairness assessment goes: its figures, plots and HTML report into the MLflow run
under ``fairness/<id>/``, its disparities as run metrics (``fairness_sex_equalized_odds_
difference``), and one ``fairness.assessed`` ledger entry linking the run, the data versions
and the notebook version (the rules every report follows: :mod:`..experiments.evidence`)."""

from __future__ import annotations

import re
from typing import Any

from ..experiments.evidence import Target, record_report, write_report_files
from ..kinds import FAIRNESS_ASSESSED
from ..ledger import Entry
from ..project import Project


def record(
    project: Project,
    target: Target,
    report: Any,
    *,
    report_id: str,
    digests: dict[str, str | None],
    actor: str,
    notebook: dict[str, str] | None,
) -> Entry:
    """Log ``report`` to the target run and append its ledger entry (once per run and report)."""
    payload = {**report.summary(), "inputs": digests}
    return record_report(
        project,
        FAIRNESS_ASSESSED,
        target,
        report_id=report_id,
        folder="fairness",
        artifacts=lambda out: write_report_files(out, report),
        payload=payload,
        actor=actor,
        notebook=notebook,
        metrics=run_metrics(report.disparities),
    )


def run_metrics(disparities: dict[str, dict[str, Any]]) -> dict[str, float]:
    """``fairness_<feature>_<metric>`` for every measured disparity."""
    found = {}
    for feature, metrics in disparities.items():
        for metric, d in metrics.items():
            if isinstance(d.get("value"), int | float):
                found[f"fairness_{metric_name(feature)}_{metric}"] = float(d["value"])
    return found


def metric_name(text: str) -> str:
    """``sex x age band`` -> ``sex_age_band`` (what every MLflow store accepts)."""
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_") or "feature"
