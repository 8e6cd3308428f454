"""Binding ledger entries to a notebook: its project-relative path, fingerprint and cells."""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import MlopsError
from .fingerprint import cell_source, fingerprint_of, read_notebook
from .ledger import Entry
from .project import Project


def source_digest(source: str) -> str:
    """Digest of one cell's source (line endings normalised as in the fingerprint)."""
    return hashlib.sha256(source.replace("\r\n", "\n").encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class NotebookState:
    """A saved notebook as the ledger sees it."""

    path: str  # relative to the project root, POSIX
    fingerprint: str
    cells: dict[str, str] = field(default_factory=dict)  # cell id -> source digest, in order

    def ref(self) -> dict[str, str]:
        """The ``notebook`` field of a ledger entry."""
        return {"path": self.path, "fingerprint": self.fingerprint}

    def cell_binding(self, cell_id: str, source: str | None = None) -> dict[str, Any]:
        """The ``cell`` an entry was recorded from: id, position in the saved file, source digest.

        ``source`` is what the kernel ran, which may be newer than the saved file.
        """
        ids = list(self.cells)
        return {
            "id": cell_id,
            "index": ids.index(cell_id) if cell_id in self.cells else None,
            "source_sha256": source_digest(source)
            if source is not None
            else self.cells.get(cell_id),
        }

    def locate_cell(self, source: str | None) -> dict[str, Any] | None:
        """The binding of the saved cell whose code is ``source`` (when the kernel was not told
        the cell's id, as under papermill), or None when no saved cell has that code."""
        if source is None:
            return None
        digest = source_digest(source)
        for index, (cell_id, cell_digest) in enumerate(self.cells.items()):
            if cell_digest == digest:
                return {"id": cell_id, "index": index, "source_sha256": digest}
        return None

    def is_current(self, entry: Entry) -> bool:
        """Does ``entry`` still describe this notebook?

        An entry recorded from a cell is current while that cell is still there unchanged (so
        saving the notebook after running the cell does not make it stale); any other entry
        is current while the notebook's fingerprint is the one it recorded.
        """
        cell = entry.payload.get("cell") or {}
        if cell.get("id") and cell.get("source_sha256"):
            return self.cells.get(cell["id"]) == cell["source_sha256"]
        return entry.notebook is not None and entry.notebook.get("fingerprint") == self.fingerprint


_STATES: dict[tuple[Any, ...], NotebookState] = {}
#: a file modified this recently may change again within the same timestamp tick: not cached
RACY_NS = 2_000_000_000


def notebook_state(project: Project, path: str | Path) -> NotebookState:
    """Read the saved notebook at ``path`` (inside ``project``) and fingerprint it (remembered
    while the file's size, inode and modification time stay the same, once it is a couple of
    seconds old, so that two writes within one timestamp tick cannot hide a change)."""
    relative = project.relpath(path)
    file = project.root / relative
    try:
        stat = file.stat()
        key: tuple[Any, ...] | None = (
            f"{project.root}\0{relative}", stat.st_mtime_ns, stat.st_ctime_ns, stat.st_size,
            stat.st_ino, stat.st_dev,
        )  # fmt: skip
    except OSError:
        key = None
    if key is not None and key in _STATES:
        return _STATES[key]
    state = _read_state(file, relative)
    if key is not None and time.time_ns() - max(key[1], key[2]) > RACY_NS:
        if len(_STATES) > 512:
            _STATES.clear()
        _STATES[key] = state
    return state


def _read_state(file: Path, relative: str) -> NotebookState:
    notebook = read_notebook(file)
    cells = {
        str(cell["id"]): source_digest(cell_source(cell))
        for cell in notebook.get("cells", [])
        if cell.get("id")
    }
    return NotebookState(relative, fingerprint_of(notebook), cells)


def notebook_ref(project: Project, path: str | Path | None) -> dict[str, str] | None:
    """The ``notebook`` field for an entry about ``path``, or None when there is no saved
    notebook of the project there (outside the project, or not saved yet): recorded unbound."""
    if path is None:
        return None
    try:
        return notebook_state(project, path).ref()
    except MlopsError:  # NotFoundError too
        return None
