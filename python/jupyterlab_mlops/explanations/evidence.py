"""Where an explanation goes: its figures, plots and HTML report into the MLflow run under
``explanations/<id>/``, and one ``explanation.recorded`` ledger entry linking the run, the
data versions and the notebook version (the rules every report follows are in
:mod:`..experiments.evidence`)."""

from __future__ import annotations

from typing import Any

from ..experiments.evidence import Target, record_report, write_report_files
from ..kinds import EXPLANATION_RECORDED
from ..ledger import Entry
from ..project import Project


def record(
    project: Project,
    target: Target,
    report: Any,
    *,
    report_id: str,
    digests: dict[str, str],
    actor: str,
    notebook: dict[str, str] | None,
) -> Entry:
    """Log ``report`` to the target run and append its ledger entry (once per run and report)."""
    summary = report.summary()
    payload = {
        "kinds": list(report.kinds),
        **summary,
        "model": {**dict(summary.get("model") or {}), "digest": digests["model"]},
        "data": {"digest": digests["X"]},
    }
    return record_report(
        project,
        EXPLANATION_RECORDED,
        target,
        report_id=report_id,
        folder="explanations",
        artifacts=lambda out: write_report_files(out, report),
        payload=payload,
        actor=actor,
        notebook=notebook,
    )
