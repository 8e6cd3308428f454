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
