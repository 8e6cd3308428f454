"""Finding and creating projects: a folder with a ``.mlops/`` marker at its root."""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from .config import ProjectConfig, dump_config, load_config
from .errors import ForbiddenError, MlopsError, NotFoundError, first_invalid_field
from .kinds import PROJECT_CREATED
from .ledger import Ledger, open_ledger

MARKER = ".mlops"
LEDGER_FILE = "ledger.jsonl"
CONFIG_FILE = "config"
NO_PROJECT_HINT = (
    "create one with `mlops init` (or `%mlops init` in a notebook) in the project's root folder"
)

_GITIGNORE = (
    "# local, rebuildable state: never commit\ncache/\n*.lock\n"
    "# the default MLflow store (runs, artifacts): local to each clone\nmlflow/\n"
)
_GITATTRIBUTES = (
    "# Branches that both appended to the ledger merge by keeping both sides' lines;\n"
    "# entries link to their parents by hash, so the merged ledger still verifies.\n"
    f"{LEDGER_FILE} merge=union eol=lf\n"
)


@dataclass(frozen=True)
class Project:
    """A project root and its configuration."""

    root: Path
    config: ProjectConfig

    @property
    def mlops_dir(self) -> Path:
        return self.root / MARKER

    @property
    def ledger_path(self) -> Path:
        return self.mlops_dir / LEDGER_FILE

    @property
    def ledger(self) -> Ledger:
        return open_ledger(self.mlops_dir)

    def relpath(self, path: str | os.PathLike[str]) -> str:
        """``path`` relative to the project root, POSIX style; refuses paths outside it."""
        absolute = Path(os.path.abspath(Path(path).expanduser()))
        try:
            return absolute.relative_to(self.root).as_posix()
        except ValueError:
            raise MlopsError(
                f"{path} is outside the project at {self.root}",
                "use a file inside the project folder",
            ) from None

    def to_json(self) -> dict[str, Any]:
        return {
            "root": str(self.root),
            "name": self.config.name,
            "template": self.config.template,
            "risk_tier": self.config.risk_tier,
            "context": self.config.context.model_dump(),
        }


def find_root(start: str | os.PathLike[str], stop: Path | None = None) -> Path | None:
    """The nearest folder at or above ``start`` that holds ``.mlops/`` (not above ``stop``)."""
    here = Path(os.path.abspath(start))
    if here.is_file() or here.suffix == ".ipynb":
        here = here.parent
    stop = Path(os.path.abspath(stop)) if stop else None
    for folder in (here, *here.parents):
        if (folder / MARKER / CONFIG_FILE).is_file():
            return folder
        if stop is not None and folder == stop:
            return None
    return None


def locate_project(start: str | os.PathLike[str], stop: Path | None = None) -> Project | None:
    """The project containing ``start``, or None.

    With ``stop`` (e.g. the Jupyter server's root) the project must lie inside it, and so
    must its files: a ``.mlops`` symlinked to somewhere else is refused.
    """
    root = find_root(start, stop)
    if root is None:
        return None
    if stop is not None:
        boundary = Path(stop).resolve()
        for inside in (root / MARKER, root / MARKER / CONFIG_FILE, root / MARKER / LEDGER_FILE):
            resolved = inside.resolve()
            if resolved != boundary and boundary not in resolved.parents:
                raise ForbiddenError(
                    "the project's .mlops files lead outside the server root",
                    "keep .mlops/ and its files as real files inside the project",
                )
    return Project(root, load_config(root / MARKER / CONFIG_FILE))


def find_project(start: str | os.PathLike[str] = ".", stop: Path | None = None) -> Project:
    """The project containing ``start``; a clear error outside any project."""
    project = locate_project(start, stop)
    if project is None:
        raise NotFoundError(
            f"not inside an MLOps project: no {MARKER}/ folder at or above {Path(start).resolve()}",
            NO_PROJECT_HINT,
        )
    return project


def init_project(
    directory: str | os.PathLike[str],
    *,
    name: str | None,
    template: str,
    risk_tier: str,
    actor: str,
    single_user: bool = False,
    context: Mapping[str, str | None] | None = None,
) -> Project:
    """Create ``.mlops/`` (config, ledger with its first entry, git files) in one atomic step.

    ``single_user`` allows sign-offs by Jupyter's anonymous user (local single-user mode);
    ``context`` holds the registry facts given (see :class:`~.config.ProjectContext`).
    """
    root = Path(os.path.abspath(directory))
    if not root.is_dir():
        raise NotFoundError(f"{root} is not a folder", "create it first or give an existing folder")
    existing = find_root(root)
    if existing is not None:
        raise MlopsError(
            f"{existing} is already an MLOps project",
            "run commands from inside it; nested projects are not supported",
        )
    if (root / MARKER).exists():
        raise MlopsError(
            f"{root / MARKER} exists but holds no config",
            "move that folder away (or restore .mlops/config from git), then run init again",
        )
    try:
        config = ProjectConfig.model_validate(
            {
                "name": name or root.name,
                "template": template,
                "risk_tier": risk_tier,
                "allow_anonymous": single_user,
                "context": {k: v for k, v in (context or {}).items() if v},
            }
        )
    except ValidationError as exc:
        raise MlopsError(
            f"invalid {first_invalid_field(exc, 'config')}", "see `mlops init --help`"
        ) from exc

    staging = Path(tempfile.mkdtemp(prefix=".mlops-init-", dir=root))
    try:
        staging.chmod(0o755)
        (staging / CONFIG_FILE).write_text(dump_config(config), encoding="utf-8")
        (staging / ".gitignore").write_text(_GITIGNORE, encoding="utf-8")
        (staging / ".gitattributes").write_text(_GITATTRIBUTES, encoding="utf-8")
        (staging / LEDGER_FILE).touch()
        ledger = Ledger(staging / LEDGER_FILE, staging / "ledger.lock", staging / "cache" / "torn")
        ledger.append(
            PROJECT_CREATED,
            {
                "name": config.name,
                "template": config.template,
                "risk_tier": config.risk_tier,
                **(
                    {"context": facts}
                    if (facts := config.context.model_dump(exclude_none=True))
                    else {}
                ),
                "nonce": uuid.uuid4().hex,
            },
            actor=actor,
        )
        ledger.close()
        (staging / "ledger.lock").unlink(missing_ok=True)
        shutil.rmtree(staging / "cache", ignore_errors=True)  # its read index: rebuilt on use
        os.rename(staging, root / MARKER)  # atomic: the project appears whole or not at all
        _fsync_dir(root)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return Project(root, config)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
