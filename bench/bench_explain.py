"""Explanation reports, against shap itself in the same run.

* the example model (``examples/credit-risk``: its 5,000 synthetic applications, a
  HistGradientBoosting pipeline with OneHotEncoder and SimpleImputer(add_indicator=True),
  12 input columns, 1,000 test rows, one OpenMP thread as the notebook sets): the full
  report (every section, cohorts by age and sex) and its HTML with every plot. Goal < 10 s.
* 10,000 rows x 20 numeric features (graded effects, one interaction, one non-linearity),
  a 100-tree HistGradientBoostingClassifier: global importance with 95% bootstrap
  intervals (fitted model, explainer, a seeded sample of SAMPLE_ROWS rows, attributions,
  bootstrap: the code path of ``build_report``) against ``shap.TreeExplainer(model)(X)`` on
  all rows. Goals: time ratio <= 0.3, Spearman rank agreement with the full computation
  >= 0.95.

Rounds alternate which side goes first; medians are compared.
usage: python -m bench.bench_explain [--rounds 3]
"""

from __future__ import annotations

import argparse
import importlib.util
import time
from pathlib import Path

from . import _goals
from ._util import median

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "credit-risk" / "make_data.py"


def _example_model():
    import pandas as pd
    from sklearn.compose import ColumnTransformer
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.impute import SimpleImputer
    from sklearn.model_selection import train_test_split
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder

    spec = importlib.util.spec_from_file_location("make_data", EXAMPLE)
    make_data = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make_data)
    frame: pd.DataFrame = make_data.make_applications(5000, 7)
    categorical, numeric = make_data.CATEGORICAL_FEATURES, make_data.NUMERIC_FEATURES
    X, y, groups = frame[categorical + numeric], frame["default"], frame[["age", "sex"]]
    X_train, X_test, y_train, y_test, _, groups_test = train_test_split(
        X, y, groups, test_size=0.2, stratify=y, random_state=7
    )
    preprocess = ColumnTransformer(
        [
            ("categorical", OneHotEncoder(handle_unknown="ignore"), categorical),
            ("numeric", SimpleImputer(strategy="median", add_indicator=True), numeric),
        ]
    )
    boosting = HistGradientBoostingClassifier(
        max_iter=200, max_depth=3, learning_rate=0.05, early_stopping=False, random_state=7
    )
    model = make_pipeline(preprocess, boosting).fit(X_train, y_train)
    return model, X_test, y_test, groups_test


def _big_model(rows: int = 10_000, features: int = 20):
    import numpy as np
    import pandas as pd
    from sklearn.ensemble import HistGradientBoostingClassifier

    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.normal(size=(rows, features)), columns=[f"x{j}" for j in range(features)])
    weights = 1.5 / (1 + np.arange(features)) ** 0.8
    logit = X.to_numpy() @ weights + 0.8 * X["x0"] * X["x1"] + 0.5 * np.sin(2 * X["x2"])
    y = (rng.random(rows) < 1 / (1 + np.exp(-logit))).astype(int)
    model = HistGradientBoostingClassifier(max_iter=100, early_stopping=False, random_state=0)
    return model.fit(X, y), X


def _global_importance(model, X, seed: int = 0):
    """Global importance with intervals, the way ``build_report`` computes it."""
    import numpy as np

    from jupyterlab_mlops.explanations.attribution import Attributor
    from jupyterlab_mlops.explanations.compute import (
        BUDGET_S,
        SAMPLE_ROWS,
        attribute_rows,
        no_progress,
        plan_rows,
        sample_positions,
    )
    from jupyterlab_mlops.explanations.model import fitted_model
    from jupyterlab_mlops.explanations.stats import bootstrap_importance

    fitted = fitted_model(model, X)
    attributor = Attributor(fitted, X, seed=seed)
    n, _, _, chunk = plan_rows(attributor, X, SAMPLE_ROWS, BUDGET_S, 0)
    sample = sample_positions(len(X), n, np.random.default_rng(seed))
    att = attribute_rows(attributor, X, sample, chunk, no_progress)
    return bootstrap_importance(att.values, seed=seed)


def run(rounds: int = 3) -> dict[str, dict[str, float]]:
    import numpy as np
    import shap
    from threadpoolctl import threadpool_limits

    from jupyterlab_mlops.explanations.compute import SAMPLE_ROWS, build_report
    from jupyterlab_mlops.explanations.stats import spearman

    threadpool_limits(limits=1, user_api="openmp")  # as the example notebook does
    model, X_test, y_test, groups = _example_model()
    started = time.perf_counter()
    first = build_report(model, X_test, y_test, by=groups)
    first.html_document()
    first_s = time.perf_counter() - started
    build, html = [], []
    for _ in range(rounds):
        started = time.perf_counter()
        report = build_report(model, X_test, y_test, by=groups)
        built = time.perf_counter()
        report._repr_html_()  # every plot, inlined
        html.append(time.perf_counter() - built)
        build.append(built - started)
    full = [b + h for b, h in zip(build, html, strict=True)]
    print(
        f"example model, {len(X_test):,} rows x {X_test.shape[1]} columns: full report "
        f"{median(build):5.2f} s + HTML with plots {median(html):4.2f} s = {median(full):5.2f} s  "
        f"(goal < 10 s; first call in the process {first_s:5.2f} s)"
    )
    _goals.report("explanation report of the example, with HTML", median(full), "<", 10.0, "s")

    big, X = _big_model()
    ours, theirs, agreement = [], [], []
    for index in range(rounds):
        for side in ("ours", "shap") if index % 2 == 0 else ("shap", "ours"):
            started = time.perf_counter()
            if side == "ours":
                importance = _global_importance(big, X, seed=index)
                ours.append(time.perf_counter() - started)
            else:
                values = shap.TreeExplainer(big)(X).values
                theirs.append(time.perf_counter() - started)
                full_importance = np.abs(values).mean(axis=0)
        agreement.append(spearman(importance.estimate, full_importance))
    ratio = median(ours) / median(theirs)
    print(
        f"10,000 rows x 20 features, 100 trees: global importance with 95% intervals on "
        f"{SAMPLE_ROWS:,} sampled rows {median(ours):5.2f} s   shap on all rows "
        f"{median(theirs):5.2f} s   ratio {ratio:4.2f} (goal <= 0.3)   rank agreement "
        f"min {min(agreement):.3f} (goal >= 0.95)"
    )
    _goals.report("global importance, 10k rows, against shap on all rows", ratio, "<=", 0.3, "x")
    _goals.report(
        "  its rank agreement with shap on all rows (min)", min(agreement), ">=", 0.95, ""
    )
    return {
        "example_report": {
            "build_s": median(build),
            "html_s": median(html),
            "total_s": median(full),
            "first_call_s": first_s,
            "rows": len(X_test),
        },
        "global_10k": {
            "ours_s": median(ours),
            "shap_all_rows_s": median(theirs),
            "ratio": ratio,
            "rank_agreement_min": min(agreement),
            "sample_rows": SAMPLE_ROWS,
        },
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    run(parser.parse_args().rounds)
