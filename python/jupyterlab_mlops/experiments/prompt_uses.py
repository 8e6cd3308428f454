"""The prompt versions formatted in this process, for the lineage of the runs that use them
(as ``data.accessed`` is for data versions). ``Prompt.format`` notes each use here; a run
records the newest version of each prompt of its project when it ends."""

from __future__ import annotations

import threading
from typing import Any

_LOCK = threading.Lock()
_USED: dict[tuple[str, str], dict[str, Any]] = {}


def note_prompt(project_root: str, name: str, version: int, digest: str) -> None:
    """Note that version ``version`` of prompt ``name`` of the project at ``project_root``
    was formatted (the newest use of a prompt wins)."""
    with _LOCK:
        _USED.pop((project_root, name), None)  # the newest use comes last
        _USED[(project_root, name)] = {"name": name, "version": version, "digest": digest}


def prompts_used(project_root: str, clear: bool = False) -> list[dict[str, Any]]:
    """The prompt versions of that project formatted in this process, oldest use first."""
    with _LOCK:
        found = [dict(v) for (root, _), v in _USED.items() if root == project_root]
        if clear:
            for key in [k for k in _USED if k[0] == project_root]:
                del _USED[key]
    return found
