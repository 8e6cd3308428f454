"""The portfolio: every project and notebook under a root folder, with its stage and what
blocks it (the risk manager's watchtower). One readiness evaluation per notebook."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .approvals import approval_status
from .checklists.evaluate import check_notebook
from .confinement import readable
from .errors import MlopsError
from .project import MARKER, Project, find_project

MAX_DEPTH = 6
MAX_PROJECTS = 200
MAX_NOTEBOOKS = 2000
_SKIP = {"node_modules", "__pycache__", "site-packages", ".ipynb_checkpoints"}


@dataclass
class Portfolio:
    projects: list[dict[str, Any]] = field(default_factory=list)
    truncated: bool = False

    def to_json(self) -> dict[str, Any]:
        return {"projects": self.projects, "truncated": self.truncated}


def portfolio(root: Path) -> Portfolio:
    """Scan ``root`` for projects (folders holding ``.mlops/``) and evaluate their notebooks.

    Paths in the result are relative to ``root``. Hidden folders, environments and batch
    outputs are not searched; the scan stops at fixed limits and says so (``truncated``).
    """
    root = root.resolve()
    found = Portfolio()
    notebooks_left = MAX_NOTEBOOKS
    for folder in _walk(root, lambda d: (d / MARKER).is_dir(), MAX_DEPTH):
        if len(found.projects) >= MAX_PROJECTS or notebooks_left <= 0:
            found.truncated = True
            break
        entry, count = _project(root, folder, notebooks_left)
        notebooks_left -= count
        found.truncated |= bool(entry.pop("truncated", False))
        found.projects.append(entry)
    return found


def project_folders(root: Path) -> list[Path]:
    """The folders under ``root`` that hold a project, searched as :func:`portfolio` does."""
    found = _walk(root.resolve(), lambda d: (d / MARKER).is_dir(), MAX_DEPTH)
    return found[:MAX_PROJECTS]


def _project(root: Path, folder: Path, limit: int) -> tuple[dict[str, Any], int]:
    base = {"root": _rel(root, folder), "name": folder.name, "template": None,
            "risk_tier": None, "context": {}, "error": None, "notebooks": []}  # fmt: skip
    try:
        project = find_project(folder)
    except MlopsError as exc:
        return {**base, "error": exc.message.replace(f"{root}/", "")}, 0
    config = project.config
    base.update(
        name=config.name,
        template=config.template,
        risk_tier=config.risk_tier,
        context=config.context.model_dump(exclude_none=True),  # the registry facts given
    )
    skip = {project.root / config.batch_output_dir}
    notebooks = []
    for path in _notebooks(project.root, skip):
        if len(notebooks) >= limit:
            base["truncated"] = True
            break
        notebooks.append(_notebook(root, project, path))
    base["notebooks"] = notebooks
    return base, len(notebooks)


def _notebook(root: Path, project: Project, path: Path) -> dict[str, Any]:
    row: dict[str, Any] = {"path": _rel(root, path)}
    try:
        report = check_notebook(project, path)
        status = approval_status(path, project, report)
    except MlopsError as exc:
        return {**row, "stage": None, "error": exc.message.replace(f"{root}/", "")}
    entries = project.ledger.entries(notebook=report.notebook)
    return {
        **row,
        "stage": report.stage,
        "failing": sum(1 for r in report.results if r.status == "fail"),
        "blocking_approval": [r.item.id for r in report.blocking("approval")],
        "stale": bool(status.stale_because),
        "may_run": status.may_run,
        "last_activity": entries[-1].time if entries else None,
        "error": None,
    }


def _notebooks(folder: Path, skip: set[Path]) -> list[Path]:
    found = []
    for directory in _walk(folder, lambda d: not _nested(folder, d), MAX_DEPTH, skip=skip):
        found += sorted(p for p in directory.glob("*.ipynb") if _listed(p))
    return found


def _listed(notebook: Path) -> bool:
    """A notebook the server would open: a file, not hidden, not leading outside its root."""
    if notebook.name.startswith(".") or not notebook.is_file():
        return False
    try:
        readable(notebook)
    except MlopsError:
        return False
    return True


def _nested(project_root: Path, directory: Path) -> bool:
    """Is ``directory`` inside another project below ``project_root``?"""
    while directory != project_root:
        if (directory / MARKER).is_dir():
            return True
        directory = directory.parent
    return False


def _walk(root: Path, keep: Any, depth: int, skip: set[Path] = frozenset()) -> list[Path]:
    """Folders under ``root`` (itself included) that ``keep`` accepts, breadth first, without
    hidden folders, symlinked folders or ``skip``."""
    kept, level = [], [root]
    for _ in range(depth + 1):
        below = []
        for directory in level:
            if keep(directory):
                kept.append(directory)
            try:
                children = sorted(os.scandir(directory), key=lambda e: e.name)
            except OSError:
                continue
            below += [
                Path(c.path)
                for c in children
                if c.is_dir(follow_symlinks=False)
                and not c.name.startswith(".")
                and c.name not in _SKIP
                and Path(c.path) not in skip
            ]
        level = below
    return kept


def _rel(root: Path, path: Path) -> str:
    relative = path.relative_to(root).as_posix()
    return "" if relative == "." else relative
