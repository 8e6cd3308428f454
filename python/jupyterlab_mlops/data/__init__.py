"""Data versions: register datasets with DVC, profile them and screen them for PII.

Notebook code asks for registered data by name, so that what it reads is an exact version::

    from jupyterlab_mlops import data
    frame = pd.read_csv(data.path("applications"))

:func:`path` checks that the files are the registered version and remembers the access
(:func:`accessed`), which links the runs of the experiments API to the data versions they read.

In a batch run (production), the data at a registered path is expected to have moved on since
training: there :func:`path` returns the path of changed data instead of refusing it, and notes
the read for the batch run, which measures the drift against the registered profile. A missing
file is refused everywhere.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

from ..kernel import in_batch_run, note_input

__all__ = ["accessed", "path"]

_ACCESSED: dict[str, dict[str, Any]] = {}  # entry id -> what was read
_LOCK = threading.Lock()


def path(
    name: str, version: str | int | None = None, *, start: str | os.PathLike[str] | None = None
) -> Path:
    """The absolute path of registered dataset ``name`` (its latest version, or ``version``).

    Raises :class:`~jupyterlab_mlops.errors.MlopsError` when the files on disk are not that
    version (except in a batch run, see above). ``start`` is where to look for the project
    (default: the notebook's folder, from ``MLOPS_NOTEBOOK``, else the current folder).
    """
    from ..project import find_project  # lazy: pulls pydantic
    from .versions import DataChangedError, check_workspace, get_version  # lazy: pulls pydantic

    origin = start or os.environ.get("MLOPS_NOTEBOOK") or Path.cwd()
    project = find_project(origin)
    found = get_version(project, name, version)
    changed = False
    try:
        check_workspace(project, found)
    except DataChangedError:
        if not in_batch_run():
            raise
        changed = True  # production data moved on since training: measured, not refused
    read = {
        "name": found.name,
        "version": found.number,
        "entry": found.entry.hash,
        "md5": found.md5,
        "path": found.path,
        "project": str(project.root),
    }
    if changed:
        read["changed"] = True
    with _LOCK:
        _ACCESSED.pop(found.entry.hash, None)  # the newest read comes last
        _ACCESSED[found.entry.hash] = read
    note_input(read)
    return project.root / found.path


def accessed(clear: bool = False) -> list[dict[str, Any]]:
    """The data versions read through :func:`path` in this process, oldest read first
    (optionally forgetting them)."""
    with _LOCK:
        found = list(_ACCESSED.values())
        if clear:
            _ACCESSED.clear()
    return found
