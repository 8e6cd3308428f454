"""Panel refresh latency: the REST round trip of ``GET mlops/api/notebook`` against a real
Jupyter server (token auth on) for a 300-cell notebook in a project with a 10,000-entry ledger.

Measured after a change (a new ledger entry before each request, so the server re-evaluates
the checklist, sign-offs and timeline), and unchanged (the panel's poll with If-None-Match: 304).
The peer is jupyter-server's own ``GET api/contents/NOTEBOOK`` (what JupyterLab asks to open or
revert the same notebook), timed in the same run. Rendering in the browser is not included.
usage: python -m bench.bench_panel [--cells 300] [--entries 10000] [--rounds 40]
"""

from __future__ import annotations

import argparse
import http.client
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from . import _goals
from ._util import fmt_ms
from .bench_check import build_project

TOKEN = "bench-token"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


def run(cells: int = 300, entries: int = 10_000, rounds: int = 40) -> dict[str, float]:
    with tempfile.TemporaryDirectory(dir=os.environ.get("BENCH_DIR")) as tmp:
        root = Path(tmp)
        project, _ = build_project(root / "credit", cells, entries)
        port = _free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "jupyter_server", f"--port={port}", "--ip=127.0.0.1",
             f"--ServerApp.token={TOKEN}", f"--ServerApp.root_dir={root}", "--no-browser",
             "--allow-root",
             "--ServerApp.jpserver_extensions=jupyterlab_mlops=True"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            connection = _connect(port)
            headers = {"Authorization": f"token {TOKEN}"}
            ours = "/mlops/api/notebook?path=credit/train.ipynb"
            peer = "/api/contents/credit/train.ipynb?type=notebook&content=1"
            status, etag = _get(connection, ours, headers)  # warm-up: the first read of the ledger
            changed, unchanged, contents = [], [], []
            for index in range(rounds):
                project.ledger.append("bench.note", {"round": index}, actor="bench")
                start = time.perf_counter()
                status, etag = _get(connection, ours, headers)
                changed.append(time.perf_counter() - start)
                assert status == 200, status
                start = time.perf_counter()
                status, _ = _get(connection, ours, {**headers, "If-None-Match": etag})
                unchanged.append(time.perf_counter() - start)
                assert status == 304, status
                start = time.perf_counter()
                status, _ = _get(connection, peer, headers)
                contents.append(time.perf_counter() - start)
                assert status == 200, status
            total = len(project.ledger)
        finally:
            server.terminate()
            server.wait(timeout=30)
    result = {
        "changed_p50_s": statistics.median(changed),
        "changed_p95_s": _p95(changed),
        "unchanged_p50_s": statistics.median(unchanged),
        "contents_p50_s": statistics.median(contents),
        "ratio_changed_to_contents": statistics.median(changed) / statistics.median(contents),
        "entries": total,
    }
    print(
        f"panel refresh, {cells} cells, {total:,} entries: after a change p50 "
        f"{fmt_ms(result['changed_p50_s'])}, p95 {fmt_ms(result['changed_p95_s'])} (goal p95 < 150 ms); "
        f"unchanged (304) p50 {fmt_ms(result['unchanged_p50_s'])}; jupyter-server contents GET "
        f"p50 {fmt_ms(result['contents_p50_s'])}; ratio {result['ratio_changed_to_contents']:.2f}"
    )
    _goals.report("panel refresh after a change, p95", result["changed_p95_s"], "<", 0.150, "ms")
    return result


def _connect(port: int) -> http.client.HTTPConnection:
    deadline = time.monotonic() + 60
    while True:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            connection.request("GET", "/api/status", headers={"Authorization": f"token {TOKEN}"})
            connection.getresponse().read()
            return connection
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


_COOKIES: dict[str, str] = {}


def _get(
    connection: http.client.HTTPConnection, path: str, headers: dict[str, str]
) -> tuple[int, str | None]:
    """GET with the login cookie kept, as a browser does (so the user stays the same)."""
    cookie = "; ".join(f"{k}={v}" for k, v in _COOKIES.items())
    connection.request("GET", path, headers={**headers, **({"Cookie": cookie} if cookie else {})})
    response = connection.getresponse()
    response.read()
    for header in response.headers.get_all("Set-Cookie") or []:
        name, _, value = header.split(";", 1)[0].partition("=")
        _COOKIES[name] = value
    return response.status, response.getheader("Etag")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cells", type=int, default=300)
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=40)
    options = parser.parse_args()
    run(options.cells, options.entries, options.rounds)
