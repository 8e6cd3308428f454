"""Parameter grids through the whole gate, with real kernels, a real ledger and MLflow: local
worker processes, and a Dask cluster started here; one failing run does not stop the others."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from jupyterlab_mlops.approvals import sign_off
from jupyterlab_mlops.batch.grid import MAX_COMBINATIONS, combinations, load_grid, run_grid
from jupyterlab_mlops.batch.run import BATCH_RUN
from jupyterlab_mlops.checklists.params import parameter_schema
from jupyterlab_mlops.errors import ForbiddenError, MlopsError
from jupyterlab_mlops.experiments import store
from jupyterlab_mlops.fingerprint import read_notebook
from jupyterlab_mlops.project import Project, find_project

from .helpers import ACTOR, make_notebook
from .helpers.batch import BUSINESS, CODE, PARAMETERS, approved_project


@pytest.fixture(scope="module")
def approved(tmp_path_factory: pytest.TempPathFactory) -> tuple[Project, Path]:
    saved = os.environ.get("MLOPS_USER")
    os.environ["MLOPS_USER"] = ACTOR
    try:
        return approved_project(tmp_path_factory.mktemp("grid"))
    finally:
        if saved is None:
            os.environ.pop("MLOPS_USER", None)


def batch_entries(project: Project) -> list:
    return find_project(project.root).ledger.entries(BATCH_RUN)


def schema_of(notebook: Path):
    return parameter_schema(read_notebook(notebook))


def test_bad_grids_are_refused_before_anything_runs(approved, tmp_path: Path) -> None:
    project, notebook = approved
    before = len(batch_entries(project))
    schema = schema_of(notebook)
    grid = tmp_path / "grid.yaml"
    for text, message in [
        ("x: [1, 2]\n", "declares no parameter 'x'.*declared parameters: n \\(int\\)"),
        ("n: 3\n", "'n' must list its values"),
        ("n: []\n", "'n' must list its values"),
        ("n: [1, 1]\n", "lists a value of n twice"),
        ("- 1\n", "must map parameter names"),
        (
            "n: [1, 2]\nthreshold: [0.2, 2.0]\n",
            r"combination 2 \(n=1, threshold=2.0\): .*outside its range 0..1",
        ),
        ("n: [1, 'two']\n", r"combination 2 \(n='two'\): parameter n must be an int"),
    ]:
        grid.write_text(text)
        with pytest.raises(MlopsError, match=message):
            combinations(load_grid(grid), {}, schema)
    huge = {"n": list(range(100)), "label": [str(i) for i in range(11)]}
    with pytest.raises(MlopsError, match=f"1,100 combinations, more than {MAX_COMBINATIONS:,}"):
        combinations(huge, {}, schema)
    with pytest.raises(MlopsError, match="n is both in the grid and given with -p"):
        combinations({"n": [1]}, {"n": 2}, schema)
    assert combinations({"n": [1, 2], "label": ["a", "b"]}, {"threshold": 0.1}, schema) == [
        {"threshold": 0.1, "n": 1, "label": "a"},
        {"threshold": 0.1, "n": 1, "label": "b"},
        {"threshold": 0.1, "n": 2, "label": "a"},
        {"threshold": 0.1, "n": 2, "label": "b"},
    ]
    other = make_notebook(project.root / "other.ipynb", [PARAMETERS, CODE], tags={0: ["parameters"]})  # fmt: skip
    with pytest.raises(ForbiddenError, match=r"may not run in production: .*no business sign-off"):
        run_grid(project, other, [{"n": 1}], actor=ACTOR)
    assert len(batch_entries(project)) == before


def test_a_grid_on_two_workers_where_one_run_fails(approved, mlops) -> None:
    project, _ = approved
    before = len(batch_entries(project))
    (project.root / "grid.yaml").write_text("n: [1, -1, 2, 3]\n")
    done = mlops(
        "batch", "grid", "score.ipynb", "--grid", "grid.yaml", "--workers", "2",
        "-p", "label", "grid", cwd=project.root,
    )  # fmt: skip
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("grid of score.ipynb: 4 runs on 2 local workers in ")
    assert lines[0].endswith(": 1 failed, 3 succeeded")
    assert lines[1].split()[:3] == ["#", "parameters", "status"]
    failing = next(line for line in lines if "n=-1" in line)
    assert "FAILED" in failing and "cell 2: ValueError: n must be at least 0" in failing
    entries = batch_entries(project)[before:]
    assert sorted(e.payload["parameters"]["n"] for e in entries) == [-1, 1, 2, 3]
    by_n = {e.payload["parameters"]["n"]: e.payload for e in entries}
    assert by_n[-1]["status"] == "failed" and by_n[-1]["failure"]["cell"] == 2
    for n in (1, 2, 3):
        assert by_n[n]["status"] == "succeeded" and by_n[n]["parameters"]["label"] == "grid"
        assert json.loads((project.root / f"result-{n}.json").read_text())["label"] == "grid"
        assert (project.root / by_n[n]["output"]).exists()
        run = store.client(project).get_run(by_n[n]["mlflow_run_id"])
        assert run.info.status == "FINISHED" and run.data.tags["mlops.batch_id"] == by_n[n]["batch_id"]  # fmt: skip
    assert len({p["batch_id"] for p in by_n.values()}) == 4
    assert not list((project.mlops_dir / "cache" / "batch").glob("*.jsonl"))  # read and removed
    as_json = mlops("batch", "grid", "score.ipynb", "--grid", "grid.yaml", "--workers", "0", cwd=project.root)  # fmt: skip
    assert as_json.returncode == 2 and "--workers must be at least 1" in as_json.stderr


def test_a_grid_on_a_dask_cluster(approved, monkeypatch: pytest.MonkeyPatch) -> None:
    distributed = pytest.importorskip("distributed")
    project, notebook = approved
    before = len(batch_entries(project))
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None
    ) as cluster:
        result = run_grid(
            project, notebook, [{"n": 4}, {"n": -1}, {"n": 5}],
            actor=ACTOR, dask_address=cluster.scheduler_address,
        )  # fmt: skip
    assert result.engine.startswith(f"Dask at {cluster.scheduler_address}")
    assert [(o.parameters["n"], o.status) for o in result.outcomes] == [
        (4, "succeeded"), (-1, "failed"), (5, "succeeded"),
    ]  # fmt: skip
    assert not result.ok and result.outcomes[1].failure["cell"] == 2
    entries = batch_entries(project)[before:]
    assert sorted(e.hash for e in entries) == sorted(o.entry for o in result.outcomes)
    assert {e.actor for e in entries} == {ACTOR}
    with pytest.raises(
        MlopsError, match=r"cannot reach the Dask scheduler at tcp://127\.0\.0\.1:9"
    ):
        run_grid(project, notebook, [{"n": 1}], actor=ACTOR, dask_address="tcp://127.0.0.1:9")


def test_a_run_refused_meanwhile_does_not_stop_the_others(approved, tmp_path: Path) -> None:
    """The gate runs again for every combination: a revoked approval refuses the rest."""
    from jupyterlab_mlops.batch.grid import run_task

    project, notebook = approved
    task = {
        "index": 1, "root": str(project.root), "notebook": str(notebook),
        "parameters": {"n": 1}, "actor": ACTOR, "output_dir": None, "timeout": None,
        "secret_env": [], "drift_threshold": None, "prestart": False,
    }  # fmt: skip
    sign_off(project, notebook, role="business", actor=BUSINESS, decision="revoke", comment="x")
    try:
        outcome = run_task(task)
    finally:
        sign_off(project, notebook, role="business", actor=BUSINESS, decision="approve", comment="ok")  # fmt: skip
    assert outcome["status"] == "refused" and "may not run in production" in outcome["error"]
    assert run_task(task)["status"] == "succeeded"


def test_a_grid_worker_skips_only_the_slow_iri_checker(tmp_path: Path) -> None:
    """A worker process imports papermill without jsonschema's IRI grammar, and nbformat
    still validates (and refuses) notebooks as before; a kernel started there is unaffected."""
    import subprocess
    import sys

    code = """
import sys
from jupyterlab_mlops.batch.grid import IRI_CHECKER, _skip_iri_checker
_skip_iri_checker()
import nbformat, papermill
nbformat.validate(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")]))
bad = nbformat.v4.new_notebook()
bad["cells"] = [{"cell_type": "code", "source": 1}]
try:
    nbformat.validate(bad)
except nbformat.ValidationError:
    print("refused")
print(sys.modules[IRI_CHECKER])
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["refused", "None"], done.stderr
    kernel = subprocess.run(
        [sys.executable, "-c", "import jsonschema, sys; print('rfc3987_syntax' in sys.modules)"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert kernel.stdout.strip() == "True"  # elsewhere jsonschema loads it as before


def _children() -> dict[int, str]:
    """This process's child processes and their state (``R``, ``S``, ``Z`` for a zombie...)."""
    found = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        state, ppid = text.rsplit(")", 1)[1].split()[:2]
        if int(ppid) == os.getpid():
            found[int(stat.parent.name)] = state
    return found


def _kernels_of(batch_ids: set[str]) -> list[int]:
    """Processes still running (not zombies) whose environment names one of ``batch_ids``."""
    from jupyterlab_mlops.kernel import BATCH_ENV

    found = []
    for environ in Path("/proc").glob("[0-9]*/environ"):
        try:
            names = environ.read_bytes().split(b"\0")
        except OSError:
            continue
        if any(f"{BATCH_ENV}={b}".encode() in names for b in batch_ids):
            found.append(int(environ.parent.name))
    return found


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_a_worker_does_not_wait_for_its_kernels_yet_leaves_none_behind(approved) -> None:
    """Each run's kernel is killed without waiting for it to exit; the next run reaps it, and
    closing the pools waits for the rest: no kernel runs on, no zombie is left."""
    from jupyterlab_mlops.batch.grid import run_task
    from jupyterlab_mlops.batch.kernels import close_all
    from jupyterlab_mlops.execution import _DYING

    project, notebook = approved
    before = set(_children())
    seen: set[int] = set()
    try:
        for index, prestart in ((1, True), (2, True), (3, False)):
            task = {
                "grid": "g", "index": index, "root": str(project.root), "notebook": str(notebook),
                "parameters": {"n": index}, "actor": ACTOR, "output_dir": None, "timeout": None,
                "secret_env": [], "drift_threshold": None, "prestart": prestart,
            }  # fmt: skip
            assert run_task(task)["status"] == "succeeded"
            seen |= set(_children()) - before
            assert len(_DYING) <= 2  # reaped as it goes, not only at the end
    finally:
        close_all()
    assert len(seen) >= 3  # a fresh kernel per run
    assert not _DYING
    left = {pid: state for pid, state in _children().items() if pid in seen}
    assert left == {}, left  # neither running nor zombie


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_no_kernel_outlives_a_grid_on_worker_processes(approved) -> None:
    project, notebook = approved
    before = len(batch_entries(project))
    result = run_grid(project, notebook, [{"n": n} for n in range(1, 6)], actor=ACTOR, workers=2)
    assert result.ok, result.to_json()
    batch_ids = {e.payload["batch_id"] for e in batch_entries(project)[before:]}
    assert len(batch_ids) == 5
    assert _kernels_of(batch_ids) == []
    experiments = {e.payload["experiment_id"] for e in batch_entries(project)[before:]}
    assert experiments == {store.experiment_id(project)}
