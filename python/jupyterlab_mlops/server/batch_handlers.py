"""REST handlers for batch jobs: start an approved notebook as a job, follow it, list them.

Thin: each parses the request, asks the server's one :class:`~..batch.worker.JobRunner`, and
answers JSON with paths relative to the server root. Starting a job needs the ``write``
permission; refusals come back before anything is queued (403 with ``problems``, 400 with the
parameter's ``field``).
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import tornado.web
from jupyter_server.auth.decorator import authorized
from pydantic import BaseModel, ConfigDict, Field

from ..batch.jobs import public
from ..batch.worker import MAX_RUNNING, JobRunner
from ..errors import MlopsError
from ..paths import relative_to_root
from ..people import acting_identity
from ..portfolio import project_folders
from ..project import Project, find_project
from .handlers import MlopsHandler, actor_of, parse_body

RUNNER = "mlops_batch_jobs"
#: ``c.MlopsBatchJobs.max_running = 4`` in a Jupyter server config sets the jobs run at once
CONFIG_SECTION = "MlopsBatchJobs"


def start_batch_jobs(server_app: Any) -> JobRunner:
    """The server's job runner (in its settings), and a background sweep that marks the jobs
    a previous server left running as interrupted."""
    settings = server_app.web_app.settings
    root = Path(settings["server_root_dir"]).expanduser().resolve()
    wanted = server_app.config.get(CONFIG_SECTION, {}).get("max_running", MAX_RUNNING)
    try:
        runner = JobRunner(root, int(wanted))
    except (MlopsError, TypeError, ValueError):
        server_app.log.warning("jupyterlab_mlops: %s.max_running must be 1 to 64", CONFIG_SECTION)
        runner = JobRunner(root)
    settings[RUNNER] = runner

    def sweep() -> None:
        count = runner.sweep(project_folders(root))
        if count:
            server_app.log.info("jupyterlab_mlops: %d interrupted batch job(s) recorded", count)

    threading.Thread(target=sweep, name="mlops-batch-sweep", daemon=True).start()
    return runner


class BatchHandler(MlopsHandler):
    """Base: the runner, and errors whose body may carry lists (``problems``)."""

    @property
    def runner(self) -> JobRunner:
        runner = self.settings.get(RUNNER)
        if runner is None:  # the extension was loaded without start_batch_jobs (tests)
            runner = self.settings[RUNNER] = JobRunner(self.root_dir)
        return runner

    def fail(self, exc: MlopsError) -> None:
        self.set_status(exc.status)
        self.set_header("Content-Type", "application/json")
        self.finish(self.unrooted(exc.to_json()))

    def project_of(self, api_path: str) -> tuple[Path, Project]:
        notebook = self.notebook_path(api_path)
        return notebook, find_project(notebook, stop=self.root_dir)

    def base(self, project: Project) -> str:
        return relative_to_root(self.root_dir, project.root)


class BatchRunsHandler(BatchHandler):
    """``POST /mlops/api/batch-runs``: queue a job of an approved notebook (202 ``{id,
    status}``); ``GET ?path=NOTEBOOK``: may it run, its parameters and its recent jobs."""

    @tornado.web.authenticated
    @authorized
    async def get(self) -> None:
        await self.answer(self._overview, self.get_query_argument("path", ""))

    @tornado.web.authenticated
    @authorized("write")
    async def post(self) -> None:
        actor = actor_of(self.current_user)
        await self.answer(self._submit, self.request.body, actor, created=True)

    def set_status(self, status_code: int, reason: str | None = None) -> None:
        """A job is accepted, not created yet: 202 where the base answers 201."""
        super().set_status(202 if status_code == 201 else status_code, reason)

    def _overview(self, api_path: str) -> dict[str, Any]:
        notebook, project = self.project_of(api_path)
        body = self.runner.overview(project, notebook)
        body["jobs"] = [public(r, self.base(project)) for r in body["jobs"]]
        return self.unrooted({"notebook": api_path, **body})

    def _submit(self, raw: bytes, actor: str) -> dict[str, Any]:
        body = parse_body(raw, BatchRunBody)
        notebook, project = self.project_of(body.path)
        record = self.runner.submit(
            project, notebook, body.parameters, actor=acting_identity(project, actor)
        )
        return {"id": record["id"], "status": record["status"]}


class BatchRunHandler(BatchHandler):
    """``GET /mlops/api/batch-runs/ID[?path=NOTEBOOK]``: one job, with its outcome once done."""

    @tornado.web.authenticated
    @authorized
    async def get(self, job_id: str) -> None:
        await self.answer(self._job, job_id, self.get_query_argument("path", ""))

    def _job(self, job_id: str, api_path: str) -> dict[str, Any]:
        project = self.project_of(api_path)[1] if api_path else None
        project, record = self.runner.job(job_id, project)
        return self.unrooted(public(record, self.base(project)))


class BatchRunBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    path: str
    parameters: dict[str, Any] = Field(default_factory=dict, max_length=200)


def batch_handlers() -> list[tuple[str, type[tornado.web.RequestHandler]]]:
    return [
        ("batch-runs", BatchRunsHandler),
        (r"batch-runs/(?P<job_id>[^/]+)", BatchRunHandler),
    ]
