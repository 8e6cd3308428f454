"""A project's or notebook's status (counts, fingerprint, decisions): what ``%mlops status`` and
``mlops status`` show, and the part of the panel's document (see :mod:`.panel`) they share."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .decisions import Decision, list_decisions
from .fingerprint import fingerprint_of, read_notebook
from .notebooks import NotebookState, notebook_state
from .project import NO_PROJECT_HINT, Project, locate_project


@dataclass
class Status:
    """A project's state, seen from one notebook (or from the project as a whole)."""

    project: Project | None  # None: the notebook is in no project
    notebook_path: str | None = None  # project-relative (the file name outside a project)
    notebook: NotebookState | None = None  # None when no notebook was asked for
    entries: int = 0
    notebook_entries: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)
    decisions: list[Decision] = field(default_factory=list)
    head: str | None = None
    problems: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        outside = {"hint": NO_PROJECT_HINT} if self.project is None else {}
        return {
            "project": self.project.to_json() if self.project else None,
            **outside,
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


def notebook_status(notebook: Path, stop: Path | None = None) -> Status:
    """The status of a saved notebook, inside a project or not (what the panel shows).

    ``stop`` bounds the search for the project (the Jupyter server's root).
    """
    project = locate_project(notebook, stop)
    if project is not None:
        return project_status(project, notebook)
    state = NotebookState(notebook.name, fingerprint_of(read_notebook(notebook)))
    return Status(None, notebook_path=state.path, notebook=state)


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
    if notebook is not None:
        status.notebook_path = project.relpath(notebook)
        status.notebook = notebook_state(project, project.root / status.notebook_path)
        status.by_kind = ledger.kind_counts(status.notebook_path)
        status.notebook_entries = sum(status.by_kind.values())
        status.decisions = list_decisions(
            project, project.root / status.notebook_path, status.notebook
        )
    else:
        status.decisions = list_decisions(project)
        status.by_kind = ledger.kind_counts()
    return status
