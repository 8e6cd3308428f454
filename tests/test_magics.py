"""``%mlops`` in a real IPython kernel, executed through nbclient."""

from __future__ import annotations

import json
import os
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from jupyterlab_mlops.project import Project

from .helpers import ACTOR

pytestmark = pytest.mark.slow


def run_cells(
    path: Path, sources: list[str], env: dict[str, str] | None = None, save: bool = True
) -> nbformat.NotebookNode:
    """Save a notebook with these cells at ``path`` (without ``save``: an empty one, so that
    no saved notebook holds the code run) and execute it in a fresh kernel."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    if not save:
        nbformat.write(nb, path)
    nb.cells = [nbformat.v4.new_code_cell(source) for source in sources]
    if save:
        nbformat.write(nb, path)
    old = dict(os.environ)
    os.environ.update(env or {"MLOPS_NOTEBOOK": str(path)})
    try:
        NotebookClient(
            nb, timeout=120, allow_errors=True, resources={"metadata": {"path": str(path.parent)}}
        ).execute()
    finally:
        os.environ.clear()
        os.environ.update(old)
    return nb


def text_of(cell: nbformat.NotebookNode) -> str:
    parts = []
    for out in cell.outputs:
        if out.output_type == "stream":
            parts.append(out.text)
        elif out.output_type in ("display_data", "execute_result"):
            parts.append(out.data.get("text/html", "") + out.data.get("text/plain", ""))
        elif out.output_type == "error":
            parts.append(f"{out.ename}: {out.evalue}")
    return "".join(parts)


def errors_of(cell: nbformat.NotebookNode) -> list[str]:
    """What the user sees as an error: an error output, or IPython's one-line UsageError on stderr."""
    found = [f"{o.ename}: {o.evalue}" for o in cell.outputs if o.output_type == "error"]
    # the kernel may flush one message in pieces: stderr counts as one block of text
    stderr = "".join(
        o.text for o in cell.outputs if o.output_type == "stream" and o.name == "stderr"
    )
    return [*found, stderr] if stderr else found


def test_decide_list_and_status_from_a_kernel(project: Project) -> None:
    cells = [
        "%load_ext jupyterlab_mlops",
        '%mlops decide "Drop identifiers" --why "No signal, privacy risk" --tag data --tag privacy',
        'x, recall = 5, 0.8123\n%mlops decide "Cost is $x per {x + 1}, not $$x or {{x}}" '
        '--why "recall {recall:.2f} at this threshold"',
        '%%mlops decide "Use gradient boosting" --alternatives "logistic regression"\n'
        "Better AUC on the validation folds;\nmonotone constraints keep it explainable.",
        "df = %mlops decisions\nprint(type(df).__mro__[1].__name__, list(df['title']), df.loc[2, 'why'])",
        "%mlops decisions",
        "%mlops status",
        "%config MlopsMagics",
        "%mlops help",
    ]
    nb = run_cells(project.root / "train.ipynb", cells)
    assert all(not errors_of(cell) for cell in nb.cells), [errors_of(c) for c in nb.cells]
    out = [text_of(cell) for cell in nb.cells]
    assert "Recorded decision" in out[1] and "Drop identifiers" in out[1]
    # IPython expanded $x and {x + 1} in the line; $$ and {{ }} kept a literal $ and braces
    assert "Cost is 5 per 6, not $x or {x}" in out[2]
    assert (
        "DataFrame ['Drop identifiers', 'Cost is 5 per 6, not $x or {x}', 'Use gradient boosting']"
        " Better AUC" in out[4]
    )
    assert (
        "<table" in nb.cells[5].outputs[0].data["text/html"] and "No signal, privacy risk" in out[5]
    )
    assert "Fingerprint" in out[6] and "train.ipynb" in out[6]
    assert "MlopsMagics.notebook" in out[7] and "MlopsMagics.debug" in out[7]
    assert "{expression} and $name" in out[8] and "{{, }} or $$" in " ".join(out[8].split())

    decisions = [json.loads(line) for line in project.ledger_path.read_text().splitlines()][1:]
    titles = [d["payload"]["title"] for d in decisions]
    assert titles == ["Drop identifiers", "Cost is 5 per 6, not $x or {x}", "Use gradient boosting"]
    first, second, third = decisions
    assert second["payload"]["why"] == "recall 0.81 at this threshold"
    assert first["actor"] == ACTOR and first["notebook"]["path"] == "train.ipynb"
    assert first["notebook"]["fingerprint"].startswith("sha256:")
    assert first["payload"]["tags"] == ["data", "privacy"]
    assert (
        third["payload"]["why"].startswith("Better AUC")
        and "explainable" in third["payload"]["why"]
    )
    assert third["payload"]["alternatives"] == "logistic regression"

    # running the same notebook again (Run All, a papermill run) records nothing twice
    again = run_cells(project.root / "train.ipynb", cells)
    assert "Already recorded decision" in text_of(again.cells[1])
    assert len(project.ledger_path.read_text().splitlines()) == 4


def test_errors_are_one_line_with_a_hint_and_write_nothing(
    project: Project, tmp_path: Path
) -> None:
    before = project.ledger_path.read_bytes()
    nb = run_cells(
        project.root / "errors.ipynb",
        [
            "%load_ext jupyterlab_mlops",
            '%mlops decide "No reasoning"',
            "%mlops decide 'unbalanced",
            "%mlops frobnicate",
            '%mlops decide "T" --why "W" --tag "not a tag"',
            '%mlops decide "T" --why "recall {recal:.2f}"',  # a typo: nothing is recorded
            '%mlops decide "T" --why "a { alone"',
            "%mlops decide --help",
            "%mlops help",
        ],
    )
    for cell, expected in zip(
        nb.cells[1:7],
        [
            "needs its reasoning",
            "check the quotes",
            "invalid choice",
            "invalid tag",
            "cannot expand {recal:.2f} in the line: NameError",
            "cannot expand the line: expected '}'",
        ],
        strict=True,
    ):
        shown = errors_of(cell)
        assert len(shown) == 1 and expected in shown[0], shown
        assert "UsageError" in shown[0] and "Hint:" in shown[0]
        assert "Traceback" not in shown[0] and len(shown[0].strip().splitlines()) == 1
    assert "usage: %mlops decide" in text_of(nb.cells[7]) and not errors_of(nb.cells[7])
    assert "usage: %mlops" in text_of(nb.cells[8]) and "verify" in text_of(nb.cells[8])
    assert project.ledger_path.read_bytes() == before


def test_notebook_comes_from_jupyter_or_config_and_outside_a_project_says_init(
    project: Project, tmp_path: Path
) -> None:
    # Jupyter's session variable (what JupyterLab sets) is enough to find the notebook
    nb = run_cells(
        project.root / "session.ipynb",
        ["%load_ext jupyterlab_mlops", '%mlops decide "From a session" --why "JPY_SESSION_NAME"'],
        env={"JPY_SESSION_NAME": str(project.root / "session.ipynb")},
    )
    assert not errors_of(nb.cells[1])
    # nothing set and no saved notebook holds the code (tests/test_runners.py has the runners
    # whose notebook is found by its code): a clear error naming %config; then %config fixes it
    nb = run_cells(
        project.root / "unknown.ipynb",
        [
            "%load_ext jupyterlab_mlops",
            '%mlops decide "Where am I" --why "unknown"',
            "%config MlopsMagics.notebook = 'unknown.ipynb'",
            '%mlops decide "Here" --why "configured"',
        ],
        env={"MLOPS_NOTEBOOK": ""},
        save=False,
    )
    assert "MlopsMagics.notebook" in errors_of(nb.cells[1])[0]
    assert not errors_of(nb.cells[3])
    paths = [json.loads(line)["notebook"] for line in project.ledger_path.read_text().splitlines()][
        1:
    ]
    assert [p["path"] for p in paths] == ["session.ipynb", "unknown.ipynb"]

    outside = tmp_path.parent / f"{tmp_path.name}-outside"
    outside.mkdir()
    nb = run_cells(outside / "loose.ipynb", ["%load_ext jupyterlab_mlops", "%mlops status"])
    assert (
        "not inside an MLOps project" in errors_of(nb.cells[1])[0]
        and "mlops init" in errors_of(nb.cells[1])[0]
    )
    nb = run_cells(
        outside / "loose.ipynb",
        ["%load_ext jupyterlab_mlops", "%mlops init --name loose", "%mlops status"],
    )
    assert "Initialised MLOps project 'loose'" in text_of(nb.cells[1]) and not errors_of(
        nb.cells[2]
    )
