"""What code running in a kernel can tell about itself: its notebook, the cell being run, and
whether it is the kernel of a batch run (whose data reads it then notes for the run).

Used by the ``%mlops`` magics, the Python API (``jupyterlab_mlops.run``, ``data.path``) and
batch runs, which set :data:`BATCH_ENV` and :data:`INPUTS_ENV` for their kernels. IPython is
only looked at when it is already running this code; nothing here imports it.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .locate import UNKNOWN, find_notebook, normalise

#: set in a batch run's kernel: the batch run's id
BATCH_ENV = "MLOPS_BATCH_RUN"
#: set in a batch run's kernel: the file its data reads are noted in
INPUTS_ENV = "MLOPS_BATCH_INPUTS"


def shell() -> Any:
    """The running IPython shell, or None outside IPython (never imports IPython)."""
    get_ipython = getattr(sys.modules.get("IPython"), "get_ipython", None)
    return get_ipython() if get_ipython is not None else None


def after_each_cell(callback: Callable[[], None]) -> Callable[[], None]:
    """Call ``callback`` after every cell the running IPython shell runs (its
    ``post_run_cell`` event), until the function returned is called. Outside IPython nothing
    is registered. ``callback`` should not raise: IPython would show a traceback."""
    ipython = shell()
    events = getattr(ipython, "events", None)
    if events is None:
        return lambda: None

    def hook(*_: Any) -> None:
        callback()

    events.register("post_run_cell", hook)

    def remove() -> None:
        with contextlib.suppress(ValueError):
            events.unregister("post_run_cell", hook)

    return remove


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
    """The notebook this kernel runs, or None and why it is unknown.

    In order: ``explicit`` (else ``%config MlopsMagics.notebook``), ``MLOPS_NOTEBOOK``, the path
    the front end gave the kernel (VS Code's ``__vsc_ipynb_file__``, Jupyter's ``__session__``
    or ``JPY_SESSION_NAME``), else the saved notebook holding the code this kernel ran (for
    papermill, nbconvert and nbclient, which say nothing: see :mod:`.locate`), searched once
    and remembered for this kernel. A bare IPython shell (no kernel) has no notebook.
    """
    ipython = ipython if ipython is not None else shell()
    explicit = explicit or _configured(ipython) or os.environ.get("MLOPS_NOTEBOOK", "")
    if explicit:
        return Path(explicit).expanduser().absolute(), None
    found = _remembered(ipython)
    if found is not None and found.is_file():  # searched for before, in this kernel
        return found, None
    user_ns = getattr(ipython, "user_ns", None) or {}
    vscode = user_ns.get("__vsc_ipynb_file__")
    session = vscode or user_ns.get("__session__") or os.environ.get("JPY_SESSION_NAME", "")
    if session:
        path = Path(str(session)).expanduser().absolute()  # both give an absolute path
        if not path.is_file():
            return None, f"this kernel was started for {session}, which no longer exists (renamed?)"
        if vscode or not _inherited(path, ipython):
            return path, None
    if getattr(ipython, "kernel", None) is None:
        return None, UNKNOWN  # a bare IPython shell: no notebook to find
    _, code = current_cell(ipython)
    history = getattr(getattr(ipython, "history_manager", None), "input_hist_raw", None) or []
    folders = [Path.cwd()]
    if os.path.isdir(os.environ.get("PWD", "")):  # where the runner was started from
        folders.append(Path(os.environ["PWD"]))
    found, problem = find_notebook(list(history), code, folders, _launcher())
    if found is None:
        return (path, None) if session else (None, problem)
    with contextlib.suppress(TypeError):  # a shell that cannot be weakly referenced
        _FOUND[ipython] = found
    return found, None


#: the notebook found for each kernel's shell by searching (see :func:`current_notebook`)
_FOUND: weakref.WeakKeyDictionary[Any, Path] = weakref.WeakKeyDictionary()


def _remembered(ipython: Any) -> Path | None:
    try:
        return _FOUND.get(ipython)
    except TypeError:  # None, or a shell that cannot be weakly referenced
        return None


def _configured(ipython: Any) -> str:
    """``%config MlopsMagics.notebook``, for code that is not the magic (``run()``)."""
    registry = getattr(getattr(ipython, "magics_manager", None), "registry", None) or {}
    return str(getattr(registry.get("MlopsMagics"), "notebook", "") or "")


def _inherited(session: Path, ipython: Any) -> bool:
    """Is the session's notebook not this kernel's? JupyterLab sends the running cell's id; a
    kernel started by papermill or nbclient from inside a notebook inherits that notebook's
    ``JPY_SESSION_NAME`` but runs code the session's notebook does not hold."""
    cell_id, code = current_cell(ipython)
    if cell_id or not code or not code.strip():
        return False
    try:
        notebook = json.loads(session.read_text(encoding="utf-8"))
        cells = {normalise(_joined(c.get("source"))) for c in notebook.get("cells", [])}
    except (OSError, ValueError, AttributeError, TypeError):
        return False
    return normalise(code) not in cells


def _joined(source: Any) -> str:
    return "".join(source) if isinstance(source, list) else str(source or "")


def _launcher() -> list[str]:
    """The command line of the process that started this kernel (Linux), else nothing."""
    try:
        raw = Path(f"/proc/{os.getppid()}/cmdline").read_bytes()
    except OSError:
        return []
    return [arg.decode("utf-8", "replace") for arg in raw.split(b"\0") if arg]


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
