"""What code running in a kernel can tell about itself: its notebook, the cell being run, and
whether it is the kernel of a batch run (whose data reads it then notes for the run).

Used by the ``%mlops`` magics, the Python API (``jupyterlab_mlops.run``, ``data.path``) and
batch runs, which set :data:`BATCH_ENV` and :data:`INPUTS_ENV` for their kernels. IPython is
only looked at when it is already running this code; nothing here imports it.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

#: set in a batch run's kernel: the batch run's id
BATCH_ENV = "MLOPS_BATCH_RUN"
#: set in a batch run's kernel: the file its data reads are noted in
INPUTS_ENV = "MLOPS_BATCH_INPUTS"


def shell() -> Any:
    """The running IPython shell, or None outside IPython (never imports IPython)."""
    get_ipython = getattr(sys.modules.get("IPython"), "get_ipython", None)
    return get_ipython() if get_ipython is not None else None


def batch_run_id() -> str | None:
    """The id of the batch run this process is the kernel of, or None."""
    return os.environ.get(BATCH_ENV) or None


def in_batch_run() -> bool:
    """Whether this process is the kernel of a batch run."""
    return batch_run_id() is not None


def note_input(read: dict[str, Any]) -> None:
    """In a batch run's kernel, note a data read for the batch run (elsewhere: nothing)."""
    target = os.environ.get(INPUTS_ENV)
    if not target or not in_batch_run():
        return
    with open(target, "a", encoding="utf-8") as out:  # one short line: an atomic append
        out.write(json.dumps(read, ensure_ascii=False) + "\n")


def current_notebook(explicit: str = "", ipython: Any = None) -> tuple[Path | None, str | None]:
    """The notebook this kernel runs (``explicit``, else ``MLOPS_NOTEBOOK``, else the path
    Jupyter gave the kernel), or None and why it is unknown."""
    explicit = explicit or os.environ.get("MLOPS_NOTEBOOK", "")
    if explicit:
        return Path(explicit).expanduser().absolute(), None
    ipython = ipython if ipython is not None else shell()
    user_ns = getattr(ipython, "user_ns", None) or {}
    session = user_ns.get("__session__") or os.environ.get("JPY_SESSION_NAME", "")
    if not session:
        return None, "cannot tell which notebook this kernel runs"
    path = Path(session).expanduser().absolute()  # jupyter-server gives an absolute path
    if path.is_file():
        return path, None
    return None, f"this kernel was started for {session}, which no longer exists (renamed?)"


def current_cell(ipython: Any = None) -> tuple[str | None, str | None]:
    """Id and code of the cell being run (JupyterLab sends the id in the request metadata;
    under papermill only the code is known)."""
    ipython = ipython if ipython is not None else shell()
    if ipython is None:
        return None, None
    kernel = getattr(ipython, "kernel", None)
    try:
        parent = kernel.get_parent() if kernel is not None else ipython.parent_header
    except Exception:
        return None, None
    parent = parent or {}
    cell_id = parent.get("metadata", {}).get("cellId")
    code = parent.get("content", {}).get("code")
    return (str(cell_id) if cell_id else None), (code if isinstance(code, str) else None)
