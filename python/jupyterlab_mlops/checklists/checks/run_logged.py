"""Evidence check ``run_logged``: a finished run of this version logged the template's metrics."""

from __future__ import annotations

import re
from typing import Any

from ...ledger import Entry
from ..engine import Context, Evidence, Outcome, evidence_check


@evidence_check("run_logged")
def run_logged(context: Context, metrics: list[dict[str, Any]] = ()) -> Outcome:
    """A finished run of this version logged the required metrics (name pattern, thresholds)."""
    if not context.runs:
        return Outcome(False, "no finished run of this notebook version")
    best: tuple[int, Entry, list[str]] | None = None
    for run in context.runs:
        logged = run.payload.get("metrics") or {}
        missing = [_metric_problem(spec, logged) for spec in metrics]
        missing = [m for m in missing if m]
        if not missing:
            names = ", ".join(
                f"{k}={v:.4g}" for k, v in list(logged.items())[:4] if isinstance(v, float)
            )
            return Outcome(True, f"run '{run.payload['name']}': {names}", (Evidence.of_run(run),))
        if best is None or len(missing) < best[0]:
            best = (len(missing), run, missing)
    assert best is not None
    return Outcome(
        False,
        f"run '{best[1].payload['name']}': " + "; ".join(best[2]),
        (Evidence.of_run(best[1]),),
    )


def _metric_problem(spec: dict[str, Any], logged: dict[str, Any]) -> str | None:
    pattern = re.compile(str(spec.get("match", "")), re.IGNORECASE)
    found = {k: v for k, v in logged.items() if pattern.search(k) and isinstance(v, int | float)}
    if not found:
        return f"no metric matching {spec.get('match')!r}"
    low, high = spec.get("min"), spec.get("max")
    good = {
        k: v for k, v in found.items() if (low is None or v >= low) and (high is None or v <= high)
    }
    if not good:
        bounds = " and ".join(
            b
            for b in (
                f">= {low}" if low is not None else "",
                f"<= {high}" if high is not None else "",
            )
            if b
        )
        return f"{', '.join(f'{k}={v:.4g}' for k, v in found.items())} not {bounds}"
    return None
