"""Durable ledger appends against a raw fsync'd append (the floor) and MLflow (the peer).

* one writer: durable appends per second; the floor is ``write`` + ``fsync`` of the same bytes
  to a plain file in the same folder (goal: at least 0.8x the floor);
* 8 writers at once, as 8 processes and as 8 threads of one process (the server): total
  durable appends per second, against the same single-writer floor (goal: at least 1x; only
  a group commit, one ``fsync`` for several writers, gets there);
* the peer: ``mlflow.log_param`` on the default SQLite store (one durable fact per call).

Rounds are interleaved (ours, floor, 8 processes, 8 threads, peer), so disk noise hits them
alike: within a round one writer and the floor alternate in slices of 100 appends, and the
8-writer runs are compared with the floor measured just before and after them. Each ratio is
taken within its round; the median of the rounds' ratios is reported.

usage: python -m bench.bench_ledger [--appends 2000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from jupyterlab_mlops.ledger import Ledger
from jupyterlab_mlops.project import init_project

from ._goals import report
from ._util import median

WRITERS = 8
_SLICE = 100  # appends per alternating slice, one writer against the floor
PAYLOAD = {"text": "x" * 200}
ACTOR = "bench <bench@example.com>"

# one writer process: appends COUNT entries once told to start; prints when it started and ended
WORKER = """
import json, sys, time
from pathlib import Path
from jupyterlab_mlops.ledger import open_ledger
ledger = open_ledger(Path(sys.argv[1]))
label, count = sys.argv[2], int(sys.argv[3])
ledger.entries()
print("ready", flush=True)
sys.stdin.readline()
start = time.monotonic()
for i in range(count):
    ledger.append("bench.note", {"w": label, "i": i, "text": "x" * 200}, actor="bench")
print(json.dumps([start, time.monotonic()]), flush=True)
"""


def _append_rate(ledger: Ledger, count: int) -> float:
    start = time.perf_counter()
    for i in range(count):
        ledger.append("bench.note", {"i": i, **PAYLOAD}, actor=ACTOR)
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


def _processes_rate(mlops_dir: Path, count: int) -> float:
    """Total appends/s of WRITERS processes appending ``count`` each, from the first start to
    the last end (interpreter start-up and imports excluded)."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, str(mlops_dir), str(w), str(count)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )
        for w in range(WRITERS)
    ]
    for worker in workers:
        assert worker.stdout is not None and worker.stdout.readline().strip() == "ready"
    for worker in workers:
        assert worker.stdin is not None
        worker.stdin.write("go\n")
        worker.stdin.flush()
    spans = []
    for worker in workers:
        out, _ = worker.communicate(timeout=600)
        assert worker.returncode == 0
        spans.append(json.loads(out.strip().splitlines()[-1]))
    return WRITERS * count / (max(end for _, end in spans) - min(start for start, _ in spans))


def _threads_rate(ledger: Ledger, count: int) -> float:
    """Total appends/s of WRITERS threads appending ``count`` each to one shared ledger."""
    go = threading.Barrier(WRITERS + 1)

    def write(label: int) -> None:
        go.wait()
        for i in range(count):
            ledger.append("bench.note", {"t": label, "i": i, **PAYLOAD}, actor=ACTOR)

    threads = [threading.Thread(target=write, args=(w,)) for w in range(WRITERS)]
    for thread in threads:
        thread.start()
    go.wait()
    start = time.perf_counter()
    for thread in threads:
        thread.join()
    return WRITERS * count / (time.perf_counter() - start)


def _mlflow_rate(folder: Path, count: int) -> float:
    os.environ["MLFLOW_TRACKING_URI"] = f"sqlite:///{folder / 'mlflow.db'}"
    import mlflow

    with mlflow.start_run():
        start = time.perf_counter()
        for i in range(count):
            mlflow.log_param(f"p{i}", i)
        return count / (time.perf_counter() - start)


def run(appends: int = 2000, rounds: int = 3, peer: bool = True) -> dict[str, float]:
    with tempfile.TemporaryDirectory(dir=os.environ.get("BENCH_DIR")) as tmp:
        root = Path(tmp)
        project = init_project(
            root, name="bench", template="classification", risk_tier="high", actor="bench"
        )
        sample = project.ledger.append("bench.note", {"i": 0, **PAYLOAD}, actor=ACTOR)
        ours, floor, procs, threads, mlflow_rates = [], [], [], [], []
        near: list[float] = []  # the floor measured next to the 8-writer runs
        for r in range(rounds):  # interleaved, so disk noise hits all of them alike
            # one writer against the floor in alternating slices: the load of a shared
            # machine drifts within seconds
            mine = raw = 0.0
            for _ in range(appends // _SLICE):
                mine += _SLICE / _append_rate(project.ledger, _SLICE)
                raw += _SLICE / _raw_rate(root / "raw.jsonl", sample.encode(), _SLICE)
            ours.append(appends // _SLICE * _SLICE / mine)
            floor.append(appends // _SLICE * _SLICE / raw)
            before = _raw_rate(root / "raw.jsonl", sample.encode(), appends // 4)
            procs.append(_processes_rate(project.mlops_dir, appends // WRITERS))
            threads.append(_threads_rate(project.ledger, appends // WRITERS))
            after = _raw_rate(root / "raw.jsonl", sample.encode(), appends // 4)
            near.append((before + after) / 2)
            if peer:
                mlflow_rates.append(_mlflow_rate(root, appends // 4))
            print(
                f"  round {r + 1}: one writer {ours[-1]:,.0f}/s, floor {floor[-1]:,.0f}/s; "
                f"{WRITERS} processes {procs[-1]:,.0f}/s, {WRITERS} threads {threads[-1]:,.0f}/s, "
                f"floor then {near[-1]:,.0f}/s"
            )
        total = len(project.ledger)
        problems = project.ledger.problems
        expected = 2 + rounds * (appends // _SLICE * _SLICE + 2 * (appends // WRITERS) * WRITERS)
        assert not problems and total == expected, (total, expected, problems[:3])
    result = {
        "appends_per_s": median(ours),
        "raw_fsync_per_s": median(floor),
        "processes_appends_per_s": median(procs),
        "threads_appends_per_s": median(threads),
    }
    # ratios per round (each against the floor of its own round), then their median
    ratio = {
        name: median([rate / raw for rate, raw in zip(rates, base, strict=True)])
        for name, rates, base in (
            ("one", ours, floor),
            ("procs", procs, near),
            ("threads", threads, near),
        )
    }
    alone = f"floor (raw write+fsync) median {result['raw_fsync_per_s']:,.0f}/s"
    beside = f"floor next to them median {median(near):,.0f}/s"
    report(
        "ledger: durable appends, one writer, against the floor",
        ratio["one"],
        ">=",
        0.8,
        "x",
        f"{result['appends_per_s']:,.0f}/s; {alone}",
    )
    report(
        f"ledger: durable appends, {WRITERS} processes in total, against the floor",
        ratio["procs"],
        ">=",
        1.0,
        "x",
        f"{result['processes_appends_per_s']:,.0f}/s; {beside}",
    )
    report(
        f"ledger: durable appends, {WRITERS} threads in total, against the floor",
        ratio["threads"],
        ">=",
        1.0,
        "x",
        f"{result['threads_appends_per_s']:,.0f}/s; {beside}",
    )
    if peer:
        result["mlflow_log_param_per_s"] = median(mlflow_rates)
        print(
            f"  mlflow.log_param (peer) {result['mlflow_log_param_per_s']:,.0f}/s: "
            f"ours {result['appends_per_s'] / result['mlflow_log_param_per_s']:.1f}x faster"
        )
    return result


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--appends", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-peer", action="store_true", help="skip MLflow (quicker)")
    args = parser.parse_args()
    run(args.appends, args.rounds, peer=not args.no_peer)
