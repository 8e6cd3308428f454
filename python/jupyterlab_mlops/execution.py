"""Running a notebook top to bottom in a fresh kernel with papermill: the one way this package
executes notebooks (the clean-run check and batch jobs both use it).

The caller passes the notebook it has already read (so what runs is exactly what was checked),
the folder to run in (so the notebook's relative paths work) and where the executed copy goes.
Failures come back as data (which cell, which error), never as a traceback.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import tempfile
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import MlopsError


@dataclass(frozen=True)
class Execution:
    """How a notebook execution ended."""

    status: str  # "succeeded", "failed" or "interrupted"
    seconds: float
    kernel: str
    #: {"cell": 1-based position in the notebook as saved (the injected parameters cell not
    #: counted) or None, "error": text}
    failure: dict[str, Any] | None = None

    @property
    def ok(self) -> bool:
        return self.status == "succeeded"


def python_kernel(notebook: Mapping[str, Any], path: str) -> str:
    """The notebook's kernel name; only Python kernels run here (a clear error otherwise)."""
    metadata = notebook.get("metadata") or {}
    spec = metadata.get("kernelspec") or {}
    language = str(spec.get("language") or (metadata.get("language_info") or {}).get("name") or "")
    if language and language.lower() != "python":
        raise MlopsError(
            f"{path} uses a {language} kernel; only Python notebooks can run here",
            "switch the notebook's kernel to Python",
        )
    return str(spec.get("name") or "python3")


def execute(
    notebook: Mapping[str, Any],
    *,
    source: Path,
    output: Path,
    timeout: int | None = None,
    env: Mapping[str, str] | None = None,
    progress_bar: bool = False,
    kernel_manager: Any = None,
    wait_for_shutdown: bool = True,
) -> Execution:
    """Execute ``notebook`` (already read from ``source``) in a fresh kernel in ``source``'s
    folder, writing the executed copy to ``output`` as it goes.

    ``env`` is set for the kernel's process (and ``MLOPS_NOTEBOOK`` names ``source``, so the
    kernel's ``%mlops`` commands bind to it). Ctrl-C interrupts the kernel (see
    :func:`_ctrl_c_interrupts`) and returns ``interrupted``; the caller records it and decides
    what to raise.

    ``kernel_manager``: a kernel started ahead (see :mod:`.batch.kernels`) with its folder and
    environment, in which nothing has run yet; it is used instead of starting one (``env`` is
    then ignored). Either way the kernel is shut down at the end (without waiting for its
    process to exit unless ``wait_for_shutdown``: see :func:`shut_down`), and no process-wide
    state (environment, working folder) changes, so several threads may execute at once.
    """
    import nbformat
    import papermill
    from papermill.exceptions import PapermillExecutionError

    node = nbformat.from_dict(dict(notebook))
    kernel = python_kernel(notebook, source.name)
    output.parent.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    status, failure = "succeeded", None
    try:
        if kernel_manager is None:
            environment = {**os.environ, "MLOPS_NOTEBOOK": str(source), **(env or {})}
            kernel_manager = start_kernel(kernel, source.parent, environment)
        kernel = kernel_manager.kernel_name
        with _ctrl_c_interrupts(kernel_manager) as pressed:
            try:
                papermill.execute_notebook(
                    node,
                    _literal_path(output),
                    kernel_name=kernel,
                    progress_bar=progress_bar,
                    execution_timeout=timeout,
                    log_output=False,
                    km=kernel_manager,
                )
            except Exception:
                if not pressed.is_set():
                    raise
            if pressed.is_set():
                raise KeyboardInterrupt
    except PapermillExecutionError as exc:
        status = "failed"
        failure = {"cell": failed_cell(output), "error": f"{exc.ename}: {exc.evalue}"[:500]}
    except KeyboardInterrupt:
        status = "interrupted"
        failure = {"cell": failed_cell(output), "error": "interrupted (Ctrl-C)"}
    except Exception as exc:  # no such kernel, a dead kernel, a timeout
        status = "failed"
        failure = {"cell": None, "error": f"{type(exc).__name__}: {exc}"[:500]}
    finally:
        if kernel_manager is not None:
            shut_down(kernel_manager, wait=wait_for_shutdown)
    return Execution(status, round(time.monotonic() - started, 2), kernel, failure)


#: seconds an interrupted kernel has to stop before it is killed
INTERRUPT_GRACE_S = 3.0


@contextlib.contextmanager
def _ctrl_c_interrupts(manager: Any) -> Iterator[threading.Event]:
    """While a notebook runs, Ctrl-C interrupts its kernel, as JupyterLab's stop button does,
    and kills it if it has not stopped :data:`INTERRUPT_GRACE_S` later (or at a second Ctrl-C).

    The kernel runs in a session of its own, so a terminal's Ctrl-C reaches only this process.
    Python would raise ``KeyboardInterrupt`` wherever the executor happens to be, and an
    executor that swallows it goes on running the cell. The handler raises nothing: it sets
    the event it yields, and the execution ends because the kernel stops. Only in the main
    thread, and only where Ctrl-C has Python's default meaning (not where a caller ignores it).
    """
    pressed = threading.Event()
    process = getattr(getattr(manager, "provisioner", None), "process", None)
    if (
        process is None
        or threading.current_thread() is not threading.main_thread()
        or signal.getsignal(signal.SIGINT) is not signal.default_int_handler
    ):
        yield pressed
        return

    def send(signum: int) -> None:
        with contextlib.suppress(OSError):
            os.killpg(process.pid, signum)  # the kernel leads its own process group

    killer = threading.Timer(INTERRUPT_GRACE_S, send, (signal.SIGKILL,))
    killer.daemon = True

    def on_ctrl_c(signum: int, frame: Any) -> None:
        if pressed.is_set():
            send(signal.SIGKILL)
            return
        pressed.set()
        send(signal.SIGINT)
        killer.start()

    previous = signal.signal(signal.SIGINT, on_ctrl_c)
    try:
        yield pressed
    finally:
        signal.signal(signal.SIGINT, previous)
        killer.cancel()


def failed_cell(output: Path, *, running: bool = False) -> int | None:
    """Position of the first cell with an error output in the executed copy, counted as in
    the saved notebook (without the cells papermill adds: parameters, error markers). With
    ``running``: else the cell papermill marked as running when the copy was last saved (where
    a run whose process died stopped)."""
    import json

    try:
        cells = json.loads(output.read_text(encoding="utf-8")).get("cells", [])
    except (OSError, ValueError):
        return None
    position = 0
    for cell in cells:
        tags = (cell.get("metadata") or {}).get("tags") or []
        if "injected-parameters" in tags or "papermill-error-cell-tag" in tags:
            continue  # cells papermill added
        position += 1
        if any(o.get("output_type") == "error" for o in cell.get("outputs") or []):
            return position
        status = ((cell.get("metadata") or {}).get("papermill") or {}).get("status")
        if running and status == "running":
            return position
    return None


def _literal_path(path: Path) -> str:
    """papermill formats output paths with its parameters: keep braces in ours literal."""
    return str(path).replace("{", "{{").replace("}", "}}")


def start_kernel(kernel_name: str, cwd: Path, env: Mapping[str, str]) -> Any:
    """A kernel started in ``cwd`` with the environment ``env``, talking over Unix sockets in
    a private folder (mode 0700): no TCP port, nothing sent in plain text over the network."""
    from jupyter_client import AsyncKernelManager
    from jupyter_core.utils import run_sync

    folder = tempfile.mkdtemp(prefix="mlops-k-")  # short, for the socket path limit
    manager = AsyncKernelManager(
        kernel_name=kernel_name, transport="ipc", ip=os.path.join(folder, "k")
    )
    manager._mlops_folder = folder
    try:
        run_sync(manager.start_kernel)(cwd=str(cwd), env=dict(env))
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return manager


def shut_down(manager: Any, *, wait: bool = True) -> None:
    """Stop a kernel now and remove the socket folder :func:`start_kernel` made for it.

    With ``wait=False`` the kernel's process group is killed and its process is left to
    :func:`reap_kernels` (called here for earlier ones, and by whoever owns many kernels, e.g.
    a batch worker when it ends) instead of waiting here for it to exit."""
    from jupyter_core.utils import run_sync

    process = getattr(getattr(manager, "provisioner", None), "process", None)
    if not wait and process is not None:
        try:
            run_sync(manager.provisioner.kill)()  # SIGKILL to its process group
            run_sync(manager.cleanup_resources)()
        except Exception:
            with contextlib.suppress(Exception):
                process.kill()
        with _DYING_LOCK:
            _DYING.append(process)
        reap_kernels()
    else:
        try:
            run_sync(manager.shutdown_kernel)(now=True)
        except Exception:  # already gone, or called from another thread's event loop: kill it
            with contextlib.suppress(Exception):
                process.kill()
                process.wait(5)
            with contextlib.suppress(Exception):  # a coroutine on an async manager: awaited
                run_sync(manager.cleanup_resources)()  # closes its sockets and zmq context
    folder = getattr(manager, "_mlops_folder", None)
    if folder:
        shutil.rmtree(folder, ignore_errors=True)


#: kernel processes killed by ``shut_down(wait=False)`` and not yet reaped
_DYING: list[Any] = []
_DYING_LOCK = threading.Lock()


def reap_kernels(*, wait: bool = False) -> int:
    """Collect the exit of the kernels :func:`shut_down` killed without waiting (no zombie is
    left); with ``wait``, wait for each (killing it again after 5 s). Returns how many are
    still to be reaped."""
    import subprocess

    with _DYING_LOCK:
        dying = list(_DYING)
    for process in dying:
        with contextlib.suppress(Exception):
            if wait:
                try:
                    process.wait(5)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(5)
        if process.poll() is None:
            continue
        for stream in (process.stdin, process.stdout, process.stderr):
            with contextlib.suppress(Exception):
                if stream is not None:
                    stream.close()
        with _DYING_LOCK, contextlib.suppress(ValueError):
            _DYING.remove(process)
    with _DYING_LOCK:
        return len(_DYING)
