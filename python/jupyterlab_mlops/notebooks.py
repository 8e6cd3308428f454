"""Binding ledger entries to a notebook: its project-relative path and current fingerprint."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .fingerprint import cell_index, fingerprint_of, read_notebook
from .project import Project


@dataclass(frozen=True)
class NotebookState:
    """A saved notebook as the ledger sees it."""

    path: str  # relative to the project root, POSIX
    fingerprint: str
    cell: dict[str, object] | None = (
        None  # {"id": ..., "index": position in the saved file or None}
    )

    def ref(self) -> dict[str, str]:
        """The ``notebook`` field of a ledger entry."""
        return {"path": self.path, "fingerprint": self.fingerprint}


def notebook_state(project: Project, path: str | Path, cell_id: str | None = None) -> NotebookState:
    """Read the saved notebook at ``path`` (inside ``project``) and fingerprint it."""
    relative = project.relpath(path)
    notebook = read_notebook(project.root / relative)
    cell = None
    if cell_id:
        cell = {"id": cell_id, "index": cell_index(notebook, cell_id)}
    return NotebookState(relative, fingerprint_of(notebook), cell)
