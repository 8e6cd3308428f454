"""What ``fairness()`` takes: with no ``sensitive`` given, the columns declared sensitive at
registration, read from the registered table at y_true's rows (only when y_true's values are
that table's); anything malformed is one MlopsError, never a traceback."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import jupyterlab_mlops
from jupyterlab_mlops.errors import MlopsError
from jupyterlab_mlops.project import Project

from .test_fairness_evidence import fit, repo  # noqa: F401 (repo: a fixture)


def test_without_sensitive_the_declared_columns_of_the_registered_rows_are_used(
    repo: Project,  # noqa: F811
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


VALUES = st.one_of(
    st.none(),
    st.integers(-3, 3),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=3),
    st.booleans(),
)
COLUMN = st.lists(VALUES, min_size=0, max_size=12)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(y_true=COLUMN, y_pred=COLUMN, groups=COLUMN, as_frame=st.booleans())
def test_any_inputs_are_assessed_or_refused_with_one_error(
    tmp_path_factory, y_true, y_pred, groups, as_frame
) -> None:
    where = tmp_path_factory.mktemp("nowhere") / "x.ipynb"  # not in a project
    sensitive = pd.DataFrame({"g": groups}) if as_frame else {"g": groups}
    try:
        report = jupyterlab_mlops.fairness(y_true, y_pred, sensitive, notebook=where, resamples=20)
    except MlopsError as exc:
        assert exc.message and exc.hint
        return
    assert report.passed in (True, False, None)
    assert len(report.by_group) >= 1 and np.isfinite(report.by_group["size"]).all()
    report._repr_html_()
