"""Diagnostics as evidence: logged to a real MLflow run in the project (artifacts and
metrics) with one ledger entry per run and report, not recorded without a run; the
``no_overfit``, ``no_leakage`` and ``calibrated`` checklist items fail and pass on a real
notebook's run, are re-judged when the template changes, and go stale with the notebook; and
``%mlops diagnose`` through the command layer."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from threadpoolctl import threadpool_limits

import jupyterlab_mlops
from jupyterlab_mlops import data
from jupyterlab_mlops.checklists.evaluate import check_notebook
from jupyterlab_mlops.commands import Invocation, execute
from jupyterlab_mlops.data.register import register_data
from jupyterlab_mlops.errors import MlopsError
from jupyterlab_mlops.experiments import store
from jupyterlab_mlops.kinds import DIAGNOSTICS_RECORDED
from jupyterlab_mlops.ledger import verify_ledger
from jupyterlab_mlops.project import Project, find_project

from .helpers import ACTOR, git_project, make_notebook
from .helpers.diagnostics import credit_model, make_data, write_template
from .test_checklists import SOURCES

pytestmark = pytest.mark.slow
ITEMS = ("no-overfit", "no-leakage", "calibrated")


@pytest.fixture(autouse=True)
def _one_thread() -> Iterator[None]:
    with threadpool_limits(limits=1, user_api="openmp"):
        yield


@pytest.fixture
def repo(tmp_path: Path) -> Project:
    """A project with the diagnostics items, the credit data registered (PII flagged by the
    screen) and a notebook."""
    project = write_template(find_project(git_project(tmp_path / "credit", rows=1500, seed=4)))
    register_data(project, project.root / "data" / "applications.csv", actor=ACTOR)
    make_notebook(project.root / "train.ipynb", SOURCES, tags={0: ["parameters"]})
    return project


def split(project: Project, extra: list[str] = ()) -> tuple[Any, ...]:
    """The registered data read through ``data.path`` (so an open run records it), split."""
    from sklearn.model_selection import train_test_split

    generator = make_data()
    frame = pd.read_csv(data.path("applications", start=project.root))
    X = frame[generator.CATEGORICAL_FEATURES + generator.NUMERIC_FEATURES + list(extra)]
    return tuple(train_test_split(X, frame["default"], test_size=0.25, random_state=0))


def entries(project: Project) -> list[Any]:
    return list(project.ledger.entries(DIAGNOSTICS_RECORDED))


def items(project: Project) -> dict[str, tuple[str, str]]:
    report = check_notebook(project, project.root / "train.ipynb")
    return {r.item.id: (r.status, r.outcome.detail) for r in report.results if r.item.id in ITEMS}


def test_diagnosing_in_a_run_records_artifacts_metrics_and_one_entry(
    repo: Project, tmp_path: Path
) -> None:
    notebook = repo.root / "train.ipynb"
    X_train, X_test, y_train, y_test = split(repo)
    model = credit_model(X_train, y_train, rounds=30)
    outside = jupyterlab_mlops.diagnose(model, X_train, y_train, X_test, y_test, notebook=notebook)
    assert outside.recorded is None and outside.not_recorded.startswith(
        "not recorded: no run is open. Call diagnose() inside"
    )
    assert entries(repo) == []
    with jupyterlab_mlops.run("boosting", project=repo, notebook=notebook) as run:
        X_train, X_test, y_train, y_test = split(repo)
        report = jupyterlab_mlops.diagnose(
            model, X_train, y_train, X_test, y_test, notebook=notebook
        )
        again = jupyterlab_mlops.diagnose(
            model, X_train, y_train, X_test, y_test, notebook=notebook
        )
    assert report.recorded is not None and again.recorded.hash == report.recorded.hash
    [entry] = entries(repo)
    p = entry.payload
    assert p["run_id"] == run.run_id == report.run_id and f"mlflow-run:{run.run_id}" in entry.links
    [version] = p["data"]["versions"]
    assert version["name"] == "applications" and f"entry:{version['entry']}" in entry.links
    assert set(p["overfit"]) >= {"metric", "train", "test", "gap", "low", "high", "cv"}
    assert set(p["calibration"]) == {"brier", "ece", "low", "high", "bins", "resamples"}
    assert p["thresholds"]["no_overfit"] == {"metric": "roc_auc", "max_gap": 0.05}
    assert p["rows"] == {"train": len(X_train), "test": len(X_test)} and p["seed"] == 0
    assert [f["check"] for f in p["findings"]][:2] == ["overfit", "single_feature"]
    assert f"recorded as ledger entry {entry.hash[:12]} in run {run.run_id}" in report._repr_html_()
    client = store.client(repo)
    listed = {a.path for a in client.list_artifacts(run.run_id, p["artifacts"])}
    folder = p["artifacts"]
    assert {f"{folder}/report.json", f"{folder}/report.html", f"{folder}/reliability.png"} <= listed
    metrics = client.get_run(run.run_id).data.metrics
    assert metrics["diagnostics_overfit_gap"] == pytest.approx(p["overfit"]["gap"])
    assert metrics["diagnostics_ece"] == pytest.approx(p["calibration"]["ece"])
    assert "diagnostics_brier" in metrics
    assert verify_ledger(repo.ledger_path).ok


def test_a_column_flagged_as_personal_data_at_registration_is_an_identifier(
    repo: Project,
) -> None:
    notebook = repo.root / "train.ipynb"
    with jupyterlab_mlops.run("with ids", project=repo, notebook=notebook):
        X_train, X_test, y_train, y_test = split(repo, extra=["email"])
        model = credit_model(X_train, y_train, rounds=10)
        report = jupyterlab_mlops.diagnose(
            model, X_train, y_train, X_test, y_test, notebook=notebook
        )
    found = next(f for f in report.findings if f["check"] == "identifiers")
    assert found["status"] == "fail"
    assert (
        "email (unique on 98.9% of training rows, text; flagged at registration: email)"
        in (found["detail"])
    )
    [row] = [r for r in report.to_json()["leakage"]["identifiers"] if r["column"] == "email"]
    assert row["pii"] == ["email"]
    assert items(repo)["no-leakage"][0] == "fail"


def test_the_items_fail_pass_follow_the_template_and_go_stale(repo: Project) -> None:
    notebook = repo.root / "train.ipynb"
    with jupyterlab_mlops.run("boosting", project=repo, notebook=notebook) as run:
        X_train, X_test, y_train, y_test = split(repo)
        model = credit_model(X_train, y_train, rounds=30)
    before = items(repo)
    assert before["no-overfit"] == (
        "fail",
        "no diagnostics of run 'boosting' recorded: diagnose the model of the latest finished "
        "run: jupyterlab_mlops.diagnose(model, X_train, y_train, X_test, y_test, run=...)",
    )
    # diagnosed after the run (run=): the model of the run an approval would name
    report = jupyterlab_mlops.diagnose(
        model, X_train, y_train, X_test, y_test, run=run.run_id, notebook=notebook
    )
    gap = report.overfit["gap"]
    assert report.recorded is not None
    write_template(repo, max_ece=0.2)  # a small, briefly boosted model: loosely calibrated
    result = items(repo)
    assert result["no-leakage"][0] == "pass", result["no-leakage"]
    assert result["no-leakage"][1].startswith("run 'boosting': highest ")
    assert result["calibrated"][0] == "pass", result["calibrated"]
    overfit_status = "fail" if gap > 0.05 else "pass"
    assert result["no-overfit"][0] == overfit_status
    assert f"gap {gap:.3g} (95% interval " in result["no-overfit"][1]
    # the template changes: the same evidence is judged again with the new thresholds
    write_template(repo, max_gap=0.5, max_ece=0.001)
    result = items(repo)
    assert result["no-overfit"][0] == "pass" and "within the maximum 0.5" in result["no-overfit"][1]
    assert result["calibrated"][0] == "fail" and "over the maximum 0.001" in result["calibrated"][1]
    write_template(repo, bins=15)
    assert "uses 10 bins, the template asks for 15: diagnose again" in items(repo)["calibrated"][1]
    # a cell changes: the run and its diagnostics are evidence about an earlier version
    make_notebook(notebook, [*SOURCES, "y = 2"], tags={0: ["parameters"]})
    assert items(repo)["no-overfit"] == (
        "fail",
        "no finished run of this notebook version for the diagnostics (the diagnostics on "
        "record is of an earlier version: the code changed since)",
    )
    with jupyterlab_mlops.run("boosting", project=repo, notebook=notebook):
        pass
    status, detail = items(repo)["no-leakage"]
    assert status == "fail" and detail.startswith("stale: the diagnostics on record is of an")


def test_a_malformed_entry_fails_the_item_and_a_malformed_template_is_its_error(
    repo: Project,
) -> None:
    notebook = repo.root / "train.ipynb"
    with jupyterlab_mlops.run("boosting", project=repo, notebook=notebook) as run:
        split(repo)
    from jupyterlab_mlops.notebooks import notebook_state

    [version] = [d for d in find_project(repo.root).ledger.entries("run.logged")][-1].payload[
        "data"
    ]
    repo.ledger.append(
        DIAGNOSTICS_RECORDED,
        {"run_id": run.run_id, "report_id": "x", "overfit": {"metric": "roc_auc"},
         "leakage": "??", "calibration": [], "data": {"versions": [version]}},
        actor=ACTOR, notebook=notebook_state(repo, notebook).ref(),
    )  # fmt: skip
    result = items(repo)
    assert all(status == "fail" for status, _ in result.values())
    assert "no readable figures" in result["no-leakage"][1]
    write_template(repo, max_gap="'small'")
    with pytest.raises(MlopsError, match="max_gap must be a number") as caught:
        items(repo)
    assert "fix the check's args in the template" in caught.value.hint


def test_the_magic_diagnoses_kernel_variables(repo: Project) -> None:
    notebook = repo.root / "train.ipynb"
    X_train, X_test, y_train, y_test = split(repo)
    namespace = {
        "model": credit_model(X_train, y_train, rounds=10),
        "X_train": X_train, "y_train": y_train, "X_test": X_test, "y_test": y_test,
        "cv_auc": [0.7, 0.72, 0.71],
    }  # fmt: skip
    where = Invocation(
        surface="magic", cwd=repo.root, namespace=namespace, locate=lambda: (notebook, None)
    )
    argv = ["diagnose", "model", "X_train", "y_train", "X_test", "y_test", "--cv", "cv_auc"]
    outcome = execute([*argv, "--seed", "3"], where)
    report = outcome.view.value()
    assert report.to_json()["seed"] == 3 and report.overfit["cv"]["folds"] == 3
    assert outcome.view.to_text() == repr(report)
    with pytest.raises(MlopsError, match="no variable named 'X_valid'"):
        execute(["diagnose", "model", "X_train", "y_train", "X_valid", "y_test"], where)
    with pytest.raises(MlopsError, match="variables of a notebook's kernel"):
        execute(argv, Invocation(surface="cli", cwd=repo.root))
