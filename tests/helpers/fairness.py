"""The ``fairness`` checklist item (as main adds it to the shipped templates, see
notes/templates.diff), written into a test project's own template, and synthetic groups with
planted effects."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

HIGH = {
    "cite": "Test policy for the high tier (Hardt et al., 2016)",
    "limits": {
        "equalized_odds_difference": {"max": 0.1},
        "equal_opportunity_difference": {"max": 0.1},
        "demographic_parity_difference": {"max": 0.1},
    },
    "small_group": {"min_size": 30, "max_interval_width": 0.3},
}
LIMITED = {
    "cite": "Test policy for the limited tier",
    "limits": {"equalized_odds_difference": {"max": 0.2}},
    "small_group": {"min_size": 30, "max_interval_width": 0.3},
}


def fairness_item(policy: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "id": "fairness",
        "title": "Performance for each group is assessed, within the policy's limits",
        "why": "Annex IV point 3: accuracy for specific groups of persons.",
        "check": {
            "name": "fairness_assessed",
            "args": {"policy": policy or {"limited": LIMITED, "high": HIGH}},
        },
        "fix": "jupyterlab_mlops.fairness(y_test, y_pred, groups_test, run=run)",
        "gates": "review",
        "tiers": ["limited", "high"],
        "waiver_decision": "fairness",
    }


def write_template(folder: Path, name: str = "classification", **policy: Any) -> Path:
    """``folder/NAME.yaml`` holding the fairness item (``policy``: per tier, else the tests')."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.yaml"
    item = fairness_item(policy or None)
    path.write_text(yaml.safe_dump({"model_type": name, "items": [item]}, sort_keys=False))
    return path


def groups(n: int, seed: int, *, shift: float = 0.0, tiny: int = 0) -> dict[str, Any]:
    """Labels, predictions and groups (sex F/M, age 18-80): predictions are right 85% of the
    time; ``shift`` raises the selection rate of group M; ``tiny`` rows of sex X (30%
    positive predictions more)."""
    rng = np.random.default_rng(seed)
    sex = rng.choice(["F", "M"], n)
    if tiny:
        sex[:tiny] = "X"
    age = rng.integers(18, 80, n)
    y = rng.random(n) < 0.3
    pred = np.where(rng.random(n) < 0.85, y, ~y)
    flip = (sex == "M") & ~pred & (rng.random(n) < shift)
    pred = pred | flip
    if tiny:
        pred[:tiny] = rng.random(tiny) < 0.8
    frame = pd.DataFrame({"sex": sex, "age": age})
    return {"y": pd.Series(y.astype(int)), "pred": pd.Series(pred.astype(int)), "groups": frame}


def record_fairness(
    project: Any, notebook: Path | None, run_id: str | None = None, **changes: Any
) -> Any:
    """A ``fairness.assessed`` entry written straight to the ledger in the recorder's payload
    format (for fixtures whose runs train no model): two groups of sex, within every limit of
    the shipped policies; ``changes`` override payload fields."""
    from jupyterlab_mlops.kinds import FAIRNESS_ASSESSED, RUN_LOGGED
    from jupyterlab_mlops.notebooks import notebook_state

    from . import ACTOR

    recorded = project.ledger.entries(RUN_LOGGED)
    run_id = run_id or recorded[-1].payload["run_id"]
    run = next((e for e in recorded if e.payload["run_id"] == run_id), recorded[-1])
    versions = [{k: d[k] for k in ("name", "version", "md5", "entry")} for d in run.payload["data"]]
    small = {"value": 0.02, "low": 0.0, "high": 0.06, "worst_group": "F", "best_group": "M"}
    payload: dict[str, Any] = {
        "run_id": run_id,
        "run_name": run.payload["name"],
        "report_id": "3" * 64,
        "name": None,
        "task": "classification",
        "features": [{"name": "sex", "columns": ["sex"], "groups": 2}],
        "columns": ["sex"],
        "rows": 60,
        "resamples": 1000,
        "seed": 0,
        "confidence": 0.95,
        "disparities": {
            "sex": {
                metric: dict(small)
                for metric in (
                    "demographic_parity_difference",
                    "equalized_odds_difference",
                    "equal_opportunity_difference",
                )
            }
            | {"demographic_parity_ratio": {**small, "value": 0.95, "low": 0.85, "high": 1.0}}
        },
        "small_groups": [],
        "policy": {"template": "classification", "tier": "high", "cite": "test", "applies": True},
        "passed": True,
        "breaches": [],
        "model": None,
        "data": {"versions": versions},
        "artifacts": "fairness/333333333333",
        **changes,
    }
    links = [f"mlflow-run:{run_id}", *(f"entry:{v['entry']}" for v in versions)]
    return project.ledger.append(
        FAIRNESS_ASSESSED,
        payload,
        actor=ACTOR,
        notebook=None if notebook is None else notebook_state(project, notebook).ref(),
        links=links,
    )
