"""``%mlops`` finds its notebook under every runner, and a decision replayed by another runner
is the same decision.

Each test runs one small project notebook with a real runner (papermill's CLI and API,
``jupyter nbconvert --execute``, nbclient, a kernel told its notebook the way VS Code and
JupyterLab tell it) in a real kernel, then reads back the ledger and the MLflow run. Nothing
names the notebook for the kernel (no ``MLOPS_NOTEBOOK``, no ``%config``) unless the test says so.
"""

from __future__ import annotations

import json
import os
import queue
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import nbformat
import pytest

from jupyterlab_mlops.notebooks import notebook_state
from jupyterlab_mlops.project import Project, find_project

from .helpers import ACTOR

pytestmark = pytest.mark.slow

BIN = Path(sys.executable).parent
CELLS = [
    ("load", "%load_ext jupyterlab_mlops"),
    ("params", "seed = 7"),
    ("decide", '%mlops decide "Fix the seed" --why "every run is reproducible" --tag validation'),
    (
        "fit",
        "import jupyterlab_mlops\n"
        'with jupyterlab_mlops.run("fit") as run:\n'
        "    run.log(score=seed / 100)",
    ),
    ("review", '%mlops decide "Score in percent" --why "easier to read" --tag evaluation'),
]
DECISIONS = 2  # decide cells in CELLS


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [sys.executable, "-m", "jupyterlab_mlops.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "MLOPS_USER": ACTOR},
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done


def _make_project(root: Path) -> Project:
    """A project made with ``mlops init``, holding ``train.ipynb`` (cells with ids, a tagged
    parameters cell)."""
    root.mkdir(parents=True)
    _cli("init", "--name", "runners", cwd=root)
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    for cell_id, source in CELLS:
        cell = nbformat.v4.new_code_cell(source)
        cell.id = cell_id
        if cell_id == "params":
            cell.metadata["tags"] = ["parameters"]
        nb.cells.append(cell)
    nbformat.write(nb, root / "train.ipynb")
    return find_project(root)


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """One project for the runner tests of this module (each adds its own run)."""
    return _make_project(tmp_path_factory.mktemp("runners") / "project")


@pytest.fixture
def elsewhere(tmp_path: Path) -> Path:
    """A folder with no notebook in it, to run a kernel or a command from."""
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    return folder


def _entries(project: Project, kind: str) -> list[dict[str, Any]]:
    lines = project.ledger_path.read_text(encoding="utf-8").splitlines()
    return [e for e in map(json.loads, lines) if e["kind"] == kind]


def _check_run(project: Project, runs_before: int, seed: int) -> None:
    """The one run this runner added is bound to train.ipynb, its fingerprint and its cell,
    in the ledger and in MLflow; the decisions were not recorded again."""
    runs = _entries(project, "run.logged")
    assert len(runs) == runs_before + 1, "the notebook's run was not recorded"
    entry = runs[-1]
    state = notebook_state(project, project.root / "train.ipynb")
    assert entry["notebook"] == {"path": "train.ipynb", "fingerprint": state.fingerprint}
    assert entry["payload"]["cell"]["id"] == "fit"
    assert entry["payload"]["metrics"] == {"score": seed / 100}
    import mlflow

    client = mlflow.MlflowClient(f"sqlite:///{project.mlops_dir / 'mlflow' / 'mlflow.db'}")
    tags = client.get_run(entry["payload"]["run_id"]).data.tags
    assert tags["mlflow.source.name"] == "train.ipynb"
    assert tags["mlflow.source.type"] == "NOTEBOOK"
    assert tags["mlops.notebook.fingerprint"] == state.fingerprint
    assert tags["mlops.cell.id"] == "fit"
    decisions = _entries(project, "decision.recorded")
    assert len(decisions) == DECISIONS, [d["payload"]["cell"] for d in decisions]
    assert {d["notebook"]["path"] for d in decisions} == {"train.ipynb"}


def _kernel_run(
    project: Project,
    cwd: Path,
    env: dict[str, str] | None = None,
    setup: str | None = None,
    cell_ids: bool = False,
) -> list[str]:
    """Run train.ipynb's cells in a kernel started in ``cwd`` the way a front end does: the
    optional ``setup`` code silently first (as VS Code does), each cell's id in the request's
    metadata if ``cell_ids`` (as JupyterLab does). Returns what went to stderr, per cell."""
    from jupyter_client.manager import start_new_kernel

    km, kc = start_new_kernel(cwd=str(cwd), env={**os.environ, **(env or {})})
    errors: list[str] = []
    try:
        if setup:
            kc.execute_interactive(setup, silent=True, timeout=60)
        for cell_id, source in CELLS:
            content = {"code": source, "silent": False, "store_history": True,
                       "user_expressions": {}, "allow_stdin": False, "stop_on_error": False}  # fmt: skip
            msg = kc.session.msg(
                "execute_request", content, metadata={"cellId": cell_id} if cell_ids else {}
            )
            kc.shell_channel.send(msg)
            stderr = []
            while True:
                try:
                    out = kc.get_iopub_msg(timeout=120)
                except queue.Empty:
                    raise AssertionError(f"cell {cell_id} timed out") from None
                if out["parent_header"].get("msg_id") != msg["header"]["msg_id"]:
                    continue
                if out["msg_type"] == "stream" and out["content"]["name"] == "stderr":
                    stderr.append(out["content"]["text"])
                elif out["msg_type"] == "error":
                    stderr.append(f"{out['content']['ename']}: {out['content']['evalue']}")
                elif out["msg_type"] == "status" and out["content"]["execution_state"] == "idle":
                    break
            errors.append("".join(stderr))
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    return errors


def _no_errors(executed: Path) -> None:
    nb = nbformat.read(executed, as_version=4)
    problems = [
        o.get("text") or f"{o.get('ename')}: {o.get('evalue')}"
        for cell in nb.cells
        for o in cell.get("outputs", [])
        if o.output_type == "error" or o.get("name") == "stderr"
    ]
    assert not problems, problems


def test_jupyterlab_session_names_the_notebook(shared: Project, elsewhere: Path) -> None:
    before = len(_entries(shared, "run.logged"))
    errors = _kernel_run(
        shared, elsewhere, env={"JPY_SESSION_NAME": str(shared.root / "train.ipynb")}, cell_ids=True
    )
    assert not any(errors), errors
    _check_run(shared, before, seed=7)


def test_papermill_cli_as_the_example_says(shared: Project) -> None:
    before = len(_entries(shared, "run.logged"))
    done = subprocess.run(
        [str(BIN / "papermill"), "train.ipynb", "out.ipynb", "-p", "seed", "11"],
        cwd=shared.root,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    _no_errors(shared.root / "out.ipynb")
    _check_run(shared, before, seed=11)


def test_papermill_cli_with_another_working_folder(shared: Project, elsewhere: Path) -> None:
    """``papermill --cwd DIR`` runs the kernel in DIR; the notebook is found from the folder
    papermill was started in (``$PWD``, as a shell sets it)."""
    before = len(_entries(shared, "run.logged"))
    done = subprocess.run(
        [str(BIN / "papermill"), "train.ipynb", "cwd-out.ipynb", "-p", "seed", "17",
         "--cwd", str(elsewhere)],
        cwd=shared.root, capture_output=True, text=True, timeout=300,
        env={**os.environ, "PWD": str(shared.root)},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    _no_errors(shared.root / "cwd-out.ipynb")
    _check_run(shared, before, seed=17)


def test_papermill_api_from_inside_another_notebook(
    shared: Project, elsewhere: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Called from a JupyterLab notebook, papermill's kernel inherits that notebook's
    JPY_SESSION_NAME; the notebook it runs is still the one bound."""
    import papermill

    caller = shared.root / "caller.ipynb"
    nbformat.write(
        nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("import papermill")]), caller
    )
    monkeypatch.setenv("JPY_SESSION_NAME", str(caller))
    before = len(_entries(shared, "run.logged"))
    output = elsewhere / "api-out.ipynb"
    papermill.execute_notebook(
        str(shared.root / "train.ipynb"),
        str(output),
        parameters={"seed": 13},
        cwd=str(shared.root),
        progress_bar=False,
    )
    _no_errors(output)
    _check_run(shared, before, seed=13)
    caller.unlink()


def test_nbconvert_execute_beside_an_earlier_copy(shared: Project, elsewhere: Path) -> None:
    """``jupyter nbconvert --to notebook --execute`` runs the kernel in the notebook's folder;
    the copy an earlier run left there (train.nbconvert.ipynb) holds the same code."""
    shutil.copy(shared.root / "train.ipynb", shared.root / "train.nbconvert.ipynb")
    before = len(_entries(shared, "run.logged"))
    done = subprocess.run(
        [str(BIN / "jupyter"), "nbconvert", "--to", "notebook", "--execute",
         str(shared.root / "train.ipynb")],
        cwd=elsewhere, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    _no_errors(shared.root / "train.nbconvert.ipynb")
    _check_run(shared, before, seed=7)


def test_nbclient(shared: Project) -> None:
    from nbclient import NotebookClient

    before = len(_entries(shared, "run.logged"))
    nb = nbformat.read(shared.root / "train.ipynb", as_version=4)
    NotebookClient(nb, timeout=300, resources={"metadata": {"path": str(shared.root)}}).execute()
    for cell in nb.cells:
        assert not [o for o in cell.outputs if o.get("name") == "stderr"], cell.outputs
    _check_run(shared, before, seed=7)


def test_vscode_names_the_notebook(shared: Project, elsewhere: Path) -> None:
    """VS Code's Jupyter extension sets ``__vsc_ipynb_file__`` in the kernel (here run where
    nothing could be found by searching)."""
    before = len(_entries(shared, "run.logged"))
    setup = f"__vsc_ipynb_file__ = {str(shared.root / 'train.ipynb')!r}"
    errors = _kernel_run(shared, elsewhere, env={"PWD": str(elsewhere)}, setup=setup)
    assert not any(errors), errors
    _check_run(shared, before, seed=7)


def test_a_notebook_named_by_hand_binds_runs_too(shared: Project, elsewhere: Path) -> None:
    """``%config MlopsMagics.notebook`` names it for the magics and for ``jupyterlab_mlops.run``
    (a kernel where nothing could be found by searching)."""
    before = len(_entries(shared, "run.logged"))
    setup = (
        "%load_ext jupyterlab_mlops\n"
        f"%config MlopsMagics.notebook = {str(shared.root / 'train.ipynb')!r}"
    )
    errors = _kernel_run(shared, elsewhere, env={"PWD": str(elsewhere)}, setup=setup)
    assert not any(errors), errors
    _check_run(shared, before, seed=7)


def test_the_answer_is_remembered_for_the_kernel(tmp_path: Path) -> None:
    """Once found, later magics do not search again: a copy of the notebook made meanwhile
    (which would tie with it) changes nothing."""
    from nbclient import NotebookClient

    project = _make_project(tmp_path / "project")
    cells = [
        "%load_ext jupyterlab_mlops",
        '%mlops decide "First" --why "found by searching"',
        'import shutil\nshutil.copy("solo.ipynb", "copy.ipynb")',
        '%mlops decide "Second" --why "remembered"',
    ]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(nb, project.root / "solo.ipynb")
    NotebookClient(nb, timeout=300, resources={"metadata": {"path": str(project.root)}}).execute()
    assert not [o for c in nb.cells for o in c.outputs if o.get("name") == "stderr"]
    decisions = _entries(project, "decision.recorded")
    assert [d["notebook"]["path"] for d in decisions] == ["solo.ipynb", "solo.ipynb"]


def test_a_kernel_that_cannot_know_says_so(shared: Project, elsewhere: Path) -> None:
    """A kernel run far from any notebook holding its code: the clear error, nothing recorded."""
    before = len(shared.ledger_path.read_text().splitlines())
    errors = _kernel_run(shared, elsewhere, env={"PWD": str(elsewhere)})
    assert "cannot tell which notebook this kernel runs" in errors[2], errors
    assert "MlopsMagics.notebook" in errors[2]
    # the run cell still ran (unbound, in the project found from the kernel's folder: none)
    assert len(shared.ledger_path.read_text().splitlines()) == before


def test_a_bare_ipython_shell_has_no_notebook(shared: Project) -> None:
    """IPython in a terminal, even in the notebook's folder and typing the notebook's code."""
    script = shared.root / "typed.ipy"
    script.write_text(f"{CELLS[0][1]}\n{CELLS[2][1]}\n", encoding="utf-8")
    before = len(shared.ledger_path.read_text().splitlines())
    done = subprocess.run(
        [str(BIN / "ipython"), "--no-banner", "--colors=nocolor", str(script)],
        cwd=shared.root, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    script.unlink()
    assert "cannot tell which notebook this kernel runs" in done.stdout + done.stderr
    assert len(shared.ledger_path.read_text().splitlines()) == before


def test_one_decision_per_cell_across_runners(tmp_path: Path) -> None:
    """JupyterLab (cell ids sent), then papermill (a parameters cell injected, no ids), then a
    clean run (``mlops check --run``): one decision per decide cell, each bound to its cell."""
    project = _make_project(tmp_path / "project")
    errors = _kernel_run(
        project,
        project.root,
        env={"JPY_SESSION_NAME": str(project.root / "train.ipynb")},
        cell_ids=True,
    )
    assert not any(errors), errors
    done = subprocess.run(
        [str(BIN / "papermill"), "train.ipynb", "out.ipynb", "-p", "seed", "11"],
        cwd=project.root, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    _cli("check", "train.ipynb", "--run", cwd=project.root)
    assert len(_entries(project, "run.logged")) == 3  # all three runners ran the notebook
    listed = json.loads(_cli("decisions", "--json", cwd=project.root).stdout)
    items = listed["decisions"] if isinstance(listed, dict) else listed
    assert [(d["title"], d["cell_id"]) for d in items] == [
        ("Fix the seed", "decide"),
        ("Score in percent", "review"),
    ]


# -- the search itself, on saved notebooks (no kernel) ----------------------------------------
def _saved(path: Path, sources: list[str], papermill_input: str | None = None) -> Path:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])
    if papermill_input is not None:
        nb.metadata["papermill"] = {"input_path": papermill_input, "output_path": str(path)}
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


def test_the_search_picks_settles_or_names_the_candidates(tmp_path: Path) -> None:
    from jupyterlab_mlops.locate import find_notebook

    code = ["import math", "x = math.pi", "%mlops decide 'x' --why 'y'"]
    ran, current = code[:2], code[2]
    _saved(tmp_path / "a.ipynb", code)
    _saved(tmp_path / "b.ipynb", code)
    _saved(tmp_path / "partial.ipynb", code[1:])  # holds fewer of the cells run
    _saved(tmp_path / "history-only.ipynb", [*ran, "y = 1"])  # not the running cell
    found, problem = find_notebook(ran, current, [tmp_path])
    assert found is None and "a.ipynb, b.ipynb" in str(problem)
    # the runner's command line (papermill a.ipynb ..., nbconvert --execute a.ipynb) settles it
    assert find_notebook(ran, current, [tmp_path], ["papermill", "a.ipynb", "o.ipynb"]) == (
        tmp_path / "a.ipynb",
        None,
    )
    (tmp_path / "b.ipynb").rename(tmp_path / "a.nbconvert.ipynb")  # nbconvert's earlier copy
    assert find_notebook(ran, current, [tmp_path]) == (tmp_path / "a.ipynb", None)

    # papermill's output (written before it runs, with the injected cell) stands for its input
    (tmp_path / "a.nbconvert.ipynb").unlink()
    _saved(tmp_path / "runs" / "out.ipynb", ["seed = 1", *code], papermill_input="a.ipynb")
    assert find_notebook(["seed = 1", *ran], current, [tmp_path]) == (tmp_path / "a.ipynb", None)
    (tmp_path / "a.ipynb").unlink()
    found, problem = find_notebook(["seed = 1", *ran], current, [tmp_path])
    assert found is None and "papermill's output of a.ipynb" in str(problem)
    assert find_notebook([], None, [tmp_path])[0] is None


def test_the_search_is_bounded(tmp_path: Path) -> None:
    from jupyterlab_mlops.locate import MAX_DEPTH, find_notebook

    code = ["%load_ext jupyterlab_mlops", "%mlops status"]
    (tmp_path / "venv-like").mkdir()
    (tmp_path / "venv-like" / "pyvenv.cfg").write_text("home = /usr/bin\n")
    for folder in [".hidden", ".ipynb_checkpoints", "node_modules", "venv-like",
                   "/".join(["deep"] * (MAX_DEPTH + 1))]:  # fmt: skip
        _saved(tmp_path / folder / "train.ipynb", code)
    found, problem = find_notebook(code[:1], code[1], [tmp_path])
    assert found is None and "searched 3 folders deep" in str(problem)
    _saved(tmp_path / "/".join(["deep"] * MAX_DEPTH) / "train.ipynb", code)
    assert find_notebook(code[:1], code[1], [tmp_path])[0] == (
        tmp_path / "/".join(["deep"] * MAX_DEPTH) / "train.ipynb"
    )
