"""Where an explanation goes: its figures, plots and HTML report into the MLflow run under
``explanations/<id>/``, and one ``explanation.recorded`` ledger entry linking the run, the
data versions and the notebook version."""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import MlopsError
from ..experiments import runs, store
from ..kinds import EXPLANATION_RECORDED
from ..ledger import Entry
from ..project import Project


@dataclass(frozen=True)
class Target:
    """The run an explanation is evidence for, and the data versions that run read."""

    run_id: str
    name: str
    data: list[dict[str, Any]]  # [{"name", "version", "md5", "entry"}]
    finished: bool


def target_run(project: Project, run: Any) -> Target | None:
    """The run named by ``run=``: a :class:`~..experiments.runs.Run`, a recorded run's id
    (``last`` works), or None for the run open now (None when no run is open)."""
    if run is None:
        run = runs.active_run()
        if run is None:
            return None
    if isinstance(run, runs.Run):
        if run.run_id is None:
            raise MlopsError(f"run '{run.name}' was never started", "open it with `with run(...)`")
        if run.entry is not None:  # ended and recorded
            return _recorded(runs.RunRecord(run.entry))
        if run.project.root != project.root:
            raise MlopsError("that run belongs to another project", "explain in its project")
        read = [_version(d) for d in runs.data_read(project)]
        return Target(run.run_id, run.name, read, finished=False)
    if isinstance(run, str):
        return _recorded(runs.find_run(project, run))
    raise MlopsError(
        f"run= takes a run or a run id, not {type(run).__name__}",
        "e.g. run=run (the object of `with jupyterlab_mlops.run(...) as run`) or run='last'",
    )


def _recorded(record: runs.RunRecord) -> Target:
    payload = record.entry.payload
    return Target(
        record.run_id,
        str(payload["name"]),
        [_version(d) for d in payload.get("data") or []],
        finished=payload.get("status") == "FINISHED",
    )


def _version(read: dict[str, Any]) -> dict[str, Any]:
    return {k: read[k] for k in ("name", "version", "md5", "entry") if k in read}


def already_recorded(project: Project, run_id: str, report_id: str) -> Entry | None:
    """The entry recording this same report for this run, if there is one."""
    for entry in project.ledger.entries(EXPLANATION_RECORDED):
        p = entry.payload
        if p.get("run_id") == run_id and p.get("report_id") == report_id:
            return entry
    return None


def record(
    project: Project,
    target: Target,
    report: Any,
    *,
    report_id: str,
    digests: dict[str, str],
    actor: str,
    notebook: dict[str, str] | None,
) -> Entry:
    """Log ``report`` to the target run and append its ledger entry (once per run and report)."""
    folder = f"explanations/{report_id[:12]}"
    earlier = already_recorded(project, target.run_id, report_id)
    if earlier is not None:
        return earlier
    _log_artifacts(project, target.run_id, folder, report)
    summary = report.summary()
    payload = {
        "run_id": target.run_id,
        "run_name": target.name,
        "report_id": report_id,
        "kinds": list(report.kinds),
        **summary,
        "model": {**dict(summary.get("model") or {}), "digest": digests["model"]},
        "data": {"digest": digests["X"], "versions": target.data},
        "artifacts": folder,
    }
    links = [f"mlflow-run:{target.run_id}", *(f"entry:{d['entry']}" for d in target.data)]
    entry, _ = project.ledger.append_once(
        EXPLANATION_RECORDED,
        payload,
        actor=actor,
        notebook=notebook,
        links=links,
        existing=lambda: already_recorded(project, target.run_id, report_id),
    )
    return entry


def _log_artifacts(project: Project, run_id: str, folder: str, report: Any) -> None:
    uri = store.prepare(project)
    import mlflow

    client = mlflow.MlflowClient(tracking_uri=uri)
    with tempfile.TemporaryDirectory(prefix="mlops-explain-") as temp:
        out = Path(temp)
        (out / "report.json").write_text(json.dumps(report.to_json(), indent=1), encoding="utf-8")
        (out / "report.html").write_text(report.html_document(), encoding="utf-8")
        for name, png in report.plots().items():
            (out / f"{name}.png").write_bytes(png)
        with store.mlflow_errors(uri):
            client.log_artifacts(run_id, str(out), folder)
