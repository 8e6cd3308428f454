"""Runs in real MLflow stores (SQLite in the project), with lineage read back by MlflowClient."""

from __future__ import annotations

import json
import math
import socket
import time
from pathlib import Path

import nbformat
import pytest

import jupyterlab_mlops
from jupyterlab_mlops import data
from jupyterlab_mlops.data.register import register_data
from jupyterlab_mlops.errors import MlopsError, NotFoundError
from jupyterlab_mlops.experiments import runs, store
from jupyterlab_mlops.experiments.models import register_model
from jupyterlab_mlops.fingerprint import fingerprint_of, read_notebook
from jupyterlab_mlops.ledger import verify_ledger
from jupyterlab_mlops.project import Project, find_project

from .helpers import ACTOR, git, git_project
from .helpers.data_fixtures import write_credit_csv


@pytest.fixture
def repo(tmp_path: Path) -> Project:
    """A committed git repository with a project and a registered credit dataset."""
    root = git_project(tmp_path / "credit", rows=600, seed=2)
    project = find_project(root)
    register_data(project, root / "data" / "applications.csv", actor=ACTOR)
    git(root, "add", "-A")
    git(root, "commit", "-qm", "data")
    return project


def entries(project: Project, kind: str) -> list[dict]:
    lines = project.ledger_path.read_text().splitlines()
    return [e for e in map(json.loads, lines) if e["kind"] == kind]


TRAIN = [
    "%load_ext jupyterlab_mlops",
    "import mlflow\nimport pandas as pd\nfrom jupyterlab_mlops import data\n"
    "frame = pd.read_csv(data.path('applications'))\n"
    "X = frame[['annual_income', 'loan_amount', 'debt_to_income']].fillna(0)\ny = frame['default']",
    '%%mlops run "logistic baseline"\n'
    "from sklearn.linear_model import LogisticRegression\n"
    "mlflow.sklearn.autolog(log_input_examples=False, silent=True)\n"
    "model = LogisticRegression(max_iter=300).fit(X, y)\n"
    "holdout = 0.7102\n"
    "%mlops log holdout_auc={holdout:.2f}\n"  # IPython expands {expression} in the line
    "%mlops log --params scorer=roc_auc",
    "runs = %mlops runs\nprint(list(runs['name']), list(runs['status']))",
    "%mlops model register last --name credit-default",
    '%%mlops run "broken"\n1 / 0',
    "%mlops log auc=0.5",
]


@pytest.fixture
def executed(
    repo: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> nbformat.NotebookNode:
    """The training notebook executed by papermill (it stops at the deliberately broken run)."""
    import papermill

    from .helpers import make_notebook

    path = make_notebook(repo.root / "train.ipynb", TRAIN)
    git(repo.root, "add", "train.ipynb")
    git(repo.root, "commit", "-qm", "notebook")  # so that the run's code is committed: clean
    monkeypatch.setenv("MLOPS_NOTEBOOK", str(path))
    with pytest.raises(papermill.PapermillExecutionError) as failure:
        papermill.execute_notebook(
            str(path), str(tmp_path / "out.ipynb"), cwd=str(repo.root), kernel_name="python3",
            progress_bar=False,
        )  # fmt: skip
    assert "ZeroDivisionError" in str(failure.value)
    executed = nbformat.read(tmp_path / "out.ipynb", as_version=4)
    (broken,) = [c for c in executed.cells if c.source.startswith('%%mlops run "broken"')]
    shown = json.dumps(broken.outputs)
    assert "ZeroDivisionError" in shown and "recorded as FAILED" in shown
    return executed


@pytest.mark.slow
def test_papermill_run_is_tagged_with_its_lineage_and_linked_in_the_ledger(
    repo: Project, executed: nbformat.NotebookNode
) -> None:
    from mlflow import MlflowClient

    uri = store.tracking_uri(repo)
    client = MlflowClient(tracking_uri=uri, registry_uri=uri)
    baseline, broken = entries(repo, runs.RUN_LOGGED)
    (version,) = entries(repo, "data.registered")
    saved = read_notebook(repo.root / "train.ipynb")

    found = client.get_run(baseline["payload"]["run_id"])
    tags = found.data.tags
    assert found.info.status == "FINISHED" and found.info.run_name == "logistic baseline"
    assert tags["mlops.notebook.path"] == "train.ipynb" == tags["mlflow.source.name"]
    assert tags["mlops.notebook.fingerprint"] == fingerprint_of(saved)
    assert tags["mlflow.source.type"] == "NOTEBOOK"
    assert tags["mlops.cell.id"] == saved["cells"][2]["id"]  # the %%mlops run cell
    assert tags["mlflow.source.git.commit"] == git(repo.root, "rev-parse", "HEAD")
    assert tags["mlops.git.dirty"] == "false"  # all committed (the ledger's own appends aside)
    assert tags["mlops.data.applications"] == f"v1 {version['payload']['md5']}"
    assert json.loads(tags["mlops.data"])[0]["entry"] == version["hash"]
    assert tags["mlops.actor"] == ACTOR == tags["mlflow.user"]
    assert tags["mlops.python"].count(".") == 2
    requirements = client.download_artifacts(found.info.run_id, "environment/requirements.txt")
    pinned = Path(requirements).read_text().splitlines()
    assert any(line.startswith("scikit-learn==") for line in pinned)
    assert any(line.startswith("mlflow==") for line in pinned)
    metrics = found.data.metrics
    assert metrics["holdout_auc"] == pytest.approx(0.71) and "training_score" in metrics
    assert found.data.params["scorer"] == "roc_auc" and "max_iter" in found.data.params

    assert baseline["notebook"] == {"path": "train.ipynb", "fingerprint": fingerprint_of(saved)}
    assert baseline["links"] == [f"mlflow-run:{found.info.run_id}", f"entry:{version['hash']}"]
    assert baseline["payload"]["metrics"]["holdout_auc"] == pytest.approx(0.71)
    assert baseline["payload"]["git"]["commit"] == tags["mlflow.source.git.commit"]
    assert broken["payload"]["status"] == "FAILED"
    assert client.get_run(broken["payload"]["run_id"]).info.status == "FAILED"

    (model,) = entries(repo, "model.registered")
    assert model["payload"]["name"] == "credit-default" and model["payload"]["version"] == "1"
    assert model["links"] == [f"mlflow-run:{found.info.run_id}", f"entry:{baseline['hash']}"]
    registered = client.get_model_version("credit-default", "1")
    assert registered.run_id == found.info.run_id
    assert verify_ledger(repo.ledger_path).ok

    shown = [
        o.get("text", "") + json.dumps(o.get("data", {}))
        for c in executed.cells
        for o in c.get("outputs", [])
    ]
    assert any("['logistic baseline'] ['FINISHED']" in s for s in shown)
    assert any("Registered model 'credit-default' version 1" in s for s in shown)
    assert not any("Successfully registered" in s or "Created version" in s for s in shown)


def test_the_python_api_and_bad_values(repo: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(repo.root)
    data.path("applications")
    (repo.root / "helper.py").write_text("THRESHOLD = 0.2\n")  # code that is not committed
    with jupyterlab_mlops.run("api") as run:
        assert jupyterlab_mlops.active_run() is run
        run.log(auc=0.8, loss=0.25)
        run.log(step=2, auc=0.82)
        run.params(depth=3, features="income,loan")
        (repo.root / "report.txt").write_text("hello")
        run.artifact(repo.root / "report.txt")
        for bad, message in (
            ({"auc": math.nan}, "is nan"),
            ({"auc": math.inf}, "is inf"),
            ({"auc": "high"}, "must be a number"),
            ({"auc": True}, "must be a number"),
            ({"bad key!": 1.0}, "invalid name"),
        ):
            with pytest.raises(MlopsError, match=message):
                run.log(**bad)
        with pytest.raises(MlopsError, match="still open"):
            jupyterlab_mlops.run("nested").start()
    assert jupyterlab_mlops.active_run() is None
    with pytest.raises(MlopsError, match="not open"):
        run.log(auc=1.0)
    (recorded,) = entries(repo, runs.RUN_LOGGED)
    assert recorded["payload"]["git"]["dirty"] is True  # helper.py is not committed
    assert recorded["payload"]["metrics"] == {"auc": 0.82, "loss": 0.25}
    assert recorded["payload"]["params"] == {"depth": "3", "features": "income,loan"}
    assert recorded["notebook"] is None and len(recorded["links"]) == 2

    with pytest.raises(RuntimeError, match="training failed"), jupyterlab_mlops.run("fails"):
        raise RuntimeError("training failed")
    failed = entries(repo, runs.RUN_LOGGED)[-1]
    assert failed["payload"]["status"] == "FAILED"

    with jupyterlab_mlops.run("deeper") as other:
        other.log(auc=0.9)
        other.params(depth=5)
    comparison = runs.compare_runs(repo, run.run_id, other.run_id[:10]).to_json()
    assert {"name": "depth", "a": "3", "b": "5", "same": False} in comparison["params"]
    auc = next(m for m in comparison["metrics"] if m["name"] == "auc")
    assert auc["delta"] == pytest.approx(0.9 - 0.82)
    with pytest.raises(NotFoundError):
        runs.compare_runs(repo, run.run_id, "0" * 32)
    with pytest.raises(NotFoundError, match="logged no model"):
        register_model(repo, run.run_id, name="credit", actor=ACTOR)
    with pytest.raises(MlopsError, match="is failed, not finished"):
        register_model(repo, failed["payload"]["run_id"], name="credit", actor=ACTOR)
    with pytest.raises(MlopsError, match="invalid model name"):
        register_model(repo, run.run_id, name="../x", actor=ACTOR)
    assert len(entries(repo, "model.registered")) == 0


def test_a_tracking_server_that_does_not_answer_is_a_clear_error(
    repo: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    with socket.socket() as sock:  # a port on this machine that nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setenv("MLFLOW_TRACKING_URI", f"http://user:secret@127.0.0.1:{port}")
    before = repo.ledger_path.read_bytes()
    started = time.monotonic()
    with pytest.raises(MlopsError) as caught:
        runs.run("offline", project=repo).start()
    assert time.monotonic() - started < 30  # not MLflow's minutes of retries
    assert f"127.0.0.1:{port}" in caught.value.message and "does not answer" in caught.value.message
    assert "secret" not in str(caught.value)  # the password is never shown
    assert "MLFLOW_TRACKING_URI" in caught.value.hint
    assert repo.ledger_path.read_bytes() == before and runs.active_run() is None


def test_the_default_store_lives_in_the_project_and_is_git_ignored(repo: Project) -> None:
    with runs.run("first", project=repo) as run:
        run.log(x=1.0)
    assert (repo.mlops_dir / "mlflow" / "mlflow.db").is_file()
    artifacts = list((repo.mlops_dir / "mlflow" / "artifacts").rglob("requirements.txt"))
    assert len(artifacts) == 1
    assert "mlflow/" in git(repo.root, "status", "--porcelain", "--ignored")
    assert not [
        line for line in git(repo.root, "status", "--porcelain").splitlines() if "mlflow" in line
    ]


def test_runs_and_compare_from_the_cli(repo: Project, mlops) -> None:
    with runs.run("a", project=repo) as first:
        first.log(auc=0.7)
    with runs.run("b", project=repo) as second:
        second.log(auc=0.75)
    listed = mlops("runs", "--json", cwd=repo.root)
    assert listed.returncode == 0, listed.stderr
    assert [r["name"] for r in json.loads(listed.stdout)] == ["a", "b"]
    compared = mlops("compare", first.run_id, second.run_id, cwd=repo.root)
    assert compared.returncode == 0 and "+0.05" in compared.stdout
    relative = mlops("compare", "last~1", "last", "--json", cwd=repo.root)  # the README's form
    assert relative.returncode == 0, relative.stderr
    sides = json.loads(relative.stdout)
    assert (sides["a"]["run_id"], sides["b"]["run_id"]) == (first.run_id, second.run_id)
    assert runs.find_run(repo, "LAST~0").run_id == second.run_id
    too_far = mlops("compare", "last~2", "last", cwd=repo.root)
    assert too_far.returncode == 1 and "has recorded 2 run(s)" in too_far.stderr
    odd = mlops("compare", "last~x", "last", cwd=repo.root)
    assert odd.returncode == 1 and "no recorded run last~x" in odd.stderr
    missing = mlops("compare", first.run_id, "deadbeef" * 4, cwd=repo.root)
    assert missing.returncode == 1 and "no recorded run" in missing.stderr
    cli_run = mlops("run", "x", cwd=repo.root)
    assert cli_run.returncode == 1 and "jupyterlab_mlops.run" in cli_run.stderr
    no_run = mlops("log", "auc=1", cwd=repo.root)
    assert no_run.returncode == 1 and "no run is open" in no_run.stderr


@pytest.mark.slow
def test_bad_values_in_a_kernel_are_one_line_errors_and_fail_the_run(repo: Project) -> None:
    from .test_magics import errors_of, run_cells

    nb = run_cells(
        repo.root / "bad.ipynb",
        [
            "%load_ext jupyterlab_mlops",
            "%mlops log auc=0.5",
            '%%mlops run "typo"\n%mlops log auc=high',
            '%%mlops run "nan"\n%mlops log auc=nan',
            "%mlops run inline",
            '%%mlops run "fine"\n%mlops log auc=0.75 loss=0.2 --step 3',
        ],
    )
    expected = {1: "no run is open", 2: "must be a number", 3: "is nan", 4: "cell magic"}
    for index, message in expected.items():
        (shown,) = [e for e in errors_of(nb.cells[index]) if message in e] or [
            errors_of(nb.cells[index])
        ]
        assert message in shown and "Traceback" not in shown, (index, shown)
    assert not errors_of(nb.cells[5])
    recorded = entries(repo, runs.RUN_LOGGED)
    assert [(r["payload"]["name"], r["payload"]["status"]) for r in recorded] == [
        ("typo", "FAILED"),
        ("nan", "FAILED"),
        ("fine", "FINISHED"),
    ]
    assert recorded[-1]["payload"]["metrics"] == {"auc": 0.75, "loss": 0.2}


def test_the_health_check_speaks_to_a_live_server_with_credentials(repo: Project) -> None:
    import http.server
    import threading

    seen: list[str | None] = []
    answer = {"code": 200}

    class Health(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            seen.append(self.headers.get("Authorization"))
            self.send_response(answer["code"])
            self.end_headers()
            self.wfile.write(b"OK")

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Health)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        uri = f"HTTP://ada:s3cret@127.0.0.1:{server.server_port}"
        store._check_server(uri)  # answers: no error (upper-case scheme, credentials)
        assert seen == ["Basic YWRhOnMzY3JldA=="]
        answer["code"] = 503
        with pytest.raises(MlopsError, match=r"does not answer \(HTTP 503") as caught:
            store._check_server(uri)
        assert "s3cret" not in str(caught.value) and "ada" not in str(caught.value)
    finally:
        server.shutdown()
    assert store.display_uri("https://tok@host/x?token=abc") == "https://***@host/x"
    assert (
        store.scrub("request to http://u:p@h:1/api failed")
        == "request to http://***@h:1/api failed"
    )


def test_our_store_does_not_leak_into_the_environment_or_another_project(
    repo: Project, tmp_path: Path
) -> None:
    import os

    other_root = git_project(tmp_path / "other", rows=50, seed=3)
    other = find_project(other_root)
    with runs.run("in a", project=repo) as first:
        first.log(x=1.0)
    assert "MLFLOW_TRACKING_URI" not in os.environ
    with runs.run("in b", project=other) as second:
        second.log(x=2.0)
    assert entries(other, runs.RUN_LOGGED)[0]["payload"]["tracking_uri"] == "local"
    from mlflow import MlflowClient

    b_store = MlflowClient(tracking_uri=store.tracking_uri(other))
    assert b_store.get_run(second.run_id).info.run_name == "in b"
    assert not (other_root / "mlruns").exists() and not (repo.root / "mlruns").exists()


def test_a_run_records_the_version_read_last(
    repo: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(repo.root)
    write_credit_csv(repo.root / "data" / "applications.csv", rows=610, seed=5)
    register_data(repo, repo.root / "data" / "applications.csv", actor=ACTOR)
    data.accessed(clear=True)
    data.path("applications")  # v2
    with runs.run("reads", project=repo) as run:
        run.log(x=1.0)
    (recorded,) = entries(repo, runs.RUN_LOGGED)
    assert [(d["name"], d["version"]) for d in recorded["payload"]["data"]] == [("applications", 2)]


def test_a_run_left_open_inside_ours_does_not_take_our_lineage(repo: Project) -> None:
    import mlflow
    from mlflow import MlflowClient

    with runs.run("outer", project=repo) as run:
        mlflow.start_run(nested=True, run_name="child")  # never ended by the user
    client = MlflowClient(tracking_uri=store.tracking_uri(repo))
    outer = client.get_run(run.run_id)
    assert outer.info.status == "FINISHED" and "mlops.data" in outer.data.tags
    assert [a.path for a in client.list_artifacts(run.run_id)] == ["environment"]
    (recorded,) = entries(repo, runs.RUN_LOGGED)
    assert recorded["payload"]["status"] == "FINISHED"
    mlflow.end_run()
