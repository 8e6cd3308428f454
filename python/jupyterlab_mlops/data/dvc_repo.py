"""Everything that touches DVC: making the project a DVC repository, ``dvc add``, ``.dvc`` files.

The project's data stays an ordinary DVC repository: real ``.dvc`` files, DVC's own cache and
``.gitignore`` entries, so ``dvc status``, ``dvc push``, ``dvc pull`` and ``dvc checkout`` keep
working. DVC is imported only inside :func:`dvc_add` and :func:`ensure_dvc_repo`; reading a
``.dvc`` file or asking whether the cache holds an object needs no DVC import (fast re-adds).
"""

from __future__ import annotations

import configparser
import contextlib
import logging
import os
import shutil
import subprocess
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..confinement import readable
from ..errors import BusyError, MlopsError

DVC_DIR = ".dvc"


@dataclass(frozen=True)
class DvcOutput:
    """What a ``.dvc`` file says about one tracked path."""

    dvc_file: Path
    md5: str  # the file's MD5, or "<md5>.dir" for a folder (DVC's manifest)
    size: int
    files: int


def dvc_file_for(target: Path) -> Path:
    """Where DVC keeps the ``.dvc`` file of ``target`` (beside it, name + ``.dvc``)."""
    return target.with_name(target.name + ".dvc")


def read_dvc_file(dvc_file: Path) -> DvcOutput | None:
    """The single output recorded in ``dvc_file``, or None when it is missing or not ours."""
    import yaml

    try:
        data = yaml.safe_load(readable(dvc_file).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None
    outs = data.get("outs") if isinstance(data, dict) else None
    if not (isinstance(outs, list) and len(outs) == 1 and isinstance(outs[0], dict)):
        return None
    out = outs[0]
    md5 = out.get("md5")
    if not isinstance(md5, str):
        return None
    return DvcOutput(dvc_file, md5, int(out.get("size") or 0), int(out.get("nfiles") or 1))


def without_ignored(root: Path, files: list[Path]) -> list[Path]:
    """``files`` less those ``.dvcignore`` rules exclude (DVC leaves them out of a folder's
    version, so must we). DVC is imported only when there is a rule to apply."""
    rules = [root / ".dvcignore", *(f for f in files if f.name == ".dvcignore")]
    if not any(_has_rules(path) for path in rules):
        return files
    from dvc.fs import LocalFileSystem
    from dvc.ignore import DvcIgnoreFilter

    ignore = DvcIgnoreFilter(LocalFileSystem(), os.fspath(root))
    return [f for f in files if not ignore.is_ignored_file(os.fspath(f))]


def _has_rules(path: Path) -> bool:
    try:
        lines = readable(path).read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return False
    return any(line.strip() and not line.lstrip().startswith("#") for line in lines)


def is_dvc_repo(root: Path) -> bool:
    return (root / DVC_DIR / "config").is_file()


def cache_holds(root: Path, md5: str) -> bool:
    """Does the project's local DVC cache hold the object ``md5`` (a file or a ``.dir``)?"""
    cache = cache_dir(root)
    return (cache / "files" / "md5" / md5[:2] / md5[2:]).is_file()


def cache_dir(root: Path) -> Path:
    """DVC's cache folder, honouring ``cache.dir`` in ``.dvc/config`` and ``config.local``."""
    parser = configparser.ConfigParser()
    parser.read([root / DVC_DIR / "config", root / DVC_DIR / "config.local"], encoding="utf-8")
    configured = parser.get("cache", "dir", fallback="").strip()
    if configured:
        return (root / DVC_DIR / configured).resolve()  # relative paths are relative to .dvc/
    return root / DVC_DIR / "cache"


def git_toplevel(root: Path) -> Path | None:
    """The git work tree that contains ``root``, if any."""
    done = _git(root, "rev-parse", "--show-toplevel")
    return Path(done.stdout.strip()).resolve() if done and done.returncode == 0 else None


def tracked_by_git(root: Path, relative: str) -> list[str]:
    """Files at or under ``relative`` that git already tracks (DVC cannot take them over)."""
    done = _git(root, "--literal-pathspecs", "ls-files", "-z", "--", relative)
    if not done or done.returncode != 0:
        return []
    return [name for name in done.stdout.split("\0") if name]


def git_ignore_rule(root: Path, relative: str) -> str | None:
    """The ``.gitignore`` rule (``file:line:pattern``) that makes git ignore ``relative``."""
    done = _git(root, "check-ignore", "-v", "--no-index", "--", relative)  # takes no pathspecs
    if not done or done.returncode != 0 or not done.stdout.strip():
        return None
    return done.stdout.split("\t", 1)[0].strip()


def _git(root: Path, *args: str) -> subprocess.CompletedProcess[str] | None:
    try:
        return subprocess.run(
            ["git", *args], cwd=root, capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return None


def ensure_dvc_repo(root: Path) -> bool:
    """Make ``root`` a DVC repository if it is not one; returns True when it was created.

    Inside a git work tree whose top is above ``root`` it becomes a DVC subdirectory repo;
    outside git, a DVC repo without SCM. DVC's usage analytics are switched off in the
    repository's config: a governance tool should not make the project phone home.
    """
    if is_dvc_repo(root):
        return False
    from dvc.repo import Repo

    top = git_toplevel(root)
    with _dvc_errors(), _quiet_dvc():
        repo = Repo.init(
            str(root), no_scm=top is None, subdir=top is not None and top != root.resolve()
        )
        try:
            with repo.config.edit() as config:
                config["core"]["analytics"] = False
        finally:
            repo.close()
    return True


def forget_new(root: Path, initialised: bool, md5: str | None) -> None:
    """Remove what a registration that failed after ``dvc add`` made: the DVC repository it
    initialised (``.dvc/``, ``.dvcignore``), else the cache object ``md5`` that was new."""
    if initialised:
        shutil.rmtree(root / DVC_DIR, ignore_errors=True)
        (root / ".dvcignore").unlink(missing_ok=True)
    elif md5 is not None:
        obj = cache_dir(root) / "files" / "md5" / md5[:2] / md5[2:]
        obj.unlink(missing_ok=True)
        with contextlib.suppress(OSError):  # its prefix folder, if nothing else is in it
            obj.parent.rmdir()


def dvc_add(
    root: Path, target: Path, hashed: Sequence[tuple[Path, str, dict[str, int | float]]]
) -> DvcOutput:
    """``dvc add target`` in-process, telling DVC the MD5s we already computed.

    The hashes go into DVC's state database first, keyed by each file's inode, mtime and size
    *as they were before it was hashed*: DVC trusts a hash only while the file is unchanged
    since, and hashes it again otherwise, so a file rewritten meanwhile never gets an old hash.
    DVC then does not read unchanged data a second time; ``relink=False`` keeps the
    workspace file as it is instead of copying it back out of the cache (``dvc add
    --no-relink``). Returns what the written ``.dvc`` file records.
    """
    from dvc.repo import Repo
    from dvc_data.hashfile.hash_info import HashInfo

    with _dvc_errors(), _quiet_dvc(), Repo(str(root)) as repo:
        repo.state.save_many(
            ((os.fspath(file), HashInfo("md5", md5), info) for file, md5, info in hashed), repo.fs
        )
        repo.add(os.fspath(target), relink=False)
    recorded = read_dvc_file(dvc_file_for(target))
    if recorded is None:
        raise MlopsError(
            f"DVC did not write {dvc_file_for(target).name}",
            "run `dvc doctor` and `dvc add` by hand to see what DVC reports",
        )
    return recorded


@contextlib.contextmanager
def _quiet_dvc() -> Iterator[None]:
    """DVC's own progress bars and hints stay off: we show ours."""
    logger = logging.getLogger("dvc")
    level = logger.level
    logger.setLevel(logging.CRITICAL + 1)
    try:
        yield
    finally:
        logger.setLevel(level)


@contextlib.contextmanager
def _dvc_errors() -> Iterator[None]:
    """DVC's exceptions become one clear :class:`MlopsError`."""
    from dvc.exceptions import DvcException
    from dvc.lock import LockError

    try:
        yield
    except LockError as exc:
        raise BusyError(
            "DVC's lock is held by another DVC command in this project",
            "wait for it to finish (or remove .dvc/tmp/lock if no DVC command is running)",
        ) from exc
    except DvcException as exc:
        message = " ".join(str(exc).split()) or type(exc).__name__
        raise MlopsError(f"DVC: {message}", "see `dvc doctor`; nothing was registered") from exc
