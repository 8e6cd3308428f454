"""``mlops check`` on a 300-cell notebook in a project with a 10,000-entry ledger.

Cold: the first evaluation in a process (reads and parses the ledger, scans every cell for
secrets). Warm: the panel's refresh path, the same notebook evaluated again in the same process
after one more ledger entry. Both exclude the clean-run execution (no such check yet).
usage: python -m bench.bench_check [--cells 300] [--entries 10000] [--rounds 7]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from ._util import fmt_ms, median


def build_project(root: Path, cells: int, entries: int) -> tuple[Any, Path]:
    """A high-tier project with a ``cells``-cell notebook and an ``entries``-entry ledger."""
    import nbformat

    from jupyterlab_mlops.decisions import record_decision
    from jupyterlab_mlops.ledger import open_ledger
    from jupyterlab_mlops.project import find_project, init_project

    root.mkdir(parents=True, exist_ok=True)
    init_project(root, name="bench", template="classification", risk_tier="high", actor="bench")
    project = find_project(root)
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "language": "python",
        "display_name": "Python 3",
    }
    nb.cells.append(nbformat.v4.new_code_cell("seed = 7\nthreshold = 0.2"))
    nb.cells[0].metadata["tags"] = ["parameters"]
    for index in range(cells - 1):
        cell = nbformat.v4.new_code_cell(f"value_{index} = compute({index})\nprint(value_{index})")
        cell.outputs = [nbformat.v4.new_output("stream", text=f"{index * 3.14159}\n")]
        nb.cells.append(cell)
    notebook = root / "train.ipynb"
    nbformat.write(nb, notebook)
    ledger = open_ledger(project.mlops_dir)
    for index in range(entries - 10):
        ledger.append("bench.note", {"i": index}, actor="bench")
    for index in range(9):
        record_decision(
            project, title=f"d{index}", why="w", tags=["data"], actor="bench", notebook=notebook
        )
    return project, notebook


def run(cells: int = 300, entries: int = 10_000, rounds: int = 7) -> dict[str, float]:
    from jupyterlab_mlops.checklists.evaluate import check_notebook

    with tempfile.TemporaryDirectory(dir=os.environ.get("BENCH_DIR")) as tmp:
        project, notebook = build_project(Path(tmp), cells, entries)
        ledger = project.ledger
        start = time.perf_counter()
        check_notebook(project, notebook)
        cold = time.perf_counter() - start
        warm = []
        for index in range(rounds):
            ledger.append("bench.note", {"again": index}, actor="bench")
            start = time.perf_counter()
            report = check_notebook(project, notebook)
            warm.append(time.perf_counter() - start)
        assert len(report.results) > 5
        total = len(ledger)
    result = {"cold_s": cold, "warm_s": median(warm), "cells": cells, "entries": total}
    print(
        f"check, {cells} cells, {total:,} entries: cold {fmt_ms(cold)}, warm median {fmt_ms(median(warm))}  (goal warm < 100 ms)"
    )
    return result


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cells", type=int, default=300)
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=7)
    options = parser.parse_args()
    run(options.cells, options.entries, options.rounds)
