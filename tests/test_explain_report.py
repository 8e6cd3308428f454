"""The explanation report on real shap and real scikit-learn models and pipelines: importance
in original columns with intervals, additivity, stability, cohorts, local explanations,
sampling stated, JSON round trip, escaped HTML."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator

import numpy as np
import pandas as pd
import pytest
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import GradientBoostingClassifier, HistGradientBoostingClassifier
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.neighbors import KNeighborsClassifier, KNeighborsRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from jupyterlab_mlops.errors import MlopsError
from jupyterlab_mlops.explanations.compute import build_report
from jupyterlab_mlops.explanations.report import KINDS, ExplanationReport

HOSTILE = "<script>alert(1)</script>"


def _preprocess(categorical: list[str], numeric: list[str], *, scale: bool = False):
    numbers = [SimpleImputer(strategy="median", add_indicator=True)]
    if scale:
        numbers.append(StandardScaler())
    return ColumnTransformer(
        [
            ("categorical", OneHotEncoder(handle_unknown="ignore"), categorical),
            ("numeric", make_pipeline(*numbers), numeric),
        ]
    )


def _credit_like(n: int, seed: int) -> tuple[pd.DataFrame, pd.Series]:
    """A planted relation: ``dominant`` drives y, ``colour`` a little, ``noise*`` not at all."""
    rng = np.random.default_rng(seed)
    X = pd.DataFrame(
        {
            "colour": rng.choice(["red", "green", "blue"], n),
            "dominant": rng.normal(size=n),
            "weak": rng.normal(size=n),
            "noise1": rng.normal(size=n),
            "noise2": rng.normal(size=n),
        }
    )
    X.loc[rng.random(n) < 0.05, "weak"] = np.nan  # the imputer's indicator column
    logit = 3 * X["dominant"] + 0.6 * X["weak"].fillna(0) + 0.8 * (X["colour"] == "red")
    y = pd.Series((rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int), name="y")
    X.index = [f"app-{i}" for i in range(n)]
    y.index = X.index
    return X, y


@pytest.fixture(scope="module")
def credit() -> tuple[object, pd.DataFrame, pd.Series]:
    X, y = _credit_like(400, seed=1)
    model = make_pipeline(
        _preprocess(["colour"], ["dominant", "weak", "noise1", "noise2"]),
        GradientBoostingClassifier(n_estimators=60, max_depth=3, random_state=0),
    ).fit(X, y)
    return model, X, y


@pytest.fixture(scope="module")
def credit_report(credit) -> ExplanationReport:
    model, X, y = credit
    return build_report(model, X, y, rows=["app-3"], seed=0)


def test_importance_is_in_original_columns_and_a_one_hot_group_is_the_sum_of_its_parts(
    credit, credit_report
) -> None:
    import shap

    model, X, _ = credit
    table = credit_report.global_importance
    assert sorted(table["feature"]) == sorted(X.columns)
    assert {"feature", "importance", "ci_low", "ci_high", "rank"} <= set(table.columns)
    # by hand: shap on what the estimator sees, the one-hot columns of colour summed per row
    pre, estimator = model[:-1], model[-1]
    names = list(pre.get_feature_names_out())
    values = shap.TreeExplainer(estimator)(pre.transform(X)).values
    parts = [k for k, name in enumerate(names) if name.startswith("categorical__colour_")]
    assert len(parts) == 3
    colour = values[:, parts].sum(axis=1)
    by_feature = table.set_index("feature")
    assert by_feature.loc["colour", "importance"] == pytest.approx(np.abs(colour).mean(), rel=1e-9)
    # the imputed column and its missing indicator are summed into "weak"
    weak = [k for k, name in enumerate(names) if "weak" in name]
    assert len(weak) == 2
    assert by_feature.loc["weak", "importance"] == pytest.approx(
        np.abs(values[:, weak].sum(axis=1)).mean(), rel=1e-9
    )
    row = next(e for e in credit_report.local if e["label"] == "app-3")
    position = X.index.get_loc("app-3")
    attribution = {t["feature"]: t["attribution"] for t in row["top"]}
    assert attribution["colour"] == pytest.approx(colour[position], abs=1e-12)


def test_additivity_is_reported_and_holds(credit, credit_report) -> None:
    model, X, _ = credit
    additivity = credit_report.to_json()["additivity"]
    assert additivity["ok"] is True
    assert 0 <= additivity["max_error"] <= additivity["tolerance"]
    assert additivity["rows"] >= len(X)
    # each local explanation adds up to the model's own log-odds
    for entry in credit_report.local:
        total = entry["base"] + sum(t["attribution"] for t in entry["top"])
        total += entry["rest"]["attribution"]
        p = model.predict_proba(X.loc[[entry["label"]]])[0, 1]
        assert total == pytest.approx(np.log(p / (1 - p)), abs=1e-6)
        assert entry["score"] == pytest.approx(p)


def test_a_planted_dominant_feature_ranks_first_with_a_narrow_interval(credit_report) -> None:
    table = credit_report.global_importance.set_index("feature")
    dominant = table.loc["dominant"]
    assert dominant["rank"] == 1
    assert (dominant["rank_low"], dominant["rank_high"]) == (1, 1)
    assert not dominant["unstable"]
    assert dominant["ci_low"] <= dominant["importance"] <= dominant["ci_high"]
    assert dominant["ci_high"] - dominant["ci_low"] < 0.25 * dominant["importance"]
    assert dominant["permutation_rank"] == 1
    assert credit_report.to_json()["permutation"]["measure"] == "drop in ROC AUC"


def test_pure_noise_is_near_zero_or_flagged_unstable(credit_report) -> None:
    table = credit_report.global_importance.set_index("feature")
    top = table.loc["dominant", "importance"]
    for noise in ("noise1", "noise2"):
        row = table.loc[noise]
        assert row["unstable"] or row["ci_high"] < 0.15 * top, row
    stability = credit_report.to_json()["stability"]
    assert 0 < stability["low_rank_correlation"] <= stability["median_rank_correlation"] <= 1
    assert "spans more than 2 places" in stability["rule"]


def _by_group(n: int, seed: int) -> tuple[pd.DataFrame, pd.Series]:
    """y follows x1 in group A and x2 in group B."""
    rng = np.random.default_rng(seed)
    X = pd.DataFrame(
        {
            "group": rng.choice(["A", "B"], n),
            "x1": rng.normal(size=n),
            "x2": rng.normal(size=n),
            "x3": rng.normal(size=n),
        }
    )
    logit = np.where(X["group"] == "A", 3 * X["x1"], 3 * X["x2"])
    y = pd.Series((rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int))
    return X, y


def test_cohorts_differ_when_the_planted_relation_differs_by_group() -> None:
    X, y = _by_group(500, seed=2)
    model = make_pipeline(
        _preprocess(["group"], ["x1", "x2", "x3"]),
        GradientBoostingClassifier(n_estimators=60, max_depth=3, random_state=0),
    ).fit(X, y)
    unrelated = pd.Series(np.random.default_rng(3).choice(["u", "v"], len(X)), name="coin")
    report = build_report(model, X, y, by=pd.concat([X["group"], unrelated], axis=1))
    cohorts = report.to_json()["cohorts"]
    assert cohorts["by"] == ["group", "coin"]
    by_group, by_coin = cohorts["tables"]
    tops = {g["group"]: g["top_feature"] for g in by_group["groups"]}
    assert tops == {"A": "x1", "B": "x2"}
    assert by_group["relies_differently"] is True
    assert (
        sum(g["differs"] for g in by_group["groups"]) == 1
    )  # the group not led by the overall top
    assert by_coin["relies_differently"] is False
    coin_corr = [g["rank_correlation"] for g in by_coin["groups"]]
    assert min(coin_corr) > 0.7
    table = report.cohort_importance
    assert set(table["group"]) == {"A", "B", "u", "v"}
    assert "cohorts" in report.kinds and report.summary()["cohorts"] == {
        "by": ["group", "coin"],
        "groups": 4,
    }


def test_numeric_groups_are_banded_and_small_groups_are_kept(credit) -> None:
    model, X, y = credit
    rng = np.random.default_rng(5)
    age = pd.Series(rng.integers(18, 80, len(X)), index=X.index, name="age")
    rare = pd.Series(np.where(np.arange(len(X)) < 4, "rare", "common"), index=X.index, name="kind")
    rare = rare.sample(frac=1, random_state=1)  # aligned by label, not by order
    report = build_report(model, X, y, by=pd.concat([age, rare], axis=1), sample_rows=150)
    age_table, kind_table = report.to_json()["cohorts"]["tables"]
    assert age_table["banding"].startswith("4 quantile bands of age (edges 18")
    assert len(age_table["groups"]) == 4
    assert sum(g["size"] for g in age_table["groups"]) == len(X)
    small = next(g for g in kind_table["groups"] if g["group"] == "rare")
    assert small["size"] == 4 and small["explained"] == 4 and small["small"] is True
    assert small["importance"][0]["ci_high"] >= small["importance"][0]["ci_low"]
    assert kind_table["groups"][0]["group"] == "common"
    # groups thin in the sample were topped up to COHORT_MIN_ROWS rows from the group
    assert all(g["explained"] >= min(50, g["size"]) for g in age_table["groups"])
    assert report.rows["explained"] == 150  # the global sample stays uniform
    assert report.rows["attributed"] > 150


def test_sampling_is_stated_when_X_is_bigger_than_sample_rows(credit) -> None:
    model, X, y = credit
    report = build_report(model, X, y, sample_rows=120, seed=4)
    rows = report.rows
    assert rows["given"] == 400 and rows["explained"] == 120 and rows["sampled"] is True
    assert rows["seed"] == 4
    assert "seeded uniform random sample of 120 of 400 rows" in rows["how"]
    assert "include the sampling error" in report.to_json()["global"]["note"]
    assert report.summary()["rows"] == {"given": 400, "explained": 120, "sampled": True, "seed": 4}
    again = build_report(model, X, y, sample_rows=120, seed=4)
    assert again == report
    other = build_report(model, X, y, sample_rows=120, seed=5)
    assert other.to_json()["global_importance"] != report.to_json()["global_importance"]
    whole = build_report(model, X, y)
    assert whole.rows["sampled"] is False and whole.rows["how"] == "all 400 rows"


def test_rows_not_in_X_are_a_clear_error(credit) -> None:
    model, X, y = credit
    with pytest.raises(MlopsError) as caught:
        build_report(model, X, y, rows=["app-3", "nope", 7])
    assert caught.value.message == "rows not in X: 'nope', 7"
    assert "'app-0', 'app-1'" in caught.value.hint and "index labels" in caught.value.hint
    with pytest.raises(MlopsError, match="different row labels"):
        build_report(model, X, y.reset_index(drop=True))
    with pytest.raises(MlopsError, match="values the model does not predict"):
        build_report(model, X, y.replace({1: 2}))
    with pytest.raises(MlopsError, match="not in X: 'age'"):
        build_report(model, X, y, by=["age"])


def test_json_round_trip(credit_report) -> None:
    data = credit_report.to_json()
    text = json.dumps(data, allow_nan=False)  # no NaN anywhere
    back = ExplanationReport.from_json(json.loads(text))
    assert back == credit_report
    assert back.to_json() == data
    pd.testing.assert_frame_equal(back.global_importance, credit_report.global_importance)
    assert back.summary() == credit_report.summary()
    assert ExplanationReport.from_json(text) == credit_report
    assert set(back.kinds) == set(KINDS) - {"cohorts"}  # a tree model, y, rows and no by
    with pytest.raises(MlopsError):
        ExplanationReport.from_json({"format": "something else"})
    with pytest.raises(MlopsError, match="newer"):
        ExplanationReport.from_json({**data, "version": 99})


def test_summary_has_the_ledger_fields(credit_report) -> None:
    summary = credit_report.summary()
    assert summary["explainer"] == "tree"
    assert summary["space"] == "log-odds of class 1"
    assert summary["model"]["class"] == "sklearn.Pipeline"
    assert summary["model"]["estimator"] == "sklearn.GradientBoostingClassifier"
    assert summary["top"][0]["feature"] == "dominant"
    assert len(summary["top"]) == 5 and set(summary["top"][0]) == {
        "feature",
        "importance",
        "ci_low",
        "ci_high",
    }
    assert set(summary["additivity"]) == {"max_error", "tolerance", "ok"}
    assert set(summary["stability"]) == {"median_rank_correlation", "unstable"}
    assert summary["cohorts"] == {"by": [], "groups": 0}
    json.dumps(summary, allow_nan=False)


def test_local_explanations_cover_asked_extreme_and_misclassified_rows(
    credit, credit_report
) -> None:
    model, X, y = credit
    reasons = {e["label"]: e["reasons"] for e in credit_report.local}
    assert reasons["app-3"][0] == "asked for"
    scores = model.predict_proba(X)[:, 1]
    assert "highest score" in reasons[X.index[np.argmax(scores)]]
    assert "lowest score" in reasons[X.index[np.argmin(scores)]]
    wrong = [label for label, r in reasons.items() if "misclassified" in r]
    assert len(wrong) == 3
    for label in wrong:
        assert model.predict(X.loc[[label]])[0] != y[label]
    entry = next(e for e in credit_report.local if e["label"] == "app-3")
    assert entry["y"] == int(y["app-3"])
    assert len(entry["top"]) + entry["rest"]["features"] == X.shape[1]
    shown = {t["feature"]: t["value"] for t in entry["top"]}
    assert shown["colour"] == X.loc["app-3", "colour"]


def test_planted_interaction_is_the_strongest_pair_and_colours_the_dependence_plot() -> None:
    rng = np.random.default_rng(6)
    X = pd.DataFrame({f"x{j}": rng.normal(size=400) for j in range(4)})
    y = (X["x0"] * X["x1"] + 0.3 * X["x2"] > 0).astype(int)
    model = GradientBoostingClassifier(n_estimators=80, max_depth=3, random_state=0).fit(X, y)
    report = build_report(model, X, y)
    data = report.to_json()
    pair = data["interactions"]["pairs"][0]
    assert {pair["a"], pair["b"]} == {"x0", "x1"}
    assert "200 of the 400" in data["interactions"]["note"]
    colour = {f["feature"]: f["colour_by"] for f in data["dependence"]["features"]}
    assert colour["x0"] == "x1" and colour["x1"] == "x0"
    assert data["dependence"]["points"] == 400


def test_html_escapes_a_hostile_column_name_and_plots_draw_it(credit) -> None:
    _, X, y = credit
    X = X.rename(columns={"noise1": HOSTILE, "noise2": "price in $ (a$b)"})
    model = make_pipeline(
        _preprocess(["colour"], ["dominant", "weak", HOSTILE, "price in $ (a$b)"]),
        GradientBoostingClassifier(n_estimators=20, max_depth=2, random_state=0),
    ).fit(X, y)
    report = build_report(model, X, y, by=[HOSTILE], rows=["app-1"])
    assert HOSTILE in set(report.global_importance["feature"])
    for html in (report._repr_html_(), report.html_document()):
        assert "<script" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    page = report.html_document()
    assert page.startswith("<!DOCTYPE html>") and "</html>" in page
    fragment = report._repr_html_()
    assert "background:#fff" not in fragment and "background:white" not in fragment
    assert "var(--jp-" in fragment
    plots = report.plots()
    assert {"importance", "dependence", "interactions", "cohorts_1"} <= set(plots)
    assert all(png.startswith(b"\x89PNG\r\n\x1a\n") for png in plots.values())
    assert fragment.count("data:image/png;base64,") == len(plots)


def test_a_linear_model_in_a_pipeline() -> None:
    X, y = _credit_like(300, seed=7)
    model = make_pipeline(
        _preprocess(["colour"], ["dominant", "weak", "noise1", "noise2"], scale=True),
        LogisticRegression(max_iter=500),
    ).fit(X, y)
    report = build_report(model, X, y, by=["colour"])
    data = report.to_json()
    assert data["explainer"]["kind"] == "linear"
    assert data["additivity"]["ok"] is True
    assert report.global_importance.iloc[0]["feature"] == "dominant"
    assert data["interactions"] == {
        "available": False,
        "note": "not available: SHAP interaction values exist for tree models only, and the "
        "linear explainer was used",
    }
    assert "interactions" not in report.kinds
    assert data["dependence"]["colour_method"].startswith("no interaction values")
    assert "dependence" not in report.plots() or report.plots()["dependence"]


@pytest.mark.slow  # the first permutation explainer of a process compiles shap's numba code
def test_a_model_agnostic_classifier_is_explained_within_its_budget() -> None:
    X, y = _credit_like(240, seed=8)
    X = X.drop(columns=["weak"])
    model = make_pipeline(
        _preprocess(["colour"], ["dominant", "noise1", "noise2"], scale=True),
        KNeighborsClassifier(n_neighbors=15),
    ).fit(X, y)
    report = build_report(model, X, y, sample_rows=60, budget_s=2)
    data = report.to_json()
    assert data["explainer"]["kind"] == "permutation"
    assert data["explainer"]["space"] == "probability of class 1"
    assert "s per row" in data["rows"]["how"] and "budget of 2 s" in data["rows"]["how"]
    assert 30 <= data["rows"]["explained"] <= 60
    assert data["additivity"]["ok"] is True
    assert report.global_importance.iloc[0]["feature"] == "dominant"


@pytest.mark.slow  # as above, when it runs alone
def test_a_model_agnostic_regressor_without_y_and_with_y() -> None:
    rng = np.random.default_rng(9)
    X = pd.DataFrame({"a": rng.normal(size=200), "b": rng.normal(size=200)})
    target = 4 * X["a"] + 0.2 * rng.normal(size=200)
    model = KNeighborsRegressor(n_neighbors=10).fit(X, target)
    bare = build_report(model, X, sample_rows=30, budget_s=1)
    assert bare.to_json()["permutation"]["measure"] == "mean absolute change in the predicted value"
    assert bare.global_importance.iloc[0]["feature"] == "a"
    assert all(e["y"] is None for e in bare.local)
    assert bare.space == "predicted value"
    with_y = build_report(model, X, target, sample_rows=30, budget_s=1)
    assert with_y.to_json()["permutation"]["measure"] == "drop in R²"
    errors = [e for e in with_y.local if "large error" in e["reasons"]]
    assert len(errors) == 3


def test_progress_is_reported_for_the_long_parts(credit) -> None:
    model, X, y = credit
    seen: dict[str, list[int]] = {}

    @contextlib.contextmanager
    def progress(total: int, description: str) -> Iterator:
        steps: list[int] = []
        yield steps.append
        seen[description] = [total, sum(steps)]

    build_report(model, X, y, progress=progress)
    assert seen["explaining rows"][0] == seen["explaining rows"][1] >= len(X)
    assert seen["permutation importance"] == [X.shape[1], X.shape[1]]
    assert seen["interaction values"] == [200, 200]


def test_permutation_importance_agrees_with_sklearn(credit) -> None:
    from scipy.stats import spearmanr
    from sklearn.inspection import permutation_importance as sklearn_permutation
    from sklearn.metrics import roc_auc_score

    from jupyterlab_mlops.explanations.model import fitted_model
    from jupyterlab_mlops.explanations.permutation import permutation_importance, roc_auc

    model, X, y = credit
    ours = permutation_importance(fitted_model(model, X), X, y.to_numpy(), repeats=5, seed=0)
    theirs = sklearn_permutation(model, X, y, scoring="roc_auc", n_repeats=5, random_state=0)
    assert spearmanr(ours.mean, theirs.importances_mean)[0] > 0.8
    assert ours.mean[1] == pytest.approx(theirs.importances_mean[1], rel=0.3)  # dominant
    scores = np.round(np.random.default_rng(0).random(300), 1)  # with ties
    labels = np.random.default_rng(1).integers(0, 2, 300)
    assert roc_auc(labels, scores) == pytest.approx(roc_auc_score(labels, scores), abs=1e-12)


@pytest.mark.slow
def test_the_example_pipeline_histgradientboosting() -> None:
    """The shape of the example notebook's model: HistGradientBoosting behind a
    ColumnTransformer with OneHotEncoder and SimpleImputer(add_indicator=True)."""
    from threadpoolctl import threadpool_limits

    X, y = _credit_like(600, seed=10)
    model = make_pipeline(
        _preprocess(["colour"], ["dominant", "weak", "noise1", "noise2"]),
        HistGradientBoostingClassifier(max_iter=50, max_depth=3, random_state=0),
    )
    with threadpool_limits(limits=1, user_api="openmp"):
        model.fit(X, y)
        report = build_report(model, X, y, by=["colour"])
    assert report.explainer == "tree"
    assert report.to_json()["additivity"]["ok"] is True
    assert report.global_importance.iloc[0]["feature"] == "dominant"
    assert set(report.kinds) == set(KINDS)
