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
The profile step alone (``profile_path``) is also timed against ``pandas.read_csv`` of the
same CSV, each in a fresh process, with its peak memory (RSS).
usage: python -m bench.bench_data [--gib 1] [--files 10000] [--rounds 3] [--only csv]
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

from ._goals import report
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


_STEP = """
import resource, sys, time
path, which = sys.argv[1], sys.argv[2]
if which == "pandas":
    import pandas
else:
    from jupyterlab_mlops.data.profile import profile_path
start = time.perf_counter()
if which == "pandas":
    pandas.read_csv(path)
else:
    profile_path(path)
print(time.perf_counter() - start, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""


def _step(csv: Path, which: str) -> tuple[float, float]:
    """Seconds and peak MiB of the profile step alone (or pandas.read_csv) in a fresh process."""
    done = subprocess.run(
        [sys.executable, "-c", _STEP, str(csv), which],
        env=ENV,
        check=True,
        capture_output=True,
        text=True,
    )
    seconds, mib = done.stdout.split()
    return float(seconds), float(mib)


def _profile_step(csv: Path, rounds: int) -> None:
    """The profile step alone against ``pandas.read_csv`` of the same file (interleaved)."""
    times: dict[str, list[float]] = {"profile": [], "pandas": []}
    peaks: dict[str, list[float]] = {"profile": [], "pandas": []}
    for index in range(rounds):
        for which in ("profile", "pandas") if index % 2 == 0 else ("pandas", "profile"):
            seconds, mib = _step(csv, which)
            times[which].append(seconds)
            peaks[which].append(mib)
    ours, peer = median(times["profile"]), median(times["pandas"])
    mem, peer_mem = max(peaks["profile"]), max(peaks["pandas"])
    print(
        f"profile step alone                 profile {ours:6.2f} s {mem:6.0f} MiB   "
        f"pandas.read_csv {peer:6.2f} s {peer_mem:6.0f} MiB"
    )
    report(
        "data profile step alone vs pandas.read_csv (time)",
        ours / peer,
        "<=",
        1.0,
        "x",
        f"profile {ours:.2f} s, read_csv {peer:.2f} s",
    )
    report(
        "data profile step alone vs pandas.read_csv (peak memory)",
        mem / peer_mem,
        "<=",
        0.5,
        "x",
        f"profile {mem:.0f} MiB, read_csv {peer_mem:.0f} MiB (peak RSS)",
    )


def _csv_case(base: Path, csv: Path, gib: float, rounds: int) -> dict[str, float]:
    """The new CSV against ``dvc add`` (goal <= 1.5x), then the profile step alone."""
    result = _report(
        f"new {gib:g} GiB CSV (profiled, screened)",
        _case(base, csv, rounds, False),
        "goal <= 1.5; dvc does no profiling",
    )
    report(
        f"mlops data add of a new {gib:g} GiB CSV vs dvc add",
        result["ratio"],
        "<=",
        1.5,
        "x",
        f"mlops {result['mlops_s']:.2f} s, dvc {result['dvc_s']:.2f} s; ours profiles and PII-screens",
    )
    _profile_step(csv, rounds)
    return result


def run(
    gib: float = 1.0, files: int = 10_000, rounds: int = 3, only: str | None = None
) -> dict[str, dict[str, float]]:
    with tempfile.TemporaryDirectory(dir=os.environ.get("BENCH_DIR")) as tmp:
        base = Path(tmp)
        csv = _make_csv(base, gib)
        if only == "csv":
            return {"new_csv": _csv_case(base, csv, gib, rounds)}
        big, folder = _make_big(base, gib), _make_folder(base, files)
        results = {
            "new_file": _report(
                f"new {gib:g} GiB file", _case(base, big, rounds, False), "goal <= 1.1"
            ),
            "new_csv": _csv_case(base, csv, gib, rounds),
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
    parser.add_argument("--only", choices=["csv"], help="only the new CSV case")
    options = parser.parse_args()
    run(options.gib, options.files, options.rounds, options.only)
