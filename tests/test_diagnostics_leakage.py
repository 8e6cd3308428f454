"""Leakage diagnostics on the credit example with planted leaks: a copied target, a
categorical echo of the label, train-test duplicates and an identifier that encodes the label
are each caught and named; the clean example is not flagged."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from threadpoolctl import threadpool_limits

import jupyterlab_mlops
from jupyterlab_mlops.project import Project

from .helpers.diagnostics import credit_model, credit_split, write_template

LEAKS = ("single_feature", "target_correlation", "duplicates", "identifiers", "target_in_features")


@pytest.fixture(autouse=True)
def _one_thread() -> Iterator[None]:
    with threadpool_limits(limits=1, user_api="openmp"):
        yield


@pytest.fixture(scope="module")
def credit() -> tuple[Any, ...]:
    X_train, X_test, y_train, y_test = credit_split(2500)
    return credit_model(X_train, y_train, rounds=40), X_train, X_test, y_train, y_test


@pytest.fixture
def judged(project: Project) -> Project:
    return write_template(project)


def statuses(report: Any) -> dict[str, str]:
    return {f["check"]: f["status"] for f in report.findings}


def detail(report: Any, check: str) -> str:
    return next(f["detail"] for f in report.findings if f["check"] == check)


def diagnose(project: Project, model: Any, X_train, y_train, X_test, y_test, **kw: Any) -> Any:
    return jupyterlab_mlops.diagnose(
        model, X_train, y_train, X_test, y_test, notebook=project.root / "train.ipynb", **kw
    )


def test_the_clean_example_is_not_flagged(judged: Project, credit) -> None:
    model, X_train, X_test, y_train, y_test = credit
    report = diagnose(judged, model, X_train, y_train, X_test, y_test)
    found = statuses(report)
    assert all(found[c] == "pass" for c in LEAKS), report.findings
    assert (
        report.to_json()["thresholds"]["policy"] == "project template 'classification', high tier"
    )
    leakage = report.to_json()["leakage"]
    assert leakage["columns"] == X_train.shape[1] and leakage["duplicates"]["found"] == 0
    assert max(r["score"] for r in leakage["single_feature"]) < 0.8


def test_a_copied_target_is_caught_and_named(judged: Project, credit) -> None:
    model, X_train, X_test, y_train, y_test = credit
    rng = np.random.default_rng(1)
    flips = lambda y: np.where(rng.random(len(y)) < 0.01, 1 - y, y)  # noqa: E731
    X_train = X_train.assign(default_flag=flips(y_train.to_numpy()), default=y_train.to_numpy())
    X_test = X_test.assign(default_flag=flips(y_test.to_numpy()), default=y_test.to_numpy())
    report = diagnose(judged, model, X_train, y_train, X_test, y_test)
    found = statuses(report)
    assert found["single_feature"] == found["target_correlation"] == "fail"
    assert "default_flag" in detail(report, "single_feature")
    assert "default_flag" in detail(report, "target_correlation")
    assert detail(report, "target_in_features") == (
        "the target among the features: default (named as the target)"
    )
    assert found["identifiers"] == found["duplicates"] == "pass"


def test_a_categorical_echo_of_the_label_and_an_unnamed_copy_are_caught(
    judged: Project, credit
) -> None:
    model, X_train, X_test, y_train, y_test = credit
    words = np.array(["repaid", "defaulted"])
    X_train = X_train.assign(status=words[y_train.to_numpy()], copy=y_train.to_numpy())
    X_test = X_test.assign(status=words[y_test.to_numpy()], copy=y_test.to_numpy())
    report = diagnose(judged, model, X_train, y_train, X_test, y_test)
    assert "status 1 (ROC AUC on test, target-mean encoded on train)" in detail(
        report, "single_feature"
    )
    assert "copy (equal to the target on every training row)" in detail(
        report, "target_in_features"
    )


def test_train_test_duplicates_are_caught(judged: Project, credit) -> None:
    model, X_train, X_test, y_train, y_test = credit
    X_test = pd.concat([X_test.iloc[:-25], X_train.iloc[:25]])
    y_test = pd.concat([y_test.iloc[:-25], y_train.iloc[:25]])
    report = diagnose(judged, model, X_train, y_train, X_test, y_test)
    assert statuses(report)["duplicates"] == "fail"
    assert detail(report, "duplicates").startswith(
        f"25 of {len(X_test)} test rows are also training rows (5.0%, over 1.0%)"
    )


def test_an_identifier_that_encodes_the_label_is_caught(judged: Project, credit) -> None:
    model, X_train, X_test, y_train, y_test = credit
    ids = lambda X, y, start: start + 2 * np.arange(len(X)) + y.to_numpy()  # noqa: E731
    X_train = X_train.assign(applicant=ids(X_train, y_train, 0))
    X_test = X_test.assign(applicant=ids(X_test, y_test, 10**6))
    report = diagnose(judged, model, X_train, y_train, X_test, y_test)
    assert statuses(report)["identifiers"] == "fail"
    assert (
        "applicant (unique on 100.0% of training rows, near-consecutive whole numbers)"
        in detail(report, "identifiers")
    )
    # integer-valued floats are identifiers too; real-valued floats are not
    X_train = X_train.assign(applicant=X_train["applicant"].astype(float))
    X_test = X_test.assign(applicant=X_test["applicant"].astype(float))
    report = diagnose(judged, model, X_train, y_train, X_test, y_test)
    assert "applicant (unique" in detail(report, "identifiers")


def test_outside_a_project_everything_is_measured_and_nothing_judged(
    tmp_path: Path, credit
) -> None:
    model, X_train, X_test, y_train, y_test = credit
    report = jupyterlab_mlops.diagnose(
        model, X_train, y_train, X_test, y_test, notebook=tmp_path / "nb.ipynb"
    )
    data = report.to_json()
    assert (
        data["thresholds"]["policy"]
        == "shipped classification template, high tier: not in a project"
    )
    assert report.not_recorded.startswith("not recorded: this folder is not in an MLOps project")
    # judged by the shipped template's high tier (only shift and balance, warn-only, may pass
    # unjudged), and the leakage checks find nothing in the example's data
    judged = {c: s for c, s in statuses(report).items() if c not in ("shift", "class_balance")}
    assert "info" not in judged.values(), judged
    assert all(judged[c] == "pass" for c in ("single_feature", "duplicates", "identifiers"))
    assert "the maximum 0.08" in detail(report, "overfit")


def test_a_regression_leak_is_measured_with_a_one_feature_tree(tmp_path: Path) -> None:
    from sklearn.linear_model import Ridge

    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.normal(size=(1200, 3)), columns=["a", "b", "c"])
    y = pd.Series(X["a"] * 2 + rng.normal(size=1200), name="price")
    X["leak"] = y + rng.normal(scale=0.05, size=1200)
    model = Ridge().fit(X[:800], y[:800])
    report = jupyterlab_mlops.diagnose(
        model, X[:800], y[:800], X[800:], y[800:], notebook=tmp_path / "nb.ipynb"
    )
    data = report.to_json()
    assert data["task"] == "regression" and data["overfit"]["metric"] == "r2"
    top = data["leakage"]["single_feature"][0]
    assert top["column"] == "leak" and top["score"] > 0.95 and "tree" in top["method"]
    assert data["calibration"] is None and data["balance"] is None
