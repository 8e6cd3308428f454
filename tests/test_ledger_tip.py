"""Writers learn the heads from the last writer's tip note (no re-reading of other writers'
lines, no read index under the lock), and never from a note that does not describe the file.

Two ``Ledger`` views of one file hold separate lock descriptors, so they exclude each other
as two processes do; the multi-process tests (``test_ledger_processes``) cover real ones.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jupyterlab_mlops.ledger import Ledger, verify_ledger
from jupyterlab_mlops.ledger import store as store_module
from jupyterlab_mlops.ledger.entry import new_entry
from jupyterlab_mlops.ledger.tip import NOTE_MAX, Tip, read_note
from jupyterlab_mlops.project import Project

from .helpers import ACTOR
from .test_ledger_index import full_parse, seen_by


def view(project: Project) -> Ledger:
    """Another writer's view of the project's ledger (as another process opens it)."""
    return Ledger(
        project.ledger_path, project.mlops_dir / "ledger.lock", project.mlops_dir / "cache" / "torn"
    )


def heads_now(project: Project) -> tuple[str, ...]:
    return tuple(sorted(full_parse(project.ledger_path)["heads"]))


def no_following(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_: object) -> None:
        raise AssertionError("the writer decoded other writers' lines instead of the note")

    monkeypatch.setattr(store_module, "follow_lines", refuse)


def test_a_writer_builds_on_the_entry_the_last_writers_note_names(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = view(project)
    other.entries()  # it has read the ledger before the others wrote
    for i in range(5):
        last = project.ledger.append("test.note", {"i": i}, actor=ACTOR)
    no_following(monkeypatch)
    mine = other.append("test.note", {"mine": True}, actor=ACTOR)
    assert mine.parents == (last.hash,) and mine.n == last.n + 1
    assert mine.line == last.line + 1
    monkeypatch.undo()
    assert seen_by(other) == full_parse(project.ledger_path)  # the index caught up on read
    assert verify_ledger(project.ledger_path, check_git=False).ok


def test_a_foreign_append_without_a_note_is_followed_line_by_line(project: Project) -> None:
    other = view(project)
    other.entries()
    project.ledger.append("test.note", {"noted": True}, actor=ACTOR)
    # a line appended by a tool that leaves no note (an older version, a hand-made entry)
    parents = heads_now(project)
    foreign, line = new_entry(
        kind="test.note",
        time=store_module.utc_now(),
        actor=ACTOR,
        parents=parents,
        n=len(project.ledger),
        notebook=None,
        payload={"foreign": True},
        links=(),
    )
    with open(project.ledger_path, "ab") as stream:
        stream.write(line)
    mine = other.append("test.note", {"mine": True}, actor=ACTOR)
    assert mine.parents == (foreign.hash,)
    assert seen_by(other) == full_parse(project.ledger_path)
    assert verify_ledger(project.ledger_path, check_git=False).ok


def planted(project: Project, lock: Path) -> list[bytes]:
    """Notes that do not describe the ledger file as it is (each must be ignored)."""
    st_ = project.ledger_path.stat()
    size, lines = st_.st_size, len(full_parse(project.ledger_path)["entries"])
    last = len(project.ledger_path.read_bytes().splitlines(keepends=True)[-1])
    return [
        b"",
        b"not a note at all",
        Tip(st_.st_dev, st_.st_ino, size - 1, lines, lines, last).encode(),  # stale size
        Tip(st_.st_dev, st_.st_ino + 1, size, lines, lines, last).encode(),  # another file
        Tip(st_.st_dev, st_.st_ino, size, lines, lines, last - 3).encode(),  # not a line
        Tip(st_.st_dev, st_.st_ino, size, lines + 9, lines, last + 40).encode(),  # two lines
    ]


def test_a_note_that_does_not_describe_the_file_is_not_trusted(project: Project) -> None:
    lock = project.mlops_dir / "ledger.lock"
    for i in range(3):
        project.ledger.append("test.note", {"i": i}, actor=ACTOR)
    for note in planted(project, lock):
        other = view(project)
        other.entries()
        project.ledger.append("test.note", {"before": len(note)}, actor=ACTOR)
        expected = heads_now(project)
        lock.write_bytes(note.ljust(NOTE_MAX))
        mine = other.append("test.note", {"after": len(note)}, actor=ACTOR)
        assert mine.parents == expected, note
        assert seen_by(other) == full_parse(project.ledger_path), note
    assert verify_ledger(project.ledger_path, check_git=False).ok


def test_a_note_naming_a_damaged_last_line_is_not_trusted(project: Project) -> None:
    other = view(project)
    other.entries()
    project.ledger.append("test.note", {"i": 1}, actor=ACTOR)
    expected = heads_now(project)
    with open(project.ledger_path, "ab") as stream:
        stream.write(b'{"not": "an entry"}\n')
    st_ = project.ledger_path.stat()
    lines = full_parse(project.ledger_path)
    count = len(lines["entries"])
    note = Tip(st_.st_dev, st_.st_ino, st_.st_size, count + 1, count + 1, 20).encode()
    (project.mlops_dir / "ledger.lock").write_bytes(note)
    mine = other.append("test.note", {"after": True}, actor=ACTOR)
    assert mine.parents == expected  # the bad line is no entry to build on
    assert seen_by(other) == full_parse(project.ledger_path)


@settings(max_examples=300, deadline=None)
@given(data=st.binary(max_size=NOTE_MAX) | st.text(max_size=80).map(str.encode))
def test_reading_any_note_gives_a_tip_or_none(data: bytes) -> None:
    tip = read_note(data)
    assert tip is None or read_note(tip.encode()) == tip


@settings(max_examples=200, deadline=None)
@given(fields=st.lists(st.integers(-5, 2**64), min_size=7, max_size=7))
def test_a_note_of_any_numbers_is_read_only_when_it_makes_sense(fields: list[int]) -> None:
    data = " ".join(map(str, fields)).encode()
    tip = read_note(data)
    if tip is not None:
        assert fields[0] == 1 and min(fields) >= 0
        assert 0 < tip.last <= tip.size and tip.count <= tip.lines


def test_a_process_that_only_appends_keeps_a_bounded_number_of_entries(project: Project) -> None:
    other = view(project)
    first = other.append("test.note", {"i": -1}, actor=ACTOR)
    for i in range(store_module._RECENT_MAX + 60):
        (project.ledger if i % 7 == 0 else other).append("test.note", {"i": i}, actor=ACTOR)
    assert len(other._recent) <= store_module._RECENT_MAX  # the newest, by hash
    assert other.get(first.hash) == first  # an older one is found through the index
    assert seen_by(other) == full_parse(project.ledger_path)
    assert verify_ledger(project.ledger_path, check_git=False).ok
