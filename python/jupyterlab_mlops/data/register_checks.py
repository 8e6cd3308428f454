"""What a registration refuses before it touches DVC: a path that is not data of the project,
an invalid or taken name, an overlong description, blank sensitive columns, data git already
tracks, and data bigger than the free disk space."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Sequence
from pathlib import Path

from ..errors import MlopsError, NotFoundError
from ..project import MARKER, Project
from . import dvc_repo
from .versions import DataVersion, all_versions

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
_MAX_DESCRIPTION = 2_000
_RESERVED = (MARKER, dvc_repo.DVC_DIR, ".git")


def data_target(project: Project, path: str | os.PathLike[str]) -> Path:
    """The absolute path of the data to register: an existing file or folder of the project
    that is not a link, the project's own bookkeeping or git's."""
    raw = Path(path).expanduser()
    target = Path(os.path.abspath(raw))
    if not target.exists() and not target.is_symlink():
        raise NotFoundError(
            f"{os.path.relpath(target)} does not exist",
            "check the path (relative to where you are)",
        )
    relative = project.relpath(target)  # refuses paths outside the project
    if relative in ("", "."):
        raise MlopsError("cannot register the project folder itself", "name a data file or folder")
    parts = Path(relative).parts
    if parts[0] in _RESERVED or target.suffix == ".dvc" or target.name == ".gitignore":
        raise MlopsError(f"{relative} is not data", "register a data file or folder of the project")
    if target.is_symlink():
        raise MlopsError(
            f"{relative} is a symbolic link", "register the file it points to (inside the project)"
        )
    real = target.resolve()
    if real != project.root.resolve() and project.root.resolve() not in real.parents:
        raise MlopsError(
            f"{relative} leads outside the project", "keep the data inside the project"
        )
    return target


def default_name(target: Path) -> str:
    """A dataset name from the file or folder name (``applications.csv`` -> ``applications``)."""
    stem = target.name.split(".")[0] if not target.is_dir() else target.name
    clean = re.sub(r"[^A-Za-z0-9_.-]+", "-", stem).strip("-._") or "data"
    return clean[:64]


def checked_name(name: str) -> str:
    """The dataset name, stripped; refused unless it is a short plain identifier."""
    name = name.strip()
    if not _NAME.match(name):
        raise MlopsError(
            f"invalid dataset name {name!r}",
            "use up to 64 letters, digits, '-', '_' or '.', starting with a letter or digit",
        )
    return name


def checked_description(description: str | None) -> str | None:
    """The description, stripped (``None`` when empty); refused when too long."""
    text = (description or "").strip()
    if len(text) > _MAX_DESCRIPTION:
        raise MlopsError(
            f"--description is {len(text)} characters long (at most {_MAX_DESCRIPTION})",
            "shorten it",
        )
    return text or None


def checked_sensitive(columns: Sequence[str]) -> list[str]:
    """The declared sensitive columns without repeats; a blank name is refused."""
    clean: list[str] = []
    for column in columns:
        if not column.strip():
            raise MlopsError("--sensitive needs a column name", "e.g. --sensitive age")
        if column not in clean:
            clean.append(column)
    return clean


def check_name(project: Project, name: str, relative: str, latest: DataVersion | None) -> None:
    """A path keeps its dataset name; a name belongs to one path; registered paths never nest."""
    if latest is not None and latest.name != name:
        raise MlopsError(
            f"{relative} is registered as {latest.name!r}",
            f"register it again under that name (--name {latest.name}) or leave --name out",
        )
    for version in all_versions(project):
        if version.name == name and version.path != relative:
            raise MlopsError(
                f"the name {name!r} is taken by {version.path}",
                "give this data another --name",
            )
        inside = relative.startswith(f"{version.path}/") or version.path.startswith(f"{relative}/")
        if inside:
            raise MlopsError(
                f"{relative} overlaps {version.path}, registered as {version.name!r}",
                "register a folder as a whole or its files one by one, not both",
            )


def check_confined(project: Project, target: Path, files: list[Path]) -> None:
    """Every file of the data must really lie inside the project (no symlink leads out)."""
    root = project.root.resolve()
    for file in files:
        real = file.resolve()
        if root not in real.parents:
            shown = file.relative_to(target).as_posix() if file != target else file.name
            raise MlopsError(
                f"{shown} in {project.relpath(target)} links outside the project",
                "copy the data into the project instead of linking to it",
            )


def check_not_in_git(project: Project, relative: str) -> None:
    """Git must not track the data already, nor ignore the ``.dvc`` file DVC will write."""
    dvc_file = f"{relative}.dvc"
    rule = dvc_repo.git_ignore_rule(project.root, dvc_file)
    if rule is not None:
        raise MlopsError(
            f"git ignores {dvc_file} (rule {rule}), so DVC cannot track {relative}",
            "remove that rule: DVC adds each data file it tracks to .gitignore itself",
        )
    tracked = dvc_repo.tracked_by_git(project.root, relative)
    if tracked:
        more = f" (and {len(tracked) - 1} more)" if len(tracked) > 1 else ""
        raise MlopsError(
            f"{tracked[0]}{more} is already tracked by git",
            f"stop tracking it in git first: git rm -r --cached {relative} && git commit",
        )


def check_disk_space(project: Project, needed: int) -> None:
    """DVC copies new data into its cache: refuse early rather than fill the disk."""
    probe = dvc_repo.cache_dir(project.root)
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    usage = shutil.disk_usage(probe)
    margin = 64 << 20
    if usage.free < needed + margin:
        raise MlopsError(
            f"not enough free disk space for DVC's cache: {needed / 1e9:.2f} GB needed, "
            f"{usage.free / 1e9:.2f} GB free",
            "free some space, or point DVC's cache at a bigger disk: dvc cache dir PATH",
        )
