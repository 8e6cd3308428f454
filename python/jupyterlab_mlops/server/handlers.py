"""REST handlers: authenticate, authorize, confine the path, call the core, answer JSON."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path, PurePosixPath
from typing import Any

import tornado.web
from jupyter_server.auth.decorator import authorized
from jupyter_server.base.handlers import APIHandler

from ..errors import ForbiddenError, MlopsError, NotFoundError
from ..paths import confine, relative_to_root

AUTH_RESOURCE = "mlops"


class MlopsHandler(APIHandler):
    """Base: JSON errors ``{"error", "hint"}`` with a 4xx status for anything the user can fix."""

    auth_resource = AUTH_RESOURCE

    @property
    def root_dir(self) -> Path:
        return Path(self.settings["server_root_dir"]).expanduser().resolve()

    def fail(self, exc: MlopsError) -> None:
        """Answer with the error, never revealing where the server's files live."""
        root = f"{self.root_dir}/"
        body = {key: value.replace(root, "") for key, value in exc.to_json().items()}
        self.set_status(exc.status)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(body))

    def notebook_path(self, api_path: str) -> Path:
        """The notebook named by an API path: inside the root, not hidden (unless allowed), saved."""
        if not api_path.endswith(".ipynb"):
            raise MlopsError(f"not a notebook: {api_path}", "give the path of an .ipynb file")
        notebook = confine(self.root_dir, api_path)
        hidden = any(part.startswith(".") for part in PurePosixPath(api_path).parts)
        if (hidden and not self.contents_manager.allow_hidden) or not notebook.is_file():
            raise NotFoundError(f"notebook not found: {api_path}", "save the notebook first")
        return notebook


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
        except OSError as exc:
            self.fail(
                ForbiddenError(
                    f"cannot read the notebook's project ({exc.strerror})", "check file permissions"
                )
            )
            return
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(body))  # tornado answers 304 itself when If-None-Match matches

    def _status(self, api_path: str) -> dict[str, Any]:
        from ..status import notebook_status

        status = notebook_status(self.notebook_path(api_path), stop=self.root_dir)
        body = status.to_json()
        if status.project is not None:
            body["project"]["root"] = relative_to_root(self.root_dir, status.project.root)
        body["path"] = api_path
        return body


def handlers() -> list[tuple[str, type[tornado.web.RequestHandler]]]:
    return [("notebook", NotebookStatusHandler)]
