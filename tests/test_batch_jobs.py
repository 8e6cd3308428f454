"""The job store and its workers without a server: who owns a job, atomic and damaged
records, jobs stranded before they started, and the limit of jobs run at once."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from jupyterlab_mlops.batch.jobs import (
    JobStore,
    new_record,
    owner_alive,
    process_started,
    recover,
    this_process,
)
from jupyterlab_mlops.batch.run import BATCH_RUN, batch_run
from jupyterlab_mlops.batch.worker import JobRunner
from jupyterlab_mlops.errors import MlopsError
from jupyterlab_mlops.experiments import store
from jupyterlab_mlops.project import Project, find_project, init_project

from .helpers.batch import approved_project


@pytest.fixture(scope="module")
def approved(tmp_path_factory) -> tuple[Project, Path]:
    return approved_project(tmp_path_factory.mktemp("jobs"), rows=100)


def dead_pid() -> int:
    done = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    return int(done.stdout)


def test_who_owns_a_job() -> None:
    mine = this_process("a" * 32)
    assert mine["since"] == process_started(os.getpid()) and mine["since"] is not None
    assert owner_alive(mine, mine)
    assert not owner_alive({**mine, "token": "b" * 32}, mine)  # an earlier server, same pid
    assert not owner_alive({"pid": dead_pid(), "token": "c", "since": 1}, mine)
    parent = {"pid": os.getppid(), "token": "d", "since": process_started(os.getppid())}
    assert owner_alive(parent, mine)  # another live server
    assert not owner_alive({**parent, "since": parent["since"] + 1}, mine)  # a reused pid
    assert not owner_alive({"pid": "1; rm"}, mine) and not owner_alive({}, mine)


def test_records_are_atomic_and_damage_is_one_clear_error(approved) -> None:
    project, _ = approved
    store = JobStore(project)
    record = new_record("score.ipynb", {"n": 1}, "me", this_process("e" * 32))
    store.write(record)
    assert store.read(record["id"]) == record
    assert [p.name for p in store.folder.iterdir() if p.name.endswith(".tmp")] == []
    damaged = new_record("score.ipynb", {}, "me", this_process("e" * 32))
    store.path(damaged["id"]).write_text('{"id": "')
    with pytest.raises(MlopsError, match="cannot be read"):
        store.read(damaged["id"])
    assert damaged["id"] not in [r["id"] for r in store.records()]
    with pytest.raises(MlopsError, match="32 hex digits"):
        store.read("../../ledger")
    store.path(damaged["id"]).unlink()
    store.path(record["id"]).unlink()


def test_a_job_stranded_before_it_started_is_interrupted_with_nothing_recorded(approved) -> None:
    project, _ = approved
    store = JobStore(project)
    queued = new_record("score.ipynb", {}, "me", {"pid": dead_pid(), "token": "f", "since": None})
    store.write(queued)
    running = {**new_record("score.ipynb", {}, "me", queued["owner"]), "status": "running"}
    store.write(running)  # died before batch_run noted its start: nothing ran
    before = len(find_project(project.root).ledger.entries(BATCH_RUN))
    assert sorted(recover(project, this_process("g" * 32))) == sorted([queued["id"], running["id"]])
    for job_id in (queued["id"], running["id"]):
        done = store.read(job_id)
        assert done["status"] == "interrupted" and "nothing ran" in done["error"]["error"]
    assert len(find_project(project.root).ledger.entries(BATCH_RUN)) == before
    assert recover(project, this_process("g" * 32)) == []  # once
    store.path(queued["id"]).unlink()
    store.path(running["id"]).unlink()


def test_a_job_recorded_just_before_its_server_died_is_not_recorded_again(approved) -> None:
    project, notebook = approved
    done = batch_run(project, notebook, {"n": 13}, actor="me")
    store = JobStore(project)
    dead = {"pid": dead_pid(), "token": "h", "since": None}
    record = {**new_record("score.ipynb", {"n": 13}, "me", dead), "status": "running",
              "run": {"batch_id": done.entry.payload["batch_id"]}}  # fmt: skip
    store.write(record)  # the entry was appended, the job record not yet updated
    before = len(find_project(project.root).ledger.entries(BATCH_RUN))
    assert recover(project, this_process("i" * 32)) == [record["id"]]
    job = store.read(record["id"])
    assert job["status"] == "succeeded" and job["outcome"]["entry"] == done.entry.hash
    assert len(find_project(project.root).ledger.entries(BATCH_RUN)) == before
    store.path(record["id"]).unlink()


def test_jobs_beyond_the_limit_wait_their_turn(approved) -> None:
    project, notebook = approved
    runner = JobRunner(max_running=1)
    first = runner.submit(project, notebook, {"n": 11}, actor="me")
    second = runner.submit(project, notebook, {"n": 12}, actor="me")
    assert runner.job(second["id"], project)[1]["status"] == "queued"
    runner.wait(180)
    one, two = (JobStore(project).read(j["id"]) for j in (first, second))
    assert one["status"] == two["status"] == "succeeded", (one, two)
    assert two["started"] >= one["finished"]  # one at a time
    assert json.loads((project.root / "result-12.json").read_text())["n"] == 12
    with pytest.raises(MlopsError, match="1 to 64"):
        JobRunner(max_running=0)


def test_each_project_asks_its_own_store_for_its_experiment(approved, tmp_path: Path) -> None:
    """Jobs of two projects run in one server: MLflow's process-wide store may point at the
    other project when a run is recorded."""
    project, _ = approved
    (tmp_path / "other").mkdir()
    other = init_project(
        tmp_path / "other", name="other", template="classification", risk_tier="minimal",
        actor="me",
    )  # fmt: skip
    own = store.client(project).get_experiment_by_name(project.config.name).experiment_id
    store.client(other)  # MLflow now points at the other project's store
    assert store.experiment_id(project) == own
    assert store.client(other).get_experiment_by_name(project.config.name) is None
