"""``mlops data add`` against ``dvc add`` (the peer), both as commands in fresh git repos.

Cases (each timed ``rounds`` times, in a new repository each time, medians compared):

* a new 1 GiB file of random bytes (an opaque file: hashing and copying only);
* a new 1 GiB CSV (the example's synthetic applications, repeated): ours also profiles every
  row and screens a sample for PII, work that ``dvc add`` does not do;
* a new folder of 10,000 small files (1-4 KB each);
* an unchanged re-add of that 1 GiB file (``dvc add`` re-copies it; ours checks a stat
  signature and the ``.dvc`` file and returns).

The data files are made once and hard-linked into each repository (same inode: no copy, the
page cache is warm for both tools alike). ``DVC_NO_ANALYTICS`` keeps the peer offline.
usage: python -m bench.bench_data [--gib 1] [--files 10000] [--rounds 3]
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

from ._util import median

ENV = {**os.environ, "DVC_NO_ANALYTICS": "1", "MLOPS_USER": "bench <bench@example.com>"}
BIN = Path(sys.executable).parent


def _run(args: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(args, cwd=cwd, env=ENV, check=True, capture_output=True)
    return time.perf_counter() - start


def _repo(base: Path, name: str, tool: str) -> Path:
    root = base / name
    root.mkdir()
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    if tool == "dvc":
        subprocess.run([str(BIN / "dvc"), "init", "-q"], cwd=root, env=ENV, check=True)
    else:  # ours makes the project a DVC repo on first use: that is part of what is timed
        subprocess.run(
            [str(BIN / "mlops"), "init"], cwd=root, env=ENV, check=True, capture_output=True
        )
    return root


def _link_in(source: Path, root: Path) -> Path:
    target = root / source.name
    if source.is_dir():
        shutil.copytree(source, target, copy_function=os.link)
    else:
        os.link(source, target)
    return target


def _command(tool: str, name: str) -> list[str]:
    if tool == "dvc":
        return [str(BIN / "dvc"), "add", "-q", name]
    return [str(BIN / "mlops"), "data", "add", name]


def _case(base: Path, source: Path, rounds: int, readd: bool) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {"dvc": [], "mlops": []}
    for index in range(rounds):
        for tool in ("dvc", "mlops") if index % 2 == 0 else ("mlops", "dvc"):
            root = _repo(base, f"{source.name}-{tool}-{index}", tool)
            _link_in(source, root)
            first = _run(_command(tool, source.name), root)
            times[tool].append(_run(_command(tool, source.name), root) if readd else first)
            shutil.rmtree(root)
    return times


def _make_big(base: Path, gib: float) -> Path:
    path = base / "big.bin"
    chunk = os.urandom(1 << 24)
    with open(path, "wb") as out:
        for _ in range(int(gib * 64)):
            out.write(chunk)
    return path


def _make_csv(base: Path, gib: float) -> Path:
    """The example project's applications (50,000 rows) repeated to ``gib`` GiB."""
    import importlib.util

    script = Path(__file__).resolve().parents[1] / "examples" / "credit-risk" / "make_data.py"
    spec = importlib.util.spec_from_file_location("make_data", script)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    text = module.make_applications(50_000, 1).to_csv(index=False).encode()
    header, body = text.split(b"\n", 1)
    path = base / "applications.csv"
    with open(path, "wb") as out:
        out.write(header + b"\n")
        for _ in range(max(1, round(gib * (1 << 30) / len(body)))):
            out.write(body)
    return path


def _make_folder(base: Path, files: int) -> Path:
    folder = base / "many"
    for index in range(files):
        sub = folder / f"{index % 100:02d}"
        sub.mkdir(parents=True, exist_ok=True)
        (sub / f"{index}.bin").write_bytes(os.urandom(1024 + index % 3072))
    return folder


def _report(label: str, times: dict[str, list[float]], goal: str) -> dict[str, float]:
    ours, peer = median(times["mlops"]), median(times["dvc"])
    print(
        f"{label:<34} mlops {ours:7.2f} s   dvc {peer:7.2f} s   ratio {ours / peer:5.2f}  ({goal})"
    )
    return {"mlops_s": ours, "dvc_s": peer, "ratio": ours / peer}


def run(gib: float = 1.0, files: int = 10_000, rounds: int = 3) -> dict[str, dict[str, float]]:
    with tempfile.TemporaryDirectory(dir=os.environ.get("BENCH_DIR")) as tmp:
        base = Path(tmp)
        big, folder, csv = _make_big(base, gib), _make_folder(base, files), _make_csv(base, gib)
        results = {
            "new_file": _report(
                f"new {gib:g} GiB file", _case(base, big, rounds, False), "goal <= 1.1"
            ),
            "new_csv": _report(
                f"new {gib:g} GiB CSV (profiled, screened)",
                _case(base, csv, rounds, False),
                "dvc does no profiling",
            ),
            "new_folder": _report(
                f"new folder of {files:,} files", _case(base, folder, rounds, False), "goal <= 1.1"
            ),
            "unchanged_readd": _report(
                f"unchanged re-add of {gib:g} GiB",
                _case(base, big, rounds, True),
                "goal mlops < 0.5 s",
            ),
        }
    return results


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gib", type=float, default=1.0)
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3)
    options = parser.parse_args()
    run(options.gib, options.files, options.rounds)
