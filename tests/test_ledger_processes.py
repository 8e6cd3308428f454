"""Many real processes append at once, and some are killed with SIGKILL mid-append."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from jupyterlab_mlops.ledger import Ledger, verify_ledger
from jupyterlab_mlops.project import Project

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[1]


def start_worker(project: Project, label: str, count: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.helpers.ledger_worker", str(project.mlops_dir), label, count],
        cwd=ROOT,
        env={
            **os.environ,
            "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
        },
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def fresh_reader(project: Project) -> Ledger:
    return Ledger(
        project.ledger_path, project.mlops_dir / "ledger.lock", project.mlops_dir / "cache" / "torn"
    )


def test_eight_processes_append_250_entries_each(project: Project) -> None:
    workers = [start_worker(project, str(w), "250") for w in range(8)]
    acked: list[str] = []
    for worker in workers:
        out, err = worker.communicate(timeout=300)
        assert worker.returncode == 0, err
        acked += out.split()

    entries = fresh_reader(project).entries()[1:]
    assert len(acked) == 2000 and len(set(acked)) == 2000
    assert sorted(e.hash for e in entries) == sorted(acked)  # none lost, none duplicated
    by_writer = {(e.payload["writer"], e.payload["i"]) for e in entries}
    assert by_writer == {(str(w), i) for w in range(8) for i in range(250)}
    assert all(len(e.parents) == 1 for e in entries)  # one linear chain, no forks
    assert [e.n for e in entries] == list(range(1, 2001))
    report = verify_ledger(project.ledger_path)
    assert report.ok and report.entries == 2001, report.problems


def test_writers_killed_mid_append_lose_nothing_acknowledged(project: Project) -> None:
    rng = random.Random(20261122)
    acked: list[str] = []
    for _round in range(4):
        workers = [start_worker(project, f"r{_round}w{w}", "0") for w in range(3)]
        for worker in workers:
            acked.append(worker.stdout.readline().strip())  # appending in earnest now
        for worker in workers:
            time.sleep(rng.uniform(0.0, 0.2))
            worker.send_signal(signal.SIGKILL)
        for worker in workers:
            out, _ = worker.communicate(timeout=60)
            assert worker.returncode == -signal.SIGKILL
            acked += [h for h in out.split() if len(h) == 64]  # a kill can cut the last print short
        # a writer that dies with half an entry written and the lock held
        torn = start_worker(project, f"torn{_round}", "torn")
        torn.communicate(timeout=60)
        assert torn.returncode == -signal.SIGKILL
        assert fresh_reader(project).torn_bytes > 0

        report = verify_ledger(project.ledger_path)
        assert report.ok, report.problems  # a torn tail is not tampering
        assert report.torn_tail_bytes > 0

    present = {e.hash for e in fresh_reader(project).entries()}
    assert len(acked) > 50
    assert set(acked) <= present  # every acknowledged append survived

    after = fresh_reader(project).append("test.note", {"after": "crashes"}, actor="tester")
    report = verify_ledger(project.ledger_path)
    assert report.ok and report.torn_tail_bytes == 0 and after.hash in report.heads
    assert len(list((project.mlops_dir / "cache" / "torn").iterdir())) >= 1


DECIDE = """
import sys
from jupyterlab_mlops.decisions import record_decision
from jupyterlab_mlops.project import find_project
d = record_decision(find_project(sys.argv[1]), title="Use GBM", why="AUC", actor="grid worker",
                    notebook=sys.argv[1] + "/train.ipynb")
print("repeated" if d.repeated else "recorded")
"""


def test_parallel_runs_record_the_same_decision_once(project: Project, notebook: Path) -> None:
    runs = [
        subprocess.Popen(
            [sys.executable, "-c", DECIDE, str(project.root)], stdout=subprocess.PIPE, text=True
        )
        for _ in range(6)
    ]
    outcomes = sorted(run.communicate(timeout=120)[0].strip() for run in runs)
    assert outcomes == ["recorded"] + ["repeated"] * 5
    assert len(fresh_reader(project).entries("decision.recorded")) == 1
