"""The thresholds a diagnostics report is judged by: the args of the ``no_overfit``,
``no_leakage`` and ``calibrated`` items of the project's template at its risk tier, or of the
shipped template of the task at the ``high`` tier outside a project (and the report says so)."""

from __future__ import annotations

from typing import Any

from ..project import Project
from ..templates import check_args, project_template, shipped_template

CHECKS = ("no_overfit", "no_leakage", "calibrated")
#: the metric and bins measured when the template has no item for them (then not judged)
DEFAULT_METRIC = {"classification": "roc_auc", "regression": "r2"}
DEFAULT_BINS = 10


def thresholds(project: Project | None, task: str) -> dict[str, Any]:
    """``{policy, template, tier, no_overfit, no_leakage, calibrated}``: each check's args
    (None when the template has no item running it at the tier)."""
    if project is None:
        template, tier = shipped_template(task), "high"
        policy = f"shipped {task} template, high tier: not in a project"
        name = task
    else:
        template, tier = project_template(project), project.config.risk_tier
        name = project.config.template
        policy = f"project template {name!r}, {tier} tier"
    found: dict[str, Any] = {"policy": policy, "template": name, "tier": tier}
    for check in CHECKS:
        found[check] = check_args(template, check, tier)
    return found


def metric_and_bins(limits: dict[str, Any], task: str) -> tuple[Any, int]:
    """The headline metric and calibration bins to measure with."""
    overfit = limits.get("no_overfit") or {}
    calibrated = limits.get("calibrated") or {}
    bins = calibrated.get("bins", DEFAULT_BINS)
    return overfit.get("metric", DEFAULT_METRIC[task]), bins
