"""Registered data on disk: the files DVC versions at a path, their content key, and a local
cache of stat signatures (``.mlops/cache/data-state.json``, git-ignored) so that files not
touched since they were registered or last checked need not be read again."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from ..canonical import sha256_hex
from ..confinement import readable
from ..project import Project
from . import dvc_repo
from .hashing import data_files

_STATE_FILE = "data-state.json"  # .mlops/cache/: stat signatures of registered data (local)


def versioned_files(project: Project, target: Path) -> list[Path]:
    """The files of the data as DVC versions them (a folder's ``.dvcignore``-d files left out)."""
    files = data_files(target)
    return dvc_repo.without_ignored(project.root, files) if target.is_dir() else files


def content_key(target: Path, files: list[Path], md5s: list[str]) -> str:
    """A file's MD5; for a folder a digest of its (relative path, MD5) list."""
    if files == [target]:
        return md5s[0]
    return sha256_hex(
        sorted([f.relative_to(target).as_posix(), m] for f, m in zip(files, md5s, strict=True))
    )


def manifest_key(project: Project, dir_md5: str) -> str | None:
    """The folder content key of a version, read from DVC's ``.dir`` manifest in the cache."""
    manifest = dvc_repo.cache_dir(project.root) / "files" / "md5" / dir_md5[:2] / dir_md5[2:]
    try:
        listing = json.loads(readable(manifest).read_text(encoding="utf-8"))
        return sha256_hex(sorted([item["relpath"], item["md5"]] for item in listing))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _cache_dir(project: Project) -> Path:
    path = project.mlops_dir / "cache"
    path.mkdir(parents=True, exist_ok=True)
    return path


def load_state(project: Project) -> dict[str, dict[str, Any]]:
    """Per registered path: its stat signature, MD5 and content key when last seen intact."""
    try:
        state = json.loads(readable(project.mlops_dir / "cache" / _STATE_FILE).read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return state if isinstance(state, dict) else {}


def save_state(project: Project, relative: str, signature: str, md5: str, content: str) -> None:
    """Remember that the files at ``relative`` with this signature are version ``md5``."""
    state = load_state(project)
    state[relative] = {"signature": signature, "md5": md5, "content": content}
    _atomic_write(_cache_dir(project) / _STATE_FILE, json.dumps(state, indent=1, sort_keys=True))


def _atomic_write(path: Path, text: str) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)
