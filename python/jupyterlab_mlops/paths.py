"""Confining user-supplied paths to a root folder (the Jupyter server's root)."""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath

from .confinement import resolve
from .errors import ForbiddenError, MlopsError


def confine(root: str | os.PathLike[str], user_path: str) -> Path:
    """Resolve ``user_path`` (relative, ``/``-separated, as in Jupyter's API) inside ``root``.

    Refuses empty, absolute and ``..`` paths with a 400 and anything that resolves outside
    ``root`` (for example through a symlink) with a 403.
    """
    if not user_path or "\x00" in user_path:
        raise MlopsError("a path is required", "give the notebook path relative to the server root")
    pure = PurePosixPath(user_path.replace("\\", "/"))
    if pure.is_absolute() or user_path.startswith("~") or Path(user_path).drive:
        raise MlopsError(
            f"absolute paths are not allowed: {user_path}",
            "give a path relative to the server root",
        )
    if ".." in pure.parts:
        raise MlopsError(
            f"'..' is not allowed in paths: {user_path}", "give a path inside the server root"
        )
    base = Path(root).resolve()
    resolved = resolve(base / Path(*pure.parts), user_path)
    if resolved != base and base not in resolved.parents:
        raise ForbiddenError(
            f"{user_path} is outside the server root", "open files inside the server root"
        )
    return resolved


def relative_to_root(root: str | os.PathLike[str], path: Path) -> str:
    """``path`` as a server-relative API path ('' for the root itself)."""
    relative = path.resolve().relative_to(Path(root).resolve()).as_posix()
    return "" if relative == "." else relative
