"""Fairness as evidence and as a checklist item, on a real project: a real MLflow run, a real
notebook, registered data with age and sex declared sensitive, a real sklearn model; and the
``%mlops fairness`` command."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression

import jupyterlab_mlops
from jupyterlab_mlops import data
from jupyterlab_mlops.checklists.evaluate import check_notebook
from jupyterlab_mlops.commands import Invocation, execute
from jupyterlab_mlops.data.register import register_data
from jupyterlab_mlops.errors import MlopsError
from jupyterlab_mlops.experiments import store
from jupyterlab_mlops.kinds import FAIRNESS_ASSESSED
from jupyterlab_mlops.ledger import verify_ledger
from jupyterlab_mlops.project import Project, find_project

from .helpers import ACTOR, git_project, make_notebook
from .helpers.fairness import HIGH, write_template

SOURCES = ["seed = 7", "import math", "x = math.pi"]
FEATURES = ["annual_income", "loan_amount", "debt_to_income"]


@pytest.fixture
def repo(tmp_path: Path) -> Project:
    project = find_project(git_project(tmp_path / "credit", rows=1200, seed=4))
    make_notebook(project.root / "train.ipynb", SOURCES, tags={0: ["parameters"]})
    write_template(project.mlops_dir / "checklists")
    register_data(
        project, project.root / "data" / "applications.csv", actor=ACTOR, sensitive=["age", "sex"]
    )
    return project


def fit(project: Project) -> tuple:
    frame = pd.read_csv(data.path("applications", start=project.root))
    test = frame.sample(frac=0.5, random_state=0)
    model = LogisticRegression(max_iter=500).fit(frame[FEATURES], frame["default"])
    return model, test


def fairness_item(project: Project) -> tuple[str, str]:
    report = check_notebook(project, project.root / "train.ipynb")
    result = next(r for r in report.results if r.item.id == "fairness")
    return result.status, result.outcome.detail


def entries(project: Project) -> list:
    return list(project.ledger.entries(FAIRNESS_ASSESSED))


def test_recorded_in_a_run_once_and_judged_by_the_checklist(repo: Project, tmp_path: Path) -> None:
    notebook = repo.root / "train.ipynb"
    with jupyterlab_mlops.run("logistic", project=repo, notebook=notebook) as run:
        model, test = fit(repo)
        y_pred = pd.Series(model.predict(test[FEATURES]), index=test.index)
    status, detail = fairness_item(repo)
    assert status == "fail" and "no fairness assessment of run 'logistic' recorded" in detail
    # sex only: age was declared sensitive too, so the item fails naming it
    partial = jupyterlab_mlops.fairness(
        test["default"], y_pred, test[["sex"]], run=run.run_id, notebook=notebook, resamples=200
    )
    assert partial.recorded is not None
    status, detail = fairness_item(repo)
    assert status == "fail" and "does not cover age" in detail
    # no sensitive=: the declared columns of the registered table at y_true's rows
    report = jupyterlab_mlops.fairness(
        test["default"], y_pred, run=run.run_id, notebook=notebook, resamples=200
    )
    again = jupyterlab_mlops.fairness(
        test["default"], y_pred, run=run.run_id, notebook=notebook, resamples=200
    )
    assert again.recorded.hash == report.recorded.hash  # the same report: one entry
    assert len(entries(repo)) == 2
    p = report.recorded.payload
    assert {f["name"] for f in p["features"]} == {"age band", "sex", "age band × sex"}  # noqa: RUF001
    assert p["columns"] == ["age", "sex"] and p["model"] is None and p["rows"] == len(test)
    assert p["policy"]["tier"] == "high" and p["policy"]["cite"] == HIGH["cite"]
    assert f"mlflow-run:{run.run_id}" in report.recorded.links
    assert "declared sensitive in applications v1" in report.to_json()["sensitive_source"]
    client = store.client(repo)
    listed = {a.path for a in client.list_artifacts(run.run_id, p["artifacts"])}
    assert {f"{p['artifacts']}/report.json", f"{p['artifacts']}/report.html"} <= listed
    logged = client.get_run(run.run_id).data.metrics
    assert "fairness_sex_demographic_parity_difference" in logged
    assert "fairness_age_band_sex_equalized_odds_difference" in logged
    status, detail = fairness_item(repo)
    if report.passed:
        assert status == "pass" and detail.startswith(f"run 'logistic': {len(test)} rows assessed")
    else:
        first = report.breaches[0]
        assert status == "fail" and first["metric"] in detail and first["worst_group"] in detail
        assert HIGH["cite"] in detail
    assert verify_ledger(repo.ledger_path).ok


def test_the_item_fails_on_a_breach_passes_on_a_fair_model_and_goes_stale(repo: Project) -> None:
    import numpy as np

    notebook = repo.root / "train.ipynb"
    with jupyterlab_mlops.run("logistic", project=repo, notebook=notebook) as run:
        _model, test = fit(repo)
    y = test["default"]
    unfair = np.where(test["sex"] == "M", 1, y)  # every M predicted positive
    jupyterlab_mlops.fairness(
        y, pd.Series(unfair, index=test.index), run=run.run_id, notebook=notebook, resamples=200
    )
    status, detail = fairness_item(repo)
    assert status == "fail" and detail.startswith("run 'logistic': sex: ")
    assert "between F and M" in detail or "between M and F" in detail
    assert "limit max 0.1" in detail and HIGH["cite"] in detail
    # the model that is right for everyone: no error-rate disparity (selection rates still
    # differ with the groups' base rates, so this project's policy limits equalized odds only)
    odds = {**HIGH, "limits": {"equalized_odds_difference": {"max": 0.1}}}
    write_template(repo.mlops_dir / "checklists", high=odds, limited=odds)
    fair = jupyterlab_mlops.fairness(y, y, run=run.run_id, notebook=notebook, resamples=200)
    assert fair.passed is True
    status, detail = fairness_item(repo)
    assert status == "pass", detail
    assert "age band, sex" in detail and "within the high tier's limits" in detail
    # a cell changes: the assessment is of an earlier version
    make_notebook(notebook, [*SOURCES, "y = 2"], tags={0: ["parameters"]})
    status, detail = fairness_item(repo)
    assert status == "fail" and "earlier version" in detail


def test_without_a_run_it_is_shown_but_not_recorded(repo: Project) -> None:
    _, test = fit(repo)
    report = jupyterlab_mlops.fairness(
        test["default"],
        test["default"],
        test[["sex", "age"]],
        notebook=repo.root / "train.ipynb",
        resamples=100,
    )
    assert report.recorded is None and "no run is open" in report.not_recorded
    assert entries(repo) == [] and "no run is open" in report._repr_html_()


def test_no_sensitive_columns_is_one_error_naming_the_declared_ones(repo: Project) -> None:
    fit(repo)  # reads the registered data (age and sex declared sensitive)
    with pytest.raises(MlopsError) as caught:
        jupyterlab_mlops.fairness([0, 1] * 20, [0, 1] * 20, notebook=repo.root / "train.ipynb")
    assert "sensitive=groups_test (columns age, sex)" in caught.value.hint


def test_the_magic_reads_kernel_variables(repo: Project) -> None:
    _, test = fit(repo)
    namespace = {
        "y_test": test["default"],
        "y_pred": test["default"],
        "groups": test[["sex", "age"]],
    }
    where = Invocation(
        surface="magic",
        cwd=repo.root,
        namespace=namespace,
        locate=lambda: (repo.root / "train.ipynb", None),
    )
    outcome = execute(
        [
            "fairness",
            "y_test",
            "y_pred",
            "--sensitive",
            "groups",
            "--sensitive",
            "sex",
            "--resamples",
            "100",
            "--name",
            "<b>m</b>",
        ],
        where,
    )
    report = outcome.view.value()
    assert [f["name"] for f in report.to_json()["features"]] == ["sex"]  # the column picked
    assert report.passed is True and "&lt;b&gt;m&lt;/b&gt;" in report._repr_html_()
    assert "<b>m</b>" not in report._repr_html_()
    cli = Invocation(surface="cli", cwd=repo.root)
    with pytest.raises(Exception, match="variables of a notebook's kernel"):
        execute(["fairness", "y_test", "y_pred"], cli)


def test_the_item_fails_when_a_limited_disparity_was_not_measured(repo: Project) -> None:
    """Re-judged from the recorded disparities: None or missing is not judged, not a pass."""
    from .helpers.fairness import record_fairness

    notebook = repo.root / "train.ipynb"
    with jupyterlab_mlops.run("logistic", project=repo, notebook=notebook):
        pass
    measured = {"value": 0.02, "low": 0.0, "high": 0.06, "worst_group": "F", "best_group": "M"}
    empty = {"value": None, "low": None, "high": None, "worst_group": None, "best_group": None}
    sex = {m: dict(measured) for m in HIGH["limits"]}
    features = [
        {"name": "sex", "columns": ["sex"], "groups": 2},
        {"name": "age band", "columns": ["age"], "groups": 2},
    ]
    age = {**sex, "equal_opportunity_difference": {**empty, "note": "tpr: fewer than two groups"}}
    record_fairness(
        repo,
        notebook,
        disparities={"sex": sex, "age band": age},
        features=features,
        columns=["age", "sex"],
    )
    status, detail = fairness_item(repo)
    assert status == "fail", detail
    assert "not enough data to judge equal_opportunity_difference across age band" in detail
    age.pop("equal_opportunity_difference")  # missing: the same
    record_fairness(
        repo,
        notebook,
        disparities={"sex": sex, "age band": age},
        features=features,
        columns=["age", "sex"],
        report_id="4" * 64,
    )
    status, detail = fairness_item(repo)
    assert status == "fail" and "not enough data to judge equal_opportunity_difference" in detail
    age["equal_opportunity_difference"] = dict(measured)
    record_fairness(
        repo,
        notebook,
        disparities={"sex": sex, "age band": age},
        features=features,
        columns=["age", "sex"],
        report_id="5" * 64,
    )
    status, detail = fairness_item(repo)
    assert status == "pass", detail


def test_without_sensitive_the_declared_columns_of_the_registered_rows_are_used(
    repo: Project,
) -> None:
    model, test = fit(repo)  # reads the registered data: age and sex declared sensitive
    y_true = test["default"]
    y_pred = pd.Series(model.predict(test[["annual_income", "loan_amount", "debt_to_income"]]))
    y_pred.index = y_true.index
    report = jupyterlab_mlops.fairness(
        y_true, y_pred, notebook=repo.root / "train.ipynb", resamples=100
    )
    features = set(report.by_group["feature"])
    assert features == {"age band", "sex", "age band \u00d7 sex"}
    sizes = report.by_group[report.by_group["feature"] == "sex"].set_index("group")["size"]
    assert sizes.sum() == len(y_true)
    assert dict(sizes) == dict(test["sex"].value_counts())

    # labels that are not the table's at those rows (the index was reset) are refused, not
    # silently matched to other applicants
    with pytest.raises(MlopsError) as refused:
        jupyterlab_mlops.fairness(
            y_true.reset_index(drop=True), y_pred.to_numpy(), notebook=repo.root / "train.ipynb"
        )
    assert "sensitive=" in refused.value.hint
