"""Runs: an MLflow run with full lineage, and its entry in the ledger.

``with jupyterlab_mlops.run("baseline") as run:`` (and ``%%mlops run baseline``) opens an MLflow
run in the project's store, tagged with the notebook version, the cell, git state and actor;
MLflow's own calls and autologging land in it too. When it ends, the data versions read through
``jupyterlab_mlops.data.path`` and the pinned package list are attached, and a ``run.logged``
ledger entry links the MLflow run id to the notebook fingerprint and the data version entries.

Metrics logged through ``run.log`` (and ``%mlops log``) are kept in memory and written to MLflow
in one batch at the end of each cell, when the run ends, and at the limits of :mod:`.buffer`.
"""

from __future__ import annotations

import contextlib
import math
import re
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import data
from ..errors import MlopsError, NotFoundError
from ..identity import current_actor
from ..kernel import after_each_cell, batch_run_id, current_cell, current_notebook
from ..kinds import RUN_LOGGED
from ..ledger import Entry
from ..notebooks import notebook_state
from ..project import Project, find_project
from . import store
from .buffer import MetricBuffer
from .lineage import GitProbe, Lineage, pinned_packages, warm_pinned_packages
from .prompt_uses import prompts_used
from .values import validate_metrics, validate_params

_NAME = re.compile(r"^[^\x00-\x1f]{1,250}$")
_ACTIVE: list[Run] = []
_ACTIVE_LOCK = threading.Lock()


class Run:
    """An open MLflow run of a project; use as a context manager."""

    def __init__(
        self,
        project: Project,
        name: str,
        *,
        actor: str,
        notebook: str | Path | None = None,
        cell_id: str | None = None,
        cell_source: str | None = None,
    ) -> None:
        name = (name or "").strip()
        if not _NAME.match(name):
            raise MlopsError(
                "a run needs a name of 1-250 printable characters", 'e.g. %%mlops run "baseline"'
            )
        self.project, self.name, self.actor = project, name, actor
        self._notebook, self._cell_id, self._cell_source = notebook, cell_id, cell_source
        self.run_id: str | None = None
        self.entry: Entry | None = None
        self.status: str | None = None
        self._uri = ""
        self._lineage: Lineage | None = None
        self._finished: Any = None  # the ended MLflow run, until its ledger entry is written
        self._buffer: MetricBuffer | None = None
        self._artifacts = ""  # the run's artifact URI, known from its start
        self._unhook: Any = None  # removes the after-cell flush

    # -- lifecycle -----------------------------------------------------------------------------
    def __enter__(self) -> Run:
        self.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, *_: object) -> bool:
        self.end(failed=exc_type is not None)
        return False

    def start(self) -> Run:
        """Open the MLflow run with the lineage tags (the run also becomes MLflow's active run,
        so MLflow's own calls and autologging land in it)."""
        import mlflow

        with _ACTIVE_LOCK:  # claim the slot first: checks are cheap, the work comes after
            if _ACTIVE:
                raise MlopsError(
                    f"run '{_ACTIVE[-1].name}' is still open",
                    "finish it first: runs do not nest (`jupyterlab_mlops.active_run().end()`)",
                )
            if mlflow.active_run() is not None:  # one opened with mlflow directly
                raise MlopsError(
                    f"an MLflow run ({mlflow.active_run().info.run_id}) is already active",
                    "end it with mlflow.end_run() first",
                )
            _ACTIVE.append(self)
        try:
            git = GitProbe(self.project.root)  # runs while the rest is gathered
            warm_pinned_packages()  # read in the background, for the end
            self._uri = store.prepare(self.project)
            self._lineage = self._capture(git)
            with store.mlflow_errors(self._uri):
                experiment = store.experiment_id(self.project)
                started = mlflow.start_run(
                    experiment_id=experiment, run_name=self.name, tags=self._lineage.tags()
                )
            self.run_id = started.info.run_id
            self._artifacts = started.info.artifact_uri
            self._buffer = MetricBuffer(self._uri, self.run_id)
            self._unhook = after_each_cell(self._cell_ended)
        except BaseException:
            with _ACTIVE_LOCK:
                _ACTIVE.remove(self)
            with contextlib.suppress(Exception):
                if mlflow.active_run() is not None and self.run_id is None:
                    mlflow.end_run(status="FAILED")  # MLflow registered it before failing
            raise
        return self

    def _capture(self, git: GitProbe) -> Lineage:
        notebook = cell = None
        if self._notebook is not None:
            try:
                state = notebook_state(self.project, self._notebook)
            except (NotFoundError, MlopsError):
                state = None  # a notebook outside the project, or not saved yet
            if state is not None:
                notebook = state.ref()
                cell = (
                    state.cell_binding(self._cell_id, self._cell_source)
                    if self._cell_id
                    else state.locate_cell(self._cell_source)
                )
        return Lineage(
            project=self.project.config.name,
            actor=self.actor,
            notebook=notebook,
            cell=cell,
            git=git.state(),
        )

    def _cell_ended(self) -> None:
        """After each cell: write the metrics it logged. An error is one line for the user (the
        metrics stay kept for the next try), not IPython's traceback of a callback."""
        try:
            self.flush()
        except MlopsError as exc:
            import sys

            print(f"jupyterlab-mlops: {exc.message}. Hint: {exc.hint}", file=sys.stderr)

    def flush(self) -> int:
        """Write the metrics kept since the last write to MLflow now; returns how many."""
        return self._buffer.flush() if self._buffer is not None else 0

    def end(self, failed: bool = False) -> Entry:
        """Attach data versions and the environment, end the MLflow run, record the entry.

        Everything goes to this run by its id (not to whatever MLflow's current run is). If
        the ledger entry cannot be written, calling ``end()`` again retries just that.
        """
        if self._finished is not None and self.entry is None:
            self.entry = self._record(self._finished)
            return self.entry
        with _ACTIVE_LOCK:  # check and leave in one step: two threads cannot both end it
            if self.run_id is None or self not in _ACTIVE:
                raise MlopsError(f"run '{self.name}' is not open", "open it with `with run(...)`")
            _ACTIVE.remove(self)
        if self._unhook is not None:
            self._unhook()
        import mlflow

        assert self._lineage is not None and self._buffer is not None
        client = mlflow.MlflowClient(tracking_uri=self._uri)
        status = "FAILED" if failed else "FINISHED"
        try:
            with store.mlflow_errors(self._uri):
                self._lineage.data = data_read(self.project)
                self._lineage.prompts = prompts_used(str(self.project.root))
                tags = self._lineage.data_tags() | self._lineage.prompt_tags()
                self._buffer.flush(tags=tags)  # the metrics still kept, and the tags: one call
                self._log_requirements()
                active = mlflow.active_run()
                if active is not None and active.info.run_id == self.run_id:
                    mlflow.end_run(status=status)  # MLflow's current run is ours: close it too
                else:
                    client.set_terminated(self.run_id, status=status)
                self._finished = client.get_run(self.run_id)
        except BaseException:
            with contextlib.suppress(Exception), store.mlflow_errors(self._uri):
                active = mlflow.active_run()
                if active is not None and active.info.run_id == self.run_id:
                    mlflow.end_run(status="FAILED")
            raise
        self.status = self._finished.info.status
        self.entry = self._record(self._finished)
        return self.entry

    def _log_requirements(self) -> None:
        """The pinned package list as ``environment/requirements.txt``, written where the run's
        artifacts go (known since its start: MLflow's ``log_text`` would fetch the run again)."""
        import tempfile

        from mlflow.store.artifact.artifact_repository_registry import get_artifact_repository
        from mlflow.utils.uri import add_databricks_profile_info_to_artifact_uri

        uri = add_databricks_profile_info_to_artifact_uri(self._artifacts, self._uri)
        repository = get_artifact_repository(uri, tracking_uri=self._uri)
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "requirements.txt"
            path.write_text(pinned_packages(), encoding="utf-8")
            repository.log_artifact(str(path), "environment")

    def _record(self, finished: Any) -> Entry:
        lineage = self._lineage
        assert lineage is not None and self.run_id is not None
        payload: dict[str, Any] = {
            "name": self.name,
            "run_id": self.run_id,
            "experiment_id": finished.info.experiment_id,
            "tracking_uri": store.recorded_uri(self.project, self._uri),
            "status": finished.info.status,
            "start_time": finished.info.start_time,
            "end_time": finished.info.end_time,
            "metrics": {k: _json_number(v) for k, v in sorted(finished.data.metrics.items())},
            "params": dict(sorted(finished.data.params.items())),
            "data": lineage.data,
            "git": {"commit": lineage.git.commit, "dirty": lineage.git.dirty},
            "python": lineage.tags()["mlops.python"],
        }
        if lineage.prompts:  # the prompt versions formatted: part of what it ran
            payload["prompts"] = lineage.prompts
        if lineage.cell is not None:
            payload["cell"] = lineage.cell
        batch = batch_run_id()
        if batch:  # a production run of an approved notebook, not evidence for its checklist
            payload["batch_id"] = batch
        links = [f"mlflow-run:{self.run_id}", *(f"entry:{d['entry']}" for d in lineage.data)]
        links += [f"prompts:/{p['name']}/{p['version']}" for p in lineage.prompts]
        return self.project.ledger.append(
            RUN_LOGGED, payload, actor=self.actor, notebook=lineage.notebook, links=links
        )

    # -- logging -------------------------------------------------------------------------------
    def log(self, step: int | None = None, **metrics: Any) -> None:
        """Log numeric metrics (``run.log(auc=0.81, loss=0.3)``)."""
        values = validate_metrics(metrics)
        import mlflow

        run_id = self._open_id()
        if self._buffered(run_id):
            assert self._buffer is not None
            self._buffer.add(values, step)
            return
        with store.mlflow_errors(self._uri):
            if len(values) == 1:  # MLflow's single-metric call is the cheaper one
                ((key, value),) = values.items()
                mlflow.log_metric(key, value, step=step, run_id=run_id)
            else:
                mlflow.log_metrics(values, step=step, run_id=run_id)

    def _buffered(self, run_id: str | None) -> bool:
        """Whether metrics may wait for the batch: only when MLflow would link them to no
        model (this is MLflow's active run, no active model is set, the run logged no model);
        else MLflow's own call links them, as it always did."""
        if run_id is not None or self._buffer is None:
            return False
        import mlflow

        active = mlflow.active_run()
        outputs = getattr(active, "outputs", None)
        return mlflow.get_active_model_id() is None and not getattr(outputs, "model_outputs", None)

    def params(self, **params: Any) -> None:
        """Log parameters (stored as text by MLflow)."""
        values = validate_params(params)
        import mlflow

        with store.mlflow_errors(self._uri):
            mlflow.log_params(values, run_id=self._open_id())

    def artifact(self, path: str | Path, artifact_path: str | None = None) -> None:
        """Attach a file or folder to the run."""
        source = Path(path).expanduser()
        if not source.exists():
            raise NotFoundError(f"{path} does not exist", "give a file or folder to attach")
        import mlflow

        with store.mlflow_errors(self._uri):
            if source.is_dir():
                mlflow.log_artifacts(str(source), artifact_path, run_id=self._open_id())
            else:
                mlflow.log_artifact(str(source), artifact_path, run_id=self._open_id())

    def _open_id(self) -> str | None:
        """None while this is MLflow's active run (naming it costs MLflow a lookup per call)."""
        if self.run_id is None or self not in _ACTIVE:
            raise MlopsError(f"run '{self.name}' is not open", "log inside the `with` block")
        import mlflow

        active = mlflow.active_run()
        return None if active is not None and active.info.run_id == self.run_id else self.run_id


def run(name: str, **kwargs: Any) -> Run:
    """``with jupyterlab_mlops.run("NAME") as run:`` in notebook or script code.

    In a kernel the run is bound to the notebook and the cell, as with ``%%mlops run``
    (``%config MlopsMagics.notebook``, ``MLOPS_NOTEBOOK``, the path JupyterLab or VS Code gave
    the kernel, else the saved notebook holding the code it ran: see
    :func:`..kernel.current_notebook`); the project is the notebook's,
    else the current folder's. The actor is ``MLOPS_USER``, else git's identity, else the OS
    user.
    """
    notebook = kwargs.pop("notebook", None)
    if notebook is None:
        notebook, _ = current_notebook()
    if "cell_id" not in kwargs and "cell_source" not in kwargs:
        kwargs["cell_id"], kwargs["cell_source"] = current_cell()
    project = kwargs.pop("project", None) or find_project(notebook or Path.cwd())
    actor = kwargs.pop("actor", None) or current_actor(project.root)
    return Run(project, name, actor=actor, notebook=notebook, **kwargs)


def active_run() -> Run | None:
    """The run opened through jupyterlab-mlops that is still open, if any."""
    with _ACTIVE_LOCK:
        return _ACTIVE[-1] if _ACTIVE else None


def require_active_run() -> Run:
    found = active_run()
    if found is None:
        raise MlopsError(
            "no run is open",
            'open one with %%mlops run "NAME" (or `with jupyterlab_mlops.run(...)`)',
        )
    return found


def _json_number(value: float) -> float | None:
    return value if math.isfinite(value) else None


def data_read(project: Project) -> list[dict[str, Any]]:
    """The data versions of this project read through ``data.path`` in this process (the
    kernel's inputs), the latest read per dataset."""
    latest: dict[str, dict[str, Any]] = {}
    root = str(project.root)
    for item in data.accessed():
        if item["project"] == root:
            latest[item["name"]] = {k: item[k] for k in ("name", "version", "md5", "entry", "path")}
            if item.get("changed"):  # a batch run read data that is no longer that version
                latest[item["name"]]["changed"] = True
    return list(latest.values())


# --- reading runs back ---------------------------------------------------------------------------


@dataclass(frozen=True)
class RunRecord:
    """A ``run.logged`` ledger entry."""

    entry: Entry

    @property
    def run_id(self) -> str:
        return str(self.entry.payload["run_id"])

    def to_json(self) -> dict[str, Any]:
        p = self.entry.payload
        return {
            "id": self.entry.hash,
            "short_id": self.entry.short_id,
            "run_id": self.run_id,
            "name": p["name"],
            "status": p["status"],
            "metrics": p.get("metrics", {}),
            "params": p.get("params", {}),
            "data": p.get("data", []),
            "notebook": self.entry.notebook_path,
            "fingerprint": (self.entry.notebook or {}).get("fingerprint"),
            "actor": self.entry.actor,
            "time": self.entry.time,
            "tracking_uri": p.get("tracking_uri"),
        }


def list_runs(project: Project, notebook: str | Path | None = None) -> list[RunRecord]:
    """Runs recorded in the ledger (of one notebook, or all), oldest first."""
    relative = project.relpath(notebook) if notebook is not None else None
    return [RunRecord(e) for e in project.ledger.entries(RUN_LOGGED, notebook=relative)]


_RELATIVE = re.compile(r"^last(?:~(\d{1,6}))?$")


def find_run(project: Project, run_id: str) -> RunRecord:
    """A recorded run by MLflow run id (or a unique prefix of at least 6 characters); ``last``
    is the project's most recent run, ``last~1`` the one before it, ``last~N`` N runs back."""
    wanted = run_id.strip().lower().removeprefix("mlflow-run:")
    records = list_runs(project)
    relative = _RELATIVE.match(wanted)
    if relative:
        back = int(relative.group(1) or 0)
        if back < len(records):
            return records[-1 - back]
        raise NotFoundError(
            f"no run {run_id}: the project has recorded {len(records)} run(s)",
            "list the project's runs with `mlops runs --all`",
        )
    matches = [r for r in records if r.run_id == wanted] or (
        [r for r in records if r.run_id.startswith(wanted)] if len(wanted) >= 6 else []
    )
    if len(matches) == 1:
        return matches[0]
    if len(matches) > 1:
        raise MlopsError(f"run id {run_id} is ambiguous", "give more characters of the id")
    raise NotFoundError(
        f"no recorded run {run_id}", "list the project's runs with `mlops runs --all`"
    )


@dataclass(frozen=True)
class RunComparison:
    a: dict[str, Any]  # {"run_id", "name", "params", "metrics"}
    b: dict[str, Any]

    def rows(self, kind: str) -> list[tuple[str, Any, Any]]:
        keys = sorted(set(self.a[kind]) | set(self.b[kind]))
        return [(k, self.a[kind].get(k), self.b[kind].get(k)) for k in keys]

    def to_json(self) -> dict[str, Any]:
        return {
            "a": self.a,
            "b": self.b,
            "params": [
                {"name": k, "a": x, "b": y, "same": x == y} for k, x, y in self.rows("params")
            ],
            "metrics": [
                {"name": k, "a": x, "b": y, "delta": None if x is None or y is None else y - x}
                for k, x, y in self.rows("metrics")
            ],
        }


def get_recorded_run(project: Project, client: Any, record: RunRecord) -> Any:
    """The MLflow run of a ledger record, or a clear error when the current store lacks it."""
    uri = store.tracking_uri(project)
    try:
        with store.mlflow_errors(uri):
            return client.get_run(record.run_id)
    except NotFoundError:
        raise NotFoundError(
            f"run {record.run_id[:12]} was recorded in the store "
            f"'{record.entry.payload.get('tracking_uri')}', which does not hold it now",
            "point MLFLOW_TRACKING_URI at that store (a clone has no copy of the local store)",
        ) from None


def compare_runs(project: Project, run_a: str, run_b: str) -> RunComparison:
    """Parameters and metrics of two runs, read from MLflow (the runs must be recorded)."""
    client = store.client(project)
    sides = []
    for given in (run_a, run_b):
        record = find_run(project, given)
        found = get_recorded_run(project, client, record)
        sides.append(
            {
                "run_id": record.run_id,
                "name": found.info.run_name,
                "params": dict(found.data.params),
                "metrics": {k: _json_number(v) for k, v in found.data.metrics.items()},
            }
        )
    return RunComparison(*sides)
