"""A high-risk project whose notebook passes every checklist item but the sign-offs (its
documentation generated, no point missing), for the sign-off and people tests."""

from __future__ import annotations

from pathlib import Path

from jupyterlab_mlops import data
from jupyterlab_mlops.checklists.cleanrun import clean_run
from jupyterlab_mlops.data.register import register_data, review_data
from jupyterlab_mlops.decisions import record_decision
from jupyterlab_mlops.experiments import runs
from jupyterlab_mlops.project import Project, find_project

from . import ACTOR, git_project, make_notebook
from .analyses import record_analyses
from .documents import document_fully


def ready_project(base: Path, sources: list[str]) -> Project:
    """``base/credit`` (git, registered and reviewed data, decisions, a run and its explanation,
    a clean run) with ``train.ipynb`` made of ``sources`` (the first cell tagged
    ``parameters``), authored by ``ACTOR``; no roles configured yet."""
    project = find_project(git_project(base / "credit", rows=300, seed=4))
    notebook = make_notebook(project.root / "train.ipynb", sources, tags={0: ["parameters"]})
    register_data(project, project.root / "data" / "applications.csv", actor=ACTOR)
    review_data(project, "applications", decision="Identifiers are dropped", actor=ACTOR)
    for tag in ("data", "model", "evaluation"):
        record_decision(
            project, title=tag, why="because", tags=[tag], actor=ACTOR, notebook=notebook
        )
    data.path("applications", start=project.root)
    with runs.run("gbm", project=project, notebook=notebook) as run:
        run.log(test_roc_auc=0.8)
    (project.root / "requirements.txt").write_text("pandas==2.2.3\n")
    clean_run(project, notebook, actor=ACTOR)  # a fresh kernel runs it top to bottom
    record_analyses(project, notebook)  # the run trains no model: its figures are made up
    document_fully(project, notebook)  # the high tier's documentation, no point missing
    return project
