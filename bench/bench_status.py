"""A notebook's status in a 10,000-entry ledger: the first read in a fresh process, then
repeated reads of an unchanged ledger and reads after another process appended (the panel's
refresh path).

The first read is timed in a new interpreter from the call (imports excluded), with the read
index (``.mlops/cache/ledger-index.sqlite``) that any earlier command left, and without it
(a fresh clone: the index is built from the whole file), in interleaved rounds; medians.

usage: python -m bench.bench_status [--entries 10000] [--rounds 5]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from jupyterlab_mlops.decisions import record_decision
from jupyterlab_mlops.project import init_project

from ._goals import report
from ._util import fmt_ms, median

READ = """
import json, sys, time
from pathlib import Path
from jupyterlab_mlops.ledger import Ledger
from jupyterlab_mlops.project import find_project
from jupyterlab_mlops.status import project_status
root, notebook = Path(sys.argv[1]), Path(sys.argv[2])
project = find_project(root)
if sys.argv[3] == "no-index":
    for name in ("ledger-index.sqlite", "ledger-index.sqlite-wal", "ledger-index.sqlite-shm"):
        (project.mlops_dir / "cache" / name).unlink(missing_ok=True)
start = time.perf_counter(); project_status(project, notebook); first = time.perf_counter() - start
again, after = [], []
for _ in range(50):
    start = time.perf_counter(); project_status(project, notebook); again.append(time.perf_counter() - start)
writer = Ledger(project.ledger_path, project.mlops_dir / "ledger.lock", project.mlops_dir / "cache")
for _ in range(50):
    writer.append("bench.note", {"i": 2}, actor="another process")
    start = time.perf_counter(); project_status(project, notebook); after.append(time.perf_counter() - start)
print(json.dumps({"first": first, "again": again, "after": after, "entries": len(project.ledger)}))
"""


def run(history: int = 10_000, rounds: int = 5) -> dict[str, float]:
    with tempfile.TemporaryDirectory(dir=os.environ.get("BENCH_DIR")) as tmp:
        root = Path(tmp)
        project = init_project(
            root, name="bench", template="classification", risk_tier="high", actor="bench"
        )
        notebook = root / "train.ipynb"
        notebook.write_text('{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}')
        while len(project.ledger) < history:
            project.ledger.append("bench.note", {"i": 1, "text": "y" * 200}, actor="bench")
        for i in range(5):
            record_decision(project, title=f"d{i}", why="w", actor="bench", notebook=notebook)
        with_index, without = [], []
        for _ in range(rounds):  # interleaved: both see the same machine load
            with_index.append(_read_in_fresh_process(root, notebook, "index"))
            without.append(_read_in_fresh_process(root, notebook, "no-index"))
    result = {
        key: median([r[key] for r in with_index])
        for key in ("status_first_read_s", "status_unchanged_s", "status_after_append_s")
    }
    result["status_first_read_no_index_s"] = median([r["status_first_read_s"] for r in without])
    result["entries"] = with_index[-1]["entries"]
    entries = f"{history:,} entries"
    report(
        "status, first read in a fresh process",
        result["status_first_read_s"],
        "<",
        0.030,
        "ms",
        f"{entries}, read index present; median of {rounds}",
    )
    print(
        f"  status, first read, no index yet (fresh clone: index built) {fmt_ms(result['status_first_read_no_index_s'])}"
    )
    report("status, unchanged ledger", result["status_unchanged_s"], "<", 0.050, "ms", entries)
    report(
        "status, after another writer appended",
        result["status_after_append_s"],
        "<",
        0.050,
        "ms",
        entries,
    )
    return result


def _read_in_fresh_process(root: Path, notebook: Path, index: str) -> dict[str, float]:
    """First and repeated status reads, timed in a new interpreter (nothing in memory)."""
    done = subprocess.run(
        [sys.executable, "-c", READ, str(root), str(notebook), index],
        capture_output=True,
        text=True,
        check=True,
    )
    timings = json.loads(done.stdout)
    return {
        "status_first_read_s": timings["first"],
        "status_unchanged_s": median(timings["again"]),
        "status_after_append_s": median(timings["after"]),
        "entries": timings["entries"],
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=5)
    options = parser.parse_args()
    run(options.entries, options.rounds)
