"""Reading one artifact file of a run: the figures and reports the documents embed.

In the project's own store (SQLite, artifacts on this disk) the file is read straight from the
run's artifact folder, as MLflow's local artifact repository would copy it, without loading
MLflow (importing it and opening its store costs seconds in a fresh process). Anything else (a
tracking server, artifacts elsewhere, a run or file the folder does not hold, a path that is not
plainly inside it) goes through MLflow, which gives its own answer or error.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
import urllib.parse
import urllib.request
from pathlib import Path, PurePosixPath

from ..project import Project
from . import store

_QUIET = "MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR"  # no progress bar for one small file


def read_artifact(project: Project, run_id: str, path: str) -> bytes:
    """The bytes of ``path`` among the artifacts of run ``run_id``.

    Raises :class:`~..errors.MlopsError` (MLflow's errors) or ``OSError`` when it cannot."""
    local = local_artifact(project, run_id, path)
    if local is not None:
        return local.read_bytes()
    return _through_mlflow(project, run_id, path)


def local_artifact(project: Project, run_id: str, path: str) -> Path | None:
    """The file on this disk that holds ``path`` of run ``run_id`` in the project's own store,
    or None when it is not (plainly) there."""
    if not store.is_default(project, store.tracking_uri(project)):
        return None
    parts = PurePosixPath(path).parts
    if not parts or path.startswith("/") or "\\" in path or {"..", "."} & set(parts):
        return None
    base = _artifact_folder(project.mlops_dir / store.STORE_DIR / "mlflow.db", run_id)
    if base is None:
        return None
    target = base.joinpath(*parts)
    try:
        real_base, real = base.resolve(strict=True), target.resolve(strict=True)
    except (OSError, RuntimeError):
        return None
    if real_base not in real.parents or not real.is_file():
        return None  # a link out of the folder, a folder: MLflow decides
    return real


def _artifact_folder(db: Path, run_id: str) -> Path | None:
    """The run's artifact folder as the SQLite store records it, when it is a local path."""
    if not db.is_file():
        return None
    try:
        connection = sqlite3.connect(f"{db.as_uri()}?mode=ro", uri=True)
        try:
            row = connection.execute(
                "SELECT artifact_uri FROM runs WHERE run_uuid = ?", (run_id,)
            ).fetchone()
        finally:
            connection.close()
    except sqlite3.Error:  # another schema, a locked or damaged file: MLflow decides
        return None
    uri = row[0] if row and isinstance(row[0], str) else None
    if not uri:
        return None
    parts = urllib.parse.urlsplit(uri)
    if parts.scheme == "file" and parts.netloc in ("", "localhost") and not parts.query:
        folder = Path(urllib.request.url2pathname(parts.path))
    elif not parts.scheme and os.path.isabs(uri):
        folder = Path(uri)
    else:
        return None
    return folder if folder.is_absolute() else None


def _through_mlflow(project: Project, run_id: str, path: str) -> bytes:
    was = os.environ.get(_QUIET)
    os.environ[_QUIET] = "false"
    try:
        with (
            tempfile.TemporaryDirectory(prefix="mlops-artifact-") as scratch,
            store.mlflow_errors(store.tracking_uri(project)),
        ):
            client = store.client(project)
            return Path(client.download_artifacts(run_id, path, scratch)).read_bytes()
    finally:
        if was is None:
            os.environ.pop(_QUIET, None)
        else:
            os.environ[_QUIET] = was
