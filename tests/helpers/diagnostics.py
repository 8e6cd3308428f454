"""What the diagnostics tests share: the template items main ships (written as a project
template, since the shipped YAML is not edited here), and the credit example's data and model."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

from jupyterlab_mlops.project import Project, find_project

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "credit-risk" / "make_data.py"

#: the items of /work/notes/templates.diff (no-leakage also names the optional warning args)
TEMPLATE = """\
items:
  - id: no-leakage
    title: No sign of leakage between the label, the features and the test set
    why: Test figures flattered by leakage do not survive production.
    check:
      name: no_leakage
      args:
        max_single_feature_score: 0.95
        max_target_correlation: 0.95
        max_duplicate_share: 0.01
        max_identifier_unique_share: 0.95{extra}
    fix: jupyterlab_mlops.diagnose(model, X_train, y_train, X_test, y_test, run=run)
    gates: review
    tiers: [limited, high]
  - id: no-overfit
    title: The test figures are not much worse than the training figures
    why: A large gap means the model learned the training rows rather than the pattern.
    check:
      name: no_overfit
      args: {{metric: roc_auc, max_gap: {{limited: 0.1, high: {max_gap}}}}}
    fix: jupyterlab_mlops.diagnose(model, X_train, y_train, X_test, y_test, run=run)
    gates: review
    tiers: [limited, high]
  - id: calibrated
    title: The predicted probabilities are calibrated
    why: A score of 0.2 must mean about 20% of such cases.
    check:
      name: calibrated
      args: {{max_ece: {max_ece}, bins: {bins}}}
    fix: jupyterlab_mlops.diagnose(model, X_train, y_train, X_test, y_test, run=run)
    gates: review
    tiers: [high]
"""
WARNINGS = "\n        max_shift_psi: 0.2\n        max_class_share_difference: 0.05"


def write_template(
    project: Project,
    *,
    max_gap: float = 0.05,
    max_ece: float = 0.05,
    bins: int = 10,
    warnings: bool = False,
) -> Project:
    """The diagnostics items as the project's classification template (overriding the shipped
    one item by item)."""
    folder = project.mlops_dir / "checklists"
    folder.mkdir(parents=True, exist_ok=True)
    text = TEMPLATE.format(
        max_gap=max_gap, max_ece=max_ece, bins=bins, extra=WARNINGS if warnings else ""
    )
    (folder / "classification.yaml").write_text(text, encoding="utf-8")
    return find_project(project.root)


def make_data() -> Any:
    spec = importlib.util.spec_from_file_location("make_data", EXAMPLE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def credit_split(rows: int = 3000, seed: int = 7) -> tuple[Any, Any, Any, Any]:
    """The example's features and label, split as the notebook splits them (80/20, stratified)."""
    from sklearn.model_selection import train_test_split

    generator = make_data()
    frame = generator.make_applications(rows, seed)
    X = frame[generator.CATEGORICAL_FEATURES + generator.NUMERIC_FEATURES]
    y = frame[generator.LABEL]
    return tuple(train_test_split(X, y, test_size=0.2, stratify=y, random_state=seed))


def credit_model(X_train: Any, y_train: Any, *, rounds: int = 100) -> Any:
    """The example's pipeline (one-hot categories, imputed numbers, shallow boosting)."""
    from sklearn.compose import ColumnTransformer
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder

    generator = make_data()
    preprocess = ColumnTransformer(
        [
            ("categorical", OneHotEncoder(handle_unknown="ignore"), generator.CATEGORICAL_FEATURES),
            ("numeric", SimpleImputer(strategy="median", add_indicator=True),
             generator.NUMERIC_FEATURES),
        ]
    )  # fmt: skip
    boosting = HistGradientBoostingClassifier(
        max_iter=rounds, max_depth=3, learning_rate=0.05, early_stopping=False, random_state=7
    )
    return make_pipeline(preprocess, boosting).fit(X_train, y_train)


def record_diagnostics(
    project: Project, notebook: Path | None, run_id: str | None = None, **changes: Any
) -> Any:
    """A ``diagnostics.recorded`` entry written straight to the ledger in the recorder's
    payload format (for fixtures whose runs train no model): no leakage, a small gap,
    calibrated; ``changes`` override payload fields."""
    from jupyterlab_mlops.kinds import DIAGNOSTICS_RECORDED, RUN_LOGGED
    from jupyterlab_mlops.notebooks import notebook_state

    from . import ACTOR

    recorded = project.ledger.entries(RUN_LOGGED)
    run_id = run_id or recorded[-1].payload["run_id"]
    run = next((e for e in recorded if e.payload["run_id"] == run_id), recorded[-1])
    versions = [{k: d[k] for k in ("name", "version", "md5", "entry")} for d in run.payload["data"]]
    payload: dict[str, Any] = {
        "run_id": run_id,
        "run_name": run.payload["name"],
        "report_id": "2" * 64,
        "task": "classification",
        "rows": {"train": 240, "test": 60},
        "seed": 0,
        "overfit": {
            "metric": "roc_auc", "higher_is_better": True, "train": 0.82, "test": 0.80,
            "gap": 0.02, "low": -0.03, "high": 0.07, "cv": None, "resamples": 200, "seed": 0,
        },
        "leakage": {
            "columns": 5,
            "single_feature": [{"column": "debt_to_income", "score": 0.66, "method": "auc"}],
            "target_correlation": [{"column": "debt_to_income", "value": 0.2, "method": "pearson"}],
            "duplicates": {"test_rows": 60, "found": 0, "share": 0.0},
            "identifiers": [{"column": "loan_amount", "unique_share": 0.5, "pii": []}],
            "target_in_features": [],
        },
        "calibration": {"brier": 0.15, "ece": 0.03, "low": 0.02, "high": 0.06, "bins": 10,
                        "resamples": 200},
        "balance": None,
        "shift": {"columns": {}, "problems": {}, "not_compared": {}, "max": None, "compared": 0},
        "findings": [],
        "data": {"versions": versions},
        "artifacts": "diagnostics/222222222222",
        **changes,
    }  # fmt: skip
    links = [f"mlflow-run:{run_id}", *(f"entry:{v['entry']}" for v in versions)]
    return project.ledger.append(
        DIAGNOSTICS_RECORDED,
        payload,
        actor=ACTOR,
        notebook=None if notebook is None else notebook_state(project, notebook).ref(),
        links=links,
    )
