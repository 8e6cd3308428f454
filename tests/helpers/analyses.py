"""Every analysis a checklist asks of a run (explanation, fairness, diagnostics), written
straight to the ledger in their recorders' formats: for fixtures that need every item to pass
(their runs log metrics but train no model to analyse)."""

from __future__ import annotations

from pathlib import Path

from jupyterlab_mlops.project import Project

from .diagnostics import record_diagnostics
from .explanations import record_explanation
from .fairness import record_fairness


def record_analyses(project: Project, notebook: Path | None) -> None:
    """An explanation, a fairness assessment and diagnostics of the latest run, all passing."""
    record_explanation(project, notebook)
    record_fairness(project, notebook)
    record_diagnostics(project, notebook)
