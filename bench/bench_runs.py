"""Runs through jupyterlab-mlops against MLflow called directly (the peer), same SQLite store.

* logging: 1,000 metrics one call at a time, ``run.log(m=v)`` against ``mlflow.log_metric`` as a
  user calls it (synchronous, MLflow's default); ours includes writing them (``run.flush()``,
  what the end of the cell does), so nothing is left for the run's end;
* opening and closing a run: ``with jupyterlab_mlops.run(...)`` (lineage: notebook
  fingerprint, git state, data versions, pinned package list, ledger entry) against
  ``mlflow.start_run()`` + ``mlflow.end_run()``.

Rounds alternate which side goes first; medians are compared.
usage: python -m bench.bench_runs [--metrics 1000] [--rounds 5]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import tempfile
import time
from pathlib import Path

from ._goals import report
from ._util import median


def _project(base: Path):
    from jupyterlab_mlops.project import find_project, init_project

    root = base / "project"
    root.mkdir()
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    init_project(root, name="bench", template="classification", risk_tier="high", actor="bench")
    nb = root / "train.ipynb"
    nb.write_text(
        '{"cells": [{"cell_type": "code", "id": "c1", "metadata": {}, "source": "x = 1", '
        '"outputs": [], "execution_count": null}], "metadata": {"kernelspec": {"name": '
        '"python3", "language": "python", "display_name": "Python 3"}}, "nbformat": 4, '
        '"nbformat_minor": 5}'
    )
    return find_project(root), nb


def run(metrics: int = 1000, rounds: int = 5) -> dict[str, dict[str, float]]:
    os.environ.setdefault("MLOPS_USER", "bench <bench@example.com>")
    os.environ.pop("MLFLOW_TRACKING_URI", None)  # the project's own store (another bench sets it)
    with tempfile.TemporaryDirectory(dir=os.environ.get("BENCH_DIR")) as tmp:
        project, notebook = _project(Path(tmp))
        import mlflow

        from jupyterlab_mlops.experiments import runs, store

        store.prepare(project)
        experiment = store.experiment_id(project)
        with runs.run("warm-up", project=project, notebook=str(notebook)) as warm:
            warm.log(x=1.0)
        times: dict[str, list[float]] = {
            "log_ours": [],
            "log_mlflow": [],
            "open_ours": [],
            "open_mlflow": [],
        }
        for index in range(rounds):
            for side in ("ours", "mlflow") if index % 2 == 0 else ("mlflow", "ours"):
                if side == "ours":
                    start = time.perf_counter()
                    opened = runs.run(f"ours-{index}", project=project, notebook=str(notebook))
                    opened.start()
                    opened_at = time.perf_counter()
                    for i in range(metrics):
                        opened.log(step=i, loss=1.0 / (i + 1))
                    opened.flush()  # what the end of the cell does: all of them written
                    logged_at = time.perf_counter()
                    opened.end()
                    done = time.perf_counter()
                else:
                    start = time.perf_counter()
                    mlflow.start_run(experiment_id=experiment, run_name=f"mlflow-{index}")
                    opened_at = time.perf_counter()
                    for i in range(metrics):
                        mlflow.log_metric("loss", 1.0 / (i + 1), step=i)
                    logged_at = time.perf_counter()
                    mlflow.end_run()
                    done = time.perf_counter()
                times[f"log_{side}"].append(logged_at - opened_at)
                times[f"open_{side}"].append((opened_at - start) + (done - logged_at))
    log_ours, log_peer = median(times["log_ours"]), median(times["log_mlflow"])
    open_ours, open_peer = median(times["open_ours"]), median(times["open_mlflow"])
    report(
        f"{metrics:,} metrics one call each, against mlflow.log_metric",
        log_ours / log_peer,
        "<=",
        0.5,
        "x",
        f"ours {log_ours:.2f} s (written), mlflow {log_peer:.2f} s, {rounds} rounds",
    )
    report(
        "open + close a run with lineage, beyond MLflow's own",
        open_ours - open_peer,
        "<",
        0.050,
        "ms",
        f"ours {open_ours * 1000:.0f} ms, mlflow start+end {open_peer * 1000:.0f} ms",
    )
    return {
        "log_metrics": {"ours_s": log_ours, "mlflow_s": log_peer, "ratio": log_ours / log_peer},
        "open_close": {
            "ours_s": open_ours,
            "mlflow_s": open_peer,
            "extra_s": open_ours - open_peer,
        },
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--metrics", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    options = parser.parse_args()
    run(options.metrics, options.rounds)
