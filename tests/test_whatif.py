"""What-if on one row with real scikit-learn models and real shap: updates change the
prediction and the attributions, ranges come from a registered profile, the nearest flip is
found on a planted threshold (and "none found" when none exists), bad input is one clear
error, and a saved scenario is a ledger entry that ``mlops verify`` accepts."""

from __future__ import annotations

import json
import math
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.compose import ColumnTransformer, make_column_transformer
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder

from jupyterlab_mlops.errors import MlopsError
from jupyterlab_mlops.explanations import flip as flip_module
from jupyterlab_mlops.explanations.scenario import json_safe, record_scenario
from jupyterlab_mlops.explanations.whatif import WhatIf
from jupyterlab_mlops.project import find_project

from .helpers import ACTOR, make_notebook


def frame(n: int = 600, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    X = pd.DataFrame(
        {
            "x1": rng.uniform(0, 1, n),
            "x2": rng.uniform(0, 1, n),
            "count": rng.integers(0, 20, n),
            "colour": rng.choice(["red", "green", "blue"], n),
        }
    )
    X.loc[X.sample(frac=0.05, random_state=seed).index, "x2"] = np.nan
    return X


def preprocessing() -> ColumnTransformer:
    return ColumnTransformer(
        [
            ("categorical", OneHotEncoder(handle_unknown="ignore"), ["colour"]),
            (
                "numeric",
                SimpleImputer(strategy="median", add_indicator=True),
                ["x1", "x2", "count"],
            ),
        ]
    )


@pytest.fixture(scope="module")
def data() -> pd.DataFrame:
    return frame()


@pytest.fixture(scope="module")
def planted(data: pd.DataFrame):
    """A logistic model of y = x1 > 0.32: its boundary is near x1 = 0.32, whatever else (and
    between two points of the search's grid, so that finding it takes the refinement)."""
    y = (data["x1"] > 0.32).astype(int)
    return make_pipeline(preprocessing(), LogisticRegression(C=1000, max_iter=2000)).fit(data, y)


@pytest.fixture(scope="module")
def boosted(data: pd.DataFrame):
    """A HistGradientBoosting pipeline (one-hot, imputer with missing indicators)."""
    rng = np.random.default_rng(1)
    logit = 3 * data["x1"] - 2 * data["x2"].fillna(0.5) + (data["colour"] == "red") - 0.5
    y = (rng.uniform(size=len(data)) < 1 / (1 + np.exp(-logit))).astype(int)
    model = HistGradientBoostingClassifier(max_iter=40, max_depth=3, random_state=0)
    return make_pipeline(preprocessing(), model).fit(data, y)


def first_flip_on_a_fine_grid(model, X: pd.DataFrame, row, column: str, low: float, high: float):
    """Where the prediction first crosses 0.5 moving ``column`` up from the row's value,
    found by brute force on 20,001 points (independent of the search under test)."""
    base = X.loc[[row]]
    grid = np.linspace(low, high, 20_001)
    batch = base.iloc[np.zeros(len(grid), dtype=int)].reset_index(drop=True)
    batch[column] = grid
    p = model.predict_proba(batch)[:, 1]
    start = model.predict_proba(base)[0, 1] >= 0.5
    flips = np.nonzero((p >= 0.5) != start)[0]
    return grid[flips[0]] if len(flips) else None


# -- updates -------------------------------------------------------------------------------------


def test_update_changes_the_prediction_and_the_attributions(data, boosted) -> None:
    row = data.index[data["x1"] < 0.2][0]
    w = WhatIf(boosted, data, row)
    assert w.values == w.original and w.changed == {}
    assert w.prediction == pytest.approx(boosted.predict_proba(data.loc[[row]])[0, 1])
    before = w.attributions(top=2)
    assert before.space == "log-odds of class 1" and len(before.top) == 2
    assert before.rest_count == 2  # nothing dropped: the other two are summed
    assert before.base + sum(a for _, _, a in before.top) + before.rest == pytest.approx(
        before.output, abs=1e-6
    )
    assert w.update(x1=0.95, colour="red") is w
    after = w.update(x1=0.95, colour="red").prediction  # the same change again: a no-op
    expected = data.loc[[row]].assign(x1=0.95, colour="red")
    assert after == pytest.approx(boosted.predict_proba(expected)[0, 1])
    assert after > w.original_prediction + 0.1
    assert w.changed == {"x1": (w.original["x1"], 0.95), "colour": (w.original["colour"], "red")}
    moved = w.attributions(top=4)
    x1 = dict((f, a) for f, _, a in moved.top)["x1"]
    assert x1 > dict((f, a) for f, _, a in w.reset().attributions(top=4).top)["x1"]
    assert math.log(after / (1 - after)) == pytest.approx(moved.output, abs=1e-6)
    assert w.values == w.original and w.prediction == pytest.approx(w.original_prediction)


def test_a_missing_value_is_none_and_reaches_the_model_as_missing(data, boosted) -> None:
    row = data.index[data["x2"].isna()][0]
    w = WhatIf(boosted, data, row)
    assert w.original["x2"] is None
    control = {c.name: c for c in w.controls}["x2"]
    assert control.missing and control.kind == "number"
    w.update(x2=0.5)
    assert w.prediction == pytest.approx(
        boosted.predict_proba(data.loc[[row]].assign(x2=0.5))[0, 1]
    )
    assert w.update(x2=None).prediction == pytest.approx(w.original_prediction)
    assert w.update(x2=float("nan")).values["x2"] is None


def test_bad_updates_are_one_clear_error_and_change_nothing(data, boosted) -> None:
    w = WhatIf(boosted, data, 0)
    cases = {
        "X has no column 'x3'": {"x3": 1},
        "'purple' is not a value of colour": {"colour": "purple"},
        "x1 takes a number, not str": {"x1": "0.5"},
        "x1 takes a number, not bool": {"x1": True},
        "count takes whole numbers": {"count": 2.5},
        "x1 cannot be missing": {"x1": None},
        "x1 cannot be inf": {"x1": float("inf")},
    }
    for message, changes in cases.items():
        with pytest.raises(MlopsError, match=message) as caught:
            w.update(x2=0.9, **changes)  # the valid change is not applied either
        assert caught.value.hint
        assert w.values == w.original
    assert w.update(count=3.0).values["count"] == 3  # a whole number given as a float
    with pytest.raises(MlopsError, match="not an index label of X"):
        WhatIf(boosted, data, 10_000)
    with pytest.raises(MlopsError, match="names 2 rows"):
        WhatIf(boosted, pd.concat([data.iloc[:2], data.iloc[:2]]), data.index[0])
    with pytest.raises(MlopsError, match="strictly between 0 and 1"):
        WhatIf(boosted, data, 0, threshold=1.5)
    with pytest.raises(MlopsError, match="X must be a DataFrame"):
        WhatIf(boosted, list(data["x1"]), 0)


# -- controls ------------------------------------------------------------------------------------


def test_controls_come_from_x_without_a_profile(data, boosted) -> None:
    w = WhatIf(boosted, data, 0)
    controls = {c.name: c for c in w.controls}
    assert list(controls) == list(data.columns)
    x1 = controls["x1"]
    assert x1.low == pytest.approx(np.quantile(data["x1"], 0.01))
    assert x1.high == pytest.approx(np.quantile(data["x1"], 0.99))
    assert "percentile of X" in x1.source
    assert controls["count"].integer and controls["count"].step == 1
    assert controls["colour"].options == ("blue", "green", "red")
    assert not controls["colour"].missing and controls["x2"].missing
    # the row's own value is always inside its control's range
    extreme = data["x1"].idxmax()
    assert {c.name: c for c in WhatIf(boosted, data, extreme).controls}["x1"].high == pytest.approx(
        data["x1"].max()
    )


def test_controls_take_their_ranges_from_a_registered_profile(
    project, data, boosted, tmp_path: Path
) -> None:
    from jupyterlab_mlops.data.profile import profile_path

    csv = tmp_path / "train.csv"
    wider = data.copy()
    wider.loc[0, "x1"] = 5.0  # the profile's data is not X: its range is what counts
    wider.to_csv(csv, index=False)
    profile = profile_path(csv, declared=["count"])  # count's values are withheld
    w = WhatIf(boosted, data, 1, profile=profile, profile_label="train v1")
    controls = {c.name: c for c in w.controls}
    stats = profile.column("x1").stats
    assert (controls["x1"].low, controls["x1"].high) == (stats["p01"], stats["p99"])
    assert controls["x1"].source == "p01-p99 of the registered profile of train v1"
    assert profile.column("count").withheld
    assert "withholds this column's values" in controls["count"].source
    assert controls["count"].low == np.quantile(data["count"], 0.01)
    assert controls["colour"].source.startswith("values seen in X")


# -- nearest flip --------------------------------------------------------------------------------


def test_nearest_flip_finds_the_planted_threshold(data, planted) -> None:
    row = data.index[(data["x1"] - 0.1).abs() < 0.02][0]
    w = WhatIf(planted, data, row)
    assert w.prediction < 0.5
    flip = w.nearest_flip()
    assert flip.found and flip.kind == "counterfactual" and flip.complete
    assert list(flip.changes) == ["x1"]
    before, after = flip.changes["x1"]
    assert before == w.values["x1"]
    x1 = {c.name: c for c in w.controls}["x1"]
    crossing = first_flip_on_a_fine_grid(planted, data, row, "x1", before, x1.high)
    assert 0.3 < crossing < 0.34  # the model learnt the planted boundary
    resolution = x1.span / (flip_module.GRID_POINTS - 1) / flip_module.REFINE_POINTS
    assert crossing - 1e-4 <= after <= crossing + resolution
    alone = w.nearest_flip(max_features=1)  # refined without the pairs' help
    assert list(alone.changes) == ["x1"]
    assert crossing - 1e-4 <= alone.changes["x1"][1] <= crossing + resolution
    flip = w.nearest_flip()
    assert flip.prediction >= 0.5 > flip.prediction_before
    assert flip.prediction == pytest.approx(
        planted.predict_proba(data.loc[[row]].assign(x1=after))[0, 1]
    )
    assert flip.distance == pytest.approx((after - before) / x1.span)
    # no other single feature flips it (x2, count, colour do not matter to the model)
    for name in ("x2", "count"):
        c = {c.name: c for c in w.controls}[name]
        assert first_flip_on_a_fine_grid(planted, data, row, name, c.low, c.high) is None
    assert "Counterfactual (not an observed row): x1" in flip.summary()
    assert flip.evaluated <= flip.budget
    json.dumps(flip.to_json())  # plain JSON
    assert w.apply(flip).prediction >= 0.5 and w.values["x1"] == after


def test_a_flip_that_needs_two_features_and_none_found_with_one(data) -> None:
    y = (data["x1"] + data["count"] / 19 > 1.5).astype(int)
    model = make_pipeline(preprocessing(), LogisticRegression(C=1000, max_iter=2000))
    model.fit(data, y)
    row = data.index[(data["x1"] < 0.3) & (data["count"] < 5)][0]
    w = WhatIf(model, data, row)
    started = time.perf_counter()
    alone = w.nearest_flip(max_features=1)
    assert time.perf_counter() - started < 2
    assert not alone.found and alone.complete and alone.changes == {}
    assert alone.summary().startswith(
        f"No counterfactual found within budget ({alone.evaluated:,} evaluated)"
    )
    pair = w.nearest_flip()
    assert pair.found and set(pair.changes) == {"x1", "count"}
    assert pair.prediction >= 0.5
    changed = data.loc[[row]].assign(**pair.values)
    assert model.predict_proba(changed)[0, 1] == pytest.approx(pair.prediction)


def test_the_search_stops_at_its_budget_and_its_time_limit(data, planted) -> None:
    w = WhatIf(planted, data, data.index[data["x1"] < 0.1][0])
    small = w.nearest_flip(budget=30)
    assert small.evaluated <= 30 and not small.complete
    assert "budget of 30 model evaluations" in small.stopped
    rushed = w.nearest_flip(seconds=1e-9)
    assert rushed.evaluated == 0 and not rushed.found and "time limit" in rushed.stopped
    assert "No counterfactual found within budget (0 evaluated)" in rushed.summary()
    for bad in ({"max_features": 3}, {"budget": 0}, {"seconds": -1}):
        with pytest.raises(MlopsError):
            w.nearest_flip(**bad)


def test_a_regression_needs_a_threshold_to_flip(data) -> None:
    y = 10 * data["x1"] + data["count"]
    model = make_pipeline(preprocessing(), LinearRegression()).fit(data, y)
    w = WhatIf(model, data, 0)
    assert w.threshold is None and w.above is None and w.predicts == "predicted value"
    with pytest.raises(MlopsError, match="needs a threshold"):
        w.nearest_flip()
    value = w.prediction
    target = WhatIf(model, data, 0, threshold=value + 3).nearest_flip()
    assert target.found and target.prediction >= value + 3


# -- scenarios -----------------------------------------------------------------------------------


def test_json_safe_converts_numpy_and_missing_values() -> None:
    value = {
        "a": np.int64(3),
        "b": np.float32(0.5),
        "c": float("nan"),
        "d": pd.NA,
        "e": (np.bool_(True), None),
        4: pd.Timestamp("2024-01-02"),
        "f": np.array([1.0, np.inf]),
        "g": 2**60,
    }
    assert json_safe(value) == {
        "a": 3,
        "b": 0.5,
        "c": None,
        "d": None,
        "e": [True, None],
        "4": "2024-01-02T00:00:00",
        "f": [1.0, None],
        "g": float(2**60),
    }


def test_a_saved_scenario_is_a_ledger_entry_mlops_verify_accepts(mlops, tmp_path, data, planted):
    mlops(
        "init",
        "--name",
        "credit",
        "--template",
        "classification",
        "--risk-tier",
        "high",
        check=True,
    )
    project = find_project(tmp_path)
    notebook = make_notebook(tmp_path / "train.ipynb", ["x = 1"])
    row = data.index[data["x2"].isna() & (data["x1"] < 0.2)][0]
    w = WhatIf(planted, data, row)
    w.update(colour="red", count=np.int64(7))
    w.nearest_flip()
    scenario = w.scenario(note="what would it take?")
    scenario["data"] = [{"name": "train", "version": 1, "entry": "ab" * 32}]
    entry = record_scenario(project, scenario, actor=ACTOR, notebook=notebook)
    assert entry.kind == "whatif.saved" and entry.actor == ACTOR
    assert entry.notebook == {"path": "train.ipynb", "fingerprint": entry.notebook["fingerprint"]}
    assert entry.links == ("entry:" + "ab" * 32,)
    payload = json.loads(project.ledger_path.read_text().splitlines()[-1])["payload"]
    assert payload["original"]["x2"] is None  # NaN recorded as null
    assert payload["changed"] == {
        "colour": {"from": w.original["colour"], "to": "red"},
        "count": {"from": w.original["count"], "to": 7},
    }
    assert payload["prediction"]["before"] == pytest.approx(w.original_prediction)
    assert payload["flip"]["kind"] == "counterfactual" and payload["note"] == "what would it take?"
    assert payload["threshold"] == 0.5 and payload["row"] == int(row)
    done = mlops("verify")
    assert done.returncode == 0, done.stdout + done.stderr
    with pytest.raises(MlopsError, match="a scenario is the dict"):
        record_scenario(project, {"row": 1}, actor=ACTOR)
    unbound = record_scenario(project, w.scenario(), actor=ACTOR, notebook=tmp_path / "gone.ipynb")
    assert unbound.notebook is None


def test_scenario_notes_are_checked(data, planted) -> None:
    w = WhatIf(planted, data, 0)
    assert w.scenario()["note"] is None and w.scenario()["flip"] is None
    with pytest.raises(MlopsError, match="at most"):
        w.scenario(note="x" * 5_000)


def test_the_one_hot_model_with_a_missing_category(data) -> None:
    X = data.copy()
    X["colour"] = X["colour"].astype(object)
    X.loc[X.index[:20], "colour"] = np.nan
    y = (X["x1"] > 0.5).astype(int)
    model = make_pipeline(
        make_column_transformer(
            (OneHotEncoder(handle_unknown="ignore"), ["colour"]),
            (SimpleImputer(), ["x1", "x2", "count"]),
        ),
        LogisticRegression(),
    ).fit(X, y)
    w = WhatIf(model, X, X.index[0])
    colour = {c.name: c for c in w.controls}["colour"]
    assert colour.options[-1] is None and w.original["colour"] is None
    w.update(colour="red")
    assert w.update(colour=None).prediction == pytest.approx(w.original_prediction)
