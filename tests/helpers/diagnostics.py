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
