"""An analysis report as evidence of a run: which run it is for, where its artifacts go, and
its one ledger entry.

Explanations, fairness assessments and diagnostics all follow the same rules (DESIGN.md,
"Evidence beyond process"): the report's figures (JSON), plots and HTML go into the MLflow run
under ``FOLDER/<id12>/``, and one ledger entry of the analysis's kind links the run, the data
versions the run read and the notebook version. The same report recorded twice for the same
run is one entry.
"""

from __future__ import annotations

import json
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import data
from ..data.versions import DataVersion
from ..errors import MlopsError
from ..ledger import Entry
from ..project import Project
from . import runs, store


@dataclass(frozen=True)
class Target:
    """The run a report is evidence for, and the data versions that run read."""

    run_id: str
    name: str
    data: list[dict[str, Any]]  # [{"name", "version", "md5", "entry"}]
    finished: bool


def target_run(project: Project, run: Any) -> Target | None:
    """The run named by ``run=``: a :class:`~.runs.Run`, a recorded run's id (``last``
    works), or None for the run open now (None when no run is open)."""
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
            raise MlopsError("that run belongs to another project", "use a run of this project")
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


def why_not_recorded(project: Project | None, target: Target | None, call: str) -> str | None:
    """Why a report made by ``call`` (e.g. ``explain``) is shown but not recorded, if it is."""
    if project is None:
        return "not recorded: this folder is not in an MLOps project (`mlops init`)"
    if target is None:
        return (
            f"not recorded: no run is open. Call {call}() inside `with jupyterlab_mlops.run(...)`"
            ", or pass run=run (or run='last') to record it as evidence of that run"
        )
    return None


def data_entries_read(project: Project, target: Target | None) -> list[str]:
    """The ledger ids of the data versions ``target`` read, else (no run, or it read none)
    of the registered data read in this process."""
    entries = [d["entry"] for d in target.data] if target is not None else []
    if not entries:
        root = str(project.root)
        entries = [d["entry"] for d in data.accessed() if d["project"] == root]
    return entries


def data_versions_read(project: Project, target: Target | None) -> list[DataVersion]:
    """The versions of :func:`data_entries_read` (those not in the ledger skipped)."""
    found = []
    for entry_id in data_entries_read(project, target):
        try:
            found.append(DataVersion(project.ledger.get(entry_id)))
        except (KeyError, MlopsError):
            continue
    return found


def declared_sensitive(
    project: Project | None, target: Target | None, columns: Any = None
) -> list[str]:
    """The columns declared sensitive when the data the run read was registered (the data
    read in this process when there is no run), kept to ``columns`` when given."""
    if project is None:
        return []
    declared: list[str] = []
    for version in data_versions_read(project, target):
        declared += [c for c in version.payload.get("sensitive") or [] if c not in declared]
    if columns is None:
        return declared
    present = set(columns)
    return [c for c in declared if c in present]


def already_recorded(project: Project, kind: str, run_id: str, report_id: str) -> Entry | None:
    """The ``kind`` entry recording this same report for this run, if there is one."""
    for entry in project.ledger.entries(kind):
        p = entry.payload
        if p.get("run_id") == run_id and p.get("report_id") == report_id:
            return entry
    return None


def record_report(
    project: Project,
    kind: str,
    target: Target,
    *,
    report_id: str,
    folder: str,
    artifacts: Callable[[Path], None],
    payload: dict[str, Any],
    actor: str,
    notebook: dict[str, str] | None,
    metrics: dict[str, float] | None = None,
) -> Entry:
    """Log a report to the target run and append its ``kind`` entry, once per run and report.

    ``artifacts(folder)`` writes the report's files into a temporary folder; they are logged
    under ``FOLDER/<id12>/`` (``folder``), and ``metrics`` (if any) are logged to the run. The
    entry's payload is ``payload`` plus the run, the report id, the data versions and where the
    artifacts are; it links the run and the data version entries.
    """
    earlier = already_recorded(project, kind, target.run_id, report_id)
    if earlier is not None:
        return earlier
    where = f"{folder}/{report_id[:12]}"
    _log(project, target.run_id, where, artifacts, metrics or {})
    full = {
        "run_id": target.run_id,
        "run_name": target.name,
        "report_id": report_id,
        **payload,
        "data": {**dict(payload.get("data") or {}), "versions": target.data},
        "artifacts": where,
    }
    links = [f"mlflow-run:{target.run_id}", *(f"entry:{d['entry']}" for d in target.data)]
    entry, _ = project.ledger.append_once(
        kind,
        full,
        actor=actor,
        notebook=notebook,
        links=links,
        existing=lambda: already_recorded(project, kind, target.run_id, report_id),
    )
    return entry


def _log(
    project: Project,
    run_id: str,
    where: str,
    artifacts: Callable[[Path], None],
    metrics: dict[str, float],
) -> None:
    uri = store.prepare(project)
    import mlflow

    client = mlflow.MlflowClient(tracking_uri=uri)
    with tempfile.TemporaryDirectory(prefix="mlops-evidence-") as temp:
        out = Path(temp)
        artifacts(out)
        with store.mlflow_errors(uri):
            client.log_artifacts(run_id, str(out), where)
            if metrics:
                from mlflow.entities import Metric

                now = int(time.time() * 1000)
                client.log_batch(
                    run_id, metrics=[Metric(k, float(v), now, 0) for k, v in metrics.items()]
                )


def write_report_files(out: Path, report: Any) -> None:
    """The usual files of a report: ``report.json``, ``report.html`` and its PNG plots."""
    (out / "report.json").write_text(json.dumps(report.to_json(), indent=1), encoding="utf-8")
    (out / "report.html").write_text(report.html_document(), encoding="utf-8")
    for name, png in report.plots().items():
        (out / f"{name}.png").write_bytes(png)
