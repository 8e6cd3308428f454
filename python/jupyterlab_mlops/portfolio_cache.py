"""The portfolio's cache: each project's rows in ``.mlops/cache/portfolio.json`` (git-ignored,
rebuildable: delete it and the next portfolio evaluates again), keyed on everything that can
change them, so an unchanged project is answered without evaluating it.

A project's key: the package's version and code, the ledger, ``.mlops/config``, the
checklist template folders (every ``*.yaml`` in each, so a new override counts), the project's
top-level files other than notebooks (lock and requirements files), its git ``HEAD`` (git
authors count for independent review) and the root reads are confined to (the server's, or
none for the CLI). A notebook's key adds the notebook file and the data it
read (the stat signature the data check trusts). Files are compared by (size, mtime, ctime,
inode); an input changed less than ``SETTLE_NS`` before the evaluation began is not cached,
because a second change within the same clock tick could keep all four.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import time
from pathlib import Path
from typing import Any

from .atomic import write_atomic
from .confinement import confined_root, readable
from .data.hashing import stat_signature
from .errors import MlopsError
from .git_history import git_head
from .project import CONFIG_FILE, LEDGER_FILE, MARKER

FORMAT = 1
CACHE_FILE = "portfolio.json"
SETTLE_NS = 100_000_000  # 0.1 s: far more than a file-system clock tick

Key = dict[str, Any]


def cache_path(project_root: Path) -> Path:
    return project_root / MARKER / "cache" / CACHE_FILE


def load(project_root: Path) -> dict[str, Any]:
    """The stored cache of a project, or ``{}`` when absent, unreadable or of another format."""
    try:
        stored = json.loads(readable(cache_path(project_root)).read_text(encoding="utf-8"))
    except (OSError, ValueError, MlopsError):  # absent, broken, or through a link out of the root
        return {}
    if not isinstance(stored, dict) or stored.get("format") != FORMAT or not _well_formed(stored):
        return {}
    return stored


def _well_formed(stored: dict[str, Any]) -> bool:
    """Has the cache the shape :func:`save` writes (a hand-edited file is simply not used)?"""
    notebooks, info = stored.get("notebooks"), stored.get("info")
    return (
        isinstance(stored.get("dirs"), list)
        and all(isinstance(d, str) for d in stored["dirs"])
        and isinstance(stored.get("skip"), str)
        and isinstance(info, dict)
        and {"name", "template", "risk_tier", "context"} <= set(info)
        and isinstance(notebooks, dict)
        and all(
            isinstance(v, dict)
            and isinstance(v.get("row"), dict)
            and isinstance(v.get("data"), list)
            and "key" in v
            and "error" in v["row"]
            for v in notebooks.values()
        )
    )


def save(project_root: Path, cache: dict[str, Any]) -> None:
    """Write the cache whole or not at all; a cache that cannot be written is simply not kept."""
    path = cache_path(project_root)
    try:
        readable(path.parent)  # never write through a link out of the server's root
        path.parent.mkdir(parents=True, exist_ok=True)
        # not flushed to disk: a cache a crash left empty or torn is not valid JSON, so unused
        write_atomic(path, json.dumps({**cache, "format": FORMAT}), durable=False)
    except (OSError, MlopsError):
        pass  # not kept: the next answer evaluates again


def now_ns() -> int:
    """When an evaluation begins (compare with :func:`settled`)."""
    return time.time_ns()


def settled(key: Any, began_ns: int) -> bool:
    """Every file stat in ``key`` is older than ``began_ns`` by more than ``SETTLE_NS``."""
    return all(ctime < began_ns - SETTLE_NS for ctime in _ctimes(key))


def project_key(project_root: Path, template_dirs: list[str]) -> Key:
    """What a project's rows depend on, other than each notebook and its data."""
    mlops = project_root / MARKER
    return {
        "version": _version(),
        # the server confines reads to its root, the CLI does not: rows made one way never
        # answer the other (a symlink out of the root is an error only for the server)
        "confined_to": str(confined_root()),
        "ledger": _stat(mlops / LEDGER_FILE),
        "config": _stat(mlops / CONFIG_FILE),
        "templates": [[d, _listing(Path(d), lambda n: n.endswith(".yaml"))] for d in template_dirs],
        "files": _listing(project_root, lambda n: not n.endswith(".ipynb")),
        "git": git_head(project_root),
    }


def notebook_key(project_root: Path, notebook: str, data: list[str]) -> Key:
    """What one notebook's row depends on besides its project: the file and the data it read."""
    return {
        "notebook": _stat(project_root / notebook),
        "data": [[d, _data_signature(project_root / d)] for d in data],
    }


@functools.cache
def _version() -> str:
    """The package's version and a digest of its code and shipped files as this process loaded
    them (another release, or an edited checkout, may evaluate differently). Once a process."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        release = version("jupyterlab-mlops")
    except PackageNotFoundError:
        release = "unknown"
    package = Path(__file__).parent
    files = sorted(p for p in package.rglob("*") if p.suffix in (".py", ".yaml"))
    stats = [[p.relative_to(package).as_posix(), *(_stat(p) or [])[:2]] for p in files]
    return f"{release} {hashlib.sha256(json.dumps(stats).encode()).hexdigest()[:16]}"


def _stat(path: Path) -> list[int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]


def _listing(folder: Path, keep: Any) -> list[Any]:
    """``[name, stat]`` of the files in ``folder`` whose name ``keep`` accepts, by name."""
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError:
        return []
    found = []
    for entry in entries:
        if keep(entry.name) and entry.is_file():
            found.append([entry.name, _stat(Path(entry.path))])
    return found


def _data_signature(target: Path) -> str | None:
    try:
        return stat_signature(target)
    except OSError:
        return None  # missing or unreadable: the row said so, and says so until it is back


def _ctimes(key: Any) -> list[int]:
    """The ctimes of every file stat (``[size, mtime, ctime, inode]``) within ``key``."""
    if isinstance(key, dict):
        return [c for value in key.values() for c in _ctimes(value)]
    if isinstance(key, list):
        if len(key) == 4 and all(isinstance(v, int) for v in key):
            return [key[2]]
        return [c for value in key for c in _ctimes(value)]
    return []
