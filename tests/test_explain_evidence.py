"""Explanations as evidence: logged to a real MLflow run in the project, one ledger entry per
run and report, answered from the cache the second time, and the sensitive columns declared
at data registration used as cohorts by default."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder

import jupyterlab_mlops
from jupyterlab_mlops import data
from jupyterlab_mlops.data.register import register_data
from jupyterlab_mlops.experiments import store
from jupyterlab_mlops.kinds import EXPLANATION_RECORDED
from jupyterlab_mlops.ledger import verify_ledger
from jupyterlab_mlops.project import Project, find_project

from .helpers import ACTOR, git_project

pytestmark = pytest.mark.slow

FEATURES = ["annual_income", "loan_amount", "debt_to_income", "home_ownership", "sex"]


@pytest.fixture
def trained(tmp_path: Path) -> tuple[Project, object, pd.DataFrame, pd.Series]:
    """A project with registered credit data (age and sex declared sensitive), read through
    ``data.path``, and a boosting pipeline fitted on it."""
    root = git_project(tmp_path / "credit", rows=400, seed=3)
    project = find_project(root)
    register_data(
        project, root / "data" / "applications.csv", actor=ACTOR, sensitive=["age", "sex"]
    )
    frame = pd.read_csv(data.path("applications", start=root))
    X, y = frame[FEATURES], frame["default"]
    model = make_pipeline(
        ColumnTransformer(
            [("cat", OneHotEncoder(handle_unknown="ignore"), ["home_ownership", "sex"])],
            remainder="passthrough",
        ),
        HistGradientBoostingClassifier(max_iter=30, random_state=0),
    ).fit(X, y)
    return project, model, X, y


def explanation_entries(project: Project) -> list:
    return list(project.ledger.entries(EXPLANATION_RECORDED))


def test_explaining_in_a_run_records_artifacts_and_one_entry(trained, tmp_path: Path) -> None:
    project, model, X, y = trained
    notebook = project.root / "train.ipynb"
    with jupyterlab_mlops.run("boosting", project=project, notebook=notebook) as run:
        report = jupyterlab_mlops.explain(model, X, y, notebook=notebook)
        again = jupyterlab_mlops.explain(model, X, y, notebook=notebook)
    assert report.recorded is not None and not report.cached
    assert again.cached and again.recorded.hash == report.recorded.hash  # one entry per run
    [entry] = explanation_entries(project)
    p = entry.payload
    assert p["run_id"] == run.run_id and f"mlflow-run:{run.run_id}" in entry.links
    [version] = p["data"]["versions"]
    assert version["name"] == "applications" and f"entry:{version['entry']}" in entry.links
    assert {"global", "local", "stability", "cohorts", "additivity"} <= set(p["kinds"])
    assert p["cohorts"]["by"] == ["sex"]  # declared sensitive at registration, and in X
    assert p["additivity"]["ok"] is True

    client = store.client(project)
    listed = {a.path for a in client.list_artifacts(run.run_id, p["artifacts"])}
    assert {f"{p['artifacts']}/report.json", f"{p['artifacts']}/report.html"} <= listed
    assert any(path.endswith(".png") for path in listed)
    local = Path(
        client.download_artifacts(run.run_id, f"{p['artifacts']}/report.json", str(tmp_path))
    )
    figures = json.loads(local.read_text())
    assert [row["feature"] for row in figures["global_importance"]][:1] == [p["top"][0]["feature"]]

    # the same model and data for the next run: from the cache, recorded for that run too
    later = jupyterlab_mlops.explain(model, X, y, run="last", notebook=notebook)
    assert later.cached and later.recorded.hash == report.recorded.hash  # "last" is that run
    with jupyterlab_mlops.run("boosting again", project=project, notebook=notebook):
        second = jupyterlab_mlops.explain(model, X, y, notebook=notebook)
    assert second.cached and second.recorded.hash != report.recorded.hash
    assert len(explanation_entries(project)) == 2
    assert verify_ledger(project.ledger_path).ok


def test_without_a_run_the_report_is_shown_but_not_recorded(trained) -> None:
    project, model, X, _ = trained
    report = jupyterlab_mlops.explain(model, X.head(120), notebook=project.root / "train.ipynb")
    assert report.recorded is None and "no run is open" in report.not_recorded
    assert explanation_entries(project) == []
    assert list(report.global_importance["feature"])  # computed all the same


@pytest.mark.parametrize(
    "damage",
    ['{"format": "jupyterlab_mlops.explanation", "version": 1}', "{not json", '["a list"]'],
)
def test_a_damaged_cache_entry_is_computed_again(trained, damage: str) -> None:
    project, model, X, _ = trained
    notebook = project.root / "train.ipynb"
    first = jupyterlab_mlops.explain(model, X.head(80), notebook=notebook)
    (cached,) = (project.mlops_dir / "cache" / "explanations").glob("*.json")
    cached.write_text(damage)
    again = jupyterlab_mlops.explain(model, X.head(80), notebook=notebook)
    assert not again.cached
    assert again.to_json()["global_importance"] == first.to_json()["global_importance"]
    assert jupyterlab_mlops.explain(model, X.head(80), notebook=notebook).cached  # rewritten
