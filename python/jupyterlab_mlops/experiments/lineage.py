"""What a run is tagged with so that anyone can tell exactly what produced it.

Notebook (path, fingerprint, the cell the run started from), code (git commit and whether the
work tree was dirty), data (the versions read through ``jupyterlab_mlops.data.path``),
environment (Python version; the pinned package list is logged as an artifact) and the actor.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import threading
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


class GitProbe:
    """``git status`` of ``folder`` started now, in a child process, read by :meth:`state`:
    the run's other work (reading the notebook, asking MLflow) goes on meanwhile."""

    #: the work tree's uncommitted or untracked (not ignored) files count, the ledger does not:
    #: every run appends to it
    ARGS = ("status", "--porcelain=v2", "--branch", "--", ".", ":(exclude).mlops")

    def __init__(self, folder: Path) -> None:
        try:
            self._child: subprocess.Popen[str] | None = subprocess.Popen(
                ["git", *self.ARGS],
                cwd=folder,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                text=True,
            )
        except (OSError, ValueError):
            self._child = None
        self._state: GitState | None = None

    def state(self) -> GitState:
        """The commit checked out, whether anything is uncommitted, and the branch."""
        if self._state is None:
            self._state = self._read()
        return self._state

    def _read(self) -> GitState:
        if self._child is None:
            return GitState(None, None)
        try:
            out, _ = self._child.communicate(timeout=20)
        except subprocess.SubprocessError:
            self._child.kill()
            self._child.communicate()
            return GitState(None, None)
        if self._child.returncode != 0:
            return GitState(None, None)
        return parse_status(out)


def parse_status(out: str) -> GitState:
    """``git status --porcelain=v2 --branch`` as the state ``git rev-parse HEAD``,
    ``git status --porcelain`` and ``git rev-parse --abbrev-ref HEAD`` report."""
    commit = branch = None
    dirty = False
    for line in out.splitlines():
        if line.startswith("# branch.oid "):
            oid = line.removeprefix("# branch.oid ").strip()
            commit = None if oid == "(initial)" else oid
        elif line.startswith("# branch.head "):
            head = line.removeprefix("# branch.head ").strip()
            branch = "HEAD" if head == "(detached)" else head
        elif line and not line.startswith("# "):
            dirty = True
    if commit is None:  # no commit yet: as ``git rev-parse HEAD`` failing
        return GitState(None, None)
    return GitState(commit, dirty, branch)


def git_state(folder: Path) -> GitState:
    """The commit checked out in ``folder``'s git work tree and whether anything is uncommitted
    (one ``git status`` child process)."""
    return GitProbe(folder).state()


_PACKAGES_LOCK = threading.Lock()
_PACKAGES: tuple[tuple[object, ...], str] | None = None  # (environment key, requirements text)


def _environment_key() -> tuple[object, ...]:
    """What identifies the installed distributions: the import path and, for each folder on it,
    its modification time (installing, upgrading or removing a distribution adds or removes
    its ``*.dist-info`` folder there)."""
    key: list[object] = [sys.prefix]
    for entry in sys.path:
        try:
            key.append((entry, os.stat(entry or ".").st_mtime_ns))
        except OSError:
            key.append((entry, None))
    return tuple(key)


def pinned_packages() -> str:
    """``name==version`` of every installed distribution, sorted (a requirements file).

    Reading every distribution's metadata costs ~0.1-0.5 s; the answer is kept for this process
    while the environment stays the same (:func:`_environment_key`)."""
    global _PACKAGES
    key = _environment_key()
    with _PACKAGES_LOCK:
        if _PACKAGES is not None and _PACKAGES[0] == key:
            return _PACKAGES[1]
        text = read_pinned_packages()
        _PACKAGES = (key, text)
        return text


def warm_pinned_packages() -> None:
    """Read the package list in a background thread unless it is known already (a run's
    start calls it; its end then finds the list ready)."""
    if _PACKAGES is not None and _PACKAGES[0] == _environment_key():
        return
    threading.Thread(target=pinned_packages, name="mlops-packages", daemon=True).start()


def read_pinned_packages() -> str:
    """The package list, read from every distribution's metadata now."""
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
