"""Whether a decision still describes the saved notebook."""

from __future__ import annotations

from pathlib import Path

import nbformat

from jupyterlab_mlops.decisions import list_decisions, record_decision
from jupyterlab_mlops.project import Project

from .helpers import ACTOR, make_notebook

DECIDE = '%mlops decide "Use GBM" --why "AUC"'


def save_with_cell(path: Path, source: str, cell_id: str = "decide-cell") -> None:
    nb = nbformat.read(path, as_version=4)
    cell = nbformat.v4.new_code_cell(source)
    cell.id = cell_id
    nb.cells.append(cell)
    nbformat.write(nb, path)


def only_decision(project: Project, notebook: Path):
    (decision,) = list_decisions(project, notebook)
    return decision


def test_recorded_from_an_unsaved_cell_stays_current_after_saving(
    project: Project, notebook: Path
) -> None:
    # the kernel runs a new cell the browser has not saved yet
    record_decision(
        project,
        title="Use GBM",
        why="AUC",
        actor=ACTOR,
        notebook=notebook,
        cell_id="decide-cell",
        cell_source=DECIDE,
    )
    entry = project.ledger.entries("decision.recorded")[0]
    assert entry.payload["cell"]["id"] == "decide-cell" and entry.payload["cell"]["index"] is None
    assert only_decision(project, notebook).current is False  # that cell is not in the saved file

    save_with_cell(notebook, DECIDE)  # the user saves
    assert only_decision(project, notebook).current is True

    other = nbformat.read(notebook, as_version=4)
    other.cells.insert(0, nbformat.v4.new_markdown_cell("# Notes"))  # editing elsewhere is fine
    nbformat.write(other, notebook)
    assert only_decision(project, notebook).current is True

    other.cells[-1].source = DECIDE.replace("AUC", "speed")  # the decision's own cell changed
    nbformat.write(other, notebook)
    assert only_decision(project, notebook).current is False

    other.cells.pop()  # ... or was deleted
    nbformat.write(other, notebook)
    assert only_decision(project, notebook).current is False


def test_without_a_cell_the_notebook_fingerprint_decides(project: Project, notebook: Path) -> None:
    record_decision(project, title="From the CLI", why="policy", actor=ACTOR, notebook=notebook)
    assert only_decision(project, notebook).current is True
    make_notebook(notebook, ["import math", "x = math.tau"])
    assert only_decision(project, notebook).current is False


def test_project_wide_listing_makes_no_currency_claim(project: Project, notebook: Path) -> None:
    record_decision(project, title="A", why="a", actor=ACTOR, notebook=notebook)
    record_decision(project, title="B", why="b", actor=ACTOR)
    assert [d.current for d in list_decisions(project)] == [None, None]


def test_recording_the_same_decision_again_adds_nothing(project: Project, notebook: Path) -> None:
    def decide(why: str = "AUC", **kwargs):
        return record_decision(
            project, title="Use GBM", why=why, actor=ACTOR, notebook=notebook, **kwargs
        )

    first = decide(cell_id="decide-cell", cell_source=DECIDE)  # run before the notebook was saved
    save_with_cell(notebook, DECIDE)
    again = decide(
        cell_id="decide-cell", cell_source=DECIDE
    )  # saved, run again: the cell's position is known now
    assert again.repeated and again.entry.hash == first.entry.hash and again.current is True
    changed = decide(cell_id="decide-cell", cell_source=DECIDE.replace("AUC", "speed"), why="speed")
    assert not changed.repeated

    from_cli = decide(why="stated in a review")  # no cell: same notebook version is a repeat
    assert decide(why="stated in a review").repeated
    make_notebook(notebook, ["x = 2"])
    assert not decide(why="stated in a review").repeated and not from_cli.repeated
    assert len(project.ledger.entries("decision.recorded")) == 4


def test_a_cell_replayed_by_another_runner_is_the_same_decision(
    project: Project, notebook: Path
) -> None:
    """JupyterLab sends the cell's id; papermill, a clean run and a batch run send only its
    code (and papermill adds a parameters cell, so positions shift): the saved cell with that
    code is the cell, and the decision is recorded once."""
    save_with_cell(notebook, DECIDE)

    def decide(**cell: str | None):
        return record_decision(
            project, title="Use GBM", why="AUC", actor=ACTOR, notebook=notebook, **cell
        )

    first = decide(cell_id="decide-cell", cell_source=DECIDE)  # JupyterLab
    replayed = decide(cell_source=DECIDE)  # papermill, a clean run: no cell id
    assert replayed.repeated and replayed.entry.hash == first.entry.hash
    # the one entry is bound to the cell JupyterLab named
    (entry,) = project.ledger.entries("decision.recorded")
    assert entry.payload["cell"]["id"] == "decide-cell"
    # and a new notebook version whose cell ids were regenerated still has that decision once
    nb = nbformat.read(notebook, as_version=4)
    nb.cells[-1].id = "regenerated"
    nbformat.write(nb, notebook)
    assert decide(cell_source=DECIDE).repeated
    assert len(project.ledger.entries("decision.recorded")) == 1
