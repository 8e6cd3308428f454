"""Drift of new data from a registered profile (PSI per column), on real CSVs; and batch runs
that read changed data: allowed there (not elsewhere), measured and flagged in the ledger."""

from __future__ import annotations

import json
import math
import os
from pathlib import Path

import pandas as pd
import pytest

from jupyterlab_mlops import data
from jupyterlab_mlops.batch.run import batch_run
from jupyterlab_mlops.data.drift import dataset_drift, psi, unchanged
from jupyterlab_mlops.data.profile import DataProfile, profile_path
from jupyterlab_mlops.data.tables import table_sample
from jupyterlab_mlops.data.versions import DataChangedError
from jupyterlab_mlops.project import Project

from .helpers import ACTOR
from .helpers.batch import approved_project
from .helpers.data_fixtures import write_credit_csv

NUMERIC = ["annual_income", "loan_amount", "debt_to_income", "num_open_accounts"]


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, DataProfile]:
    path = write_credit_csv(tmp_path_factory.mktemp("ref") / "train.csv", rows=4000, seed=7)
    return path, profile_path(path, declared=["age"])


def drift_of(reference: DataProfile, frame: pd.DataFrame, folder: Path):
    path = folder / "new.csv"
    frame.to_csv(path, index=False)
    return dataset_drift(reference, table_sample(path))


def test_profiles_keep_a_decile_histogram_of_numeric_columns(reference) -> None:
    _, profile = reference
    income = profile.column("annual_income")
    histogram = income.stats["histogram"]
    assert len(histogram["edges"]) == 9 and sum(histogram["counts"]) == income.stats["count"]
    assert all(abs(c / income.stats["count"] - 0.1) < 0.02 for c in histogram["counts"][:-1])
    # few distinct values: the edges are values of the data, ties stay in one bin
    accounts = profile.column("num_open_accounts").stats["histogram"]
    assert accounts["edges"] == sorted(set(accounts["edges"])) and all(
        float(e).is_integer() for e in accounts["edges"]
    )
    assert "histogram" not in profile.column("age").stats  # declared sensitive: withheld


def test_the_same_data_does_not_drift(reference, tmp_path: Path) -> None:
    path, profile = reference
    same = dataset_drift(profile, table_sample(path))
    assert same.flagged(0.2) == [] and max(same.columns.values()) < 0.01
    assert set(NUMERIC) <= set(same.columns) and "employment_type" in same.columns
    assert same.not_compared["full_name"].startswith("personal data")
    assert unchanged(profile).columns == dict.fromkeys(same.columns, 0.0)


def test_a_fresh_sample_of_the_same_population_stays_below_the_threshold(reference, tmp_path) -> None:  # fmt: skip
    _, profile = reference
    fresh = drift_of(profile, pd.read_csv(write_credit_csv(tmp_path / "s.csv", 4000, seed=11)), tmp_path)  # fmt: skip
    assert fresh.flagged(0.2) == [], fresh.columns
    assert max(fresh.columns.values()) < 0.1


def test_shifted_columns_are_flagged(reference, tmp_path: Path) -> None:
    _, profile = reference
    frame = pd.read_csv(write_credit_csv(tmp_path / "s.csv", 4000, seed=11))
    frame["annual_income"] = frame["annual_income"] * 1.6  # inflation, a new market
    frame.loc[frame.sample(frac=0.3, random_state=1).index, "debt_to_income"] = None
    frame["employment_type"] = frame["employment_type"].where(frame.index % 3 != 0, "gig")
    frame = frame.drop(columns=["loan_amount"])
    frame["loan_term_months"] = "unknown"
    found = drift_of(profile, frame, tmp_path)
    flagged = {f["column"]: f for f in found.flagged(0.2)}
    assert flagged["annual_income"]["psi"] > 0.5
    assert flagged["debt_to_income"]["psi"] > 0.2  # missing values are a bin of their own
    assert flagged["employment_type"]["psi"] > 0.2  # a category the training data never had
    assert flagged["loan_amount"] == {"column": "loan_amount", "psi": None, "problem": "missing from the new data"}  # fmt: skip
    assert flagged["loan_term_months"]["problem"] == "was integer, now categorical"
    assert "num_open_accounts" not in flagged and found.columns["num_open_accounts"] < 0.1


def test_older_profiles_fall_back_to_their_percentiles(reference, tmp_path: Path) -> None:
    _, profile = reference
    old = profile.to_json()
    for column in old["columns"]:
        column["stats"].pop("histogram", None)
    old_profile = DataProfile.from_json(old)
    frame = pd.read_csv(write_credit_csv(tmp_path / "s.csv", 4000, seed=11))
    assert drift_of(old_profile, frame, tmp_path).columns["annual_income"] < 0.1
    frame["annual_income"] = frame["annual_income"] * 1.6
    assert drift_of(old_profile, frame, tmp_path).columns["annual_income"] > 0.2


def test_psi() -> None:
    assert psi([0.5, 0.5], [0.5, 0.5]) == 0
    assert psi([0.5, 0.5], [0.9, 0.1]) == pytest.approx(
        0.4 * math.log(1.8) + 0.4 * math.log(5), abs=1e-3
    )
    assert psi([1.0, 0.0], [0.9, 0.1]) > 0.5  # an empty reference bin is floored, not infinite


# --- batch runs read changed data and record its drift ----------------------------------------


@pytest.fixture(scope="module")
def approved(tmp_path_factory: pytest.TempPathFactory) -> tuple[Project, Path]:
    saved = os.environ.get("MLOPS_USER")
    os.environ["MLOPS_USER"] = ACTOR
    try:
        return approved_project(tmp_path_factory.mktemp("drift"), rows=2000, seed=3)
    finally:
        if saved is None:
            os.environ.pop("MLOPS_USER", None)


def test_batch_runs_record_no_drift_for_the_registered_data(approved) -> None:
    project, notebook = approved
    done = batch_run(project, notebook, {"n": 1}, actor=ACTOR)
    assert done.ok, done.entry.payload
    drift = done.entry.payload["drift"]
    assert drift["threshold"] == 0.2 and drift["flagged"] == []
    record = drift["datasets"]["applications"]
    assert record["changed"] is False and record["version"] == record["reference"] == 1
    assert record["columns"]["annual_income"] == 0.0


def test_a_batch_run_reads_changed_data_and_flags_its_drift(approved, mlops) -> None:
    project, _ = approved
    csv = project.root / "data" / "applications.csv"
    original = csv.read_bytes()
    frame = pd.read_csv(write_credit_csv(csv, rows=2000, seed=5))
    frame["annual_income"] *= 1.6
    frame.to_csv(csv, index=False)
    try:
        with pytest.raises(DataChangedError, match="its content changed since"):
            data.path("applications", start=project.root)  # outside a batch run: refused
        done = mlops("batch", "run", "score.ipynb", "-p", "n", "2", "--json", cwd=project.root)
        assert done.returncode == 0, done.stderr
        text = mlops("batch", "run", "score.ipynb", "-p", "n", "2", "--drift-threshold", "5", cwd=project.root)  # fmt: skip
    finally:
        csv.write_bytes(original)
    drift = json.loads(done.stdout)["drift"]
    record = drift["datasets"]["applications"]
    assert record["changed"] is True and record["rows"] == 2000
    flagged = {f["column"]: f["psi"] for f in drift["flagged"]}
    assert list(flagged) == ["annual_income"] and flagged["annual_income"] > 0.5
    assert record["columns"]["loan_amount"] < 0.2  # same population otherwise
    result = json.loads((project.root / "result-2.json").read_text())
    assert result["rows"] == 2000
    assert "changed since registration" in text.stdout and "DRIFT" not in text.stdout
