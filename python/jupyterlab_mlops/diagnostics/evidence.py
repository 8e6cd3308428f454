"""Where a diagnostics report goes: its figures, plots and HTML into the MLflow run under
``diagnostics/<id>/``, its headline figures as run metrics, and one ``diagnostics.recorded``
ledger entry linking the run, the data versions and the notebook version (the rules every
report follows are in :mod:`..experiments.evidence`). Also: the columns flagged as personal
data when the data the run read was registered."""

from __future__ import annotations

import json
from typing import Any

from ..canonical import sha256_hex
from ..data.versions import DataVersion
from ..errors import MlopsError
from ..experiments.digests import digest as digest
from ..experiments.evidence import Target, data_entries_read, record_report, write_report_files
from ..kinds import DIAGNOSTICS_RECORDED
from ..ledger import Entry
from ..project import Project


def report_id(parts: dict[str, Any]) -> str:
    """The id of a report: a digest of what it was computed from (inputs, options, policy)."""
    return sha256_hex(json.loads(json.dumps(parts, sort_keys=True, default=str)))


def registered_pii(project: Project | None, target: Target | None) -> dict[str, list[str]]:
    """Columns flagged as personal data (not merely declared sensitive) when the data the
    run read was registered (the data read in this process when there is no run): column ->
    the kinds found."""
    if project is None:
        return {}
    found: dict[str, list[str]] = {}
    for entry_id in data_entries_read(project, target):
        try:
            version = DataVersion(project.ledger.get(entry_id))
            findings = version.findings
        except (KeyError, MlopsError, TypeError, ValueError):
            continue
        for f in findings:
            if f.kind != "declared_sensitive" and f.kind not in found.get(f.column, []):
                found.setdefault(f.column, []).append(f.kind)
    return found


def record(
    project: Project,
    target: Target,
    report: Any,
    *,
    report_id: str,
    digests: dict[str, str | None],
    actor: str,
    notebook: dict[str, str] | None,
) -> Entry:
    """Log ``report`` to the target run and append its ledger entry (once per run and report)."""
    summary = report.summary()
    payload = {
        **summary,
        "model": {**summary["model"], "digest": digests["model"]},
        "data": {k: digests[k] for k in ("X_train", "y_train", "X_test", "y_test")},
    }
    return record_report(
        project,
        DIAGNOSTICS_RECORDED,
        target,
        report_id=report_id,
        folder="diagnostics",
        artifacts=lambda out: write_report_files(out, report),
        payload=payload,
        actor=actor,
        notebook=notebook,
        metrics=report.metrics(),
    )
