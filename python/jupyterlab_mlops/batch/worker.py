"""The workers that run batch jobs inside a long-lived process (the Jupyter server).

:class:`JobRunner` refuses what may not run before anything is queued (the same
:func:`~.run.require_approval` and :func:`~.parameters.validate` the run applies again), writes
the job's record, and hands it to one of ``max_running`` worker threads (default
:data:`MAX_RUNNING`; the rest wait, first come first served). Each worker calls
:func:`~.run.batch_run` with the job's id as the batch id. Worker threads are daemons: a
server that stops leaves its running jobs to :func:`~.jobs.recover` at the next start.
"""

from __future__ import annotations

import logging
import queue
import threading
import uuid
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from ..approvals import ApprovalStatus, approval_status
from ..checklists.params import ParameterSchema, parameter_schema
from ..confinement import confined_to
from ..errors import MlopsError, NotFoundError
from ..fingerprint import read_notebook
from ..project import Project, find_project, locate_project
from .jobs import RECENT, JobStore, new_record, outcome_of, recover, this_process, utc_now
from .parameters import parameter_fields, validate
from .run import batch_run, require_approval

#: jobs that run at once in one server (2 cores: one notebook each); more wait in the queue
MAX_RUNNING = 2
log = logging.getLogger(__name__)


class JobRunner:
    """Batch jobs of the projects under ``root`` (reads confined to it, when given)."""

    def __init__(self, root: Path | None = None, max_running: int = MAX_RUNNING) -> None:
        if not 1 <= max_running <= 64:
            raise MlopsError("max_running must be 1 to 64", "e.g. 2 (one per core)")
        self.root = root.resolve() if root else None
        self.max_running = max_running
        self.owner = this_process(uuid.uuid4().hex)
        self._queue: queue.Queue[tuple[Path, str]] = queue.Queue()
        self._threads: list[threading.Thread] = []
        self._index: dict[str, Path] = {}  # job id -> project root
        self._lock = threading.Lock()

    def check(self, project: Project, notebook: Path, parameters: Mapping[str, Any]) -> tuple[
        ApprovalStatus, dict[str, Any]
    ]:  # fmt: skip
        """Raise as the run would before it starts (403 :class:`~.run.NotApproved`, 400
        :class:`~.parameters.ParameterError`); the validated values otherwise."""
        status = require_approval(project, project.relpath(notebook))
        return status, validate(dict(parameters), schema_of(notebook))

    def submit(
        self, project: Project, notebook: Path, parameters: Mapping[str, Any], *, actor: str
    ) -> dict[str, Any]:
        """Queue a run of the approved ``notebook``; its record (status ``queued``)."""
        _, values = self.check(project, notebook, parameters)
        record = new_record(project.relpath(notebook), values, actor, self.owner)
        store = JobStore(project)
        store.write(record)
        store.prune()
        with self._lock:
            self._index[record["id"]] = project.root
            self._start_threads()
        self._queue.put((project.root, record["id"]))
        return record

    def overview(self, project: Project, notebook: Path) -> dict[str, Any]:
        """What a form needs to start a job of ``notebook``: may it run (and why not), its
        parameters (types, defaults, constraints), and its recent jobs."""
        status = approval_status(notebook, project, production=True)
        schema = schema_of(notebook)
        return {
            "may_run": status.may_run,
            "problems": status.problems(),
            "parameters": parameter_fields(schema),
            "parameter_problems": list(schema.problems) if schema.cell_index is not None else [],
            "max_running": self.max_running,
            "jobs": self.recent(project, project.relpath(notebook)),
        }

    def job(self, job_id: str, project: Project | None = None) -> tuple[Project, dict[str, Any]]:
        """A job's project and record, by id (in ``project``, or any project this runner
        knows of); a job whose owner is gone is recovered first."""
        if project is None:
            root = self._index.get(job_id)
            if root is None:
                raise NotFoundError(
                    f"no batch job {str(job_id)[:40]!r} on this server",
                    "give the notebook's path too (?path=NOTEBOOK)",
                )
            project = find_project(root)
        store = JobStore(project)
        record = store.read(job_id)
        if record.get("status") in ("queued", "running") and recover(project, self.owner):
            record = store.read(job_id)
        with self._lock:
            self._index[job_id] = project.root
        return project, record

    def recent(self, project: Project, notebook: str, limit: int = RECENT) -> list[dict[str, Any]]:
        """The newest jobs of ``notebook`` (project-relative), stranded ones recovered."""
        recover(project, self.owner)
        records = [r for r in JobStore(project).records() if r.get("notebook") == notebook]
        with self._lock:
            self._index.update({r["id"]: project.root for r in records})
        return records[:limit]

    def sweep(self, roots: Iterable[Path]) -> int:
        """Recover the stranded jobs of the projects at ``roots`` (at server start);
        returns how many were marked interrupted. A project that cannot be read is skipped."""
        count = 0
        for root in roots:
            if not (root / ".mlops" / "cache" / "jobs").is_dir():
                continue
            try:
                project = self._confined(locate_project, root, self.root)
                if project is None:
                    continue
                count += len(self._confined(recover, project, self.owner))
                records = JobStore(project).records()
            except Exception:  # one unreadable project must not stop the others
                log.exception("jupyterlab_mlops: cannot recover the batch jobs under %s", root)
                continue
            with self._lock:
                self._index.update({r["id"]: project.root for r in records})
        return count

    def wait(self, timeout: float | None = None) -> None:
        """Until the queue is empty and no job runs (tests, shutdown)."""
        done = threading.Event()

        def joined() -> None:
            self._queue.join()
            done.set()

        threading.Thread(target=joined, daemon=True).start()
        done.wait(timeout)

    def _confined(self, work: Callable[..., Any], *args: Any) -> Any:
        return confined_to(self.root, work, *args) if self.root else work(*args)

    def _start_threads(self) -> None:
        while len(self._threads) < self.max_running:
            thread = threading.Thread(
                target=self._serve, name=f"mlops-batch-{len(self._threads) + 1}", daemon=True
            )
            thread.start()
            self._threads.append(thread)

    def _serve(self) -> None:
        while True:
            root, job_id = self._queue.get()
            try:
                self._confined(self._work, root, job_id)
            except BaseException:  # the worker must go on serving the queue
                log.exception("jupyterlab_mlops: batch job %s failed", job_id)
            finally:
                self._queue.task_done()

    def _work(self, root: Path, job_id: str) -> None:
        """Run one job through :func:`~.run.batch_run` and record how it ended."""
        project = find_project(root)
        store = JobStore(project)
        record = store.update(job_id, status="running", started=utc_now())

        def started(run: dict[str, Any]) -> None:
            try:
                store.update(job_id, run=run)
            except (OSError, MlopsError):  # the run goes on; a restart could not record it
                log.exception("jupyterlab_mlops: cannot note batch job %s as started", job_id)

        fields: dict[str, Any]
        try:
            done = batch_run(
                project, project.root / record["notebook"], record["parameters"],
                actor=record["actor"], batch_id=job_id, on_start=started,
            )  # fmt: skip
        except MlopsError as exc:  # refused or not started: nothing was recorded
            fields = {"status": "failed", "error": exc.to_json()}
        except Exception as exc:
            log.exception("jupyterlab_mlops: batch job %s failed", job_id)
            fields = {"status": "failed", "error": {
                "error": f"{type(exc).__name__}: {exc}"[:300], "hint": "see the server's log",
            }}  # fmt: skip
        else:
            outcome = outcome_of(done.entry)
            fields = {"status": outcome["status"], "outcome": outcome}
        store.update(job_id, finished=utc_now(), **fields)


def schema_of(notebook: Path) -> ParameterSchema:
    """The parameter schema of the saved notebook."""
    return parameter_schema(read_notebook(notebook))
