"""``mlops check`` on a 300-cell notebook in a project with a 10,000-entry ledger.

Cold: the first evaluation in a fresh interpreter, timed from the call to ``check_notebook``
(imports excluded; it reads the ledger through its index), three ways: with the secret scan's
results cached (as after the panel or an earlier check); right after a save that edited one
cell (the cache knows every text but that cell's, so detect-secrets is imported and scans it);
and with no cache at all (the first check of a notebook: every line is scanned).
CLI: the wall time of the ``mlops check`` command, against ``python -c pass`` (the
interpreter's floor) and ``python -c "import jupyterlab_mlops.cli"`` (the CLI's imports),
interleaved rounds, medians. Warm: the panel's refresh path, the same notebook evaluated again
in the same process after one more ledger entry. All exclude the clean-run execution.
usage: python -m bench.bench_check [--cells 300] [--entries 10000] [--rounds 7]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from ._goals import report
from ._util import fmt_ms, median

COLD = """
import json, sys, time
from pathlib import Path
from jupyterlab_mlops.checklists.evaluate import check_notebook
from jupyterlab_mlops.project import find_project
root, notebook = Path(sys.argv[1]), Path(sys.argv[2])
start = time.perf_counter()
report = check_notebook(find_project(root), notebook)
print(json.dumps({"cold": time.perf_counter() - start, "items": len(report.results)}))
"""


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


def _cold(root: Path, notebook: Path) -> float:
    """``check_notebook`` in a fresh interpreter, timed from the call."""
    done = subprocess.run(
        [sys.executable, "-c", COLD, str(root), str(notebook)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout)["cold"]


def _edit_one_cell(notebook: Path, round_: int) -> None:
    """Save ``notebook`` with one cell's source changed, to a text no earlier round had."""
    import nbformat

    nb = nbformat.read(notebook, as_version=4)
    middle = len(nb.cells) // 2
    source = f"value_{middle} = compute({middle}, round={round_})\nprint(value_{middle})"
    nb.cells[middle].source = source
    nbformat.write(nb, notebook)


def _wall(command: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, capture_output=True, check=False)
    return time.perf_counter() - start


def run(cells: int = 300, entries: int = 10_000, rounds: int = 7) -> dict[str, float]:
    from jupyterlab_mlops.checklists.evaluate import check_notebook

    mlops = shutil.which("mlops") or str(Path(sys.executable).with_name("mlops"))
    with tempfile.TemporaryDirectory(dir=os.environ.get("BENCH_DIR")) as tmp:
        project, notebook = build_project(Path(tmp), cells, entries)
        root = project.root
        check_notebook(project, notebook)  # as any earlier command: the read index exists
        cold, saved, unscanned, cli, floor, imports = [], [], [], [], [], []
        for index in range(rounds):  # interleaved rounds: every figure sees the same load
            cold.append(_cold(root, notebook))
            _edit_one_cell(notebook, index)
            saved.append(_cold(root, notebook))  # scans the edited cell only
            shutil.rmtree(project.mlops_dir / "cache" / "secrets", ignore_errors=True)
            unscanned.append(_cold(root, notebook))  # scans every line
            cli.append(_wall([mlops, "check", notebook.name], root))
            floor.append(_wall([sys.executable, "-c", "pass"], root))
            imports.append(_wall([sys.executable, "-c", "import jupyterlab_mlops.cli"], root))
        ledger = project.ledger
        warm = []
        for index in range(rounds):
            ledger.append("bench.note", {"again": index}, actor="bench")
            start = time.perf_counter()
            result_report = check_notebook(project, notebook)
            warm.append(time.perf_counter() - start)
        assert len(result_report.results) > 5
        total = len(ledger)
    result = {
        "cold_s": median(cold),
        "cold_saved_s": median(saved),
        "cold_unscanned_s": median(unscanned),
        "warm_s": median(warm),
        "cli_s": median(cli),
        "python_floor_s": median(floor),
        "cli_import_s": median(imports),
        "cells": cells,
        "entries": total,
    }
    what = f"{cells} cells, {total:,} entries"
    report(
        "check, cold (fresh process, from the call; scan cached)",
        result["cold_s"],
        "<",
        0.100,
        "ms",
        f"{what}; median of {rounds}",
    )
    report(
        "  the same, right after a save that edited one cell",
        result["cold_saved_s"],
        "<",
        0.100,
        "ms",
        "imports detect-secrets and scans that cell",
    )
    print(
        f"  the same, nothing cached (a notebook's first check, every line scanned): "
        f"{fmt_ms(result['cold_unscanned_s'])}"
    )
    report("check, warm (same process, after an append)", result["warm_s"], "<", 0.100, "ms", what)
    print(
        f"  mlops check wall {fmt_ms(result['cli_s'])}: "
        f"{result['cli_s'] / result['python_floor_s']:.2f}x python -c pass ({fmt_ms(result['python_floor_s'])}), "
        f"{result['cli_s'] / result['cli_import_s']:.2f}x import jupyterlab_mlops.cli ({fmt_ms(result['cli_import_s'])})"
    )
    return result


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cells", type=int, default=300)
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=7)
    options = parser.parse_args()
    run(options.cells, options.entries, options.rounds)
