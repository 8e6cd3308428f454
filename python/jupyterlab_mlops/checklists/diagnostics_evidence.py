"""What the diagnostics checks (``no_overfit``, ``no_leakage``, ``calibrated``) share: their
template arguments narrowed to the project's risk tier (any of them may be given per tier), the
newest ``diagnostics.recorded`` entry for the latest finished run of this notebook version
(:mod:`.run_evidence`), and re-judging its figures with the template's arguments as they are
now (:mod:`..diagnostics.judge`, the one place that says what breaches the policy)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..errors import MlopsError
from ..kinds import DIAGNOSTICS_RECORDED
from ..templates import for_tier
from .engine import Context, Outcome
from .run_evidence import latest_run_reports, report_evidence

FIX = (
    "diagnose the model of the latest finished run: jupyterlab_mlops.diagnose(model, X_train, "
    "y_train, X_test, y_test, run=...)"
)


def at_tier(context: Context, args: dict[str, Any]) -> dict[str, Any]:
    """Each argument as the project's risk tier reads it (a mapping keyed by tiers narrowed to
    the tier; a tier it does not name is the template's error)."""
    tier = context.project.config.risk_tier
    return {key: for_tier(value, tier) for key, value in args.items()}


def judged(
    context: Context,
    part: str | tuple[str, ...],
    judge: Callable[[Any], list[dict[str, Any]]],
) -> Outcome:
    """The outcome of ``judge(figures)`` on the ``part`` figures of the newest diagnostics
    entry of the latest run: failing when any finding fails (details name what breaches)."""
    found = latest_run_reports(context, DIAGNOSTICS_RECORDED, "diagnostics", FIX)
    if isinstance(found, Outcome):
        return found
    entry = found.reports[-1]
    evidence = (*found.evidence, *report_evidence(entry, "diagnostics"))
    payload = entry.payload
    figures = payload.get(part) if isinstance(part, str) else tuple(payload.get(p) for p in part)
    try:
        findings = judge(figures)
    except MlopsError as exc:
        if "template" in exc.hint:
            raise  # a malformed template argument: the template's error, not the evidence's
        return Outcome(False, f"the diagnostics on record are incomplete ({exc.message}): {FIX}",
                       evidence)  # fmt: skip
    except (KeyError, TypeError, ValueError, AttributeError, IndexError):
        return Outcome(False, f"the diagnostics on record hold no readable figures: {FIX}",
                       evidence)  # fmt: skip
    run = f"run '{found.run_name}'"
    failing = [f for f in findings if f["status"] == "fail"]
    if failing:
        return Outcome(False, f"{run}: " + "; ".join(f["detail"] for f in failing), evidence)
    warned = [f["detail"] for f in findings if f["status"] == "warn"]
    detail = "; ".join(f["detail"] for f in findings if f["status"] != "warn")
    if warned:
        detail += "; warnings: " + "; ".join(warned)
    return Outcome(True, f"{run}: {detail}", evidence)
