"""Git: branches that both appended merge without conflicts, and the merged ledger verifies."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from jupyterlab_mlops.canonical import sha256_hex
from jupyterlab_mlops.ledger import Ledger, verify_ledger
from jupyterlab_mlops.project import Project

from .helpers import ACTOR


def git(root: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", "-c", "user.name=Test", "-c", "user.email=test@example.com", *args],
        cwd=root,
        capture_output=True,
        text=True,
        check=check,
    )


@pytest.fixture
def repo(project: Project) -> Project:
    git(project.root, "init", "-q", "-b", "main")
    git(project.root, "add", ".")
    git(project.root, "commit", "-q", "-m", "init")
    return project


def reader(project: Project) -> Ledger:
    # a fresh reader each time: git replaces the file under us
    return Ledger(
        project.ledger_path, project.mlops_dir / "ledger.lock", project.mlops_dir / "cache"
    )


def append_and_commit(project: Project, label: str, count: int) -> list[str]:
    hashes = [
        reader(project).append("test.note", {"branch": label, "i": i}, actor=ACTOR).hash
        for i in range(count)
    ]
    git(project.root, "commit", "-q", "-am", f"{label} appends")
    return hashes


def test_two_branches_that_appended_merge_cleanly_and_verify(repo: Project) -> None:
    git(repo.root, "checkout", "-q", "-b", "feature")
    theirs = append_and_commit(repo, "feature", 3)
    git(repo.root, "checkout", "-q", "main")
    ours = append_and_commit(repo, "main", 2)

    merged = git(repo.root, "merge", "--no-edit", "feature", check=False)
    assert merged.returncode == 0, merged.stdout + merged.stderr  # no conflict
    assert "<<<<<<<" not in repo.ledger_path.read_text()

    report = verify_ledger(repo.ledger_path)
    assert report.ok, report.problems
    present = [e.hash for e in reader(repo).entries()]
    assert set(ours + theirs) <= set(present) and len(present) == 6
    assert sorted(report.heads) == sorted([ours[-1], theirs[-1]])  # two branch tips

    joined = reader(repo).append("test.note", {"after": "merge"}, actor=ACTOR)
    assert sorted(joined.parents) == sorted([ours[-1], theirs[-1]])  # the next entry joins both
    report = verify_ledger(repo.ledger_path)
    assert report.ok and report.heads == [joined.hash]


def test_without_the_union_merge_attribute_the_same_merge_conflicts(repo: Project) -> None:
    """Shows what ``.mlops/.gitattributes`` is for (the test above fails without it)."""
    (repo.mlops_dir / ".gitattributes").unlink()
    git(repo.root, "commit", "-q", "-am", "drop attributes")
    git(repo.root, "checkout", "-q", "-b", "feature")
    append_and_commit(repo, "feature", 1)
    git(repo.root, "checkout", "-q", "main")
    append_and_commit(repo, "main", 1)
    assert git(repo.root, "merge", "--no-edit", "feature", check=False).returncode != 0


def test_entries_cut_from_the_end_are_caught_against_the_last_commit(repo: Project) -> None:
    append_and_commit(repo, "main", 3)
    lines = repo.ledger_path.read_text().splitlines(keepends=True)
    repo.ledger_path.write_text("".join(lines[:-2]))  # the hash chain alone cannot see this
    report = verify_ledger(repo.ledger_path)
    assert not report.ok and report.git_commit
    assert (
        report.first_problem.kind == "removed" and "last 2 entries" in report.first_problem.message
    )


def forged_after(line: str, **changes) -> str:
    """A well-formed entry that claims to build on ``line``'s entry."""
    parent = json.loads(line)
    record = {
        **parent,
        "parents": [parent["hash"]],
        "n": parent["n"] + 1,
        "kind": "approval.signed",
        "payload": {"role": "risk"},
        "actor": "Mallory",
        **changes,
    }
    record.pop("hash")
    record["hash"] = sha256_hex(record)
    return json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False) + "\n"


def test_an_entry_slipped_between_committed_ones_is_caught(repo: Project) -> None:
    append_and_commit(repo, "main", 3)
    lines = repo.ledger_path.read_text().splitlines(keepends=True)
    # a side branch off line 2: hash-consistent, and it looks like an unmerged fork
    repo.ledger_path.write_text("".join([*lines[:2], forged_after(lines[1]), *lines[2:]]))
    report = verify_ledger(repo.ledger_path)
    assert not report.ok
    assert (report.first_problem.kind, report.first_problem.line) == ("inserted", 3)


def test_a_backdated_entry_is_caught_before_it_is_committed(repo: Project) -> None:
    append_and_commit(repo, "main", 2)
    reader(repo).append("test.note", {"uncommitted": True}, actor=ACTOR)
    lines = repo.ledger_path.read_text().splitlines(keepends=True)
    repo.ledger_path.write_text(
        "".join([*lines, forged_after(lines[-1], time="2020-01-01T00:00:00.000000Z")])
    )
    report = verify_ledger(repo.ledger_path)
    assert not report.ok and "dated before" in report.first_problem.message


def test_removing_an_entry_of_a_merged_branch_names_it(repo: Project) -> None:
    git(repo.root, "checkout", "-q", "-b", "feature")
    theirs = append_and_commit(repo, "feature", 2)
    git(repo.root, "checkout", "-q", "main")
    append_and_commit(repo, "main", 1)
    git(repo.root, "merge", "--no-edit", "feature")
    lines = repo.ledger_path.read_text().splitlines(keepends=True)
    repo.ledger_path.write_text(
        "".join(line for line in lines if json.loads(line)["hash"] != theirs[0])
    )
    report = verify_ledger(repo.ledger_path, check_git=False)
    assert report.first_problem.kind == "removed" and theirs[0][:12] in report.first_problem.message
