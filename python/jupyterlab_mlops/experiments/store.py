"""Where runs go: the project's MLflow tracking store, and MLflow's errors as clear ones.

Default: MLflow with a SQLite backend in ``.mlops/mlflow/`` (git-ignored), artifacts beside it,
created on first use with no server to start. ``MLFLOW_TRACKING_URI``, else ``tracking_uri`` in
``.mlops/config``, points at a team tracking server instead. MLflow is imported only here and
only when a run needs it.
"""

from __future__ import annotations

import contextlib
import logging
import os
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from typing import Any

from ..errors import MlopsError, NotFoundError
from ..project import Project

STORE_DIR = "mlflow"  # inside .mlops/
_HEALTH_TIMEOUT_S = 3.0


def tracking_uri(project: Project) -> str:
    """The tracking URI runs of ``project`` go to."""
    explicit = os.environ.get("MLFLOW_TRACKING_URI", "").strip() or project.config.tracking_uri
    return explicit or tracking_uri_default(project)


def artifact_root(project: Project) -> str:
    return (project.mlops_dir / STORE_DIR / "artifacts").as_uri()


def display_uri(uri: str) -> str:
    """The URI without a password (it is shown in messages and recorded in the ledger)."""
    parts = urllib.parse.urlsplit(uri)
    if parts.password is None:
        return uri
    host = parts.hostname or ""
    netloc = f"{parts.username}:***@{host}" + (f":{parts.port}" if parts.port else "")
    return urllib.parse.urlunsplit(parts._replace(netloc=netloc))


def client(project: Project) -> Any:
    """An ``MlflowClient`` on the project's store (created on first use; servers checked)."""
    uri = prepare(project)
    from mlflow import MlflowClient

    return MlflowClient(tracking_uri=uri, registry_uri=uri)


def prepare(project: Project) -> str:
    """Point MLflow at the project's store and make sure it answers; returns the URI."""
    uri = tracking_uri(project)
    if uri.startswith("sqlite:///") and uri == tracking_uri_default(project):
        (project.mlops_dir / STORE_DIR).mkdir(parents=True, exist_ok=True)
        _ensure_gitignored(project)
    elif uri.startswith(("http://", "https://")):
        _check_server(uri)
    import mlflow

    if mlflow.get_tracking_uri() != uri:
        mlflow.set_tracking_uri(uri)
        mlflow.set_registry_uri(uri)
    return uri


def tracking_uri_default(project: Project) -> str:
    return f"sqlite:///{(project.mlops_dir / STORE_DIR / 'mlflow.db').as_posix()}"


def experiment_id(project: Project) -> str:
    """The project's experiment (named after the project), created on first use with its
    artifacts inside the project for the default store."""
    import mlflow

    with mlflow_errors(tracking_uri(project)), _quiet_migrations():
        found = mlflow.get_experiment_by_name(project.config.name)
        if found is not None:
            if found.lifecycle_stage == "deleted":
                raise MlopsError(
                    f"the MLflow experiment '{project.config.name}' was deleted",
                    "restore it in the MLflow UI (or `mlflow experiments restore`)",
                )
            return str(found.experiment_id)
        location = artifact_root(project) if _is_default(project) else None
        return str(mlflow.create_experiment(project.config.name, artifact_location=location))


def _is_default(project: Project) -> bool:
    return tracking_uri(project) == tracking_uri_default(project)


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
    retries for minutes)."""
    health = uri.rstrip("/") + "/health"
    try:
        with urllib.request.urlopen(health, timeout=_HEALTH_TIMEOUT_S) as answer:
            answer.read(64)
    except urllib.error.HTTPError:
        return  # it answers (some servers have no /health): MLflow reports the details
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        raise MlopsError(
            f"the MLflow tracking server at {display_uri(uri)} does not answer ({reason})",
            "start it, fix MLFLOW_TRACKING_URI (or tracking_uri in .mlops/config), or unset "
            "it to use the project's local store",
        ) from exc


@contextlib.contextmanager
def mlflow_errors(uri: str) -> Iterator[None]:
    """MLflow's exceptions become one clear :class:`MlopsError` naming the store."""
    from mlflow.exceptions import MlflowException

    try:
        yield
    except MlflowException as exc:
        message = " ".join(str(exc.message if hasattr(exc, "message") else exc).split())
        if getattr(exc, "error_code", "") == "RESOURCE_DOES_NOT_EXIST":
            raise NotFoundError(message[:300], "list runs with `mlops runs`") from exc
        raise MlopsError(
            f"MLflow ({display_uri(uri)}): {message[:300]}",
            "check the tracking store (MLFLOW_TRACKING_URI) and the values logged",
        ) from exc


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
