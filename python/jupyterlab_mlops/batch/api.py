"""``jupyterlab_mlops.batch_run(path, parameters)``: the Python entry point to batch runs."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ..identity import current_actor
from ..project import find_project
from . import run
from .run import BatchRun


def batch_run(
    path: str | Path,
    parameters: Mapping[str, Any] | None = None,
    *,
    output_dir: str | Path | None = None,
    timeout: int | None = None,
    secret_env: Sequence[str] = (),
    actor: str | None = None,
) -> BatchRun:
    """Run the approved notebook at ``path`` with ``parameters`` (see ``mlops batch run``)."""
    notebook = Path(path).resolve()
    project = find_project(notebook)
    return run.batch_run(
        project,
        notebook,
        parameters,
        actor=actor or current_actor(project.root),
        output_dir=output_dir,
        timeout=timeout,
        secret_env=secret_env,
    )
