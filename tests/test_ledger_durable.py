"""Durable appends: one write under the lock, the fsync after it, shared by writers in flight.

Real ledgers, real processes and threads, a real kill between write and fsync.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import filelock
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jupyterlab_mlops.canonical import sha256_hex
from jupyterlab_mlops.errors import LedgerBusyError
from jupyterlab_mlops.ledger import durable, verify_ledger
from jupyterlab_mlops.ledger import store as store_module
from jupyterlab_mlops.ledger.entry import decode, new_entry
from jupyterlab_mlops.project import Project

from .helpers import ACTOR
from .test_ledger_processes import fresh_reader, start_worker

_json = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**53) + 1, 2**53 - 1)
    | st.text()
    | st.floats(allow_nan=False, allow_infinity=False),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=12,
)


@settings(max_examples=500, deadline=None)
@given(actor=st.text(min_size=1), payload=st.dictionaries(st.text(max_size=6), _json, max_size=4))
def test_the_line_written_is_exactly_what_encode_gives(actor: str, payload: dict) -> None:
    fields = dict(
        kind="test.note",
        time="2026-12-03T12:00:00.000000Z",
        actor=actor,
        parents=("a" * 64,),
        n=1,
        notebook={"path": "é.ipynb", "fingerprint": "sha256:" + "0" * 64},
        payload=payload,
        links=("run:1",),
    )
    entry, line = new_entry(**fields, line=7)
    assert entry.hash == sha256_hex(entry.body()) and entry.line == 7
    assert line == entry.encode()
    assert decode(line[:-1], 7, canonical=True) == entry  # what verify accepts


def test_threads_share_fsyncs_and_lose_nothing(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    synced = []
    real_fsync = os.fsync

    def counting_fsync(fd: int) -> None:
        synced.append(fd)
        real_fsync(fd)

    monkeypatch.setattr(durable.os, "fsync", counting_fsync)
    acked: list[str] = []

    def write(label: int) -> None:
        for i in range(40):
            acked.append(project.ledger.append("test.note", {"t": label, "i": i}, actor=ACTOR).hash)

    threads = [threading.Thread(target=write, args=(t,)) for t in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(acked) == 320 and len(synced) < 320  # some fsyncs covered several appends
    entries = fresh_reader(project).entries()[1:]
    assert sorted(e.hash for e in entries) == sorted(acked)
    assert [e.n for e in entries] == list(range(1, 321))
    report = verify_ledger(project.ledger_path)
    assert report.ok and report.entries == 321, report.problems


@pytest.mark.slow
def test_concurrent_processes_leave_a_chain_mlops_verify_accepts(project: Project, mlops) -> None:
    workers = [start_worker(project, str(w), "60") for w in range(6)]
    for worker in workers:
        _, err = worker.communicate(timeout=300)
        assert worker.returncode == 0, err
    done = mlops("verify", cwd=project.root)
    assert done.returncode == 0, done.stdout + done.stderr
    assert len(fresh_reader(project).entries()) == 361


@pytest.mark.slow
def test_a_writer_killed_between_write_and_fsync(project: Project, mlops) -> None:
    project.ledger.append("test.note", {"before": True}, actor=ACTOR)
    killed = start_worker(project, "k", "unsynced")
    killed.communicate(timeout=60)
    assert killed.returncode == -signal.SIGKILL
    # never acknowledged, yet written whole: a process crash does not lose it (the page cache
    # keeps it, the next fsync of the file covers it); the lock died with the process
    reader = fresh_reader(project)
    last = reader.entries()[-1]
    assert last.payload == {"writer": "k", "unsynced": True} and reader.torn_bytes == 0
    start = time.monotonic()
    after = reader.append("test.note", {"after": True}, actor=ACTOR)
    assert time.monotonic() - start < 5 and after.parents == (last.hash,)
    assert mlops("verify", cwd=project.root).returncode == 0


def test_a_lock_file_removed_between_appends_still_excludes(project: Project) -> None:
    writer = fresh_reader(project)
    writer.append("test.note", {"i": 1}, actor=ACTOR)  # keeps the lock file open
    (project.mlops_dir / "ledger.lock").unlink()
    with filelock.FileLock(project.mlops_dir / "ledger.lock"):  # another tool locks the new one
        appending = threading.Thread(
            target=writer.append, args=("test.note", {"i": 2}), kwargs={"actor": ACTOR}
        )
        appending.start()
        appending.join(0.5)
        assert appending.is_alive()  # it waits for the new lock file, not the removed one
    appending.join(10)
    assert not appending.is_alive()
    assert [e.payload for e in fresh_reader(project).entries()[1:]] == [{"i": 1}, {"i": 2}]


def test_a_lock_held_too_long_is_one_clear_error_and_then_free(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store_module, "_LOCK_TIMEOUT_S", 0.3)
    writer = fresh_reader(project)
    held = filelock.FileLock(project.mlops_dir / "ledger.lock")
    with held, pytest.raises(LedgerBusyError, match="stayed locked"):
        writer.append("test.note", {"i": 1}, actor=ACTOR)
    # the writer gave up; its waiting thread must not keep the lock once it gets it
    time.sleep(0.2)
    other = fresh_reader(project)
    other.append("test.note", {"i": 2}, actor=ACTOR)
    writer.append("test.note", {"i": 3}, actor=ACTOR)
    assert [e.payload["i"] for e in fresh_reader(project).entries()[1:]] == [2, 3]


@pytest.mark.skipif(not hasattr(os, "fork"), reason="fork is POSIX")
def test_a_forked_child_appends_with_its_own_lock(project: Project) -> None:
    project.ledger.append("test.note", {"who": "parent"}, actor=ACTOR)  # descriptors now open
    code = (
        "import os, sys\n"
        "from pathlib import Path\n"
        "from jupyterlab_mlops.ledger import open_ledger\n"
        "ledger = open_ledger(Path(sys.argv[1]))\n"
        "ledger.append('test.note', {'who': 'parent'}, actor='x')\n"
        "pid = os.fork()\n"
        "if pid == 0:\n"
        "    for i in range(20): ledger.append('test.note', {'who': 'child', 'i': i}, actor='x')\n"
        "    os._exit(0)\n"
        "for i in range(20): ledger.append('test.note', {'who': 'parent', 'i': i}, actor='x')\n"
        "assert os.waitpid(pid, 0)[1] == 0\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(project.mlops_dir)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )
    assert done.returncode == 0, done.stderr
    report = verify_ledger(project.ledger_path)
    assert report.ok and report.entries == 43, report.problems
    entries = fresh_reader(project).entries()
    assert [e.n for e in entries] == list(
        range(43)
    )  # one chain: parent and child excluded each other


def test_a_replaced_ledger_file_is_written_where_the_path_now_points(project: Project) -> None:
    project.ledger.append("test.note", {"i": 1}, actor=ACTOR)  # keeps the old file open
    replacement = project.ledger_path.with_suffix(".new")
    replacement.write_bytes(project.ledger_path.read_bytes())
    os.replace(replacement, project.ledger_path)  # as git checkout does
    project.ledger.append("test.note", {"i": 2}, actor=ACTOR)
    assert [e.payload for e in fresh_reader(project).entries()[1:]] == [{"i": 1}, {"i": 2}]
    assert verify_ledger(project.ledger_path).ok


def test_ledger_view_closes_what_it_kept_open(project: Project, tmp_path: Path) -> None:
    before = len(os.listdir("/proc/self/fd")) if os.path.isdir("/proc/self/fd") else None
    view = fresh_reader(project)
    view.append("test.note", {}, actor=ACTOR)
    view.close()
    if before is not None:
        assert len(os.listdir("/proc/self/fd")) == before
    view.append("test.note", {}, actor=ACTOR)  # and opens them again when it appends
    assert len(fresh_reader(project)) == 3
