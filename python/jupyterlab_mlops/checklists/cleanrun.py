"""Does the notebook run top to bottom in a fresh kernel? Run it and record the answer.

The saved notebook is executed (see :mod:`..execution`) in its own folder, writing the
executed copy to ``.mlops/cache/clean-runs/`` (git-ignored). A ``notebook.executed`` entry
records the fingerprint it ran, whether it finished, how long it took and, on failure, which
cell failed and why.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from ..errors import MlopsError
from ..execution import execute
from ..fingerprint import fingerprint_of, read_notebook
from ..kinds import EXECUTED
from ..ledger import Entry
from ..notebooks import notebook_state
from ..project import Project


def clean_run(
    project: Project, notebook: str | Path, *, actor: str, timeout: int = 1800,
    env: Mapping[str, str] | None = None, progress_bar: bool = False,
) -> Entry:  # fmt: skip
    """Execute the notebook in a fresh kernel and record the outcome (``env``: set for the
    kernel; ``progress_bar``: papermill's bar over the cells)."""
    state = notebook_state(project, notebook)
    source = project.root / state.path
    content = read_notebook(source)
    if fingerprint_of(content) != state.fingerprint:
        raise _changed(state.path)
    scratch = project.mlops_dir / "cache" / "clean-runs"
    output = (
        scratch / f"{Path(state.path).stem}-{state.fingerprint.removeprefix('sha256:')[:12]}.ipynb"
    )
    result = execute(
        content, source=source, output=output, timeout=timeout, env=env, progress_bar=progress_bar
    )
    if result.status == "interrupted":
        raise KeyboardInterrupt
    if notebook_state(project, notebook).fingerprint != state.fingerprint:
        raise _changed(state.path)
    return project.ledger.append(
        EXECUTED,
        {
            "ok": result.ok,
            "seconds": result.seconds,
            "failure": result.failure,
            "kernel": result.kernel,
            "output": project.relpath(output),
        },
        actor=actor,
        notebook=state.ref(),
    )


def _changed(path: str) -> MlopsError:
    return MlopsError(
        f"{path} was changed while it ran; nothing recorded",
        "save your edits, then run the check again",
    )
