"""Registering a run's model in MLflow's model registry, linked in the ledger.

Nothing here loads a model: registering only points the registry at the artifacts MLflow
already holds, so no pickle is ever read. Names that come from the store (model names,
artifact paths) are treated as untrusted text: checked before use, escaped when shown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ..errors import MlopsError, NotFoundError
from ..kinds import MODEL_REGISTERED
from ..ledger import Entry
from ..project import Project
from . import store
from .runs import RunRecord, find_run, get_recorded_run

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\- ]{0,127}$")
_RUN_ID = re.compile(r"^[0-9a-f]{32}$")
_MODEL_ID = re.compile(r"^m-[0-9a-f]{32}$")
_ARTIFACT = re.compile(r"^[A-Za-z0-9_.\-]+(/[A-Za-z0-9_.\-]+)*$")


@dataclass(frozen=True)
class ModelRegistration:
    entry: Entry
    run: RunRecord

    def to_json(self) -> dict[str, Any]:
        return {"id": self.entry.hash, **self.entry.payload}


def register_model(
    project: Project, run_id: str, *, name: str, actor: str, model: str | None = None
) -> ModelRegistration:
    """Register the model logged by a recorded run as a new version of ``name``."""
    if not _NAME.match(name or ""):
        raise MlopsError(
            f"invalid model name {name!r}",
            "use up to 128 letters, digits, spaces, '-', '_' or '.', starting with a letter or digit",
        )
    record = find_run(project, run_id)
    if record.entry.payload.get("status") != "FINISHED":
        raise MlopsError(
            f"run {record.run_id[:12]} ({record.entry.payload['name']}) is "
            f"{str(record.entry.payload.get('status')).lower()}, not finished",
            "register the model of a run that finished",
        )
    if not _RUN_ID.match(record.run_id):
        raise MlopsError(
            f"the ledger holds an odd run id {record.run_id[:40]!r}", "run `mlops verify`"
        )
    client = store.client(project)
    uri = store.tracking_uri(project)
    with store.mlflow_errors(uri):
        source, model_id = _model_source(project, client, record, model)
        import mlflow

        with store.quiet_events():  # the view says what was registered
            version = mlflow.register_model(source, name, await_registration_for=30)
    entry = project.ledger.append(
        MODEL_REGISTERED,
        {
            "name": name,
            "version": str(version.version),
            "run_id": record.run_id,
            "model_id": model_id,
            "source": source,
            "tracking_uri": store.display_uri(uri),
        },
        actor=actor,
        notebook=record.entry.notebook,
        links=[f"mlflow-run:{record.run_id}", f"entry:{record.entry.hash}"],
    )
    return ModelRegistration(entry, record)


def _model_source(
    project: Project, client: Any, record: RunRecord, wanted: str | None
) -> tuple[str, str | None]:
    """``models:/<id>`` of the run's logged model (MLflow 3), else ``runs:/<id>/<path>`` of a
    logged model folder (one holding an ``MLmodel`` file)."""
    run = get_recorded_run(project, client, record)
    logged = client.search_logged_models(
        experiment_ids=[run.info.experiment_id],
        filter_string=f"source_run_id = '{record.run_id}'",
    )
    if wanted is not None:
        logged = [m for m in logged if m.name == wanted]
    logged = [m for m in logged if _MODEL_ID.match(str(m.model_id))]  # store text is untrusted
    if len(logged) == 1:
        return f"models:/{logged[0].model_id}", str(logged[0].model_id)
    if len(logged) > 1:
        names = ", ".join(sorted(_shown(m.name) for m in logged))
        raise MlopsError(
            f"run {record.run_id[:8]} logged several models: {names}",
            "choose one with --model NAME",
        )
    folders = [a.path for a in client.list_artifacts(record.run_id) if a.is_dir]
    for folder in folders if wanted is None else [wanted]:
        if not _ARTIFACT.match(folder or "") or ".." in folder.split("/"):
            continue  # an odd path from the store is never used
        if any(a.path.endswith("/MLmodel") for a in client.list_artifacts(record.run_id, folder)):
            return f"runs:/{record.run_id}/{folder}", None
    raise NotFoundError(
        f"run {record.run_id[:8]} ({record.entry.payload['name']}) logged no model",
        "log one inside the run, e.g. mlflow.sklearn.log_model(model, name='model') or autologging",
    )


def _shown(text: Any) -> str:
    return "".join(ch for ch in str(text) if ch.isprintable())[:80]
