"""The portfolio: every project and notebook under a root folder, with its stage and what
blocks it (the risk manager's watchtower). One readiness evaluation per notebook."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import portfolio_cache as cache
from .checklists.evaluate import LIFECYCLE
from .confinement import readable
from .errors import MlopsError
from .portfolio_notebook import FLAGS, notebook_row
from .project import MARKER, Project, find_project
from .templates import template_dirs

MAX_DEPTH = 6
MAX_PROJECTS = 200
MAX_NOTEBOOKS = 2000
_SKIP = {"node_modules", "__pycache__", "site-packages", ".ipynb_checkpoints"}


@dataclass
class Portfolio:
    projects: list[dict[str, Any]] = field(default_factory=list)
    truncated: bool = False
    evaluated: int = 0  # notebooks evaluated for this answer
    cached: int = 0  # notebooks answered from the projects' caches

    @property
    def rows(self) -> list[dict[str, Any]]:
        return [nb for p in self.projects for nb in p["notebooks"]]

    def funnel(self) -> dict[str, int]:
        """How many notebooks are at each lifecycle stage, in order (unevaluated ones apart)."""
        counts = dict.fromkeys(LIFECYCLE, 0)
        for row in self.rows:
            if row.get("stage") in counts:
                counts[row["stage"]] += 1
        return counts

    def to_json(self) -> dict[str, Any]:
        return {
            "projects": self.projects,
            "funnel": self.funnel(),
            "flags": dict(FLAGS),
            "truncated": self.truncated,
            "limits": {"projects": MAX_PROJECTS, "notebooks": MAX_NOTEBOOKS},
            "evaluated": self.evaluated,
            "cached": self.cached,
        }


def portfolio(root: Path) -> Portfolio:
    """Scan ``root`` for projects (folders holding ``.mlops/``) and evaluate their notebooks.

    Paths in the result are relative to ``root``. Hidden folders, environments and batch
    outputs are not searched; the scan stops at fixed limits and says so (``truncated``).
    An unchanged project is answered from its cache (:mod:`.portfolio_cache`).
    """
    root = root.resolve()
    found = Portfolio()
    notebooks_left = MAX_NOTEBOOKS
    for folder in _walk(root, lambda d: (d / MARKER).is_dir(), MAX_DEPTH):
        if len(found.projects) >= MAX_PROJECTS or notebooks_left <= 0:
            found.truncated = True
            break
        entry = _project(root, folder, notebooks_left, found)
        notebooks_left -= len(entry["notebooks"])
        found.truncated |= bool(entry.pop("truncated", False))
        found.projects.append(entry)
    return found


def project_folders(root: Path) -> list[Path]:
    """The folders under ``root`` that hold a project, searched as :func:`portfolio` does."""
    found = _walk(root.resolve(), lambda d: (d / MARKER).is_dir(), MAX_DEPTH)
    return found[:MAX_PROJECTS]


def _project(root: Path, folder: Path, limit: int, found: Portfolio) -> dict[str, Any]:
    base = {"root": _rel(root, folder), "name": folder.name, "template": None,
            "risk_tier": None, "context": {}, "error": None, "notebooks": []}  # fmt: skip
    began = cache.now_ns()
    stored = cache.load(folder)
    key = cache.project_key(folder, stored["dirs"]) if "dirs" in stored else None
    project: Project | None = None
    if key is None or stored.get("key") != key:
        try:
            project = find_project(folder)
        except MlopsError as exc:
            return {**base, "error": _unrooted(root, exc.message)}
        config = project.config
        dirs = [str(d) for d in template_dirs(project.root, config.checklist_dirs)]
        key = cache.project_key(folder, dirs)  # before anything is read: a change after counts
        info = {
            "name": config.name,
            "template": config.template,
            "risk_tier": config.risk_tier,
            "context": config.context.model_dump(exclude_none=True),  # the registry facts given
        }
        stored = {"dirs": dirs, "skip": config.batch_output_dir, "info": info, "notebooks": {}}
    base.update(stored["info"])
    known: dict[str, Any] = stored["notebooks"]
    rows: dict[str, Any] = {}
    for path in _notebooks(folder, {folder / stored["skip"]}):
        if len(rows) >= limit:
            base["truncated"] = True
            break
        relative = path.relative_to(folder).as_posix()
        old = known.get(relative)
        if old is not None and cache.notebook_key(folder, relative, old["data"]) == old["key"]:
            rows[relative] = old
            found.cached += 1
            continue
        project = project or find_project(folder)
        rows[relative] = _evaluate(project, path, relative)
        found.evaluated += 1
    if found.evaluated and cache.settled(key, began):
        keep = {r: v for r, v in rows.items() if v["key"] and cache.settled(v["key"], began)}
        if keep != known or stored.get("key") != key:
            cache.save(folder, {**stored, "key": key, "notebooks": keep})
    base["notebooks"] = [
        {**v["row"], "path": _rel(root, folder / r), "error": _unrooted(root, v["row"]["error"])}
        for r, v in rows.items()
    ]
    base["flags"] = rollup(base["notebooks"])
    return base


def _evaluate(project: Project, path: Path, relative: str) -> dict[str, Any]:
    """A notebook's cache record: its key (None: not to be kept), the data it read, its row."""
    try:
        key = cache.notebook_key(project.root, relative, [])
        row, data = notebook_row(project, path)
    except MlopsError as exc:  # shown, never kept: it may be passing (a busy ledger)
        return {"key": None, "data": [], "row": {"path": relative, "stage": None,
                "flags": [], "error": exc.message}}  # fmt: skip
    return {"key": {**key, "data": cache.notebook_key(project.root, relative, data)["data"]},
            "data": data, "row": row}  # fmt: skip


def rollup(notebooks: list[dict[str, Any]]) -> dict[str, Any]:
    """A project's flags: how many of its notebooks raise each, and the pending review
    requests per role."""
    counts = {flag: sum(flag in (nb.get("flags") or []) for nb in notebooks) for flag in FLAGS}
    reviews: dict[str, int] = {}
    for nb in notebooks:
        for request in nb.get("reviews") or []:
            reviews[request["role"]] = reviews.get(request["role"], 0) + 1
    return {**{f: n for f, n in counts.items() if n}, "reviews": reviews}


def _unrooted(root: Path, message: str | None) -> str | None:
    return None if message is None else message.replace(f"{root}/", "")


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
