"""Retiring a notebook (its model leaves production) and bringing it back, in the ledger.

A retired notebook's stage is ``retired`` and it may no longer run in production, whatever its
sign-offs say, until someone in a sign-off role reinstates it.
"""

from __future__ import annotations

from pathlib import Path

from .errors import MlopsError
from .kinds import REINSTATED, RETIRED
from .ledger import Entry
from .notebooks import notebook_state
from .project import Project
from .roles import check_waiver_identity


def retirement(project: Project, notebook: str) -> Entry | None:
    """The entry that retired ``notebook`` (project-relative), if it is retired now."""
    entries = project.ledger.entries(notebook=notebook)
    for entry in reversed(entries):
        if entry.kind == RETIRED:
            return entry
        if entry.kind == REINSTATED:
            return None
    return None


def retire(
    project: Project, notebook: str | Path, *, actor: str, why: str, undo: bool = False
) -> Entry:
    """Record that the notebook is retired (or, with ``undo``, reinstated), and why."""
    why = (why or "").strip()
    if not why:
        raise MlopsError("say why", 'add --why "..."')
    check_waiver_identity(project, actor)
    state = notebook_state(project, notebook)
    retired = retirement(project, state.path)
    if undo and retired is None:
        raise MlopsError(f"{state.path} is not retired", "nothing to reinstate")
    if not undo and retired is not None:
        raise MlopsError(
            f"{state.path} was already retired by {retired.actor}", "see `mlops check`"
        )
    return project.ledger.append(
        REINSTATED if undo else RETIRED, {"why": why}, actor=actor, notebook=state.ref()
    )
