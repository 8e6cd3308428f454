"""REST handlers: authenticate, authorize, confine the path, call the core, answer JSON."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import tornado.web
from jupyter_server.auth.decorator import authorized
from jupyter_server.base.handlers import APIHandler

from ..errors import MlopsError
from ..paths import confine, relative_to_root
from ..project import find_root

AUTH_RESOURCE = "mlops"
_NO_PROJECT_HINT = (
    "run `mlops init` in the project's root folder (in a terminal) "
    "or `%mlops init` in a notebook cell there"
)


class MlopsHandler(APIHandler):
    """Base: JSON errors ``{"error", "hint"}`` with a 4xx status for anything the user can fix."""

    auth_resource = AUTH_RESOURCE

    @property
    def root_dir(self) -> Path:
        return Path(self.settings["server_root_dir"]).expanduser()

    def fail(self, exc: MlopsError) -> None:
        self.set_status(exc.status)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(exc.to_json()))


class NotebookStatusHandler(MlopsHandler):
    """``GET /mlops/api/notebook?path=...``: a notebook's project, fingerprint and decisions."""

    @tornado.web.authenticated
    @authorized
    async def get(self) -> None:
        try:
            body = await asyncio.to_thread(self._status, self.get_query_argument("path", ""))
        except MlopsError as exc:
            self.fail(exc)
            return
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(body))  # tornado answers 304 itself when If-None-Match matches

    def _status(self, api_path: str) -> dict[str, Any]:
        from ..errors import NotFoundError
        from ..fingerprint import notebook_fingerprint
        from ..project import find_project
        from ..status import project_status

        if not api_path.endswith(".ipynb"):
            raise MlopsError(f"not a notebook: {api_path}", "give the path of an .ipynb file")
        notebook = confine(self.root_dir, api_path)
        if not notebook.is_file():
            raise NotFoundError(f"notebook not found: {api_path}", "save the notebook first")
        if find_root(notebook, stop=self.root_dir.resolve()) is None:
            return {
                "path": api_path,
                "project": None,
                "hint": _NO_PROJECT_HINT,
                "notebook": {"exists": True, "fingerprint": notebook_fingerprint(notebook)},
                "counts": {"entries": 0, "notebook_entries": 0, "decisions": 0},
                "decisions": [],
                "ledger": {"entries": 0, "head": None},
            }
        project = find_project(notebook, stop=self.root_dir.resolve())
        body = project_status(project, notebook).to_json()
        body["project"]["root"] = relative_to_root(self.root_dir, project.root)
        body["path"] = api_path
        return body


def handlers() -> list[tuple[str, type[tornado.web.RequestHandler]]]:
    return [("notebook", NotebookStatusHandler)]
