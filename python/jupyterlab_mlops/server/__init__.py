"""The Jupyter server extension: REST handlers under ``<base_url>/mlops/api/``."""

from __future__ import annotations

from typing import Any

from jupyter_server.utils import url_path_join
from tornado.ioloop import PeriodicCallback

from ..alerts import retry_known
from .batch_handlers import batch_handlers, start_batch_jobs
from .handlers import handlers

#: how often the server sends the alerts that are due (they go out on a background thread)
ALERT_RETRY_MS = 60_000


def routes() -> list[tuple[str, Any]]:
    """Every REST route under ``mlops/api/`` with its handler."""
    return [*handlers(), *batch_handlers()]


def load_server_extension(server_app: Any) -> None:
    """Add the REST handlers to the running server."""
    web_app = server_app.web_app
    base_url = web_app.settings["base_url"]
    web_app.add_handlers(
        ".*$",
        [(url_path_join(base_url, "mlops", "api", route), handler) for route, handler in routes()],
    )
    start_batch_jobs(server_app)
    server_app.log.info("jupyterlab_mlops: REST API at %smlops/api/", base_url)
    web_app.settings["mlops_alerts"] = PeriodicCallback(retry_known, ALERT_RETRY_MS)
    web_app.settings["mlops_alerts"].start()
