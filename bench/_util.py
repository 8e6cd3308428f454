"""Small timing helpers shared by the benchmarks."""

from __future__ import annotations

import statistics
import subprocess
import sys


def median(values: list[float]) -> float:
    return statistics.median(values)


def time_in_fresh_python(code: str, repeat: int) -> list[float]:
    """Run ``code`` (which prints one float: seconds) in ``repeat`` fresh interpreters."""
    results = []
    for _ in range(repeat):
        done = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        )
        results.append(float(done.stdout.strip().splitlines()[-1]))
    return results


def fmt_ms(seconds: float) -> str:
    return f"{seconds * 1000:8.2f} ms"
