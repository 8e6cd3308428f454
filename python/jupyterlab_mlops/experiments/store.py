"""Where runs go: the project's MLflow tracking store, and MLflow's errors as clear ones.

Default: MLflow with a SQLite backend in ``.mlops/mlflow/`` (git-ignored), artifacts beside it,
created on first use with no server to start. ``MLFLOW_TRACKING_URI``, else ``tracking_uri`` in
``.mlops/config``, points at a team tracking server instead. MLflow is imported only here and
only when a run needs it.
"""

from __future__ import annotations

import base64
import contextlib
import http.client
import logging
import os
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from typing import Any

from ..errors import MlopsError, NotFoundError
from ..project import Project

STORE_DIR = "mlflow"  # inside .mlops/
_HEALTH_TIMEOUT_S = 3.0
#: MLflow's HTTP retries, while our calls run (MLflow's defaults: 7 retries, 120 s timeouts)
_FAST_HTTP = {"MLFLOW_HTTP_REQUEST_MAX_RETRIES": "1", "MLFLOW_HTTP_REQUEST_TIMEOUT": "15"}


def tracking_uri(project: Project) -> str:
    """The tracking URI runs of ``project`` go to."""
    explicit = os.environ.get("MLFLOW_TRACKING_URI", "").strip() or project.config.tracking_uri
    return explicit or tracking_uri_default(project)


def tracking_uri_default(project: Project) -> str:
    return f"sqlite:///{(project.mlops_dir / STORE_DIR / 'mlflow.db').as_posix()}"


def is_default(project: Project, uri: str) -> bool:
    return uri == tracking_uri_default(project)


def recorded_uri(project: Project, uri: str) -> str:
    """What the ledger records as the store: ``local`` for the project's own (its absolute
    path means nothing in another clone), else the URI without credentials."""
    return "local" if is_default(project, uri) else display_uri(uri)


def artifact_root(project: Project) -> str:
    return (project.mlops_dir / STORE_DIR / "artifacts").as_uri()


_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.\-]*://)[^/\s@]*@")


def display_uri(uri: str) -> str:
    """The URI without user name, password or query (shown in messages, kept in the ledger)."""
    parts = urllib.parse.urlsplit(uri)
    netloc = parts.netloc.rsplit("@", 1)[-1]
    if netloc != parts.netloc:
        netloc = f"***@{netloc}"
    return urllib.parse.urlunsplit(parts._replace(netloc=netloc, query="", fragment=""))


def scrub(text: str) -> str:
    """``text`` with the credentials of any URL in it blanked out (MLflow's messages quote them)."""
    return _USERINFO.sub(r"\1***@", text)


def client(project: Project) -> Any:
    """An ``MlflowClient`` on the project's store (created on first use; servers checked)."""
    uri = prepare(project)
    from mlflow import MlflowClient

    return MlflowClient(tracking_uri=uri, registry_uri=uri)


def prepare(project: Project) -> str:
    """Point MLflow at the project's store and make sure it answers; returns the URI.

    MLflow's ``set_tracking_uri`` also sets the ``MLFLOW_TRACKING_URI`` environment variable;
    it is put back as it was, so that our choice never leaks into another project's runs or
    into child processes.
    """
    uri = tracking_uri(project)
    scheme = urllib.parse.urlsplit(uri).scheme.lower()
    fresh = False
    if is_default(project, uri):
        (project.mlops_dir / STORE_DIR).mkdir(parents=True, exist_ok=True)
        _ensure_gitignored(project)
        fresh = not (project.mlops_dir / STORE_DIR / "mlflow.db").exists()
    elif scheme in ("http", "https"):
        _check_server(uri)
    import mlflow

    if mlflow.get_tracking_uri() != uri or mlflow.get_registry_uri() != uri:
        saved = {k: os.environ.get(k) for k in ("MLFLOW_TRACKING_URI", "MLFLOW_REGISTRY_URI")}
        mlflow.set_tracking_uri(uri)
        mlflow.set_registry_uri(uri)
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    if fresh:  # create its tables now, quietly: whichever MLflow call comes first would log them
        with mlflow_errors(uri), _quiet_migrations():
            mlflow.search_experiments(max_results=1)
    return uri


def experiment_id(project: Project) -> str:
    """The project's experiment (named after the project), created on first use with its
    artifacts inside the project for the default store. Asked of the project's own store, not
    of MLflow's process-wide one (another thread may point that at another project)."""
    from mlflow import MlflowClient

    uri = tracking_uri(project)
    with mlflow_errors(uri), _quiet_migrations():
        tracking = MlflowClient(tracking_uri=uri, registry_uri=uri)
        found = tracking.get_experiment_by_name(project.config.name)
        if found is not None:
            if found.lifecycle_stage == "deleted":
                raise MlopsError(
                    f"the MLflow experiment '{project.config.name}' was deleted",
                    "restore it in the MLflow UI (or `mlflow experiments restore`)",
                )
            return str(found.experiment_id)
        location = artifact_root(project) if is_default(project, uri) else None
        return str(tracking.create_experiment(project.config.name, artifact_location=location))


def _ensure_gitignored(project: Project) -> None:
    """Projects made before the store existed get its folder git-ignored too."""
    ignore = project.mlops_dir / ".gitignore"
    try:
        text = ignore.read_text(encoding="utf-8")
    except FileNotFoundError:
        text = ""
    if f"{STORE_DIR}/" not in text.splitlines():
        with open(ignore, "a", encoding="utf-8") as out:
            out.write(("" if text.endswith("\n") or not text else "\n") + f"{STORE_DIR}/\n")


def _check_server(uri: str) -> None:
    """A tracking server that does not answer is one clear error, at once (MLflow itself
    retries for minutes). Credentials in the URI go in an Authorization header."""
    parts = urllib.parse.urlsplit(uri)
    host = parts.netloc.rsplit("@", 1)[-1]
    health = urllib.parse.urlunsplit(
        (parts.scheme.lower(), host, parts.path.rstrip("/") + "/health", "", "")
    )
    request = urllib.request.Request(health)
    if parts.username is not None:
        user = urllib.parse.unquote(parts.username)
        password = urllib.parse.unquote(parts.password or "")
        token = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
        request.add_header("Authorization", f"Basic {token}")
    try:
        with urllib.request.urlopen(request, timeout=_HEALTH_TIMEOUT_S) as answer:
            answer.read(64)
        return
    except urllib.error.HTTPError as exc:
        if exc.code < 500:
            return  # it answers (some servers have no /health): MLflow reports the details
        reason: object = f"HTTP {exc.code}"
    except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", None) or type(exc).__name__
    raise MlopsError(
        f"the MLflow tracking server at {display_uri(uri)} does not answer ({scrub(str(reason))})",
        "start it, fix MLFLOW_TRACKING_URI (or tracking_uri in .mlops/config), or unset it to "
        "use the project's local store",
    )


@contextlib.contextmanager
def mlflow_errors(uri: str) -> Iterator[None]:
    """MLflow's exceptions become one clear :class:`MlopsError` naming the store."""
    from mlflow.exceptions import MlflowException

    saved = {k: os.environ.get(k) for k in _FAST_HTTP}
    remote = urllib.parse.urlsplit(uri).scheme.lower() in ("http", "https")
    for key, value in _FAST_HTTP.items():  # fail within seconds, not minutes (unless set)
        if remote and saved[key] is None:
            os.environ[key] = value
    try:
        yield
    except MlflowException as exc:
        message = scrub(" ".join(str(exc.message if hasattr(exc, "message") else exc).split()))
        if getattr(exc, "error_code", "") == "RESOURCE_DOES_NOT_EXIST":
            raise NotFoundError(message[:300], "list runs with `mlops runs`") from None
        raise MlopsError(
            f"MLflow ({display_uri(uri)}): {message[:300]}",
            "check the tracking store (MLFLOW_TRACKING_URI) and the values logged",
        ) from None  # MLflow's own text can hold credentials: it is not chained
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)


@contextlib.contextmanager
def quiet_events() -> Iterator[None]:
    """MLflow's event lines ("Successfully registered model ...") off while an action runs
    whose own outcome the command shows; errors still raise."""
    from mlflow.utils.logging_utils import MLFLOW_LOGGING_STREAM

    was = MLFLOW_LOGGING_STREAM.enabled
    MLFLOW_LOGGING_STREAM.enabled = False
    try:
        yield
    finally:
        MLFLOW_LOGGING_STREAM.enabled = was


@contextlib.contextmanager
def _quiet_migrations() -> Iterator[None]:
    """Creating a SQLite store logs its schema migrations at INFO: not news for the user."""
    loggers = [logging.getLogger(n) for n in ("mlflow.store.db.utils", "alembic")]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.WARNING)
    try:
        yield
    finally:
        for lg, level in zip(loggers, levels, strict=True):
            lg.setLevel(level)
