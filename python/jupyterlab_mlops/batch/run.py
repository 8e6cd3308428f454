"""A batch run: the exact notebook that was approved, run unattended with new parameters.

:func:`batch_run` asks :func:`~..approvals.approval_status` first and refuses anything that may
not run in production. It then reads the notebook once, checks that what it read is the
approved version, validates the parameters, injects them with papermill (and checks the
injected cell), executes it in a fresh kernel, and records a ``batch.run`` entry and an MLflow
run linked to the approved bundle. Output paths are computed here; parameter values never
shape a path.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import ForbiddenError, MlopsError
from ..ledger import Entry
from ..project import Project

BATCH_RUN = "batch.run"
#: set in a batch run's kernel: its runs are production runs, not checklist evidence
BATCH_ENV = "MLOPS_BATCH_RUN"
_SAFE = re.compile(r"[^A-Za-z0-9_.-]+")
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,127}$")


@dataclass(frozen=True)
class BatchRun:
    """A recorded batch run."""

    entry: Entry

    @property
    def ok(self) -> bool:
        return self.entry.payload["status"] == "succeeded"

    def to_json(self) -> dict[str, Any]:
        return {"id": self.entry.hash, "notebook": (self.entry.notebook or {}).get("path"),
                "actor": self.entry.actor, "time": self.entry.time, **self.entry.payload}  # fmt: skip


def batch_run(
    project: Project,
    notebook: str | Path,
    parameters: Mapping[str, Any] | None = None,
    *,
    actor: str,
    output_dir: str | Path | None = None,
    timeout: int | None = None,
    secret_env: Sequence[str] = (),
    progress_bar: bool = False,
) -> BatchRun:
    """Run an approved notebook with ``parameters``; raises before running if it may not run.

    ``secret_env`` names environment variables the notebook reads (``os.environ[...]``): they
    must be set, only their names are recorded, and their values are redacted from the
    executed notebook should the notebook print them.
    """
    import nbformat
    from papermill.parameterize import parameterize_notebook

    from ..approvals import approval_status
    from ..checklists.params import parameter_schema
    from ..execution import python_kernel
    from ..fingerprint import fingerprint_of
    from ..notebooks import notebook_state
    from .parameters import check_injected, validate

    relative = project.relpath(notebook)
    status = approval_status(project.root / relative, project)
    if not status.may_run:
        raise ForbiddenError(
            f"{relative} may not run in production: {'; '.join(status.problems())}",
            "see `mlops approvals` and `mlops check` for what blocks and how to fix it",
        )
    source = project.root / relative
    try:  # read once: this is what runs
        node = nbformat.reads(source.read_text(encoding="utf-8"), as_version=4)
    except (OSError, ValueError) as exc:
        raise MlopsError(f"{relative} cannot be read: {exc}", "open and re-save it") from exc
    if fingerprint_of(node) != status.bundle.fingerprint:
        raise MlopsError(f"{relative} changed while it was checked", "run the command again")
    python_kernel(node, relative)
    schema = parameter_schema(node)
    values = validate(dict(parameters or {}), schema)
    secrets = _secrets(secret_env)
    if values:
        _papermill_fields(node)
        node = parameterize_notebook(node, values, kernel_name=python_kernel(node, relative))
    check_injected(node, values)
    batch_id = uuid.uuid4().hex
    output = _output_path(project, relative, batch_id, output_dir)
    state = notebook_state(project, source)
    approvals = [s.entry.hash for s in status.latest.values() if s and s.current]
    mlflow_run = _start_mlflow_run(project, relative, batch_id, values, status.bundle.digest)
    execution, aborted = None, None
    try:
        from ..execution import execute

        execution = execute(
            node, source=source, output=output, timeout=timeout,
            env={BATCH_ENV: batch_id}, progress_bar=progress_bar,
        )  # fmt: skip
    except BaseException as exc:  # recorded below as a failed run, then raised
        aborted = exc
        raise
    finally:
        if execution is not None:
            result, failure = execution.status, execution.failure
        else:
            result = "interrupted" if isinstance(aborted, KeyboardInterrupt) else "failed"
            failure = {"cell": None, "error": type(aborted).__name__}
        entry = _record(
            project, state, actor, batch_id, result, failure, values, secrets, output,
            execution, status.bundle.digest, mlflow_run, approvals,
        )  # fmt: skip
    if result == "interrupted":
        raise MlopsError(
            f"the batch run of {relative} was interrupted; it is recorded as failed",
            f"executed cells so far: {entry.payload['output'] or 'none saved'}",
        )
    return BatchRun(entry)


def _papermill_fields(node: Any) -> None:
    """The fields papermill's loader adds and its parameterizer expects (none change the
    fingerprint)."""
    node.metadata.setdefault(
        "papermill", {"default_parameters": {}, "parameters": {}, "environment_variables": {}}
    )
    for cell in node.cells:
        cell.metadata.setdefault("tags", [])
        cell.metadata.setdefault("papermill", {})


def _record(
    project: Project, state: Any, actor: str, batch_id: str, result: str,
    failure: dict[str, Any] | None, values: Mapping[str, Any], secrets: Mapping[str, str],
    output: Path, execution: Any, digest: str, mlflow_run: str, approvals: list[str],
) -> Entry:  # fmt: skip
    """Redact, close the MLflow run, append the ``batch.run`` entry (in that order)."""
    redacted = _redact(output, secrets)
    mlflow_problem = None
    try:
        _end_mlflow_run(project, mlflow_run, output, result)
    except MlopsError as exc:  # the run happened: record it even if MLflow is away
        mlflow_problem = exc.message
    return project.ledger.append(
        BATCH_RUN,
        {
            "batch_id": batch_id,
            "status": result,
            "parameters": dict(values),
            "secret_env": sorted(secrets),
            "redacted": redacted,
            "output": project.relpath(output) if output.exists() else None,
            "seconds": execution.seconds if execution else None,
            "failure": failure,
            "kernel": execution.kernel if execution else None,
            "bundle_digest": digest,
            "mlflow_run_id": mlflow_run,
            "mlflow_problem": mlflow_problem,
        },
        actor=actor,
        notebook=state.ref(),
        links=[*(f"entry:{h}" for h in approvals), f"mlflow-run:{mlflow_run}"],
    )


def batch_runs(project: Project, notebook: str | Path | None = None) -> list[BatchRun]:
    """Recorded batch runs, newest first."""
    path = project.relpath(notebook) if notebook is not None else None
    return [BatchRun(e) for e in reversed(project.ledger.entries(BATCH_RUN, notebook=path))]


def _output_path(
    project: Project, notebook: str, batch_id: str, output_dir: str | Path | None
) -> Path:
    """``<output folder>/<notebook stem>/<UTC time>-<id>.ipynb``, always inside the project."""
    from ..paths import confine

    folder = project.config.batch_output_dir if output_dir is None else str(output_dir)
    if Path(folder).is_absolute():
        try:
            folder = Path(folder).resolve().relative_to(project.root.resolve()).as_posix()
        except ValueError:
            raise ForbiddenError(
                f"{folder} is outside the project", "write batch outputs inside the project"
            ) from None
    base = confine(project.root, folder)
    if base == project.mlops_dir.resolve() or project.mlops_dir.resolve() in base.parents:
        raise ForbiddenError(".mlops/ holds the ledger, not outputs", "choose another folder")
    stem = _SAFE.sub("_", Path(notebook).stem).strip("._") or "notebook"
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    return base / stem / f"{stamp}-{batch_id[:8]}.ipynb"


def _secrets(names: Sequence[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    for name in names:
        if not _ENV_NAME.match(name):
            raise MlopsError(
                f"{name[:60]!r} is not an environment variable name", "e.g. DB_PASSWORD"
            )
        if name not in os.environ:
            raise MlopsError(
                f"the environment variable {name} is not set", f"export {name}=... first"
            )
        found[name] = os.environ[name]
    return found


def _redact(output: Path, secrets: Mapping[str, str]) -> int:
    """Replace secret values the notebook printed with ``[secret NAME]``; returns how many
    values were found. The file is rewritten atomically."""
    if not secrets or not output.exists():
        return 0
    text = output.read_text(encoding="utf-8")
    count = 0
    for name, value in secrets.items():
        if len(value) < 4:
            continue  # too short to tell apart from ordinary text
        for form in {value, json.dumps(value)[1:-1]}:  # as printed, and JSON-escaped
            if form in text:
                count += 1
                text = text.replace(form, f"[secret {name}]")
    if count:
        temporary = output.with_name(f".{output.name}.tmp")
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, output)
    return count


def _start_mlflow_run(
    project: Project, notebook: str, batch_id: str, values: Mapping[str, Any], digest: str
) -> str:
    from ..experiments import store
    from ..experiments.runs import validate_params

    client = store.client(project)
    uri = store.tracking_uri(project)
    with store.mlflow_errors(uri):
        run = client.create_run(
            store.experiment_id(project),
            run_name=f"batch {Path(notebook).stem} {batch_id[:8]}",
            tags={
                "mlops.kind": "batch",
                "mlops.batch_id": batch_id,
                "mlops.notebook": notebook,
                "mlops.bundle_digest": digest,
            },
        )
        if values:
            text = {k: v if isinstance(v, str) else json.dumps(v) for k, v in values.items()}
            for key, value in validate_params(text).items():
                client.log_param(run.info.run_id, key, value)
    return str(run.info.run_id)


def _end_mlflow_run(project: Project, run_id: str, output: Path, result: str) -> None:
    from ..experiments import store

    client = store.client(project)
    with store.mlflow_errors(store.tracking_uri(project)):
        if output.exists():
            with contextlib.suppress(OSError):
                client.log_artifact(run_id, str(output), "executed")
        client.set_terminated(
            run_id, status={"succeeded": "FINISHED", "interrupted": "KILLED"}.get(result, "FAILED")
        )
