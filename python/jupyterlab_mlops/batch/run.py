"""A batch run: the exact notebook that was approved, run unattended with new parameters.

:func:`batch_run` asks :func:`~..approvals.approval_status` first and refuses anything that may
not run in production. It then reads the notebook once, checks that what it read is the
approved version, validates the parameters, injects them with papermill (and checks the
injected cell), executes it in a fresh kernel, and records a ``batch.run`` entry and an MLflow
run linked to the approved bundle. Output paths are computed here; parameter values never
shape a path. The registered data the notebook read is compared with its training version's
profile and the drift is recorded with the run (see :mod:`.inputs`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import alerts
from ..approvals import ApprovalStatus, approval_status
from ..checklists.params import parameter_schema
from ..errors import ForbiddenError, MlopsError
from ..execution import Execution, execute, failed_cell, python_kernel, shut_down
from ..experiments import store
from ..experiments.runs import validate_params
from ..fingerprint import fingerprint_of
from ..kernel import BATCH_ENV, INPUTS_ENV
from ..kinds import BATCH_RUN
from ..ledger import Entry
from ..notebooks import NotebookState, notebook_state
from ..paths import confine
from ..project import Project
from .inputs import drift_report, inputs_file, read_inputs
from .kernels import KernelPool, Lease
from .parameters import check_injected, validate

_SAFE = re.compile(r"[^A-Za-z0-9_.-]+")
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,127}$")


class BatchInterrupted(MlopsError):
    """The run was interrupted (Ctrl-C); it is recorded."""


class NotApproved(ForbiddenError):
    """The notebook may not run in production; ``problems`` lists why, one reason each."""

    def __init__(self, message: str, hint: str, problems: list[str]) -> None:
        super().__init__(message, hint)
        self.problems = problems

    def to_json(self) -> dict[str, Any]:
        return {**super().to_json(), "problems": self.problems}


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
    drift_threshold: float | None = None,
    kernels: KernelPool | None = None,
    prestart: bool = True,
    batch_id: str | None = None,
    on_start: Callable[[dict[str, Any]], None] | None = None,
    experiment_id: str | None = None,
) -> BatchRun:
    """Run an approved notebook with ``parameters``; raises before running if it may not run.

    ``secret_env`` names environment variables the notebook reads (``os.environ[...]``): they
    must be set, only their names are recorded, and their values are redacted from the
    executed notebook should the notebook print them. ``drift_threshold`` (default: the
    project's ``drift_threshold``) is the PSI over which a column's drift is flagged.
    ``kernels``: take the kernel from this pool (a long-lived worker), which starts the next
    one ahead when ``prestart``. ``batch_id``: the run's id (a job's, without a pool).
    ``on_start`` is called with what :func:`record_interrupted` needs once the MLflow run
    exists and just before the notebook runs (a job store keeps it, in case its process dies).
    ``experiment_id``: the project's MLflow experiment, when the caller looked it up already
    (a grid's worker, once); otherwise it is looked up once for this run.
    """
    import nbformat
    from papermill.parameterize import parameterize_notebook

    relative = project.relpath(notebook)
    status = require_approval(project, relative)
    bundle = status.production_bundle  # the champion while its challenger awaits sign-off
    source = project.root / relative
    try:  # read once: this is what runs
        node = nbformat.reads(source.read_text(encoding="utf-8"), as_version=4)
    except (OSError, ValueError) as exc:
        raise MlopsError(f"{relative} cannot be read: {exc}", "open and re-save it") from exc
    if fingerprint_of(node) != bundle.fingerprint or python_kernel(node, relative) != bundle.kernel:
        raise MlopsError(f"{relative} changed while it was checked", "run the command again")
    schema = parameter_schema(node)
    values = validate(dict(parameters or {}), schema)
    secrets = _secrets(secret_env)
    if values:
        _papermill_fields(node)
        node = parameterize_notebook(node, values, kernel_name=python_kernel(node, relative))
    check_injected(node, values)
    threshold = project.config.drift_threshold if drift_threshold is None else drift_threshold
    if not 0 < threshold <= 100:
        raise MlopsError("the drift threshold must be a PSI above 0", "e.g. 0.2 (the default)")
    (project.mlops_dir / "cache" / "batch").mkdir(parents=True, exist_ok=True)
    kernel_name = python_kernel(node, relative)
    if batch_id is not None and kernels is not None:
        raise ValueError("with a kernel pool, the pool chooses the batch id")
    lease = _kernel(kernels, project, source, kernel_name=kernel_name, prestart=prestart)
    batch_id = lease.batch_id if lease else (batch_id or uuid.uuid4().hex)
    approvals = status.production_approvals
    execution, aborted = None, None
    try:  # nothing has run yet: on any error, give the warm kernel back and record nothing
        output = _output_path(project, relative, batch_id, output_dir)
        state = notebook_state(project, source)
        mlflow_run, experiment_id = _start_mlflow_run(
            project, relative, batch_id, values, bundle.digest, experiment_id
        )
        if on_start is not None:
            on_start({
                "batch_id": batch_id, "notebook": state.ref(), "parameters": values,
                "output": project.relpath(output), "bundle_digest": bundle.digest,
                "mlflow_run_id": mlflow_run, "approvals": approvals, "kernel": kernel_name,
            })  # fmt: skip
    except BaseException:
        if lease:
            shut_down(lease.manager)
        raise
    try:
        execution = execute(
            node, source=source, output=output, timeout=timeout,
            env=kernel_env(project, source, batch_id), progress_bar=progress_bar,
            kernel_manager=lease.manager if lease else None,
            wait_for_shutdown=kernels is None,  # a pool's worker reaps its kernels itself
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
        try:
            drift = _drift(project, batch_id, bundle.data, threshold, result)
        except Exception as exc:  # the run happened: record it even if drift cannot be measured
            drift = {"error": f"{type(exc).__name__}: {exc}"[:300], "flagged": []}
        entry = _record(
            project, state, actor, batch_id, result, failure, values, secrets, output,
            execution, bundle.digest, mlflow_run, approvals, drift, experiment_id,
        )  # fmt: skip
        alerts.batch_recorded(project, entry)  # batch.failed, drift.flagged (never raises)
    if result == "interrupted":
        raise BatchInterrupted(
            f"the batch run of {relative} was interrupted; it is recorded as failed",
            f"executed cells so far: {entry.payload['output'] or 'none saved'}",
        )
    return BatchRun(entry)


def require_approval(project: Project, relative: str) -> ApprovalStatus:
    """The notebook's approval status; raises :class:`NotApproved` unless it may run in
    production."""
    status = approval_status(project.root / relative, project, production=True)
    if not status.may_run:
        raise NotApproved(
            f"{relative} may not run in production: {'; '.join(status.problems())}",
            "see `mlops approvals` and `mlops check` for what blocks and how to fix it",
            status.problems(),
        )
    return status


def record_interrupted(
    project: Project, started: Mapping[str, Any], *, actor: str, why: str, seconds: float | None
) -> Entry:
    """Record a run whose process died while the notebook ran (``started``: what
    ``on_start`` was given): the same ``batch.run`` entry :func:`batch_run` writes, status
    ``interrupted``, with the cells saved so far; its MLflow run ends as KILLED."""
    output = project.root / started["output"]
    ref = started["notebook"]
    failure = {"cell": failed_cell(output, running=True), "error": why}
    execution = Execution("interrupted", seconds or 0.0, started.get("kernel") or "", failure)
    return _record(
        project, NotebookState(ref["path"], ref["fingerprint"]), actor, started["batch_id"],
        "interrupted", failure, started.get("parameters") or {}, {}, output, execution,
        started["bundle_digest"], started["mlflow_run_id"], list(started.get("approvals") or []),
        None,
    )  # fmt: skip


def kernel_env(project: Project, source: Path, batch_id: str) -> dict[str, str]:
    """The environment of a batch run's kernel: which run it is, where to note data reads."""
    return {
        "MLOPS_NOTEBOOK": str(source),
        BATCH_ENV: batch_id,
        INPUTS_ENV: str(inputs_file(project, batch_id)),
    }


def _kernel(
    pool: KernelPool | None, project: Project, source: Path, *, kernel_name: str, prestart: bool
) -> Lease | None:
    """A kernel from the pool, or None: the run starts its own (so a kernel that cannot
    start fails the run the usual way, recorded)."""
    if pool is None:
        return None
    try:
        return pool.take(
            (str(project.root), str(source), kernel_name), kernel_name, source.parent,
            lambda batch_id: kernel_env(project, source, batch_id), prestart=prestart,
        )  # fmt: skip
    except Exception:
        return None


def _drift(
    project: Project, batch_id: str, training: list[str], threshold: float, result: str
) -> dict[str, Any] | None:
    reads = read_inputs(inputs_file(project, batch_id))
    if result == "interrupted":
        return None  # Ctrl-C: record and stop now
    try:
        return drift_report(project, reads, training, threshold)
    except Exception as exc:  # the run's record comes first
        return {"threshold": threshold, "error": f"{type(exc).__name__}: {exc}"[:300]}


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
    drift: dict[str, Any] | None, experiment: str | None = None,
) -> Entry:  # fmt: skip
    """Redact, close the MLflow run, append the ``batch.run`` entry (in that order);
    ``experiment``: the run's MLflow experiment, if known (else it is looked up)."""
    try:
        redacted = _redact(output, secrets)
    except OSError as exc:  # keep the record; say the output may still hold the secret
        redacted = None
        failure = {**(failure or {}), "redaction": f"could not redact the output: {exc.strerror}"}
    mlflow_problem = None
    try:
        _end_mlflow_run(project, mlflow_run, output, result)
        if experiment is None:  # for links to the run in the MLflow UI
            experiment = store.experiment_id(project)
    except MlopsError as exc:  # the run happened: record it even if MLflow is away
        mlflow_problem = exc.message
    except Exception as exc:  # an MLflow error we do not know: still record the run
        mlflow_problem = f"{type(exc).__name__}: {exc}"[:300]
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
            "experiment_id": experiment,
            "mlflow_problem": mlflow_problem,
            "drift": drift,
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
    project: Project, notebook: str, batch_id: str, values: Mapping[str, Any], digest: str,
    experiment: str | None,
) -> tuple[str, str]:  # fmt: skip
    """The new MLflow run's id, and its experiment's (``experiment``, or looked up)."""
    client = store.client(project)
    uri = store.tracking_uri(project)
    with store.mlflow_errors(uri):
        experiment = experiment or store.experiment_id(project)
        run = client.create_run(
            experiment,
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
    return str(run.info.run_id), experiment


def _end_mlflow_run(project: Project, run_id: str, output: Path, result: str) -> None:
    client = store.client(project)
    with store.mlflow_errors(store.tracking_uri(project)):
        if output.exists():
            with contextlib.suppress(OSError):
                client.log_artifact(run_id, str(output), "executed")
        client.set_terminated(
            run_id, status={"succeeded": "FINISHED", "interrupted": "KILLED"}.get(result, "FAILED")
        )
