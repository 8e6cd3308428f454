"""What the panel, ``%mlops status`` and ``mlops status`` show: one function for all three."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .decisions import Decision, list_decisions
from .notebooks import NotebookState, notebook_state
from .project import Project


@dataclass
class Status:
    """A project's state, seen from one notebook (or from the project as a whole)."""

    project: Project
    notebook_path: str | None = None  # project-relative
    notebook: NotebookState | None = None  # None when no notebook was asked for
    entries: int = 0
    notebook_entries: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)
    decisions: list[Decision] = field(default_factory=list)
    head: str | None = None
    problems: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "project": self.project.to_json(),
            "notebook": {
                "path": self.notebook_path,
                "exists": self.notebook is not None,
                "fingerprint": self.notebook.fingerprint if self.notebook else None,
            }
            if self.notebook_path
            else None,
            "counts": {
                "entries": self.entries,
                "notebook_entries": self.notebook_entries,
                "decisions": len(self.decisions),
                "by_kind": self.by_kind,
            },
            "decisions": [d.to_json() for d in reversed(self.decisions)],  # newest first
            "ledger": {"entries": self.entries, "head": self.head, "problems": self.problems},
        }


def project_status(project: Project, notebook: str | Path | None = None) -> Status:
    """Counts for the project and, when ``notebook`` is given, its fingerprint and decisions."""
    ledger = project.ledger
    ledger.refresh()
    heads = ledger.heads
    status = Status(
        project,
        entries=len(ledger),
        head=heads[-1] if heads else None,
        problems=ledger.problems[:5],
    )
    scope = ledger.entries()
    if notebook is not None:
        status.notebook_path = project.relpath(notebook)
        status.notebook = notebook_state(project, project.root / status.notebook_path)
        scope = ledger.entries(notebook=status.notebook_path)
        status.notebook_entries = len(scope)
        status.decisions = list_decisions(
            project, project.root / status.notebook_path, status.notebook
        )
    else:
        status.decisions = list_decisions(project)
    status.by_kind = dict(Counter(e.kind for e in scope))
    return status
