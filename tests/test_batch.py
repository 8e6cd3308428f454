"""Batch runs through the whole gate, with real kernels (papermill), a real ledger and MLflow:
refused unless approved, parameters validated so nothing can inject code, failures recorded."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from jupyterlab_mlops import data
from jupyterlab_mlops.approvals import approval_status, sign_off
from jupyterlab_mlops.batch.run import BATCH_RUN, batch_run
from jupyterlab_mlops.checklists.evaluate import check_notebook
from jupyterlab_mlops.config import dump_config
from jupyterlab_mlops.data.register import register_data
from jupyterlab_mlops.errors import ForbiddenError, MlopsError
from jupyterlab_mlops.experiments import runs, store
from jupyterlab_mlops.lifecycle import retire
from jupyterlab_mlops.project import Project, find_project

from .helpers import ACTOR, git_project, make_notebook

BUSINESS = "Bo <bo@example.com>"
PARAMETERS = 'n = 3\nthreshold = 0.5  # range: 0..1\nlabel = "base"\nmodel = "gbm"  # choices: gbm, rf\noptions = {"a": 1}'
SCORE = """import json, pathlib
import jupyterlab_mlops
if n < 0:
    raise ValueError("n must be at least 0")
with jupyterlab_mlops.run("score") as run:
    run.log(n=n)
pathlib.Path("result.json").write_text(json.dumps({"n": n, "threshold": threshold, "label": label, "model": model, "options": options}))"""


def approve(project: Project, notebook: Path) -> None:
    sign_off(project, notebook, role="business", actor=BUSINESS, decision="approve", comment="ok")


def train(project: Project, notebook: Path) -> None:
    """The evidence run of this notebook version: it reads the registered data."""
    data.path("applications", start=project.root)
    with runs.run("training", project=project, notebook=notebook) as run:
        run.log(test_roc_auc=0.8)


def rewrite(project: Project, notebook: Path, code: str) -> None:
    """A new version of the notebook, trained and approved."""
    make_notebook(notebook, [PARAMETERS, code], tags={0: ["parameters"]})
    train(project, notebook)
    approve(project, notebook)


@pytest.fixture
def approved(tmp_path: Path) -> tuple[Project, Path]:
    """A minimal-tier project whose notebook is approved by its business owner."""
    root = git_project(tmp_path / "credit", rows=200, seed=3)
    project = find_project(root)
    config = project.config.model_copy(
        update={"risk_tier": "minimal", "roles": {"business": [BUSINESS]}}
    )
    (project.mlops_dir / "config").write_text(dump_config(config))
    project = find_project(root)
    notebook = make_notebook(root / "score.ipynb", [PARAMETERS, SCORE], tags={0: ["parameters"]})
    register_data(project, root / "data" / "applications.csv", actor=ACTOR)
    train(project, notebook)
    approve(project, notebook)
    assert approval_status(notebook, project).may_run
    return project, notebook


def entries(project: Project) -> list:
    return find_project(project.root).ledger.entries(BATCH_RUN)


def test_an_unapproved_notebook_is_refused_and_nothing_runs(approved, tmp_path: Path) -> None:
    project, _ = approved
    other = make_notebook(
        project.root / "other.ipynb", [PARAMETERS, SCORE], tags={0: ["parameters"]}
    )
    with pytest.raises(ForbiddenError, match=r"may not run in production: .*no business sign-off"):
        batch_run(project, other, {"n": 1}, actor=ACTOR)
    assert entries(project) == [] and not (project.root / "batch-runs").exists()


def test_an_approved_notebook_runs_with_validated_parameters(approved) -> None:
    project, notebook = approved
    done = batch_run(project, notebook, {"n": 5, "threshold": 1, "label": "q4"}, actor=ACTOR)
    assert done.ok, done.entry.payload
    result = json.loads((project.root / "result.json").read_text())
    assert result == {"n": 5, "threshold": 1, "label": "q4", "model": "gbm", "options": {"a": 1}}
    payload = done.entry.payload
    output = project.root / payload["output"]
    assert output.parent == project.root / "batch-runs" / "score" and output.exists()
    executed = nbformat.read(output, as_version=4)
    assert [c.metadata.get("tags") for c in executed.cells][:2] == [
        ["parameters"],
        ["injected-parameters"],
    ]
    assert payload["parameters"] == {"n": 5, "threshold": 1, "label": "q4"}
    assert payload["bundle_digest"] == approval_status(notebook, project).bundle.digest
    assert any(link.startswith("entry:") for link in done.entry.links)  # the approval it ran under
    mlflow_run = store.client(project).get_run(payload["mlflow_run_id"])
    assert mlflow_run.info.status == "FINISHED" and mlflow_run.data.params["label"] == "q4"
    assert mlflow_run.data.tags["mlops.bundle_digest"] == payload["bundle_digest"]
    # the run the notebook logged inside the batch job is production, not evidence: the
    # approval still holds, and the notebook is now in production
    status = approval_status(notebook, project)
    assert status.may_run, status.problems()
    assert check_notebook(project, notebook).stage == "in production"


def test_edited_after_approval_is_refused(approved) -> None:
    project, notebook = approved
    make_notebook(notebook, [PARAMETERS, SCORE + "\nprint('changed')"], tags={0: ["parameters"]})
    with pytest.raises(ForbiddenError, match="business sign-off is stale"):
        batch_run(project, notebook, {}, actor=ACTOR)
    assert entries(project) == []


BAD_PARAMETERS = [
    ({"x": 1}, "declares no parameter 'x'.*declared parameters: n \\(int\\)"),
    ({"n=1\nimport os": 1}, "is not a parameter name"),
    ({"__import__('os')": 1}, "is not a parameter name"),
    ({"n": "1; import os"}, "n must be an int"),
    ({"n": True}, "n must be an int"),
    ({"threshold": 2.0}, "outside its range 0..1"),
    ({"model": "xgb"}, "must be one of gbm, rf"),
    ({"label": "a\x00b"}, "NUL"),
    ({"options": {"a": float("nan")}}, "not a finite number"),
    ({"options": {1: 2}}, "keys must be text"),
    ({"label": "x" * 70_000}, "over 64 KiB"),
]


def test_bad_parameters_are_refused_before_anything_runs(approved) -> None:
    project, notebook = approved
    for parameters, message in BAD_PARAMETERS:
        with pytest.raises(MlopsError, match=message):
            batch_run(project, notebook, parameters, actor=ACTOR)
    assert entries(project) == []


def test_crafted_values_are_inert(approved) -> None:
    project, notebook = approved
    sentinel = project.root / "PWNED"
    crafted = (
        f"\"; open({str(sentinel)!r}, 'w') #\n'''\u2028import os; os.system('touch {sentinel}')\r\\"
    )
    done = batch_run(
        project, notebook,
        {"label": crafted, "options": {f"'); open({str(sentinel)!r},'w') #": [crafted]}},
        actor=ACTOR,
    )  # fmt: skip
    assert done.ok, done.entry.payload
    assert not sentinel.exists()
    result = json.loads((project.root / "result.json").read_text())
    assert result["label"] == crafted and list(result["options"].values()) == [[crafted]]


def test_a_failing_notebook_is_recorded_with_its_cell_and_error(approved, mlops) -> None:
    project, _ = approved
    done = mlops("batch", "run", "score.ipynb", "-p", "n", "-1", cwd=project.root)
    assert done.returncode == 1, done.stderr
    assert "FAILED" in done.stdout and "ValueError: n must be at least 0" in done.stdout
    (entry,) = entries(project)  # the 600-second cell did not go on running
    assert entry.payload["status"] == "failed" and entry.payload["failure"]["cell"] == 2
    assert (project.root / entry.payload["output"]).exists()  # the executed cells, for debugging
    assert store.client(project).get_run(entry.payload["mlflow_run_id"]).info.status == "FAILED"
    usage = mlops("batch", "run", "score.ipynb", "-p", "n", "three", cwd=project.root)
    assert usage.returncode == 1 and "n: 'three' is not an int" in usage.stderr
    assert "Traceback" not in usage.stderr


def test_parameters_from_a_file_and_the_cli_and_output_folders(approved, mlops) -> None:
    project, _ = approved
    (project.root / "p.yaml").write_text("n: 2\nlabel: from-file\noptions: {b: [1, 2]}\n")
    done = mlops("batch", "run", "score.ipynb", "-f", "p.yaml", "-p", "n", "4", "-o", "out", "--json", cwd=project.root)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "over TCP" not in done.stderr  # the kernel talks over Unix sockets: no warning
    assert done.stderr == ""  # no progress bar into a pipe
    record = json.loads(done.stdout)
    assert record["parameters"] == {"n": 4, "label": "from-file", "options": {"b": [1, 2]}}
    assert record["output"].startswith("out/score/")
    for outside in ("../elsewhere", "/tmp", ".mlops"):
        refused = mlops("batch", "run", "score.ipynb", "-o", outside, cwd=project.root)
        assert refused.returncode == 1
        assert "outside the project" in refused.stderr or ".mlops/ holds" in refused.stderr
    assert len(entries(project)) == 1


def test_a_notebook_without_a_parameters_cell(approved) -> None:
    project, _ = approved
    notebook = make_notebook(
        project.root / "plain.ipynb",
        ["n, threshold, label, model, options = 1, 0.1, 'p', 'rf', {}", SCORE],
    )
    train(project, notebook)
    check = check_notebook(project, notebook)
    assert [r.item.id for r in check.results if not r.ok] == ["parameters-cell", "signoffs"]
    from jupyterlab_mlops.batch.parameters import validate
    from jupyterlab_mlops.checklists.params import parameter_schema
    from jupyterlab_mlops.fingerprint import read_notebook

    schema = parameter_schema(read_notebook(notebook))
    assert validate({}, schema) == {}  # it runs without parameters ...
    with pytest.raises(MlopsError, match="no parameters cell, so it takes no parameters"):
        validate({"n": 1}, schema)  # ... and -p is refused


def test_timeouts_sys_exit_and_secrets(approved, monkeypatch) -> None:
    project, notebook = approved
    rewrite(project, notebook, "import os, sys, time\nprint('token', os.environ['API_TOKEN'])\nif n == 1:\n    time.sleep(60)\nif n == 2:\n    sys.exit(3)")  # fmt: skip
    monkeypatch.setenv("API_TOKEN", "s3cr3t-value-123")
    ok = batch_run(project, notebook, {"n": 0}, actor=ACTOR, secret_env=["API_TOKEN"])
    assert (
        ok.ok
        and ok.entry.payload["secret_env"] == ["API_TOKEN"]
        and ok.entry.payload["redacted"] == 1
    )
    text = (project.root / ok.entry.payload["output"]).read_text()
    assert "s3cr3t-value-123" not in text and "[secret API_TOKEN]" in text
    assert "s3cr3t" not in (project.mlops_dir / "ledger.jsonl").read_text()
    hung = batch_run(project, notebook, {"n": 1}, actor=ACTOR, timeout=2, secret_env=["API_TOKEN"])
    assert (
        hung.entry.payload["status"] == "failed"
        and "Timeout" in hung.entry.payload["failure"]["error"]
    )
    exited = batch_run(project, notebook, {"n": 2}, actor=ACTOR)
    assert (
        exited.entry.payload["status"] == "failed"
        and "SystemExit" in exited.entry.payload["failure"]["error"]
    )
    monkeypatch.delenv("API_TOKEN")
    with pytest.raises(MlopsError, match="API_TOKEN is not set"):
        batch_run(project, notebook, {"n": 0}, actor=ACTOR, secret_env=["API_TOKEN"])


def test_non_python_kernels_are_refused(tmp_path: Path) -> None:
    from jupyterlab_mlops.execution import python_kernel

    nb = {"metadata": {"kernelspec": {"name": "ir", "language": "R"}}, "cells": []}
    with pytest.raises(MlopsError, match="uses a R kernel; only Python notebooks"):
        python_kernel(nb, "model.ipynb")
    assert python_kernel({"metadata": {}}, "x.ipynb") == "python3"


SLEEPS = "import time\nprint('started', flush=True)\ntime.sleep(600)"
#: a cell that ignores the first interrupt, as code catching KeyboardInterrupt broadly does
STUBBORN = (
    "import time\nprint('started', flush=True)\n"
    "try:\n    time.sleep(600)\nexcept KeyboardInterrupt:\n    time.sleep(600)"
)


@pytest.mark.parametrize("code", [SLEEPS, STUBBORN], ids=["interrupted", "killed"])
def test_ctrl_c_leaves_a_recorded_failed_run(approved, code: str) -> None:
    """Ctrl-C reaches only mlops (the kernel has a session of its own): it interrupts the
    kernel, as JupyterLab's stop button does, and kills it if the cell does not stop."""
    project, notebook = approved
    rewrite(project, notebook, code)
    process = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab_mlops.cli", "batch", "run", "score.ipynb"],
        cwd=project.root, env={**os.environ, "MLOPS_USER": ACTOR},
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    folder = project.root / "batch-runs" / "score"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # saved after each cell: wait for the parameters cell
        if folder.exists() and any(
            '"execution_count": 1' in p.read_text() for p in folder.glob("*.ipynb")
        ):
            break
        time.sleep(0.2)
    time.sleep(1)  # into the sleeping cell
    process.send_signal(signal.SIGINT)
    try:
        _, stderr = process.communicate(timeout=90)  # the cell would sleep 600 s
    finally:
        process.kill()
    assert (
        process.returncode == 1
        and "mlops: error: the batch run of score.ipynb was interrupted" in stderr
    ), stderr
    (entry,) = entries(project)  # the 600-second cell did not go on running
    assert entry.payload["status"] == "interrupted", stderr
    executed = json.loads((project.root / entry.payload["output"]).read_text())
    shown = json.dumps(executed["cells"][-1]["outputs"])
    if code == SLEEPS:  # interrupted where it was: the copy shows where, and the ledger says so
        assert "KeyboardInterrupt" in shown and entry.payload["failure"]["cell"] == 2, shown
    else:  # killed: nothing after the interrupt ran
        assert "KeyboardInterrupt" not in shown and "started" in shown, shown


def test_retired_notebooks_may_not_run_and_can_be_reinstated(approved, mlops) -> None:
    project, notebook = approved
    with pytest.raises(MlopsError, match="say why"):
        retire(project, notebook, actor=BUSINESS, why="")
    with pytest.raises(ForbiddenError, match="holds no sign-off role"):
        retire(project, notebook, actor="Eve <eve@example.com>", why="x")
    retire(project, notebook, actor=BUSINESS, why="replaced by the 2027 model")
    assert check_notebook(project, notebook).stage == "retired"
    with pytest.raises(ForbiddenError, match="retired by Bo"):
        batch_run(project, notebook, {}, actor=ACTOR)
    retire(project, notebook, actor=BUSINESS, why="the new model failed validation", undo=True)
    assert check_notebook(project, notebook).stage == "approved"
    done = mlops("retire", "score.ipynb", "--why", "gone", cwd=project.root)
    assert done.returncode == 1 and "holds no sign-off role" in done.stderr  # ACTOR holds none


def test_cells_papermill_would_skip_or_another_kernel_break_the_approval(approved) -> None:
    project, notebook = approved
    saved = nbformat.read(notebook, as_version=4)
    saved.cells[1].metadata["tags"] = ["papermill-error-cell-tag"]  # papermill drops such cells
    nbformat.write(saved, notebook)
    assert not approval_status(notebook, project).may_run
    saved.cells[1].metadata["tags"] = []
    saved.metadata["kernelspec"]["name"] = "other-python"
    nbformat.write(saved, notebook)
    status = approval_status(notebook, project)
    assert not status.may_run and "the kernel" in status.stale_because


def test_undecodable_and_unreadable_values_are_refused_cleanly(
    approved, mlops, tmp_path: Path
) -> None:
    """Bytes that are not UTF-8 in -p, and an integer of 5,000 digits in -f: one line each."""
    project, _ = approved
    done = subprocess.run(
        [sys.executable.encode(), b"-m", b"jupyterlab_mlops.cli", b"batch", b"run",
         b"score.ipynb", b"-p", b"label", b"caf\xff"],
        cwd=project.root, capture_output=True, env={**os.environ, "MLOPS_USER": ACTOR},
        timeout=120,
    )  # fmt: skip
    stderr = done.stderr.decode("utf-8", "replace")
    assert done.returncode == 1 and "Traceback" not in stderr, stderr
    assert "parameter label is not valid UTF-8 text" in stderr
    values = tmp_path / "values.yaml"
    values.write_text("n: " + "9" * 5000 + "\n")
    done = mlops("batch", "run", "score.ipynb", "-f", str(values), cwd=project.root)
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    assert "values.yaml cannot be read: it holds a value out of range" in done.stderr
    assert entries(project) == []  # nothing ran
