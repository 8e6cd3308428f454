"""``%load_ext jupyterlab_mlops`` must stay cheap: no heavy library is imported until a command needs it."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = [
    "pandas",
    "numpy",
    "pydantic",
    "yaml",
    "rfc8785",
    "filelock",
    "nbformat",
    "jupyter_server",
    "tornado",
    "mlflow",
    "dvc",
    "papermill",
    "shap",
    "fairlearn",
    "sklearn",
    "matplotlib",
    "numba",
    "ipywidgets",
]

PROBE = """
import json, sys
from IPython.core.interactiveshell import InteractiveShell
shell = InteractiveShell.instance()
before = set(sys.modules)
shell.run_line_magic("load_ext", "jupyterlab_mlops")
assert "mlops" in shell.magics_manager.magics["line"] and "mlops" in shell.magics_manager.magics["cell"]
print(json.dumps(sorted(set(sys.modules) - before)))
"""


def test_load_ext_imports_no_heavy_library() -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=120, check=True
    )
    loaded = json.loads(done.stdout)
    roots = {name.split(".")[0] for name in loaded}
    assert not roots & set(HEAVY), sorted(roots & set(HEAVY))
    assert {"jupyterlab_mlops", "jupyterlab_mlops.magics"} <= set(loaded)
    assert "jupyterlab_mlops.ledger" not in loaded  # not even our own core until a command runs
