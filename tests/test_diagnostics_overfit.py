"""Overfit and calibration diagnostics on synthetic data with planted effects, the train/test
shift (``data.drift.frame_drift``), the report's JSON and HTML, and input validation: every
bad input is one MlopsError."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn.linear_model import LogisticRegression
from sklearn.tree import DecisionTreeClassifier
from threadpoolctl import threadpool_limits

import jupyterlab_mlops
from jupyterlab_mlops.data.drift import frame_drift
from jupyterlab_mlops.diagnostics.inputs import check_inputs
from jupyterlab_mlops.diagnostics.judge import judge_calibration, judge_overfit
from jupyterlab_mlops.diagnostics.report import DiagnosticsReport
from jupyterlab_mlops.errors import MlopsError
from jupyterlab_mlops.project import Project

from .helpers.diagnostics import write_template


@pytest.fixture(autouse=True)
def _one_thread() -> Iterator[None]:
    with threadpool_limits(limits=1, user_api="openmp"):
        yield


def noisy(rows: int = 2400, seed: int = 0) -> tuple[pd.DataFrame, pd.Series]:
    """Labels drawn from a logistic model of 4 features (so a logistic regression is
    calibrated), with plenty of noise for a deep tree to memorise."""
    rng = np.random.default_rng(seed)
    X = pd.DataFrame(rng.normal(size=(rows, 4)), columns=["a", "b", "c", "d"])
    logit = X.to_numpy() @ np.array([1.2, -0.8, 0.5, 0.0]) - 0.5
    y = pd.Series((rng.random(rows) < 1 / (1 + np.exp(-logit))).astype(int), name="event")
    return X, y


def split(X: pd.DataFrame, y: pd.Series) -> tuple[Any, Any, Any, Any]:
    half = len(X) // 2
    return X[:half], y[:half], X[half:], y[half:]


def finding(report: Any, check: str) -> dict[str, Any]:
    return next(f for f in report.findings if f["check"] == check)


@pytest.fixture
def judged(project: Project) -> Project:
    return write_template(project)


def run_diagnose(project: Project, model: Any, parts: tuple[Any, ...], **kw: Any) -> Any:
    return jupyterlab_mlops.diagnose(model, *parts, notebook=project.root / "nb.ipynb", **kw)


def test_an_overfit_deep_tree_fails_and_a_regularised_model_passes(judged: Project) -> None:
    parts = split(*noisy())
    X_train, y_train = parts[0], parts[1]
    tree = DecisionTreeClassifier(random_state=0).fit(X_train, y_train)
    report = run_diagnose(judged, tree, parts, cv=[0.61, 0.63, 0.6, 0.62, 0.64])
    overfit = finding(report, "overfit")
    figures = report.overfit
    assert overfit["status"] == "fail" and not report.passed
    assert figures["train"] == pytest.approx(1.0) and figures["gap"] > 0.25
    assert figures["low"] < figures["gap"] < figures["high"] and figures["resamples"] == 200
    assert overfit["detail"].startswith(f"roc_auc train 1, test {figures['test']:.3g}: gap ")
    assert "cross-validation 0.62 ± 0.0158 over 5 folds" in overfit["detail"]
    assert "over the maximum 0.05" in overfit["detail"]
    logistic = LogisticRegression().fit(X_train, y_train)
    report = run_diagnose(judged, logistic, parts)
    assert finding(report, "overfit")["status"] == "pass", report.findings
    assert abs(report.overfit["gap"]) < 0.05
    # the same seed gives the same interval; another seed another one
    again = run_diagnose(judged, logistic, parts)
    other = run_diagnose(judged, logistic, parts, seed=1)
    assert again.overfit == report.overfit and other.overfit["low"] != report.overfit["low"]


class Squashed:
    """A model whose probabilities are pulled towards one half: it ranks as well as the
    model it wraps, but a score of 0.9 no longer means 90%."""

    def __init__(self, model: Any) -> None:
        self.model, self.classes_ = model, model.classes_

    def predict(self, X: Any) -> Any:
        return self.model.predict(X)

    def predict_proba(self, X: Any) -> Any:
        p = 0.5 + (self.model.predict_proba(X)[:, 1] - 0.5) * 0.3
        return np.column_stack([1 - p, p])


def test_a_calibrated_model_passes_and_a_squashed_one_fails(judged: Project) -> None:
    parts = split(*noisy(4000))
    logistic = LogisticRegression().fit(parts[0], parts[1])
    good = run_diagnose(judged, logistic, parts)
    calibration = finding(good, "calibration")
    assert calibration["status"] == "pass", calibration
    c = good.calibration
    assert c["ece"] < 0.05 and c["low"] <= c["high"] and c["bins"] == 10
    assert 0 < c["brier"] < 0.25 and len(c["curve"]["predicted"]) == len(c["curve"]["observed"])
    bad = run_diagnose(judged, Squashed(logistic), parts)
    calibration = finding(bad, "calibration")
    assert calibration["status"] == "fail" and bad.calibration["ece"] > 0.1
    assert calibration["detail"].startswith(f"ECE {bad.calibration['ece']:.3g} (95% interval ")
    assert "over the maximum 0.05" in calibration["detail"]
    # the ranking is the same: only calibration tells them apart
    assert bad.overfit["test"] == pytest.approx(good.overfit["test"])


def test_the_judges_rejudge_with_other_thresholds() -> None:
    figures = {"metric": "roc_auc", "train": 0.9, "test": 0.8, "gap": 0.1, "low": 0.05,
               "high": 0.15, "cv": None}  # fmt: skip
    assert judge_overfit(figures, {"metric": "roc_auc", "max_gap": 0.2})["status"] == "pass"
    assert judge_overfit(figures, {"metric": "roc_auc", "max_gap": 0.05})["status"] == "fail"
    other = judge_overfit(figures, {"metric": "r2", "max_gap": 0.2})
    assert other["status"] == "fail" and "diagnose again" in other["detail"]
    assert judge_overfit(figures, None)["status"] == "info"
    with pytest.raises(MlopsError, match="max_gap must be a number"):
        judge_overfit(figures, {"metric": "roc_auc", "max_gap": "small"})
    ece = {"brier": 0.1, "ece": 0.04, "low": 0.03, "high": 0.06, "bins": 10}
    assert judge_calibration(ece, {"max_ece": 0.05, "bins": 10})["status"] == "pass"
    assert "diagnose again" in judge_calibration(ece, {"max_ece": 0.05, "bins": 15})["detail"]


def test_frame_drift_of_identical_frames_is_zero_and_a_shifted_column_is_flagged() -> None:
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {
            "income": rng.lognormal(10, 0.5, 3000).round(),
            "rate": rng.random(3000),
            "region": rng.choice(["north", "south", "east"], 3000),
            "member": rng.random(3000) < 0.3,
        }
    )
    same = frame_drift(frame, frame)
    assert same.columns == {"income": 0.0, "rate": 0.0, "region": 0.0, "member": 0.0}
    moved = frame.assign(income=frame["income"] * 1.6, region="north")
    drift = frame_drift(frame[:1500], moved[1500:])
    assert [f["column"] for f in drift.flagged(0.2)] == ["region", "income"]
    assert drift.columns["rate"] < 0.05 and drift.columns["member"] < 0.05
    missing = frame_drift(frame, frame.drop(columns=["rate"]))
    assert missing.problems == {"rate": "missing from the new data"}


def test_a_shift_and_a_class_mismatch_warn_when_the_template_names_limits(
    project: Project,
) -> None:
    project = write_template(project, warnings=True)
    X, y = noisy(2000)
    X_train, y_train = X[:1000], y[:1000]
    test = X[1000:].assign(a=X["a"][1000:] + 1.5)
    y_test = y[1000:].where(y[1000:] == 1, 1).where(np.arange(1000) % 3 > 0, 0)
    model = LogisticRegression().fit(X_train, y_train)
    report = run_diagnose(project, model, (X_train, y_train, test, y_test))
    shift, balance = finding(report, "shift"), finding(report, "class_balance")
    assert shift["status"] == "warn" and shift["detail"].startswith(
        "shifted between train and test (PSI over 0.2): a "
    )
    assert balance["status"] == "warn" and "over 5.0%" in balance["detail"]
    # warnings do not fail (the relabelled test rows do fail overfit and calibration)
    assert {f["check"] for f in report.failed} == {"overfit", "calibration"}


def test_the_report_round_trips_and_its_html_escapes_the_data(judged: Project) -> None:
    X, y = noisy(1200)
    X = X.rename(columns={"a": "<b>a</b>"})
    parts = split(X, y)
    report = run_diagnose(judged, LogisticRegression().fit(parts[0], parts[1]), parts)
    again = DiagnosticsReport.from_json(report.to_json())
    assert again.to_json() == report.to_json() and again.findings == report.findings
    html = report._repr_html_()
    assert "<b>a</b>" not in html and "&lt;b&gt;a&lt;/b&gt;" in html
    assert html.count("data:image/png;base64,") == 3 and "Reliability" not in html
    assert "not recorded: no run is open" in html
    assert set(report.plots()) == {"overfit", "reliability", "shift"}
    assert report.html_document().startswith("<!DOCTYPE html>")
    assert repr(report).startswith("<DiagnosticsReport classification: LogisticRegression on 600")
    with pytest.raises(MlopsError, match="not a diagnostics report"):
        DiagnosticsReport.from_json({"format": "other"})
    with pytest.raises(MlopsError, match="lacks findings"):
        DiagnosticsReport.from_json({k: v for k, v in report.to_json().items() if k != "findings"})


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda p: {**p, "y_train": p["y_train"].astype(float).where(p["y_train"] > 0)},
            "missing labels",
        ),
        (
            lambda p: {**p, "y_test": p["y_test"][:-3]},
            "y_test has 597 values and its table 600 rows",
        ),
        (lambda p: {**p, "y_train": p["y_train"] + np.arange(600) % 3}, "classes"),
        (lambda p: {**p, "X_test": p["X_test"].drop(columns=["a"])}, "different columns"),
        (lambda p: {**p, "X_train": [[1, 2]]}, "X_train must be a DataFrame"),
        (lambda p: {**p, "y_test": p["y_test"] * 0}, "y_test holds one class only"),
        (lambda p: {**p, "cv": ["high"]}, "cv must be numbers"),
        (lambda p: {**p, "model": object()}, "the model must have predict"),
        (lambda p: {**p, "model": LogisticRegression()}, "the model cannot predict these rows"),
    ],
)
def test_bad_inputs_are_one_clear_error(tmp_path, change, message: str) -> None:
    X, y = noisy(1200)
    X_train, y_train, X_test, y_test = split(X, y)
    parts = {"model": LogisticRegression().fit(X_train, y_train), "X_train": X_train,
             "y_train": y_train, "X_test": X_test, "y_test": y_test, "cv": None}  # fmt: skip
    p = change(parts)
    with pytest.raises(MlopsError, match=message):
        jupyterlab_mlops.diagnose(
            p["model"], p["X_train"], p["y_train"], p["X_test"], p["y_test"], cv=p["cv"],
            notebook=tmp_path / "nb.ipynb",
        )  # fmt: skip


labels = st.lists(
    st.one_of(st.integers(-3, 3), st.floats(allow_nan=True), st.sampled_from(["a", "b", None])),
    min_size=0,
    max_size=12,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(train=labels, test=labels, columns=st.integers(0, 3), cv=st.one_of(st.none(), labels))
def test_any_inputs_are_accepted_or_refused_with_an_mlops_error(
    train: list[Any], test: list[Any], columns: int, cv: Any
) -> None:
    model = LogisticRegression()
    X_train = pd.DataFrame(np.zeros((len(train), columns)))
    X_test = pd.DataFrame(np.zeros((max(len(test) - 1, 0), columns)))
    try:
        inputs = check_inputs(model, X_train, train, X_test, test, cv)
    except MlopsError as exc:
        assert exc.message and "\n" not in exc.message
        return
    assert inputs.task in ("classification", "regression")
    assert len(inputs.y_train) == len(X_train) and not np.isnan(inputs.y_train).any()
