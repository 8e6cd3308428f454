"""Everything a notebook's documents are written from, gathered once: the project's context,
its ledger entries, the checklist result and the sign-offs, the data versions its runs read
and their PII review, and the analyses, clean runs and batch runs of its current version.

One ledger read, one checklist evaluation: the fillers (``fill_annex``, ``fill_card``) only
look at what this gathers.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import kinds
from ..approvals import ApprovalStatus, approval_status
from ..checklists.evaluate import Report, check_notebook
from ..config import ProjectContext
from ..data.versions import DataVersion, Review, review_status
from ..decisions import Decision, list_decisions
from ..errors import MlopsError
from ..ledger import Entry
from ..project import Project
from ..roles import REQUIRED_ROLES


@dataclass(frozen=True)
class Evidence:
    """What one notebook's documents rest on."""

    project: Project
    notebook: str  # relative to the project root
    fingerprint: str
    report: Report  # the readiness checklist, evaluated once
    approval: ApprovalStatus  # the sign-offs and the bundle
    entries: list[Entry]  # the ledger in order (the project's history), but the documents' own
    decisions: list[Decision]  # of this notebook, oldest first, each marked current or not
    runs: list[Entry]  # finished runs of the current version, newest first (not batch runs)
    all_runs: list[Entry]  # every run of this notebook, oldest first
    data: list[tuple[DataVersion, Review]]  # the versions the latest run read, and reviews
    explanations: list[Entry]  # of the latest run, newest first
    fairness: list[Entry]
    diagnostics: list[Entry]
    clean_runs: list[Entry]  # notebook.executed of the current version, newest first
    batch_runs: list[Entry]  # every batch run of this notebook, newest first
    #: each group's figures of the latest fairness assessment (its report.json in MLflow);
    #: None when there is none or its artifacts cannot be read from the store
    fairness_groups: list[dict[str, Any]] | None = None

    @property
    def context(self) -> ProjectContext:
        return self.project.config.context

    @property
    def latest_run(self) -> Entry | None:
        return self.runs[0] if self.runs else None

    @property
    def required_roles(self) -> list[str]:
        return list(REQUIRED_ROLES[self.project.config.risk_tier])

    def run_name(self, run_id: object) -> str:
        """The name of the recorded run ``run_id`` (the id's start when it is not recorded)."""
        for entry in self.of_kind(kinds.RUN_LOGGED):
            if entry.payload.get("run_id") == run_id:
                return str(entry.payload.get("name"))
        return str(run_id)[:12]

    def signoffs(self) -> list[Entry]:
        """Every sign-off (granted, refused, revoked) of this notebook, oldest first."""
        return [e for e in self.notebook_entries() if e.kind in kinds.SIGNOFF_KINDS]

    def notebook_entries(self) -> list[Entry]:
        return [e for e in self.entries if e.notebook_path == self.notebook]

    def of_kind(self, kind: str) -> list[Entry]:
        return [e for e in self.entries if e.kind == kind]


def gather(project: Project, notebook: str | Path) -> Evidence:
    """The evidence of ``notebook`` (a path inside ``project``) as the ledger holds it now."""
    report = check_notebook(project, notebook)
    relative, fingerprint = report.notebook, report.fingerprint
    approval = approval_status(project.root / relative, project, report)
    # the documents' own entries are not evidence about the system: writing them changes nothing
    own = (kinds.DOCUMENTATION_GENERATED, kinds.DOCUMENTATION_AUTHORED)
    entries = [e for e in project.ledger.entries() if e.kind not in own]
    context = report.context
    assert context is not None  # check_notebook keeps what it read
    runs = list(context.runs)
    mine = [e for e in entries if e.notebook_path == relative]
    latest_id = runs[0].payload["run_id"] if runs else None

    def of_latest(kind: str) -> list[Entry]:
        found = [e for e in entries if e.kind == kind and e.payload.get("run_id") == latest_id]
        return list(reversed(found)) if latest_id else []

    fairness = of_latest(kinds.FAIRNESS_ASSESSED)
    current = [e for e in mine if (e.notebook or {}).get("fingerprint") == fingerprint]
    return Evidence(
        project=project,
        notebook=relative,
        fingerprint=fingerprint,
        report=report,
        approval=approval,
        entries=entries,
        decisions=list_decisions(project, project.root / relative, context.state),
        runs=runs,
        all_runs=[e for e in mine if e.kind == kinds.RUN_LOGGED],
        data=[(v, review_status(project, v)) for v in context.data_read],
        explanations=of_latest(kinds.EXPLANATION_RECORDED),
        fairness=fairness,
        diagnostics=of_latest(kinds.DIAGNOSTICS_RECORDED),
        clean_runs=[e for e in reversed(current) if e.kind == kinds.EXECUTED],
        batch_runs=[e for e in reversed(mine) if e.kind == kinds.BATCH_RUN],
        fairness_groups=_group_figures(project, fairness[0]) if fairness else None,
    )


def _group_figures(project: Project, entry: Entry) -> list[dict[str, Any]] | None:
    """The per-group rows of a fairness report, read from its run's ``report.json``."""
    import json

    from ..experiments.artifacts import read_artifact  # lazy: mlflow, when it is needed

    folder, run_id = entry.payload.get("artifacts"), entry.payload.get("run_id")
    if not folder or not run_id:
        return None
    try:
        raw = read_artifact(project, str(run_id), f"{folder}/report.json")
        report = json.loads(raw.decode("utf-8"))
    except (MlopsError, OSError, ValueError):  # the store lacks it (a clone, a fixture): the
        return None  # ledger's figures remain
    rows = report.get("by_group") if isinstance(report, dict) else None
    if not isinstance(rows, list):
        return None
    return [
        {**row, "_metrics": report.get("metrics") or []} for row in rows if isinstance(row, dict)
    ]
