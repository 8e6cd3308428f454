"""A notebook's git authors from one whole-history ``git log`` per project are exactly what one
``git log -- NOTEBOOK`` per notebook says, on real repositories: several authors, renames, a
deleted and re-added notebook, a path that was once a folder, a project below the repository's
top, .mailmap, merges (history simplification) and ``log.follow``."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from jupyterlab_mlops import git_history
from jupyterlab_mlops.git_history import git_authors, log_authors

PEOPLE = {
    "ann": ("Ann Author", "ann@example.com"),
    "bob": ("Bob Builder", "bob@example.com"),
    "zoe": ("Zoë Ñúñez", "zoe@example.com"),
    "bob2": ("Robert Builder", "bob@example.com"),  # the same email under another name
    "cat": ("Cat", "cat@example.com"),
}


@pytest.fixture(autouse=True)
def _fresh_memory() -> Iterator[None]:
    git_history._PROJECTS.clear()
    yield
    git_history._PROJECTS.clear()


def git(repo: Path, *args: str, who: str = "ann") -> None:
    name, email = PEOPLE[who]
    env = {**os.environ, "GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": email,
           "GIT_COMMITTER_NAME": "Committer", "GIT_COMMITTER_EMAIL": "c@example.com"}  # fmt: skip
    subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True)


def commit(repo: Path, who: str, message: str, files: dict[str, str | None] | None = None) -> None:
    """Write (or, for None, remove) ``files`` and commit as ``who``."""
    for name, text in (files or {}).items():
        path = repo / name
        if text is None:
            git(repo, "rm", "-rq", str(path.relative_to(repo)))
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        git(repo, "add", str(path.relative_to(repo)))
    git(repo, "commit", "-q", "--allow-empty", "-m", message, who=who)


def new_repo(path: Path) -> Path:
    path.mkdir(parents=True)
    git(path, "init", "-q", "-b", "main")
    return path


def counted_logs(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """The ``git log`` commands this process runs from now on (they still run)."""
    calls: list[list[str]] = []
    real = subprocess.run

    def run(args, *rest, **kwargs):  # type: ignore[no-untyped-def]
        if args[:1] == ["git"] and "log" in args:
            calls.append(list(args))
        return real(args, *rest, **kwargs)

    monkeypatch.setattr(subprocess, "run", run)
    return calls


def linear_history(repo: Path) -> Path:
    """A project in ``repo/proj`` with a linear history; returns the project folder."""
    commit(repo, "ann", "start", {"proj/a.ipynb": "1", "proj/nested/b.ipynb": "1", "top.txt": "x"})
    commit(repo, "bob", "b", {"proj/nested/b.ipynb": "2", "proj/c.ipynb": "c"})
    commit(repo, "zoe", "outside", {"top.txt": "y", "other/a.ipynb": "not ours"})
    commit(repo, "cat", "empty")
    git(repo, "mv", "proj/c.ipynb", "proj/d.ipynb", who="bob2")
    commit(repo, "bob2", "rename c to d")
    commit(repo, "zoe", "d", {"proj/d.ipynb": "d2", "proj/a.ipynb.bak": "bak"})
    commit(repo, "cat", "gone", {"proj/gone.ipynb": "g"})
    commit(repo, "bob", "remove", {"proj/gone.ipynb": None})
    commit(repo, "ann", "back", {"proj/gone.ipynb": "g again"})
    commit(repo, "cat", "a folder", {"proj/was.ipynb/inner": "i"})
    commit(repo, "bob", "no longer", {"proj/was.ipynb": None})
    commit(repo, "zoe", "now a notebook", {"proj/was.ipynb": "nb"})
    (repo / ".mailmap").write_text(
        "Bob Builder <bob@example.com> Robert Builder <bob@example.com>\n"
    )
    commit(repo, "ann", "mailmap", {"proj/a.ipynb": "3"})
    return repo / "proj"


ASKED = ["a.ipynb", "nested/b.ipynb", "c.ipynb", "d.ipynb", "gone.ipynb", "was.ipynb",
         "a.ipynb.bak", "nested", "never.ipynb", "*.ipynb", "nested/../a.ipynb", "./a.ipynb",
         ":(glob)**/b.ipynb", "A.IPYNB"]  # fmt: skip


def assert_same(project: Path, asked: list[str]) -> None:
    git_history._PROJECTS.clear()
    new = {nb: git_authors(project, nb) for nb in asked}
    old = {nb: log_authors(project, nb) for nb in asked}
    assert new == old


def test_a_linear_history_gives_every_notebook_its_per_notebook_answer_from_the_whole_log(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = linear_history(new_repo(tmp_path / "repo"))
    assert_same(project, ASKED)
    assert git_authors(project, "d.ipynb") == {"Zoë Ñúñez <zoe@example.com>",
                                               "Robert Builder <bob@example.com>"}  # fmt: skip
    assert git_authors(project, "c.ipynb") == {"Bob Builder <bob@example.com>",
                                               "Robert Builder <bob@example.com>"}  # fmt: skip
    git_history._PROJECTS.clear()
    calls = counted_logs(monkeypatch)
    plain = [nb for nb in ASKED if git_history._plain(nb)]
    for _ in range(2):  # asked twice, as the checklist and the approval status do
        for nb in plain:
            git_authors(project, nb)
    assert len(calls) == 2, calls  # the first notebook alone, then the whole history


def test_the_project_at_the_top_of_its_repository(tmp_path: Path) -> None:
    repo = new_repo(tmp_path / "repo")
    commit(repo, "ann", "1", {"a.ipynb": "1", "sub/b.ipynb": "1"})
    commit(repo, "bob", "2", {"sub/b.ipynb": "2"})
    git(repo, "mv", "a.ipynb", "sub/a.ipynb")
    commit(repo, "cat", "move")
    assert_same(repo, ["a.ipynb", "sub/a.ipynb", "sub/b.ipynb", "sub"])


def test_a_new_commit_is_seen(tmp_path: Path) -> None:
    project = linear_history(new_repo(tmp_path / "repo"))
    before = git_authors(project, "nested/b.ipynb")
    commit(project.parent, "cat", "late", {"proj/nested/b.ipynb": "late"})
    assert git_authors(project, "nested/b.ipynb") == before | {"Cat <cat@example.com>"}


def test_merges_keep_history_simplification(tmp_path: Path) -> None:
    """A branch whose edit the merge dropped is no author under ``git log -- NOTEBOOK``."""
    repo = new_repo(tmp_path / "repo")
    project = linear_history(repo)
    git(repo, "checkout", "-qb", "side")
    commit(repo, "cat", "side edit", {"proj/a.ipynb": "side"})
    commit(repo, "cat", "side undo", {"proj/a.ipynb": "3"})
    commit(repo, "cat", "side b", {"proj/nested/b.ipynb": "side b"})
    git(repo, "checkout", "-q", "main")
    commit(repo, "zoe", "main b", {"proj/nested/b.ipynb": "main b"})
    git(repo, "merge", "-q", "-s", "ours", "--no-edit", "side", who="bob")
    assert "Cat <cat@example.com>" not in log_authors(project, "a.ipynb")  # simplified away
    assert_same(project, ASKED)


def test_log_follow_is_honoured(tmp_path: Path) -> None:
    repo = new_repo(tmp_path / "repo")
    project = linear_history(repo)
    git(repo, "config", "log.follow", "true")
    assert_same(project, ASKED)
    assert "Bob Builder <bob@example.com>" in git_authors(project, "d.ipynb")  # before the rename


def test_outside_git_and_before_the_first_commit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    unborn = new_repo(tmp_path / "unborn")
    calls = counted_logs(monkeypatch)
    for folder in (plain, unborn):
        assert git_authors(folder, "a.ipynb") == git_authors(folder, "b.ipynb") == set()
    assert len(calls) == 4  # per folder: the first notebook, then the whole log
    assert log_authors(plain, "a.ipynb") == log_authors(unborn, "a.ipynb") == set()
