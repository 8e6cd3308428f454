"""Batch runs: ``mlops batch grid --workers 2`` against a sequential loop of the papermill CLI.

* fan-out: 16 runs of a small parameterized notebook, the whole ``mlops batch grid`` command
  (approval gate, validation, a ledger entry and an MLflow run per run) against 16 ``papermill``
  commands one after the other (the peer: no gate, no record), same project, same machine;
* the floor (issue 20): the sum of the notebooks' own execution times / workers + one kernel
  start. "Own execution time" is what the cells take in the kernel: per cell, from the kernel's
  ``execute_input`` to its ``execute_reply`` (the timestamps nbclient records in each executed
  notebook's cell metadata), summed over the cells of every run of the grid's round. The kernel
  start (``start_kernel`` until the kernel answers ``kernel_info``) is measured in each round;
* overhead: what the approval gate (``approval_status``) and the ledger recording (appending a
  ``batch.run`` entry) add to each run, against the run's own time.

Rounds alternate which side goes first; medians are compared.
usage: python -m bench.bench_batch [--runs 16] [--workers 2] [--rounds 3]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from . import _goals
from ._util import fmt_ms, median

BUSINESS = "Bo <bo@example.com>"
ACTOR = "bench <bench@example.com>"
PARAMETERS = "n = 1\nthreshold = 0.5  # range: 0..1"
CODE = "total = sum(range(n * 1000))\nprint(n, threshold, total)"


def _project(base: Path):
    """An approved notebook (minimal tier), its training run and its registered data."""
    import nbformat
    import numpy as np
    import pandas as pd

    from jupyterlab_mlops import data
    from jupyterlab_mlops.approvals import approval_status, sign_off
    from jupyterlab_mlops.config import dump_config
    from jupyterlab_mlops.data.register import register_data
    from jupyterlab_mlops.experiments import runs
    from jupyterlab_mlops.project import find_project, init_project

    root = base / "project"
    root.mkdir()
    for args in (["init", "-q"], ["config", "user.email", "b@x"], ["config", "user.name", "b"]):
        subprocess.run(["git", *args], cwd=root, check=True)
    init_project(root, name="bench", template="classification", risk_tier="minimal", actor=ACTOR)
    project = find_project(root)
    config = project.config.model_copy(update={"roles": {"business": [BUSINESS]}})
    (project.mlops_dir / "config").write_text(dump_config(config))
    project = find_project(root)
    rng = np.random.default_rng(1)
    (root / "data").mkdir()
    pd.DataFrame({"x": rng.normal(size=500), "y": rng.integers(0, 2, 500)}).to_csv(
        root / "data" / "scores.csv", index=False
    )
    register_data(project, root / "data" / "scores.csv", actor=ACTOR)
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "language": "python", "display_name": "Py"}
    nb.cells = [nbformat.v4.new_code_cell(PARAMETERS), nbformat.v4.new_code_cell(CODE)]
    nb.cells[0].metadata["tags"] = ["parameters"]
    notebook = root / "score.ipynb"
    nbformat.write(nb, notebook)
    data.path("scores", start=root)
    with runs.run("training", project=project, notebook=notebook) as run:
        run.log(test_roc_auc=0.8)
    sign_off(project, notebook, role="business", actor=BUSINESS, decision="approve", comment="ok")
    assert approval_status(notebook, project).may_run
    return project, notebook


def _papermill_loop(root: Path, runs: int) -> float:
    out = root / "papermill-out"
    out.mkdir(exist_ok=True)
    papermill = shutil.which("papermill", path=str(Path(sys.executable).parent)) or "papermill"
    start = time.perf_counter()
    for i in range(runs):
        subprocess.run(
            [papermill, "--no-progress-bar", "score.ipynb", str(out / f"{i}.ipynb"), "-p", "n", str(i + 1)],
            cwd=root, check=True, capture_output=True,
        )  # fmt: skip
    return time.perf_counter() - start


def _grid(root: Path, runs: int, workers: int) -> float:
    (root / "grid.yaml").write_text(f"n: {list(range(1, runs + 1))}\n")
    command = [sys.executable, "-m", "jupyterlab_mlops.cli", "batch", "grid", "score.ipynb"]
    start = time.perf_counter()
    done = subprocess.run(
        [*command, "--grid", "grid.yaml", "--workers", str(workers)],
        cwd=root, capture_output=True, text=True,
    )  # fmt: skip
    seconds = time.perf_counter() - start
    if done.returncode:
        raise SystemExit(f"mlops batch grid failed: {done.stdout}\n{done.stderr}")
    return seconds


def _kernel_start(root: Path) -> float:
    """Seconds from starting a kernel (as batch runs do) until it answers ``kernel_info``."""
    from jupyter_core.utils import run_sync

    from jupyterlab_mlops.execution import shut_down, start_kernel

    start = time.perf_counter()
    manager = start_kernel("python3", root, dict(os.environ))
    client = manager.client()
    try:
        client.start_channels()
        run_sync(client.wait_for_ready)(timeout=120)
        return time.perf_counter() - start
    finally:
        client.stop_channels()
        shut_down(manager)


def _cells_seconds(executed: Path) -> float:
    """The kernel's own time for the cells of one executed notebook (execute_input ->
    execute_reply, from the cell timings nbclient records)."""
    import datetime as dt
    import json

    total = 0.0
    for cell in json.loads(executed.read_text(encoding="utf-8"))["cells"]:
        timing = (cell.get("metadata") or {}).get("execution") or {}
        begin, end = timing.get("iopub.execute_input"), timing.get("shell.execute_reply")
        if begin and end:
            parse = dt.datetime.fromisoformat
            total += (
                parse(end.replace("Z", "+00:00")) - parse(begin.replace("Z", "+00:00"))
            ).total_seconds()
    return total


def _own_execution(project, since: int) -> tuple[float, int]:
    """Summed cell time of the batch runs recorded after the first ``since`` (one grid)."""
    from jupyterlab_mlops.batch.run import BATCH_RUN

    entries = project.ledger.entries(BATCH_RUN)[since:]
    outputs = [project.root / e.payload["output"] for e in entries if e.payload.get("output")]
    return sum(_cells_seconds(o) for o in outputs), len(outputs)


def _batch_count(root: Path) -> int:
    from jupyterlab_mlops.batch.run import BATCH_RUN
    from jupyterlab_mlops.project import find_project

    return len(find_project(root).ledger.entries(BATCH_RUN))


def _overhead(project, notebook: Path, repeat: int = 20) -> dict[str, float]:
    """Median seconds of the approval gate and of recording a batch.run entry."""
    from jupyterlab_mlops.approvals import approval_status
    from jupyterlab_mlops.batch.run import BATCH_RUN
    from jupyterlab_mlops.notebooks import notebook_state
    from jupyterlab_mlops.project import find_project

    gate, ledger = [], []
    for i in range(repeat):
        start = time.perf_counter()
        fresh = find_project(project.root)  # as a worker does for each run
        approval_status(notebook, fresh)
        gate.append(time.perf_counter() - start)
        state = notebook_state(fresh, notebook)
        start = time.perf_counter()
        fresh.ledger.append(
            BATCH_RUN,
            {"batch_id": f"bench{i}", "status": "succeeded", "parameters": {"n": i},
             "output": "batch-runs/score/x.ipynb", "seconds": 0.3, "failure": None},
            actor=ACTOR, notebook=state.ref(), links=[],
        )  # fmt: skip
        ledger.append(time.perf_counter() - start)
    return {"gate_s": median(gate), "ledger_s": median(ledger)}


def _run_seconds(project) -> float:
    """Median wall time of one batch run inside the grids (entry times, per worker)."""
    from jupyterlab_mlops.batch.run import BATCH_RUN

    entries = project.ledger.entries(BATCH_RUN)
    seconds = [e.payload["seconds"] for e in entries if e.payload.get("seconds")]
    return median(seconds)


def run(runs: int = 16, workers: int = 2, rounds: int = 3) -> dict[str, object]:
    os.environ.setdefault("MLOPS_USER", ACTOR)
    os.environ.pop("MLFLOW_TRACKING_URI", None)
    with tempfile.TemporaryDirectory(dir=os.environ.get("BENCH_DIR")) as tmp:
        project, notebook = _project(Path(tmp))
        root = project.root
        _papermill_loop(root, 1)  # warm the disk cache on both sides
        _kernel_start(root)  # warm the kernel's imports too
        times: dict[str, list[float]] = {"grid": [], "papermill": [], "kernel": [], "cells": []}
        from jupyterlab_mlops.project import find_project

        for index in range(rounds):
            for side in ("grid", "papermill") if index % 2 == 0 else ("papermill", "grid"):
                if side == "grid":
                    before = _batch_count(root)
                    times["grid"].append(_grid(root, runs, workers))
                    cells, counted = _own_execution(find_project(root), before)
                    if counted != runs:
                        raise SystemExit(f"{counted} of {runs} grid runs left an executed notebook")
                    times["cells"].append(cells)
                else:
                    times["papermill"].append(_papermill_loop(root, runs))
            times["kernel"].append(_kernel_start(root))

        per_run = _run_seconds(find_project(root))
        overhead = _overhead(find_project(root), notebook)
    grid, peer = median(times["grid"]), median(times["papermill"])
    extra = overhead["gate_s"] + overhead["ledger_s"]
    grid_per_run = grid * workers / runs
    kernel, cells = median(times["kernel"]), median(times["cells"])
    floor = cells / workers + kernel
    print(
        f"{runs} runs   mlops batch grid --workers {workers} {grid:6.2f} s   papermill CLI loop "
        f"{peer:6.2f} s   {peer / grid:4.2f}x faster  (goal >= 2.5x)"
    )
    print(
        f"per run: gate {fmt_ms(overhead['gate_s'])} + ledger {fmt_ms(overhead['ledger_s'])} = "
        f"{extra * 1000:.1f} ms = {extra / grid_per_run:.1%} of a grid run ({grid_per_run:.2f} s "
        f"per worker), {extra / per_run:.1%} of its execution ({per_run:.2f} s), "
        f"{extra / (peer / runs):.1%} of a papermill CLI run  (goal < 5%)"
    )
    print(
        f"floor: cells {cells:.3f} s in all ({cells / runs * 1000:.1f} ms a run) / {workers} + "
        f"one kernel start {kernel:.2f} s = {floor:.2f} s; the grid is {grid / floor:.1f}x it"
    )
    _goals.report(
        f"{runs}-run grid, {workers} workers, against a papermill CLI loop", peer / grid,
        ">=", 2.5, "x", f"grid {grid:.2f} s, papermill loop {peer:.2f} s",
    )  # fmt: skip
    _goals.report(
        f"{runs}-run grid, {workers} workers, against the floor", grid / floor, "<=", 1.3, "x",
        f"floor {floor:.2f} s = cells {cells:.3f} s / {workers} + kernel start {kernel:.2f} s",
    )  # fmt: skip
    _goals.report(
        "batch gate + ledger record, share of a run's execution", extra / per_run, "<", 0.05, "%"
    )
    return {
        "runs": runs,
        "workers": workers,
        "grid_s": grid,
        "papermill_loop_s": peer,
        "speedup": peer / grid,
        "gate_s": overhead["gate_s"],
        "ledger_s": overhead["ledger_s"],
        "grid_run_s": grid_per_run,
        "execution_s": per_run,
        "overhead_of_grid_run": extra / grid_per_run,
        "overhead_of_execution": extra / per_run,
        "kernel_start_s": kernel,
        "cells_s": cells,
        "floor_s": floor,
        "floor_ratio": grid / floor,
        "rounds": {k: v for k, v in times.items()},
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=3)
    options = parser.parse_args()
    run(options.runs, options.workers, options.rounds)
