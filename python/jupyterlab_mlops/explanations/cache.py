"""Reports already computed, kept by what they were computed from (model, data, options), in
the project's git-ignored ``.mlops/cache/explanations/``: explaining the same model on the same
data again is answered from here."""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from ..canonical import sha256_hex
from ..experiments.digests import digest as digest
from ..project import Project

_FOLDER = ("cache", "explanations")


def key(parts: dict[str, Any]) -> str:
    return sha256_hex(json.dumps(parts, sort_keys=True, default=str))


def load(project: Project | None, name: str) -> dict[str, Any] | None:
    """The cached report JSON under ``name``, or None (a damaged file counts as missing)."""
    if project is None:
        return None
    path = project.mlops_dir.joinpath(*_FOLDER, f"{name}.json")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def save(project: Project | None, name: str, data: dict[str, Any]) -> None:
    """Keep ``data`` under ``name`` (written whole, then renamed: never half a file)."""
    if project is None:
        return
    folder = project.mlops_dir.joinpath(*_FOLDER)
    with contextlib.suppress(OSError):  # a cache that cannot be written only costs time
        folder.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=folder, suffix=".part")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                json.dump(data, out)
            os.replace(temp, folder / f"{name}.json")
        finally:
            Path(temp).unlink(missing_ok=True)
