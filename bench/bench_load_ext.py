"""``%load_ext jupyterlab_mlops`` versus ``import mlflow``, each in fresh interpreters."""

from __future__ import annotations

from . import _goals
from ._util import fmt_ms, median, time_in_fresh_python

LOAD_EXT = """
import time
from IPython.core.interactiveshell import InteractiveShell
shell = InteractiveShell.instance()
start = time.perf_counter()
shell.run_line_magic("load_ext", "jupyterlab_mlops")
print(time.perf_counter() - start)
"""

IMPORT_MLFLOW = """
import time
from IPython.core.interactiveshell import InteractiveShell
shell = InteractiveShell.instance()
start = time.perf_counter()
import mlflow
print(time.perf_counter() - start)
"""


def run(repeat: int = 11) -> dict[str, float]:
    load_ext = median(time_in_fresh_python(LOAD_EXT, repeat))
    mlflow = median(time_in_fresh_python(IMPORT_MLFLOW, repeat))
    result = {"load_ext_s": load_ext, "import_mlflow_s": mlflow, "ratio": load_ext / mlflow}
    print(f"%load_ext jupyterlab_mlops   median {fmt_ms(load_ext)}  (goal < 200 ms)")
    print(f"import mlflow (peer)         median {fmt_ms(mlflow)}")
    print(f"ratio load_ext / import mlflow     {result['ratio']:.3f}  (goal < 0.1)")
    _goals.report("%load_ext jupyterlab_mlops", load_ext, "<", 0.200, "ms")
    _goals.report("%load_ext against import mlflow", result["ratio"], "<", 0.1, "x")
    return result


if __name__ == "__main__":
    run()
