"""What code running in a kernel can tell about itself: its notebook and the cell being run.

Used by the ``%mlops`` magics and by the Python API (``jupyterlab_mlops.run``). IPython is
only looked at when it is already running this code; nothing here imports it otherwise.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any


def shell() -> Any:
    """The running IPython shell, or None outside IPython."""
    if "IPython" not in sys.modules:
        return None
    from IPython import get_ipython

    return get_ipython()


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
