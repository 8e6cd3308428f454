"""Run a notebook the way JupyterLab does (Run ▸ Run All Cells, then save), without a browser.

JupyterLab starts the kernel in the notebook's folder with ``JPY_SESSION_NAME`` naming the
notebook, sends each code cell as an ``execute_request`` whose metadata carries the cell's id
(``cellId``), stops at the first error, and saves the outputs into the file. nbclient and
papermill send no cell ids, so this does it with jupyter_client directly.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

OUTPUT_TYPES = {"stream", "display_data", "execute_result", "error", "update_display_data"}


class CellFailed(AssertionError):
    pass


def run_all_cells(
    notebook: Path, *, env: Mapping[str, str] | None = None, timeout: float = 300
) -> Any:
    """Execute every code cell of ``notebook`` in one fresh kernel, JupyterLab-style, save the
    notebook with its outputs, and return it (nbformat). Raises CellFailed at the first error."""
    import nbformat
    from jupyter_client import KernelManager

    notebook = notebook.absolute()
    nb = nbformat.read(notebook, as_version=4)
    manager = KernelManager(kernel_name=nb.metadata.get("kernelspec", {}).get("name", "python3"))
    environment = {**os.environ, **(env or {}), "JPY_SESSION_NAME": str(notebook)}
    environment.pop("MLOPS_NOTEBOOK", None)  # JupyterLab names the notebook by its session
    manager.start_kernel(cwd=str(notebook.parent), env=environment)
    client = manager.client()
    client.start_channels()
    try:
        client.wait_for_ready(timeout=60)
        for index, cell in enumerate(nb.cells):
            if cell.cell_type == "code":
                _execute(client, cell, index, timeout)
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)
    nbformat.write(nb, notebook)
    return nb


def _execute(client: Any, cell: Any, index: int, timeout: float) -> None:
    import nbformat

    content = {
        "code": cell.source,
        "silent": False,
        "store_history": True,
        "user_expressions": {},
        "allow_stdin": False,
        "stop_on_error": True,
    }
    request = client.session.msg("execute_request", content, metadata={"cellId": cell.id})
    client.shell_channel.send(request)
    msg_id = request["header"]["msg_id"]
    outputs: list[Any] = []
    while True:
        message = client.get_iopub_msg(timeout=timeout)
        if message["parent_header"].get("msg_id") != msg_id:
            continue
        kind = message["msg_type"]
        if kind == "status" and message["content"]["execution_state"] == "idle":
            break
        if kind == "clear_output":
            outputs = []
        elif kind in OUTPUT_TYPES and kind != "update_display_data":
            outputs.append(nbformat.v4.output_from_msg(message))
    while True:
        reply = client.get_shell_msg(timeout=timeout)
        if reply["parent_header"].get("msg_id") == msg_id:
            break
    cell.outputs = outputs
    cell.execution_count = reply["content"].get("execution_count")
    if reply["content"]["status"] != "ok":
        error = reply["content"]
        raise CellFailed(
            f"cell {index} ({cell.id}) failed: {error.get('ename')}: {error.get('evalue')}"
        )
