"""``mlops verify`` streams the history: what it keeps per entry is a fraction of the entry,
and it shows how far it has read."""

from __future__ import annotations

import contextlib
import json
import subprocess
import tracemalloc
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from jupyterlab_mlops.ledger import verify_ledger
from jupyterlab_mlops.ledger.entry import new_entry
from jupyterlab_mlops.project import Project

from .helpers import ACTOR


def grow_to(project: Project, total: int) -> None:
    """Append valid chained entries (one per notebook-free note) until ``total`` are held."""
    ledger = project.ledger
    (head,) = ledger.heads
    parent = ledger.get(head)
    prev, n = parent.hash, parent.n
    with open(project.ledger_path, "ab", buffering=1 << 20) as stream:
        for i in range(total - len(ledger)):
            n += 1
            entry, line = new_entry(
                kind="test.note", time=parent.time, actor=ACTOR, parents=(prev,), n=n,
                notebook=None, payload={"i": i, "text": "y" * 200}, links=(),
            )  # fmt: skip
            stream.write(line)
            prev = entry.hash


def commit(root: Path) -> None:
    git = ["git", "-C", str(root), "-c", "user.name=T", "-c", "user.email=t@example.com"]
    subprocess.run([*git, "add", "-A"], check=True, capture_output=True)
    subprocess.run([*git, "commit", "-qm", "ledger"], check=True, capture_output=True)


def peak_of_verify(path: Path) -> tuple[int, bool]:
    tracemalloc.start()
    try:
        report = verify_ledger(path)
        return tracemalloc.get_traced_memory()[1], report.ok and report.git_commit is not None
    finally:
        tracemalloc.stop()


@pytest.mark.slow
def test_verify_keeps_far_less_than_each_entry_and_streams_the_committed_copy(
    project: Project,
) -> None:
    """Between 5,000 and 25,000 committed entries, verify's peak memory grows by less than
    half of what the added lines take in the file: no payload, string or committed copy of
    the file is held (the old reader kept about 1.4 times the file, plus twice the committed
    copy)."""
    subprocess.run(["git", "init", "-q", str(project.root)], check=True)
    figures = []
    for total in (5_000, 25_000):
        grow_to(project, total)
        commit(project.root)
        peak, ok = peak_of_verify(project.ledger_path)
        assert ok
        figures.append((project.ledger_path.stat().st_size, peak))
    (small_size, small_peak), (large_size, large_peak) = figures
    assert large_peak - small_peak < 0.5 * (large_size - small_size), figures


def test_verify_reports_its_progress_in_bytes_read(project: Project) -> None:
    grow_to(project, 3_000)
    told: list[tuple[int, str]] = []
    advanced: list[int] = []

    @contextlib.contextmanager
    def progress(total: int, description: str) -> Iterator[Callable[[int], None]]:
        told.append((total, description))
        yield advanced.append

    assert verify_ledger(project.ledger_path, check_git=False, progress=progress).ok
    size = project.ledger_path.stat().st_size
    assert told == [(size, "Verifying ledger.jsonl")]
    assert sum(advanced) == size and len(advanced) >= 2  # a chunk at a time, not at the end


@pytest.mark.slow
def test_mlops_verify_in_a_kernel_shows_a_progress_bar(project: Project) -> None:
    from .test_magics import errors_of, run_cells, text_of

    cells = [
        "%load_ext jupyterlab_mlops",
        "%config MlopsMagics.progress_min_bytes = 1\n%mlops verify",
    ]
    nb = run_cells(project.root / "train.ipynb", cells)
    bars = [
        o for o in nb.cells[1].outputs
        if "Verifying ledger.jsonl" in (o.get("text", "") or json.dumps(o.get("data", {})))
    ]  # fmt: skip
    assert bars, nb.cells[1].outputs
    assert "OK: 1 entry, every hash and link checks out" in text_of(nb.cells[1])
    assert not [e for e in errors_of(nb.cells[1]) if "Verifying" not in e]
