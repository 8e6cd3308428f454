"""Which files may be read on a request's behalf: the one place that confines them.

Outside the Jupyter server (the CLI, a kernel) the user reads their own files and nothing is
confined. The server runs each request's work with :func:`confined_to` its root, and every
reader of a file the product opens (notebooks, the ledger, configs, checklist templates,
requirements files) asks :func:`readable` first: a path that leads outside the root, through
a symlink or a ``..`` in a config, is refused, as is a symlink loop. The package's own
shipped templates stay readable.
"""

from __future__ import annotations

import contextvars
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from .errors import ForbiddenError, MlopsError

T = TypeVar("T")

_ROOT: contextvars.ContextVar[Path | None] = contextvars.ContextVar("mlops_root", default=None)
_PACKAGE = Path(__file__).resolve().parent


def confined_to(root: Path, work: Callable[..., T], *args: Any) -> T:
    """Run ``work(*args)`` with every file it reads confined to ``root``."""
    token = _ROOT.set(Path(root).resolve())
    try:
        return work(*args)
    finally:
        _ROOT.reset(token)


def confined_root() -> Path | None:
    """The root reads are confined to, or None (not serving a request)."""
    return _ROOT.get()


def resolve(path: str | os.PathLike[str], shown: str | None = None) -> Path:
    """``path`` resolved, a symlink loop being one clear error (not a ``RuntimeError``)."""
    try:
        return Path(path).resolve()
    except (RuntimeError, OSError) as exc:  # RuntimeError: "Symlink loop from ..."
        raise MlopsError(
            f"{shown or Path(path).name} cannot be opened: a symlink loop or broken link",
            "fix or remove the link",
        ) from exc


def readable(path: str | os.PathLike[str]) -> Path:
    """``path``, if a request may read it; a 403 if it leads outside the server's root."""
    root = _ROOT.get()
    path = Path(path)
    if root is None:
        return path
    resolved = resolve(path, _shown(path, root))
    if _inside(resolved, root) or _inside(resolved, _PACKAGE):
        return path
    raise ForbiddenError(
        f"{_shown(path, root)} leads outside the server root",
        "keep the project's files inside the folder Jupyter serves (no links or paths out)",
    )


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def _shown(path: Path, root: Path) -> str:
    """The path as the request's user knows it (relative to the root), never the server's."""
    absolute = Path(os.path.abspath(path))
    return absolute.relative_to(root).as_posix() if _inside(absolute, root) else path.name
