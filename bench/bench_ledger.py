"""Ledger appends and reads, against a raw fsync'd append (the floor) and MLflow (the peer).

* appends: durable single-writer appends per second; the floor is ``write`` + ``fsync`` of the
  same bytes to a plain file in the same folder; the peer is ``mlflow.log_param`` on the
  default SQLite store (one durable fact per call, as ours).

Reads (a notebook's status in a 10,000-entry ledger) are in ``bench_status``.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

from jupyterlab_mlops.ledger import Ledger
from jupyterlab_mlops.project import init_project

from ._util import median


def _append_rate(ledger: Ledger, count: int) -> float:
    start = time.perf_counter()
    for i in range(count):
        ledger.append("bench.note", {"i": i, "text": "x" * 200}, actor="bench <bench@example.com>")
    return count / (time.perf_counter() - start)


def _raw_rate(path: Path, line: bytes, count: int) -> float:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    start = time.perf_counter()
    for _ in range(count):
        os.write(fd, line)
        os.fsync(fd)
    rate = count / (time.perf_counter() - start)
    os.close(fd)
    return rate


def _mlflow_rate(folder: Path, count: int) -> float:
    os.environ["MLFLOW_TRACKING_URI"] = f"sqlite:///{folder / 'mlflow.db'}"
    import mlflow

    with mlflow.start_run():
        start = time.perf_counter()
        for i in range(count):
            mlflow.log_param(f"p{i}", i)
        return count / (time.perf_counter() - start)


def run(appends: int = 2000, history: int = 10_000, rounds: int = 3) -> dict[str, float]:
    with tempfile.TemporaryDirectory(dir=os.environ.get("BENCH_DIR")) as tmp:
        root = Path(tmp)
        project = init_project(
            root, name="bench", template="classification", risk_tier="high", actor="bench"
        )
        sample = project.ledger.append(
            "bench.note", {"i": 0, "text": "x" * 200}, actor="bench <bench@example.com>"
        )
        ours, floor, peer = [], [], []
        for _ in range(rounds):  # interleaved, so disk noise hits all three alike
            ours.append(_append_rate(project.ledger, appends))
            floor.append(_raw_rate(root / "raw.jsonl", sample.encode(), appends))
            peer.append(_mlflow_rate(root, appends // 4))
        result = {
            "appends_per_s": median(ours),
            "raw_fsync_per_s": median(floor),
            "mlflow_log_param_per_s": median(peer),
        }
        print(
            f"ledger appends (durable)     median {result['appends_per_s']:8.0f} /s  (goal >= 1000)"
        )
        print(
            f"raw write+fsync (floor)      median {result['raw_fsync_per_s']:8.0f} /s  -> ours at {result['appends_per_s'] / result['raw_fsync_per_s']:.2f}x the floor"
        )
        print(
            f"mlflow.log_param (peer)      median {result['mlflow_log_param_per_s']:8.0f} /s  -> ours {result['appends_per_s'] / result['mlflow_log_param_per_s']:.1f}x faster"
        )

        return result


if __name__ == "__main__":
    run()
