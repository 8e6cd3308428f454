"""Metrics kept in memory and written in one batch: the same MLflow record as one call per
metric, written at each cell's end in a real kernel, errors of a deferred write shown."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from jupyterlab_mlops.errors import MlopsError
from jupyterlab_mlops.experiments import runs, store
from jupyterlab_mlops.experiments.lineage import git_state
from jupyterlab_mlops.project import Project, find_project, init_project

from .helpers import ACTOR, git, make_notebook


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Project:
    root = tmp_path / "proj"
    root.mkdir()
    init_project(root, name="buffered", template="classification", risk_tier="high", actor=ACTOR)
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    monkeypatch.chdir(root)
    return find_project(root)


def _history(client, run_id: str) -> list[tuple[str, float, int]]:
    found = client.get_run(run_id).data.metrics
    return sorted(
        (m.key, m.value, m.step) for key in found for m in client.get_metric_history(run_id, key)
    )


def test_buffered_metrics_are_what_mlflow_log_metric_records(project: Project) -> None:
    import mlflow

    calls = [(None, {"auc": 0.5}), (1, {"auc": 0.7, "loss": 0.4}), (2, {"loss": 0.3})]
    calls += [(i, {"loss": 1.0 / i}) for i in range(3, 1200)]  # past one batch (1,000)
    with runs.run("buffered", project=project, actor=ACTOR) as ours:
        for step, values in calls:
            ours.log(step=step, **values)
    experiment = store.experiment_id(project)
    with mlflow.start_run(experiment_id=experiment) as theirs:
        for step, values in calls:
            for key, value in values.items():
                mlflow.log_metric(key, value, step=step)
    client = store.client(project)
    assert _history(client, ours.run_id) == _history(client, theirs.info.run_id)
    assert len(_history(client, ours.run_id)) == 1 + 2 + 1 + 1197
    recorded = client.get_run(ours.run_id).data.metrics
    assert recorded == client.get_run(theirs.info.run_id).data.metrics
    assert ours.entry is not None and ours.entry.payload["metrics"] == recorded


def test_a_deferred_write_that_fails_is_reported_and_kept(project: Project) -> None:
    with runs.run("refused", project=project, actor=ACTOR) as run:
        run.log(step=1, auc=0.8)
        client = store.client(project)
        client.delete_run(run.run_id)  # MLflow refuses writes to a deleted run
        with pytest.raises(MlopsError, match=r"1 metric\(s\) logged to the run \(auc\) are not"):
            run.flush()
        client.restore_run(run.run_id)
        assert run.flush() == 1  # kept: written on the next try
        with pytest.raises(MlopsError, match="must be a number"):
            run.log(auc="high")  # bad values are refused at once, never in the batch
    assert client.get_run(run.run_id).data.metrics == {"auc": 0.8}


def _three_commands(folder: Path) -> tuple[str | None, bool | None, str | None]:
    """What lineage recorded before: three git commands."""

    def run(*args: str) -> str | None:
        done = subprocess.run(["git", *args], cwd=folder, capture_output=True, text=True)
        return done.stdout.strip() if done.returncode == 0 else None

    commit = run("rev-parse", "HEAD")
    if commit is None:
        return None, None, None
    status = run("status", "--porcelain", "--", ".", ":(exclude).mlops")
    return commit, bool(status), run("rev-parse", "--abbrev-ref", "HEAD")


def test_git_state_from_one_status_is_what_three_commands_said(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    sub = root / "project"
    sub.mkdir(parents=True)
    outside = tmp_path / "plain"
    outside.mkdir()
    git(root, "init", "-q", "-b", "main")

    def same(folder: Path) -> None:
        state = git_state(folder)
        assert (state.commit, state.dirty, state.branch) == _three_commands(folder)

    same(outside)  # not a repository
    same(sub)  # no commit yet
    (sub / "a.py").write_text("x = 1\n")
    same(sub)  # untracked only
    git(root, "add", "-A")
    git(root, "-c", "user.name=a", "-c", "user.email=a@b", "commit", "-qm", "one")
    same(sub)  # clean
    (sub / ".mlops").mkdir()
    (sub / ".mlops" / "ledger.jsonl").write_text("{}\n")
    same(sub)  # the ledger does not count
    (root / "elsewhere.txt").write_text("outside the project\n")
    same(sub)  # outside the project folder does not count
    (sub / "a.py").write_text("x = 2\n")
    same(sub)  # modified
    git(root, "checkout", "-q", "--detach")
    same(sub)  # detached HEAD
    assert git_state(sub).branch == "HEAD" and git_state(sub).dirty is True


KERNEL_CELLS = [
    "import jupyterlab_mlops\nrun = jupyterlab_mlops.run('in a kernel')\nrun.start()\n"
    "print(run.run_id)",
    "for i in range(50):\n    run.log(step=i, loss=1 / (i + 1))\nrun.log(auc=0.9)",
    "from mlflow import MlflowClient\n"
    "print(sorted(MlflowClient().get_run(run.run_id).data.metrics))",  # written at the cell end
    "import os, signal\nrun.log(lost=1.0)\nos.kill(os.getpid(), signal.SIGKILL)",
]


@pytest.mark.slow
def test_in_a_kernel_each_cell_writes_its_metrics_and_a_kill_loses_only_its_own(
    project: Project, tmp_path: Path
) -> None:
    from nbclient import NotebookClient
    from nbclient.exceptions import DeadKernelError

    path = make_notebook(project.root / "train.ipynb", KERNEL_CELLS)
    notebook = nbformat.read(path, as_version=4)
    env = {"MLOPS_USER": ACTOR, "MLOPS_NOTEBOOK": str(path)}
    env["PYTHONPATH"] = os.pathsep.join([str(Path(runs.__file__).parents[2]), *sys.path])
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        client = NotebookClient(
            notebook,
            timeout=120,
            kernel_name="python3",
            resources={"metadata": {"path": str(project.root)}},
        )
        with pytest.raises(DeadKernelError):
            client.execute()
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    run_id = notebook.cells[0].outputs[0]["text"].strip()
    assert notebook.cells[2].outputs[0]["text"].strip() == str(["auc", "loss"])
    tracking = store.client(project)
    found = tracking.get_run(run_id)
    assert found.info.status == "RUNNING"  # killed: never ended
    assert found.data.metrics == {"auc": 0.9, "loss": 1 / 50}  # "lost" was the killed cell's
    assert len(tracking.get_metric_history(run_id, "loss")) == 50
    assert json.dumps(found.data.tags["mlops.notebook.path"]) == '"train.ipynb"'
