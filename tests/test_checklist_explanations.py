"""The ``explanations`` checklist item (check ``explanations_recorded``): it passes only for an
explanation of the latest finished run of the current notebook version, on that run's data,
with the kinds the risk tier requires, whose attributions add up to the model's output."""

from __future__ import annotations

from typing import Any

import pytest

from jupyterlab_mlops import data
from jupyterlab_mlops.checklists.checks import run_check
from jupyterlab_mlops.checklists.engine import Context
from jupyterlab_mlops.checklists.evaluate import check_notebook
from jupyterlab_mlops.config import dump_config
from jupyterlab_mlops.data.register import register_data
from jupyterlab_mlops.errors import MlopsError
from jupyterlab_mlops.experiments import runs, store
from jupyterlab_mlops.fingerprint import read_notebook
from jupyterlab_mlops.ledger import Entry
from jupyterlab_mlops.notebooks import notebook_state
from jupyterlab_mlops.project import Project, find_project

from .helpers import ACTOR, make_notebook
from .helpers.explanations import record_explanation
from .test_checklists import SOURCES, repo, results, train  # noqa: F401 (repo: a fixture)

FEATURES = ["annual_income", "loan_amount", "debt_to_income", "home_ownership", "sex"]


def record(project: Project, run_id: str, **changes: Any) -> Entry:
    return record_explanation(project, project.root / "train.ipynb", run_id, **changes)


def explanations(project: Project) -> tuple[str, str]:
    return results(project)["explanations"]


def latest_run(project: Project) -> str:
    return runs.list_runs(project)[-1].run_id


def tier(project: Project, risk_tier: str) -> Project:
    config = project.config.model_copy(update={"risk_tier": risk_tier})
    (project.mlops_dir / "config").write_text(dump_config(config))
    return find_project(project.root)


@pytest.fixture
def trained(repo: Project) -> Project:  # noqa: F811
    register_data(repo, repo.root / "data" / "applications.csv", actor=ACTOR)
    train(repo)
    return repo


def test_the_details_say_what_is_missing(trained: Project) -> None:
    project = trained
    assert explanations(project) == (
        "fail",
        "no explanation of run 'gbm' recorded: explain the model of the latest finished run: "
        "jupyterlab_mlops.explain(model, X, run=...)",
    )
    run_id = latest_run(project)
    record_explanation(project, None, run_id)  # made outside the saved notebook
    assert "names no notebook version" in explanations(project)[1]
    record(project, run_id, data={"digest": "1" * 64, "versions": []})
    assert explanations(project) == (
        "fail",
        "the explanation of run 'gbm' names no registered data, but the run read "
        "applications v1: make it on the run's data",
    )
    record(project, run_id, kinds=["global", "local", "additivity"])
    status, detail = explanations(project)
    assert status == "fail" and "lacks stability, cohorts" in detail and "by=groups" in detail
    # the limited tier asks for less: global importance and local explanations
    assert explanations(tier(project, "limited"))[0] == "pass"
    project = tier(project, "high")
    record(project, run_id, additivity={"max_error": 0.02, "tolerance": 1e-4, "ok": False})
    status, detail = explanations(project)
    assert status == "fail" and detail.startswith("additivity failed") and "0.02" in detail
    record(project, run_id, additivity=None)
    assert "records no additivity check" in explanations(project)[1]
    explained = record(project, run_id)
    report = check_notebook(project, project.root / "train.ipynb")
    item = next(r for r in report.results if r.item.id == "explanations")
    assert item.status == "pass" and item.item.gates == "review"
    assert item.outcome.detail == (
        "run 'gbm': global, local, stability, cohorts explained on 60 of 60 rows "
        "(tree explainer, top feature debt_to_income); additivity holds"
    )
    assert [(e.kind, e.ref) for e in item.outcome.evidence] == [
        ("mlflow-run", run_id),
        ("entry", explained.hash),
        ("mlflow-artifact", f"{run_id}/explanations/4f2a9c01"),
    ]


def test_only_the_latest_finished_run_counts(trained: Project) -> None:
    project = trained
    older = latest_run(project)
    train(project)  # a newer run of the same version: the one an approval bundle names
    record(project, older)
    status, detail = explanations(project)
    assert status == "fail" and f"of an older run ({older[:8]})" in detail
    failed = runs.Run(project, "broken", actor=ACTOR, notebook=project.root / "train.ipynb")
    failed.start()
    failed.end(failed=True)
    record(project, failed.run_id)
    assert f"run {failed.run_id[:8]}, which ended FAILED" in explanations(project)[1]
    # explained inside the run: evidence once the run has finished
    with runs.run("explained", project=project, notebook=project.root / "train.ipynb") as run:
        record(project, run.run_id)
        assert f"run {run.run_id[:8]}, which is still open" in explanations(project)[1]
    assert explanations(project)[0] == "pass"


def fit(project: Project) -> tuple[Any, Any, Any]:
    """A small boosting pipeline on the registered applications (read through ``data.path``,
    so the open run records that version), and its held-out rows and labels."""
    import pandas as pd
    from sklearn.compose import make_column_transformer
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.model_selection import train_test_split
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder

    frame = pd.read_csv(data.path("applications", start=project.root))
    X, y = frame[FEATURES], frame["default"]
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3, random_state=0)
    encode = make_column_transformer(
        (OneHotEncoder(handle_unknown="ignore"), ["home_ownership", "sex"]), remainder="passthrough"
    )
    model = make_pipeline(encode, HistGradientBoostingClassifier(max_iter=20, random_state=0))
    return model.fit(X_train, y_train), X_test, y_test


@pytest.mark.slow
def test_the_item_fails_then_passes_then_goes_stale_when_the_code_changes(
    repo: Project,  # noqa: F811
) -> None:
    from sklearn.metrics import roc_auc_score

    import jupyterlab_mlops

    notebook = repo.root / "train.ipynb"
    register_data(repo, repo.root / "data" / "applications.csv", actor=ACTOR, sensitive=["sex"])
    with jupyterlab_mlops.run("boosting", project=repo, notebook=notebook) as run:
        model, X_test, y_test = fit(repo)
        run.log(test_roc_auc=roc_auc_score(y_test, model.predict_proba(X_test)[:, 1]))
    assert explanations(repo)[1].startswith("no explanation of run 'boosting' recorded")
    # explained after the run (run=): the model of the run an approval would name
    report = jupyterlab_mlops.explain(model, X_test, y_test, run=run.run_id, notebook=notebook)
    assert report.recorded is not None and report.recorded.payload["cohorts"]["by"] == ["sex"]
    result = next(r for r in check_notebook(repo, notebook).results if r.item.id == "explanations")
    assert result.status == "pass", result.outcome.detail
    assert result.outcome.detail.startswith(
        f"run 'boosting': global, local, stability, cohorts explained on {len(X_test)} of "
        f"{len(X_test)} rows (tree explainer, top feature "
    )
    artifact = next(e for e in result.outcome.evidence if e.kind == "mlflow-artifact")
    run_id, folder = artifact.ref.split("/", 1)
    listed = {a.path for a in store.client(repo).list_artifacts(run_id, folder)}
    assert run_id == run.run_id and f"{folder}/report.html" in listed  # the link is real
    # a cell changes: the run and its explanation are evidence about an earlier version
    make_notebook(notebook, [*SOURCES, "y = 2"], tags={0: ["parameters"]})
    assert explanations(repo) == (
        "fail",
        "no finished run of this notebook version for the explanation (the explanation on record is "
        "of an earlier version: the code changed since)",
    )
    with jupyterlab_mlops.run("boosting", project=repo, notebook=notebook) as rerun:
        rerun.log(test_roc_auc=0.8)
    status, detail = explanations(repo)
    assert status == "fail" and detail.startswith("stale: the explanation on record is of an")


@pytest.mark.parametrize(
    ("kinds", "message"),
    [
        (["global", "shapley"], "unknown kind 'shapley'"),
        ({"limited": ["global"]}, "names no kinds for risk tier 'high'"),
        ({"severe": ["global"], "high": ["global"]}, "unknown risk tier 'severe'"),
        ("global", "kinds must be a list of names"),
    ],
)
def test_a_malformed_kinds_argument_is_a_template_error(
    repo: Project,  # noqa: F811
    kinds: Any,
    message: str,
) -> None:
    state = notebook_state(repo, repo.root / "train.ipynb")
    context = Context(repo, state, read_notebook(repo.root / state.path))
    with pytest.raises(MlopsError, match=message) as caught:
        run_check("explanations_recorded", context, {"kinds": kinds})
    assert "fix the check's args in the template" in caught.value.hint
