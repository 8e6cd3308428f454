"""Batch jobs through the REST API with a real Jupyter server (auth on), real kernels, a real
ledger and MLflow store: refusals answered before anything is queued, jobs that run to their
``batch.run`` entry, two at once, and a server killed mid-job."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from jupyter_server.auth.authorizer import Authorizer
from tornado.httpclient import HTTPClientError

from jupyterlab_mlops import data
from jupyterlab_mlops.approvals import sign_off
from jupyterlab_mlops.batch.run import BATCH_RUN
from jupyterlab_mlops.experiments import runs, store
from jupyterlab_mlops.ledger import verify_ledger
from jupyterlab_mlops.lifecycle import retire
from jupyterlab_mlops.project import Project, find_project

from .browser.conftest import _free_port
from .helpers import make_notebook
from .helpers.batch import BUSINESS, PARAMETERS, approved_project
from .helpers.server import server_config
from .test_openapi import check
from .test_server_panel import HeaderIdentity

pytest_plugins = ["pytest_jupyter.jupyter_server"]
NOTEBOOK = "credit/score.ipynb"
USER = "Mo <mo@example.com>"
SLEEPS = "import time\nprint('started', flush=True)\ntime.sleep(600)"


@pytest.fixture
def jp_server_config() -> dict:
    return server_config(identity_provider_class=HeaderIdentity)


@pytest.fixture
def approved(jp_root_dir: Path) -> tuple[Project, Path]:
    return approved_project(jp_root_dir, rows=100)


def reapprove(project: Project, notebook: Path, code: str) -> None:
    """A new version of the notebook, with its evidence run, approved."""
    make_notebook(notebook, [PARAMETERS, code], tags={0: ["parameters"]})
    data.path("applications", start=project.root)
    with runs.run("training", project=project, notebook=notebook) as run:
        run.log(test_roc_auc=0.8)
    sign_off(project, notebook, role="business", actor=BUSINESS, decision="approve", comment="ok")


async def start(jp_fetch, parameters: dict | None = None, path: str = NOTEBOOK) -> dict:
    body = {"path": path, "parameters": parameters or {}}
    response = await jp_fetch(
        "mlops", "api", "batch-runs", method="POST", body=json.dumps(body),
        headers={"X-Test-User": USER},
    )  # fmt: skip
    assert response.code == 202
    return json.loads(response.body)


async def refused(jp_fetch, body: dict) -> tuple[int, dict]:
    with pytest.raises(HTTPClientError) as info:
        await jp_fetch("mlops", "api", "batch-runs", method="POST", body=json.dumps(body))
    return info.value.code, json.loads(info.value.response.body)


async def job(jp_fetch, job_id: str, **params: str) -> dict:
    response = await jp_fetch("mlops", "api", "batch-runs", job_id, params=params or None)
    return json.loads(response.body)


async def finished(jp_fetch, job_id: str, timeout: float = 120) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        answer = await job(jp_fetch, job_id)
        if answer["status"] not in ("queued", "running"):
            return answer
        await asyncio.sleep(0.3)
    raise AssertionError(f"job {job_id} did not finish: {answer}")


def records(project: Project) -> list[Path]:
    return sorted((project.mlops_dir / "cache" / "jobs").glob("*.json"))


async def test_a_job_runs_to_its_batch_run_entry(jp_fetch, approved, jp_root_dir: Path) -> None:
    project, _ = approved
    overview = json.loads(
        (await jp_fetch("mlops", "api", "batch-runs", params={"path": NOTEBOOK})).body
    )
    check(overview, "BatchOverview")
    assert overview["may_run"] is True and overview["problems"] == [] and overview["jobs"] == []
    fields = {f["name"]: f for f in overview["parameters"]}
    assert fields["threshold"]["minimum"] == 0 and fields["threshold"]["maximum"] == 1
    assert fields["n"] == {
        "name": "n", "type": "int", "base": "int", "nullable": False, "item": None,
        "default": 3, "minimum": None, "maximum": None, "choices": [],
    }  # fmt: skip
    accepted = await start(jp_fetch, {"n": 5, "label": "from the panel"})
    assert accepted["status"] == "queued" and len(accepted["id"]) == 32
    done = await finished(jp_fetch, accepted["id"])
    check(done, "BatchJob")
    assert done["status"] == "succeeded", done
    assert done["actor"] == USER and done["notebook"] == NOTEBOOK
    assert done["parameters"] == {"n": 5, "label": "from the panel"}
    assert done["started"] and done["finished"] and done["seconds"] > 0
    (entry,) = find_project(project.root).ledger.entries(BATCH_RUN)
    assert done["entry"] == entry.hash and entry.payload["batch_id"] == accepted["id"]
    assert entry.actor == USER and entry.payload["parameters"] == {
        "n": 5,
        "label": "from the panel",
    }
    assert done["output"].startswith("credit/batch-runs/score/")  # relative to the server root
    executed = json.loads((jp_root_dir / done["output"]).read_text())
    assert any("injected-parameters" in c["metadata"].get("tags", []) for c in executed["cells"])
    result = json.loads((project.root / "result-5.json").read_text())
    assert result == {"n": 5, "threshold": 0.5, "label": "from the panel", "rows": 100}
    run = store.client(project).get_run(done["mlflow_run_id"])
    assert run.info.status == "FINISHED" and done["experiment_id"] == run.info.experiment_id
    assert str(jp_root_dir) not in json.dumps(done)
    listed = json.loads(
        (await jp_fetch("mlops", "api", "batch-runs", params={"path": NOTEBOOK})).body
    )
    assert [j["id"] for j in listed["jobs"]] == [accepted["id"]] and listed["jobs"][0] == done
    record = json.loads(records(project)[0].read_text())
    assert record["owner"]["pid"] == os.getpid() and record["run"]["batch_id"] == accepted["id"]
    assert ".mlops/cache" in str(records(project)[0])  # git-ignored with the rest of cache/


async def test_refusals_come_back_before_anything_is_queued(jp_fetch, approved) -> None:
    project, notebook = approved
    code, error = await refused(jp_fetch, {"path": NOTEBOOK, "parameters": {"threshold": 2}})
    assert code == 400 and error["field"] == "threshold" and "outside" in error["error"]
    code, error = await refused(jp_fetch, {"path": NOTEBOOK, "parameters": {"n": "three"}})
    assert code == 400 and error["field"] == "n" and "must be an int" in error["error"]
    code, error = await refused(jp_fetch, {"path": NOTEBOOK, "parameters": {"nope": 1}})
    assert code == 400 and error["field"] == "nope" and "declares no parameter" in error["error"]
    code, error = await refused(jp_fetch, {"path": NOTEBOOK, "parameters": [1]})
    assert code == 400 and "parameters" in error["error"] and "field" not in error

    make_notebook(notebook, [PARAMETERS, "x = 1"], tags={0: ["parameters"]})  # edited: stale
    code, error = await refused(jp_fetch, {"path": NOTEBOOK})
    assert code == 403 and "may not run in production" in error["error"]
    assert any("stale" in p for p in error["problems"]), error
    overview = json.loads(
        (await jp_fetch("mlops", "api", "batch-runs", params={"path": NOTEBOOK})).body
    )
    assert overview["may_run"] is False and overview["problems"] == error["problems"]

    reapprove(project, notebook, "x = 1")
    retire(project, notebook, actor=BUSINESS, why="replaced by v2")
    code, error = await refused(jp_fetch, {"path": NOTEBOOK})
    assert code == 403 and error["problems"][0].startswith("retired by") and "v2" in error["error"]

    make_notebook(project.root / "draft.ipynb", [PARAMETERS, "x = 1"], tags={0: ["parameters"]})
    code, error = await refused(jp_fetch, {"path": "credit/draft.ipynb"})
    assert code == 403 and "no business sign-off" in error["problems"]
    assert records(project) == [] and find_project(project.root).ledger.entries(BATCH_RUN) == []

    code, error = await refused(jp_fetch, {"path": "../outside.ipynb"})
    assert code == 400 and ".." in error["error"]
    with pytest.raises(HTTPClientError) as info:
        await job(jp_fetch, "0" * 32)
    assert info.value.code == 404
    with pytest.raises(HTTPClientError) as info:
        await job(jp_fetch, "../../etc", path=NOTEBOOK)
    assert info.value.code == 404


async def test_two_jobs_at_once_leave_two_correct_records(jp_fetch, approved) -> None:
    project, _ = approved
    first, second = await start(jp_fetch, {"n": 1}), await start(jp_fetch, {"n": 2})
    one, two = await finished(jp_fetch, first["id"]), await finished(jp_fetch, second["id"])
    assert one["status"] == two["status"] == "succeeded", (one, two)
    assert one["started"] < two["finished"] and two["started"] < one["finished"]  # overlapped
    entries = {
        e.payload["batch_id"]: e for e in find_project(project.root).ledger.entries(BATCH_RUN)
    }
    assert set(entries) == {first["id"], second["id"]}
    for answer, n in ((one, 1), (two, 2)):
        entry = entries[answer["id"]]
        assert entry.hash == answer["entry"] and entry.payload["parameters"] == {"n": n}
        assert json.loads((project.root / f"result-{n}.json").read_text())["n"] == n
    assert one["output"] != two["output"] and one["mlflow_run_id"] != two["mlflow_run_id"]
    assert verify_ledger(project.ledger_path, check_git=False).ok


class ReadOnly(Authorizer):
    def is_authorized(self, handler, user, action, resource) -> bool:
        return action == "read"


@pytest.mark.parametrize("jp_server_config", [server_config(authorizer_class=ReadOnly)])
async def test_reading_is_not_enough_to_start_a_job(jp_fetch, approved) -> None:
    project, _ = approved
    assert (await jp_fetch("mlops", "api", "batch-runs", params={"path": NOTEBOOK})).code == 200
    code, _ = await refused(jp_fetch, {"path": NOTEBOOK})
    assert code == 403 and records(project) == []
    for method, route, body in (
        ("POST", ("batch-runs",), json.dumps({"path": NOTEBOOK})),
        ("GET", ("batch-runs",), None),
        ("GET", ("batch-runs", "0" * 32), None),
    ):
        with pytest.raises(HTTPClientError) as info:
            await jp_fetch(
                "mlops", "api", *route, method=method, body=body,
                headers={"Authorization": ""}, params={"path": NOTEBOOK},
            )  # fmt: skip
        assert info.value.code in (401, 403)


def serve(root: Path, port: int, token: str, log: Path) -> subprocess.Popen:
    """A real Jupyter server on ``root`` running this checkout's extension."""
    repo = Path(__file__).resolve().parents[1]
    env = {**os.environ, "PYTHONPATH": str(repo / "python"), "JUPYTER_PLATFORM_DIRS": "1"}
    args = [
        sys.executable, "-m", "jupyter_server", "--no-browser", "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}", "--ServerApp.port_retries=0", f"--ServerApp.root_dir={root}",
        f"--IdentityProvider.token={token}", "--ServerApp.allow_root=True",
        "--ServerApp.jpserver_extensions={'jupyterlab_mlops': True}",
    ]  # fmt: skip
    return subprocess.Popen(args, stdout=log.open("wb"), stderr=subprocess.STDOUT, env=env)


def sleeping(output: Path) -> bool:
    """Has the executed copy saved the sleeping (last) cell as running?"""
    try:
        cells = json.loads(output.read_text())["cells"]
    except (OSError, ValueError):
        return False
    return cells[-1]["metadata"].get("papermill", {}).get("status") == "running"


def call(port: int, token: str, route: str, body: dict | None = None) -> dict:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/mlops/api/{route}",
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Authorization": f"token {token}", "Content-Type": "application/json"},
        method="POST" if body is not None else "GET",
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


async def test_a_server_killed_mid_job_leaves_an_interrupted_record(
    jp_fetch, approved, jp_root_dir: Path, tmp_path: Path
) -> None:
    """A real server process runs the job and is killed (SIGKILL) while the notebook sleeps;
    this test's server then finds the job stranded: interrupted, in the ledger and MLflow."""
    project, notebook = approved
    reapprove(project, notebook, SLEEPS)
    port, token = _free_port(), "t" * 32
    server = serve(jp_root_dir, port, token, tmp_path / "server.log")
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                accepted = call(
                    port, token, "batch-runs", {"path": NOTEBOOK, "parameters": {"n": 4}}
                )
                break
            except OSError:
                assert time.monotonic() < deadline and server.poll() is None, (
                    tmp_path / "server.log"
                ).read_text()[-2000:]
                await asyncio.sleep(0.3)
        job_id = accepted["id"]
        while time.monotonic() < deadline + 60:  # papermill saves the copy as a cell starts
            path = project.mlops_dir / "cache" / "jobs" / f"{job_id}.json"
            record = json.loads(path.read_text())
            if record["run"] and sleeping(project.root / record["run"]["output"]):
                break
            await asyncio.sleep(0.3)
        assert record["run"] and sleeping(project.root / record["run"]["output"])
        assert call(port, token, f"batch-runs/{job_id}")["status"] == "running"
    finally:
        server.send_signal(signal.SIGKILL)
        server.wait(20)
    stranded = await job(jp_fetch, job_id, path=NOTEBOOK)
    assert stranded["status"] == "interrupted" and stranded["finished"], stranded
    assert "server stopped" in stranded["failure"]["error"]
    assert stranded["failure"]["cell"] == 2  # the sleeping cell, as saved
    (entry,) = find_project(project.root).ledger.entries(BATCH_RUN)
    assert entry.payload["status"] == "interrupted" and entry.payload["batch_id"] == job_id
    assert entry.hash == stranded["entry"] and entry.actor == record["actor"]
    assert entry.payload["parameters"] == {"n": 4} and entry.payload["bundle_digest"]
    run = store.client(project).get_run(entry.payload["mlflow_run_id"])
    assert run.info.status == "KILLED"
    again = await job(jp_fetch, job_id)  # known now, without the path; recorded once
    assert again == stranded and len(find_project(project.root).ledger.entries(BATCH_RUN)) == 1
