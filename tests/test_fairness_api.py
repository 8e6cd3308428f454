"""``jupyterlab_mlops.fairness``: planted disparities are flagged naming the group, balanced
data passes, tiny groups are too small rather than unfair, the intervals cover the truth at
about their stated rate, figures equal fairlearn's, and the policy comes from the template."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import jupyterlab_mlops
from jupyterlab_mlops import templates
from jupyterlab_mlops.errors import MlopsError
from jupyterlab_mlops.fairness_assessment import bootstrap
from jupyterlab_mlops.fairness_assessment.disparities import percentile_interval
from jupyterlab_mlops.fairness_assessment.groups import build_features, finest
from jupyterlab_mlops.fairness_assessment.inputs import prepare
from jupyterlab_mlops.fairness_assessment.report import FairnessReport
from jupyterlab_mlops.project import Project

from .helpers.fairness import HIGH, fairness_item, groups, write_template


@pytest.fixture
def judged(project: Project) -> Path:
    """A notebook path in a project whose template has the fairness item."""
    write_template(project.mlops_dir / "checklists")
    return project.root / "train.ipynb"


def assess(notebook: Path, data: dict, **options) -> FairnessReport:
    return jupyterlab_mlops.fairness(
        data["y"], data["pred"], data["groups"], notebook=notebook, resamples=300, **options
    )


def test_a_planted_selection_rate_disparity_is_flagged_naming_the_group(judged: Path) -> None:
    report = assess(judged, groups(3000, 1, shift=0.4))
    assert report.passed is False
    sex = report.disparities["sex"]["demographic_parity_difference"]
    assert sex["value"] > 0.1 and sex["low"] > 0.1  # clearly beyond, interval and all
    assert (sex["worst_group"], sex["best_group"]) == ("F", "M")
    breach = next(
        b
        for b in report.breaches
        if b["metric"] == "demographic_parity_difference" and b["feature"] == "sex"
    )
    assert breach["worst_group"] == "F" and breach["limit"] == "max 0.1"
    assert report.verdict().startswith("beyond the policy's limits: sex ")
    assert "beyond the policy" in report._repr_html_()
    # the age bands are stated, and the intersections are there
    assert report.bands["age"]["source"] == "quantiles"
    assert {"sex", "age band", "sex × age band"} == set(report.disparities)  # noqa: RUF001
    assert "M × " in set(report.by_group["group"].str[:4])  # noqa: RUF001


def test_balanced_data_passes(judged: Path) -> None:
    report = assess(judged, groups(20_000, 2))  # large enough for ten intersections
    assert report.passed is True, report.breaches
    assert report.breaches == [] and report.small_groups == []
    assert report.policy["cite"] == HIGH["cite"] and report.policy["tier"] == "high"
    again = FairnessReport.from_json(report.to_json())
    assert again == report and again.passed is True


def test_a_tiny_group_is_too_small_to_judge_not_unfair(judged: Path) -> None:
    report = assess(judged, groups(20_000, 2, tiny=12))
    by = report.by_group.set_index(["feature", "group"])
    tiny = by.loc[("sex", "X")]
    assert tiny["size"] == 12 and bool(tiny["too_small"]) and tiny["interval_width"] > 0.3
    assert any(s["group"] == "X" and "12 rows" in s["why"] for s in report.small_groups)
    # its selection rate is far off, but it is left out of the disparities, not judged
    assert tiny["selection_rate"] > 0.6
    assert report.disparities["sex"]["demographic_parity_difference"]["value"] < 0.1
    assert not any(b["worst_group"] == "X" for b in report.breaches)
    assert report.passed is True
    assert "too small to judge" in report._repr_html_()


def _interval_of(y: np.ndarray, pred: np.ndarray, group: np.ndarray, seed: int) -> dict:
    inputs = prepare(y, pred, None, None)
    features, _ = build_features(pd.DataFrame({"g": group}))
    cells, maps = finest(features)
    [draws] = bootstrap.resample(
        inputs, features, cells, maps, resamples=500, seed=seed, progress=None
    )
    return {m: percentile_interval(draws[m]) for m in ("selection_rate", "tpr")}


def test_intervals_cover_the_true_rate_at_about_the_stated_rate() -> None:
    rng = np.random.default_rng(11)
    true_sel, true_tpr = 0.3 * 0.8 + 0.7 * 0.1, 0.8  # P(pred) and P(pred | y) in group 0
    covered = {"selection_rate": 0, "tpr": 0}
    draws = 200
    for seed in range(draws):
        n = 400
        group = rng.integers(0, 2, n)
        y = (rng.random(n) < 0.3).astype(int)
        pred = np.where(y == 1, rng.random(n) < 0.8, rng.random(n) < 0.1).astype(int)
        found = _interval_of(y, pred, group, seed)
        for metric, truth in (("selection_rate", true_sel), ("tpr", true_tpr)):
            low, high = found[metric][0][0], found[metric][1][0]
            covered[metric] += low <= truth <= high
    for metric, hits in covered.items():
        assert 0.88 <= hits / draws <= 0.99, (metric, hits)


def test_point_estimates_equal_metricframe_and_intervals_are_close_to_its_own(
    judged: Path,
) -> None:
    from fairlearn.metrics import (
        MetricFrame,
        false_negative_rate,
        false_positive_rate,
        selection_rate,
        true_positive_rate,
    )
    from sklearn.metrics import precision_score, roc_auc_score

    data = groups(1000, 5, shift=0.2)
    scores = np.clip(data["pred"] * 0.5 + np.random.default_rng(0).random(1000) * 0.5, 0, 1)
    report = jupyterlab_mlops.fairness(
        data["y"], data["pred"], data["groups"][["sex"]], scores=scores, notebook=judged
    )
    metrics = {
        "selection_rate": selection_rate,
        "tpr": true_positive_rate,
        "fpr": false_positive_rate,
        "fnr": false_negative_rate,
        "precision": precision_score,
    }
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        frame = MetricFrame(
            metrics=metrics,
            y_true=data["y"],
            y_pred=data["pred"],
            sensitive_features=data["groups"]["sex"],
            n_boot=60,  # fairlearn's bootstrap is slow (~0.1 s a resample here)
            ci_quantiles=[0.025, 0.975],
            random_state=0,
        )
        auc = MetricFrame(
            metrics=roc_auc_score,
            y_true=data["y"],
            y_pred=scores,
            sensitive_features=data["groups"]["sex"],
        ).by_group
    ours = report.by_group.query("feature == 'sex'").set_index("group")
    low, high = frame.by_group_ci
    for metric in metrics:
        np.testing.assert_allclose(ours[metric], frame.by_group[metric].loc[ours.index], rtol=1e-12)
        np.testing.assert_allclose(ours[f"{metric}_low"], low[metric].loc[ours.index], atol=0.04)
        np.testing.assert_allclose(ours[f"{metric}_high"], high[metric].loc[ours.index], atol=0.04)
    np.testing.assert_allclose(ours["roc_auc"], auc.loc[ours.index], rtol=1e-12)
    assert (ours["roc_auc_low"] < ours["roc_auc"]).all() and (
        ours["roc_auc"] < ours["roc_auc_high"]
    ).all()


def test_the_limits_come_from_the_template(project: Project, judged: Path) -> None:
    data = groups(3000, 3, shift=0.12)
    strict = assess(judged, data)
    assert strict.passed is False
    looser = {**HIGH, "limits": {"demographic_parity_difference": {"max": 0.5}}}
    write_template(project.mlops_dir / "checklists", high=looser, limited=looser)
    relaxed = assess(judged, data)
    assert relaxed.passed is True and relaxed.policy["limits"] == {
        "demographic_parity_difference": {"max": 0.5}
    }
    write_template(project.mlops_dir / "checklists", high={"cite": "x", "limits": {"auc": 1}})
    with pytest.raises(MlopsError, match=r"limits\.auc"):
        assess(judged, data)
    write_template(
        project.mlops_dir / "checklists",
        high={**HIGH, "limits": {"spread": {"max": 0.1}}},
    )
    with pytest.raises(MlopsError, match="unknown disparity 'spread'"):
        assess(judged, data)


def test_without_a_project_the_shipped_high_policy_is_stated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = groups(2000, 4)
    outside = tmp_path / "nowhere" / "x.ipynb"
    outside.parent.mkdir()
    monkeypatch.chdir(outside.parent)
    report = assess(outside, data)
    if report.policy["applies"]:  # once main ships the fairness item
        assert report.policy["stated"] == (
            "shipped classification template, high tier: not in a project"
        )
    shipped = tmp_path / "shipped"
    shipped.mkdir()
    for source in templates.SHIPPED.glob("*.yaml"):
        (shipped / source.name).write_text(source.read_text())
    original = yaml.safe_load((shipped / "classification.yaml").read_text())
    original["items"].append(fairness_item())  # the item, as main will ship it
    (shipped / "classification.yaml").write_text(yaml.safe_dump(original))
    monkeypatch.setattr(templates, "SHIPPED", shipped)
    report = assess(outside, data)
    assert report.policy["stated"] == "shipped classification template, high tier: not in a project"
    assert report.policy["tier"] == "high" and report.passed is not None
    assert "not in a project" in report._repr_html_()
    assert "not recorded: this folder is not in an MLOps project" in report.not_recorded


def test_a_template_with_no_fairness_item_judges_nothing(project: Project) -> None:
    """At the minimal tier the shipped templates set no fairness policy."""
    from jupyterlab_mlops.config import dump_config

    config = project.config.model_copy(update={"risk_tier": "minimal"})
    (project.mlops_dir / "config").write_text(dump_config(config))
    report = assess(project.root / "train.ipynb", groups(1000, 6))
    assert report.passed is None and not report.policy["applies"]
    assert "no fairness policy applies" in report.verdict()


def test_regression_is_assessed_by_error(project: Project) -> None:
    write_template(
        project.mlops_dir / "checklists",
        "regression",
        high={"cite": "mae within 1.25", "limits": {"mae_ratio": {"max": 1.25}}},
        limited={"cite": "mae within 1.5", "limits": {"mae_ratio": {"max": 1.5}}},
    )
    from jupyterlab_mlops.config import dump_config

    config = project.config.model_copy(update={"template": "regression"})
    (project.mlops_dir / "config").write_text(dump_config(config))
    rng = np.random.default_rng(0)
    n = 3000
    sex = rng.choice(["F", "M"], n)
    y = rng.normal(50, 10, n)
    pred = y + rng.normal(0, np.where(sex == "M", 4.0, 2.0))
    report = jupyterlab_mlops.fairness(
        y, pred, {"sex": sex}, notebook=project.root / "x.ipynb", resamples=200
    )
    assert report.task == "regression" and report.passed is False
    ratio = report.disparities["sex"]["mae_ratio"]
    assert ratio["worst_group"] == "M" and 1.7 < ratio["low"] < ratio["value"] < ratio["high"]


def test_multiclass_labels_are_one_clear_error() -> None:
    with pytest.raises(MlopsError, match="multiclass") as caught:
        jupyterlab_mlops.fairness([0, 1, 2, 1] * 10, [0, 1, 2, 2] * 10, {"g": ["a", "b"] * 20})
    assert "y_true == cls" in caught.value.hint


values = st.one_of(
    st.lists(st.sampled_from([0, 1]), min_size=0, max_size=30),
    st.lists(st.floats(allow_nan=True, allow_infinity=True), max_size=30),
    st.lists(st.sampled_from(["a", "b", "c", None]), max_size=30),
    st.just("text"),
    st.none(),
    st.integers(),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(y=values, pred=values, group=values, threshold=st.one_of(st.none(), st.floats()))
def test_bad_input_is_one_clear_error(y, pred, group, threshold) -> None:
    try:
        report = jupyterlab_mlops.fairness(
            y,
            pred,
            {"g": group} if isinstance(group, list) else group,
            threshold=threshold,
            resamples=100,
            notebook="/nonexistent/x.ipynb",
        )
    except MlopsError as exc:
        assert exc.message and "\n" not in exc.message
    else:
        assert isinstance(report, FairnessReport)
