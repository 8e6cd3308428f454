"""How read and write costs grow with a project's history: ledgers of 1k, 10k, 100k (and,
with ``--max-entries 1000000``, 1M) entries in one project.

Per size, each operation runs in a fresh interpreter and is timed from the call (imports
excluded); memory is the peak of Python allocations during the operation (``tracemalloc``,
in a second child, so its overhead stays out of the times; sqlite's own page cache, bounded
at its 2 MiB default, is not traced):
an append (the median of 5, after one that catches up), the first and later (median of 10)
status reads of the notebook, ``mlops check`` cold, ``mlops verify``, the panel document
(first and later), the first read of a fresh clone (no read index yet: it is built), and the
portfolio over 100 copies of the project (only at the sizes given by ``--portfolio-max``:
100 x 1M entries would be 40 GB of ledgers).

The big ledgers are generated fast (valid chained entries encoded directly, one fsync at
the end) on a project made with the real API (a 30-cell notebook and decisions about it);
the generated entries concern 100 other notebooks, so the notebook's own history stays the
same at every size. ``mlops verify`` must pass on each.
usage: python -m bench.bench_scaling [--max-entries 100000] [--portfolio-max 10000]
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from ._goals import report
from .bench_check import build_project

SIZES = (1_000, 10_000, 100_000, 1_000_000)

OP = """
import json, statistics, sys, time, tracemalloc
from pathlib import Path
from jupyterlab_mlops.checklists.evaluate import check_notebook
from jupyterlab_mlops.ledger import verify_ledger
from jupyterlab_mlops.panel import panel_document
from jupyterlab_mlops.portfolio import portfolio
from jupyterlab_mlops.project import find_project
from jupyterlab_mlops.status import project_status
root, notebook, op, traced = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3], sys.argv[4] == "1"
def timed(call):
    start = time.perf_counter(); value = call(); return time.perf_counter() - start, value
out = {}
if traced:
    tracemalloc.start()
if op == "portfolio":
    for cache in root.glob("*/.mlops/cache/portfolio.json"):
        cache.unlink()  # cold: every project evaluated
    out["first"], found = timed(lambda: portfolio(root))
    assert found.evaluated == len(found.projects) == 100, found.to_json()["cached"]
else:
    project = find_project(root)
if op == "append":
    project.ledger.append("bench.note", {"warm": 1}, actor="bench")
    out["first"] = statistics.median(
        timed(lambda: project.ledger.append("bench.note", {"i": i}, actor="bench"))[0]
        for i in range(5)
    )
elif op == "status":
    out["first"], _ = timed(lambda: project_status(project, notebook))
    out["later"] = statistics.median(timed(lambda: project_status(project, notebook))[0] for _ in range(10))
elif op == "check":
    out["first"], _ = timed(lambda: check_notebook(project, notebook))
elif op == "verify":
    out["first"], verified = timed(lambda: verify_ledger(project.ledger_path))
    assert verified.ok, verified.problems[:3]
    out["entries"] = verified.entries
elif op == "panel":
    out["first"], _ = timed(lambda: panel_document(notebook, "bench", root))
    out["later"] = statistics.median(timed(lambda: panel_document(notebook, "bench", root))[0] for _ in range(5))
elif op == "clone":
    for name in ("ledger-index.sqlite", "ledger-index.sqlite-wal", "ledger-index.sqlite-shm"):
        (project.mlops_dir / "cache" / name).unlink(missing_ok=True)
    out["first"], count = timed(lambda: len(project.ledger))
out["peak_bytes"] = tracemalloc.get_traced_memory()[1] if traced else 0
print(json.dumps(out))
"""

OPS = ("append", "status", "check", "verify", "panel", "clone")


def grow(project: Any, total: int) -> None:
    """Append valid chained entries until the ledger holds ``total``: encoded directly,
    written through one buffered file, one fsync at the end."""
    from jupyterlab_mlops.ledger.entry import new_entry

    ledger = project.ledger
    heads = ledger.heads
    assert len(heads) == 1
    parent = ledger.get(heads[0])
    start = datetime.datetime.strptime(parent.time, "%Y-%m-%dT%H:%M:%S.%fZ")
    prev, n = parent.hash, parent.n
    with open(project.ledger_path, "ab", buffering=1 << 20) as stream:
        for i in range(total - len(ledger)):
            n += 1
            when = start + datetime.timedelta(microseconds=i + 1)  # 1M entries span 1 s
            notebook = (
                {"path": f"other/nb{i % 100}.ipynb", "fingerprint": "sha256:" + "0" * 64}
                if i % 2
                else None
            )
            entry, line = new_entry(
                kind="bench.note" if i % 3 else "bench.other",
                time=when.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
                actor="Bench <bench@example.com>",
                parents=(prev,),
                n=n,
                notebook=notebook,
                payload={"i": i, "text": "y" * 120},
                links=(),
            )
            stream.write(line)
            prev = entry.hash
        stream.flush()
        os.fsync(stream.fileno())


def _child(root: Path, notebook: Path, op: str) -> dict[str, float]:
    """Times from an untraced child; peak memory from a second child under tracemalloc."""

    def child(traced: str) -> dict[str, float]:
        done = subprocess.run(
            [sys.executable, "-c", OP, str(root), str(notebook), op, traced],
            capture_output=True,
            text=True,
            check=True,
        )
        return json.loads(done.stdout)

    timed = child("0")
    timed["peak_bytes"] = child("1")["peak_bytes"]
    return timed


def measure(root: Path, size: int, portfolio: bool) -> dict[str, Any]:
    project, notebook = build_project(root / "p000", 30, 30)
    grow(project, size)
    row: dict[str, Any] = {"entries": size, "bytes": project.ledger_path.stat().st_size}
    for op in OPS:
        row[op] = _child(project.root, notebook, op)
    if portfolio:
        shutil.rmtree(root / "p000" / ".mlops" / "cache" / "portfolio.json", ignore_errors=True)
        for index in range(1, 100):
            shutil.copytree(root / "p000", root / f"p{index:03d}", symlinks=True)
        row["portfolio"] = _child(root, notebook, "portfolio")
    return row


def _cell(figure: dict[str, float] | None, key: str = "first") -> str:
    if not figure:
        return "-"
    return f"{figure[key] * 1000:,.1f} ms / {figure['peak_bytes'] / 2**20:,.1f} MiB"


def table(rows: list[dict[str, Any]]) -> str:
    """The scaling table, Markdown (time / peak memory growth per cell)."""
    heads = [
        ("append", "append", "first"),
        ("status, first", "status", "first"),
        ("status, later", "status", "later"),
        ("check, cold", "check", "first"),
        ("verify", "verify", "first"),
        ("panel, first", "panel", "first"),
        ("panel, later", "panel", "later"),
        ("first read, no index", "clone", "first"),
        ("portfolio, 100 projects", "portfolio", "first"),
    ]
    lines = [
        "| entries | file | " + " | ".join(h for h, _, _ in heads) + " |",
        "|---" * (len(heads) + 2) + "|",
    ]
    for row in rows:
        cells = []
        for _, op, key in heads:
            figure = row.get(op)
            cells.append(_cell(figure, key) if figure else "not run")
            if figure and key == "later":
                cells[-1] = f"{figure['later'] * 1000:,.1f} ms"
        size = f"{row['bytes'] / 2**20:,.1f} MiB"
        lines.append(f"| {row['entries']:,} | {size} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def run(max_entries: int = 100_000, portfolio_max: int = 10_000) -> dict[str, Any]:
    rows = []
    for size in (s for s in SIZES if s <= max_entries):
        with tempfile.TemporaryDirectory(dir=os.environ.get("BENCH_DIR")) as tmp:
            rows.append(measure(Path(tmp), size, size <= portfolio_max))
        print(table(rows[-1:]).splitlines()[-1], flush=True)
    print(table(rows))
    small, big = rows[0], rows[-1]
    grown = big["entries"] / small["entries"]
    detail = f"{small['entries']:,} -> {big['entries']:,} entries ({grown:,.0f}x)"
    for name, op, key in (
        ("append", "append", "first"),
        ("status, later reads", "status", "later"),
    ):
        ratio = big[op][key] / small[op][key]
        report(f"scaling: {name}, growth", ratio, "<=", 3.0, "x", f"flat: {detail}")
    for name, op in (("status, first read", "status"), ("verify", "verify")):
        ratio = big[op]["first"] / small[op]["first"]
        report(
            f"scaling: {name}, growth", ratio, "<=", 1.5 * grown, "x", f"at most linear: {detail}"
        )
    peak = max(row[op]["peak_bytes"] for row in rows for op in OPS if op != "verify")
    report(
        "scaling: peak memory growth of a read (not verify)",
        peak / 2**20,
        "<=",
        64.0,
        "MiB",
        f"bounded, tracemalloc peak; largest {big['entries']:,} entries",
    )
    return {"rows": rows}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-entries", type=int, default=100_000)
    parser.add_argument("--portfolio-max", type=int, default=10_000)
    options = parser.parse_args()
    run(options.max_entries, options.portfolio_max)
