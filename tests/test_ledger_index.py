"""The read index (``.mlops/cache/ledger-index.sqlite``) gives exactly what a full parse of the
file gives: after appends by another process, a git checkout that replaces the file, an
in-place edit, a torn tail, and with a damaged or lying index."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jupyterlab_mlops.ledger import Ledger
from jupyterlab_mlops.ledger.entry import Entry, MalformedEntry, decode, new_entry
from jupyterlab_mlops.ledger.store import INDEX_FILE, utc_now
from jupyterlab_mlops.project import Project

from .helpers import ACTOR

NB = {"path": "train.ipynb", "fingerprint": "sha256:" + "0" * 64}


def full_parse(path: Path) -> dict[str, Any]:
    """What a reader that holds the whole file in memory sees (the reference)."""
    data = path.read_bytes()
    end = data.rfind(b"\n") + 1
    entries: list[Entry] = []
    by_hash: dict[str, Entry] = {}
    heads: dict[str, None] = {}
    problems: list[str] = []
    for line, raw in enumerate(data[:end].split(b"\n")[:-1], start=1):
        try:
            entry = decode(raw, line)
        except MalformedEntry as exc:
            problems.append(f"line {line}: {exc}")
            continue
        if entry.hash in by_hash:
            problems.append(f"line {line}: duplicates line {by_hash[entry.hash].line}")
            continue
        missing = [p for p in entry.parents if p not in by_hash]
        if missing:
            problems.append(f"line {line}: builds on unknown entry {missing[0][:12]}")
        entries.append(entry)
        by_hash[entry.hash] = entry
        for parent in entry.parents:
            heads.pop(parent, None)
        heads[entry.hash] = None
    return {
        "entries": entries,
        "heads": list(heads),
        "problems": problems,
        "torn": len(data) - end,
        "notebook": [e for e in entries if e.notebook_path == NB["path"]],
        "notes": [e for e in entries if e.kind == "test.note"],
    }


def seen_by(ledger: Ledger) -> dict[str, Any]:
    entries = ledger.entries()
    assert len(ledger) == len(entries) == len(list(ledger))
    for entry in entries[:: max(len(entries) // 7, 1)]:
        assert ledger.get(entry.hash) == entry and ledger.get(entry.hash[:10]) == entry
    return {
        "entries": entries,
        "heads": ledger.heads,
        "problems": ledger.problems,
        "torn": ledger.torn_bytes,
        "notebook": ledger.entries(notebook=NB["path"]),
        "notes": ledger.entries("test.note"),
    }


def reader(project: Project) -> Ledger:
    """A new reader, as another process would open it (it finds the index on disk)."""
    return Ledger(
        project.ledger_path, project.mlops_dir / "ledger.lock", project.mlops_dir / "torn"
    )


def fill(project: Project, count: int) -> None:
    for i in range(count):
        notebook = NB if i % 3 == 0 else None
        kind = "test.note" if i % 2 else "test.other"
        project.ledger.append(kind, {"i": i}, actor=ACTOR, notebook=notebook)


def same(project: Project, *ledgers: Ledger) -> None:
    expected = full_parse(project.ledger_path)
    for ledger in (*ledgers, reader(project)):
        assert seen_by(ledger) == expected


def test_index_is_written_and_reused(project: Project) -> None:
    fill(project, 20)
    follower = reader(project)
    same(project, follower, project.ledger)
    assert (project.mlops_dir / "cache" / INDEX_FILE).is_file()
    fill(project, 5)  # another writer (the project's own ledger) appends
    same(project, follower)


def test_a_git_checkout_that_replaces_the_file(project: Project) -> None:
    subprocess.run(["git", "init", "-q"], cwd=project.root, check=True)
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@x",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@x",
    }

    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=project.root, check=True, env=env, capture_output=True)

    fill(project, 4)
    git("add", "-A")
    git("commit", "-qm", "base")
    git("checkout", "-qb", "other")
    fill(project, 7)
    git("commit", "-qam", "other")
    git("checkout", "-q", "-")
    fill(project, 2)  # main diverges: the same length of history would not fool it either
    follower = reader(project)
    same(project, follower)
    git("commit", "-qam", "main")
    git("checkout", "-q", "other")
    same(project, follower, project.ledger)


def test_an_in_place_edit_of_the_same_size(project: Project) -> None:
    fill(project, 10)
    follower = reader(project)
    same(project, follower)
    data = project.ledger_path.read_bytes()
    edited = data.replace(b'"i":4', b'"i":5', 1)  # line 6: same size, its hash no longer fits
    assert edited != data and len(edited) == len(data)
    with open(project.ledger_path, "r+b") as stream:  # same file (inode), rewritten in place
        stream.write(edited)
    same(project, follower)


def test_an_edit_before_the_last_line_and_an_append(project: Project) -> None:
    """A process that did not follow the file notices an earlier line changed (checksum)."""
    fill(project, 10)
    same(project)
    lines = project.ledger_path.read_bytes().splitlines(keepends=True)
    lines[3] = b"{not json at all}\n"
    project.ledger_path.write_bytes(b"".join(lines))
    with open(project.ledger_path, "ab") as stream:
        stream.write(lines[-1])  # a duplicate of the last line, appended
    expected = full_parse(project.ledger_path)
    assert any(p.startswith("line 4:") for p in expected["problems"])
    assert seen_by(reader(project)) == expected


def test_a_torn_tail_and_its_repair(project: Project) -> None:
    fill(project, 6)
    follower = reader(project)
    same(project, follower)
    line = project.ledger.append("test.note", {"i": "x"}, actor=ACTOR).encode()
    data = project.ledger_path.read_bytes()
    project.ledger_path.write_bytes(data[: -len(line)] + line[:20])  # killed mid-append
    same(project, follower)
    assert follower.torn_bytes == 20
    assert follower.repair() == 20
    same(project, follower, project.ledger)
    project.ledger_path.write_bytes(project.ledger_path.read_bytes() + line[:-1])  # no newline
    same(project, follower)
    assert follower.repair() == 0  # a whole entry that only lacked its newline is kept
    same(project, follower)


def test_a_damaged_index_is_rebuilt(project: Project) -> None:
    fill(project, 8)
    same(project)
    index = project.mlops_dir / "cache" / INDEX_FILE
    for suffix in ("-wal", "-shm"):
        Path(f"{index}{suffix}").unlink(missing_ok=True)
    index.write_bytes(b"this is not a database" * 100)
    same(project)
    index.write_bytes(b"")
    same(project)


def test_a_lying_index_is_not_trusted(project: Project) -> None:
    fill(project, 12)
    same(project)
    index = project.mlops_dir / "cache" / INDEX_FILE
    lies = [
        "UPDATE entries SET off = off + 1 WHERE line = 5",
        "UPDATE entries SET hash = '" + "a" * 64 + "' WHERE line = 7",
        "UPDATE entries SET len = len - 2 WHERE line = 3",
        "UPDATE meta SET v = 'nonsense' WHERE k = 'heads'",
        "UPDATE meta SET v = '-5' WHERE k = 'offset'",
        "UPDATE meta SET v = '7' WHERE k = 'crc'",
        "DROP TABLE problems",
    ]
    for lie in lies:
        db = sqlite3.connect(index)
        db.execute(lie)
        db.commit()
        db.close()
        fresh = reader(project)
        assert seen_by(fresh) == full_parse(project.ledger_path), lie


def test_no_writable_cache_keeps_the_index_in_memory(project: Project, tmp_path: Path) -> None:
    fill(project, 5)
    copy = tmp_path / "copy"
    shutil.copytree(project.mlops_dir, copy)
    shutil.rmtree(copy / "cache")
    (copy / "cache").write_text("a file where the cache folder should be")
    ledger = Ledger(copy / "ledger.jsonl", copy / "ledger.lock", copy / "torn")
    assert seen_by(ledger) == full_parse(copy / "ledger.jsonl")


OPS = st.lists(
    st.sampled_from(["append", "append-nb", "read", "torn", "repair", "edit", "replace", "damage"]),
    min_size=1,
    max_size=14,
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(ops=OPS)
def test_any_history_of_changes_reads_like_a_full_parse(project: Project, ops: list[str]) -> None:
    follower = reader(project)
    index = project.mlops_dir / "cache" / INDEX_FILE
    saved = project.ledger_path.read_bytes()
    for step, op in enumerate(ops):
        path = project.ledger_path
        if op.startswith("append"):
            project.ledger.append(
                "test.note", {"s": step}, actor=ACTOR, notebook=NB if op == "append-nb" else None
            )
        elif op == "torn":
            with open(path, "ab") as stream:
                stream.write(b'{"half an entry')
        elif op == "repair":
            follower.repair()
        elif op == "edit":
            data = path.read_bytes()
            if b'"s":' in data:
                with open(path, "r+b") as stream:
                    stream.write(data.replace(b'"s":', b'"t":', 1))
        elif op == "replace":
            tmp = path.with_suffix(".new")
            tmp.write_bytes(saved)  # as git checkout does: a new file renamed over the old
            os.replace(tmp, path)
        elif op == "damage" and index.exists():
            index.write_bytes(b"garbage")
        assert seen_by(follower) == full_parse(path), ops[: step + 1]
    assert seen_by(reader(project)) == full_parse(project.ledger_path)
    # hypothesis reuses the project: start the next example from the saved file
    project.ledger_path.write_bytes(saved)


def test_problems_across_index_batches_read_like_a_full_parse(project: Project) -> None:
    """Duplicates and unknown parents are found whether the entry they concern sits in the
    same batch of lines or in one the index wrote before (batches of 2,000 lines)."""
    lines, parents = [], tuple(project.ledger.heads)
    for i in range(2300):
        entry, line = new_entry(
            kind="test.note",
            time=utc_now(),
            actor=ACTOR,
            parents=parents,
            n=i + 1,
            notebook=NB if i % 5 == 0 else None,
            payload={"i": i},
            links=(),
        )
        lines.append(line)
        parents = (entry.hash,)
    _, orphan_line = new_entry(
        kind="test.note",
        time=utc_now(),
        actor=ACTOR,
        parents=("b" * 64,),
        n=1,
        notebook=None,
        payload={"orphan": True},
        links=(),
    )
    lines[2100:2100] = [lines[5], lines[2050], orphan_line]  # one far back, one near
    lines.insert(40, lines[10])  # a duplicate within the first batch
    with open(project.ledger_path, "ab") as stream:
        stream.write(b"".join(lines))
    expected = full_parse(project.ledger_path)
    assert len(expected["problems"]) == 4
    assert seen_by(reader(project)) == expected
