"""The undo record of a registration: how to put back what ``dvc add`` changed.

Before DVC runs, the bytes of the files it may rewrite (the ``.dvc`` file, the ``.gitignore``
beside the data) are kept in ``.mlops/cache/data-pending.json``; after it ran, a digest of what
it left. Undoing restores a file only while it is still exactly what DVC left, so a later edit
by a person (say, a new ``.gitignore`` rule) is never overwritten.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from pathlib import Path
from typing import Any

from ..project import Project

_FILE = "data-pending.json"


def _path(project: Project) -> Path:
    return project.mlops_dir / "cache" / _FILE


def _read(file: Path) -> bytes | None:
    try:
        return file.read_bytes()
    except FileNotFoundError:
        return None


def _digest(content: bytes | None) -> str | None:
    return None if content is None else hashlib.sha256(content).hexdigest()


def _write(project: Project, record: dict[str, Any]) -> None:
    path = _path(project)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{_FILE}.{os.getpid()}.tmp")
    with open(temporary, "w", encoding="utf-8") as out:
        json.dump(record, out)
        out.flush()
        os.fsync(out.fileno())
    os.replace(temporary, path)


def remember(project: Project, files: list[Path]) -> None:
    """Keep the current bytes of ``files`` (None for a file that does not exist yet)."""
    before = {}
    for file in files:
        content = _read(file)
        before[project.relpath(file)] = (
            None if content is None else base64.b64encode(content).decode("ascii")
        )
    _write(project, {"before": before, "after": None})


def remember_after(project: Project) -> None:
    """Note what DVC left in each file, so that undo can tell later edits apart."""
    record = pending(project)
    if record is not None:
        record["after"] = {rel: _digest(_read(project.root / rel)) for rel in record["before"]}
        _write(project, record)


def pending(project: Project) -> dict[str, Any] | None:
    """The undo record of a registration that did not finish, if there is one."""
    try:
        record = json.loads(_path(project).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return record if isinstance(record, dict) and isinstance(record.get("before"), dict) else None


def undo(project: Project) -> list[str]:
    """Restore the remembered files that still hold what DVC left; returns those restored."""
    record = pending(project)
    restored = []
    if record is not None:
        after = record.get("after") or {}
        for relative, encoded in record["before"].items():
            file = project.root / relative
            try:
                current = _read(file)
                if relative in after and _digest(current) != after[relative]:
                    continue  # changed by someone since: leave it
                before = None if encoded is None else base64.b64decode(encoded)
                if current == before:
                    continue
                if before is None:
                    file.unlink(missing_ok=True)
                else:
                    temporary = file.with_name(f".{file.name}.{os.getpid()}.undo")
                    temporary.write_bytes(before)
                    os.replace(temporary, file)
                restored.append(relative)
            except OSError:
                continue  # a folder moved away since: nothing to restore there
    forget(project)
    return restored


def forget(project: Project) -> None:
    _path(project).unlink(missing_ok=True)
