"""Does the notebook run top to bottom in a fresh kernel? Run it and record the answer.

papermill executes the saved notebook in a new kernel, in the notebook's own folder (so its
relative paths work), writing the executed copy to ``.mlops/cache/clean-runs/`` (git-ignored).
A ``notebook.executed`` entry records the fingerprint it ran, whether it finished, how long it
took and, on failure, which cell failed and why.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from ..errors import MlopsError
from ..ledger import Entry
from ..project import Project

EXECUTED = "notebook.executed"


def clean_run(project: Project, notebook: str | Path, *, actor: str, timeout: int = 1800) -> Entry:
    """Execute the notebook with papermill in a fresh kernel and record the outcome."""
    import papermill
    from papermill.exceptions import PapermillExecutionError

    from ..fingerprint import read_notebook
    from ..notebooks import notebook_state

    state = notebook_state(project, notebook)
    source = project.root / state.path
    language = (read_notebook(source).get("metadata", {}).get("kernelspec") or {}).get("name")
    scratch = project.mlops_dir / "cache" / "clean-runs"
    scratch.mkdir(parents=True, exist_ok=True)
    output = (
        scratch / f"{Path(state.path).stem}-{state.fingerprint.removeprefix('sha256:')[:12]}.ipynb"
    )
    started = time.monotonic()
    failure: dict[str, Any] | None = None
    saved = os.environ.get("MLOPS_NOTEBOOK")
    os.environ["MLOPS_NOTEBOOK"] = str(source)  # the kernel's %mlops commands bind to it
    try:
        papermill.execute_notebook(
            str(source), str(output), cwd=str(source.parent), kernel_name=language,
            progress_bar=False, execution_timeout=timeout, log_output=False,
        )  # fmt: skip
    except PapermillExecutionError as exc:
        failure = {"cell": exc.exec_count, "error": f"{exc.ename}: {exc.evalue}"[:500]}
    except Exception as exc:  # no such kernel, a dead kernel, a timeout
        failure = {"cell": None, "error": f"{type(exc).__name__}: {exc}"[:500]}
    finally:
        if saved is None:
            os.environ.pop("MLOPS_NOTEBOOK", None)
        else:
            os.environ["MLOPS_NOTEBOOK"] = saved
    after = notebook_state(project, notebook)
    if after.fingerprint != state.fingerprint:
        raise MlopsError(
            f"{state.path} was changed while it ran; nothing recorded",
            "save your edits, then run the check again",
        )
    return project.ledger.append(
        EXECUTED,
        {
            "ok": failure is None,
            "seconds": round(time.monotonic() - started, 2),
            "failure": failure,
            "kernel": language,
            "output": project.relpath(output),
        },
        actor=actor,
        notebook=state.ref(),
    )
