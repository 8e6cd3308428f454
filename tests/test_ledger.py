"""The ledger: append/read, tamper evidence, torn tails and the incremental read path."""

from __future__ import annotations

import itertools
import json
import os
from pathlib import Path

import pytest

from jupyterlab_mlops.canonical import sha256_hex
from jupyterlab_mlops.ledger import Ledger, verify_ledger
from jupyterlab_mlops.ledger import index as index_module
from jupyterlab_mlops.ledger.store import INDEX_FILE
from jupyterlab_mlops.project import Project

from .helpers import ACTOR


def fill(project: Project, count: int) -> list[str]:
    return [project.ledger.append("test.note", {"i": i}, actor=ACTOR).hash for i in range(count)]


def rewrite(path: Path, edit) -> None:  # edit(list[str]) -> list[str]
    lines = path.read_text().splitlines()
    path.write_text("".join(f"{line}\n" for line in edit(lines)))


def rehash(line: str, **changes) -> str:
    record = json.loads(line)
    record["payload"].update(changes)
    record.pop("hash")
    record["hash"] = sha256_hex(record)  # and written as writers write it (a careful forger)
    return json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def test_entries_chain_and_read_back(project: Project) -> None:
    hashes = fill(project, 5)
    fresh = Ledger(
        project.ledger_path, project.mlops_dir / "ledger.lock", project.mlops_dir / "cache"
    )
    entries = fresh.entries()
    assert [e.hash for e in entries[1:]] == hashes
    assert entries[0].kind == "project.created" and entries[0].parents == ()
    for parent, child in itertools.pairwise(entries):
        assert child.parents == (parent.hash,) and child.n == parent.n + 1
    assert fresh.heads == [hashes[-1]]
    assert all(e.actor == ACTOR and e.time.endswith("Z") for e in entries)
    report = verify_ledger(project.ledger_path)
    assert report.ok and report.entries == 6


def test_each_line_is_one_canonically_hashed_entry(project: Project) -> None:
    fill(project, 2)
    for line in project.ledger_path.read_text().splitlines():
        record = json.loads(line)
        stored = record.pop("hash")
        assert stored == sha256_hex(record)


@pytest.mark.parametrize(
    ("edit", "kind", "line"),
    [
        # a payload edited in place: the hash no longer matches
        (lambda ls: [*ls[:2], ls[2].replace('"i":1', '"i":7'), *ls[3:]], "altered", 3),
        # edited and re-hashed: the next entry's link breaks; both readings are named
        (lambda ls: [*ls[:2], rehash(ls[2], i=7), *ls[3:]], "removed", 4),
        # an entry deleted from the middle
        (lambda ls: [*ls[:2], *ls[3:]], "removed", 3),
        # the first entry deleted
        (lambda ls: ls[1:], "removed", 1),
        # two entries swapped
        (lambda ls: [*ls[:2], ls[3], ls[2], *ls[4:]], "reordered", 3),
        # an entry copied (replayed)
        (lambda ls: [*ls, ls[2]], "duplicated", 6),
        # garbage in the middle
        (lambda ls: [*ls[:2], "{oops", *ls[2:]], "altered", 3),
    ],
    ids=[
        "altered",
        "altered-rehashed",
        "removed",
        "removed-first",
        "reordered",
        "duplicated",
        "garbage",
    ],
)
def test_verify_names_the_first_problem(project: Project, edit, kind: str, line: int) -> None:
    fill(project, 4)
    assert verify_ledger(project.ledger_path).ok
    rewrite(project.ledger_path, edit)
    report = verify_ledger(project.ledger_path)
    assert not report.ok
    assert (report.first_problem.kind, report.first_problem.line) == (kind, line), report.problems
    if kind == "removed" and line == 4:
        assert (
            "or line 3" in report.first_problem.message
            and "re-hashed" in report.first_problem.message
        )


def test_torn_tail_is_repaired_not_reported_as_tampering(project: Project) -> None:
    hashes = fill(project, 3)
    full = project.ledger.append("test.note", {"i": 99}, actor=ACTOR).encode()
    data = project.ledger_path.read_bytes()
    project.ledger_path.write_bytes(data[: -len(full)] + full[: len(full) // 2])  # killed mid-write

    reader = Ledger(
        project.ledger_path, project.mlops_dir / "ledger.lock", project.mlops_dir / "cache" / "torn"
    )
    assert [e.hash for e in reader.entries()[1:]] == hashes  # readers ignore the torn bytes
    assert reader.torn_bytes == len(full) // 2
    assert verify_ledger(project.ledger_path).ok  # not tampering

    after = reader.append("test.note", {"i": 4}, actor=ACTOR)  # the next writer repairs
    assert after.parents == (hashes[-1],)
    assert (
        verify_ledger(project.ledger_path).ok
        and verify_ledger(project.ledger_path).torn_tail_bytes == 0
    )
    saved = list((project.mlops_dir / "cache" / "torn").iterdir())
    assert (
        len(saved) == 1 and saved[0].read_bytes() == full[: len(full) // 2]
    )  # nothing thrown away


def test_whole_entry_missing_only_its_newline_is_kept(project: Project) -> None:
    hashes = fill(project, 2)
    project.ledger_path.write_bytes(project.ledger_path.read_bytes().rstrip(b"\n"))
    reader = Ledger(
        project.ledger_path, project.mlops_dir / "ledger.lock", project.mlops_dir / "cache" / "torn"
    )
    assert reader.repair() == 0
    assert [e.hash for e in reader.entries()[1:]] == hashes


def test_incremental_reads_parse_only_new_lines(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    fill(project, 50)
    calls: list[int] = []
    real_decode = index_module.decode
    monkeypatch.setattr(
        index_module, "decode", lambda raw, line: calls.append(line) or real_decode(raw, line)
    )
    (project.mlops_dir / "cache" / INDEX_FILE).unlink()  # no index yet (a fresh clone)

    def reader() -> Ledger:
        return Ledger(
            project.ledger_path, project.mlops_dir / "ledger.lock", project.mlops_dir / "cache"
        )

    first = reader()
    assert len(first) == 51 and calls == list(range(1, 52))  # first read parses everything
    calls.clear()
    assert len(first) == 51 and calls == []  # unchanged file: nothing parsed
    writer = reader()
    writer.append("test.note", {"i": "new"}, actor=ACTOR)  # another writer appends
    calls.clear()
    assert len(first) == 52 and calls == [52]  # only the new line
    calls.clear()
    assert len(reader()) == 52 and calls == []  # another process: the index is up to date
    assert first.entries("test.note")[-1].payload == {"i": "new"}

    rewrite(project.ledger_path, lambda ls: [*ls[:10], rehash(ls[10], i="changed"), *ls[11:]])
    calls.clear()
    assert first.entries()[10].payload == {"i": "changed"}  # a changed prefix is noticed ...
    assert calls[:52] == list(range(1, 53))  # ... and the file is read again from the start


def test_notebook_index(project: Project) -> None:
    ref = {"path": "train.ipynb", "fingerprint": "sha256:" + "0" * 64}
    project.ledger.append("test.note", {}, actor=ACTOR, notebook=ref)
    project.ledger.append("test.note", {}, actor=ACTOR)
    project.ledger.append("other.kind", {}, actor=ACTOR, notebook=ref)
    assert len(project.ledger.entries(notebook="train.ipynb")) == 2
    assert len(project.ledger.entries("test.note", notebook="train.ipynb")) == 1
    assert project.ledger.entries(notebook="other.ipynb") == []


def test_a_writer_never_trusts_a_stale_view_of_the_file(project: Project) -> None:
    """A reader saw a torn tail; meanwhile another writer repaired it and appended a line of
    exactly the same length, keeping the file's size and mtime. The next append must still be right."""
    fill(project, 2)
    ledger_dir = project.mlops_dir
    a = Ledger(project.ledger_path, ledger_dir / "ledger.lock", ledger_dir / "cache" / "torn")
    b = Ledger(project.ledger_path, ledger_dir / "ledger.lock", ledger_dir / "cache" / "torn")
    b.entries()
    probe = b.append("test.note", {"i": "probe"}, actor=ACTOR)  # learn the length of b's next line
    length = len(probe.encode())
    project.ledger_path.write_bytes(project.ledger_path.read_bytes() + b"x" * length)  # a torn tail
    a.entries()
    seen = project.ledger_path.stat()
    b.append("test.note", {"i": "probe"}, actor=ACTOR)  # repairs the tail, appends `length` bytes
    assert project.ledger_path.stat().st_size == seen.st_size
    os.utime(project.ledger_path, ns=(seen.st_atime_ns, seen.st_mtime_ns))
    a.append("test.note", {"i": "after"}, actor=ACTOR)
    report = verify_ledger(project.ledger_path)
    assert report.ok and report.entries == 6, report.problems
    assert [e.payload["i"] for e in a.entries()[-3:]] == ["probe", "probe", "after"]
