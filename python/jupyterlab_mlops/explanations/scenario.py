"""Saving a what-if scenario: what someone explored on one row, kept as a ledger entry so that
a reviewer sees it (``whatif.saved``, bound to the notebook version, linked to the data)."""

from __future__ import annotations

import datetime as dt
import math
import numbers
from pathlib import Path
from typing import Any

from ..errors import MlopsError
from ..kinds import SCENARIO_SAVED
from ..ledger import Entry
from ..notebooks import notebook_ref
from ..project import Project

#: the largest integer a ledger entry holds exactly (JSON numbers are doubles)
_MAX_INT = 2**53
_REQUIRED = ("row", "original", "changed", "prediction")


def json_safe(value: Any) -> Any:
    """``value`` as plain JSON: numpy and pandas scalars converted, NaN and missing values
    as None, tuples as lists, keys as text, times as ISO text, anything else as its text."""
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    if hasattr(value, "item") and getattr(value, "ndim", 1) == 0:  # a numpy scalar
        return json_safe(value.item())
    if isinstance(value, numbers.Integral):
        number = int(value)
        return number if abs(number) <= _MAX_INT else float(number)
    if isinstance(value, numbers.Real):
        number = float(value)
        return number if math.isfinite(number) else None
    if _missing(value):
        return None
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if hasattr(value, "tolist"):  # a numpy array
        return json_safe(value.tolist())
    return str(value)


def record_scenario(
    project: Project,
    scenario: dict[str, Any],
    *,
    actor: str,
    notebook: str | Path | None = None,
) -> Entry:
    """Append a ``whatif.saved`` entry for ``scenario`` (``WhatIf.scenario()``), bound to
    ``notebook`` when it is a saved notebook of the project, linked to the data versions the
    scenario names (``scenario["data"]``: dicts with an ``entry`` id)."""
    if not isinstance(scenario, dict) or any(k not in scenario for k in _REQUIRED):
        raise MlopsError(
            "a scenario is the dict WhatIf.scenario() returns",
            f"it needs the keys {', '.join(_REQUIRED)}",
        )
    payload = json_safe(scenario)
    ref = notebook_ref(project, notebook)
    links = []
    for item in payload.get("data") or []:
        entry = item.get("entry") if isinstance(item, dict) else None
        if isinstance(entry, str) and entry:
            links.append(f"entry:{entry}")
    return project.ledger.append(SCENARIO_SAVED, payload, actor=actor, notebook=ref, links=links)


def record_scenario_here(
    scenario: dict[str, Any],
    *,
    project: Project | None = None,
    notebook: str | Path | None = None,
    actor: str | None = None,
) -> Entry:
    """:func:`record_scenario` with what is not given found as runs find it: the kernel's
    notebook, its project (else the current folder's), and the acting identity."""
    from ..identity import current_actor
    from ..kernel import current_notebook
    from ..project import find_project

    if notebook is None:
        notebook, _ = current_notebook()
    project = project or find_project(notebook or Path.cwd())
    actor = actor or current_actor(project.root)
    return record_scenario(project, scenario, actor=actor, notebook=notebook)


def _missing(value: Any) -> bool:
    """pandas' missing markers (``pd.NA``, ``pd.NaT``), without importing pandas for them."""
    import sys

    pandas = sys.modules.get("pandas")
    return pandas is not None and (value is pandas.NA or value is pandas.NaT)
