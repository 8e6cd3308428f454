"""What git says about a project: the commit ``HEAD`` names, and who committed each notebook.

A notebook's git authors (``name <email>``, as ``git log --format='%an <%ae>' -- NOTEBOOK``
prints them from the project root: ``.mailmap`` not applied, no rename following unless the
user's ``log.follow`` asks for it, git's default history simplification) count for independent
review. Asking git once per notebook costs a process each; instead each answer is remembered
for the resolved ``HEAD``, and from a project's second notebook on, one ``git log --name-only``
of the whole history answers all the others. That answer is the per-notebook one only when history simplification and rename
following cannot change it: no merge reachable from ``HEAD``, ``log.follow`` and
``log.showSignature`` off, and a plain notebook path (no pathspec magic or glob characters).
Otherwise each notebook is asked as before, once per ``HEAD``.
"""

from __future__ import annotations

import bisect
import io
import os
import subprocess
import threading
from collections import OrderedDict
from pathlib import Path

#: projects remembered in this process (their authors per notebook, for one ``HEAD`` each)
MAX_PROJECTS = 256
_GLOB = set("*?[]\\")
_FORMAT = "--format=%x00%H %P%x00%an <%ae>"  # records start with an empty token (see _parse)
_NOTHING_TO_LOG = (b"not a git repository", b"does not have any commits yet")


def git_head(start: Path) -> str | None:
    """The commit ``HEAD`` names in the git repository holding ``start`` (``ref: ...`` text when
    the branch has no commit yet), or None outside git."""
    for folder in (start, *start.parents):
        git = folder / ".git"
        if git.is_dir():
            return _head(git)
        if git.is_file():  # a worktree or submodule: "gitdir: PATH"
            text = git.read_text(encoding="utf-8", errors="replace").strip()
            if text.startswith("gitdir:"):
                return _head((folder / text.removeprefix("gitdir:").strip()).resolve())
            return None
    return None


def _head(gitdir: Path) -> str | None:
    try:
        head = (gitdir / "HEAD").read_text(encoding="utf-8", errors="replace").strip()
    except OSError:
        return None
    if not head.startswith("ref:"):
        return head  # detached
    ref = head.removeprefix("ref:").strip()
    common = gitdir
    if (gitdir / "commondir").is_file():
        common = (gitdir / (gitdir / "commondir").read_text(encoding="utf-8").strip()).resolve()
    for base in (gitdir, common):
        try:
            return (base / ref).read_text(encoding="utf-8", errors="replace").strip()
        except OSError:
            continue
    try:
        st = os.stat(common / "packed-refs")  # the ref lives there: key on the file itself
        packed: list[int] | None = [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]
    except OSError:
        packed = None
    return f"{head} packed {packed}"


def git_authors(root: Path, notebook: str) -> set[str]:
    """Who committed changes to ``notebook`` (relative to the project ``root``), as
    ``name <email>``: exactly what :func:`log_authors` says, from one ``git log`` per project
    and ``HEAD`` where that gives the same answer."""
    history = _history(root)
    found = history.notebooks.get(notebook)
    if found is None:
        # the first notebook asked is asked alone (a one-notebook project needs no more); from
        # the second on, the whole history answers the rest
        paths = history.paths(root) if history.notebooks and _plain(notebook) else None
        found = log_authors(root, notebook) if paths is None else paths.authors(notebook)
        history.notebooks[notebook] = found
    return set(found)


def log_authors(root: Path, notebook: str) -> set[str]:
    """One notebook's git authors, asked of git alone (``set()`` when git cannot answer)."""
    try:
        done = subprocess.run(
            ["git", "log", "--format=%an <%ae>", "--", notebook],
            cwd=root, capture_output=True, text=True, timeout=10, check=False,
        )  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        return set()
    return _lines(done.stdout) if done.returncode == 0 else set()


class _History:
    """A project's git authors for one ``HEAD``: per notebook asked, and per path from one
    whole-history ``git log`` (None until read; ``False`` when it cannot stand in)."""

    def __init__(self, key: tuple[str | None, ...]) -> None:
        self.key = key
        self.notebooks: dict[str, set[str]] = {}
        self._paths: _Paths | bool | None = None

    def paths(self, root: Path) -> _Paths | None:
        if self._paths is None:
            whole = _whole_log(root)
            self._paths = False if whole is None else _Paths(whole)
        return self._paths or None


_PROJECTS: OrderedDict[str, _History] = OrderedDict()
_LOCK = threading.Lock()


def _history(root: Path) -> _History:
    where = str(root.resolve())
    env = tuple(os.environ.get(k) for k in ("GIT_DIR", "GIT_WORK_TREE", "GIT_CONFIG_PARAMETERS"))
    key = (git_head(Path(where)), *env)
    with _LOCK:  # the server asks from several threads
        history = _PROJECTS.get(where)
        if history is None or history.key != key:
            history = _PROJECTS[where] = _History(key)
        _PROJECTS.move_to_end(where)
        while len(_PROJECTS) > MAX_PROJECTS:
            _PROJECTS.popitem(last=False)
    return history


def _whole_log(root: Path) -> dict[bytes, set[str]] | None:
    """Every path under ``root`` (relative to it, as bytes) and the authors of the commits that
    changed it, from one ``git log``; None when that is not what per-notebook logs would say
    (a merge in the history, rename following or signatures on) or git did not answer."""
    if _log_options_on(root):
        return None
    command = ["git", "-c", "log.showSignature=false", "log", "--root", "--no-renames",
               "--relative", "--name-only", "-z", _FORMAT]  # fmt: skip
    try:
        done = subprocess.run(
            command, cwd=root, capture_output=True, timeout=60, check=False, env=_c_messages()
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if done.returncode != 0:
        # outside a repository, or no commit yet: every per-notebook log fails the same way
        # (finding the repository and HEAD does not depend on the path); anything else: ask them
        return {} if any(m in done.stderr for m in _NOTHING_TO_LOG) else None
    try:
        return _parse(done.stdout)
    except (ValueError, IndexError):  # a merge, or an author the locale cannot decode
        return None


def _log_options_on(root: Path) -> bool:
    """Are ``log.follow`` or ``log.showSignature`` set (or unreadable), so a per-notebook log
    would follow renames or print signatures?"""
    command = ["git", "config", "-z", "--type=bool", "--get-regexp",
               r"^log\.(follow|showsignature)$"]  # fmt: skip
    try:
        done = subprocess.run(
            command, cwd=root, capture_output=True, timeout=10, check=False, env=_c_messages()
        )
    except (OSError, subprocess.SubprocessError):
        return True
    if done.returncode == 1 and not done.stdout:
        return False  # neither is set
    if done.returncode != 0:
        return True
    values: dict[bytes, bytes] = {}
    for item in done.stdout.split(b"\0")[:-1]:
        name, _, value = item.partition(b"\n")
        values[name] = value  # the last one set wins, as git reads it
    return b"true" in values.values()


def _c_messages() -> dict[str, str]:
    """This process's environment with git's messages in English, to recognise them."""
    return {**os.environ, "LC_ALL": "C"}


def _parse(output: bytes) -> dict[bytes, set[str]]:
    """Paths and their authors from ``git log -z --name-only`` with ``_FORMAT``: each record is
    an empty token, ``HASH PARENTS``, ``AUTHOR``, then the changed paths (the first after a
    newline). Paths are never empty, so an empty token always starts the next record."""
    encoding = io.TextIOWrapper(io.BytesIO()).encoding  # what ``text=True`` decodes with
    tokens = output.split(b"\0")
    by_path: dict[bytes, set[str]] = {}
    at = 0
    while at < len(tokens) - 1:
        if tokens[at] != b"":
            raise ValueError("unexpected git log output")
        commit = tokens[at + 1].split(b" ")
        if len([p for p in commit[1:] if p]) > 1:
            raise ValueError("a merge: history simplification applies")
        authors = _lines(tokens[at + 2].decode(encoding) + "\n")
        at += 3
        first = True
        while at < len(tokens) and tokens[at] != b"":
            path = tokens[at][1:] if first and tokens[at].startswith(b"\n") else tokens[at]
            first = False
            by_path.setdefault(path, set()).update(authors)
            at += 1
    return by_path


class _Paths:
    """Every path a whole-history log listed, with the authors of the commits that changed it."""

    def __init__(self, by_path: dict[bytes, set[str]]) -> None:
        self.by_path = by_path
        self.names = sorted(by_path)

    def authors(self, notebook: str) -> set[str]:
        """The authors of ``notebook`` as a pathspec matches it: the path itself, or anything
        below it when it was once a folder."""
        name = os.fsencode(notebook)
        found = set(self.by_path.get(name, ()))
        below = name + b"/"
        for path in self.names[bisect.bisect_left(self.names, below) :]:
            if not path.startswith(below):
                break
            found |= self.by_path[path]
        return found


def _plain(notebook: str) -> bool:
    """A path git takes literally as a pathspec, in the form ``--name-only`` prints."""
    parts = notebook.split("/")
    return (
        bool(notebook)
        and not notebook.startswith(":")
        and not _GLOB & set(notebook)
        and all(p not in ("", ".", "..") for p in parts)
        and "\n" not in notebook
        and "\r" not in notebook
    )


def _lines(text: str) -> set[str]:
    """The authors in ``git log --format='%an <%ae>'`` output, as read in text mode."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return {line.strip() for line in text.splitlines() if line.strip()}
