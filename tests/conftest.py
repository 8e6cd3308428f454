"""Shared fixtures: real projects in temporary folders, real notebooks, a real CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import settings

from jupyterlab_mlops.project import Project, find_project, init_project

from .helpers import ACTOR, make_notebook

# In CI the property tests draw the same examples every run (a failure there must be
# reproducible); elsewhere they draw new ones each run, to keep finding cases.
settings.register_profile("ci", derandomize=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


@pytest.fixture(autouse=True)
def _identity(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MLOPS_USER", ACTOR)
    monkeypatch.delenv("MLOPS_NOTEBOOK", raising=False)
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)  # runs go to the test project's store


@pytest.fixture(autouse=True)
def _no_run_left_open() -> Iterator[None]:
    """A test that leaves a run open (on purpose or by failing) must not leak it into the next."""
    yield
    if "mlflow" in sys.modules:
        import mlflow

        while mlflow.active_run() is not None:
            mlflow.end_run(status="KILLED")
    if "jupyterlab_mlops.experiments.runs" in sys.modules:
        from jupyterlab_mlops.experiments import runs

        with runs._ACTIVE_LOCK:
            runs._ACTIVE.clear()


@pytest.fixture
def project(tmp_path: Path) -> Project:
    """A freshly initialised project."""
    init_project(tmp_path, name="credit", template="classification", risk_tier="high", actor=ACTOR)
    return find_project(tmp_path)


@pytest.fixture
def notebook(project: Project) -> Path:
    return make_notebook(project.root / "train.ipynb", ["import math", "x = math.pi"])


@pytest.fixture
def mlops(tmp_path: Path) -> Callable[..., subprocess.CompletedProcess[str]]:
    """Run the real ``mlops`` CLI in a subprocess (cwd defaults to the test's tmp folder)."""

    def run(
        *args: str, cwd: Path | None = None, check: bool = False
    ) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "MLOPS_USER": ACTOR}
        done = subprocess.run(
            [sys.executable, "-m", "jupyterlab_mlops.cli", *args],
            cwd=cwd or tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        if check and done.returncode:
            raise AssertionError(f"mlops {' '.join(args)} failed: {done.stderr}")
        return done

    return run


def ledger_lines(project: Project) -> list[dict]:
    return [json.loads(line) for line in project.ledger_path.read_text().splitlines()]
