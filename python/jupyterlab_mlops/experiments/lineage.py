"""What a run is tagged with so that anyone can tell exactly what produced it.

Notebook (path, fingerprint, the cell the run started from), code (git commit and whether the
work tree was dirty), data (the versions read through ``jupyterlab_mlops.data.path``),
environment (Python version; the pinned package list is logged as an artifact) and the actor.
"""

from __future__ import annotations

import json
import platform
import subprocess
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

TAG = "mlops"  # prefix of our tags
_MAX_TAG = 5000  # MLflow's limit on a tag value is 8,000 characters


@dataclass(frozen=True)
class GitState:
    commit: str | None
    dirty: bool | None
    branch: str | None = None


def git_state(folder: Path) -> GitState:
    """The commit checked out in ``folder``'s git work tree and whether anything is uncommitted."""

    def git(*args: str) -> str | None:
        try:
            done = subprocess.run(
                ["git", *args], cwd=folder, capture_output=True, text=True, timeout=20, check=False
            )
        except (OSError, subprocess.SubprocessError):
            return None
        return done.stdout.strip() if done.returncode == 0 else None

    commit = git("rev-parse", "HEAD")
    if commit is None:
        return GitState(None, None)
    # uncommitted or untracked (not ignored) files of the project count, the ledger does not:
    # every run appends to it
    status = git("status", "--porcelain", "--", ".", ":(exclude).mlops")
    return GitState(commit, bool(status), git("rev-parse", "--abbrev-ref", "HEAD"))


def pinned_packages() -> str:
    """``name==version`` of every installed distribution, sorted (a requirements file)."""
    seen: dict[str, str] = {}
    for dist in metadata.distributions():
        name = dist.metadata.get("Name")
        if name and name.lower() not in seen:
            seen[name.lower()] = f"{name}=={dist.version}"
    return "\n".join(seen[key] for key in sorted(seen)) + "\n"


@dataclass
class Lineage:
    """Everything a run records about where it came from."""

    project: str
    actor: str
    notebook: dict[str, str] | None = None  # {"path", "fingerprint"}
    cell: dict[str, Any] | None = None  # {"id", "index", "source_sha256"}
    git: GitState = field(default_factory=lambda: GitState(None, None))
    data: list[dict[str, Any]] = field(default_factory=list)  # versions read (data.accessed)
    prompts: list[dict[str, Any]] = field(default_factory=list)  # prompt versions formatted

    def tags(self) -> dict[str, str]:
        """MLflow tags: ours under ``mlops.``, plus MLflow's own source, git and user tags."""
        tags = {
            f"{TAG}.project": self.project,
            f"{TAG}.actor": self.actor,
            f"{TAG}.python": platform.python_version(),
            "mlflow.user": self.actor,
        }
        if self.notebook:
            tags |= {
                f"{TAG}.notebook.path": self.notebook["path"],
                f"{TAG}.notebook.fingerprint": self.notebook["fingerprint"],
                "mlflow.source.name": self.notebook["path"],
                "mlflow.source.type": "NOTEBOOK",
            }
        if self.cell:
            tags[f"{TAG}.cell.id"] = str(self.cell.get("id"))
            if self.cell.get("source_sha256"):
                tags[f"{TAG}.cell.source_sha256"] = str(self.cell["source_sha256"])
        if self.git.commit:
            tags |= {
                "mlflow.source.git.commit": self.git.commit,
                f"{TAG}.git.commit": self.git.commit,
                f"{TAG}.git.dirty": str(self.git.dirty).lower(),
            }
            if self.git.branch:
                tags["mlflow.source.git.branch"] = self.git.branch
        return tags

    def data_tags(self) -> dict[str, str]:
        """One tag per dataset read (``mlops.data.NAME`` = ``vN md5``) and the list as JSON."""
        tags = {
            f"{TAG}.data.{item['name']}": f"v{item['version']} {item['md5']}"
            + (" changed since" if item.get("changed") else "")
            for item in self.data
        }
        items = [{k: item[k] for k in ("name", "version", "md5", "entry")} for item in self.data]
        listing = json.dumps(items)
        while len(listing) > _MAX_TAG and items:  # whole items only: the tag stays valid JSON
            items.pop()
            listing = json.dumps([*items, {"truncated": True}])
        tags[f"{TAG}.data"] = listing
        return tags

    def prompt_tags(self) -> dict[str, str]:
        """One tag per prompt formatted (``mlops.prompt.NAME`` = ``vN sha256``)."""
        return {f"{TAG}.prompt.{p['name']}": f"v{p['version']} {p['digest']}" for p in self.prompts}
